// Runs in tests and benches (node): a loopback HTTP server that speaks the Lambda REST API of durable executions as AWS does (or as `sam local start-lambda` does), with recorded requests and fault injection.
//
// Start it and point the real SDK client at `endpoint`:
//
//   const server = await startLambdaServer({ histories: [{ functionName: 'orders', events }] });
//   const client = new DurableLambdaClient({ endpoint: server.endpoint, region: 'us-east-1',
//     credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' } });
//   ... server.requests (every request: operation, method, path, query, body) ...
//   await server.close();
//
// Options (all optional):
// - `mode`: 'aws' (default) or 'sam'. 'sam' behaves like `sam local start-lambda`: no ListFunctions and no
//   ListDurableExecutionsByFunction (404, x-amzn-errortype PathNotFoundLocally, body {"Type":"LocalService",
//   "Message":"PathNotFoundException"}), history ignores Marker/MaxItems (one page, no NextMarker) and defaults
//   IncludeExecutionData to false, no signature check.
// - `fixtures`: serve the 49 shared fixture histories (default true) as executions of function
//   `FIXTURE_FUNCTION` ('durable-examples'), named after the file (see `fixtureExecutionName`), under synthetic ARNs
//   `arn:aws:lambda:<region>:<account>:function:durable-examples:$LATEST/durable-execution/<name>/<id>`.
// - `histories`: more executions with their events: `{ events, functionName?, name?, id?, version?, status?,
//   startedAt? }`; `events` is a plain array (the SDK's fixture format), an API `{Events}` object or SAM's
//   `--format json` output, timestamps as ISO strings, Dates or epoch seconds. Status, start and end come from the
//   execution events unless given.
// - `executions`: list-only executions (no recorded history; they get a started event): `{ functionName, name?,
//   status?, startedAt, endedAt? }`, e.g. 5,000 of them for a paging bench.
// - `functions`: extra functions for ListFunctions: `{ name, durable? (default true), runtime?, handler? }`.
//   Every function that owns an execution is listed as durable.
// - `region` ('us-east-1'), `account` ('123456789012').
// - `requireSignature` (default true in 'aws' mode): a request without a SigV4 `Authorization` header gets 403
//   MissingAuthenticationTokenException. `acceptedAccessKeyIds`: when set, other key ids get 403
//   UnrecognizedClientException.
// - `markerTtlMs`: paging markers older than this are refused as expired (InvalidParameterValueException).
// - `faults`: see `LambdaServerFaults`; the same object is `server.faults` and may be changed between requests.
//
// The handle: `endpoint`, `requests`, `faults`, `executions` (newest first), `execution(arn | name | fixture file)`,
// `openCallbacks(arn?)`, `addHistory(h)` (serve one more execution), `appendEvents(arn, events)` (an execution that
// progresses; an Execution* end event ends it), `close()`. `deadEndpoint()` gives a port where nothing listens.
//
// The API as served: JSON bodies, timestamps as epoch seconds, errors as `x-amzn-errortype: <Type>` plus
// `{"Type":"User","message":…}`; Marker/MaxItems paging (history MaxItems 1-1000, default 100; list 1-1000, default
// 100; ListFunctions default 50); list filters Statuses (repeated), StartedAfter/StartedBefore, DurableExecutionName,
// Qualifier, ReverseOrder (default newest first); history ReverseOrder and IncludeExecutionData (default true);
// stop (RUNNING -> STOPPED, appends ExecutionStopped); callbacks succeed/fail/heartbeat on any `CallbackStarted`
// without a completion (completion appends CallbackSucceeded/CallbackFailed); a closed callback gets
// CallbackTimeoutException; an unknown one ResourceNotFoundException.
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';

export type LambdaOperation =
  | 'ListFunctions'
  | 'ListDurableExecutionsByFunction'
  | 'GetDurableExecution'
  | 'GetDurableExecutionHistory'
  | 'GetDurableExecutionState'
  | 'CheckpointDurableExecution'
  | 'StopDurableExecution'
  | 'SendDurableExecutionCallbackSuccess'
  | 'SendDurableExecutionCallbackFailure'
  | 'SendDurableExecutionCallbackHeartbeat'
  | 'Unknown';

