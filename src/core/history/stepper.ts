// Core (pure): stepping through a recorded execution — the state of every operation after any event, moved
// incrementally (one transition per event, undone through the state it replaced; far jumps start from a
// checkpoint), the timeline by invocation, the next/previous failure and retry, debugger-style steps, and the
// waterfall rows (running spans and waiting gaps per operation).
import type { HistoryEvent } from './events';
import { toError, toPayload, type ExecutionRecord, type RecordedError, type RecordedOperation } from './record';
import type { OperationStateAt, StepPosition, StepState } from './stepperTypes';

/** A jump farther than this restores the nearest checkpoint and replays from there. */
export const CHECKPOINT_EVERY = 256;

/** One group of the timeline: the events of one invocation (the last one may be open: still running). */
export interface TimelineGroup {
  /** 0-based; equals record.invocations[index] except for a trailing group after the last InvocationCompleted. */
  readonly index: number;
  readonly firstEvent: number;
  readonly lastEvent: number;
  /** The group's events end with an InvocationCompleted (false for events after the last one). */
  readonly completed: boolean;
  readonly startedAt: string | undefined;
  readonly endedAt: string | undefined;
  readonly error?: RecordedError;
  /** Events in the group that failed an operation or scheduled a retry. */
  readonly failures: number;
  readonly retries: number;
}

/** One span of an operation on the waterfall, in ms from the execution's start. */
export interface WaterfallSpan {
  readonly kind: 'running' | 'waiting' | 'retryDelay';
  readonly startMs: number;
  readonly endMs: number;
  /** Whether the span is still open at the end of the history (drawn to its end). */
  readonly open: boolean;
  /** Events that begin and end the span (click to jump). */
  readonly startEvent: number;
  readonly endEvent: number;
}

export interface WaterfallRow {
  readonly operationId: string;
  readonly label: string;
  readonly kind: string;
  /** Depth in the operation tree (0: top level). */
  readonly depth: number;
  readonly spans: readonly WaterfallSpan[];
  /** A sibling ran at the same time (parallel branches, map items, promise combinators): drawn side by side. */
  readonly concurrent: boolean;
  /** Events of this operation (first and last), for jumping. */
  readonly firstEvent: number;
  readonly lastEvent: number;
  readonly outcome: StepState;
}

export interface Waterfall {
  readonly rows: readonly WaterfallRow[];
  /** ms from the execution's first event to its last. */
  readonly totalMs: number;
  /** ms of each event from the start (NaN when it has no readable time), for the cursor line. */
  readonly eventMs: Float64Array;
}

export interface StepMove {
  readonly position: StepPosition;
  readonly changed: readonly string[];
  /** Transitions applied (or undone) for this move: the cost of the move. */
  readonly work: number;
  readonly viaCheckpoint: boolean;
}

const NOT_STARTED_ATTEMPTS = 0;

/** The stepper over one record. Building costs O(events); a move of k events costs O(k). */
export class Stepper {
  readonly record: ExecutionRecord;
  /** Number of events. */
  readonly length: number;
  /** Operation index (into record.operations) the event changes, or -1. */
  private readonly opOf: Int32Array;
  /** The state of that operation after the event, and the state it replaces (undefined: not started). */
  private readonly after: (OperationStateAt | undefined)[];
  private readonly before: (OperationStateAt | undefined)[];
  private readonly invocationOfEvent: Int32Array;
  /** Depth + 1 of the event's operation (1 for events that belong to no operation). */
  private readonly level: Int32Array;
  private readonly checkpoints: (OperationStateAt | undefined)[][] = [];
  private readonly indexOfOp = new Map<string, number>();
  private readonly notStarted: OperationStateAt[];
  readonly failureEvents: Int32Array;
  readonly retryEvents: Int32Array;
  readonly timeline: readonly TimelineGroup[];
  private cur: (OperationStateAt | undefined)[];
  private readonly states = new Map<string, OperationStateAt>();
  private at = -1;
  private waterfallCache: Waterfall | undefined;

