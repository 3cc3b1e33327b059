// Runs in the VS Code extension host: reads the durableLens.* settings and forwards them to the tsserver plugin
// through the TypeScript extension's configurePlugin API, so changes apply without a reload.
import * as path from 'path';
import * as vscode from 'vscode';
import type { LensConfig } from '../core/analysis/model';
import { RULE_IDS, type RuleId, type SeveritySetting } from '../core/rules/catalog';

export const PLUGIN_NAME = 'durable-lens-tsplugin';
export const CONFIG_SECTION = 'durableLens';
const TS_EXTENSION_ID = 'vscode.typescript-language-features';
const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['off', 'info', 'warning', 'error'];

/** Why forwarding failed; shown once in the Output channel, never thrown at the user. */
export class PluginConfigError extends Error {
  constructor(
    readonly reason: 'ts-extension-missing' | 'ts-api-unavailable' | 'configure-failed',
    message: string,
  ) {
    super(message);
    this.name = 'PluginConfigError';
  }
}

/** Only values someone set (user, workspace or folder) are sent: the plugin keeps the catalogue defaults otherwise. */
function explicitValue<T>(config: vscode.WorkspaceConfiguration, key: string): T | undefined {
  const inspected = config.inspect<T>(key);
  if (!inspected) return undefined;
  return inspected.workspaceFolderValue ?? inspected.workspaceValue ?? inspected.globalValue;
}

export function readLensConfig(config: vscode.WorkspaceConfiguration = vscode.workspace.getConfiguration(CONFIG_SECTION)): LensConfig {
  const rules: Partial<Record<RuleId, SeveritySetting>> = {};
  for (const id of RULE_IDS) {
    const value = explicitValue<string>(config, `rules.${id}`);
    if (value !== undefined && (SEVERITY_SETTINGS as readonly string[]).includes(value)) {
      rules[id] = value as SeveritySetting;
    }
  }
  // `enabled` only when someone set it, so `"enabled": false` in durable-lens.json is not overridden by a default.
  const enabled = explicitValue<boolean>(config, 'enable');
  return enabled === undefined ? { rules } : { enabled: enabled !== false, rules };
}

/** Local runs of a workspace folder (src/local/runStore.ts RUNS_DIR). */
const RUNS_FOLDER = path.join('.durable-lens', 'runs');
const DEFAULT_HISTORY_FOLDER = '.durable-lens/histories';

/**
 * The folders whose recorded executions replay-mismatch checks: each workspace folder's local runs and its
 * `durableLens.history.folder` (relative to it, or absolute), then `extra` (running executions fetched on request).
 */
export function historyFolders(extra: Iterable<string> = []): string[] {
  const out: string[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const root = folder.uri.fsPath;
    out.push(path.join(root, RUNS_FOLDER));
    const setting = vscode.workspace.getConfiguration(CONFIG_SECTION, folder.uri).get<string>('history.folder', DEFAULT_HISTORY_FOLDER);
    if (typeof setting === 'string' && setting.trim() !== '') out.push(path.isAbsolute(setting) ? setting : path.join(root, setting));
  }
  out.push(...extra);
  return [...new Set(out)];
}

/** What configurePlugin carries: the rule settings, and the history folders for replay-mismatch. */
export type PluginConfiguration = LensConfig & { readonly historyFolders: readonly string[] };

interface TypeScriptApiV0 {
  configurePlugin(pluginId: string, configuration: unknown): void;
}
interface TypeScriptExtensionExports {
  getAPI(version: 0): TypeScriptApiV0 | undefined;
}

/** Sends the current LensConfig to the plugin now and after every durableLens.* change. */
export class PluginConfigForwarder implements vscode.Disposable {
  private api: Promise<TypeScriptApiV0> | undefined;
  private readonly subscription: vscode.Disposable;
  private lastSent: LensConfig | undefined;
  private lastFolders: readonly string[] = [];
  private readonly extraHistoryFolders = new Set<string>();
  private readonly watchers: vscode.Disposable[] = [];
  private historyTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(CONFIG_SECTION)) void this.push('settings changed');
    });
    // A new or finished local run, or a history saved into the folder: configurePlugin again, which makes
    // tsserver rescan the folders and the editor ask for diagnostics again (replay-mismatch shows without an edit).
    try {
      const watcher = vscode.workspace.createFileSystemWatcher('**/*.json', false, false, false);
      const changed = (uri: vscode.Uri) => {
        if (!this.isHistoryFile(uri.fsPath)) return;
        if (this.historyTimer) clearTimeout(this.historyTimer);
        this.historyTimer = setTimeout(() => void this.push('recorded executions changed'), 500);
      };
      this.watchers.push(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed), vscode.workspace.onDidChangeWorkspaceFolders(() => void this.push('workspace folders changed')));
    } catch (err) {
      this.log.warn(`replay-mismatch: cannot watch the history folders (${err instanceof Error ? err.message : String(err)}); new recordings show after the next edit`);
    }
  }

  private isHistoryFile(file: string): boolean {
    return historyFolders(this.extraHistoryFolders).some((folder) => {
      const rel = path.relative(folder, file);
      return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    });
  }

  /** Adds a folder of recorded executions (e.g. running executions fetched into the extension's storage) and sends it. */
  addHistoryFolder(folder: string): Promise<LensConfig | undefined> {
    this.extraHistoryFolders.add(folder);
    return this.push('history folder added');
  }

  /** The config last handed to configurePlugin (for tests and the Output channel). */
  get current(): LensConfig | undefined {
    return this.lastSent;
  }

  /** The history folders last sent for replay-mismatch. */
  get currentHistoryFolders(): readonly string[] {
    return this.lastFolders;
  }

  async push(why: string): Promise<LensConfig | undefined> {
    const config = readLensConfig();
    const folders = historyFolders(this.extraHistoryFolders);
    const payload: PluginConfiguration = { ...config, historyFolders: folders };
    try {
      const api = await this.getApi();
      api.configurePlugin(PLUGIN_NAME, payload);
      this.lastSent = config;
      this.lastFolders = folders;
      this.log.info(`configured ${PLUGIN_NAME} (${why}): ${JSON.stringify(payload)}`);
      return config;
    } catch (err) {
      const reason = err instanceof PluginConfigError ? err.reason : 'configure-failed';
      this.log.error(`could not configure ${PLUGIN_NAME} (${reason}): ${err instanceof Error ? err.message : String(err)}`);
      // A later change retries from scratch (the TypeScript extension may have been disabled and re-enabled).
      this.api = undefined;
      return undefined;
    }
  }

  private getApi(): Promise<TypeScriptApiV0> {
    this.api ??= (async () => {
      const extension = vscode.extensions.getExtension<TypeScriptExtensionExports>(TS_EXTENSION_ID);
      if (!extension) {
        throw new PluginConfigError('ts-extension-missing', `${TS_EXTENSION_ID} is not installed or disabled; diagnostics need VS Code's built-in TypeScript support`);
      }
      const exports = extension.isActive ? extension.exports : await extension.activate();
      const api = exports?.getAPI?.(0);
      if (!api) throw new PluginConfigError('ts-api-unavailable', `${TS_EXTENSION_ID} did not return its API (version 0)`);
      return api;
    })();
    return this.api;
  }

  dispose(): void {
    this.subscription.dispose();
    if (this.historyTimer) clearTimeout(this.historyTimer);
    this.watchers.forEach((w) => w.dispose());
  }
}
