// Unit tier (node): DurableLambdaClient with the real AWS SDK client and credential chain against the loopback Lambda server: paging, filters, retries, typed errors, stop and callback requests, SAM-local mode.
import * as assert from 'assert';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { AwsError } from '../../../src/aws/errors';
import { DurableLambdaClient, type ExecutionSummary } from '../../../src/aws/lambdaClient';
import { setAwsEnv, staticKeysEnv } from '../../support/lambdaEnv';
import { stepsHistory, waitingForCallbackHistory } from '../../support/lambdaHistories';
import { FIXTURE_FUNCTION, TEST_CREDENTIALS, deadEndpoint, startLambdaServer, type LambdaServer } from '../../support/lambdaServer';

const longHistory = (steps: number) => stepsHistory(steps);
const waitingHistory = waitingForCallbackHistory;

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function rejects(p: Promise<unknown>): Promise<AwsError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof AwsError, `expected an AwsError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    assert.ok(!e.message.includes(TEST_CREDENTIALS.secretAccessKey) && !e.message.includes(TEST_CREDENTIALS.accessKeyId), 'credentials in a message');
    return e;
  }
  assert.fail('expected a rejection');
}

const T0 = Date.parse('2026-11-01T00:00:00Z');
const LIST_COUNT = 2345;
const STATUSES = ['SUCCEEDED', 'FAILED', 'RUNNING', 'STOPPED', 'TIMED_OUT'];

describe('DurableLambdaClient against the loopback Lambda server', function () {
  this.timeout(30000);
  let server: LambdaServer;
  let restoreEnv: () => void;
  const client = (o: { maxAttempts?: number; requestTimeoutMs?: number; endpoint?: string } = {}) =>
    new DurableLambdaClient({ endpoint: o.endpoint ?? server.endpoint, region: 'us-east-1', maxAttempts: o.maxAttempts, requestTimeoutMs: o.requestTimeoutMs });

  before(async () => {
    // Credentials come through the SDK's own chain (fromEnv), from example keys.
    restoreEnv = setAwsEnv(staticKeysEnv());
    server = await startLambdaServer({
      histories: [
        { functionName: 'orders', name: 'long', events: longHistory(1249) },
        { functionName: 'approvals', name: 'waiting', events: waitingHistory('cb-open-1') },
        { functionName: 'approvals', name: 'waiting-2', events: waitingHistory('cb-open-2', 'cccccccc-1111-4222-8333-444444444444') },
      ],
      executions: Array.from({ length: LIST_COUNT }, (_, i) => ({
        functionName: 'bulk',
        name: `run-${i}`,
        status: STATUSES[i % STATUSES.length],
        startedAt: new Date(T0 + i * 60_000),
        ...(STATUSES[i % STATUSES.length] !== 'RUNNING' ? { endedAt: new Date(T0 + i * 60_000 + 1500) } : {}),
        ...(i % 10 === 0 ? { version: '7' } : {}),
      })),
      functions: [...Array.from({ length: 120 }, (_, i) => ({ name: `plain-${String(i).padStart(3, '0')}`, durable: false })), { name: 'idle-durable' }],
    });
  });
  after(async () => {
    await server.close();
    restoreEnv();
  });
  beforeEach(() => {
    for (const k of Object.keys(server.faults)) delete (server.faults as Record<string, unknown>)[k];
    server.requests.length = 0;
  });

  it('lists executions across pages, newest first, every request SigV4-signed from the env credentials', async () => {
    const list = await collect(client().listExecutions('bulk', { pageSize: 1000 }));
    assert.strictEqual(list.length, LIST_COUNT);
    for (let i = 1; i < list.length; i++) assert.ok(list[i - 1].startedAt >= list[i].startedAt, 'newest first');
    assert.strictEqual(list[0].name, `run-${LIST_COUNT - 1}`);
    assert.ok(list[0].startedAt instanceof Date);
    assert.strictEqual(list[0].functionName, 'bulk');
    const reqs = server.requests.filter((r) => r.operation === 'ListDurableExecutionsByFunction');
    assert.strictEqual(reqs.length, 3);
    assert.deepStrictEqual(reqs.map((r) => r.query.MaxItems), [['1000'], ['1000'], ['1000']]);
    assert.strictEqual(reqs[0].query.Marker, undefined);
    assert.ok(reqs[1].query.Marker && reqs[2].query.Marker);
    assert.strictEqual(reqs[0].rawPath, '/2025-12-01/functions/bulk/durable-executions');
    assert.ok(server.requests.every((r) => r.signed && r.signingRegion === 'us-east-1'));
  });

  it('filters by status, time range, name and qualifier on the server', async () => {
    const after = new Date(T0 + 100 * 60_000);
    const before = new Date(T0 + 199 * 60_000);
    const got = await collect(client().listExecutions('bulk', { statuses: ['FAILED', 'STOPPED'], startedAfter: after, startedBefore: before, pageSize: 7 }));
    const expected: string[] = [];
    for (let i = 199; i >= 100; i--) if (['FAILED', 'STOPPED'].includes(STATUSES[i % 5])) expected.push(`run-${i}`);
    assert.deepStrictEqual(
      got.map((x) => x.name),
      expected
    );
    assert.ok(got.every((x) => x.endedAt instanceof Date));
    const req = server.requests[0];
    assert.deepStrictEqual(req.query.Statuses, ['FAILED', 'STOPPED']);
    assert.ok(req.query.StartedAfter && req.query.StartedBefore);
    const byName = await collect(client().listExecutions('bulk', { name: 'run-42' }));
    assert.deepStrictEqual(
      byName.map((x) => x.name),
      ['run-42']
    );
    const v7 = await collect(client().listExecutions('bulk', { qualifier: '7', pageSize: 1000 }));
    assert.strictEqual(v7.length, Math.ceil(LIST_COUNT / 10));
    assert.ok(v7.every((x) => x.arn.includes(':bulk:7/durable-execution/')));
  });

  it('resumes a listing from a page marker (the views\' "load more")', async () => {
    const pages = client().listExecutionPages('bulk', { pageSize: 100 });
    const first = (await pages[Symbol.asyncIterator]().next()).value as { executions: ExecutionSummary[]; nextMarker?: string };
    assert.strictEqual(first.executions.length, 100);
    assert.ok(first.nextMarker);
    const second = (await client().listExecutionPages('bulk', { pageSize: 100, marker: first.nextMarker })[Symbol.asyncIterator]().next()).value as {
      executions: ExecutionSummary[];
    };
    assert.strictEqual(second.executions[0].name, `run-${LIST_COUNT - 101}`);
  });

  it('finds durable functions across ListFunctions pages and skips the others', async () => {
    const fns = await collect(client().listDurableFunctions());
    assert.deepStrictEqual(
      fns.map((f) => f.name).sort(),
      ['approvals', 'bulk', FIXTURE_FUNCTION, 'idle-durable', 'orders'].sort()
    );
    assert.ok(server.requests.filter((r) => r.operation === 'ListFunctions').length >= 3, 'ListFunctions was paged');
    assert.strictEqual(fns[0].retentionPeriodInDays, 30);
  });

  it('reads a 2,500-event history in pages of 1,000 with payloads by default, and without them on request', async () => {
    const arn = server.execution('long')!.arn;
    const pages = await collect(client().getHistory(arn));
    assert.deepStrictEqual(
      pages.map((p) => p.length),
      [1000, 1000, 500]
    );
    const events = pages.flat();
    assert.deepStrictEqual(
      events.map((e) => e.EventId),
      Array.from({ length: 2500 }, (_, i) => i + 1)
    );
    assert.ok(events[0].EventTimestamp instanceof Date, 'epoch seconds on the wire become Dates');
    assert.strictEqual(events[0].ExecutionStartedDetails?.Input?.Payload, '{"order":42}');
    const reqs = server.requests.filter((r) => r.operation === 'GetDurableExecutionHistory');
    assert.strictEqual(reqs.length, 3);
    assert.deepStrictEqual(reqs[0].query.IncludeExecutionData, ['true']);
    assert.deepStrictEqual(reqs[0].query.MaxItems, ['1000']);
    const bare = (await collect(client().getHistory(arn, { includeExecutionData: false }))).flat();
    assert.strictEqual(bare.length, 2500);
    assert.strictEqual(bare[0].ExecutionStartedDetails?.Input?.Payload, undefined);
  });

  it('gets one execution with its input and result', async () => {
    const x = server.execution('hello-world')!;
    const got = await client().getExecution(x.arn);
    assert.strictEqual(got.status, 'SUCCEEDED');
    assert.strictEqual(got.result, '"Hello World!"');
    assert.strictEqual(got.input, '{}');
    assert.strictEqual(got.functionName, FIXTURE_FUNCTION);
    assert.ok(got.endedAt && got.endedAt >= got.startedAt);
  });

  it('retries throttling (adaptive) and then succeeds', async () => {
    server.faults.throttle = { times: 2 };
    const x = await client().getExecution(server.execution('hello-world')!.arn);
    assert.strictEqual(x.status, 'SUCCEEDED');
    assert.strictEqual(server.requests.length, 3);
    assert.deepStrictEqual(
      server.requests.map((r) => r.status),
      [429, 429, 200]
    );
  });

  it('throttling past the retries is one "throttled" error', async () => {
    server.faults.throttle = { times: 10 };
    const e = await rejects(client({ maxAttempts: 2 }).getExecution(server.execution('hello-world')!.arn));
    assert.strictEqual(e.reason, 'throttled');
    assert.strictEqual(server.requests.length, 2);
  });

  it('access denied names the action and the resource', async () => {
    server.faults.accessDenied = ['ListDurableExecutionsByFunction'];
    const e = await rejects(collect(client().listExecutions('orders')));
    assert.strictEqual(e.reason, 'accessDenied');
    assert.match(e.message, /lambda:ListDurableExecutionsByFunction/);
    assert.match(e.message, /orders/);
    assert.strictEqual(server.requests.length, 1, 'access denied is not retried');
  });

  it('an expired or rejected token says to refresh the credentials', async () => {
    server.faults.expiredToken = true;
    const e = await rejects(client().getExecution(server.execution('hello-world')!.arn));
    assert.strictEqual(e.reason, 'credentialsExpired');
    assert.match(e.message, /expired or invalid/);
    server.faults.expiredToken = false;
    server.faults.unrecognizedClient = true;
    assert.strictEqual((await rejects(client().getExecution(server.execution('hello-world')!.arn))).reason, 'credentialsExpired');
  });

  it('not found: an unknown function and an unknown execution', async () => {
    const fn = await rejects(collect(client().listExecutions('no-such-function')));
    assert.strictEqual(fn.reason, 'notFound');
    assert.match(fn.message, /no-such-function/);
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST/durable-execution/nope/00000000-0000-4000-8000-000000000000';
    const x = await rejects(client().getExecution(arn));
    assert.strictEqual(x.reason, 'notFound');
    assert.ok(x.message.includes(arn));
  });

  it('a dead endpoint (nothing listening) is a network error naming the endpoint', async () => {
    const dead = await deadEndpoint();
    const t = Date.now();
    const e = await rejects(collect(client({ endpoint: dead, maxAttempts: 2 }).listExecutions('orders')));
    assert.strictEqual(e.reason, 'network');
    assert.ok(e.message.includes(dead), e.message);
    assert.match(e.message, /nothing is listening/);
    assert.ok(Date.now() - t < 10000);
  });

  it('a connection closed without an answer is a network error naming the endpoint', async () => {
    server.faults.dead = true;
    const e = await rejects(client({ maxAttempts: 2 }).getExecution(server.execution('hello-world')!.arn));
    assert.strictEqual(e.reason, 'network');
    assert.ok(e.message.includes(server.endpoint));
  });

  it('a slow endpoint: the caller aborts and gets "cancelled" at once; a request timeout is a network error', async () => {
    server.faults.delayMs = 5000;
    const ac = new AbortController();
    const t = Date.now();
    setTimeout(() => ac.abort(), 150);
    const e = await rejects(collect(client().getHistory(server.execution('long')!.arn, { signal: ac.signal })));
    assert.strictEqual(e.reason, 'cancelled');
    assert.ok(Date.now() - t < 2000, `abort took ${Date.now() - t} ms`);
    const t2 = Date.now();
    const timeout = await rejects(client({ requestTimeoutMs: 300, maxAttempts: 1 }).getExecution(server.execution('hello-world')!.arn));
    assert.strictEqual(timeout.reason, 'network');
    assert.ok(timeout.message.includes(server.endpoint), timeout.message);
    assert.ok(Date.now() - t2 < 3000);
    // An already-aborted signal sends nothing.
    server.requests.length = 0;
    const pre = await rejects(client().getExecution(server.execution('hello-world')!.arn, { signal: AbortSignal.abort() }));
    assert.strictEqual(pre.reason, 'cancelled');
    assert.strictEqual(server.requests.length, 0);
  });

  it('an expired paging marker says to reload the list', async () => {
    const seen: number[] = [];
    const e = await rejects(
      (async () => {
        for await (const page of client().listExecutionPages('bulk', { pageSize: 500 })) {
          seen.push(page.executions.length);
          server.faults.expireMarkers = true;
        }
      })()
    );
    assert.deepStrictEqual(seen, [500]);
    assert.strictEqual(e.reason, 'markerExpired');
    assert.match(e.message, /[Rr]eload the list/);
    server.faults.expireMarkers = false;
    const h = await rejects(
      (async () => {
        for await (const _ of client().getHistory(server.execution('long')!.arn)) server.faults.expireMarkers = true;
      })()
    );
    assert.strictEqual(h.reason, 'markerExpired');
  });

  it('stop and the three callback calls send the right method, path and body', async () => {
    const c = client();
    const waiting = server.execution('waiting')!;
    await c.sendCallbackHeartbeat('cb-open-1');
    await c.sendCallbackSuccess('cb-open-1', '{"approved":true}');
    await c.sendCallbackFailure('cb-open-2', { type: 'Rejected', message: 'no budget', data: '{"by":"ops"}' });
    const stopped = await c.stopExecution(waiting.arn, { type: 'Cancelled', message: 'stopped from Durable Lens' });
    assert.ok(stopped.stoppedAt instanceof Date);
    const [hb, ok, fail, stop] = server.requests;
    assert.deepStrictEqual([hb.method, hb.rawPath, hb.body], ['POST', '/2025-12-01/durable-execution-callbacks/cb-open-1/heartbeat', '']);
    assert.deepStrictEqual([ok.method, ok.rawPath, ok.body], ['POST', '/2025-12-01/durable-execution-callbacks/cb-open-1/succeed', '{"approved":true}']);
    assert.strictEqual(fail.rawPath, '/2025-12-01/durable-execution-callbacks/cb-open-2/fail');
    assert.deepStrictEqual(JSON.parse(fail.body), { ErrorType: 'Rejected', ErrorMessage: 'no budget', ErrorData: '{"by":"ops"}' });
    assert.strictEqual(stop.method, 'POST');
    assert.strictEqual(stop.path, `/2025-12-01/durable-executions/${waiting.arn}/stop`);
    assert.strictEqual(stop.rawPath, `/2025-12-01/durable-executions/${encodeURIComponent(waiting.arn)}/stop`);
    assert.deepStrictEqual(JSON.parse(stop.body), { ErrorType: 'Cancelled', ErrorMessage: 'stopped from Durable Lens' });
    const after = await c.getExecution(waiting.arn);
    assert.strictEqual(after.status, 'STOPPED');
    const events = (await collect(c.getHistory(waiting.arn))).flat();
    assert.deepStrictEqual(
      events.slice(-2).map((e) => e.EventType),
      ['CallbackSucceeded', 'ExecutionStopped']
    );
  });

  it('a callback that already completed (or timed out) is "callbackClosed"; an unknown one "notFound"', async () => {
    const c = client();
    // cb-open-1 was completed by the previous test, and every fixture callback belongs to a finished execution.
    const again = await rejects(c.sendCallbackSuccess('cb-open-1', '{}'));
    assert.strictEqual(again.reason, 'callbackClosed');
    assert.match(again.message, /already completed or timed out/);
    const fixtureCallback = server.executions
      .flatMap((x) => x.events)
      .map((e) => (e.CallbackStartedDetails as { CallbackId?: string } | undefined)?.CallbackId)
      .find((id): id is string => !!id);
    if (fixtureCallback) assert.strictEqual((await rejects(c.sendCallbackHeartbeat(fixtureCallback))).reason, 'callbackClosed');
    assert.strictEqual((await rejects(c.sendCallbackFailure('no-such-callback'))).reason, 'notFound');
  });

  it('an execution that progresses during a test (appendEvents) shows its new events and end', async () => {
    const x = server.addHistory({ functionName: 'orders', name: 'live', events: waitingHistory('cb-live', 'dddddddd-1111-4222-8333-444444444444') });
    const c = client();
    assert.strictEqual((await c.getExecution(x.arn)).status, 'RUNNING');
    assert.deepStrictEqual(server.openCallbacks(x.arn), ['cb-live']);
    const t = '2026-11-30T11:05:00.000Z';
    server.appendEvents(x.arn, [
      { EventType: 'CallbackSucceeded', SubType: 'Callback', EventId: 7, Id: x.events[2].Id, ParentId: x.events[2].ParentId, EventTimestamp: t, CallbackSucceededDetails: { Result: { Payload: '"ok"' } } },
      { EventType: 'ExecutionSucceeded', EventId: 8, Id: x.id, EventTimestamp: t, ExecutionSucceededDetails: { Result: { Payload: '"ok"' } } },
    ]);
    const after = await c.getExecution(x.arn);
    assert.strictEqual(after.status, 'SUCCEEDED');
    assert.strictEqual(after.endedAt?.toISOString(), t);
    assert.deepStrictEqual(server.openCallbacks(x.arn), []);
    assert.strictEqual((await collect(c.getHistory(x.arn))).flat().length, 8);
  });

  it('the server answers as AWS does on the wire: unsigned 403, typed error bodies, epoch-second timestamps', async () => {
    const x = server.execution('hello-world')!;
    const unsigned = await fetch(`${server.endpoint}/2025-12-01/durable-executions/${encodeURIComponent(x.arn)}`);
    assert.strictEqual(unsigned.status, 403);
    assert.strictEqual(unsigned.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.deepStrictEqual(await unsigned.json(), { Type: 'User', message: 'Missing Authentication Token' });
    // Signed by the SDK: the recorded request shows the shape of a real call.
    await client().getExecution(x.arn, { includeExecutionData: false });
    const rec = server.requests.at(-1)!;
    assert.strictEqual(rec.operation, 'GetDurableExecution');
    assert.deepStrictEqual(rec.query, { IncludeExecutionData: ['false'] });
    assert.ok(rec.signed);
    const e = await rejects(client().getExecution(x.arn.replace('hello-world', 'nope')));
    assert.strictEqual(e.code, 'ResourceNotFoundException');
    assert.strictEqual(e.httpStatus, 404);
    assert.ok(e.requestId?.startsWith('req-'));
  });

  it('an endpoint that is not the Lambda API (an HTML page) is one message without its body', async () => {
    const web = http.createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>secret intranet page</body></html>');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', () => resolve()));
    const endpoint = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    try {
      const e = await rejects(collect(client({ endpoint, maxAttempts: 1 }).listExecutions('orders')));
      assert.strictEqual(e.reason, 'network');
      assert.strictEqual(e.message, `The endpoint ${endpoint} answered ListDurableExecutionsByFunction with something that is not the Lambda API (HTTP 404, not JSON). Check that the endpoint is a Lambda API (e.g. \`sam local start-lambda\`) and its port.`);
      assert.ok(!(e.detail ?? '').includes('intranet'));
    } finally {
      web.close();
    }
  });

  it('stopping an execution that already ended is one invalid-input message', async () => {
    const e = await rejects(client().stopExecution(server.execution('hello-world')!.arn));
    assert.strictEqual(e.reason, 'invalidInput');
    assert.match(e.message, /not running/);
  });
});

