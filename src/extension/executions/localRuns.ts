// Runs in the extension host: the local runs the tree shows — the live ones started in this window and the
// saved ones under <workspace>/.durable-lens/runs — and starting a run (handler, event typed in or from a
// file and remembered per handler, settings for time skipping, timeout and invoke targets).
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ListedRun } from '../../local/runStore';
import type { LocalRun } from '../../local/types';
import type { InvokeTargetSpec } from '../../local/protocol';
import type { Node } from './tree';

type RunStoreModule = typeof import('../../local/runStore');
type RunnerModule = typeof import('../../local/localRunner');
let runStoreModule: RunStoreModule | undefined;
let runnerModule: RunnerModule | undefined;

export function runStore(): RunStoreModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  runStoreModule ??= require('../../local/runStore') as RunStoreModule;
  return runStoreModule;
}

function runner(): RunnerModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  runnerModule ??= require('../../local/localRunner') as RunnerModule;
  return runnerModule;
}

const EVENTS_KEY = 'durableLens.local.events';
/** A remembered event larger than this is not kept (workspace state is not a file store). */
const MAX_REMEMBERED_EVENT_CHARS = 64 * 1024;

export function workspaceRoot(): string | undefined {
  const f = vscode.workspace.workspaceFolders?.find((w) => w.uri.scheme === 'file');
  return f?.uri.fsPath;
}

export interface StartRunRequest {
  readonly handlerFile: string;
  readonly handlerExport?: string;
  /** Given by a caller (tests, a re-run); otherwise asked for. */
  readonly event?: unknown;
}

