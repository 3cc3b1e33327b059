// Runs in the extension host: the replay panel (one per execution key) on the shared webview host — loads the
// execution through its source, maps it onto the handler's code (re-mapped, debounced, as the code is edited),
// owns the StepSession the editor and diagram follow, plays back, follows a live execution, and answers the
// webview's moves with small position updates (the changed operations only: no re-render).
import * as fs from 'fs';
import * as vscode from 'vscode';
import { buildExecutionRecord } from '../../core/history/record';
import { nextRefreshDelay, REFRESH_MIN_MS } from '../executions/executionViewModel';
import type { ExecutionSource } from '../executions/source';
import type { IpcMessage } from '../shared/ipc';
import { KeyedPanels, WebviewHost, errorText } from '../shared/webviewHost';
import { sourceColumn } from './editorDecorations';
import { HandlerCode, type CodeResult } from './handlerCode';
import {
  DEFAULT_EVENTS_PER_SECOND,
  REPLAY_VIEW_TYPE,
  type HostNotification,
  type HostRequests,
  type ReplaySnapshot,
  type StepAction,
  type WebviewCommand,
  type WebviewRequests,
} from './protocol';
import { StepSession } from './replaySession';
import { activeReplaySession, setActiveReplaySession } from './session';
import { buildDetails, buildReplayView, executionNote, stateView } from './viewModel';

type Host = WebviewHost<HostNotification, Exclude<WebviewCommand, { type: 'ready' }> & IpcMessage, HostRequests, WebviewRequests>;

/** Where the handler code comes from: a known file (and export), or a search when only the history is known. */
export type CodeHint =
  | { readonly kind: 'file'; readonly file: string; readonly handler?: string }
  | { readonly kind: 'search'; resolve(): Promise<{ file: string; handler?: string } | { files: string[] } | { none: string }> }
  | { readonly kind: 'none'; readonly reason: string };

/** A typed failure of the replay panel, one message for the user. */
export class ReplayPanelError extends Error {
  constructor(
    readonly reason: 'noHistory' | 'unavailable' | 'noCallSite',
    message: string
  ) {
    super(message);
  }
}

export interface ReplayPanelState {
  readonly key: string;
  readonly title: string;
  readonly sessionId: string | undefined;
  readonly active: boolean;
  readonly ready: boolean;
  readonly visible: boolean;
  readonly eventIndex: number;
  readonly eventCount: number;
  readonly invocation: number;
  readonly operationId: string | undefined;
  readonly handlerFile: string | undefined;
  readonly handler: string | undefined;
  readonly noCode: string | null;
  readonly drift: readonly string[];
  readonly running: boolean;
  readonly playing: boolean;
  readonly loads: number;
  readonly remaps: number;
  readonly lastError: string | undefined;
  readonly lastMove: { work: number; ms: number; viaCheckpoint: boolean } | undefined;
  readonly drawn: { seq: number; ms: number } | undefined;
}

const panels = new KeyedPanels<ReplayPanel>();
const REMAP_DEBOUNCE_MS = 300;
const LIVE_COALESCE_MS = 150;

export function replayPanels(): readonly ReplayPanel[] {
  return panels.values();
}

export function activeReplayPanel(): ReplayPanel | undefined {
  const s = activeReplaySession();
  return panels.values().find((p) => p.session && p.session === s) ?? panels.values().find((p) => p.visible);
}

export function showReplay(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, source: ExecutionSource, hint: CodeHint): ReplayPanel {
  const existing = panels.get(source.key);
  if (existing) {
    existing.reveal();
    return existing;
  }
  const host: Host = WebviewHost.create(context.extensionUri, log, hostOptions(context, source.title), replayColumn());
  return new ReplayPanel(host, log, source, hint);
}

/**
 * Takes over a panel VS Code restored after a reload (the serializer in register.ts): the same execution, at the
 * event the page saved. A source that cannot be loaded any more shows one message in the panel (load's error).
 */
export function reviveReplay(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, webviewPanel: vscode.WebviewPanel, source: ExecutionSource, hint: CodeHint, eventIndex: number | undefined): ReplayPanel {
  const existing = panels.get(source.key);
  if (existing) {
    webviewPanel.dispose();
    existing.reveal();
    return existing;
  }
  const host: Host = WebviewHost.revive(webviewPanel, context.extensionUri, log, hostOptions(context, source.title));
  return new ReplayPanel(host, log, source, hint, eventIndex);
}

