// Runs in the extension host: the execution panels (one per execution key) on the generic webview host — loading
// through an ExecutionSource, auto-refresh while running, the actions (stop, callbacks, copy, console, export),
// payloads as read-only JSON documents, and the serializer that brings a panel back after a reload.
//
// package.json contributions this module needs (the views engineer adds them to package.json):
//   "activationEvents": ["onWebviewPanel:durableLens.execution"]
//   "commands": [
//     { "command": "durableLens.execution.refresh", "title": "Refresh Execution", "category": "Durable Lens", "icon": "$(refresh)" },
//     { "command": "durableLens.execution.export", "title": "Export Execution History", "category": "Durable Lens" }
//   ]
//   "menus": { "commandPalette": [
//     { "command": "durableLens.execution.refresh", "when": "activeWebviewPanelId == 'durableLens.execution'" },
//     { "command": "durableLens.execution.export", "when": "activeWebviewPanelId == 'durableLens.execution'" } ] }
//   "durableLens.execution.state" is registered for tests and bug reports and is deliberately not contributed.
// Wiring: call registerExecutionPanel(context, log, { resolveSource }) once at activation (it is cheap: no AWS SDK,
// no testing SDK), then showExecution(context, log, source) from the commands and the tree.
import * as path from 'path';
import * as vscode from 'vscode';
import { parseHistoryText, serializeHistory, type HistoryEvent } from '../../core/history/events';
import { buildExecutionRecord, type ExecutionRecord } from '../../core/history/record';
import type { IpcMessage } from '../shared/ipc';
import { KeyedPanels, WebviewHost, errorText } from '../shared/webviewHost';
import {
  EXECUTION_VIEW_TYPE,
  checkCallbackPayload,
  type ExecutionView,
  type ExecutionViewSnapshot,
  type ExecutionViewState,
  type HostNotification,
  type HostRequests,
  type WebviewCommand,
  type WebviewRequests,
} from './executionProtocol';
import { REFRESH_MIN_MS, buildExecutionView, nextRefreshDelay, payloadDocument } from './executionViewModel';
import type { ExecutionSnapshot, ExecutionSource } from './source';

export const PAYLOAD_SCHEME = 'durable-lens-payload';
export const EXECUTION_STATE_COMMAND = 'durableLens.execution.state';
export const EXECUTION_REFRESH_COMMAND = 'durableLens.execution.refresh';
export const EXECUTION_EXPORT_COMMAND = 'durableLens.execution.export';

/** A live source's change notifications are coalesced over this long. */
const LIVE_COALESCE_MS = 150;

/** A typed failure of the panel, one message for the user. */
export class ExecutionPanelError extends Error {
  constructor(
    readonly reason: 'invalidPayload' | 'unsupported' | 'noHistory' | 'unavailable',
    message: string
  ) {
    super(message);
  }
}

type Host = WebviewHost<HostNotification, Exclude<WebviewCommand, { type: 'ready' }> & IpcMessage, HostRequests, WebviewRequests>;

/** What the panel shows and heard back: for the state command (tests, bug reports). */
export interface ExecutionPanelState {
  readonly key: string;
  readonly title: string;
  readonly kind: ExecutionSource['kind'];
  readonly ready: boolean;
  readonly visible: boolean;
  readonly seq: number;
  readonly drawn: { readonly seq: number; readonly ms: number; readonly operations: number; readonly events: number } | undefined;
  readonly status: string | undefined;
  readonly running: boolean;
  readonly eventCount: number;
  readonly loads: number;
  readonly lastError: string | undefined;
  /** When the next automatic refresh is due (ms from now), or null when none is scheduled. */
  readonly nextRefreshMs: number | null;
}

let registered: { context: vscode.ExtensionContext; log: vscode.LogOutputChannel; resolveSource: SourceResolver } | undefined;
const panels = new KeyedPanels<ExecutionPanel>();
const payloadContents = new Map<string, string>();

export type SourceResolver = (key: string, state: ExecutionViewState) => Promise<ExecutionSource | undefined>;

/**
 * Registers what must exist before any panel does: the payload document provider, the serializer (a panel
 * restored after a reload asks `resolveSource` for its source again; `file:` keys are read back here when the
 * resolver does not know them), and the panel commands.
 */
