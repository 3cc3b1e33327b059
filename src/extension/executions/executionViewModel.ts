// Pure (no vscode): what the execution panel sends its webview, built from an ExecutionRecord — the summary, the
// operation tree flattened depth first, one row per event, the supported actions — and the read-only JSON
// documents payloads open as. Untrusted text is carried as data; the webview shows it with textContent only.
import type { HistoryEvent, HistoryPayload, HistoryError } from '../../core/history/events';
import { errorPreview, payloadPreview, type ExecutionRecord, type RecordedError, type RecordedOperation, type RecordedPayload } from '../../core/history/record';
import { PREVIEW_CHARS, type ActionsView, type ErrorView, type EventView, type ExecutionView, type OperationView, type PayloadView, type StatusTone } from './executionProtocol';

/** What the view needs to know about the source besides the record. */
export interface SourceFacts {
  readonly key: string;
  readonly title: string;
  readonly running: boolean;
  readonly arn?: string;
  readonly consoleUrl?: string;
  readonly canStop: boolean;
  readonly canCompleteCallbacks: boolean;
  readonly canHeartbeat: boolean;
  readonly canOpenHandler: boolean;
}

/** Auto-refresh of a running execution: the first wait, and the longest once nothing changes. */
export const REFRESH_MIN_MS = 2_000;
export const REFRESH_MAX_MS = 30_000;

/**
 * The wait before the next refresh: back to the shortest when the last load brought something new (the execution
 * is busy), doubled up to the longest when it did not (it waits on a callback or a long wait).
 */
export function nextRefreshDelay(previousMs: number, changed: boolean): number {
  if (changed) return REFRESH_MIN_MS;
  const base = Number.isFinite(previousMs) && previousMs >= REFRESH_MIN_MS ? previousMs : REFRESH_MIN_MS;
  return Math.min(REFRESH_MAX_MS, base * 2);
}

export function toneOf(status: string | undefined): StatusTone {
  switch ((status ?? '').toUpperCase()) {
    case 'SUCCEEDED':
      return 'succeeded';
    case 'FAILED':
      return 'failed';
    case 'RUNNING':
    case 'STARTED':
      return 'running';
    case 'PENDING':
    case 'WAITING':
      return 'waiting';
    case 'STOPPED':
      return 'stopped';
    case 'TIMED_OUT':
      return 'timedOut';
    case 'CANCELLED':
      return 'cancelled';
    default:
      return 'unknown';
  }
}

/** Event type suffixes and the tone their row gets (the outcome events stand out in a long list). */
function eventTone(type: string): StatusTone | undefined {
  if (type.endsWith('Succeeded')) return 'succeeded';
  if (type.endsWith('Failed')) return 'failed';
  if (type.endsWith('TimedOut')) return 'timedOut';
  if (type.endsWith('Stopped')) return 'stopped';
  if (type.endsWith('Cancelled')) return 'cancelled';
  return undefined;
}

export const PAYLOAD_REFS = { input: 'execution:input', result: 'execution:result', error: 'execution:error' } as const;

export function operationRef(field: 'result' | 'error' | 'input', id: string): string {
  return `op:${field}:${encodeURIComponent(id)}`;
}

export function eventRef(index: number): string {
  return `event:${index}`;
}

function payloadView(ref: string, p: RecordedPayload | undefined): PayloadView | undefined {
  if (!p || (p.raw === undefined && !p.truncated)) return undefined;
  return { ref, preview: payloadPreview(p, PREVIEW_CHARS), chars: p.raw?.length ?? 0, ...(p.truncated ? { truncated: true } : {}) };
}

function errorView(ref: string, e: RecordedError | undefined): ErrorView | undefined {
  if (!e) return undefined;
  return {
    ref,
    preview: errorPreview(e, PREVIEW_CHARS),
    chars: errorDocument(e).length,
    ...(e.type !== undefined ? { type: clip(e.type, PREVIEW_CHARS) } : {}),
    ...(e.message !== undefined ? { message: clip(oneLine(e.message), PREVIEW_CHARS) } : {}),
    ...(e.truncated ? { truncated: true } : {}),
  };
}

function clip(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 1) + '\u2026' : s;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ');
}

/** The kind as shown: the SDK method, or the API type when the record could not tell. */
function kindLabel(op: RecordedOperation): string {
  if (op.kind !== 'unknown') return op.kind;
  return op.subType ? `${op.type.toLowerCase()} (${op.subType})` : op.type.toLowerCase();
}

