// Runs anywhere (pure core): the model of one recorded execution built from its history events: the
// execution summary, the operations as a tree (kind, status, attempts, timings, results), the invocations,
// the callbacks still waiting, and every event accounted for (or reported in problems).
import type { OperationKind as CodeOperationKind } from '../analysis/operations/kinds';
import { EVENT_TYPES, type HistoryError, type HistoryEvent, type HistoryPayload } from './events';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'STOPPED' | (string & {});

export interface RecordedPayload {
  /** The payload text exactly as recorded (JSON text, untrusted); undefined when the event carried none. */
  readonly raw: string | undefined;
  /** Lambda cut the payload short: `raw` is not the whole value. */
  readonly truncated: boolean;
}

export interface RecordedError {
  readonly type?: string;
  readonly message?: string;
  readonly data?: string;
  readonly stackTrace?: readonly string[];
  readonly truncated?: boolean;
}

export interface ExecutionSummary {
  arn?: string;
  name?: string;
  functionName?: string;
  version?: string;
  /** The execution's own id (the Id of ExecutionStarted), a UUID. */
  executionId?: string;
  status: ExecutionStatus;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
  input?: RecordedPayload;
  result?: RecordedPayload;
  error?: RecordedError;
}

export type OperationType = 'STEP' | 'WAIT' | 'CALLBACK' | 'CONTEXT' | 'CHAINED_INVOKE' | 'UNKNOWN';

/**
 * The SDK method that produced the operation (the contract's kinds), or what it is inside one: `map.item`
 * and `parallel.branch` are the item/branch contexts, `waitForCallback.callback` and
 * `waitForCallback.submitter` the two children of a waitForCallback context.
 */
export type OperationKind =
  | CodeOperationKind
  | 'map.item'
  | 'parallel.branch'
  | 'waitForCallback.callback'
  | 'waitForCallback.submitter'
  | 'unknown';

export type OperationStatus = 'STARTED' | 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'STOPPED' | 'CANCELLED' | (string & {});

export interface RetryRecord {
  /** 1-based attempt that failed (or, for waitForCondition, the check that said "not yet"). */
  readonly attempt: number;
  readonly error?: RecordedError;
  readonly nextAttemptDelaySeconds?: number;
}

export interface RecordedOperation {
  readonly id: string;
  readonly parentId: string | undefined;
  name: string | undefined;
  type: OperationType;
  subType: string | undefined;
  kind: OperationKind;
  /**
   * Set when the history alone cannot tell the kind: the promise combinators are recorded as a child
   * context (SDK 2.x) or a step (SDK 1.x). `kind` is the best reading; these are all that fit (the
   * mapping to code decides).
   */
  kindCandidates?: OperationKind[];
  status: OperationStatus;
  /** Times the operation's body ran: step attempts, waitForCondition checks; 1 for the others once started. */
  attempts: number;
  startedAt: string | undefined;
  endedAt: string | undefined;
  durationMs: number | undefined;
  result?: RecordedPayload;
  error?: RecordedError;
  callbackId?: string;
  waitSeconds?: number;
  waitScheduledEnd?: string;
  /** For invoke: the target function and the child execution. */
  invokedFunction?: string;
  invokedExecutionArn?: string;
  input?: RecordedPayload;
  retries: RetryRecord[];
  /**
   * One span per start (each step attempt, each waitForCondition check; one for the others): from its
   * Started event to the outcome that ended it. The gaps between spans are time spent waiting to retry.
   */
  spans: { startedAt: string | undefined; endedAt: string | undefined }[];
  /** Indices (into the record's events) of this operation's events, in order. */
  eventIndices: number[];
  children: RecordedOperation[];
  parent?: RecordedOperation;
}

export interface Invocation {
  /** 0-based. */
  readonly index: number;
  readonly startedAt: string | undefined;
  readonly endedAt: string | undefined;
  readonly requestId: string | undefined;
  readonly error?: RecordedError;
  /** Events of this invocation: indices from firstEvent to lastEvent inclusive (lastEvent is its InvocationCompleted). */
  readonly firstEvent: number;
  readonly lastEvent: number;
}

export interface PendingCallback {
  readonly operationId: string;
  readonly callbackId: string;
  /** The callback's name, or for a waitForCallback's inner callback the waitForCallback's name. */
  readonly name: string | undefined;
}