  constructor(record: ExecutionRecord) {
    this.record = record;
    const n = record.events.length;
    this.length = n;
    const ops = record.operations;
    ops.forEach((op, i) => this.indexOfOp.set(op.id, i));
    this.notStarted = ops.map((op) => ({ operationId: op.id, state: 'notStarted', attempts: NOT_STARTED_ATTEMPTS }));
    this.opOf = new Int32Array(n).fill(-1);
    this.after = new Array(n);
    this.before = new Array(n);
    this.level = new Int32Array(n).fill(1);
    const depth = new Int32Array(ops.length);
    ops.forEach((op, i) => {
      let d = 0;
      for (let p = op.parent; p && d < 10_000; p = p.parent) d++;
      depth[i] = d;
    });
    const running: (OperationStateAt | undefined)[] = new Array(ops.length);
    const failures: number[] = [];
    const retries: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i % CHECKPOINT_EVERY === 0) this.checkpoints.push(running.slice());
      const owner = record.eventOwners[i];
      if (!owner || owner.kind !== 'operation') continue;
      const k = this.indexOfOp.get(owner.id);
      if (k === undefined) continue;
      const prev = running[k];
      const next = transition(ops[k]!, prev, record.events[i]!);
      this.opOf[i] = k;
      this.before[i] = prev;
      this.after[i] = next;
      this.level[i] = depth[k]! + 1;
      running[k] = next;
      if (next.state === 'failed') failures.push(i);
      else if (next.state === 'retrying') retries.push(i);
    }
    this.failureEvents = Int32Array.from(failures);
    this.retryEvents = Int32Array.from(retries);
    this.cur = new Array(ops.length);
    this.invocationOfEvent = new Int32Array(n);
    this.timeline = buildTimeline(record, this.invocationOfEvent, this.failureEvents, this.retryEvents);
    for (let k = 0; k < ops.length; k++) this.states.set(ops[k]!.id, this.notStarted[k]!);
  }

  get position(): StepPosition {
    return this.positionAt(this.at);
  }

  positionAt(eventIndex: number): StepPosition {
    if (eventIndex < 0 || eventIndex >= this.length) return { eventIndex: -1, invocation: -1, operationId: undefined };
    const k = this.opOf[eventIndex]!;
    return { eventIndex, invocation: this.invocationOfEvent[eventIndex]!, operationId: k >= 0 ? this.record.operations[k]!.id : undefined };
  }

  stateOf(operationId: string): OperationStateAt | undefined {
    return this.states.get(operationId);
  }

  /** Live view of every operation's state at the current position (updated in place by moves). */
  allStates(): ReadonlyMap<string, OperationStateAt> {
    return this.states;
  }

  /** Moves to after event `eventIndex` (clamped to -1 … length-1). */
  moveTo(eventIndex: number): StepMove {
    const target = Math.max(-1, Math.min(this.length - 1, Math.trunc(Number.isFinite(eventIndex) ? eventIndex : -1)));
    const from = this.at;
    if (target === from) return { position: this.position, changed: [], work: 0, viaCheckpoint: false };
    const distance = Math.abs(target - from);
    const cp = target < 0 ? 0 : Math.floor((target + 1) / CHECKPOINT_EVERY);
    const cpAt = cp * CHECKPOINT_EVERY - 1; // the checkpoint holds the states after event cpAt
    if (distance > CHECKPOINT_EVERY && target - cpAt < distance && this.checkpoints[cp]) {
      // The checkpoint plus the few events after it, written over the current states in place (no copy of the
      // whole array per jump: a scrubber drag makes hundreds of jumps).
      const base = this.checkpoints[cp]!;
      const overlay = new Map<number, OperationStateAt | undefined>();
      let work = 0;
      for (let i = cpAt + 1; i <= target; i++, work++) {
        const k = this.opOf[i]!;
        if (k >= 0) overlay.set(k, this.after[i]);
      }
      const changed: string[] = [];
      const ops = this.record.operations;
      for (let k = 0; k < ops.length; k++) {
        const next = overlay.has(k) ? overlay.get(k) : base[k];
        if (this.cur[k] !== next) {
          this.cur[k] = next;
          changed.push(ops[k]!.id);
          this.states.set(ops[k]!.id, next ?? this.notStarted[k]!);
        }
      }
      this.at = target;
      return { position: this.position, changed, work: work + ops.length, viaCheckpoint: true };
    }
    const touched = new Set<number>();
    if (target > from) {
      for (let i = from + 1; i <= target; i++) {
        const k = this.opOf[i]!;
        if (k < 0) continue;
        this.cur[k] = this.after[i];
        touched.add(k);
      }
    } else {
      for (let i = from; i > target; i--) {
        const k = this.opOf[i]!;
        if (k < 0) continue;
        this.cur[k] = this.before[i];
        touched.add(k);
      }
    }
    const ops = this.record.operations;
    const changed: string[] = [];
    for (const k of touched) {
      const s = this.cur[k] ?? this.notStarted[k]!;
      if (this.states.get(ops[k]!.id) === s) continue;
      this.states.set(ops[k]!.id, s);
      changed.push(ops[k]!.id);
    }
    this.at = target;
    return { position: this.position, changed, work: distance, viaCheckpoint: false };
  }

  /** The states after `eventIndex`, computed from the start without moving (tests, and to check checkpoints). */
  statesFromScratch(eventIndex: number): Map<string, OperationStateAt> {
    const ops = this.record.operations;
    const running: (OperationStateAt | undefined)[] = new Array(ops.length);
    for (let i = 0; i <= Math.min(eventIndex, this.length - 1); i++) {
      const k = this.opOf[i]!;
      if (k >= 0) running[k] = transition(ops[k]!, running[k], this.record.events[i]!);
    }
    return new Map(ops.map((op, k) => [op.id, running[k] ?? this.notStarted[k]!]));
  }

  invocationOf(eventIndex: number): number {
    return eventIndex >= 0 && eventIndex < this.length ? this.invocationOfEvent[eventIndex]! : -1;
  }

  /** The operation that event changes, if any. */
  operationAt(eventIndex: number): RecordedOperation | undefined {
    const k = eventIndex >= 0 && eventIndex < this.length ? this.opOf[eventIndex]! : -1;
    return k >= 0 ? this.record.operations[k] : undefined;
  }

  /** The state the event gave its operation. */
  stateAfterEvent(eventIndex: number): OperationStateAt | undefined {
    return eventIndex >= 0 && eventIndex < this.length ? this.after[eventIndex] : undefined;
  }

  // ---- where to go (pure: each returns an event index, or undefined when there is nowhere to go) ----

  /** F11: the next event. */
  stepInto(from = this.at): number | undefined {
    return from + 1 < this.length ? from + 1 : undefined;
  }

  /** Shift+F10: the previous event (-1: before the first). */
  stepBack(from = this.at): number | undefined {
    return from >= 0 ? from - 1 : undefined;
  }

  /** F10: the next event at the current event's level or above (skips the events inside a context). */
  stepOver(from = this.at): number | undefined {
    if (from < 0) return this.stepInto(from);
    const l = this.level[from]!;
    for (let i = from + 1; i < this.length; i++) if (this.level[i]! <= l) return i;
    return undefined;
  }

  /**
   * Shift+F11: the end of the current operation's parent (its outcome event) when that is later; else the next
   * event above the current level; a top-level operation steps out to the end of its invocation.
   */
  stepOut(from = this.at): number | undefined {
    const op = this.operationAt(from);
    if (!op) return this.nextInvocation(from);
    const parent = op.parent;
    if (parent) {
      const last = parent.eventIndices[parent.eventIndices.length - 1];
      if (last !== undefined && last > from) return last;
      const l = this.level[from]!;
      for (let i = from + 1; i < this.length; i++) if (this.level[i]! < l) return i;
      return undefined;
    }
    const g = this.timeline[this.invocationOfEvent[from]!];
    if (g && g.lastEvent > from) return g.lastEvent;
    return this.stepInto(from);
  }

  /** Ctrl+F10: the first event of the next invocation. */
  nextInvocation(from = this.at): number | undefined {
    const g = from < 0 ? -1 : this.invocationOfEvent[from]!;
    return this.timeline[g + 1]?.firstEvent;
  }

  /** The first event of the current invocation, or of the previous one when already there. */
  previousInvocation(from = this.at): number | undefined {
    if (from < 0) return undefined;
    const g = this.timeline[this.invocationOfEvent[from]!];
    if (!g) return undefined;
    if (from > g.firstEvent) return g.firstEvent;
    return this.timeline[g.index - 1]?.firstEvent ?? (from > -1 ? -1 : undefined);
  }

  nextFailure(from = this.at): number | undefined {
    return after(this.failureEvents, from);
  }

  previousFailure(from = this.at): number | undefined {
    return before(this.failureEvents, from);
  }

  nextRetry(from = this.at): number | undefined {
    return after(this.retryEvents, from);
  }

  previousRetry(from = this.at): number | undefined {
    return before(this.retryEvents, from);
  }

  /** F5: the next failure or retry, whichever comes first. */
  nextProblem(from = this.at): number | undefined {
    const a = this.nextFailure(from);
    const b = this.nextRetry(from);
    return a === undefined ? b : b === undefined ? a : Math.min(a, b);
  }

  previousProblem(from = this.at): number | undefined {
    const a = this.previousFailure(from);
    const b = this.previousRetry(from);
    return a === undefined ? b : b === undefined ? a : Math.max(a, b);
  }

  /** The waterfall rows (computed once per record). */
  waterfall(): Waterfall {
    this.waterfallCache ??= buildWaterfall(this.record, this.after);
    return this.waterfallCache;
  }
}