export class LocalRuns implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly live = new Map<string, LocalRun>();
  private cache?: Node[];
  private fireTimer?: NodeJS.Timeout;
  private ticker?: NodeJS.Timeout;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly output: vscode.OutputChannel;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel
  ) {
    this.output = vscode.window.createOutputChannel('Durable Lens: Local Runs');
    this.disposables.push(this.output);
    const root = workspaceRoot();
    if (root) {
      // Runs written by the CLI or another window show up too.
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '.durable-lens/runs/*.json'));
      this.disposables.push(watcher, watcher.onDidCreate(() => this.invalidate()), watcher.onDidDelete(() => this.invalidate()));
    }
  }

  /** Newest first; a live run replaces its saved file. Cached until something changes. */
  list(): Node[] {
    if (this.cache) return this.cache;
    const root = workspaceRoot();
    let listed: ListedRun[] = [];
    if (root) {
      try {
        listed = runStore().listRuns(root);
      } catch (err) {
        this.log.warn(`local runs: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const nodes: Node[] = [];
    const seen = new Set<string>();
    const liveNewestFirst = [...this.live.values()].sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
    for (const run of liveNewestFirst) {
      seen.add(run.id);
      nodes.push({ type: 'localRun', id: run.id, live: run, listed: listed.find((l) => l.ok && l.run.id === run.id) });
    }
    for (const l of listed) {
      const id = l.ok ? l.run.id : l.id;
      if (!seen.has(id)) nodes.push({ type: 'localRun', id, listed: l });
    }
    this.cache = nodes;
    return nodes;
  }

  get(id: string): LocalRun | undefined {
    return this.live.get(id);
  }

  /** Live run updates arrive per event: the tree redraws at most a few times a second. */
  invalidate(soon = false): void {
    this.cache = undefined;
    if (!soon) {
      this.changed.fire();
      return;
    }
    this.fireTimer ??= setTimeout(() => {
      this.fireTimer = undefined;
      this.cache = undefined;
      this.changed.fire();
    }, 300);
  }

  rememberedEvent(key: string): string | undefined {
    return this.context.workspaceState.get<Record<string, string>>(EVENTS_KEY)?.[key];
  }

  async rememberEvent(key: string, json: string): Promise<void> {
    if (json.length > MAX_REMEMBERED_EVENT_CHARS) return;
    const all = { ...(this.context.workspaceState.get<Record<string, string>>(EVENTS_KEY) ?? {}) };
    all[key] = json;
    await this.context.workspaceState.update(EVENTS_KEY, all);
  }

  /** Asks for the event: the remembered one, typed JSON, a JSON file, or `{}`. Undefined = cancelled. */
  async askEvent(key: string): Promise<{ json: string } | undefined> {
    const last = this.rememberedEvent(key);
    type I = vscode.QuickPickItem & { how: 'last' | 'type' | 'file' | 'empty' };
    const items: I[] = [];
    if (last !== undefined) items.push({ label: '$(history) Last event', description: last.length > 80 ? `${last.slice(0, 79)}…` : last, how: 'last' });
    items.push({ label: '$(edit) Type the event as JSON…', how: 'type' }, { label: '$(file) Event from a JSON file…', how: 'file' }, { label: '{}', description: 'an empty object', how: 'empty' });
    const pick = await vscode.window.showQuickPick(items, { title: 'Durable Lens: event for the local run', placeHolder: path.basename(key) });
    if (!pick) return undefined;
    if (pick.how === 'last' && last !== undefined) return { json: last };
    if (pick.how === 'empty') return { json: '{}' };
    if (pick.how === 'type') {
      const typed = await vscode.window.showInputBox({
        title: 'Durable Lens: event (JSON)',
        value: last ?? '{}',
        validateInput: (v) => jsonProblem(v),
      });
      return typed === undefined ? undefined : { json: typed.trim() };
    }
    const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { JSON: ['json'] }, title: 'Event JSON file' });
    if (!files?.[0]) return undefined;
    const text = fs.readFileSync(files[0].fsPath, 'utf8');
    const problem = jsonProblem(text);
    if (problem) {
      void vscode.window.showErrorMessage(`Durable Lens: ${path.basename(files[0].fsPath)} is not an event: ${problem}`);
      return undefined;
    }
    return { json: text.trim() };
  }

  /** Starts a run; the tree shows it at once and follows it live. */
  async start(request: StartRunRequest): Promise<LocalRun | undefined> {
    const root = workspaceRoot();
    if (!root) {
      void vscode.window.showErrorMessage('Durable Lens: open a folder first: local runs are saved under it (.durable-lens/runs).');
      return undefined;
    }
    const key = `${path.relative(root, request.handlerFile)}#${request.handlerExport ?? 'handler'}`;
    let event: unknown = request.event;
    if (event !== undefined) await this.rememberEvent(key, JSON.stringify(event));
    else {
      const asked = await this.askEvent(key);
      if (!asked) return undefined;
      event = JSON.parse(asked.json);
      await this.rememberEvent(key, asked.json);
    }
    const config = vscode.workspace.getConfiguration('durableLens', vscode.Uri.file(request.handlerFile));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadTypeScript } = require('../workflow/typescriptLoader') as typeof import('../workflow/typescriptLoader');
    const typescriptPath = loadTypeScript(request.handlerFile, this.log).path;
    const runnerScript = path.join(this.context.extensionPath, 'dist', 'localRunner.js');
    if (!fs.existsSync(runnerScript)) throw Object.assign(new Error(`the local runner is missing (${runnerScript}): rebuild the extension`), { reason: 'not-built' });
    const run = runner().startLocalRun({
      handlerFile: request.handlerFile,
      handlerExport: request.handlerExport,
      event,
      skipTime: config.get<boolean>('local.skipTime', true),
      timeoutMs: Math.max(1, config.get<number>('local.timeoutSeconds', 300)) * 1000,
      invokeTargets: config.get<Record<string, InvokeTargetSpec>>('local.invokeTargets', {}),
      typescriptPath,
      workspaceRoot: root,
      runnerScript,
      onOutput: (_stream, text) => this.output.append(text),
    });
    this.live.set(run.id, run);
    // A live run's duration grows between its events: redraw it every couple of seconds while any runs.
    this.ticker ??= setInterval(() => {
      if (this.live.size === 0) {
        clearInterval(this.ticker);
        this.ticker = undefined;
        return;
      }
      this.invalidate(true);
    }, 2000);
    this.log.info(`local run ${run.id}: started ${key}`);
    const off = run.onDidChange(() => this.invalidate(true));
    void run.done.then(
      (r) => {
        off();
        this.log.info(`local run ${run.id}: ${r.status}${r.error ? ` (${r.error.reason})` : ''}`);
        // The saved file now holds the final state; keep the live object only until the file is listed.
        this.live.delete(run.id);
        this.invalidate();
      },
      (err: unknown) => {
        off();
        this.live.delete(run.id);
        this.log.error(`local run ${run.id}: ${err instanceof Error ? err.message : String(err)}`);
        this.invalidate();
      }
    );
    this.invalidate();
    return run;
  }

  dispose(): void {
    if (this.fireTimer) clearTimeout(this.fireTimer);
    if (this.ticker) clearInterval(this.ticker);
    for (const run of this.live.values()) run.cancel();
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}

export function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    return `not valid JSON (${err instanceof Error ? err.message : String(err)})`;
  }
}
