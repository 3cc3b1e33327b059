// Runs in the local-run child process (bundled to dist/localRunner.js, forked with an IPC channel): loads
// the user's handler (TypeScript transpiled on require), runs it with the AWS testing SDK's
// LocalDurableTestRunner and reports progress, waiting callbacks and the outcome to the parent.
// Real timers are captured before the testing SDK installs its fake ones (time skipping), so the
// progress poll keeps real time.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const realSetImmediate = globalThis.setImmediate;

import * as path from 'path';
import { Worker } from 'worker_threads';
import { installRequireHook, loadHandlerModule, pickHandlerExport, resolveInvokeTargets, type LoadedInvokeTarget } from './loadHandler';
import { isParentMessage, type ChildMessage, type FatalError, type LocalHistoryEvent, type ParentMessage, type PendingCallback, type StartMessage } from './protocol';
import { pendingCallbacks, sortEvents, toPlainEvents } from './historyUtil';

// Bundled copies: the testing SDK and the SDK it was built against.
import * as durableSdk from '@aws/durable-execution-sdk-js';
import { LocalDurableTestRunner } from '@aws/durable-execution-sdk-js-testing';

const POLL_MS = 100;

type Runner = LocalDurableTestRunner;
// Not in the public types: the live history the runner keeps while run() is pending (checked in tests).
type RunnerInternals = { operationStorage?: { getHistoryEvents?: () => unknown[] } };

let runner: Runner | undefined;
let lastSentCount = -1;
let lastWaitingKey = '';
let finished = false;
let pollTimer: ReturnType<typeof setTimeout> | undefined;

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    try {
      process.send(message, undefined, {}, () => resolve());
    } catch {
      // The parent is gone: nothing to report to.
      resolve();
    }
  });
}

function liveEvents(): LocalHistoryEvent[] {
  if (!runner) return [];
  const raw = (runner as unknown as RunnerInternals).operationStorage?.getHistoryEvents?.();
  if (Array.isArray(raw)) return sortEvents(toPlainEvents(raw));
  // Public fallback (a testing SDK without that field): the events of each operation, in order. It lacks
  // the execution's own and the invocation events.
  const out: unknown[] = [];
  for (let i = 0; i < 100_000; i++) {
    const events = runner.getOperationByIndex(i).getEvents();
    if (!events) break;
    out.push(...events);
  }
  return sortEvents(toPlainEvents(out));
}

async function reportProgress(): Promise<void> {
  const events = liveEvents();
  if (events.length !== lastSentCount) {
    lastSentCount = events.length;
    await send({ type: 'progress', events });
  }
  const waiting = pendingCallbacks(events);
  const key = waiting.map((w) => w.callbackId).join(',');
  if (key !== lastWaitingKey) {
    lastWaitingKey = key;
    await send({ type: 'waiting', callbacks: waiting });
  }
}

function poll(): void {
  if (finished) return;
  void reportProgress().finally(() => {
    if (!finished) pollTimer = realSetTimeout(poll, POLL_MS);
  });
}

async function finish(message: ChildMessage, code: number): Promise<void> {
  if (finished) return;
  finished = true;
  if (pollTimer) realClearTimeout(pollTimer);
  await send(message);
  try {
    await LocalDurableTestRunner.teardownTestEnvironment();
  } catch {
    // Exiting anyway: the worker thread dies with the process.
  }
  process.exit(code);
}

/** Set on a fatal error: the handler gets no more checkpoint answers, so the history stops where it failed. */
let frozen = false;

async function fatal(error: FatalError): Promise<void> {
  if (frozen || finished) return;
  frozen = true;
  // The runner's checkpoint poll may not have taken in the last checkpoints yet: give it a moment.
  if (runner) await new Promise((r) => realSetTimeout(r, 100));
  return finish({ type: 'fatal', error, events: liveEvents() }, 1);
}

