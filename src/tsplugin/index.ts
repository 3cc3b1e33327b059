// Runs inside tsserver (loaded as package `durable-lens-tsplugin`): the plugin entry point. Combines the
// configuration layers and decorates each project's language service; never throws into tsserver.
import type * as ts from 'typescript';
import type { LensConfig, TS } from '../core/analysis/model';
import { loadProjectConfig, mergeLensConfigs, parseLensConfig, type ConfigProblem } from '../core/config/projectConfig';
import { RULE_CATALOG, RULE_IDS } from '../core/rules/catalog';
import { decorateLanguageService, type ConfigSource } from './languageService';
import { HistoryStore, historyFoldersOf } from './histories';

/** How often a project re-reads durable-lens.json (it is stat-ed, not watched). */
const CONFIG_FILE_RECHECK_MS = 2000;

/**
 * tsserver calls this once with its own `typescript` module. Configuration layers, later wins per rule:
 * catalogue defaults < durable-lens.json (or package.json "durableLens") < the tsconfig plugin entry <
 * the editor's settings sent with configurePlugin.
 */
function init(modules: { typescript: TS }): ts.server.PluginModule {
  const tsm = modules.typescript;
  registerFixableCodes(tsm);
  /** Projects we decorate: told to refresh their diagnostics when the editor's settings change. */
  const projects = new Set<ts.server.Project>();
  let editorConfig: LensConfig = {};
  let editorGeneration = 0;
  let editorProblems: readonly ConfigProblem[] = [];
  // replay-mismatch: the folders the editor sends (configurePlugin `historyFolders`), one store per project.
  let editorHistoryFolders: readonly string[] = [];
  const historyStores = new Map<ts.server.Project, { store: HistoryStore; own: readonly string[]; log: (message: string) => void }>();

  const create = (info: ts.server.PluginCreateInfo): ts.LanguageService => {
    const log = (message: string) => {
      try {
        info.project.projectService.logger.info(`[durable-lens] ${message}`);
      } catch {
        // No logger: nothing else to tell.
      }
    };
    try {
      const tsconfigLayer = parseLensConfig(info.config ?? {}, 'tsconfig plugin entry');
      tsconfigLayer.problems.forEach((p) => log(`configuration: ${p.file}: ${p.message}`));
      const projectDir = info.project.getCurrentDirectory();
      const host = {
        fileExists: (f: string) => info.serverHost.fileExists(f),
        readFile: (f: string) => info.serverHost.readFile(f),
      };
      let fileLayer: LensConfig = {};
      let fileKey = '';
      let checkedAt = -Infinity;
      let seenEditorGeneration = -1;
      let generation = 0;
      let merged: LensConfig = {};
      const source: ConfigSource = {
        current() {
          const now = Date.now();
          let changed = false;
          if (now - checkedAt > CONFIG_FILE_RECHECK_MS) {
            checkedAt = now;
            const loaded = loadProjectConfig(projectDir, host);
            const mtime = loaded.file ? info.serverHost.getModifiedTime?.(loaded.file)?.getTime() : undefined;
            const key = `${loaded.file ?? ''}@${mtime ?? ''}`;
            if (key !== fileKey) {
              fileKey = key;
              fileLayer = loaded.config;
              loaded.problems.forEach((p) => log(`configuration: ${p.file}: ${p.message}`));
              changed = true;
            }
          }
          if (seenEditorGeneration !== editorGeneration) {
            seenEditorGeneration = editorGeneration;
            editorProblems.forEach((p) => log(`configurePlugin: ${p.message}`));
            changed = true;
          }
          if (changed) {
            generation++;
            merged = mergeLensConfigs(fileLayer, tsconfigLayer.config, editorConfig);
          }
          return { config: merged, generation };
        },
      };
      projects.add(info.project);
      const ownFolders = historyFoldersOf(info.config, projectDir);
      ownFolders.problems.forEach((p) => log(`configuration: tsconfig plugin entry: ${p}`));
      const histories = new HistoryStore(info.serverHost, log);
      histories.setFolders([...ownFolders.folders, ...editorHistoryFolders]);
      historyStores.set(info.project, { store: histories, own: ownFolders.folders, log });
      log(`loaded for project ${info.project.getProjectName()}`);
      const lsHost = info.languageServiceHost as ts.LanguageServiceHost | undefined;
      const projectVersion = typeof lsHost?.getProjectVersion === 'function' ? () => lsHost.getProjectVersion!() : undefined;
      return decorateLanguageService(tsm, info.languageService, source, { info: log }, projectVersion, histories);
    } catch (e) {
      log(`create failed, TypeScript runs without durable-lens: ${e instanceof Error ? e.message : String(e)}`);
      return info.languageService;
    }
  };

  const onConfigurationChanged = (config: unknown) => {
    // The new generation invalidates every cache. Neither tsserver nor VS Code re-requests diagnostics after
    // configurePlugin, so ask for it: refreshDiagnostics sends projectsUpdatedInBackground, and the editor re-runs
    // geterr on its open files (settings apply without a reload).
    const parsed = parseLensConfig(config, 'configurePlugin');
    editorConfig = parsed.config;
    editorProblems = parsed.problems;
    editorGeneration++;
    const folders = historyFoldersOf(config);
    editorHistoryFolders = folders.folders;
    editorProblems = [...editorProblems, ...folders.problems.map((message) => ({ reason: 'invalid-value' as const, file: 'configurePlugin', message }))];
    for (const [project, h] of historyStores) {
      try {
        if (project.isClosed()) historyStores.delete(project);
        else {
          h.store.setFolders([...h.own, ...editorHistoryFolders]);
          h.store.rescan();
        }
      } catch (err) {
        // One project's recordings failing to reload must not stop the others' (nor the configuration change).
        historyStores.delete(project);
        h.log(`replay-mismatch: the history folders could not be reloaded: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    for (const project of projects) {
      try {
        if (project.isClosed()) projects.delete(project);
        else project.refreshDiagnostics();
      } catch {
        // A project going away mid-refresh: nothing to refresh.
      }
    }
  };

  return { create, onConfigurationChanged };
}

/**
 * VS Code asks tsserver which error codes are fixable once, with no file (`getSupportedCodeFixes` without
 * arguments answers from TypeScript's own code-fix registry, not from the language service), and asks for
 * quick fixes only for those codes. Registering our codes there (with no actions of TypeScript's own: the
 * decorated getCodeFixesAtPosition supplies them) makes Ctrl+. offer our fixes. Internal API: absent, we skip.
 */
function registerFixableCodes(tsm: TS): void {
  try {
    const codefix = (tsm as unknown as { codefix?: { registerCodeFix?(reg: { errorCodes: number[]; getCodeActions(): undefined }): void; getSupportedErrorCodes?(): readonly string[] } }).codefix;
    if (!codefix?.registerCodeFix) return;
    const known = new Set(codefix.getSupportedErrorCodes?.() ?? []);
    const missing = RULE_IDS.map((id) => RULE_CATALOG[id].code).filter((code) => !known.has(String(code)));
    if (missing.length) codefix.registerCodeFix({ errorCodes: missing, getCodeActions: () => undefined });
  } catch {
    // Never break tsserver over this: quick fixes then show only where the client passes a file.
  }
}

export = init;
