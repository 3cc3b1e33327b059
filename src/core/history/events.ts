// Runs anywhere (pure core): the history event shape (Lambda's `Event`, the SDK's fixture format), its
// normalisation from the API/SDK/file forms, reading history files in their three formats, and writing one.

/** A payload as the API wraps it: the raw JSON text (untrusted) and whether Lambda cut it short. */
export interface HistoryPayload {
  Payload?: string;
  Truncated?: boolean;
}

export interface HistoryErrorObject {
  ErrorMessage?: string;
  ErrorType?: string;
  ErrorData?: string;
  StackTrace?: string[];
}

export interface HistoryError {
  Payload?: HistoryErrorObject;
  Truncated?: boolean;
}

export interface HistoryRetryDetails {
  CurrentAttempt?: number;
  NextAttemptDelaySeconds?: number;
}

/** One history event: Lambda's `Event` with `EventTimestamp` (and nested timestamps) as ISO 8601 strings. */
export interface HistoryEvent {
  EventType: string;
  SubType?: string;
  EventId: number;
  Id?: string;
  ParentId?: string;
  Name?: string;
  EventTimestamp: string;
  ExecutionStartedDetails?: { Input?: HistoryPayload; ExecutionTimeout?: number };
  ExecutionSucceededDetails?: { Result?: HistoryPayload };
  ExecutionFailedDetails?: { Error?: HistoryError };
  ExecutionTimedOutDetails?: { Error?: HistoryError };
  ExecutionStoppedDetails?: { Error?: HistoryError };
  ContextStartedDetails?: Record<string, unknown>;
  ContextSucceededDetails?: { Result?: HistoryPayload };
  ContextFailedDetails?: { Error?: HistoryError };
  WaitStartedDetails?: { Duration?: number; ScheduledEndTimestamp?: string };
  WaitSucceededDetails?: { Duration?: number };
  WaitCancelledDetails?: { Error?: HistoryError };
  StepStartedDetails?: Record<string, unknown>;
  StepSucceededDetails?: { Result?: HistoryPayload; RetryDetails?: HistoryRetryDetails };
  StepFailedDetails?: { Error?: HistoryError; RetryDetails?: HistoryRetryDetails };
  ChainedInvokeStartedDetails?: { FunctionName?: string; TenantId?: string; Input?: HistoryPayload; ExecutedVersion?: string; DurableExecutionArn?: string };
  ChainedInvokeSucceededDetails?: { Result?: HistoryPayload };
  ChainedInvokeFailedDetails?: { Error?: HistoryError };
  ChainedInvokeTimedOutDetails?: { Error?: HistoryError };
  ChainedInvokeStoppedDetails?: { Error?: HistoryError };
  CallbackStartedDetails?: { CallbackId?: string; HeartbeatTimeout?: number; Timeout?: number };
  CallbackSucceededDetails?: { Result?: HistoryPayload };
  CallbackFailedDetails?: { Error?: HistoryError };
  CallbackTimedOutDetails?: { Error?: HistoryError };
  InvocationCompletedDetails?: { StartTimestamp?: string; EndTimestamp?: string; RequestId?: string; Error?: HistoryError };
}

/** The 24 event types of the API (anything else is kept, and reported). */
export const EVENT_TYPES = [
  'ExecutionStarted',
  'ExecutionSucceeded',
  'ExecutionFailed',
  'ExecutionTimedOut',
  'ExecutionStopped',
  'ContextStarted',
  'ContextSucceeded',
  'ContextFailed',
  'WaitStarted',
  'WaitSucceeded',
  'WaitCancelled',
  'StepStarted',
  'StepSucceeded',
  'StepFailed',
  'ChainedInvokeStarted',
  'ChainedInvokeSucceeded',
  'ChainedInvokeFailed',
  'ChainedInvokeTimedOut',
  'ChainedInvokeStopped',
  'CallbackStarted',
  'CallbackSucceeded',
  'CallbackFailed',
  'CallbackTimedOut',
  'InvocationCompleted',
] as const;

const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

/** The `*Details` key of an event type: `StepSucceeded` -> `StepSucceededDetails`. */
export function detailsKey(eventType: string): string {
  return `${eventType}Details`;
}

/** Where a timestamp may sit inside details (besides EventTimestamp): normalised to ISO too. */
const NESTED_TIMESTAMPS: Readonly<Record<string, readonly string[]>> = {
  WaitStartedDetails: ['ScheduledEndTimestamp'],
  InvocationCompletedDetails: ['StartTimestamp', 'EndTimestamp'],
};

/** A file bigger than this is refused before parsing (the view must open a history in about a second). */
export const DEFAULT_MAX_HISTORY_BYTES = 50 * 1024 * 1024;

export type HistoryFileReason = 'malformed' | 'notAHistory' | 'tooLarge' | 'empty';