describe('DurableLambdaClient against a SAM-local endpoint (mode: sam)', function () {
  this.timeout(20000);
  let server: LambdaServer;
  let restoreEnv: () => void;
  before(async () => {
    restoreEnv = setAwsEnv(staticKeysEnv());
    server = await startLambdaServer({ mode: 'sam', histories: [{ functionName: 'orders', name: 'long', events: longHistory(700) }] });
  });
  after(async () => {
    await server.close();
    restoreEnv();
  });

  it('has no list: one "unsupported" error that points to opening by ARN', async () => {
    const c = new DurableLambdaClient({ endpoint: server.endpoint, region: 'us-east-1' });
    const e = await rejects(collect(c.listExecutions('orders')));
    assert.strictEqual(e.reason, 'unsupported');
    assert.match(e.message, /history --arn/);
    assert.ok(e.message.includes(server.endpoint));
    assert.strictEqual((await rejects(collect(c.listDurableFunctions()))).reason, 'unsupported');
  });

  it('history is one page whatever MaxItems says; the local `<name>/<id>` form works', async () => {
    const c = new DurableLambdaClient({ endpoint: server.endpoint, region: 'us-east-1' });
    const x = server.execution('long')!;
    const pages = await collect(c.getHistory(`${x.name}/${x.id}`));
    assert.deepStrictEqual(
      pages.map((p) => p.length),
      [1402]
    );
    assert.strictEqual(server.requests.filter((r) => r.operation === 'GetDurableExecutionHistory').length, 1);
    // Payloads only because the client asks for them: SAM's own default is false.
    assert.strictEqual(pages[0][0].ExecutionStartedDetails?.Input?.Payload, '{"order":42}');
    assert.strictEqual((await c.getExecution(`${x.name}/${x.id}`)).status, 'SUCCEEDED');
  });

  it('history without IncludeExecutionData leaves the payloads out, as SAM does', async () => {
    const x = server.execution('long')!;
    const res = await fetch(`${server.endpoint}/2025-12-01/durable-executions/${encodeURIComponent(x.arn)}/history?MaxItems=5`);
    assert.strictEqual(res.status, 200);
    const body = (await res.json()) as { Events: Record<string, { Input?: { Payload?: string } }>[]; NextMarker?: string };
    assert.strictEqual(body.Events.length, 1402);
    assert.strictEqual(body.NextMarker, undefined);
    assert.deepStrictEqual(body.Events[0].ExecutionStartedDetails, { Input: {} });
    assert.strictEqual(typeof body.Events[0].EventTimestamp, 'number');
  });
});

