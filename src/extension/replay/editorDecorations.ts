// Extension host: what the editor shows while a replay session steps — the current operation's call site
// highlighted like a debugger's current line (and revealed, in whichever file it is), its state and result
// inline after the line, earlier operations' results dimmer, a hover with the details — cleared when stepping ends.
import * as vscode from 'vscode';
import type { OperationNode } from '../../core/analysis/operationTree';
import { errorPreview, type RecordedOperation, type RecordedPayload } from '../../core/history/record';
import type { OperationStateAt } from '../../core/history/stepperTypes';
import { inlineText, nodeOfOperation, oneLine, seconds, siteState, type SessionView } from './replayStates';
import { activeReplaySession, onDidChangeActiveReplaySession, setActiveReplaySession, type ReplaySession } from './session';
import { WorkflowPanel } from '../workflow/panel';
import type { DiagramReplaySync } from './diagramSync';
import { registerCallbackLens } from './callbackLens';

const HOVER_PAYLOAD_MAX = 20_000;
const CONFIG = 'durableLens.replay';

/**
 * Untrusted text as literal markdown text on one line: every punctuation character markdown (or inline HTML)
 * could read is backslash-escaped, so names cannot become links, emphasis, HTML or command URIs.
 */
export function markdownText(text: string): string {
  return oneLine(text).replace(/[\\`*_{}[\]()#+\-.!|<>&~:"'=]/g, '\\$&');
}

/** A code fence longer than any run of backticks in `text`, so the payload cannot close it. */
function fenced(text: string, lang = ''): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text}\n${fence}\n`;
}

function prettyPayload(p: RecordedPayload | undefined): string | undefined {
  if (!p || p.raw === undefined) return p?.truncated ? '(truncated by Lambda)' : undefined;
  let text = p.raw;
  if (text.length <= 200_000) {
    try {
      text = JSON.stringify(JSON.parse(text), null, 2) ?? text;
    } catch {
      // Not JSON: shown as recorded.
    }
  }
  if (text.length > HOVER_PAYLOAD_MAX) text = `${text.slice(0, HOVER_PAYLOAD_MAX)}\n… (${text.length - HOVER_PAYLOAD_MAX} more characters)`;
  return p.truncated ? `${text}\n(truncated by Lambda)` : text;
}

/** The hover: the operation's details as untrusted markdown (names escaped as text, payloads in fences). */
export function hoverFor(state: OperationStateAt | undefined, op: RecordedOperation | undefined, label: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.isTrusted = false;
  md.supportHtml = false;
  md.supportThemeIcons = false;
  md.appendMarkdown('**Durable Lens replay** \u2014 ');
  md.appendMarkdown(markdownText(label));
  md.appendMarkdown('\n\n');
  if (!op) {
    md.appendMarkdown('No recorded operation.');
    return md;
  }
  md.appendMarkdown(markdownText(`${op.kind} ${op.name === undefined ? '(unnamed)' : JSON.stringify(oneLine(op.name))}: ${state?.state ?? 'not started'}${state?.waitingOn ? ` (waiting on ${state.waitingOn})` : ''}`));
  md.appendMarkdown('\n\n');
  const facts: string[] = [];
  if (state && state.attempts > 0) facts.push(`attempts: ${state.attempts}`);
  if (state?.startedAt) facts.push(`started: ${state.startedAt}`);
  if (state?.lastEventAt) facts.push(`last event: ${state.lastEventAt}`);
  if (op.callbackId) facts.push(`callback id: ${op.callbackId}`);
  if (op.invokedFunction) facts.push(`invokes: ${op.invokedFunction}`);
  facts.push(`operation id: ${op.id}`);
  md.appendMarkdown(markdownText(facts.join(' \u00b7 ')));
  md.appendMarkdown('\n\n');
  const input = prettyPayload(op.input);
  if (input !== undefined) {
    md.appendMarkdown('Input:\n\n');
    md.appendMarkdown(fenced(input, 'json'));
  }
  const result = prettyPayload(state?.result ?? (state?.state === 'succeeded' ? op.result : undefined));
  if (result !== undefined) {
    md.appendMarkdown('Result:\n\n');
    md.appendMarkdown(fenced(result, 'json'));
  }
  const error = state?.error ?? (state?.state === 'failed' ? op.error : undefined);
  if (error) {
    md.appendMarkdown('Error:\n\n');
    const lines = [[error.type, error.message].filter(Boolean).join(': ')];
    if (error.data) lines.push(`data: ${error.data}`);
    if (error.stackTrace?.length) lines.push(...error.stackTrace.slice(0, 30));
    md.appendMarkdown(fenced(lines.join('\n')));
  }
  for (const r of op.retries) {
    if (!state || r.attempt > state.attempts) break;
    md.appendMarkdown(markdownText(`attempt ${r.attempt} failed${r.error ? `: ${errorPreview(r.error, 200)}` : ''}${r.nextAttemptDelaySeconds !== undefined ? `, retried after ${seconds(r.nextAttemptDelaySeconds)}` : ''}`));
    md.appendMarkdown('\n\n');
  }
  return md;
}

/** One line's decoration: which line of which file, its text and hover. */
export interface LineDecoration {
  readonly file: string;
  /** 0-based. */
  readonly line: number;
  /** The call's offsets in the file (the hover's range). */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly current: boolean;
  readonly operationId: string | undefined;
}

function fileKey(file: string): string {
  return vscode.Uri.file(file).toString();
}

/**
 * Every call site with a state at the session's position, one per line (the current one wins its line), by file.
 * Cost: linear in the recorded operations.
 */
export function lineDecorations(session: SessionView): { lines: Map<string, LineDecoration[]>; current: LineDecoration | undefined } {
  const lines = new Map<string, LineDecoration[]>();
  const mapping = session.mapping;
  if (!mapping) return { lines, current: undefined };
  const currentNode = nodeOfOperation(session, session.position.operationId);
  let current: LineDecoration | undefined;
  // Sites merge by file and line: two call sites on one line show the most telling state of both.
  const bySiteLine = new Map<string, { node: OperationNode; ids: string[] }>();
  for (const [node, ids] of mapping.byNode) {
    const key = `${fileKey(node.file)}\u0000${node.line}`;
    const entry = bySiteLine.get(key);
    if (entry) entry.ids.push(...ids);
    else bySiteLine.set(key, { node, ids: [...ids] });
  }
  for (const { node, ids } of bySiteLine.values()) {
    const site = siteState(ids, session);
    const isCurrent = currentNode !== undefined && currentNode.file === node.file && currentNode.line === node.line;
    if (site.state === 'notStarted' && !isCurrent) continue;
    // The current line shows the state of the operation the event belongs to (a loop's current run).
    const shownId = isCurrent && session.position.operationId && ids.includes(session.position.operationId) && session.stateOf(session.position.operationId)?.state !== 'notStarted' ? pickShown(session, ids, session.position.operationId) : site.operationId;
    const op = shownId ? session.record.byId.get(shownId) : undefined;
    const text = inlineText(shownId ? session.stateOf(shownId) : undefined, op, site);
    const d: LineDecoration = { file: node.file, line: node.line - 1, start: node.start, end: node.end, text, current: isCurrent, operationId: shownId };
    const k = fileKey(node.file);
    const list = lines.get(k);
    if (list) list.push(d);
    else lines.set(k, [d]);
    if (isCurrent) current = d;
  }
  return { lines, current };
}

/** For the current event's operation inside a site (a waitForCallback's callback child): the site's own state reads better once finished. */
function pickShown(session: SessionView, ids: readonly string[], currentId: string): string {
  const s = session.stateOf(currentId);
  const role = session.mapping?.matches.get(currentId)?.role;
  if (s && (s.state === 'waiting' || s.state === 'running' || s.state === 'retrying' || s.state === 'failed' || role === undefined || role === 'operation')) return currentId;
  return siteState(ids, session).operationId ?? currentId;
}

/** Follows the active replay session and decorates the visible editors. */
export class ReplayEditorDecorations implements vscode.Disposable {
  private readonly currentLine: vscode.TextEditorDecorationType;
  private readonly currentValue: vscode.TextEditorDecorationType;
  private readonly earlierValue: vscode.TextEditorDecorationType;
  /** No style: carries the hover over each call site that has a state. */
  private readonly siteHover: vscode.TextEditorDecorationType;
  private readonly disposables: vscode.Disposable[] = [];
  private sessionSubscriptions: vscode.Disposable[] = [];
  private session: ReplaySession | undefined;
  private revealedFor: string | undefined;
  private decorated = new Set<vscode.TextEditor>();
  /** What each visible editor shows now (tests read it; the editor API cannot be asked). */
  readonly shown = new Map<string, { current: LineDecoration | undefined; values: LineDecoration[] }>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after the decorations were applied (tests wait on it). */
  readonly onDidApply = this.changed.event;

  constructor(
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel
  ) {
    this.currentLine = vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('editor.stackFrameHighlightBackground'),
      overviewRulerColor: new vscode.ThemeColor('debugIcon.breakpointCurrentStackframeForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Full,
      gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'replayCurrent.svg'),
      gutterIconSize: 'contain',
      // High contrast themes have no stack frame background: an outline keeps the line visible.
      outlineColor: new vscode.ThemeColor('contrastActiveBorder'),
      outlineStyle: 'solid',
      outlineWidth: '1px',
    });
    this.currentValue = vscode.window.createTextEditorDecorationType({
      after: {
        color: new vscode.ThemeColor('editor.inlineValuesForeground'),
        backgroundColor: new vscode.ThemeColor('editor.inlineValuesBackground'),
        margin: '0 0 0 2em',
        fontStyle: 'italic',
      },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.earlierValue = vscode.window.createTextEditorDecorationType({
      after: {
        color: new vscode.ThemeColor('editorCodeLens.foreground'),
        margin: '0 0 0 2em',
        fontStyle: 'italic',
      },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.siteHover = vscode.window.createTextEditorDecorationType({});
    this.disposables.push(
      this.siteHover,
      this.currentLine,
      this.currentValue,
      this.earlierValue,
      this.changed,
      onDidChangeActiveReplaySession((s) => this.attach(s)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.apply(false)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(CONFIG)) this.apply(false);
      })
    );
    this.attach(activeReplaySession());
  }

  private attach(session: ReplaySession | undefined): void {
    for (const d of this.sessionSubscriptions) d.dispose();
    this.sessionSubscriptions = [];
    this.session = session;
    this.revealedFor = undefined;
    if (session) {
      this.sessionSubscriptions.push(
        session.onDidMove(() => this.apply(true)),
        session.onDidChangeRecord(() => this.apply(false)),
        session.onDidDispose(() => {
          if (this.session === session) this.attach(undefined);
        })
      );
    }
    this.apply(true);
  }

  private apply(reveal: boolean): void {
    try {
      this.applyNow(reveal);
    } catch (err) {
      this.log.error(`replay: editor decorations failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private applyNow(reveal: boolean): void {
    const session = this.session;
    this.shown.clear();
    if (!session || !session.mapping) {
      for (const e of this.decorated) this.clear(e);
      this.decorated.clear();
      this.changed.fire();
      return;
    }
    const config = vscode.workspace.getConfiguration(CONFIG);
    const inline = config.get<boolean>('inlineValues', true);
    const revealEditor = config.get<boolean>('revealInEditor', true);
    const { lines, current } = lineDecorations(session);
    const stale = new Set(this.decorated);
    for (const editor of vscode.window.visibleTextEditors) {
      const key = editor.document.uri.toString();
      const list = lines.get(key) ?? [];
      const cur = current && fileKey(current.file) === key ? current : undefined;
      const lineCount = editor.document.lineCount;
      const range = (d: LineDecoration) => {
        const line = Math.min(Math.max(0, d.line), lineCount - 1);
        const end = editor.document.lineAt(line).range.end;
        return new vscode.Range(end, end);
      };
      const values = list.filter((d) => d.text !== '');
      const hoverOf = (d: LineDecoration) => hoverFor(d.operationId ? session.stateOf(d.operationId) : undefined, d.operationId ? session.record.byId.get(d.operationId) : undefined, session.label);
      // The call's own range (its first line), so the hover opens over the call, not anywhere on the line.
      const callRange = (d: LineDecoration) => {
        const line = range(d).start.line;
        const text = editor.document.lineAt(line);
        const from = editor.document.positionAt(d.start);
        const start = from.line === line ? from : text.range.start.translate(0, text.firstNonWhitespaceCharacterIndex);
        const to = editor.document.positionAt(d.end);
        return new vscode.Range(start, to.line === line ? to : text.range.end);
      };
      editor.setDecorations(this.currentLine, cur ? [{ range: callRange(cur) }] : []);
      editor.setDecorations(this.siteHover, list.map((d) => ({ range: callRange(d), hoverMessage: hoverOf(d) })));
      editor.setDecorations(
        this.currentValue,
        inline && cur && cur.text ? [{ range: range(cur), renderOptions: { after: { contentText: cur.text } } }] : []
      );
      editor.setDecorations(
        this.earlierValue,
        inline ? values.filter((d) => !d.current).map((d) => ({ range: range(d), renderOptions: { after: { contentText: d.text } } })) : []
      );
      this.decorated.add(editor);
      stale.delete(editor);
      this.shown.set(key, { current: cur, values: inline ? values : [] });
    }
    for (const e of stale) this.decorated.delete(e);
    if (reveal && revealEditor && current) {
      const at = `${session.id}\u0000${session.position.eventIndex}`;
      if (at !== this.revealedFor) {
        this.revealedFor = at;
        void this.reveal(current);
      }
    }
    this.changed.fire();
  }

  /** Shows the current call site: the visible editor of its file, or opens it beside the panels without focus. */
  private async reveal(d: LineDecoration): Promise<void> {
    try {
      const uri = vscode.Uri.file(d.file);
      const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
      const pos = new vscode.Position(Math.max(0, d.line), 0);
      if (visible) {
        visible.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        return;
      }
      const column = vscode.window.visibleTextEditors[0]?.viewColumn ?? sourceColumn();
      const editor = await vscode.window.showTextDocument(uri, { viewColumn: column, preserveFocus: true, preview: true });
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (err) {
      this.log.warn(`replay: cannot open ${d.file} to show the current operation: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private clear(editor: vscode.TextEditor): void {
    editor.setDecorations(this.currentLine, []);
    editor.setDecorations(this.siteHover, []);
    editor.setDecorations(this.currentValue, []);
    editor.setDecorations(this.earlierValue, []);
  }

  dispose(): void {
    for (const d of this.sessionSubscriptions) d.dispose();
    this.sessionSubscriptions = [];
    for (const e of this.decorated) this.clear(e);
    while (this.disposables.length) this.disposables.pop()!.dispose();
  }
}

/**
 * The editor side of stepping, for the integration tests (they load their own copy of the modules, so they reach
 * the extension's session registry and workflow panel through this).
 */
export interface ReplayEditorInternals {
  readonly decorations: ReplayEditorDecorations;
  readonly setActiveReplaySession: typeof setActiveReplaySession;
  /** What the workflow panel's overlay last sent and the webview's reported times. */
  diagram(): { readonly overlay: DiagramReplaySync['lastOverlay']; readonly applied: DiagramReplaySync['applied'] } | undefined;
  /** What a click on a diagram node does while stepping (the webview's click arrives as this). */
  clickNode(nodeId: string): boolean;
}

let internals: ReplayEditorInternals | undefined;

/** Registers the editor decorations and callback actions that follow the active replay session. */
export function registerReplayEditorFeatures(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const decorations = new ReplayEditorDecorations(context.extensionUri, log);
  internals = {
    decorations,
    setActiveReplaySession,
    diagram: () => {
      const sync = WorkflowPanel.current?.replay;
      return sync ? { overlay: sync.lastOverlay, applied: sync.applied } : undefined;
    },
    clickNode: (nodeId) => WorkflowPanel.current?.replay.clicked(nodeId) ?? false,
  };
  context.subscriptions.push(decorations, registerCallbackLens(log), vscode.commands.registerCommand('durableLens.replay.editorInternals', () => internals));
}

/**
 * Where source opens when no text editor is showing: a group whose active tab is not one of our panels (the
 * stepper and the diagram must stay in sight), else a new group beside them.
 */
export function sourceColumn(): vscode.ViewColumn {
  const ours = (g: vscode.TabGroup): boolean => {
    const input = g.activeTab?.input;
    return input instanceof vscode.TabInputWebview && /durableLens|replay|workflow/i.test(input.viewType);
  };
  const free = vscode.window.tabGroups.all.find((g) => !ours(g));
  return free ? free.viewColumn : vscode.ViewColumn.Beside;
}