function hostOptions(context: vscode.ExtensionContext, title: string) {
  return {
    viewType: REPLAY_VIEW_TYPE,
    title: panelTitle(title),
    bundle: 'replay',
    style: 'replay.css',
    label: 'replay',
    iconPath: {
      light: vscode.Uri.joinPath(context.extensionUri, 'media', 'workflow-light.svg'),
      dark: vscode.Uri.joinPath(context.extensionUri, 'media', 'workflow-dark.svg'),
    },
  };
}

/**
 * A column of its own, right of the source and of the diagram: the stepper reveals the current line in the
 * editor and lights the diagram, so it must cover neither ("Beside" the active group could land on the diagram's).
 */
function replayColumn(): vscode.ViewColumn {
  const used: number[] = [];
  for (const e of vscode.window.visibleTextEditors) if (e.viewColumn !== undefined) used.push(e.viewColumn);
  for (const g of vscode.window.tabGroups.all) {
    const input = g.activeTab?.input;
    if (input instanceof vscode.TabInputWebview && /workflow/i.test(input.viewType)) used.push(g.viewColumn);
  }
  const right = used.length > 0 ? Math.max(...used) : vscode.ViewColumn.One;
  return Math.min(right + 1, vscode.ViewColumn.Three) as vscode.ViewColumn;
}

/** One sentence for a load that failed: a history file that is gone says so rather than quoting the file system. */
function loadFailure(err: unknown, source: ExecutionSource): string {
  if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') {
    return `The history file ${source.title} no longer exists (deleted or moved): there is nothing to step through. Open another history with "Step Through Execution".`;
  }
  if (err instanceof ReplayPanelError) return err.message;
  return `Could not load the execution ${source.title}: ${errorText(err)}`;
}

function panelTitle(title: string): string {
  const t = title.replace(/\s+/g, ' ').trim();
  return `Step: ${t.length > 40 ? t.slice(0, 39) + '\u2026' : t || 'unnamed'}`;
}