export interface RecordedRequest {
  operation: LambdaOperation;
  method: string;
  /** Decoded path labels joined by '/', e.g. `/2025-12-01/durable-executions/arn:aws:…/stop`. */
  path: string;
  /** The path exactly as sent (labels URI-encoded). */
  rawPath: string;
  /** Every query parameter with all its values, decoded. */
  query: Record<string, string[]>;
  body: string;
  /** The request carried a SigV4 Authorization header. */
  signed: boolean;
  /** The region in the SigV4 credential scope, when signed. */
  signingRegion?: string;
  /** What the server answered (after faults). */
  status?: number;
}

export interface LambdaServerFaults {
  /** Answer TooManyRequestsException this many times (then serve normally), for these operations or all. */
  throttle?: { times: number; operations?: LambdaOperation[] };
  /** AccessDeniedException for these operations (true: all). */
  accessDenied?: boolean | LambdaOperation[];
  /** ExpiredTokenException (403) on every request. */
  expiredToken?: boolean;
  /** UnrecognizedClientException (403) on every request. */
  unrecognizedClient?: boolean;
  /** Wait this long before answering (the wait ends early when the client goes away). */
  delayMs?: number;
  /** Operations the delay applies to (default all). */
  delayOperations?: LambdaOperation[];
  /** Close every connection without an answer (a dead endpoint behind a live port). */
  dead?: boolean;
  /** Refuse every Marker as expired. */
  expireMarkers?: boolean;
  /** Answer ServiceException (500) this many times. */
  serviceError?: { times: number; operations?: LambdaOperation[] };
}

export interface HistoryInput {
  events: unknown;
  functionName?: string;
  name?: string;
  id?: string;
  version?: string;
  status?: string;
  startedAt?: Date | string | number;
  endedAt?: Date | string | number;
}

export interface ListOnlyExecution {
  functionName: string;
  name?: string;
  id?: string;
  version?: string;
  status?: string;
  startedAt: Date | string | number;
  endedAt?: Date | string | number;
}

export interface ServedFunction {
  name: string;
  durable?: boolean;
  runtime?: string;
  handler?: string;
}

export interface ServedExecution {
  arn: string;
  name: string;
  id: string;
  functionName: string;
  functionArn: string;
  version: string;
  status: string;
  /** Epoch seconds. */
  startedAt: number;
  endedAt?: number;
  /** API shape: timestamps as epoch seconds. */
  events: Record<string, unknown>[];
  /** The fixture file it came from, when it did. */
  fixture?: string;
}

export interface LambdaServerOptions {
  mode?: 'aws' | 'sam';
  fixtures?: boolean;
  histories?: HistoryInput[];
  executions?: ListOnlyExecution[];
  functions?: ServedFunction[];
  region?: string;
  account?: string;
  requireSignature?: boolean;
  acceptedAccessKeyIds?: string[];
  markerTtlMs?: number;
  faults?: LambdaServerFaults;
}

export interface LambdaServer {
  endpoint: string;
  requests: RecordedRequest[];
  /** Mutable: change faults between requests. */
  faults: LambdaServerFaults;
  /** Newest first, as the list answers without filters. */
  executions: ServedExecution[];
  execution(arnOrName: string): ServedExecution | undefined;
  /** Callback ids still open (started, not completed), by execution ARN. */
  openCallbacks(arn?: string): string[];
  /** Serves one more execution from now on (e.g. one "started" during a test). */
  addHistory(history: HistoryInput): ServedExecution;
  /**
   * Appends events to an execution as if it progressed (ids, timestamps as given); an Execution{Succeeded,Failed,
   * TimedOut,Stopped} event ends it. For auto-refresh tests.
   */
  appendEvents(arn: string, events: unknown[]): ServedExecution;
  close(): Promise<void>;
}

export const FIXTURE_FUNCTION = 'durable-examples';
export const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'STOPPED'];

/** The repository root (the folder with package.json) above this file, in src or in out/. */
function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'src'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

/** Where the 49 shared histories are: DL_FIXTURE_HISTORIES, test/fixtures/aws-example-histories, or ../shared/fixtures beside the checkout. */
export function fixtureHistoriesDir(): string {
  const root = repoRoot();
  const candidates = [
    process.env.DL_FIXTURE_HISTORIES,
    path.join(root, 'test', 'fixtures', 'aws-example-histories'),
    path.join(root, '..', 'shared', 'fixtures', 'aws-example-histories'),
    '/work/shared/fixtures/aws-example-histories',
  ].filter((c): c is string => !!c);
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`lambdaServer: no fixture histories found (looked in ${candidates.join(', ')}); set DL_FIXTURE_HISTORIES`);
  return found;
}