describe('a history recorded with the testing SDK, served and read back', function () {
  this.timeout(30000);
  let events: Record<string, unknown>[] = [];
  let callbackId = '';
  let restoreEnv: () => void;
  let server: LambdaServer;

  before(async () => {
    // The real testing SDK (fake timers while it runs: torn down before any socket is opened).
    const { LocalDurableTestRunner, WaitingOperationStatus } = await import('@aws/durable-execution-sdk-js-testing');
    const { withDurableExecution } = await import('@aws/durable-execution-sdk-js');
    await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
    try {
      const handler = withDurableExecution(async (_event: unknown, ctx) => {
        const total = await ctx.step('price', async () => 42);
        await ctx.wait('cool-off', { seconds: 30 });
        const approval = await ctx.waitForCallback<string>('approval', async () => undefined);
        return { total, approval };
      });
      const runner = new LocalDurableTestRunner({ handlerFunction: handler });
      const done = runner.run({ payload: { order: 7 } });
      const op = runner.getOperation('approval');
      await op.waitForData(WaitingOperationStatus.SUBMITTED);
      callbackId = op.getCallbackDetails()?.callbackId ?? '';
      await op.sendCallbackSuccess(JSON.stringify('yes'));
      const result = await done;
      events = result.getHistoryEvents() as unknown as Record<string, unknown>[];
    } finally {
      await LocalDurableTestRunner.teardownTestEnvironment();
    }
    restoreEnv = setAwsEnv(staticKeysEnv());
    server = await startLambdaServer({ fixtures: false, histories: [{ functionName: 'recorded', name: 'run-1', events }] });
  });
  after(async () => {
    await server?.close();
    restoreEnv?.();
  });

  it('comes back event for event (timestamps as Dates), with its status and a closed callback', async () => {
    const c = new DurableLambdaClient({ endpoint: server.endpoint, region: 'us-east-1' });
    const x = server.execution('run-1')!;
    assert.strictEqual(x.status, 'SUCCEEDED');
    const back = (await collect(c.getHistory(x.arn, { pageSize: 3 }))).flat();
    const canon = (v: unknown): unknown =>
      JSON.parse(
        JSON.stringify(v, (k, val: unknown) =>
          k.endsWith('Timestamp') ? new Date(typeof val === 'number' ? val * 1000 : (val as string | Date)).toISOString() : val && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => (a < b ? -1 : 1))) : val
        )
      );
    assert.ok(events.length >= 8, `recorded ${events.length} events`);
    // The testing SDK writes `CallbackStartedDetails.Input`, which is not in the API model: the SDK client drops it.
    const recorded = events.map((e) => {
      const d = e.CallbackStartedDetails as Record<string, unknown> | undefined;
      if (!d || !('Input' in d)) return e;
      const { Input: _dropped, ...rest } = d;
      return { ...e, CallbackStartedDetails: rest };
    });
    assert.deepStrictEqual(canon(back), canon(recorded));
    assert.ok(back.some((e) => e.EventType === 'CallbackSucceeded'));
    assert.ok(callbackId, 'the testing SDK gave a callback id');
    assert.ok(back.some((e) => e.CallbackStartedDetails?.CallbackId === callbackId), 'the same callback id is in the history');
    assert.strictEqual((await rejects(c.sendCallbackSuccess(callbackId, '"again"'))).reason, 'callbackClosed');
    const detail = await c.getExecution(x.arn);
    assert.strictEqual(detail.input, JSON.stringify({ order: 7 }));
    // waitForCallback hands the handler the callback's result text as sent (SDK 2.4): the JSON text '"yes"'.
    assert.deepStrictEqual(JSON.parse(detail.result ?? 'null'), { total: 42, approval: '"yes"' });
  });
});
