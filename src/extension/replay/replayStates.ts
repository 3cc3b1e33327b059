// Extension host and tests (pure: no vscode): the state of each call site and diagram node at a replay session's
// position — what the workflow diagram's overlay and the editor decorations show — and the event a click on a
// node moves to. diagramSync.ts and editorDecorations.ts send it; the e2e test draws it on a real diagram.
import * as path from 'path';
import type { OperationNode } from '../../core/analysis/operationTree';
import type { HistoryMapping } from '../../core/history/mappingTypes';
import { errorPreview, payloadPreview, type ExecutionRecord, type RecordedOperation } from '../../core/history/record';
import type { OperationStateAt, StepPosition, StepState } from '../../core/history/stepperTypes';
import type { WorkflowHandler, WorkflowNode } from '../../core/workflow/graph';
import type { ReplayNodeView, ReplayOverlay } from '../workflow/protocol';

/** What the overlay and the decorations read from a session (a session satisfies it; tests may pass less). */
export interface SessionView {
  readonly id: string;
  readonly label: string;
  readonly record: ExecutionRecord;
  readonly mapping: HistoryMapping | undefined;
  readonly position: StepPosition;
  stateOf(operationId: string): OperationStateAt | undefined;
}

/** One call site's state: the most telling state among the recorded operations it produced. */
export interface SiteState {
  readonly state: StepState;
  readonly waitingOn?: OperationStateAt['waitingOn'];
  /** The operation whose state this is (the one shown inline). */
  readonly operationId: string | undefined;
  readonly retried: boolean;
  /** Recorded operations of the site started so far (a loop's call site has several). */
  readonly started: number;
}

// Waiting wins over running: a context is "running" while the callback inside it is what the execution waits on.
const RANK: Readonly<Record<StepState, number>> = { waiting: 6, retrying: 5, running: 4, failed: 3, succeeded: 2, notStarted: 1 };

/** Path key of a call site: file and the call's start offset (what WorkflowNode and OperationNode both carry). */
export function siteKey(file: string, start: number): string {
  return `${normalizeFile(file)}\u0000${start}`;
}

export function normalizeFile(file: string): string {
  const p = path.normalize(file);
  return process.platform === 'win32' ? p.toLowerCase() : p;
}

/**
 * The state of a call site from its operations' states. Among operations in the same state the latest wins (a
 * loop's current run), and the operation the SDK itself created for the call (role 'operation') is preferred
 * for a finished site, so a waitForCallback shows its result rather than its submitter's.
 */
export function siteState(ids: readonly string[], session: Pick<SessionView, 'stateOf' | 'mapping'>): SiteState {
  let best: OperationStateAt | undefined;
  let bestRank = 0;
  let retried = false;
  let started = 0;
  for (const id of ids) {
    const s = session.stateOf(id);
    if (!s) continue;
    const role = session.mapping?.matches.get(id)?.role;
    const preferred = role === undefined || role === 'operation';
    // The parts the SDK creates inside one call (a waitForCallback's callback and submitter) are not runs of it.
    if (s.state !== 'notStarted' && preferred) started++;
    if (s.state === 'retrying' || s.attempts > 1) retried = true;
    const rank = RANK[s.state] ?? 0;
    if (rank > bestRank || (rank === bestRank && (rank >= RANK.running || preferred || !best))) {
      best = s;
      bestRank = rank;
    }
  }
  return { state: best?.state ?? 'notStarted', waitingOn: best?.waitingOn, operationId: best?.operationId, retried, started };
}

/** Recorded operation ids per call-site key (helpers expanded twice merge into one site). */
export function idsBySite(mapping: HistoryMapping): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [node, ids] of mapping.byNode) {
    const key = siteKey(node.file, node.start);
    const list = out.get(key);
    if (list) list.push(...ids);
    else out.set(key, [...ids]);
  }
  return out;
}