/** The fixture files, sorted. */
export function fixtureFiles(): string[] {
  const dir = fixtureHistoriesDir();
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.history.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The execution name the server gives a fixture file: the last part of its name (`step__basic__step-basic.history.json` -> `step-basic`). */
export function fixtureExecutionName(file: string): string {
  const stem = path.basename(file).replace(/\.history\.json$/, '');
  return (stem.split('__').pop() ?? stem).slice(0, 64);
}

export function executionArn(o: { region?: string; account?: string; functionName: string; version?: string; name: string; id: string }): string {
  return `arn:aws:lambda:${o.region ?? 'us-east-1'}:${o.account ?? '123456789012'}:function:${o.functionName}:${o.version ?? '$LATEST'}/durable-execution/${o.name}/${o.id}`;
}

// ---- event normalisation --------------------------------------------------------------------------------

function epochSeconds(v: unknown): number | undefined {
  if (typeof v === 'number' && isFinite(v)) return v > 1e11 ? v / 1000 : v;
  if (v instanceof Date) return isNaN(v.getTime()) ? undefined : v.getTime() / 1000;
  if (typeof v === 'string' && v !== '') {
    if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
    const t = Date.parse(v);
    return isNaN(t) ? undefined : t / 1000;
  }
  return undefined;
}

/** Any `…Timestamp` field, at any depth, becomes epoch seconds (the API's wire format). */
function toWire(value: unknown, key = ''): unknown {
  if (key.endsWith('Timestamp')) {
    const s = epochSeconds(value);
    if (s !== undefined) return s;
  }
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map((v) => toWire(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined) out[k] = toWire(v, k);
    return out;
  }
  return value;
}

/** A plain array, `{Events}` (API) or SAM's JSON (`{Events}` or `{events}`). */
export function eventsOf(input: unknown): Record<string, unknown>[] {
  const list = Array.isArray(input)
    ? input
    : input && typeof input === 'object'
      ? ((input as Record<string, unknown>).Events ?? (input as Record<string, unknown>).events)
      : undefined;
  if (!Array.isArray(list)) throw new Error('lambdaServer: a history must be an array of events or an object with Events');
  return list.map((e) => toWire(e) as Record<string, unknown>);
}

const END_STATUS: Record<string, string> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionStopped: 'STOPPED',
};

function withoutPayloads(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPayloads);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === 'Payload') continue;
      out[k] = withoutPayloads(v);
    }
    return out;
  }
  return value;
}

function uuidFrom(seed: string): string {
  // Deterministic, uuid-shaped, unique per seed (FNV-1a over 4 lanes); identity only, no security.
  const lanes = [0x811c9dc5, 0x01000193, 0x050c5d1f, 0x2f5c1a7b];
  for (let i = 0; i < seed.length; i++) {
    for (let l = 0; l < 4; l++) lanes[l] = Math.imul(lanes[l] ^ (seed.charCodeAt(i) + l * 31), 0x01000193) >>> 0;
  }
  const hex = lanes.map((n) => n.toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// ---- the server -----------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly body?: Record<string, unknown>
  ) {
    super(message);
  }
}

interface MarkerState {
  k: string;
  r: string;
  o: number;
  t: number;
}