/** Builds a stepper; never throws on a record buildExecutionRecord made (bad events become no transitions). */
export function buildStepper(record: ExecutionRecord): Stepper {
  return new Stepper(record);
}

/** The first value in a sorted list greater than `from`. */
function after(list: Int32Array, from: number): number | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! <= from) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length ? list[lo] : undefined;
}

/** The last value in a sorted list less than `from`. */
function before(list: Int32Array, from: number): number | undefined {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? list[lo - 1] : undefined;
}

const TYPE_PREFIXES = ['ChainedInvoke', 'Context', 'Callback', 'Step', 'Wait'] as const;

function actionOf(eventType: string): string {
  for (const p of TYPE_PREFIXES) if (eventType.startsWith(p)) return eventType.slice(p.length);
  return eventType;
}

/** The operation's state after one of its events. */
function transition(op: RecordedOperation, prev: OperationStateAt | undefined, e: HistoryEvent): OperationStateAt {
  const action = actionOf(String(e.EventType));
  const ts = typeof e.EventTimestamp === 'string' && e.EventTimestamp ? e.EventTimestamp : undefined;
  const details = (e as unknown as Record<string, Record<string, unknown> | undefined>)[`${String(e.EventType)}Details`];
  const startedAt = prev?.startedAt ?? ts;
  const base = {
    operationId: op.id,
    attempts: prev?.attempts ?? 0,
    ...(prev?.result ? { result: prev.result } : {}),
    ...(prev?.error ? { error: prev.error } : {}),
    ...(startedAt ? { startedAt } : {}),
    ...(ts ? { lastEventAt: ts } : prev?.lastEventAt ? { lastEventAt: prev.lastEventAt } : {}),
  };
  if (action === 'Started') {
    const attempts = base.attempts + 1;
    switch (op.type) {
      case 'WAIT':
        return { ...base, attempts, state: 'waiting', waitingOn: 'timer' };
      case 'CALLBACK':
        return { ...base, attempts, state: 'waiting', waitingOn: 'callback' };
      case 'CHAINED_INVOKE':
        return { ...base, attempts, state: 'waiting', waitingOn: 'invoke' };
      default:
        return { ...base, attempts, state: 'running' };
    }
  }
  const attempts = Math.max(1, base.attempts);
  const result = toPayload(details?.Result as Parameters<typeof toPayload>[0]);
  const error = toError(details?.Error as Parameters<typeof toError>[0]);
  const retry = details?.RetryDetails as { NextAttemptDelaySeconds?: unknown } | undefined;
  const again = op.type === 'STEP' && typeof retry?.NextAttemptDelaySeconds === 'number';
  const withOutcome = { ...base, attempts, ...(result ? { result } : {}), ...(error ? { error } : {}) };
  if (action === 'Succeeded') {
    // A waitForCondition check that said "not yet": the operation waits for its next check.
    if (again && op.subType === 'WaitForCondition') return { ...withOutcome, state: 'waiting', waitingOn: 'timer' };
    const { error: _dropped, ...ok } = withOutcome;
    void _dropped;
    return { ...ok, state: 'succeeded', ...(result ? {} : { result: { raw: undefined, truncated: false } }) };
  }
  if (action === 'Failed' && again) return { ...withOutcome, state: 'retrying', waitingOn: 'retry' };
  if (action === 'Failed') return { ...withOutcome, state: 'failed' };
  const outcome = action === 'TimedOut' ? 'timedOut' : action === 'Stopped' ? 'stopped' : action === 'Cancelled' ? 'cancelled' : undefined;
  return { ...withOutcome, state: 'failed', ...(outcome ? { outcome } : {}) };
}