/** The call site of a recorded operation, or of its nearest recorded ancestor that has one. */
export function nodeOfOperation(session: Pick<SessionView, 'mapping' | 'record'>, operationId: string | undefined): OperationNode | undefined {
  const mapping = session.mapping;
  if (!mapping || operationId === undefined) return undefined;
  let op = session.record.byId.get(operationId);
  let id: string | undefined = operationId;
  for (let guard = 0; id !== undefined && guard < 10_000; guard++) {
    const node = mapping.matches.get(id)?.node;
    if (node) return node;
    op = op?.parent ?? (op?.parentId ? session.record.byId.get(op.parentId) : undefined);
    id = op?.id;
  }
  return undefined;
}

const OPERATION_KINDS = new Set<string>([
  'step',
  'wait',
  'waitForCallback',
  'createCallback',
  'waitForCondition',
  'invoke',
  'runInChildContext',
  'parallel',
  'map',
  'promise.all',
  'promise.allSettled',
  'promise.any',
  'promise.race',
]);

/** Where the execution ended, if it has by the position: the index of its terminal event and how. */
function terminal(record: ExecutionRecord): { index: number; failed: boolean } | undefined {
  for (let i = record.events.length - 1; i >= 0; i--) {
    const t = record.events[i]!.EventType;
    if (t === 'ExecutionSucceeded') return { index: i, failed: false };
    if (t === 'ExecutionFailed' || t === 'ExecutionTimedOut' || t === 'ExecutionStopped') return { index: i, failed: true };
  }
  return undefined;
}

function describeState(s: SiteState): string {
  const base =
    s.state === 'waiting'
      ? `waiting${s.waitingOn ? ` on ${s.waitingOn === 'retry' ? 'a retry' : s.waitingOn === 'timer' ? 'a timer' : s.waitingOn === 'invoke' ? 'an invoked function' : 'a callback'}` : ''}`
      : s.state === 'notStarted'
        ? 'not started'
        : s.state;
  return `${base}${s.retried ? ' (retried)' : ''}${s.started > 1 ? `, ${s.started} runs so far` : ''}`;
}

/**
 * The diagram's overlay at the session's position: a state for every node the recording reaches, counts on
 * loops and maps, the current node. Cost: linear in the diagram's nodes and the recorded operations.
 */
