// Runs in the extension host (pure: no vscode): what the replay panel shows, built from the stepper and the
// mapping — the view sent once per record and the details of the operation at the current position. Untrusted
// text stays plain strings here; the webview writes it with textContent only.
import type { HistoryMapping } from '../../core/history/mappingTypes';
import { errorPreview, payloadPreview, type RecordedError, type RecordedOperation } from '../../core/history/record';
import type { Stepper, WaterfallRow } from '../../core/history/stepper';
import type { OperationStateAt, StepState } from '../../core/history/stepperTypes';
import { EVENT_TONES, SPAN_KINDS, formatElapsed, type ReplayDetails, type ReplayEventRow, type ReplayGroupRow, type ReplayOperationState, type ReplayView, type ReplayWaterfallColumns } from './protocol';

export interface ViewMeta {
  readonly title: string;
  /** The source's key and the handler the record was mapped onto (saved by the page for a reload). */
  readonly restore?: ReplayView['restore'];
  readonly running: boolean;
  readonly noCode: string | null;
  readonly handler: string | null;
  /** Workspace-relative display of a file path. */
  relative(file: string): string;
}

const DETAIL_PAYLOAD_CHARS = 4000;

/** "1.25 s", "3 min 4 s" ('' when unknown): the panel's one way to write a duration. */
export const formatMs = formatElapsed;

function labelOf(op: RecordedOperation): string {
  return op.name ?? (op.kind === 'unknown' ? op.type.toLowerCase() : op.kind);
}

export function buildReplayView(stepper: Stepper, mapping: HistoryMapping | undefined, meta: ViewMeta): ReplayView {
  const record = stepper.record;
  const wf = stepper.waterfall();
  const opIndex = new Map<string, number>();
  const ids: string[] = [];
  const labels: string[] = [];
  const depths: number[] = [];
  for (const op of record.operations) {
    let depth = 0;
    for (let p = op.parent; p && depth < 64; p = p.parent) depth++;
    opIndex.set(op.id, ids.length);
    ids.push(op.id);
    labels.push(labelOf(op));
    depths.push(depth);
  }
  const n = record.events.length;
  const types: string[] = [];
  const typeIndex = new Map<string, number>();
  const type: number[] = new Array(n);
  const opOf: number[] = new Array(n);
  const tone: number[] = new Array(n);
  let eventIds: number[] | null = null;
  for (let i = 0; i < n; i++) {
    const e = record.events[i]!;
    const t = String(e.EventType);
    let ti = typeIndex.get(t);
    if (ti === undefined) {
      typeIndex.set(t, (ti = types.length));
      types.push(t);
    }
    type[i] = ti;
    const op = stepper.operationAt(i);
    let oi = op ? opIndex.get(op.id) : undefined;
    if (op && oi === undefined) {
      // An operation the record does not list (should not happen): still named on its rows.
      opIndex.set(op.id, (oi = ids.length));
      ids.push(op.id);
      labels.push(labelOf(op));
      depths.push(0);
    }
    opOf[i] = oi ?? -1;
    const owner = record.eventOwners[i];
    const tn: ReplayEventRow['tone'] = op ? (stepper.stateAfterEvent(i)?.state ?? '') : owner?.kind === 'execution' ? 'execution' : owner?.kind === 'invocation' ? 'invocation' : owner?.kind === 'problem' ? 'problem' : '';
    tone[i] = Math.max(0, EVENT_TONES.indexOf(tn));
    const id = Number(e.EventId);
    if (eventIds === null && id !== i + 1) eventIds = Array.from({ length: i }, (_, k) => k + 1);
    if (eventIds !== null) eventIds.push(id);
  }
  const groups: ReplayGroupRow[] = stepper.timeline.map((g) => {
    const n = g.lastEvent - g.firstEvent + 1;
    const dur = g.startedAt && g.endedAt ? Date.parse(g.endedAt) - Date.parse(g.startedAt) : NaN;
    const what = g.completed ? `Invocation ${g.index + 1}` : record.execution.status === 'RUNNING' ? `Invocation ${g.index + 1} (in progress)` : 'After the last invocation';
    return {
      index: g.index,
      firstEvent: g.firstEvent,
      lastEvent: g.lastEvent,
      completed: g.completed,
      label: [what, `${n} event${n === 1 ? '' : 's'}`, formatMs(dur)].filter(Boolean).join(' \u00b7 '),
      failures: g.failures,
      retries: g.retries,
      error: g.error ? errorPreview(g.error, 200) : null,
    };
  });
  const fit = mapping ? `${mapping.fit.matched} of ${mapping.fit.total} recorded operations match the code` : null;
  return {
    title: meta.title,
    restore: meta.restore ?? { key: '', handlerFile: null, handler: null },
    status: String(record.execution.status),
    running: meta.running,
    operations: { ids, labels, depths },
    events: { count: n, types, type, op: opOf, tone, eventIds },
    groups,
    waterfall: {
      totalMs: wf.totalMs,
      eventMs: Array.from(wf.eventMs, (v) => (Number.isNaN(v) ? null : v)),
      rows: waterfallColumns(wf.rows, opIndex, ids, labels, depths),
    },
    drift: (mapping?.drift ?? []).map((d) => ({ message: d.message, breaksReplay: d.breaksReplay, operationId: d.operationId ?? null })),
    noCode: meta.noCode,
    handler: meta.handler,
    fit,
    problems: record.problems.slice(0, 200),
  };
}