function buildTimeline(record: ExecutionRecord, invocationOf: Int32Array, failures: Int32Array, retries: Int32Array): TimelineGroup[] {
  const groups: TimelineGroup[] = [];
  const n = record.events.length;
  const count = (list: Int32Array, a: number, b: number): number => {
    let c = 0;
    for (const i of list) if (i >= a && i <= b) c++;
    return c;
  };
  let next = 0;
  for (const inv of record.invocations) {
    const first = Math.max(next, inv.firstEvent);
    groups.push({
      index: groups.length,
      firstEvent: first,
      lastEvent: inv.lastEvent,
      completed: true,
      startedAt: inv.startedAt,
      endedAt: inv.endedAt,
      ...(inv.error ? { error: inv.error } : {}),
      failures: count(failures, first, inv.lastEvent),
      retries: count(retries, first, inv.lastEvent),
    });
    next = inv.lastEvent + 1;
  }
  if (next < n) {
    groups.push({
      index: groups.length,
      firstEvent: next,
      lastEvent: n - 1,
      completed: false,
      startedAt: record.events[next]?.EventTimestamp || undefined,
      endedAt: record.events[n - 1]?.EventTimestamp || undefined,
      failures: count(failures, next, n - 1),
      retries: count(retries, next, n - 1),
    });
  }
  for (const g of groups) for (let i = g.firstEvent; i <= g.lastEvent; i++) invocationOf[i] = g.index;
  return groups;
}