export function replayOverlay(handler: WorkflowHandler, session: SessionView): ReplayOverlay {
  const mapping = session.mapping;
  const nodes: ReplayNodeView[] = [];
  if (!mapping) return { sessionId: session.id, label: session.label, nodes, current: null };
  const bySite = idsBySite(mapping);
  const byKeyNode = new Map<string, WorkflowNode>();
  const children = new Map<string, WorkflowNode[]>();
  for (const n of handler.nodes) {
    if (n.start !== undefined && OPERATION_KINDS.has(n.kind) && !n.awaitOf) {
      const key = siteKey(n.file ?? handler.file, n.start);
      if (!byKeyNode.has(key)) byKeyNode.set(key, n);
    }
    if (n.parent !== null) {
      const list = children.get(n.parent);
      if (list) list.push(n);
      else children.set(n.parent, [n]);
    }
  }
  const idsOf = (n: WorkflowNode): readonly string[] => {
    const target = n.awaitOf ? handler.nodes.find((m) => m.id === n.awaitOf) : n;
    if (!target || target.start === undefined) return [];
    return bySite.get(siteKey(target.file ?? handler.file, target.start)) ?? [];
  };
  // Structure nodes (loops, branches, catches) take the state of the operations under them.
  const descendantIds = (n: WorkflowNode, out: string[], depth = 0): string[] => {
    if (depth > 200) return out;
    for (const c of children.get(n.id) ?? []) {
      if (OPERATION_KINDS.has(c.kind)) out.push(...idsOf(c));
      descendantIds(c, out, depth + 1);
    }
    return out;
  };
  const end = terminal(session.record);
  const at = session.position.eventIndex;
  // The diagram may draw a separate end for uncaught throws (an 'end' named 'fails'): a failure ends there.
  const hasFailEnd = handler.nodes.some((n) => n.kind === 'end' && n.name === 'fails');
  for (const n of handler.nodes) {
    if (n.kind === 'start') {
      if (at >= 0) nodes.push({ nodeId: n.id, state: end && at >= end.index ? 'succeeded' : 'running', title: 'execution started' });
      continue;
    }
    if (n.kind === 'end') {
      if (!end || at < end.index) continue;
      const isFailEnd = n.name === 'fails';
      if (end.failed && (isFailEnd || !hasFailEnd)) nodes.push({ nodeId: n.id, state: 'failed', title: 'execution failed' });
      else if (!end.failed && !isFailEnd) nodes.push({ nodeId: n.id, state: 'succeeded', title: 'execution succeeded' });
      continue;
    }
    const isOperation = OPERATION_KINDS.has(n.kind);
    const ids = isOperation ? idsOf(n) : n.kind === 'loop' || n.kind === 'branch' || n.kind === 'decision' || n.kind === 'catch' ? descendantIds(n, []) : [];
    if (ids.length === 0) {
      // An operation the recording never reached is "not started" too (dimmed), so the path taken stands out.
      if (isOperation && !n.awaitOf) nodes.push({ nodeId: n.id, state: 'notStarted', title: 'not reached in this execution' });
      continue;
    }
    const s = siteState(ids, session);
    let badge: string | undefined;
    if (n.kind === 'map' || n.kind === 'parallel') {
      let total = 0;
      let done = 0;
      for (const id of ids) {
        const role = mapping.matches.get(id)?.role;
        if (role !== 'item' && role !== 'branch') continue;
        total++;
        const st = session.stateOf(id)?.state;
        if (st === 'succeeded' || st === 'failed') done++;
      }
      if (total > 0) badge = `${done}/${total}`;
    } else if (n.kind === 'loop') {
      let runs = 0;
      for (const id of ids) {
        const st = session.stateOf(id)?.state;
        if (!st || st === 'notStarted') continue;
        const it = mapping.matches.get(id)?.iteration;
        if (it !== undefined && it + 1 > runs) runs = it + 1;
      }
      if (runs > 0) badge = `\u00d7${runs}`;
    } else if (isOperation && s.started > 1) {
      badge = `\u00d7${s.started}`;
    } else if (isOperation && s.retried && s.operationId) {
      const attempts = session.stateOf(s.operationId)?.attempts ?? 0;
      if (attempts > 1) badge = `\u21bb${attempts}`;
    }
    nodes.push({
      nodeId: n.id,
      state: s.state,
      ...(s.waitingOn ? { waitingOn: s.waitingOn } : {}),
      ...(s.retried ? { retried: true } : {}),
      ...(badge ? { badge } : {}),
      title: describeState(s),
    });
  }
  const currentNode = nodeOfOperation(session, session.position.operationId);
  const current = currentNode ? (byKeyNode.get(siteKey(currentNode.file, currentNode.start))?.id ?? null) : null;
  return { sessionId: session.id, label: session.label, nodes, current };
}

/**
 * The event to move to when a node is clicked while stepping: the first event of the node's operations after the
 * current position, or (none left) their first event.
 */
export function eventForNode(handler: WorkflowHandler, nodeId: string, session: SessionView): number | undefined {
  const mapping = session.mapping;
  const n = handler.nodes.find((x) => x.id === nodeId);
  if (!mapping || !n) return undefined;
  const target = n.awaitOf ? handler.nodes.find((m) => m.id === n.awaitOf) : n;
  let ids: readonly string[] = [];
  if (target?.start !== undefined && OPERATION_KINDS.has(target.kind)) ids = idsBySite(mapping).get(siteKey(target.file ?? handler.file, target.start)) ?? [];
  if (ids.length === 0) return undefined;
  const at = session.position.eventIndex;
  let first: number | undefined;
  let next: number | undefined;
  for (const id of ids) {
    for (const e of session.record.byId.get(id)?.eventIndices ?? []) {
      if (first === undefined || e < first) first = e;
      if (e > at && (next === undefined || e < next)) next = e;
    }
  }
  return next ?? first;
}