export type EventOwner =
  | { readonly kind: 'execution' }
  | { readonly kind: 'invocation'; readonly index: number }
  | { readonly kind: 'operation'; readonly id: string }
  | { readonly kind: 'problem' };

export interface ExecutionRecord {
  readonly execution: ExecutionSummary;
  readonly events: readonly HistoryEvent[];
  /** All operations, in the order of their first event. */
  readonly operations: RecordedOperation[];
  /** Top-level operations (and those whose parent is missing from the history), in order. */
  readonly roots: RecordedOperation[];
  readonly byId: Map<string, RecordedOperation>;
  readonly invocations: Invocation[];
  /** Callbacks started and not completed while the execution still runs (none once it has ended). */
  readonly pendingCallbacks: PendingCallback[];
  /** Who each event belongs to (same index as events): nothing is left unaccounted. */
  readonly eventOwners: EventOwner[];
  readonly problems: string[];
}

const EXECUTION_TERMINAL: Readonly<Record<string, ExecutionStatus>> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionStopped: 'STOPPED',
};

const TYPE_PREFIXES: readonly [string, OperationType][] = [
  ['ChainedInvoke', 'CHAINED_INVOKE'],
  ['Context', 'CONTEXT'],
  ['Callback', 'CALLBACK'],
  ['Step', 'STEP'],
  ['Wait', 'WAIT'],
];

function operationTypeOf(eventType: string): { type: OperationType; action: string } | undefined {
  for (const [prefix, type] of TYPE_PREFIXES) if (eventType.startsWith(prefix)) return { type, action: eventType.slice(prefix.length) };
  return undefined;
}

const DETAILS_KEYS: Readonly<Record<string, string>> = Object.fromEntries(EVENT_TYPES.map((t) => [t, `${t}Details`]));

const ACTION_STATUS: Readonly<Record<string, OperationStatus>> = {
  Started: 'STARTED',
  Succeeded: 'SUCCEEDED',
  Failed: 'FAILED',
  TimedOut: 'TIMED_OUT',
  Stopped: 'STOPPED',
  Cancelled: 'CANCELLED',
};

const VALID_ACTIONS: Readonly<Record<OperationType, readonly string[]>> = {
  STEP: ['Started', 'Succeeded', 'Failed'],
  WAIT: ['Started', 'Succeeded', 'Cancelled'],
  CALLBACK: ['Started', 'Succeeded', 'Failed', 'TimedOut'],
  CONTEXT: ['Started', 'Succeeded', 'Failed'],
  CHAINED_INVOKE: ['Started', 'Succeeded', 'Failed', 'TimedOut', 'Stopped'],
  UNKNOWN: [],
};

export function toPayload(p: HistoryPayload | undefined): RecordedPayload | undefined {
  if (!p || typeof p !== 'object') return undefined;
  return { raw: typeof p.Payload === 'string' ? p.Payload : p.Payload === undefined ? undefined : safeJson(p.Payload), truncated: p.Truncated === true };
}