export function registerExecutionPanel(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, options: { resolveSource?: SourceResolver } = {}): void {
  if (registered) return;
  registered = { context, log, resolveSource: options.resolveSource ?? (async () => undefined) };
  const provider: vscode.TextDocumentContentProvider = {
    provideTextDocumentContent: (uri) =>
      payloadContents.get(uri.toString()) ?? '// This payload is no longer loaded: open it again from its execution view.\n',
  };
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(PAYLOAD_SCHEME, provider),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.uri.scheme === PAYLOAD_SCHEME) payloadContents.delete(doc.uri.toString());
    }),
    vscode.window.registerWebviewPanelSerializer(EXECUTION_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state) => revive(panel, (state ?? {}) as ExecutionViewState),
    }),
    vscode.commands.registerCommand(EXECUTION_STATE_COMMAND, async (withSnapshot?: unknown) => {
      const out: (ExecutionPanelState & { snapshot?: ExecutionViewSnapshot })[] = [];
      for (const p of panels.values()) out.push({ ...p.state, ...(withSnapshot === true && p.state.ready ? { snapshot: await p.snapshot().catch(() => undefined) } : {}) });
      return out;
    }),
    vscode.commands.registerCommand(EXECUTION_REFRESH_COMMAND, () => activePanel()?.refresh('command')),
    vscode.commands.registerCommand(EXECUTION_EXPORT_COMMAND, () => activePanel()?.exportHistory()),
    { dispose: () => panels.disposeAll() }
  );
}

function activePanel(): ExecutionPanel | undefined {
  return panels.values().find((p) => p.active) ?? panels.values().find((p) => p.state.visible);
}

/** Opens the panel for `source` (or reveals the one already showing its key, with the new source). */
export function showExecution(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, source: ExecutionSource): ExecutionPanel {
  if (!registered) registerExecutionPanel(context, log);
  const existing = panels.get(source.key);
  if (existing) {
    existing.reveal(source);
    return existing;
  }
  // Beside the editor the first time; later executions open where the others are, not in yet another column.
  const column = panels.values().find((p) => p.viewColumn !== undefined)?.viewColumn;
  const host: Host = WebviewHost.create(context.extensionUri, log, hostOptions(context, source.title), column);
  return new ExecutionPanel(host, log, source);
}

function hostOptions(context: vscode.ExtensionContext, title: string) {
  return {
    viewType: EXECUTION_VIEW_TYPE,
    title: panelTitle(title),
    bundle: 'execution',
    style: 'execution.css',
    label: 'execution',
    iconPath: {
      light: vscode.Uri.joinPath(context.extensionUri, 'media', 'workflow-light.svg'),
      dark: vscode.Uri.joinPath(context.extensionUri, 'media', 'workflow-dark.svg'),
    },
  };
}

function panelTitle(title: string): string {
  const t = title.replace(/\s+/g, ' ').trim();
  return `Execution: ${t.length > 40 ? t.slice(0, 39) + '\u2026' : t || 'unnamed'}`;
}

async function revive(panel: vscode.WebviewPanel, state: ExecutionViewState): Promise<void> {
  const r = registered!;
  const key = typeof state.key === 'string' ? state.key : undefined;
  let source: ExecutionSource | undefined;
  try {
    source = key ? ((await r.resolveSource(key, state)) ?? (key.startsWith('file:') ? historyFileSource(vscode.Uri.parse(key.slice(5), true)) : undefined)) : undefined;
  } catch (err) {
    r.log.warn(`execution: cannot restore the view of ${key}: ${errorText(err)}`);
  }
  if (!source) {
    r.log.info(`execution: a restored view had no source to load (${key ?? 'no key'}); closing it`);
    panel.dispose();
    return;
  }
  if (panels.get(source.key)) {
    panel.dispose();
    return;
  }
  const host: Host = WebviewHost.revive(panel, r.context.extensionUri, r.log, hostOptions(r.context, source.title));
  new ExecutionPanel(host, r.log, source);
}

/** A history file as a source: read again on every load (so Refresh picks up a rewritten file); no actions. */
export function historyFileSource(uri: vscode.Uri): ExecutionSource {
  return {
    key: `file:${uri.toString()}`,
    title: path.posix.basename(uri.path),
    kind: 'file',
    async load(): Promise<ExecutionSnapshot> {
      const bytes = await vscode.workspace.fs.readFile(uri);
      const parsed = parseHistoryText(Buffer.from(bytes).toString('utf8'));
      const events: HistoryEvent[] = parsed.events;
      return { events, running: false };
    },
  };
}