/**
 * The handler's checkpoint answers are held back until the runner's own poll has taken the new
 * operations in (or a few ms passed), and the history is reported before the handler resumes. Without
 * this, a handler that spins forever right after a step never lets the poll run, and the parent would
 * never see that step. Ordering only: the handler sees the same answers.
 */
const HOLD_MS = 15;
function installCheckpointBarrier(): void {
  const held: (() => void)[] = [];
  let holdTimer: ReturnType<typeof setTimeout> | undefined;
  const release = (): void => {
    if (holdTimer) realClearTimeout(holdTimer);
    holdTimer = undefined;
    if (!held.length || frozen) return;
    reportProgressNow();
    for (const deliver of held.splice(0)) deliver();
  };
  const originalOn = Worker.prototype.on;
  Worker.prototype.on = function (this: Worker, event: string | symbol, listener: (...args: unknown[]) => void) {
    if (event !== 'message') return originalOn.call(this, event, listener);
    return originalOn.call(this, 'message', (msg: unknown) => {
      const type = (msg as { data?: { type?: unknown } } | null)?.data?.type;
      if (type === 'CheckpointDurableExecutionState' && !finished) {
        held.push(() => listener(msg));
        if (!holdTimer && !frozen) holdTimer = realSetTimeout(release, HOLD_MS);
        return;
      }
      listener(msg);
      if (type === 'PollCheckpointData' && held.length) realSetImmediate(release);
    });
  } as typeof Worker.prototype.on;
}

/** Synchronous best effort (the IPC pipe usually takes the write at once), for just before the handler resumes. */
function reportProgressNow(): void {
  const events = liveEvents();
  if (events.length === lastSentCount || !process.send || !process.connected) return;
  lastSentCount = events.length;
  try {
    process.send({ type: 'progress', events } satisfies ChildMessage);
  } catch {
    // The parent is gone.
  }
}

function errorText(e: unknown): { message: string; stack?: string } {
  if (e instanceof Error) return { message: e.message, stack: e.stack };
  return { message: String(e) };
}

function findCallback(id: string): PendingCallback | undefined {
  return pendingCallbacks(liveEvents()).find((c) => c.operationId === id || c.callbackId === id);
}

async function handleCallback(message: Extract<ParentMessage, { requestId: number }>): Promise<void> {
  const pending = findCallback(message.id);
  if (!runner || !pending) {
    await send({ type: 'ack', requestId: message.requestId, ok: false, message: `no pending callback "${message.id}"` });
    return;
  }
  try {
    const op = runner.getOperationById(pending.operationId);
    if (message.type === 'callbackSuccess') await op.sendCallbackSuccess(message.result);
    else if (message.type === 'callbackFailure')
      await op.sendCallbackFailure({ ErrorType: message.error.type, ErrorMessage: message.error.message });
    else await op.sendCallbackHeartbeat();
    await send({ type: 'ack', requestId: message.requestId, ok: true });
  } catch (e) {
    let text = errorText(e).message;
    if (/requires heartbeat/.test(text)) text = 'this callback has no heartbeat timeout (heartbeatTimeout), so there is nothing to heartbeat';
    await send({ type: 'ack', requestId: message.requestId, ok: false, message: text });
  }
}

function register(r: Runner, targets: readonly LoadedInvokeTarget[]): void {
  for (const t of targets) {
    if (t.kind === 'durable') r.registerDurableFunction(t.name, t.handler as never);
    else r.registerFunction(t.name, t.handler as never);
  }
}