function timeOf(iso: string | undefined): number {
  if (!iso) return NaN;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? NaN : t;
}

function buildWaterfall(record: ExecutionRecord, after: readonly (OperationStateAt | undefined)[]): Waterfall {
  const events = record.events;
  const n = events.length;
  const eventMs = new Float64Array(n);
  let t0 = NaN;
  let tEnd = NaN;
  for (let i = 0; i < n; i++) {
    const t = timeOf(events[i]!.EventTimestamp);
    if (!Number.isNaN(t)) {
      if (Number.isNaN(t0) || t < t0) t0 = t;
      if (Number.isNaN(tEnd) || t > tEnd) tEnd = t;
    }
    eventMs[i] = t;
  }
  for (let i = 0; i < n; i++) eventMs[i] = Number.isNaN(eventMs[i]!) ? NaN : eventMs[i]! - t0;
  const totalMs = Number.isNaN(t0) ? 0 : tEnd - t0;
  const rows: WaterfallRow[] = [];
  const visit = (op: RecordedOperation, depth: number, concurrent: boolean): void => {
    rows.push(rowFor(op, depth, concurrent, eventMs, totalMs, after, events));
    const overlapping = overlaps(op.children);
    for (const c of op.children) visit(c, depth + 1, overlapping.has(c));
  };
  const top = overlaps(record.roots);
  for (const r of record.roots) visit(r, 0, top.has(r));
  return { rows, totalMs, eventMs };
}