export function toError(e: HistoryError | undefined): RecordedError | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const p = e.Payload;
  if (!p || typeof p !== 'object') return e.Truncated ? { truncated: true } : undefined;
  const out: { -readonly [K in keyof RecordedError]: RecordedError[K] } = {};
  if (p.ErrorType !== undefined) out.type = String(p.ErrorType);
  if (p.ErrorMessage !== undefined) out.message = String(p.ErrorMessage);
  if (p.ErrorData !== undefined) out.data = typeof p.ErrorData === 'string' ? p.ErrorData : safeJson(p.ErrorData);
  if (Array.isArray(p.StackTrace)) out.stackTrace = p.StackTrace.map((l) => String(l));
  if (e.Truncated) out.truncated = true;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A string field of untrusted details, or undefined when it is anything else. */
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Milliseconds of an ISO timestamp; the canonical `YYYY-MM-DDTHH:MM:SS.mmmZ` form without Date.parse (the hot path). */
function ms(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  if (iso.length === 24 && iso.charCodeAt(23) === 90 /* Z */ && iso.charCodeAt(10) === 84 /* T */ && iso.charCodeAt(19) === 46 /* . */) {
    const d = (at: number, n: number): number => {
      let v = 0;
      for (let k = at; k < at + n; k++) {
        const c = iso.charCodeAt(k) - 48;
        if (c < 0 || c > 9) return NaN;
        v = v * 10 + c;
      }
      return v;
    };
    const t = Date.UTC(d(0, 4), d(5, 2) - 1, d(8, 2), d(11, 2), d(14, 2), d(17, 2), d(20, 3));
    if (!Number.isNaN(t)) return t;
  }
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

function duration(start: string | undefined, end: string | undefined): number | undefined {
  const a = ms(start);
  const b = ms(end);
  return a !== undefined && b !== undefined ? b - a : undefined;
}

/** Name, function and version from an execution ARN (`…:function:<fn>:<version>/durable-execution/<name>/<id>`). */
export function parseExecutionArn(arn: string): { region?: string; account?: string; functionName?: string; version?: string; name?: string; id?: string } {
  const m = /^arn:[^:]+:lambda:([^:]*):([^:]*):function:([^:/]+)(?::([^/]+))?\/durable-execution\/([^/]+)\/([^/]+)$/.exec(arn);
  if (!m) return {};
  return { region: m[1], account: m[2], functionName: m[3], ...(m[4] ? { version: m[4] } : {}), name: m[5], id: m[6] };
}

/**
 * Builds the record of one execution from its events (in history order). `summary` comes from
 * GetDurableExecution when there is one: its fields win, except that a terminal event in the history
 * decides the status (the history may be newer than the summary).
 */
export function buildExecutionRecord(events: readonly HistoryEvent[], summary?: Partial<ExecutionSummary>): ExecutionRecord {
  const problems: string[] = [];
  const operations: RecordedOperation[] = [];
  const byId = new Map<string, RecordedOperation>();
  const invocations: Invocation[] = [];
  const eventOwners: EventOwner[] = new Array(events.length);
  const execution: ExecutionSummary = { status: 'RUNNING' };
  let terminalSeen = false;
  let invocationStart = 0;
  const seenEventIds = new Set<number>();
  let lastEventId = -Infinity;
  // Operations that reached an outcome: a later event for one of them is reported.
  const finished = new Set<string>();

  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (seenEventIds.has(e.EventId)) problems.push(`${whereOf(i, e)}: EventId ${e.EventId} appears more than once`);
    else if (e.EventId < lastEventId) problems.push(`${whereOf(i, e)}: out of order (after EventId ${lastEventId})`);
    seenEventIds.add(e.EventId);
    if (e.EventId > lastEventId) lastEventId = e.EventId;

    if (e.EventType === 'ExecutionStarted') {
      eventOwners[i] = { kind: 'execution' };
      if (execution.startedAt !== undefined) problems.push(`${whereOf(i, e)}: a second ExecutionStarted`);
      execution.startedAt = e.EventTimestamp || undefined;
      if (e.Id) execution.executionId = e.Id;
      const input = toPayload(e.ExecutionStartedDetails?.Input);
      if (input) execution.input = input;
      continue;
    }
    const terminal = EXECUTION_TERMINAL[e.EventType];
    if (terminal) {
      eventOwners[i] = { kind: 'execution' };
      if (terminalSeen) problems.push(`${whereOf(i, e)}: the execution had already ended`);
      terminalSeen = true;
      execution.status = terminal;
      execution.endedAt = e.EventTimestamp || undefined;
      if (e.EventType === 'ExecutionSucceeded') {
        const r = toPayload(e.ExecutionSucceededDetails?.Result);
        if (r) execution.result = r;
      } else {
        const details = (e as unknown as Record<string, { Error?: HistoryError } | undefined>)[`${e.EventType}Details`];
        const err = toError(details?.Error);
        if (err) execution.error = err;
      }
      continue;
    }
    if (e.EventType === 'InvocationCompleted') {
      const d = e.InvocationCompletedDetails;
      const err = toError(d?.Error);
      const inv: Invocation = {
        index: invocations.length,
        startedAt: str(d?.StartTimestamp),
        endedAt: str(d?.EndTimestamp) ?? (e.EventTimestamp || undefined),
        requestId: str(d?.RequestId),
        ...(err ? { error: err } : {}),
        firstEvent: invocationStart,
        lastEvent: i,
      };
      invocations.push(inv);
      eventOwners[i] = { kind: 'invocation', index: inv.index };
      invocationStart = i + 1;
      continue;
    }
    const t = operationTypeOf(e.EventType);
    if (!t || !e.Id) {
      eventOwners[i] = { kind: 'problem' };
      problems.push(!t ? `${whereOf(i, e)}: not an event type this version knows; shown in the events only` : `${whereOf(i, e)}: no operation Id; shown in the events only`);
      continue;
    }
    let op = byId.get(e.Id);
    if (!op) {
      op = {
        id: e.Id,
        parentId: e.ParentId,
        name: e.Name,
        type: t.type,
        subType: e.SubType,
        kind: 'unknown',
        status: 'STARTED',
        attempts: 0,
        startedAt: e.EventTimestamp || undefined,
        endedAt: undefined,
        durationMs: undefined,
        retries: [],
        spans: [],
        eventIndices: [],
        children: [],
      };
      byId.set(e.Id, op);
      operations.push(op);
      if (t.action !== 'Started') problems.push(`${whereOf(i, e)}: operation ${e.Id} has no ${e.EventType.slice(0, -t.action.length)}Started before it`);
    } else {
      if (op.type !== t.type) problems.push(`${whereOf(i, e)}: operation ${e.Id} was a ${op.type} and this event is a ${t.type}`);
      if (e.SubType !== undefined && op.subType !== undefined && e.SubType !== op.subType) problems.push(`${whereOf(i, e)}: operation ${e.Id} changes SubType from ${op.subType} to ${e.SubType}`);
      if (e.ParentId !== op.parentId && e.ParentId !== undefined) problems.push(`${whereOf(i, e)}: operation ${e.Id} changes ParentId`);
      if (op.name === undefined && e.Name !== undefined) op.name = e.Name;
      if (op.subType === undefined && e.SubType !== undefined) op.subType = e.SubType;
    }
    eventOwners[i] = { kind: 'operation', id: op.id };
    op.eventIndices.push(i);
    if (!VALID_ACTIONS[op.type].includes(t.action)) problems.push(`${whereOf(i, e)}: ${t.action} is not an outcome of a ${op.type}`);
    if (finished.has(op.id) && !(t.action === 'Started' && op.type === 'STEP')) problems.push(`${whereOf(i, e)}: operation ${op.id} had already finished`);
    applyEvent(op, e, t.action, problems, i);
    if (op.status !== 'STARTED' && op.status !== 'PENDING') finished.add(op.id);
    else finished.delete(op.id);
  }
  // Parent links, in order of first event.
  const roots: RecordedOperation[] = [];
  for (const op of operations) {
    if (op.parentId === undefined) {
      roots.push(op);
      continue;
    }
    const parent = byId.get(op.parentId);
    if (!parent) {
      problems.push(`operation ${op.id}${op.name ? ` ("${clip(op.name)}")` : ''}: its parent ${op.parentId} is not in the history; shown at the top level`);
      roots.push(op);
    } else if (parent === op || isAncestor(op, parent)) {
      problems.push(`operation ${op.id}: its ParentId makes a cycle; shown at the top level`);
      roots.push(op);
    } else {
      if (parent.type !== 'CONTEXT') problems.push(`operation ${op.id}: its parent ${parent.id} is a ${parent.type}, not a context`);
      op.parent = parent;
      parent.children.push(op);
    }
  }

  for (const op of operations) op.kind = kindOf(op);
  inferCombinators(operations, roots);

  const pendingCallbacks: PendingCallback[] = [];
  if (!terminalSeen) {
    for (const op of operations) {
      if (op.type === 'CALLBACK' && op.status === 'STARTED' && op.callbackId) {
        const name = op.name ?? (op.kind === 'waitForCallback.callback' ? op.parent?.name : undefined);
        pendingCallbacks.push({ operationId: op.id, callbackId: op.callbackId, name });
      }
    }
  }

  if (summary) {
    for (const [k, v] of Object.entries(summary) as [keyof ExecutionSummary, unknown][]) {
      if (v === undefined) continue;
      if (k === 'status' && terminalSeen) {
        if (v !== execution.status) problems.push(`the execution's status is ${String(v)} but its history ends with ${execution.status}`);
        continue;
      }
      (execution as unknown as Record<string, unknown>)[k] = v;
    }
  }
  if (execution.arn) {
    const parts = parseExecutionArn(execution.arn);
    execution.functionName ??= parts.functionName;
    execution.version ??= parts.version;
    execution.name ??= parts.name;
  }
  if (execution.durationMs === undefined) {
    const d = duration(execution.startedAt, execution.endedAt);
    if (d !== undefined) execution.durationMs = d;
  }
  if (events.length > 0 && events[0]!.EventType !== 'ExecutionStarted' && execution.startedAt === undefined) problems.push('the history has no ExecutionStarted event (an incomplete page?)');

  return { execution, events, operations, roots, byId, invocations, pendingCallbacks, eventOwners, problems };
}

