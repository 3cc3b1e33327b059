// Extension host: keeps the workflow diagram in step with the active replay session — sends each node's state at
// the stepper's position (computed in replayStates.ts) to the webview, which only toggles classes
// (webview/workflow/replayOverlay.ts) — and turns clicks on nodes into stepper moves.
import * as vscode from 'vscode';
import type { WorkflowHandler } from '../../core/workflow/graph';
import type { HostNotification, ReplayOverlay } from '../workflow/protocol';
import { eventForNode, normalizeFile, replayOverlay } from './replayStates';
import { activeReplaySession, onDidChangeActiveReplaySession, type ReplaySession } from './session';

/** What the diagram sync needs from the workflow panel (a few lines of hooks there). */
export interface DiagramPanelHooks {
  /** The handler drawn now, if any. */
  shownHandler(): WorkflowHandler | undefined;
  post(message: HostNotification): void;
  /** Shows another file/handler (the session's) in the panel. */
  showTarget(uri: vscode.Uri, handler: string | null): void;
}

/** The last overlay the webview applied, as it reported it (tests and the Output channel read it). */
export interface AppliedOverlay {
  readonly sessionId: string | null;
  readonly ms: number;
  readonly changed: number;
}

/** Follows the active replay session and keeps the workflow panel's overlay in step with it. */
export class DiagramReplaySync implements vscode.Disposable {
  private static readonly appliedEmitter = new vscode.EventEmitter<AppliedOverlay>();
  /** Fires when the webview reports an overlay applied (with its time). */
  static readonly onDidApply = DiagramReplaySync.appliedEmitter.event;

  private readonly disposables: vscode.Disposable[] = [];
  private sessionSubscriptions: vscode.Disposable[] = [];
  private session: ReplaySession | undefined;
  private sentFor: string | null = null;
  /** Last overlay sent (for tests: what the host asked the webview to show). */
  lastOverlay: ReplayOverlay | null = null;
  readonly applied: AppliedOverlay[] = [];

  constructor(
    private readonly hooks: DiagramPanelHooks,
    private readonly log: vscode.LogOutputChannel
  ) {
    this.disposables.push(onDidChangeActiveReplaySession((s) => this.attach(s, true)));
    // A panel opened while stepping shows what the user asked for; only a session that becomes active switches it.
    this.attach(activeReplaySession(), false);
  }

  private attach(session: ReplaySession | undefined, followTarget: boolean): void {
    for (const d of this.sessionSubscriptions) d.dispose();
    this.sessionSubscriptions = [];
    this.session = session;
    if (!session) {
      this.send(true);
      return;
    }
    this.sessionSubscriptions.push(
      session.onDidMove(() => this.send(true)),
      session.onDidChangeRecord(() => this.send(false)),
      session.onDidDispose(() => {
        if (this.session === session) this.attach(undefined, false);
      })
    );
    if (followTarget && session.handlerFile && !this.showsSession()) {
      this.hooks.showTarget(vscode.Uri.file(session.handlerFile), session.mapping?.tree.handler.name ?? null);
    }
    this.send(true);
  }

  /** The panel draws the handler the session was mapped against. */
  private showsSession(): boolean {
    const s = this.session;
    const h = this.hooks.shownHandler();
    if (!s || !h || !s.handlerFile || !s.mapping) return false;
    if (normalizeFile(h.file) !== normalizeFile(s.handlerFile)) return false;
    const name = s.mapping.tree.handler.name;
    return !name || name === '<anonymous>' || name === h.name;
  }

  private send(reveal: boolean): void {
    try {
      const handler = this.hooks.shownHandler();
      const s = this.session;
      if (!s || !handler || !this.showsSession()) {
        if (this.sentFor !== null) this.hooks.post({ type: 'replay', overlay: null, reveal: false });
        this.sentFor = null;
        this.lastOverlay = null;
        return;
      }
      const overlay = replayOverlay(handler, s);
      this.lastOverlay = overlay;
      this.sentFor = s.id;
      this.hooks.post({ type: 'replay', overlay, reveal });
    } catch (err) {
      this.log.error(`replay: the diagram overlay failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * While stepping through the handler drawn, the panel keeps it rather than follow the active editor: the
   * stepper opens helper files as the execution enters them, and the diagram must stay the handler's.
   */
  pinned(): boolean {
    return this.session !== undefined && this.showsSession();
  }

  /** After every draw the webview confirms (a new page, another handler): the overlay again. */
  rendered(): void {
    this.send(false);
  }

  /** A node was clicked: while stepping it moves the stepper there. Returns false when not stepping. */
  clicked(nodeId: string): boolean {
    const s = this.session;
    const handler = this.hooks.shownHandler();
    if (!s || !handler || !this.showsSession()) return false;
    const event = eventForNode(handler, nodeId, s);
    if (event === undefined) return false;
    s.moveTo(event);
    return true;
  }

  /** The webview's report of an applied overlay. */
  reportApplied(m: { ms: unknown; changed: unknown; sessionId: unknown }): void {
    const a: AppliedOverlay = { sessionId: typeof m.sessionId === 'string' ? m.sessionId : null, ms: Number(m.ms) || 0, changed: Number(m.changed) || 0 };
    this.applied.push(a);
    if (this.applied.length > 200) this.applied.splice(0, this.applied.length - 200);
    this.log.trace(`replay: overlay applied in ${a.ms.toFixed(2)} ms (${a.changed} nodes changed)`);
    DiagramReplaySync.appliedEmitter.fire(a);
  }

  dispose(): void {
    for (const d of this.sessionSubscriptions) d.dispose();
    this.sessionSubscriptions = [];
    while (this.disposables.length) this.disposables.pop()!.dispose();
  }
}