export class ReplayPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly code: HandlerCode;
  session: StepSession | undefined;
  private mapped: CodeResult | undefined;
  private running = false;
  private loads = 0;
  private remaps = 0;
  private seq = 0;
  private lastError: string | undefined;
  private loading = false;
  private reloadQueued = false;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private delay = REFRESH_MIN_MS;
  private liveTimer: ReturnType<typeof setTimeout> | undefined;
  private remapTimer: ReturnType<typeof setTimeout> | undefined;
  private playTimer: ReturnType<typeof setInterval> | undefined;
  private eventsPerSecond = DEFAULT_EVENTS_PER_SECOND;
  private drawn: { seq: number; ms: number } | undefined;
  private disposed = false;
  private readonly liveSubscription: { dispose(): void } | undefined;
  private codeFile: string | undefined;
  private codeHandler: string | undefined;
  private codeNone: string | null = null;
  private codeCandidates: string[] | undefined;
  private codeResolved = false;
  /** Resolves once the first load (and mapping) is done: for commands and tests. */
  readonly loaded: Promise<void>;
  private resolveLoaded!: () => void;

  constructor(
    private readonly host: Host,
    private readonly log: vscode.LogOutputChannel,
    private readonly source: ExecutionSource,
    private readonly hint: CodeHint,
    /** The event to stand at once loaded (a panel restored after a reload); else before the first. */
    private restoreAt?: number
  ) {
    this.loaded = new Promise((r) => (this.resolveLoaded = r));
    this.code = new HandlerCode(log);
    panels.set(source.key, this);
    this.liveSubscription = source.onDidChange?.(() => {
      if (this.liveTimer || this.disposed) return;
      this.liveTimer = setTimeout(() => {
        this.liveTimer = undefined;
        void this.load('live');
      }, LIVE_COALESCE_MS);
    });
    this.disposables.push(
      host,
      host.onDidDispose(() => this.dispose()),
      host.onReady(() => this.onReady()),
      host.onMessage((m) => this.onCommand(m as WebviewCommand)),
      host.panel.onDidChangeViewState(() => {
        if (host.panel.active && this.session) setActiveReplaySession(this.session);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.codeChanged(e.document.uri);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => this.codeChanged(d.uri))
    );
    void this.load('open');
  }

  get key(): string {
    return this.source.key;
  }

  get visible(): boolean {
    return this.host.visible;
  }

  get state(): ReplayPanelState {
    const s = this.session;
    const m = this.mapped?.kind === 'mapped' ? this.mapped : undefined;
    return {
      key: this.source.key,
      title: this.source.title,
      sessionId: s?.id,
      active: !!s && activeReplaySession() === s,
      ready: this.host.ready,
      visible: this.host.visible,
      eventIndex: s?.position.eventIndex ?? -1,
      eventCount: s?.record.events.length ?? 0,
      invocation: s?.position.invocation ?? -1,
      operationId: s?.position.operationId,
      handlerFile: m?.file,
      handler: m?.handler,
      noCode: this.noCodeReason(),
      drift: m ? m.mapping.drift.map((d) => d.message) : [],
      running: this.running,
      playing: !!this.playTimer,
      loads: this.loads,
      remaps: this.remaps,
      lastError: this.lastError,
      lastMove: s?.lastMove,
      drawn: this.drawn,
    };
  }

  snapshot(): Promise<ReplaySnapshot> {
    return this.host.request('snapshot', {});
  }

  reveal(): void {
    this.host.reveal(undefined, false);
    if (this.session) setActiveReplaySession(this.session);
  }

  private noCodeReason(): string | null {
    if (this.mapped?.kind === 'none') return this.mapped.reason;
    if (!this.mapped && this.codeResolved) return this.codeNone;
    return null;
  }

  // ---- loading, mapping, live ----

  private async load(reason: string): Promise<void> {
    if (this.disposed) return;
    if (this.loading) {
      this.reloadQueued = true;
      return;
    }
    this.loading = true;
    this.clearRefresh();
    const before = this.session?.record.events.length;
    try {
      const snapshot = await this.source.load();
      if (this.disposed) return;
      const record = buildExecutionRecord(snapshot.events, snapshot.summary);
      this.running = snapshot.running || record.execution.status === 'RUNNING';
      if (!this.codeResolved) await this.resolveCode();
      if (this.disposed) return;
      this.mapped = this.mapCode(record);
      const m = this.mapped.kind === 'mapped' ? this.mapped : undefined;
      if (!this.session) {
        this.session = new StepSession(this.source.title, record, m?.mapping, m?.file, this.source);
        this.disposables.push(this.session, this.session.onDidMove((m) => this.sendPosition(m.changed)));
        if (this.restoreAt !== undefined && Number.isInteger(this.restoreAt) && this.restoreAt >= 0) this.session.moveTo(Math.min(this.restoreAt, record.events.length - 1));
        this.restoreAt = undefined;
        setActiveReplaySession(this.session);
      } else {
        this.session.replace(record, m?.mapping, m?.file);
      }
      this.loads++;
      this.lastError = undefined;
      this.sendView();
      this.log.debug(`replay: ${reason}: ${record.events.length} events of ${this.source.key}${m ? ` mapped onto ${m.file}#${m.handler}` : ''}`);
      this.delay = nextRefreshDelay(this.delay, before !== record.events.length);
    } catch (err) {
      if (this.disposed) return;
      this.lastError = loadFailure(err, this.source);
      this.log.error(`replay: loading ${this.source.key} (${reason}) failed: ${errorText(err)}`);
      this.host.post({ type: 'notice', message: this.lastError, error: true });
      this.delay = nextRefreshDelay(this.delay, false);
    } finally {
      this.loading = false;
      this.resolveLoaded();
    }
    if (this.reloadQueued) {
      this.reloadQueued = false;
      void this.load('queued');
      return;
    }
    this.scheduleRefresh();
  }

  /** Polls a running execution (backing off while nothing changes) unless its source reports changes itself. */
  private scheduleRefresh(): void {
    this.clearRefresh();
    if (this.disposed || !this.running || this.source.onDidChange) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.load('poll');
    }, this.delay);
  }

  private clearRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  private async resolveCode(): Promise<void> {
    const h = this.hint;
    try {
      if (h.kind === 'file') {
        this.codeFile = h.file;
        this.codeHandler = h.handler;
      } else if (h.kind === 'none') {
        this.codeNone = h.reason;
      } else {
        const r = await h.resolve();
        if ('file' in r) {
          this.codeFile = r.file;
          this.codeHandler = r.handler;
        } else if ('files' in r) this.codeCandidates = r.files;
        else this.codeNone = r.none;
      }
    } catch (err) {
      this.codeNone = `Finding the handler failed: ${errorText(err)}`;
      this.log.warn(`replay: ${this.codeNone}`);
    }
    this.codeResolved = true;
  }

  private mapCode(record: ReturnType<typeof buildExecutionRecord>): CodeResult {
    try {
      if (this.codeFile) {
        if (!fs.existsSync(this.codeFile)) return { kind: 'none', reason: `The handler file ${vscode.workspace.asRelativePath(this.codeFile)} does not exist (any more).` };
        const r = this.code.map(record, this.codeFile, this.codeHandler);
        // A search found this file through the history: keep following whichever handler fits.
        return r;
      }
      if (this.codeCandidates) return this.code.mapAmong(record, this.codeCandidates);
      return { kind: 'none', reason: this.codeNone ?? 'No handler code was found for this execution.' };
    } catch (err) {
      this.log.error(`replay: mapping failed: ${errorText(err)}`);
      return { kind: 'none', reason: `Mapping the history onto the code failed: ${errorText(err)}` };
    }
  }

  private codeChanged(uri: vscode.Uri): void {
    if (this.disposed || uri.scheme !== 'file' || this.mapped?.kind !== 'mapped') return;
    if (!this.mapped.files.includes(uri.fsPath) && uri.fsPath !== this.mapped.file) return;
    if (this.remapTimer) clearTimeout(this.remapTimer);
    this.remapTimer = setTimeout(() => {
      this.remapTimer = undefined;
      this.remap();
    }, REMAP_DEBOUNCE_MS);
  }

  /** Maps the current record onto the edited code: drift shows as the user types. */
  remap(): void {
    const s = this.session;
    if (!s || this.disposed) return;
    this.mapped = this.mapCode(s.record);
    this.remaps++;
    const m = this.mapped.kind === 'mapped' ? this.mapped : undefined;
    s.replace(undefined, m?.mapping, m?.file);
    this.sendView();
  }

  // ---- the page ----

  private onReady(): void {
    if (this.session) this.sendView();
    else if (this.lastError) this.host.post({ type: 'notice', message: this.lastError, error: true });
  }

  private relative = (file: string): string => vscode.workspace.asRelativePath(file, false);

  private sendView(): void {
    const s = this.session;
    if (!s) return;
    const m = this.mapped?.kind === 'mapped' ? this.mapped : undefined;
    this.seq++;
    const view = buildReplayView(s.stepper, s.mapping, {
      title: this.source.title,
      running: this.running,
      noCode: this.noCodeReason(),
      handler: m ? `${this.relative(m.file)}#${m.handler}` : null,
      restore: { key: this.source.key, handlerFile: m?.file ?? this.codeFile ?? null, handler: m?.handler ?? this.codeHandler ?? null },
      relative: this.relative,
    });
    this.host.post({ type: 'view', seq: this.seq, view });
    this.sendPosition(true);
  }

  /** Sends the position with the states of `changedIds` (true: every operation, after a new view). */
  private sendPosition(changedIds: readonly string[] | true = []): void {
    const s = this.session;
    if (!s || !this.host.ready) return;
    const p = s.position;
    const ids = changedIds === true ? [...s.allStates().keys()] : changedIds;
    const changed = ids.map((id) => s.stateOf(id)).filter((x) => x !== undefined).map(stateView);
    this.host.post({
      type: 'position',
      seq: this.seq,
      eventIndex: p.eventIndex,
      invocation: p.invocation,
      operationId: p.operationId ?? null,
      changed,
      details: buildDetails(s.stepper, s.mapping, p.eventIndex, this.relative),
      executionNote: p.operationId ? null : executionNote(s.stepper, p.eventIndex),
      playing: !!this.playTimer,
      eventsPerSecond: this.eventsPerSecond,
      follow: s.follow,
    });
  }

  // ---- moving ----

  /** Moves the session (and so the editor and diagram) to an event. */
  moveTo(eventIndex: number): void {
    this.session?.moveTo(eventIndex);
  }

  /** Runs a debugger-style step; returns false when there is nowhere to go. */
  step(action: StepAction): boolean {
    const s = this.session;
    if (!s) return false;
    const st = s.stepper;
    const targets: Record<StepAction, () => number | undefined> = {
      stepInto: () => st.stepInto(),
      stepOver: () => st.stepOver(),
      stepOut: () => st.stepOut(),
      stepBack: () => st.stepBack(),
      nextInvocation: () => st.nextInvocation(),
      previousInvocation: () => st.previousInvocation(),
      nextFailure: () => st.nextFailure(),
      previousFailure: () => st.previousFailure(),
      nextRetry: () => st.nextRetry(),
      previousRetry: () => st.previousRetry(),
      nextProblem: () => st.nextProblem(),
      previousProblem: () => st.previousProblem(),
      first: () => -1,
      last: () => st.length - 1,
    };
    const to = targets[action]();
    if (to === undefined) {
      const what = action.includes('Failure') ? 'failure' : action.includes('Retry') ? 'retry' : action.includes('Problem') ? 'failure or retry' : action.includes('Invocation') ? 'invocation' : 'event';
      this.host.post({ type: 'notice', message: `No ${action.startsWith('previous') || action === 'stepBack' ? 'earlier' : 'later'} ${what}.` });
      return false;
    }
    this.moveTo(to);
    return true;
  }

  /** F5: to the next failure or retry; with none left, to the end. */
  continue(): void {
    this.stopPlaying();
    if (!this.session) return;
    if (!this.step('nextProblem')) this.moveTo(this.session.stepper.length - 1);
  }

  play(on: boolean): void {
    if (!on) return this.stopPlaying();
    const s = this.session;
    if (!s || this.playTimer) return;
    if (s.position.eventIndex >= s.stepper.length - 1) this.moveTo(-1);
    this.playTimer = setInterval(() => {
      const cur = this.session;
      if (!cur || cur.position.eventIndex >= cur.stepper.length - 1) {
        // A live execution keeps playing into the events still to come; an ended one stops at its end.
        if (!this.running) this.stopPlaying();
        return;
      }
      this.moveTo(cur.position.eventIndex + 1);
    }, Math.max(30, 1000 / this.eventsPerSecond));
    this.sendPosition();
  }

  togglePlay(): void {
    this.play(!this.playTimer);
  }

  setSpeed(eventsPerSecond: number): void {
    if (!Number.isFinite(eventsPerSecond) || eventsPerSecond <= 0) return;
    this.eventsPerSecond = Math.min(100, Math.max(0.25, eventsPerSecond));
    if (this.playTimer) {
      this.stopPlaying();
      this.play(true);
    } else this.sendPosition();
  }

  private stopPlaying(): void {
    if (!this.playTimer) return;
    clearInterval(this.playTimer);
    this.playTimer = undefined;
    this.sendPosition();
  }

  /** Shift+F5: stops playback, or closes the panel when not playing. */
  stop(): void {
    if (this.playTimer) this.stopPlaying();
    else this.dispose();
  }

  async revealSource(operationId: string): Promise<void> {
    const node = this.session?.mapping?.matches.get(operationId)?.node;
    if (!node) throw new ReplayPanelError('noCallSite', 'This operation has no call site in the code (no handler mapped, or it no longer matches).');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(node.file));
    const pos = new vscode.Position(Math.max(0, node.line - 1), Math.max(0, node.column - 1));
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.window.visibleTextEditors[0]?.viewColumn ?? sourceColumn(), selection: new vscode.Range(pos, pos), preserveFocus: false });
  }

  private onCommand(m: WebviewCommand): void {
    try {
      switch (m.type) {
        case 'move':
          this.stopPlaying();
          return this.moveTo(Number(m.to));
        case 'step':
          this.stopPlaying();
          this.step(m.action);
          return;
        case 'play':
          return this.play(m.playing === true);
        case 'speed':
          return this.setSpeed(Number(m.eventsPerSecond));
        case 'follow':
          if (m.on && this.session) this.moveTo(this.session.stepper.length - 1);
          return;
        case 'revealSource':
          void this.revealSource(String(m.operationId)).catch((err) => this.fail('Revealing the call site', err));
          return;
        case 'drawn':
          this.drawn = { seq: m.seq, ms: m.ms };
          return;
      }
    } catch (err) {
      this.fail('The replay panel', err);
    }
  }

  private fail(what: string, err: unknown): void {
    const message = `${what} failed: ${errorText(err)}`;
    this.log.error(`replay: ${message}`);
    this.host.post({ type: 'notice', message, error: true });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    panels.delete(this.source.key, this);
    this.clearRefresh();
    if (this.liveTimer) clearTimeout(this.liveTimer);
    if (this.remapTimer) clearTimeout(this.remapTimer);
    if (this.playTimer) clearInterval(this.playTimer);
    this.liveSubscription?.dispose();
    const wasActive = this.session && activeReplaySession() === this.session;
    if (wasActive) setActiveReplaySession(panels.values().find((p) => p.session)?.session);
    while (this.disposables.length) {
      try {
        this.disposables.pop()!.dispose();
      } catch (err) {
        this.log.warn(`replay: a disposable failed to dispose: ${errorText(err)}`);
      }
    }
    this.resolveLoaded();
  }
}