export async function startLambdaServer(options: LambdaServerOptions = {}): Promise<LambdaServer> {
  const mode = options.mode ?? 'aws';
  const region = options.region ?? 'us-east-1';
  const account = options.account ?? '123456789012';
  const requireSignature = options.requireSignature ?? mode === 'aws';
  const faults: LambdaServerFaults = options.faults ?? {};
  const requests: RecordedRequest[] = [];
  const byArn = new Map<string, ServedExecution>();
  const functions = new Map<string, ServedFunction>();
  const closedCallbacks = new Set<string>();
  const callbackOwner = new Map<string, ServedExecution>();
  let requestCounter = 0;

  const fnArn = (name: string, version?: string) => `arn:aws:lambda:${region}:${account}:function:${name}${version ? `:${version}` : ''}`;

  const indexCallbacks = (x: ServedExecution) => {
    const started = new Map<string, string>();
    for (const e of x.events) {
      const id = typeof e.Id === 'string' ? e.Id : undefined;
      const details = e.CallbackStartedDetails as { CallbackId?: string } | undefined;
      if (e.EventType === 'CallbackStarted' && details?.CallbackId && id) started.set(id, details.CallbackId);
    }
    for (const [opId, cb] of started) {
      callbackOwner.set(cb, x);
      const done = x.events.some(
        (e) => e.Id === opId && typeof e.EventType === 'string' && /^Callback(Succeeded|Failed|TimedOut)$/.test(e.EventType)
      );
      if (done || x.status !== 'RUNNING') closedCallbacks.add(cb);
    }
  };

  const addExecution = (input: {
    events: Record<string, unknown>[];
    functionName: string;
    name?: string;
    id?: string;
    version?: string;
    status?: string;
    startedAt?: unknown;
    endedAt?: unknown;
    fixture?: string;
  }): ServedExecution => {
    const started = input.events.find((e) => e.EventType === 'ExecutionStarted');
    const ended = [...input.events].reverse().find((e) => typeof e.EventType === 'string' && END_STATUS[e.EventType]);
    const id = input.id ?? (typeof started?.Id === 'string' && /^[A-Za-z0-9-]+$/.test(started.Id) ? started.Id : uuidFrom(`${input.functionName}/${input.name ?? byArn.size}`));
    const name = input.name ?? id;
    const version = input.version ?? '$LATEST';
    const startedAt = epochSeconds(input.startedAt) ?? epochSeconds(started?.EventTimestamp) ?? epochSeconds(input.events[0]?.EventTimestamp) ?? Date.now() / 1000;
    const status = input.status ?? (ended ? END_STATUS[ended.EventType as string] : 'RUNNING');
    const endedAt = epochSeconds(input.endedAt) ?? (ended ? epochSeconds(ended.EventTimestamp) : undefined);
    const x: ServedExecution = {
      arn: executionArn({ region, account, functionName: input.functionName, version, name, id }),
      name,
      id,
      functionName: input.functionName,
      functionArn: fnArn(input.functionName, version),
      version,
      status,
      startedAt,
      ...(endedAt !== undefined && status !== 'RUNNING' ? { endedAt } : {}),
      events: input.events,
      ...(input.fixture ? { fixture: input.fixture } : {}),
    };
    if (byArn.has(x.arn)) throw new Error(`lambdaServer: two executions with the ARN ${x.arn}`);
    byArn.set(x.arn, x);
    if (!functions.has(x.functionName)) functions.set(x.functionName, { name: x.functionName, durable: true });
    indexCallbacks(x);
    return x;
  };

  if (options.fixtures ?? true) {
    for (const file of fixtureFiles()) {
      const events = eventsOf(JSON.parse(fs.readFileSync(file, 'utf8')));
      addExecution({ events, functionName: FIXTURE_FUNCTION, name: fixtureExecutionName(file), fixture: path.basename(file) });
    }
  }
  for (const h of options.histories ?? []) {
    addExecution({ ...h, events: eventsOf(h.events), functionName: h.functionName ?? FIXTURE_FUNCTION });
  }
  for (const [i, l] of (options.executions ?? []).entries()) {
    const id = l.id ?? uuidFrom(`${l.functionName}#${i}`);
    const startedAt = epochSeconds(l.startedAt) ?? Date.now() / 1000;
    const status = l.status ?? 'RUNNING';
    const events: Record<string, unknown>[] = [{ EventType: 'ExecutionStarted', EventId: 1, Id: id, EventTimestamp: startedAt, ExecutionStartedDetails: { Input: { Payload: '{}' } } }];
    const endedAt = epochSeconds(l.endedAt);
    const endType = Object.keys(END_STATUS).find((k) => END_STATUS[k] === status);
    if (endType) events.push({ EventType: endType, EventId: 2, Id: id, EventTimestamp: endedAt ?? startedAt });
    addExecution({ events, functionName: l.functionName, name: l.name ?? `execution-${i}`, id, version: l.version, status, startedAt, endedAt });
  }
  for (const f of options.functions ?? []) functions.set(f.name, { durable: true, ...f });

  const sorted = (): ServedExecution[] => [...byArn.values()].sort((a, b) => b.startedAt - a.startedAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  // ---- markers: opaque, bound to one listing, optionally expiring ----
  const makeMarker = (k: string, r: string, o: number) =>
    Buffer.from(JSON.stringify({ k, r, o, t: Date.now() } satisfies MarkerState)).toString('base64url');
  const readMarker = (marker: string, k: string, r: string): number => {
    if (faults.expireMarkers) throw new ApiError(400, 'InvalidParameterValueException', 'The pagination marker has expired. Start the listing again without a Marker.');
    let m: MarkerState;
    try {
      m = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as MarkerState;
    } catch {
      throw new ApiError(400, 'InvalidParameterValueException', 'Invalid pagination marker.');
    }
    if (!m || m.k !== k || m.r !== r || typeof m.o !== 'number') throw new ApiError(400, 'InvalidParameterValueException', 'Invalid pagination marker.');
    if (options.markerTtlMs !== undefined && Date.now() - m.t > options.markerTtlMs) {
      throw new ApiError(400, 'InvalidParameterValueException', 'The pagination marker has expired. Start the listing again without a Marker.');
    }
    return m.o;
  };

  const one = (q: Record<string, string[]>, k: string): string | undefined => q[k]?.[q[k].length - 1];
  const intParam = (q: Record<string, string[]>, k: string, min: number, max: number, dflt: number): number => {
    const v = one(q, k);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new ApiError(400, 'InvalidParameterValueException', `${k} must be an integer between ${min} and ${max}.`);
    return n;
  };
  const boolParam = (q: Record<string, string[]>, k: string, dflt: boolean): boolean => {
    const v = one(q, k);
    if (v === undefined) return dflt;
    if (v !== 'true' && v !== 'false') throw new ApiError(400, 'InvalidParameterValueException', `${k} must be true or false.`);
    return v === 'true';
  };
  const timeParam = (q: Record<string, string[]>, k: string): number | undefined => {
    const v = one(q, k);
    if (v === undefined) return undefined;
    const s = epochSeconds(v);
    if (s === undefined) throw new ApiError(400, 'InvalidParameterValueException', `${k} is not a timestamp.`);
    return s;
  };

  const findExecution = (arn: string): ServedExecution => {
    const x = byArn.get(arn) ?? [...byArn.values()].find((e) => `${e.name}/${e.id}` === arn);
    if (!x) throw new ApiError(404, 'ResourceNotFoundException', `Durable execution not found: ${arn}`);
    return x;
  };

  const summary = (x: ServedExecution) => ({
    DurableExecutionArn: x.arn,
    DurableExecutionName: x.name,
    FunctionArn: x.functionArn,
    Status: x.status,
    StartTimestamp: x.startedAt,
    ...(x.endedAt !== undefined ? { EndTimestamp: x.endedAt } : {}),
  });

  const payloadOf = (x: ServedExecution, type: string, detailsKey: string, field: string): unknown => {
    const e = x.events.find((ev) => ev.EventType === type);
    const d = e?.[detailsKey] as Record<string, { Payload?: unknown }> | undefined;
    return d?.[field]?.Payload;
  };

  const nextEventId = (x: ServedExecution) => x.events.reduce((m, e) => Math.max(m, typeof e.EventId === 'number' ? e.EventId : 0), 0) + 1;

  const parseBody = (body: string): Record<string, unknown> => {
    if (body.trim() === '') return {};
    try {
      const v = JSON.parse(body) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // fall through to the typed error below
    }
    throw new ApiError(400, 'InvalidRequestContentException', 'Could not parse request body into json.');
  };

  const openCallback = (callbackId: string): ServedExecution => {
    const x = callbackOwner.get(callbackId);
    if (!x) throw new ApiError(404, 'ResourceNotFoundException', `Callback not found: ${callbackId}`);
    if (closedCallbacks.has(callbackId) || x.status !== 'RUNNING') {
      throw new ApiError(400, 'CallbackTimeoutException', `Callback ${callbackId} has already completed or timed out.`);
    }
    return x;
  };

  const completeCallback = (callbackId: string, x: ServedExecution, type: 'CallbackSucceeded' | 'CallbackFailed', details: Record<string, unknown>) => {
    const started = x.events.find((e) => e.EventType === 'CallbackStarted' && (e.CallbackStartedDetails as { CallbackId?: string })?.CallbackId === callbackId);
    closedCallbacks.add(callbackId);
    x.events.push({
      EventType: type,
      SubType: started?.SubType ?? 'Callback',
      EventId: nextEventId(x),
      Id: started?.Id,
      ...(started?.Name !== undefined ? { Name: started.Name } : {}),
      ...(started?.ParentId !== undefined ? { ParentId: started.ParentId } : {}),
      EventTimestamp: Date.now() / 1000,
      [`${type}Details`]: details,
    });
  };

  type Route = { operation: LambdaOperation; label?: string };
  const route = (method: string, segments: string[]): Route => {
    const [version, collection, label, sub, extra] = segments;
    if (version === '2015-03-31' && collection === 'functions' && (label === undefined || label === '') && method === 'GET') return { operation: 'ListFunctions' };
    if (version !== '2025-12-01') return { operation: 'Unknown' };
    if (collection === 'functions' && label && sub === 'durable-executions' && extra === undefined && method === 'GET') return { operation: 'ListDurableExecutionsByFunction', label };
    if (collection === 'durable-executions' && label && extra === undefined) {
      if (sub === undefined && method === 'GET') return { operation: 'GetDurableExecution', label };
      if (sub === 'history' && method === 'GET') return { operation: 'GetDurableExecutionHistory', label };
      if (sub === 'state' && method === 'GET') return { operation: 'GetDurableExecutionState', label };
      if (sub === 'checkpoint' && method === 'POST') return { operation: 'CheckpointDurableExecution', label };
      if (sub === 'stop' && method === 'POST') return { operation: 'StopDurableExecution', label };
    }
    if (collection === 'durable-execution-callbacks' && label && extra === undefined && method === 'POST') {
      if (sub === 'succeed') return { operation: 'SendDurableExecutionCallbackSuccess', label };
      if (sub === 'fail') return { operation: 'SendDurableExecutionCallbackFailure', label };
      if (sub === 'heartbeat') return { operation: 'SendDurableExecutionCallbackHeartbeat', label };
    }
    return { operation: 'Unknown' };
  };

  const handle = (r: Route, q: Record<string, string[]>, body: string): { status: number; json: unknown } => {
    const label = r.label ?? '';
    switch (r.operation) {
      case 'ListFunctions': {
        if (mode === 'sam') throw samNotFound();
        const all = [...functions.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
        const max = intParam(q, 'MaxItems', 1, 10000, 50);
        const marker = one(q, 'Marker');
        const start = marker ? readMarker(marker, 'functions', '') : 0;
        const page = all.slice(start, start + max).map((f) => ({
          FunctionName: f.name,
          FunctionArn: fnArn(f.name),
          Runtime: f.runtime ?? 'nodejs22.x',
          Handler: f.handler ?? 'index.handler',
          Version: '$LATEST',
          LastModified: '2026-11-30T12:00:00.000+0000',
          ...(f.durable !== false ? { DurableConfig: { RetentionPeriodInDays: 30, ExecutionTimeout: 86400 } } : {}),
        }));
        return { status: 200, json: { Functions: page, ...(start + max < all.length ? { NextMarker: makeMarker('functions', '', start + max) } : {}) } };
      }
      case 'ListDurableExecutionsByFunction': {
        if (mode === 'sam') throw samNotFound();
        const fnName = /:function:([^:]+)/.exec(label)?.[1] ?? label;
        if (!functions.has(fnName)) throw new ApiError(404, 'ResourceNotFoundException', `Function not found: ${fnArn(fnName)}`);
        const statuses = q.Statuses ?? [];
        for (const s of statuses) if (!EXECUTION_STATUSES.includes(s)) throw new ApiError(400, 'InvalidParameterValueException', `Statuses: ${s} is not one of ${EXECUTION_STATUSES.join(', ')}.`);
        const qualifier = one(q, 'Qualifier') ?? /:function:[^:]+:([^:]+)$/.exec(label)?.[1];
        const name = one(q, 'DurableExecutionName');
        const after = timeParam(q, 'StartedAfter');
        const before = timeParam(q, 'StartedBefore');
        const reverse = boolParam(q, 'ReverseOrder', false);
        const max = intParam(q, 'MaxItems', 1, 1000, 100);
        let list = sorted().filter(
          (x) =>
            x.functionName === fnName &&
            (statuses.length === 0 || statuses.includes(x.status)) &&
            (qualifier === undefined || x.version === qualifier) &&
            (name === undefined || x.name === name) &&
            (after === undefined || x.startedAt >= after) &&
            (before === undefined || x.startedAt <= before)
        );
        if (reverse) list = list.reverse();
        const key = JSON.stringify([fnName, statuses, qualifier, name, after, before, reverse]);
        const marker = one(q, 'Marker');
        const start = marker ? readMarker(marker, 'list', key) : 0;
        const page = list.slice(start, start + max).map(summary);
        return { status: 200, json: { DurableExecutions: page, ...(start + max < list.length ? { NextMarker: makeMarker('list', key, start + max) } : {}) } };
      }
      case 'GetDurableExecution': {
        const x = findExecution(label);
        const include = boolParam(q, 'IncludeExecutionData', true);
        const errorPayload = ['ExecutionFailed', 'ExecutionStopped', 'ExecutionTimedOut']
          .map((t) => payloadOf(x, t, `${t}Details`, 'Error'))
          .find((p) => p !== undefined);
        const input = payloadOf(x, 'ExecutionStarted', 'ExecutionStartedDetails', 'Input');
        const result = payloadOf(x, 'ExecutionSucceeded', 'ExecutionSucceededDetails', 'Result');
        return {
          status: 200,
          json: {
            ...summary(x),
            Version: x.version === '$LATEST' ? '$LATEST' : x.version,
            ...(include && input !== undefined ? { InputPayload: input } : {}),
            ...(include && result !== undefined ? { Result: result } : {}),
            ...(errorPayload !== undefined ? { Error: include ? errorPayload : withoutPayloads({ ...(errorPayload as object), ErrorData: undefined }) } : {}),
            ExecutionDataIncluded: include,
            DurableConfig: { RetentionPeriodInDays: 30, ExecutionTimeout: 86400 },
          },
        };
      }
      case 'GetDurableExecutionHistory': {
        const x = findExecution(label);
        const include = boolParam(q, 'IncludeExecutionData', mode !== 'sam');
        let events = x.events;
        if (mode === 'sam') return { status: 200, json: { Events: include ? events : events.map(withoutPayloads) } };
        const reverse = boolParam(q, 'ReverseOrder', false);
        const max = intParam(q, 'MaxItems', 1, 1000, 100);
        if (reverse) events = [...events].reverse();
        const marker = one(q, 'Marker');
        const start = marker ? readMarker(marker, 'history', `${x.arn}|${reverse}`) : 0;
        const page = events.slice(start, start + max);
        return {
          status: 200,
          json: {
            Events: include ? page : page.map(withoutPayloads),
            ...(start + max < events.length ? { NextMarker: makeMarker('history', `${x.arn}|${reverse}`, start + max) } : {}),
          },
        };
      }
      case 'StopDurableExecution': {
        const x = findExecution(label);
        if (x.status !== 'RUNNING') throw new ApiError(400, 'InvalidParameterValueException', `Durable execution ${x.arn} is not running (status ${x.status}).`);
        const error = parseBody(body);
        const now = Date.now() / 1000;
        x.status = 'STOPPED';
        x.endedAt = now;
        x.events.push({ EventType: 'ExecutionStopped', EventId: nextEventId(x), Id: x.id, EventTimestamp: now, ExecutionStoppedDetails: { Error: { Payload: error } } });
        for (const [cb, owner] of callbackOwner) if (owner === x) closedCallbacks.add(cb);
        return { status: 200, json: { StopTimestamp: now } };
      }
      case 'SendDurableExecutionCallbackSuccess': {
        const x = openCallback(label);
        completeCallback(label, x, 'CallbackSucceeded', { Result: { Payload: body } });
        return { status: 200, json: {} };
      }
      case 'SendDurableExecutionCallbackFailure': {
        const x = openCallback(label);
        completeCallback(label, x, 'CallbackFailed', { Error: { Payload: parseBody(body) } });
        return { status: 200, json: {} };
      }
      case 'SendDurableExecutionCallbackHeartbeat': {
        openCallback(label);
        return { status: 200, json: {} };
      }
      case 'GetDurableExecutionState':
      case 'CheckpointDurableExecution':
        throw new ApiError(400, 'InvalidParameterValueException', 'A checkpoint token from the Lambda runtime is required.');
      default:
        throw mode === 'sam' ? samNotFound() : new ApiError(404, 'UnknownOperationException', 'Unknown operation.');
    }
  };

  const samNotFound = () => new ApiError(404, 'PathNotFoundLocally', 'PathNotFoundException', { Type: 'LocalService', Message: 'PathNotFoundException' });

  const send = (res: http.ServerResponse, rec: RecordedRequest, status: number, json: unknown, headers: Record<string, string> = {}) => {
    rec.status = status;
    const text = JSON.stringify(json);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': `req-${++requestCounter}`,
      ...headers,
    });
    res.end(text);
  };
  const sendError = (res: http.ServerResponse, rec: RecordedRequest, e: ApiError) =>
    send(res, rec, e.status, e.body ?? { Type: e.status >= 500 ? 'Service' : 'User', message: e.message }, { 'x-amzn-errortype': e.type });

  const applies = (ops: LambdaOperation[] | undefined, op: LambdaOperation) => !ops || ops.length === 0 || ops.includes(op);

  const server = http.createServer((req, res) => {
    if (faults.dead) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const rawSegments = url.pathname.split('/').slice(1);
      const segments = rawSegments.map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      });
      const query: Record<string, string[]> = {};
      for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
      const method = req.method ?? 'GET';
      const r = route(method, segments);
      const auth = String(req.headers.authorization ?? '');
      const sig = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/lambda\/aws4_request, ?SignedHeaders=[^,]+, ?Signature=[0-9a-f]{64}$/.exec(auth);
      const rec: RecordedRequest = {
        operation: r.operation,
        method,
        path: '/' + segments.join('/'),
        rawPath: url.pathname,
        query,
        body: Buffer.concat(chunks).toString('utf8'),
        signed: !!sig,
        ...(sig ? { signingRegion: sig[2] } : {}),
      };
      requests.push(rec);
      const respond = () => {
        if (res.destroyed) return;
        try {
          if (requireSignature && !sig) throw new ApiError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
          if (sig && options.acceptedAccessKeyIds && !options.acceptedAccessKeyIds.includes(sig[1])) {
            throw new ApiError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
          }
          if (faults.expiredToken) throw new ApiError(403, 'ExpiredTokenException', 'The security token included in the request is expired');
          if (faults.unrecognizedClient) throw new ApiError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
          const denied = faults.accessDenied;
          if (denied === true || (Array.isArray(denied) && denied.includes(r.operation))) {
            const resource = r.label ? (r.operation === 'ListDurableExecutionsByFunction' ? fnArn(r.label) : r.label) : `arn:aws:lambda:${region}:${account}:function:*`;
            throw new ApiError(
              403,
              'AccessDeniedException',
              `User: arn:aws:iam::${account}:user/tester is not authorized to perform: lambda:${r.operation} on resource: ${resource} because no identity-based policy allows the lambda:${r.operation} action`
            );
          }
          if (faults.throttle && faults.throttle.times > 0 && applies(faults.throttle.operations, r.operation)) {
            faults.throttle.times--;
            throw new ApiError(429, 'TooManyRequestsException', 'Rate exceeded', { Type: 'User', message: 'Rate exceeded', Reason: 'CallerRateLimitExceeded' });
          }
          if (faults.serviceError && faults.serviceError.times > 0 && applies(faults.serviceError.operations, r.operation)) {
            faults.serviceError.times--;
            throw new ApiError(500, 'ServiceException', 'An internal error occurred.');
          }
          const out = handle(r, query, rec.body);
          send(res, rec, out.status, out.json);
        } catch (e) {
          if (e instanceof ApiError) sendError(res, rec, e);
          else send(res, rec, 500, { Type: 'Service', message: `test server failure: ${e instanceof Error ? e.message : String(e)}` }, { 'x-amzn-errortype': 'ServiceException' });
        }
      };
      const delay = faults.delayMs && applies(faults.delayOperations, r.operation) ? faults.delayMs : 0;
      if (delay > 0) {
        const timer = setTimeout(respond, delay);
        res.on('close', () => clearTimeout(timer));
      } else respond();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    faults,
    get executions() {
      return sorted();
    },
    execution: (arnOrName) => byArn.get(arnOrName) ?? [...byArn.values()].find((x) => x.name === arnOrName || x.fixture === arnOrName),
    openCallbacks: (arn) => [...callbackOwner.entries()].filter(([cb, x]) => !closedCallbacks.has(cb) && (!arn || x.arn === arn)).map(([cb]) => cb),
    addHistory: (h) => addExecution({ ...h, events: eventsOf(h.events), functionName: h.functionName ?? FIXTURE_FUNCTION }),
    appendEvents: (arn, more) => {
      const x = byArn.get(arn);
      if (!x) throw new Error(`lambdaServer: no execution ${arn}`);
      for (const e of eventsOf(more)) {
        x.events.push(e);
        const end = typeof e.EventType === 'string' ? END_STATUS[e.EventType] : undefined;
        if (end && x.status === 'RUNNING') {
          x.status = end;
          x.endedAt = epochSeconds(e.EventTimestamp) ?? Date.now() / 1000;
        }
      }
      indexCallbacks(x);
      return x;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** An endpoint where nothing listens (connection refused): a port that was just free. */
export async function deadEndpoint(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Static test credentials (AWS's documented example keys), never real ones. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' } as const;