function waterfallColumns(rows: readonly WaterfallRow[], opIndex: Map<string, number>, ids: string[], labels: string[], depths: number[]): ReplayWaterfallColumns {
  const kinds: string[] = [];
  const kindIndex = new Map<string, number>();
  const out = { count: rows.length, op: [] as number[], labels: {} as Record<number, string>, kinds, kind: [] as number[], depth: [] as number[], concurrent: [] as number[], firstEvent: [] as number[], spans: [] as number[], spanAt: [] as number[] };
  rows.forEach((r, i) => {
    let oi = opIndex.get(r.operationId);
    if (oi === undefined) {
      opIndex.set(r.operationId, (oi = ids.length));
      ids.push(r.operationId);
      labels.push(r.label);
      depths.push(r.depth);
    }
    let ki = kindIndex.get(r.kind);
    if (ki === undefined) {
      kindIndex.set(r.kind, (ki = kinds.length));
      kinds.push(r.kind);
    }
    out.op.push(oi);
    if (labels[oi] !== r.label) out.labels[i] = r.label;
    out.kind.push(ki);
    out.depth.push(r.depth);
    out.concurrent.push(r.concurrent ? 1 : 0);
    out.firstEvent.push(r.firstEvent);
    out.spanAt.push(out.spans.length);
    for (const sp of r.spans) out.spans.push(Math.max(0, SPAN_KINDS.indexOf(sp.kind)), sp.startMs, sp.endMs, sp.open ? 1 : 0, sp.startEvent);
  });
  out.spanAt.push(out.spans.length);
  return out;
}

export function stateView(s: OperationStateAt): ReplayOperationState {
  return { id: s.operationId, state: s.state, waitingOn: s.waitingOn ?? null, attempts: s.attempts };
}

const STATE_TEXT: Record<StepState, string> = {
  notStarted: 'not started',
  running: 'running',
  waiting: 'waiting',
  succeeded: 'succeeded',
  failed: 'failed',
  retrying: 'retrying',
};

export function stateText(s: OperationStateAt): string {
  if (s.state === 'waiting') return `waiting on ${s.waitingOn === 'invoke' ? 'the invoked function' : (s.waitingOn ?? 'something')}`;
  if (s.state === 'retrying') return 'retrying (an attempt failed, the next is scheduled)';
  if (s.state === 'failed' && s.outcome) return s.outcome === 'timedOut' ? 'timed out' : s.outcome;
  return STATE_TEXT[s.state];
}

function errorText(e: RecordedError | undefined): string | null {
  return e ? errorPreview(e, 1000) : null;
}

