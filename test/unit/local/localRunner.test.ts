// Runs in mocha (node): local runs through the real AWS testing SDK in real child processes
// (out/src/local/child.js): outcomes, callbacks, crash/hang handling, the saved run files.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { listRuns, loadRun } from '../../../src/local/runStore';
import { LocalCallbackError } from '../../../src/local/types';
import { eventSummary, fixture, run, tempDir, whenStatus } from './helpers';

describe('local runs (testing SDK in a child process)', function () {
  this.timeout(90_000);
  let ws: string;
  beforeEach(() => {
    ws = tempDir('ws');
  });
  afterEach(() => {
    fs.rmSync(ws, { recursive: true, force: true });
  });

  it('runs a TypeScript handler (TS-only syntax, a relative .ts helper) to its result and saves the run', async () => {
    const r = run('success.ts', { workspaceRoot: ws, event: { n: 4 } });
    const res = await r.done;
    assert.strictEqual(res.status, 'succeeded', res.error?.message);
    assert.deepStrictEqual(res.result, { kind: 'doubled', value: 9 });
    const names = eventSummary(res.events);
    assert.ok(names.includes('StepSucceeded:double') && names.includes('WaitSucceeded:pause') && names.includes('StepSucceeded:add-one'), names.join());
    assert.strictEqual(names[names.length - 1], 'ExecutionSucceeded');
    assert.strictEqual(r.handlerExport, 'handler');
    // The run file exists and round-trips.
    assert.ok(res.file && fs.existsSync(res.file));
    const saved = loadRun(ws, res.id);
    assert.strictEqual(saved.version, 1);
    assert.strictEqual(saved.status, 'succeeded');
    assert.deepStrictEqual(saved.result, res.result);
    assert.deepStrictEqual(saved.event, { n: 4 });
    assert.deepStrictEqual(saved.events, JSON.parse(JSON.stringify(res.events)));
    assert.strictEqual(saved.handlerFile, fixture('success.ts'));
    assert.ok(saved.endedAt && saved.startedAt <= saved.endedAt);
    const listed = listRuns(ws);
    assert.strictEqual(listed.length, 1);
    assert.ok(listed[0]!.ok && listed[0]!.run.id === res.id);
  });

  it('reports the live history while running (progress before the end)', async () => {
    const r = run('callback.ts', { workspaceRoot: ws, event: { orderId: 'o-1' } });
    const seen: number[] = [];
    r.onDidChange((x) => seen.push(x.events.length));
    await whenStatus(r, 'waiting');
    assert.ok(r.events.some((e) => e.EventType === 'StepSucceeded' && e.Name === 'reserve'), 'the step before the callback is in the live history');
    // A partial save exists while the run waits.
    const saved = await waitFor(() => {
      const s = listRuns(ws)[0];
      return s?.ok && s.run.events.length > 0 ? s.run : undefined;
    });
    assert.strictEqual(saved.endedAt, undefined);
    r.cancel();
    const res = await r.done;
    assert.strictEqual(res.status, 'cancelled');
    assert.ok(seen.length > 1);
  });

  it('retries a throwing step (time skipped) and succeeds on the third attempt', async () => {
    const res = await run('retry.ts', { workspaceRoot: ws }).done;
    assert.strictEqual(res.status, 'succeeded', res.error?.message);
    assert.deepStrictEqual(res.result, { attempts: 3 });
    assert.strictEqual(eventSummary(res.events).filter((n) => n === 'StepFailed:flaky').length, 2);
  });

  it('a handler error fails the run with the error type and message', async () => {
    const res = await run('handlerError.ts', { workspaceRoot: ws, event: { orderId: 'o-7' } }).done;
    assert.strictEqual(res.status, 'failed');
    assert.strictEqual(res.error?.reason, 'handler-error');
    assert.strictEqual(res.error?.errorType, 'OrderRejected');
    assert.strictEqual(res.error?.message, 'order o-7 rejected');
    assert.ok(eventSummary(res.events).includes('ExecutionFailed'));
  });

  it('an unhandled rejection ends the run as failed, history kept, stack on the user\'s line', async () => {
    const res = await run('unhandledRejection.ts', { workspaceRoot: ws }).done;
    assert.strictEqual(res.status, 'failed');
    assert.strictEqual(res.error?.reason, 'unhandled-rejection');
    assert.match(res.error?.message ?? '', /nobody catches me/);
    assert.ok(eventSummary(res.events).includes('StepSucceeded:first'));
    assert.ok(!eventSummary(res.events).includes('ExecutionSucceeded'), 'the history stops where the rejection happened');
    assert.ok(res.error?.stackTrace?.some((l) => l.includes(`unhandledRejection.ts:6:`)), res.error?.stackTrace?.join('\n'));
    assert.strictEqual(loadRun(ws, res.id).status, 'failed');
  });

  it('process.exit(3) in the handler ends the run as crashed with the partial history saved', async () => {
    const res = await run('crash.ts', { workspaceRoot: ws }).done;
    assert.strictEqual(res.status, 'crashed');
    assert.match(res.error?.message ?? '', /exited with code 3/);
    assert.ok(eventSummary(res.events).includes('StepSucceeded:before-crash'), eventSummary(res.events).join());
    const saved = loadRun(ws, res.id);
    assert.strictEqual(saved.status, 'crashed');
    assert.ok(eventSummary(saved.events).includes('StepSucceeded:before-crash'));
  });

  it('an endless loop after a step ends the run as timedOut after timeoutMs, the step kept', async () => {
    const started = Date.now();
    const res = await run('hang.ts', { workspaceRoot: ws, timeoutMs: 4_000 }).done;
    assert.strictEqual(res.status, 'timedOut');
    assert.match(res.error?.message ?? '', /no progress for 4 s/);
    assert.ok(Date.now() - started >= 4_000);
    assert.ok(eventSummary(res.events).includes('StepSucceeded:before-hang'), eventSummary(res.events).join());
    assert.ok(eventSummary(loadRun(ws, res.id).events).includes('StepSucceeded:before-hang'));
  });

  it('without time skipping a real wait longer than timeoutMs is not taken for a hang', async () => {
    const started = Date.now();
    const res = await run('realWait.ts', { workspaceRoot: ws, skipTime: false, timeoutMs: 1_500 }).done;
    assert.strictEqual(res.status, 'succeeded', res.error?.message);
    assert.strictEqual(res.result, 'waited');
    assert.ok(Date.now() - started >= 3_000, 'the wait took real time');
  });

  it('a waitForCallback completed with sendCallbackSuccess (heartbeat first) finishes with its value', async () => {
    const r = run('callback.ts', { workspaceRoot: ws, event: { orderId: 'o-2' } });
    await whenStatus(r, 'waiting');
    assert.strictEqual(r.waitingOn.length, 1);
    const cb = r.waitingOn[0]!;
    assert.strictEqual(cb.name, 'approval');
    assert.ok(cb.callbackId.length > 10);
    await r.sendCallbackHeartbeat(cb.operationId);
    await r.sendCallbackSuccess(cb.operationId, JSON.stringify({ approved: true, by: 'ann' }));
    const res = await r.done;
    assert.strictEqual(res.status, 'succeeded', res.error?.message);
    assert.deepStrictEqual(res.result, { done: 'charged by ann' });
    assert.ok(eventSummary(res.events).includes('CallbackSucceeded'));
    await assert.rejects(r.sendCallbackSuccess(cb.operationId, '{}'), (e: unknown) => e instanceof LocalCallbackError && e.reason === 'run-ended');
  });

  it('a waitForCallback failed with sendCallbackFailure (by callback id) runs the catch and fails', async () => {
    const r = run('callback.ts', { workspaceRoot: ws, event: { orderId: 'o-3' } });
    await whenStatus(r, 'waiting');
    await assert.rejects(r.sendCallbackSuccess(r.waitingOn[0]!.operationId, 'not json'), (e: unknown) => e instanceof LocalCallbackError && /not valid JSON/.test(e.message));
    await assert.rejects(r.sendCallbackSuccess('no-such-callback', '{}'), (e: unknown) => e instanceof LocalCallbackError && e.reason === 'unknown-callback');
    await r.sendCallbackFailure(r.waitingOn[0]!.callbackId, { type: 'Declined', message: 'no budget' });
    const res = await r.done;
    assert.strictEqual(res.status, 'failed');
    assert.strictEqual(res.error?.message, 'no budget');
    const names = eventSummary(res.events);
    assert.ok(names.includes('CallbackFailed') && names.includes('StepSucceeded:release'), names.join());
  });

  it('a waiting run outlives timeoutMs and ends only when cancelled, history kept', async () => {
    const r = run('callback.ts', { workspaceRoot: ws, event: { orderId: 'o-4' }, timeoutMs: 2_000 });
    await whenStatus(r, 'waiting');
    await new Promise((res) => setTimeout(res, 4_000));
    assert.strictEqual(r.status, 'waiting');
    r.cancel();
    const res = await r.done;
    assert.strictEqual(res.status, 'cancelled');
    assert.ok(eventSummary(res.events).includes('CallbackStarted'));
    assert.strictEqual(loadRun(ws, res.id).status, 'cancelled');
  });

  it('an AbortSignal cancels the run', async () => {
    const ac = new AbortController();
    const r = run('callback.ts', { workspaceRoot: ws, event: { orderId: 'o-5' }, signal: ac.signal });
    await whenStatus(r, 'waiting');
    ac.abort();
    assert.strictEqual((await r.done).status, 'cancelled');
  });

  it('invoke targets: a durable handler file (#export) and a canned response', async () => {
    const res = await run('invoke.ts', {
      workspaceRoot: ws,
      event: { n: 5 },
      invokeTargets: { doubler: `${fixture('doubler.ts')}#doubler`, pricing: { response: { cents: 250 } } },
    }).done;
    assert.strictEqual(res.status, 'succeeded', res.error?.message);
    assert.deepStrictEqual(res.result, { value: 10, cents: 250 });
    assert.ok(eventSummary(res.events).includes('ChainedInvokeSucceeded:call-doubler'));
  });

  it('a bad invoke target is one clear failure, not a crash of the runner', async () => {
    const res = await run('invoke.ts', { workspaceRoot: ws, invokeTargets: { doubler: 'missing/file.ts' } }).done;
    assert.strictEqual(res.status, 'failed');
    assert.strictEqual(res.error?.reason, 'bad-invoke-target');
    assert.match(res.error?.message ?? '', /invoke target "doubler": handler file not found/);
  });

  it('an invoke of a function that is not a target fails naming it', async () => {
    const res = await run('invoke.ts', { workspaceRoot: ws, event: { n: 1 } }).done;
    assert.strictEqual(res.status, 'failed');
    assert.strictEqual(res.error?.reason, 'bad-invoke-target');
    assert.match(res.error?.message ?? '', /invokes "doubler", which is not an invoke target/);
    assert.ok(eventSummary(res.events).includes('ChainedInvokeStarted:call-doubler'));
  });

  it('an ES module source (.mjs) is transpiled; the only withDurableExecution export is chosen', async () => {
    const r = run('esm.mjs', { workspaceRoot: ws, event: { v: 'hi' } });
    const res = await r.done;
    assert.strictEqual(res.status, 'succeeded', res.error?.message);
    assert.strictEqual(res.result, 'hi');
    assert.strictEqual(r.handlerExport, 'onlyDurable');
  });

  it('two durable exports and no `handler`: a clear message; --handler picks one', async () => {
    const a = await run('twoHandlers.ts', { workspaceRoot: ws }).done;
    assert.strictEqual(a.status, 'failed');
    assert.strictEqual(a.error?.reason, 'handler-not-found');
    assert.match(a.error?.message ?? '', /several durable handlers \(first, second\)/);
    const b = await run('twoHandlers.ts', { workspaceRoot: ws, handlerExport: 'second' }).done;
    assert.strictEqual(b.status, 'succeeded');
    assert.strictEqual(b.result, 'second');
    const c = await run('twoHandlers.ts', { workspaceRoot: ws, handlerExport: 'third' }).done;
    assert.match(c.error?.message ?? '', /no function export "third" \(function exports: first, second\)/);
  });

  it('a load error carries a stack mapped to the TypeScript source line', async () => {
    const res = await run('sourceMap.ts', { workspaceRoot: ws }).done;
    assert.strictEqual(res.status, 'failed');
    assert.strictEqual(res.error?.reason, 'load-failed');
    assert.ok(res.error?.stackTrace?.some((l) => l.includes('sourceMap.ts:12:')), res.error?.stackTrace?.join('\n'));
  });

  it('a missing handler file, runner script or workspace: one message each', async () => {
    const a = await run(path.join(ws, 'nope.ts'), { workspaceRoot: ws }).done;
    assert.strictEqual(a.error?.reason, 'handler-not-found');
    const b = await run('success.ts', { workspaceRoot: ws, runnerScript: path.join(ws, 'missing.js') }).done;
    assert.strictEqual(b.status, 'crashed');
    assert.match(b.error?.message ?? '', /local runner is missing/);
    const c = await run('success.ts', { workspaceRoot: path.join(ws, 'gone') }).done;
    assert.match(c.error?.message ?? '', /workspace folder does not exist/);
  });
});

async function waitFor<T>(probe: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