/** How a problem names its event (built only when there is a problem to report). */
function whereOf(i: number, e: HistoryEvent): string {
  return `event ${i + 1} (EventId ${e.EventId}, ${clip(String(e.EventType), 40)})`;
}

function clip(s: string, max = 60): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

function isAncestor(candidate: RecordedOperation, of: RecordedOperation): boolean {
  for (let p: RecordedOperation | undefined = of.parent, n = 0; p && n < 10_000; p = p.parent, n++) if (p === candidate) return true;
  return false;
}

function applyEvent(op: RecordedOperation, e: HistoryEvent, action: string, problems: string[], i: number): void {
  const ts = e.EventTimestamp || undefined;
  const d = (e as unknown as Record<string, Record<string, unknown> | undefined>)[DETAILS_KEYS[e.EventType] ?? `${e.EventType}Details`];
  if (action === 'Started') {
    op.attempts++;
    op.spans.push({ startedAt: ts, endedAt: undefined });
    if (op.startedAt === undefined) op.startedAt = ts;
    op.status = 'STARTED';
    op.endedAt = undefined;
    op.durationMs = undefined;
    if (op.type === 'WAIT') {
      const w = e.WaitStartedDetails;
      if (typeof w?.Duration === 'number') op.waitSeconds = w.Duration;
      const end = str(w?.ScheduledEndTimestamp);
      if (end) op.waitScheduledEnd = end;
    } else if (op.type === 'CALLBACK') {
      const c = e.CallbackStartedDetails;
      const callbackId = str(c?.CallbackId);
      if (callbackId) op.callbackId = callbackId;
      else problems.push(`${whereOf(i, e)}: CallbackStarted without a CallbackId`);
    } else if (op.type === 'CHAINED_INVOKE') {
      const c = e.ChainedInvokeStartedDetails;
      const fn = str(c?.FunctionName);
      if (fn) op.invokedFunction = fn;
      const arn = str(c?.DurableExecutionArn);
      if (arn) op.invokedExecutionArn = arn;
      const input = toPayload(c?.Input);
      if (input) op.input = input;
    }
    return;
  }
  if (op.attempts === 0) {
    op.attempts = 1; // an outcome without its Started (reported by the caller)
    op.spans.push({ startedAt: undefined, endedAt: undefined });
  }
  const span = op.spans[op.spans.length - 1]!;
  if (span.endedAt === undefined) span.endedAt = ts;
  const status = ACTION_STATUS[action] ?? action.toUpperCase();
  const retry = (d?.RetryDetails ?? undefined) as { NextAttemptDelaySeconds?: number } | undefined;
  const result = toPayload(d?.Result as HistoryPayload | undefined);
  const error = toError(d?.Error as HistoryError | undefined);
  if (op.type === 'WAIT' && typeof (d?.Duration as unknown) === 'number' && op.waitSeconds === undefined) op.waitSeconds = d!.Duration as number;
  // A step that failed with a next attempt scheduled, or a waitForCondition check that said "not yet":
  // the operation goes on (PENDING) and the attempt is a retry.
  const again = op.type === 'STEP' && typeof retry?.NextAttemptDelaySeconds === 'number' && (action === 'Failed' || op.subType === 'WaitForCondition');
  if (again) {
    op.status = 'PENDING';
    op.retries.push({ attempt: op.attempts, ...(error ? { error } : {}), nextAttemptDelaySeconds: retry!.NextAttemptDelaySeconds });
    if (result) op.result = result;
    if (error) op.error = error;
    op.endedAt = undefined;
    return;
  }
  op.status = status;
  op.endedAt = ts;
  op.durationMs = duration(op.startedAt, ts);
  if (result) op.result = result;
  else if (action === 'Succeeded') op.result = { raw: undefined, truncated: false };
  if (error) op.error = error;
  else if (action === 'Succeeded') delete op.error;
}