async function start(message: StartMessage): Promise<void> {
  let handler: unknown;
  let exportName: string;
  let targets: LoadedInvokeTarget[];
  try {
    installRequireHook({ typescriptPath: message.typescriptPath, bundledSdk: durableSdk });
    const mod = loadHandlerModule(message.handlerFile);
    const picked = pickHandlerExport(mod, message.handlerExport, path.basename(message.handlerFile));
    handler = picked.handler;
    exportName = picked.name;
    targets = resolveInvokeTargets(message.invokeTargets ?? {}, message.workspaceRoot);
  } catch (e) {
    const reason = (e as { reason?: FatalError['reason'] }).reason ?? 'load-failed';
    await fatal({ reason, ...errorText(e) });
    return;
  }
  try {
    installCheckpointBarrier();
    await LocalDurableTestRunner.setupTestEnvironment({ skipTime: message.skipTime });
    const r = new LocalDurableTestRunner({ handlerFunction: handler as never });
    register(r, targets);
    runner = r;
  } catch (e) {
    await fatal({ reason: 'runner-failed', ...errorText(e) });
    return;
  }
  await send({ type: 'started', handlerExport: exportName });
  poll();
  let result;
  try {
    result = await runner!.run({ payload: message.event });
  } catch (e) {
    const t = errorText(e);
    // An invoke of a function nobody registered: say where targets come from, not the SDK's API.
    const missing = /No function found for function name (.+?)\.(\s|$)/.exec(t.message);
    if (missing) {
      await fatal({
        reason: 'bad-invoke-target',
        message: `the handler invokes "${missing[1]}", which is not an invoke target: add it to durableLens.local.invokeTargets (CLI: --invoke-targets)`,
        stack: t.stack,
      });
      return;
    }
    await fatal({ reason: 'runner-failed', ...t });
    return;
  }
  const events = sortEvents(toPlainEvents(result.getHistoryEvents()));
  const status = String(result.getStatus() ?? 'UNKNOWN');
  if (status === 'SUCCEEDED') {
    let value: unknown;
    try {
      value = toPlain(result.getResult());
    } catch (e) {
      value = undefined;
      await finish({ type: 'done', status: 'FAILED', error: { errorType: 'ResultUnreadable', errorMessage: errorText(e).message }, events }, 0);
      return;
    }
    await finish({ type: 'done', status, result: value, events }, 0);
    return;
  }
  let error;
  try {
    const e = result.getError();
    error = { errorType: e.errorType, errorMessage: e.errorMessage, errorData: e.errorData, stackTrace: e.stackTrace };
  } catch {
    error = { errorMessage: `the execution ended with status ${status}` };
  }
  await finish({ type: 'done', status, error, events }, 0);
}

/** JSON-safe copy (the result crosses the IPC channel and is saved as JSON). */
function toPlain(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

function onMessage(raw: unknown): void {
  if (!isParentMessage(raw)) return;
  const message = raw;
  switch (message.type) {
    case 'start':
      void start(message);
      return;
    case 'callbackSuccess':
    case 'callbackFailure':
    case 'callbackHeartbeat':
      void handleCallback(message);
      return;
    case 'cancel':
      void finish({ type: 'fatal', error: { reason: 'runner-failed', message: 'cancelled' }, events: liveEvents() }, 0);
      return;
  }
}

export function main(): void {
  if (!process.send) {
    process.stderr.write('durable-lens local runner: start me with child_process.fork (an IPC channel is needed)\n');
    process.exit(2);
  }
  process.setSourceMapsEnabled?.(true);
  process.on('message', onMessage);
  // The parent going away ends the run: nothing would read its result.
  process.on('disconnect', () => process.exit(0));
  process.on('unhandledRejection', (reason) => {
    const t = errorText(reason);
    void fatal({ reason: 'unhandled-rejection', message: `unhandled promise rejection: ${t.message}`, stack: t.stack });
  });
  process.on('uncaughtException', (err) => {
    const t = errorText(err);
    void fatal({ reason: 'uncaught-exception', message: `uncaught exception: ${t.message}`, stack: t.stack });
  });
  // A handler calling process.exit: report what the runner has (the barrier already sent the history
  // up to the last checkpoint the handler saw), then really exit; the parent reports the crash.
  const realExit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    if (!finished) reportProgressNow();
    return realExit(code ?? undefined);
  }) as typeof process.exit;
}

main();