function ms(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

export function buildExecutionView(record: ExecutionRecord, facts: SourceFacts): ExecutionView {
  const x = record.execution;
  const pendingByOp = new Map(record.pendingCallbacks.map((p) => [p.operationId, p.callbackId]));
  const operations: OperationView[] = [];
  // Depth first from the roots; an explicit stack, since a hostile history may nest deeply.
  const stack: { op: RecordedOperation; depth: number }[] = [];
  for (let i = record.roots.length - 1; i >= 0; i--) stack.push({ op: record.roots[i]!, depth: 0 });
  const seen = new Set<string>();
  while (stack.length) {
    const { op, depth } = stack.pop()!;
    if (seen.has(op.id)) continue;
    seen.add(op.id);
    operations.push(operationView(op, depth, pendingByOp.get(op.id)));
    for (let i = op.children.length - 1; i >= 0; i--) stack.push({ op: op.children[i]!, depth: depth + 1 });
  }
  const start = ms(x.startedAt);
  const events: EventView[] = new Array(record.events.length);
  for (let i = 0; i < record.events.length; i++) events[i] = eventView(record.events[i]!, i, start);
  const status = String(x.status);
  const actions: ActionsView = {
    refresh: true,
    stop: facts.canStop && facts.running,
    callbacks: facts.canCompleteCallbacks,
    heartbeat: facts.canHeartbeat,
    copyArn: !!(facts.arn ?? x.arn),
    openConsole: !!facts.consoleUrl,
    export: true,
    openHandler: facts.canOpenHandler,
  };
  return {
    key: facts.key,
    summary: {
      title: facts.title,
      status,
      tone: toneOf(status),
      ...(facts.arn ?? x.arn ? { arn: facts.arn ?? x.arn } : {}),
      ...(x.version ? { version: x.version } : {}),
      ...(x.functionName ? { functionName: x.functionName } : {}),
      ...(x.name ? { executionName: x.name } : {}),
      ...(x.startedAt ? { startedAt: x.startedAt } : {}),
      ...(x.endedAt ? { endedAt: x.endedAt } : {}),
      ...(x.durationMs !== undefined ? { durationMs: x.durationMs } : {}),
      ...optional('input', payloadView(PAYLOAD_REFS.input, x.input)),
      ...optional('result', payloadView(PAYLOAD_REFS.result, x.result)),
      ...optional('error', errorView(PAYLOAD_REFS.error, x.error)),
      eventCount: record.events.length,
      operationCount: record.operations.length,
      invocationCount: record.invocations.length,
    },
    operations,
    events,
    actions,
    running: facts.running,
    problems: record.problems.map((p) => clip(p, 400)),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function operationView(op: RecordedOperation, depth: number, pendingCallbackId: string | undefined): OperationView {
  const status = String(op.status);
  const hasResult = op.result !== undefined && (op.result.raw !== undefined || op.result.truncated);
  const failed = op.error !== undefined && status !== 'SUCCEEDED';
  const preview = failed ? errorPreview(op.error, PREVIEW_CHARS) : hasResult ? payloadPreview(op.result, PREVIEW_CHARS) : op.kind === 'wait' && op.waitSeconds !== undefined ? `${op.waitSeconds} s` : undefined;
  const v: { -readonly [K in keyof OperationView]: OperationView[K] } = {
    id: op.id,
    parentId: op.parent ? op.parent.id : null,
    depth,
    kind: kindLabel(op),
    name: op.name ?? null,
    status: pendingCallbackId ? 'WAITING' : status,
    tone: pendingCallbackId ? 'waiting' : toneOf(status),
    attempts: op.attempts,
    childCount: op.children.length,
  };
  if (op.durationMs !== undefined) v.durationMs = op.durationMs;
  if (op.startedAt) v.startedAt = op.startedAt;
  if (preview) {
    v.preview = preview;
    v.previewIsError = failed;
  }
  if (hasResult) v.resultRef = operationRef('result', op.id);
  if (op.error) v.errorRef = operationRef('error', op.id);
  if (op.input && (op.input.raw !== undefined || op.input.truncated)) v.inputRef = operationRef('input', op.id);
  if (pendingCallbackId) v.pendingCallbackId = pendingCallbackId;
  if (op.eventIndices.length) v.firstEvent = op.eventIndices[0];
  return v;
}

/** The payload or error an event carries, for its one-line detail. No JSON parsing: 10,000 rows must be cheap. */
function eventView(e: HistoryEvent, index: number, start: number | undefined): EventView {
  // Assigned field by field rather than spread: this runs once per event and spreads cost several times more.
  const v: { -readonly [K in keyof EventView]: EventView[K] } = { index, eventId: e.EventId, type: e.EventType, time: e.EventTimestamp, detail: eventDetail(e) };
  if (e.SubType !== undefined) v.subType = String(e.SubType);
  if (e.Name !== undefined) v.name = clip(String(e.Name), PREVIEW_CHARS);
  if (e.Id !== undefined) v.operationId = String(e.Id);
  if (start !== undefined) {
    const t = ms(e.EventTimestamp);
    if (t !== undefined) v.offsetMs = t - start;
  }
  const tone = eventTone(e.EventType);
  if (tone) v.tone = tone;
  return v;
}

function eventDetail(e: HistoryEvent): string {
  const d = (e as unknown as Record<string, unknown>)[`${e.EventType}Details`];
  if (!d || typeof d !== 'object') return '';
  const r = d as Record<string, unknown>;
  const parts: string[] = [];
  const err = r.Error as HistoryError | undefined;
  if (err && typeof err === 'object' && err.Payload && typeof err.Payload === 'object') {
    const p = err.Payload;
    const text = [p.ErrorType, p.ErrorMessage].filter((v) => v !== undefined && v !== '').map(String).join(': ');
    if (text) parts.push(text);
  }
  for (const key of ['Result', 'Input'] as const) {
    const p = r[key] as HistoryPayload | undefined;
    if (p && typeof p === 'object' && typeof p.Payload === 'string') parts.push(`${key.toLowerCase()} ${p.Payload.slice(0, PREVIEW_CHARS)}${p.Truncated ? ' (truncated)' : ''}`);
  }
  const retry = r.RetryDetails as { CurrentAttempt?: number; NextAttemptDelaySeconds?: number } | undefined;
  if (retry && typeof retry === 'object') {
    if (typeof retry.NextAttemptDelaySeconds === 'number') parts.push(`retry in ${retry.NextAttemptDelaySeconds} s`);
  }
  if (typeof r.Duration === 'number') parts.push(`${r.Duration} s`);
  if (typeof r.CallbackId === 'string') parts.push(`callback ${r.CallbackId}`);
  if (typeof r.FunctionName === 'string') parts.push(`function ${r.FunctionName}`);
  if (typeof r.RequestId === 'string') parts.push(`request ${r.RequestId}`);
  return clip(oneLine(parts.join(' \u00b7 ')), PREVIEW_CHARS);
}

// ---- payload documents ----

export interface PayloadDocument {
  /** A file name for the document tab: `<what>.json`, from our own words and a sanitised id. */
  readonly name: string;
  /** Pretty-printed JSON text. */
  readonly content: string;
}

/** Pretty JSON of a payload text; text that is not JSON (a truncated payload) becomes a JSON string, losing nothing. */
export function prettyPayload(raw: string | undefined): string {
  if (raw === undefined) return 'null\n';
  try {
    return JSON.stringify(JSON.parse(raw), null, 2) + '\n';
  } catch {
    return JSON.stringify(raw) + '\n';
  }
}

export function errorDocument(e: RecordedError): string {
  let data: unknown = e.data;
  if (typeof e.data === 'string') {
    try {
      data = JSON.parse(e.data);
    } catch {
      data = e.data;
    }
  }
  const out: Record<string, unknown> = {};
  if (e.type !== undefined) out.ErrorType = e.type;
  if (e.message !== undefined) out.ErrorMessage = e.message;
  if (data !== undefined) out.ErrorData = data;
  if (e.stackTrace) out.StackTrace = e.stackTrace;
  if (e.truncated) out.Truncated = true;
  return JSON.stringify(out, null, 2) + '\n';
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'payload';
}

/** The document a `ref` from the view opens, or undefined when the record has no such payload. */
export function payloadDocument(record: ExecutionRecord, ref: string): PayloadDocument | undefined {
  const x = record.execution;
  switch (ref) {
    case PAYLOAD_REFS.input:
      return x.input ? { name: 'execution-input.json', content: prettyPayload(x.input.raw) } : undefined;
    case PAYLOAD_REFS.result:
      return x.result ? { name: 'execution-result.json', content: prettyPayload(x.result.raw) } : undefined;
    case PAYLOAD_REFS.error:
      return x.error ? { name: 'execution-error.json', content: errorDocument(x.error) } : undefined;
  }
  const ev = /^event:(\d+)$/.exec(ref);
  if (ev) {
    const e = record.events[Number(ev[1])];
    return e ? { name: `event-${safeName(String(e.EventId))}.json`, content: JSON.stringify(e, null, 2) + '\n' } : undefined;
  }
  const op = /^op:(result|error|input):(.*)$/.exec(ref);
  if (!op) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(op[2]!);
  } catch {
    return undefined;
  }
  const o = record.byId.get(id);
  if (!o) return undefined;
  const base = safeName(o.name ?? o.id);
  if (op[1] === 'error') return o.error ? { name: `${base}-error.json`, content: errorDocument(o.error) } : undefined;
  const p = op[1] === 'result' ? o.result : o.input;
  return p ? { name: `${base}-${op[1]}.json`, content: prettyPayload(p.raw) } : undefined;
}