function kindOf(op: RecordedOperation): OperationKind {
  const parentSub = op.parent?.subType;
  switch (op.type) {
    case 'STEP':
      if (op.subType === 'WaitForCondition') return 'waitForCondition';
      if (parentSub === 'WaitForCallback') return 'waitForCallback.submitter';
      return op.subType === 'Step' || op.subType === undefined ? 'step' : 'unknown';
    case 'WAIT':
      return 'wait';
    case 'CALLBACK':
      return parentSub === 'WaitForCallback' ? 'waitForCallback.callback' : 'createCallback';
    case 'CHAINED_INVOKE':
      return 'invoke';
    case 'CONTEXT':
      switch (op.subType) {
        case 'WaitForCallback':
          return 'waitForCallback';
        case 'Map':
          return 'map';
        case 'MapIteration':
          return 'map.item';
        case 'Parallel':
          return 'parallel';
        case 'ParallelBranch':
          return 'parallel.branch';
        case 'RunInChildContext':
        case undefined:
          return 'runInChildContext';
        default:
          return 'unknown';
      }
    default:
      return 'unknown';
  }
}

const COMBINATORS: readonly OperationKind[] = ['promise.all', 'promise.allSettled', 'promise.any', 'promise.race'];

/**
 * The promise combinators leave a step (SDK 1.x) or an empty child context (SDK 2.x) whose result is
 * built from sibling operations that were still running when it started. Read that: a combinator
 * candidate is a childless step/context that started while earlier siblings were open; its result's
 * shape (an array of {status}, an array of the siblings' results, one sibling's result) says which.
 */