/** Inline texts are cut to this many characters (the hover has everything). */
export const INLINE_MAX = 80;

/** Control characters and line breaks would break the one-line decoration: shown as spaces. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
}

export function cut(text: string, max = INLINE_MAX): string {
  const t = oneLine(text);
  return t.length > max ? `${t.slice(0, max - 1)}\u2026` : t;
}

export function seconds(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '';
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

/**
 * The inline text for an operation's state: `→ {"total":42}`, `✗ CardDeclined: insufficient funds`,
 * `⏳ waiting on callback`, `retry 2/3 in 5s`. Plain text (decoration text is never rendered as markup).
 */
export function inlineText(state: OperationStateAt | undefined, op: RecordedOperation | undefined, site?: Pick<SiteState, 'started'>): string {
  if (!state || state.state === 'notStarted') return '';
  const runs = site && site.started > 1 ? ` (run ${site.started})` : '';
  let text: string;
  switch (state.state) {
    case 'succeeded': {
      const result = payloadPreview(state.result ?? op?.result, INLINE_MAX);
      text = result ? `\u2192 ${result}` : op?.kind === 'wait' ? `\u2713 waited ${seconds(op.waitSeconds)}`.trimEnd() : '\u2713 done';
      break;
    }
    case 'failed': {
      const how = state.outcome === 'timedOut' ? 'timed out' : state.outcome === 'stopped' ? 'stopped' : state.outcome === 'cancelled' ? 'cancelled' : '';
      const err = errorPreview(state.error ?? op?.error, INLINE_MAX);
      text = `\u2717 ${[how, err].filter(Boolean).join(': ') || 'failed'}`;
      break;
    }
    case 'retrying':
      text = retryText(state, op);
      break;
    case 'waiting':
      if (state.waitingOn === 'retry') text = retryText(state, op);
      else if (state.waitingOn === 'callback') text = '\u23f3 waiting on callback';
      else if (state.waitingOn === 'invoke') text = `\u23f3 waiting on ${op?.invokedFunction ? `invoke of ${op.invokedFunction}` : 'invoked function'}`;
      else text = `\u23f3 waiting${op?.waitSeconds !== undefined ? ` ${seconds(op.waitSeconds)}` : ''}${op?.waitScheduledEnd ? ` until ${op.waitScheduledEnd}` : ''}`;
      break;
    case 'running':
      text = `\u25b6 running${state.attempts > 1 ? ` (attempt ${state.attempts})` : ''}`;
      break;
    default:
      text = String(state.state);
  }
  return cut(text + runs);
}

function retryText(state: OperationStateAt, op: RecordedOperation | undefined): string {
  const next = state.attempts + 1;
  const retry = op?.retries.find((r) => r.attempt === state.attempts) ?? op?.retries[op.retries.length - 1];
  // The maximum attempts are the code's retry strategy, not in the history: "retry 2" unless the recording ends
  // with the last attempt.
  // A step that failed for good used every attempt its strategy allows: that count is the maximum.
  const total = op && op.retries.length > 0 && op.status === 'FAILED' ? Math.max(op.attempts, next) : undefined;
  const delay = retry?.nextAttemptDelaySeconds !== undefined ? ` in ${seconds(retry.nextAttemptDelaySeconds)}` : '';
  const why = errorPreview(state.error ?? retry?.error, 40);
  return `retry ${next}${total ? `/${total}` : ''}${delay}${why ? ` after ${why}` : ''}`;
}