export class ExecutionPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private record: ExecutionRecord | undefined;
  private view: ExecutionView | undefined;
  private running = false;
  private seq = 0;
  private loads = 0;
  private drawn: ExecutionPanelState['drawn'];
  private lastError: string | undefined;
  private loading: AbortController | undefined;
  private reloadQueued = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDue: number | undefined;
  private delay = REFRESH_MIN_MS;
  private liveTimer: ReturnType<typeof setTimeout> | undefined;
  private liveSubscription: { dispose(): void } | undefined;
  private disposed = false;
  private busyAction = false;

  constructor(
    private readonly host: Host,
    private readonly log: vscode.LogOutputChannel,
    private source: ExecutionSource
  ) {
    panels.set(source.key, this);
    this.subscribe();
    this.disposables.push(
      host,
      host.onDidDispose(() => this.dispose()),
      host.onReady(() => this.onReady()),
      host.onMessage((m) => void this.onCommand(m as WebviewCommand)),
      host.onDidChangeVisibility((visible) => {
        if (!visible) this.clearTimer();
        // Shown again: the page reloads and says ready, which refreshes a running execution.
      })
    );
    void this.load('open');
  }

  get active(): boolean {
    return !this.disposed && this.host.panel.active;
  }

  get viewColumn(): vscode.ViewColumn | undefined {
    return this.disposed ? undefined : this.host.panel.viewColumn;
  }

  get state(): ExecutionPanelState {
    return {
      key: this.source.key,
      title: this.source.title,
      kind: this.source.kind,
      ready: this.host.ready,
      visible: this.host.visible,
      seq: this.seq,
      drawn: this.drawn,
      status: this.record ? String(this.record.execution.status) : undefined,
      running: this.running,
      eventCount: this.record?.events.length ?? 0,
      loads: this.loads,
      lastError: this.lastError,
      nextRefreshMs: this.timerDue !== undefined ? Math.max(0, this.timerDue - Date.now()) : null,
    };
  }

  snapshot(): Promise<ExecutionViewSnapshot> {
    return this.host.request('snapshot', {});
  }

  /** Shown again from a command or the tree, possibly with a fresher source object for the same key. */
  reveal(source: ExecutionSource): void {
    if (source !== this.source) {
      this.liveSubscription?.dispose();
      this.source = source;
      this.subscribe();
    }
    this.host.reveal(undefined, true);
    void this.load('reveal');
  }

  refresh(reason: string): void {
    this.delay = REFRESH_MIN_MS;
    void this.load(reason);
  }

  private subscribe(): void {
    this.liveSubscription = this.source.onDidChange?.(() => {
      // A live run reports every checkpoint: coalesce bursts into one load.
      if (this.liveTimer || this.disposed) return;
      this.liveTimer = setTimeout(() => {
        this.liveTimer = undefined;
        if (this.host.visible) void this.load('live');
      }, LIVE_COALESCE_MS);
    });
  }

  private onReady(): void {
    if (this.view) this.sendView();
    if (this.lastError) this.host.post({ type: 'loadError', message: this.lastError });
    if (this.timerDue !== undefined) this.host.post({ type: 'refreshSchedule', nextInMs: Math.max(0, this.timerDue - Date.now()) });
    // A page shown again after being hidden: a running execution moved on meanwhile.
    if (this.running && this.loads > 0 && !this.loading) this.refresh('shown');
  }

  private sendView(): void {
    if (!this.view) return;
    this.host.post({ type: 'view', seq: this.seq, view: this.view, loadedAt: new Date().toISOString() });
  }

  /** Loads the history; one load at a time (a request during a load runs once after it). */
  private async load(reason: string): Promise<void> {
    if (this.disposed) return;
    if (this.loading) {
      this.reloadQueued = true;
      return;
    }
    this.clearTimer();
    const abort = new AbortController();
    this.loading = abort;
    this.host.post({ type: 'loading', busy: true });
    const t0 = performance.now();
    const previousCount = this.record?.events.length;
    const previousStatus = this.record?.execution.status;
    try {
      const snapshot = await this.source.load(abort.signal);
      if (this.disposed) return;
      const tFetched = performance.now();
      this.record = buildExecutionRecord(snapshot.events, snapshot.summary);
      this.running = snapshot.running;
      this.view = buildExecutionView(this.record, {
        key: this.source.key,
        title: this.source.title,
        running: snapshot.running,
        arn: this.source.arn,
        consoleUrl: this.source.consoleUrl,
        canStop: !!this.source.stop,
        canCompleteCallbacks: !!(this.source.sendCallbackSuccess || this.source.sendCallbackFailure),
        canHeartbeat: !!this.source.sendCallbackHeartbeat,
        canOpenHandler: !!this.source.openHandler,
      });
      this.seq++;
      this.loads++;
      if (this.lastError) this.host.post({ type: 'loadError', message: null });
      this.lastError = undefined;
      this.host.title = panelTitle(this.source.title);
      this.sendView();
      this.log.debug(`execution: ${reason}: ${snapshot.events.length} events of ${this.source.key} fetched in ${(tFetched - t0).toFixed(0)} ms, modelled in ${(performance.now() - tFetched).toFixed(0)} ms`);
      const changed = previousCount !== snapshot.events.length || previousStatus !== this.record.execution.status;
      this.delay = nextRefreshDelay(this.delay, changed);
    } catch (err) {
      if (this.disposed) return;
      this.lastError = `Could not load the execution: ${errorText(err)}`;
      this.log.error(`execution: loading ${this.source.key} (${reason}) failed: ${errorText(err)}`);
      this.host.post({ type: 'loadError', message: this.lastError });
      this.delay = nextRefreshDelay(this.delay, false);
    } finally {
      if (this.loading === abort) this.loading = undefined;
      this.host.post({ type: 'loading', busy: false });
    }
    if (this.reloadQueued) {
      this.reloadQueued = false;
      void this.load('queued');
      return;
    }
    this.schedule();
  }

  /** The next automatic refresh: only while running, visible and not told of changes by a live source. */
  private schedule(): void {
    this.clearTimer();
    if (this.disposed || !this.running || !this.host.visible || this.source.onDidChange) {
      this.host.post({ type: 'refreshSchedule', nextInMs: null });
      return;
    }
    const delay = this.delay;
    this.timerDue = Date.now() + delay;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDue = undefined;
      void this.load('auto');
    }, delay);
    this.host.post({ type: 'refreshSchedule', nextInMs: delay });
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = undefined;
  }

  // ---- commands from the webview ----

  private async onCommand(m: WebviewCommand): Promise<void> {
    switch (m.type) {
      case 'drawn':
        this.drawn = { seq: m.seq, ms: m.ms, operations: m.operations, events: m.events };
        this.log.debug(`execution: drew #${m.seq} (${m.operations} operations, ${m.events} events) in ${m.ms.toFixed(0)} ms`);
        return;
      case 'refresh':
        return this.refresh('button');
      case 'openPayload':
        return this.guard('Opening the payload', () => this.openPayload(String(m.ref)));
      case 'stop':
        return this.guard('Stopping the execution', () => this.stop());
      case 'completeCallback':
        return this.guard('Completing the callback', () => (m.outcome === 'failure' ? this.failCallback(String(m.callbackId)) : this.succeedCallback(String(m.callbackId))));
      case 'heartbeat':
        return this.guard('Sending the heartbeat', () => this.heartbeat(String(m.callbackId)));
      case 'copyArn':
        return this.guard('Copying the ARN', () => this.copyArn());
      case 'openConsole':
        return this.guard('Opening the console', () => this.openConsole());
      case 'export':
        return this.guard('Exporting the history', async () => void (await this.exportHistory()));
      case 'stepThrough':
        return this.guard('Opening the replay', async () => void (await vscode.commands.executeCommand('durableLens.stepThroughExecution', { source: this.source })));
      case 'openHandler':
        return this.guard('Opening the handler', async () => {
          if (!this.source.openHandler) throw new ExecutionPanelError('unsupported', 'This execution has no known handler.');
          await this.source.openHandler();
        });
    }
  }

  /** Runs an action; a failure becomes one message (toast and panel note), the detail goes to the log. */
  private async guard(what: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (err) {
      const message = `${what} failed: ${errorText(err)}`;
      this.log.error(`execution: ${message}`);
      this.host.post({ type: 'notice', message, error: true });
      void vscode.window.showErrorMessage(`Durable Lens: ${message}`);
    }
  }

  private notice(message: string): void {
    this.host.post({ type: 'notice', message });
    vscode.window.setStatusBarMessage(`Durable Lens: ${message}`, 5000);
  }

  private async openPayload(ref: string): Promise<void> {
    if (!this.record) throw new ExecutionPanelError('noHistory', 'The history is not loaded yet.');
    const doc = payloadDocument(this.record, ref);
    if (!doc) throw new ExecutionPanelError('unavailable', 'That payload is not in the loaded history.');
    const uri = vscode.Uri.from({ scheme: PAYLOAD_SCHEME, path: `/${doc.name}`, query: new URLSearchParams({ key: this.source.key, ref, seq: String(this.seq) }).toString() });
    payloadContents.set(uri.toString(), doc.content);
    let text = await vscode.workspace.openTextDocument(uri);
    if (text.languageId !== 'json') text = await vscode.languages.setTextDocumentLanguage(text, 'json');
    await vscode.window.showTextDocument(text, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: false });
  }

  private async stop(): Promise<void> {
    if (!this.source.stop) throw new ExecutionPanelError('unsupported', 'This execution cannot be stopped from here.');
    const choice = await vscode.window.showWarningMessage(
      `Stop the execution "${this.source.title}"?`,
      { modal: true, detail: 'The execution ends with status STOPPED; operations still waiting (callbacks, waits) never complete. This cannot be undone.' },
      'Stop Execution'
    );
    if (choice !== 'Stop Execution') return;
    await this.source.stop();
    this.notice('Stop requested.');
    this.refresh('stop');
  }

  private async succeedCallback(callbackId: string): Promise<void> {
    if (!this.source.sendCallbackSuccess) throw new ExecutionPanelError('unsupported', 'This execution\u2019s callbacks cannot be completed from here.');
    const text = await vscode.window.showInputBox({
      title: 'Complete Callback: Success',
      prompt: `The callback's result as JSON (empty sends null). Callback ${callbackId}`,
      placeHolder: '{"approved": true}',
      ignoreFocusOut: true,
      validateInput: (value) => {
        const check = checkCallbackPayload(value);
        return check.ok ? undefined : check.message;
      },
    });
    if (text === undefined) return;
    const check = checkCallbackPayload(text);
    if (!check.ok) throw new ExecutionPanelError('invalidPayload', check.message);
    await this.source.sendCallbackSuccess(callbackId, check.json);
    this.notice('Callback completed (success).');
    this.refresh('callback');
  }

  private async failCallback(callbackId: string): Promise<void> {
    if (!this.source.sendCallbackFailure) throw new ExecutionPanelError('unsupported', 'This execution\u2019s callbacks cannot be failed from here.');
    const type = await vscode.window.showInputBox({ title: 'Complete Callback: Failure (1/2)', prompt: 'Error type', value: 'Error', ignoreFocusOut: true });
    if (type === undefined) return;
    const message = await vscode.window.showInputBox({ title: 'Complete Callback: Failure (2/2)', prompt: 'Error message', ignoreFocusOut: true });
    if (message === undefined) return;
    await this.source.sendCallbackFailure(callbackId, { ...(type.trim() ? { type: type.trim() } : {}), ...(message ? { message } : {}) });
    this.notice('Callback completed (failure).');
    this.refresh('callback');
  }

  private async heartbeat(callbackId: string): Promise<void> {
    if (!this.source.sendCallbackHeartbeat) throw new ExecutionPanelError('unsupported', 'Heartbeats cannot be sent for this execution.');
    await this.source.sendCallbackHeartbeat(callbackId);
    this.notice('Heartbeat sent.');
  }

  private async copyArn(): Promise<void> {
    const arn = this.source.arn ?? this.record?.execution.arn;
    if (!arn) throw new ExecutionPanelError('unsupported', 'This execution has no ARN.');
    await vscode.env.clipboard.writeText(arn);
    this.notice('Execution ARN copied.');
  }

  private async openConsole(): Promise<void> {
    const url = this.source.consoleUrl;
    if (!url || !/^https:\/\//.test(url)) throw new ExecutionPanelError('unsupported', 'This execution has no AWS console page.');
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
  }

  /** Saves the loaded history as `<name>.history.json` (a plain array, the SDK's fixture format). */
  async exportHistory(): Promise<string | undefined> {
    if (!this.record) throw new ExecutionPanelError('noHistory', 'The history is not loaded yet.');
    const base = this.source.title.replace(/\.history\.json$|\.json$/i, '').replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'execution';
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: 'Export Execution History',
      saveLabel: 'Export',
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${base}.history.json`) : undefined,
      filters: { 'Execution history': ['json'] },
    });
    if (!target) return undefined;
    const uri = /\.history\.json$/i.test(target.path) ? target : target.with({ path: target.path.replace(/(\.json)?$/i, '.history.json') });
    await vscode.workspace.fs.writeFile(uri, Buffer.from(serializeHistory(this.record.events), 'utf8'));
    this.log.info(`execution: exported ${this.record.events.length} events to ${uri.toString()}`);
    this.notice(`History exported to ${path.posix.basename(uri.path)}.`);
    return uri.fsPath;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    panels.delete(this.source.key, this);
    this.loading?.abort();
    this.clearTimer();
    if (this.liveTimer) clearTimeout(this.liveTimer);
    this.liveSubscription?.dispose();
    while (this.disposables.length) {
      try {
        this.disposables.pop()!.dispose();
      } catch (err) {
        this.log.warn(`execution: a disposable failed to dispose: ${errorText(err)}`);
      }
    }
  }
}