function inferCombinators(operations: readonly RecordedOperation[], roots: readonly RecordedOperation[]): void {
  const groups: (readonly RecordedOperation[])[] = [roots];
  for (const op of operations) if (op.children.length > 0) groups.push(op.children);
  const keys = new Map<RecordedOperation, string | undefined>();
  const key = (s: RecordedOperation): string | undefined => {
    if (!keys.has(s)) keys.set(s, resultKey(s));
    return keys.get(s);
  };
  for (const siblings of groups) {
    // Over the siblings before i: the latest last event and how many never finished. When the latest ended
    // before op started and all finished, nothing was still running: no window scan for the common case.
    let maxEnd = -1;
    let unfinished = 0;
    for (let i = 1; i < siblings.length; i++) {
      const prev = siblings[i - 1]!;
      maxEnd = Math.max(maxEnd, prev.eventIndices[prev.eventIndices.length - 1] ?? -1);
      if (prev.status === 'STARTED' || prev.status === 'PENDING') unfinished++;
      const op = siblings[i]!;
      if (op.children.length > 0 || (op.kind !== 'step' && op.kind !== 'runInChildContext')) continue;
      const succeeded = op.status === 'SUCCEEDED' && op.result?.raw !== undefined && !op.result.truncated;
      if (!succeeded && !(op.status === 'FAILED' && op.error)) continue;
      const firstEvent = op.eventIndices[0];
      if (firstEvent === undefined) continue;
      // A combinator joins promises made shortly before it: look back a bounded window, not the whole history.
      const lo = Math.max(0, i - COMBINATOR_WINDOW);
      const open: RecordedOperation[] = [];
      if (maxEnd > firstEvent || unfinished > 0) for (let j = lo; j < i; j++) {
        const s = siblings[j]!;
        if (s.status === 'STARTED' || s.status === 'PENDING' || s.eventIndices[s.eventIndices.length - 1]! > firstEvent) open.push(s);
      }
      let value: unknown;
      if (succeeded) {
        const parsed = parseJson(op.result!.raw);
        if (!parsed.ok) continue;
        value = parsed.value;
        // A step (1.x) is read as a combinator only alongside a sibling still running; an empty child context
        // (2.x) starts at the combinator's first await, which may come after its promises settled.
        if (!Array.isArray(value) && open.length === 0 && op.type !== 'CONTEXT') continue;
      } else if (op.error!.type !== 'AggregateError' && op.error!.message === undefined) continue;
      const guess = guessCombinator(op, value, open, siblings.slice(lo, i), key);
      if (!guess) continue;
      op.kindCandidates = [...guess.candidates, op.kind];
      op.kind = guess.kind;
    }
  }
}

