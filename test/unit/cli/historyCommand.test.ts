// Unit tier (node): the `history` command run in-process: text/json/mermaid on a recorded history, the three
// file formats, bad usage, missing/malformed/huge files, a folder and a FIFO given as the file, and --arn
// through the real SDK client against the loopback Lambda server (pages of 1000, typed AWS errors).
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runHistoryCommand } from '../../../src/cli/historyCommand';
import type { HistoryEvent } from '../../../src/core/history/events';
import { operationIdForPath } from '../../../src/core/history/ids';
import { deadEndpoint, executionArn, startLambdaServer, TEST_CREDENTIALS, type LambdaServer } from '../../support/lambdaServer';
import { ROOT, runInProcess, tempProjects } from './cliHarness';

const OWN = path.join(ROOT, 'test', 'fixtures', 'history');

const run = (args: string[], cwd = ROOT) => runInProcess(runHistoryCommand, args, { cwd });

function oneMessage(stderr: string): void {
  assert.ok(!/\n\s+at /.test(stderr), `no stack trace: ${stderr}`);
  assert.ok(stderr.startsWith('durable-lens history: '), stderr);
}

describe('durable-lens history', function () {
  this.timeout(60000);
  const tempDir = tempProjects('dl-history-cli-');
  let tmp: string;
  before(() => {
    tmp = tempDir();
  });

  it('text (default) on a recorded history, exit 0', async () => {
    const r = await run(['test/fixtures/history/parallel-and-child.history.json']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual(r.stderr, '');
    assert.match(r.stdout, /^Execution 33411569-8a21-45e7-b80f-087a1d8b3c73: SUCCEEDED$/m);
    assert.match(r.stdout, /^├─ parallel\.branch +left +SUCCEEDED/m);
    assert.match(r.stdout, /^runInChildContext +tail +SUCCEEDED +1 +21 ms +"L\+R"$/m);
  });

  it('--format json: the contract', async () => {
    const r = await run(['--format', 'json', path.join(OWN, 'retries-then-failure.history.json')]);
    assert.strictEqual(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { execution: { status: string }; operations: { id: string; kind: string; status: string; attempts: number; source: null }[]; events: HistoryEvent[] };
    assert.strictEqual(out.execution.status, 'FAILED');
    assert.deepStrictEqual(
      out.operations.map((o) => [o.id, o.kind, o.status, o.attempts, o.source]),
      [[operationIdForPath('1'), 'step', 'FAILED', 3, null]]
    );
    assert.strictEqual(out.events.length, 10);
  });

  it('--format=mermaid', async () => {
    const r = await run(['--format=mermaid', path.join(OWN, 'wait-for-callback.history.json')]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /^flowchart TD\n {2}exec\(\["execution#58; SUCCEEDED"\]\)/);
    assert.match(r.stdout, /subgraph op0_g\["approval"\]/);
  });

  it('reads the API {Events} with epoch seconds and SAM\'s JSON output', async () => {
    const events = JSON.parse(fs.readFileSync(path.join(OWN, 'map-with-failure.history.json'), 'utf8')) as HistoryEvent[];
    const api = path.join(tmp, 'api.json');
    fs.writeFileSync(api, JSON.stringify({ Events: events.map((e) => ({ ...e, EventTimestamp: Date.parse(e.EventTimestamp) / 1000 })) }));
    const sam = path.join(tmp, 'sam.json');
    fs.writeFileSync(sam, JSON.stringify({ Events: events.map((e) => ({ ...e, EventTimestamp: e.EventTimestamp.replace('T', ' ').replace('Z', '000+00:00') })) }, null, 2));
    const want = (await run(['--format', 'json', path.join(OWN, 'map-with-failure.history.json')])).stdout;
    for (const f of [api, sam]) {
      const r = await run(['--format', 'json', f]);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.strictEqual(r.stdout, want, f);
    }
  });

  it('bad usage: exit 2 with one message and the usage line', async () => {
    const cases: [string[], RegExp][] = [
      [[], /needs a HISTORY\.json or --arn/],
      [['a.json', 'b.json'], /takes one HISTORY\.json/],
      [['a.json', '--arn', 'arn:aws:lambda:us-east-1:123456789012:function:f:1/durable-execution/n/i'], /either a HISTORY\.json or --arn/],
      [['--format', 'yaml', 'a.json'], /unknown format "yaml"/],
      [['--format'], /--format needs a value/],
      [['--frobnicate', 'a.json'], /unknown option --frobnicate/],
      [['--region', 'us-east-1', 'a.json'], /go with --arn/],
      [['--arn', 'not an arn'], /not a durable execution ARN/],
      [['--arn', 'x', '--region', 'Mars'], /--region: "Mars" is not a region name/],
    ];
    for (const [args, re] of cases) {
      const r = await run(args);
      assert.strictEqual(r.code, 2, args.join(' '));
      assert.strictEqual(r.stdout, '');
      oneMessage(r.stderr);
      assert.match(r.stderr, re, args.join(' '));
      assert.match(r.stderr, /Usage: durable-lens history/);
    }
  });

  it('a missing file, a folder, a FIFO, malformed JSON, not a history, empty, too large: exit 2, one clear message each', async function () {
    const malformed = path.join(tmp, 'bad.json');
    fs.writeFileSync(malformed, '[{"EventType": "ExecutionStarted"},\n  oops]');
    const notHistory = path.join(tmp, 'package.json');
    fs.writeFileSync(notHistory, '{"name": "x", "version": "1.0.0"}');
    const empty = path.join(tmp, 'empty.json');
    fs.writeFileSync(empty, '');
    const huge = path.join(tmp, 'huge.json');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, 100 * 1024 * 1024); // sparse: 100 MB without writing them
    const fifo = path.join(tmp, 'pipe.json');
    const mk = spawnSync('mkfifo', [fifo]);
    const cases: [string, RegExp][] = [
      [path.join(tmp, 'nope.json'), /no such file: .*nope\.json$/m],
      [tmp, /is a folder, not a history file/],
      [malformed, /bad\.json: the history file is not valid JSON: line 2, column 3/],
      [notHistory, /not a durable execution history.*"name", "version"/],
      [empty, /the history file is empty/],
      [huge, /huge\.json: the history file is 100 MB, over the 50 MB limit/],
    ];
    if (mk.status === 0) cases.push([fifo, /is not a regular file \(a pipe, socket or device\)/]);
    for (const [file, re] of cases) {
      const t0 = Date.now();
      const r = await run([file]);
      assert.strictEqual(r.code, 2, file);
      assert.strictEqual(r.stdout, '');
      oneMessage(r.stderr);
      assert.match(r.stderr, re);
      assert.strictEqual(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(Date.now() - t0 < 2000, `${file} answered in ${Date.now() - t0} ms`);
    }
    assert.strictEqual(mk.status, 0, 'mkfifo is available here, so the FIFO case ran');
  });

  it('--source: a file without a handler leaves source null with a note on stderr; a missing source file is an error', async () => {
    const r = await run(['--source', 'package.json', '--format', 'json', path.join(OWN, 'hostile-names.history.json')]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /--source: no durable handler in package\.json; "source" is null/);
    assert.ok((JSON.parse(r.stdout) as { operations: { source: unknown }[] }).operations.every((o) => o.source === null));
    const missing = await run(['--source', 'no/such/handler.ts', path.join(OWN, 'hostile-names.history.json')]);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr, /--source: no such file/);
  });

  describe('--arn against the loopback Lambda server', () => {
    let server: LambdaServer;
    const saved: Record<string, string | undefined> = {};
    const env = { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials' };
    let big: HistoryEvent[];
    before(async () => {
      for (const [k, v] of Object.entries(env)) {
        saved[k] = process.env[k];
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      // 2,500 events: three pages of 1000.
      const t = Date.parse('2026-01-01T00:00:00.000Z');
      big = [{ EventType: 'ExecutionStarted', EventId: 1, Id: 'big-exec', EventTimestamp: new Date(t).toISOString(), ExecutionStartedDetails: { Input: { Payload: '{}' } } }];
      for (let i = 1; big.length < 2499; i++) {
        const id = operationIdForPath(String(i));
        big.push({ EventType: 'StepStarted', SubType: 'Step', EventId: big.length + 1, Id: id, Name: `s${i}`, EventTimestamp: new Date(t + i).toISOString() });
        big.push({ EventType: 'StepSucceeded', SubType: 'Step', EventId: big.length + 1, Id: id, Name: `s${i}`, EventTimestamp: new Date(t + i).toISOString(), StepSucceededDetails: { Result: { Payload: String(i) } } });
      }
      big.push({ EventType: 'ExecutionSucceeded', EventId: big.length + 1, Id: 'big-exec', EventTimestamp: new Date(t + 5000).toISOString() });
      server = await startLambdaServer({
        fixtures: false,
        histories: [
          { functionName: 'orders', name: 'big', id: 'big-exec', version: '7', events: big },
          { functionName: 'orders', name: 'waiting', id: 'w1', version: '7', events: JSON.parse(fs.readFileSync(path.join(OWN, 'running-waiting-for-callback.history.json'), 'utf8')) },
        ],
      });
    });
    after(async () => {
      await server?.close();
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });

    it('pages the whole history with the real SDK client and shows it', async () => {
      const arn = executionArn({ functionName: 'orders', version: '7', name: 'big', id: 'big-exec' });
      const r = await run(['--arn', arn, '--region', 'us-east-1', '--endpoint', server.endpoint, '--format', 'json']);
      assert.strictEqual(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { execution: Record<string, unknown>; operations: unknown[]; events: HistoryEvent[] };
      assert.strictEqual(out.events.length, big.length);
      assert.deepStrictEqual(out.events, big, 'epoch seconds from the API come back as the ISO timestamps recorded');
      assert.strictEqual(out.operations.length, (big.length - 2) / 2);
      assert.deepStrictEqual([out.execution.arn, out.execution.name, out.execution.functionName, out.execution.version, out.execution.status], [arn, 'big', 'orders', '7', 'SUCCEEDED']);
      const pages = server.requests.filter((q) => q.operation === 'GetDurableExecutionHistory' && q.path.includes('big-exec'));
      assert.strictEqual(pages.length, 3);
      assert.ok(pages.every((q) => q.query.MaxItems?.[0] === '1000' && q.signed));
    });

    it('a running execution: the pending callback in the text', async () => {
      const arn = executionArn({ functionName: 'orders', version: '7', name: 'waiting', id: 'w1' });
      const r = await run(['--arn', arn, '--region', 'us-east-1', '--endpoint', server.endpoint]);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Execution waiting of orders:7: RUNNING$/m);
      assert.match(r.stdout, /Waiting +callback eyJ\S+ \(approval\)/);
    });

    it('a SAM local endpoint: the NAME/ID that sam prints, one page, payloads asked for explicitly', async () => {
      const sam = await startLambdaServer({ mode: 'sam', fixtures: false, histories: [{ functionName: 'orders', name: 'local-run', id: 'a1b2', events: JSON.parse(fs.readFileSync(path.join(OWN, 'invoke.history.json'), 'utf8')) }] });
      try {
        const r = await run(['--arn', 'local-run/a1b2', '--endpoint', sam.endpoint, '--format', 'json']);
        assert.strictEqual(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout) as { execution: { status: string; result: { payload: string } }; operations: { kind: string }[] };
        assert.strictEqual(out.execution.status, 'SUCCEEDED');
        assert.deepStrictEqual(out.operations.map((o) => o.kind), ['invoke', 'invoke']);
        assert.strictEqual(out.execution.result.payload, '{"receipt":{"charged":5},"refused":"fraud suspected"}', 'SAM leaves payloads out unless asked: we ask');
        const asks = sam.requests.filter((q) => q.operation === 'GetDurableExecutionHistory');
        assert.ok(asks.length === 1 && asks[0]!.query.IncludeExecutionData?.[0] === 'true');
      } finally {
        await sam.close();
      }
    });

    it('not found, access denied and a dead endpoint: exit 2 with the AWS client\'s one message', async () => {
      const missing = executionArn({ functionName: 'orders', version: '7', name: 'nope', id: 'x' });
      const nf = await run(['--arn', missing, '--region', 'us-east-1', '--endpoint', server.endpoint]);
      assert.strictEqual(nf.code, 2);
      oneMessage(nf.stderr);
      assert.match(nf.stderr, /not found|does not exist|No execution/i);
      server.faults.accessDenied = true;
      try {
        const denied = await run(['--arn', executionArn({ functionName: 'orders', version: '7', name: 'big', id: 'big-exec' }), '--region', 'us-east-1', '--endpoint', server.endpoint]);
        assert.strictEqual(denied.code, 2);
        oneMessage(denied.stderr);
        assert.match(denied.stderr, /denied/i);
        assert.ok(!denied.stderr.includes(TEST_CREDENTIALS.secretAccessKey));
      } finally {
        server.faults.accessDenied = undefined;
      }
      const dead = await deadEndpoint();
      const t0 = Date.now();
      const down = await run(['--arn', missing, '--region', 'us-east-1', '--endpoint', dead]);
      assert.strictEqual(down.code, 2);
      oneMessage(down.stderr);
      assert.ok(down.stderr.includes(dead.replace(/^https?:\/\//, '')), `names the endpoint: ${down.stderr}`);
      assert.ok(Date.now() - t0 < 30000);
    });
  });
});