/** Siblings whose event ranges overlap another sibling's (ran at the same time). */
function overlaps(siblings: readonly RecordedOperation[]): Set<RecordedOperation> {
  const out = new Set<RecordedOperation>();
  let maxEnd = -1;
  let maxOp: RecordedOperation | undefined;
  for (const s of siblings) {
    const first = s.eventIndices[0] ?? -1;
    const last = s.eventIndices[s.eventIndices.length - 1] ?? -1;
    if (maxOp && first < maxEnd) {
      out.add(s);
      out.add(maxOp);
    }
    if (last > maxEnd) {
      maxEnd = last;
      maxOp = s;
    }
  }
  return out;
}

function rowFor(op: RecordedOperation, depth: number, concurrent: boolean, eventMs: Float64Array, totalMs: number, after: readonly (OperationStateAt | undefined)[], events: readonly HistoryEvent[]): WaterfallRow {
  const spans: WaterfallSpan[] = [];
  const idx = op.eventIndices;
  // Wait-like operations spend their Started→outcome time waiting; steps run it and wait between attempts
  // (a retry delay, or waitForCondition's wait for its next check).
  const waits = op.type === 'WAIT' || op.type === 'CALLBACK' || op.type === 'CHAINED_INVOKE';
  const gapKind: WaterfallSpan['kind'] = op.subType === 'WaitForCondition' ? 'waiting' : 'retryDelay';
  let openStart: number | undefined;
  let gapStart: number | undefined;
  const push = (kind: WaterfallSpan['kind'], a: number, b: number | undefined): void => {
    const startMs = eventMs[a]!;
    const endMs = b === undefined ? totalMs : eventMs[b]!;
    if (Number.isNaN(startMs) || Number.isNaN(endMs)) return;
    spans.push({ kind, startMs, endMs: Math.max(startMs, endMs), open: b === undefined, startEvent: a, endEvent: b ?? a });
  };
  for (const i of idx) {
    if (actionOf(String(events[i]!.EventType)) === 'Started') {
      if (gapStart !== undefined) push(gapKind, gapStart, i);
      gapStart = undefined;
      openStart = i;
      continue;
    }
    if (openStart !== undefined) push(waits ? 'waiting' : 'running', openStart, i);
    openStart = undefined;
    const s = after[i];
    if (s && (s.state === 'retrying' || (s.state === 'waiting' && op.subType === 'WaitForCondition'))) gapStart = i;
  }
  if (openStart !== undefined) push(waits ? 'waiting' : 'running', openStart, undefined);
  else if (gapStart !== undefined) push(gapKind, gapStart, undefined);
  const last = idx[idx.length - 1] ?? -1;
  return {
    operationId: op.id,
    label: op.name ?? op.kind,
    kind: op.kind,
    depth,
    spans,
    concurrent,
    firstEvent: idx[0] ?? -1,
    lastEvent: last,
    outcome: (last >= 0 ? after[last]?.state : undefined) ?? 'notStarted',
  };
}