/** The details pane for the operation the event at `eventIndex` belongs to (its state at the current position). */
export function buildDetails(stepper: Stepper, mapping: HistoryMapping | undefined, eventIndex: number, relative: (file: string) => string): ReplayDetails | null {
  const op = stepper.operationAt(eventIndex);
  if (!op) return null;
  const s = stepper.stateOf(op.id);
  if (!s) return null;
  const match = mapping?.matches.get(op.id);
  const node = match?.node;
  const start = s.startedAt ? Date.parse(s.startedAt) : NaN;
  const last = s.lastEventAt ? Date.parse(s.lastEventAt) : NaN;
  const e = stepper.record.events[eventIndex]!;
  // Retries recorded so far: those whose failing attempt is within the attempts seen at this position.
  const retries = op.retries
    .filter((r) => r.attempt <= s.attempts && (r.attempt < s.attempts || s.state === 'retrying' || s.state === 'waiting'))
    .map((r) => `attempt ${r.attempt}: ${r.error ? errorPreview(r.error, 200) : 'not yet'}${r.nextAttemptDelaySeconds !== undefined ? ` \u2014 next in ${r.nextAttemptDelaySeconds} s` : ''}`);
  const where = match?.index !== undefined ? ` [${match.role === 'branch' ? 'branch' : 'item'} ${match.index}]` : match?.iteration !== undefined && match.iteration > 0 ? ` (run ${match.iteration + 1})` : '';
  return {
    operationId: op.id,
    title: labelOf(op) + where,
    kind: op.kind,
    state: s.state,
    stateText: stateText(s),
    attempts: s.attempts,
    startedAt: s.startedAt ?? null,
    lastEventAt: s.lastEventAt ?? null,
    duration: Number.isNaN(start) || Number.isNaN(last) ? null : formatMs(last - start) || '0 ms',
    input: op.input ? payloadPreview(op.input, DETAIL_PAYLOAD_CHARS) : null,
    result: s.result && (s.state === 'succeeded' || s.state === 'waiting') ? payloadPreview(s.result, DETAIL_PAYLOAD_CHARS) || '(no value)' : null,
    error: errorText(s.error),
    stack: (s.error?.stackTrace ?? []).slice(0, 30),
    retries,
    callSite: node ? { label: `${relative(node.file)}:${node.line}`, file: node.file, line: node.line, column: node.column } : null,
    drift: match?.drift?.message ?? null,
    event: { index: eventIndex, type: String(e.EventType), time: e.EventTimestamp || null },
  };
}

/** One line about an event that belongs to no operation (the execution's start or end, an invocation's end). */
export function executionNote(stepper: Stepper, eventIndex: number): string | null {
  if (eventIndex < 0) return `Before the first event. ${stepper.length} events in ${stepper.timeline.length} group${stepper.timeline.length === 1 ? '' : 's'}.`;
  const record = stepper.record;
  const e = record.events[eventIndex];
  if (!e) return null;
  const owner = record.eventOwners[eventIndex];
  if (owner?.kind === 'invocation') {
    const inv = record.invocations[owner.index];
    const dur = inv?.startedAt && inv.endedAt ? formatMs(Date.parse(inv.endedAt) - Date.parse(inv.startedAt)) : '';
    return `Invocation ${owner.index + 1} ended${dur ? ` after ${dur}` : ''}${inv?.error ? `: ${errorPreview(inv.error, 300)}` : ''}.`;
  }
  if (e.EventType === 'ExecutionStarted') {
    const input = payloadPreview(record.execution.input, 600);
    return `The execution started${input ? ` with input ${input}` : ''}.`;
  }
  if (owner?.kind === 'execution') {
    const ex = record.execution;
    const value = ex.status === 'SUCCEEDED' ? payloadPreview(ex.result, 600) : errorPreview(ex.error, 600);
    return `The execution ended: ${String(ex.status)}${value ? ` \u2014 ${value}` : ''}.`;
  }
  return `Event ${eventIndex + 1}: ${String(e.EventType)} (not read as an operation's event).`;
}