const COMBINATOR_WINDOW = 128;

function parseJson(raw: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (raw === undefined) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

/** What a sibling contributes to a combinator's result: its result's JSON, `null` when it has none (a wait). */
function resultKey(s: RecordedOperation): string | undefined {
  if (s.status !== 'SUCCEEDED') return undefined;
  return s.result?.raw === undefined ? 'null' : canonical(s.result.raw);
}

function isSettledEntry(x: unknown): boolean {
  const status = typeof x === 'object' && x !== null ? (x as { status?: unknown }).status : undefined;
  return status === 'fulfilled' || status === 'rejected';
}

/**
 * all and allSettled are told by their result alone (an array of the earlier siblings' results, an array
 * of {status}); race and any give one result of a sibling that was still running when they started.
 */
function guessCombinator(
  op: RecordedOperation,
  value: unknown,
  open: readonly RecordedOperation[],
  earlier: readonly RecordedOperation[],
  key: (s: RecordedOperation) => string | undefined
): { kind: OperationKind; candidates: OperationKind[] } | undefined {
  if (op.status === 'SUCCEEDED') {
    if (Array.isArray(value) && value.length > 0 && value.length <= earlier.length && value.every(isSettledEntry)) return { kind: 'promise.allSettled', candidates: ['promise.allSettled'] };
    const contextShape = op.type === 'CONTEXT';
    if (Array.isArray(value) && value.length > 0 && value.length <= earlier.length && (open.length > 0 || contextShape)) {
      const pool = new Map<string, number>();
      for (const s of earlier) {
        const k = key(s);
        if (k !== undefined) pool.set(k, (pool.get(k) ?? 0) + 1);
      }
      const all = value.every((x) => {
        const k = JSON.stringify(x) ?? 'null';
        const n = pool.get(k) ?? 0;
        if (n === 0) return false;
        pool.set(k, n - 1);
        return true;
      });
      if (all) return { kind: 'promise.all', candidates: ['promise.all'] };
    }
    const mine = JSON.stringify(value);
    if ((contextShape ? earlier : open).some((s) => key(s) === mine)) {
      // race and any both give the first result; any skips failures, race does not.
      const failed = earlier.some((s) => s.status === 'FAILED' || s.retries.length > 0);
      return failed ? { kind: 'promise.any', candidates: ['promise.any', 'promise.race'] } : { kind: 'promise.race', candidates: ['promise.race', 'promise.any'] };
    }
    return undefined;
  }
  if (op.status === 'FAILED' && op.error) {
    if (op.error.type === 'AggregateError') return { kind: 'promise.any', candidates: ['promise.any'] };
    if (earlier.some((s) => s.error?.message !== undefined && s.error.message === op.error?.message)) return { kind: 'promise.all', candidates: ['promise.all', 'promise.race'] };
  }
  return undefined;
}

function canonical(raw: string): string {
  const p = parseJson(raw);
  return p.ok ? JSON.stringify(p.value) : raw;
}

/**
 * A one-line preview of a payload for tables and trees: compact JSON when it parses, the raw text
 * otherwise, cut to `max` characters with `…`, and `(truncated)` when Lambda cut it. Never throws.
 */
export function payloadPreview(p: RecordedPayload | undefined, max = 80): string {
  try {
    if (!p) return '';
    if (p.raw === undefined) return p.truncated ? '(truncated)' : '';
    let text = p.raw;
    if (text.length <= 100_000) {
      const parsed = parseJson(text);
      if (parsed.ok) text = JSON.stringify(parsed.value) ?? text;
    }
    text = text.replace(/\s+/g, ' ');
    const limit = Math.max(1, max);
    if (text.length > limit) text = text.slice(0, limit - 1) + '…';
    return p.truncated ? `${text} (truncated)` : text;
  } catch {
    return '(unreadable payload)';
  }
}

/** "Type: message" for an error, or '' when there is none. */
export function errorPreview(e: RecordedError | undefined, max = 80): string {
  if (!e) return '';
  const text = [e.type, e.message].filter((x) => x !== undefined && x !== '').join(': ') || (e.truncated ? '(truncated error)' : '(error without a message)');
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}