/** A history file that cannot be read as one: `reason` says why, `message` is the one line to show. */
export class HistoryFileError extends Error {
  override readonly name = 'HistoryFileError';
  constructor(
    readonly reason: HistoryFileReason,
    message: string
  ) {
    super(message);
  }
}

export type HistoryFileFormat = 'array' | 'api' | 'sam';

export interface ParsedHistory {
  readonly events: HistoryEvent[];
  /** Events kept but not fully valid, and anything else worth telling (never fatal). */
  readonly problems: string[];
  /** array = the SDK's fixtures; api = `{Events, NextMarker}`; sam = SAM's JSON (Python timestamps) or an execution object holding the events. */
  readonly format: HistoryFileFormat;
  /** Set when the file says more pages exist: the history in it is incomplete. */
  readonly nextMarker?: string;
  /** Execution fields found beside the events (an execution object holding them), raw. */
  readonly execution?: Readonly<Record<string, unknown>>;
}

/**
 * A timestamp from any of the forms that reach us as an ISO string (UTC, milliseconds): epoch seconds (API
 * JSON), a `Date` (the SDK client), ISO 8601 strings, and Python's `str(datetime)` (SAM's `default=str`).
 * Returns undefined when it is none of these.
 */
export function toIsoTimestamp(value: unknown): string | undefined {
  let ms: number | undefined;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value > 1e11 ? value : value * 1000; // epoch ms would be > year 5138 as seconds
  else if (typeof value === 'string') ms = parseTimestampText(value.trim());
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function parseTimestampText(s: string): number | undefined {
  if (/^-?\d+(\.\d+)?$/.test(s)) return toMs(Number(s));
  const m = TIMESTAMP_TEXT.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  // Fractions beyond milliseconds (Python prints microseconds) are cut, not rounded, like Date does.
  const msPart = frac ? Number((frac + '00').slice(0, 3)) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), sec ? Number(sec) : 0, msPart);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2, 4)) : 0);
    t -= sign * offset * 60_000;
  }
  return t;
}

function toMs(n: number): number {
  return n > 1e11 ? n : n * 1000;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Brings events from the API (epoch seconds), the SDK client (`Date`s) or a file (ISO strings) to one
 * shape. Nothing is dropped: an event that is not an object, or lacks a type, id or timestamp, is kept with
 * what it has (EventType `Unknown`, EventId from its position, EventTimestamp '') and reported in problems.
 */
export function normalizeEvents(raw: readonly unknown[]): { events: HistoryEvent[]; problems: string[] } {
  const events: HistoryEvent[] = new Array(raw.length);
  const problems: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i];
    const at = `event ${i + 1}`;
    if (!isRecord(r)) {
      problems.push(`${at}: not an object (${r === null ? 'null' : Array.isArray(r) ? 'an array' : typeof r}); kept as an Unknown event`);
      events[i] = { EventType: 'Unknown', EventId: i + 1, EventTimestamp: '' };
      continue;
    }
    if (isCanonical(r)) {
      // Already in shape (a fixture file, or our own output): kept as it is, no copy.
      events[i] = r as unknown as HistoryEvent;
      continue;
    }
    const e: Record<string, unknown> = { ...r };
    if (typeof e.EventType !== 'string' || e.EventType === '') {
      problems.push(`${at}: no EventType; kept as Unknown`);
      e.EventType = 'Unknown';
    } else if (!KNOWN_TYPES.has(e.EventType)) {
      problems.push(`${at}: unknown EventType "${clipText(e.EventType, 60)}"`);
    }
    if (typeof e.EventId !== 'number' || !Number.isFinite(e.EventId)) {
      const n = typeof e.EventId === 'string' && /^\d+$/.test(e.EventId) ? Number(e.EventId) : undefined;
      if (n === undefined) problems.push(`${at}: no EventId; numbered ${i + 1} by its position`);
      e.EventId = n ?? i + 1;
    }
    const ts = toIsoTimestamp(e.EventTimestamp);
    if (ts === undefined) {
      if (e.EventTimestamp !== undefined) problems.push(`${at} (EventId ${String(e.EventId)}): unreadable EventTimestamp ${clipText(safeString(e.EventTimestamp), 60)}`);
      else problems.push(`${at} (EventId ${String(e.EventId)}): no EventTimestamp`);
      e.EventTimestamp = '';
    } else e.EventTimestamp = ts;
    for (const key of ['Id', 'ParentId', 'Name', 'SubType'] as const) {
      const v = e[key];
      if (v === undefined || v === null) {
        delete e[key];
      } else if (typeof v !== 'string') {
        problems.push(`${at} (EventId ${String(e.EventId)}): ${key} is not a string; kept as text`);
        e[key] = safeString(v);
      }
    }
    for (const [dk, fields] of Object.entries(NESTED_TIMESTAMPS)) {
      const d = e[dk];
      if (!isRecord(d)) continue;
      const copy: Record<string, unknown> = { ...d };
      for (const f of fields) {
        if (copy[f] === undefined || copy[f] === null) continue;
        const iso = toIsoTimestamp(copy[f]);
        if (iso === undefined) problems.push(`${at} (EventId ${String(e.EventId)}): unreadable ${dk}.${f}; kept as it was`);
        else copy[f] = iso;
      }
      e[dk] = copy;
    }
    events[i] = e as unknown as HistoryEvent;
  }
  return { events, problems };
}

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function optionalString(v: unknown): boolean {
  return v === undefined || typeof v === 'string';
}

/** True when an event needs no change: known type, numeric id, ISO timestamps, string ids and names. */
function isCanonical(r: Record<string, unknown>): boolean {
  if (typeof r.EventType !== 'string' || !KNOWN_TYPES.has(r.EventType)) return false;
  if (typeof r.EventId !== 'number' || !Number.isFinite(r.EventId)) return false;
  if (typeof r.EventTimestamp !== 'string' || !ISO_MS.test(r.EventTimestamp)) return false;
  if (!optionalString(r.Id) || !optionalString(r.ParentId) || !optionalString(r.Name) || !optionalString(r.SubType)) return false;
  for (const [dk, fields] of Object.entries(NESTED_TIMESTAMPS)) {
    const d = r[dk];
    if (d === undefined) continue;
    if (!isRecord(d)) return false;
    for (const f of fields) if (d[f] !== undefined && (typeof d[f] !== 'string' || !ISO_MS.test(d[f] as string))) return false;
  }
  return true;
}

function safeString(v: unknown): string {
  try {
    if (typeof v === 'string') return v;
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s;
  } catch {
    return String(v);
  }
}

function clipText(s: string, max: number): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

/** UTF-8 length, counted only when the character count alone cannot decide against the limit. */
function exceedsBytes(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
    if (bytes > maxBytes) return true;
  }
  return false;
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(bytes >= 10 * 1024 * 1024 ? 0 : 1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** The message for a file over the limit (the CLI says the same when it refuses by the file's size). */
export function tooLargeMessage(sizeBytes: number, maxBytes: number = DEFAULT_MAX_HISTORY_BYTES): string {
  return `the history file is ${formatSize(sizeBytes)}, over the ${formatSize(maxBytes)} limit: fetch fewer events (for example without payloads) or split it`;
}

/**
 * Reads a history file's text: a plain array of events (the SDK's fixtures), the API's `{Events,
 * NextMarker}`, SAM's `--format json` output (the API response printed by Python) or an execution object
 * with its events nested (`{Execution…, Events}` or `{…, History: {Events}}`). Throws HistoryFileError.
 */
export function parseHistoryText(text: string, maxBytes: number = DEFAULT_MAX_HISTORY_BYTES): ParsedHistory {
  if (exceedsBytes(text, maxBytes)) throw new HistoryFileError('tooLarge', tooLargeMessage(text.length, maxBytes));
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new HistoryFileError('empty', 'the history file is empty');
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (e) {
    throw new HistoryFileError('malformed', `the history file is not valid JSON: ${jsonErrorWhere(body, e)}`);
  }
  const found = findEvents(data);
  if (!found) {
    throw new HistoryFileError('notAHistory', `the file is JSON but not a durable execution history: expected an array of events, {"Events": [...]} or SAM's --format json output (${describeJson(data)})`);
  }
  if (found.events.length > 0 && !found.events.some((e) => isRecord(e) && typeof e.EventType === 'string')) {
    throw new HistoryFileError('notAHistory', `the file is JSON but not a durable execution history: none of its ${found.events.length} entries has an EventType`);
  }
  const { events, problems } = normalizeEvents(found.events);
  let format = found.format;
  // SAM prints the API response through Python's str(datetime): "2025-12-03 22:59:52.607000+00:00".
  if (format === 'api' && found.events.some((e) => isRecord(e) && typeof e.EventTimestamp === 'string' && /^\d{4}-\d{2}-\d{2} \d/.test(e.EventTimestamp))) format = 'sam';
  if (found.nextMarker) problems.push('the file holds one page of the history (NextMarker is set): later events are missing');
  return { events, problems, format, ...(found.nextMarker ? { nextMarker: found.nextMarker } : {}), ...(found.execution ? { execution: found.execution } : {}) };
}

interface FoundEvents {
  events: unknown[];
  format: HistoryFileFormat;
  nextMarker?: string;
  execution?: Record<string, unknown>;
}

function findEvents(data: unknown): FoundEvents | undefined {
  if (Array.isArray(data)) return { events: data, format: 'array' };
  if (!isRecord(data)) return undefined;
  const nextMarker = typeof data.NextMarker === 'string' && data.NextMarker !== '' ? data.NextMarker : undefined;
  if (Array.isArray(data.Events)) {
    const rest = withoutKeys(data, ['Events', 'NextMarker', 'ResponseMetadata']);
    const isExecution = Object.keys(rest).length > 0;
    return { events: data.Events, format: isExecution ? 'sam' : 'api', ...(nextMarker ? { nextMarker } : {}), ...(isExecution ? { execution: rest } : {}) };
  }
  // An execution object with the history nested one level down (e.g. {"Execution": {...}, "History": {"Events": [...]}}).
  for (const [key, v] of Object.entries(data)) {
    if (Array.isArray(v) && (key === 'events' || key === 'History' || key === 'history')) return { events: v, format: 'sam', execution: withoutKeys(data, [key]) };
    if (isRecord(v) && Array.isArray(v.Events)) {
      const nm = typeof v.NextMarker === 'string' && v.NextMarker !== '' ? v.NextMarker : undefined;
      const exec = withoutKeys(data, [key]);
      const inner = isRecord(exec.Execution) ? exec.Execution : exec;
      return { events: v.Events, format: 'sam', ...(nm ? { nextMarker: nm } : {}), execution: inner };
    }
  }
  return undefined;
}

function withoutKeys(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) out[k] = v;
  return out;
}

function describeJson(data: unknown): string {
  if (data === null) return 'it is null';
  if (isRecord(data)) {
    const keys = Object.keys(data);
    return keys.length === 0 ? 'it is an empty object' : `an object with ${keys.slice(0, 5).map((k) => JSON.stringify(clipText(k, 30))).join(', ')}${keys.length > 5 ? ', …' : ''}`;
  }
  return `it is a ${typeof data}`;
}

/** "line L, column C" of a JSON.parse error: V8 does not always give a position, so the text is scanned for it. */
function jsonErrorWhere(text: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const pos = firstJsonError(text);
  let where: string;
  if (pos >= text.length) where = 'it ends early (cut short?)';
  else {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < pos; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    where = `line ${line}, column ${pos - lineStart + 1}`;
  }
  // The engine's text quotes the offending input: keep only its gist, control characters removed.
  const gist = msg.replace(/\s*in JSON at position \d+.*$/s, '').replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return `${where} (${clipText(gist, 80)})`;
}

/**
 * Offset of the first JSON syntax error in text (text.length when it ends too early). A small iterative
 * scanner (no recursion: nesting depth is the file's to choose), run only after JSON.parse failed.
 */
export function firstJsonError(text: string): number {
  let i = 0;
  const n = text.length;
  const stack: number[] = []; // 1 = in object, 2 = in array
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const scanString = (): boolean => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 32) return false;
      if (c === 92) {
        const d = text[i + 1];
        if (d === undefined) {
          i = n;
          return false;
        }
        if (d === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i = Math.min(n, i + 2);
            return false;
          }
          i += 6;
        } else if ('"\\/bfnrt'.includes(d)) i += 2;
        else {
          i++;
          return false;
        }
      } else i++;
    }
    return false;
  };
  const scanScalar = (): boolean => {
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return true;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') return false;
    i += m[0].length;
    return true;
  };
  ws();
  if (text.charCodeAt(i) === 0xfeff) i++;
  // expect: 0 = a value, 1 = after a value
  let expectValue = true;
  for (;;) {
    ws();
    if (i >= n) return stack.length > 0 || expectValue ? n : n;
    const c = text[i]!;
    if (expectValue) {
      if (c === '{') {
        i++;
        ws();
        if (text[i] === '}') {
          i++;
          expectValue = false;
          continue;
        }
        stack.push(1);
        if (text[i] !== '"') return i;
        if (!scanString()) return i;
        ws();
        if (text[i] !== ':') return i;
        i++;
        continue;
      }
      if (c === '[') {
        i++;
        ws();
        if (text[i] === ']') {
          i++;
          expectValue = false;
          continue;
        }
        stack.push(2);
        continue;
      }
      if (c === '"') {
        if (!scanString()) return i;
      } else if (!scanScalar()) return i;
      expectValue = false;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) return i; // text after the value
    if (c === ',') {
      i++;
      ws();
      if (top === 1) {
        if (text[i] !== '"') return i >= n ? n : i;
        if (!scanString()) return i;
        ws();
        if (text[i] !== ':') return i >= n ? n : i;
        i++;
      }
      expectValue = true;
      continue;
    }
    if ((c === '}' && top === 1) || (c === ']' && top === 2)) {
      stack.pop();
      i++;
      continue;
    }
    return i;
  }
}

/** The SDK's fixture format: a plain array of events, ISO timestamps, 2-space JSON, one trailing newline. */
export function serializeHistory(events: readonly HistoryEvent[]): string {
  return JSON.stringify(events, null, 2) + '\n';
}
