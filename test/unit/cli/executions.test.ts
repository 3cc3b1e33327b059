// Unit tier (node): the `executions` command against the loopback Lambda server, in-process through main() and as the built dist/cli.js process: the JSON contract, filters, text output, usage errors and one-message failures.
import * as assert from 'assert';
import * as fs from 'fs';
import { main } from '../../../src/cli/main';
import { setAwsEnv, staticKeysEnv, tempAwsHome } from '../../support/lambdaEnv';
import { FIXTURE_FUNCTION, TEST_CREDENTIALS, deadEndpoint, startLambdaServer, type LambdaServer } from '../../support/lambdaServer';
import { CLI, runInProcess, spawnCli } from './cliHarness';

const run = (args: string[], color = false) => runInProcess(main, args, { color });

const T0 = Date.parse('2026-11-20T08:00:00Z');

describe('durable-lens executions', function () {
  this.timeout(30000);
  let server: LambdaServer;
  let restore: () => void;
  let ep: string[];

  before(async () => {
    restore = setAwsEnv(staticKeysEnv());
    server = await startLambdaServer({
      executions: [
        ...Array.from({ length: 250 }, (_, i) => ({
          functionName: 'orders',
          name: `order-${i}`,
          status: i % 3 === 0 ? 'FAILED' : i % 3 === 1 ? 'SUCCEEDED' : 'RUNNING',
          startedAt: new Date(T0 + i * 1000),
          ...(i % 3 !== 2 ? { endedAt: new Date(T0 + i * 1000 + 2500) } : {}),
        })),
        { functionName: 'hostile', name: 'evil\u001b[31mred\u0007', status: 'SUCCEEDED', startedAt: new Date(T0), endedAt: new Date(T0 + 5) },
      ],
    });
    ep = ['--endpoint', server.endpoint, '--region', 'us-east-1'];
  });
  after(async () => {
    await server.close();
    restore();
  });
  beforeEach(() => {
    for (const k of Object.keys(server.faults)) delete (server.faults as Record<string, unknown>)[k];
    server.requests.length = 0;
  });

  it('--format json: the contract fields in order, ISO times, newest first, endedAt null while running', async () => {
    const r = await run(['executions', 'orders', '--format', 'json', '--max', '250', ...ep]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual(r.stderr, '');
    const json = JSON.parse(r.stdout) as { executions: Record<string, unknown>[] };
    assert.deepStrictEqual(Object.keys(json), ['executions']);
    assert.strictEqual(json.executions.length, 250);
    for (const x of json.executions) assert.deepStrictEqual(Object.keys(x), ['arn', 'name', 'function', 'status', 'startedAt', 'endedAt']);
    const first = json.executions[0];
    assert.strictEqual(first.name, 'order-249');
    assert.strictEqual(first.function, 'orders');
    assert.strictEqual(first.startedAt, new Date(T0 + 249 * 1000).toISOString());
    assert.strictEqual(first.status, 'FAILED');
    assert.strictEqual(first.endedAt, new Date(T0 + 249 * 1000 + 2500).toISOString());
    const running = json.executions.find((x) => x.status === 'RUNNING')!;
    assert.strictEqual(running.endedAt, null);
    assert.match(String(first.arn), /^arn:aws:lambda:us-east-1:123456789012:function:orders:\$LATEST\/durable-execution\/order-249\//);
    const times = json.executions.map((x) => Date.parse(String(x.startedAt)));
    assert.deepStrictEqual(times, [...times].sort((a, b) => b - a));
  });

  it('--status (repeated or comma-separated), --since/--until, --name and --max go to the API', async () => {
    const since = new Date(T0 + 10_000).toISOString();
    const until = new Date(T0 + 40_000).toISOString();
    const r = await run(['executions', 'orders', '--status', 'failed', '--status=running', '--since', since, '--until', until, '--format', 'json', ...ep]);
    assert.strictEqual(r.code, 0, r.stderr);
    const names = (JSON.parse(r.stdout) as { executions: { name: string }[] }).executions.map((x) => x.name);
    const expected: string[] = [];
    for (let i = 40; i >= 10; i--) if (i % 3 !== 1) expected.push(`order-${i}`);
    assert.deepStrictEqual(names, expected);
    assert.deepStrictEqual(server.requests[0].query.Statuses, ['FAILED', 'RUNNING']);
    const both = await run(['executions', 'orders', '--status', 'FAILED,SUCCEEDED', '--max', '3', '--format', 'json', ...ep]);
    assert.deepStrictEqual(
      (JSON.parse(both.stdout) as { executions: { name: string }[] }).executions.map((x) => x.name),
      ['order-249', 'order-247', 'order-246']
    );
    const one = await run(['executions', 'orders', '--name', 'order-7', '--format', 'json', ...ep]);
    assert.deepStrictEqual(
      (JSON.parse(one.stdout) as { executions: { name: string }[] }).executions.map((x) => x.name),
      ['order-7']
    );
  });

  it('--max stops paging early: the default is 100 in one request, and the text says more exist', async () => {
    const r = await run(['executions', 'orders', ...ep]);
    assert.strictEqual(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^STATUS\s+STARTED\s+DURATION\s+NAME\s+ARN$/);
    assert.strictEqual(lines.length, 1 + 100 + 1);
    assert.match(lines[1], /^FAILED\s+2026-11-20T08:04:09\.000Z\s+2\.5 s\s+order-249\s+arn:aws:lambda:/);
    assert.match(lines[lines.length - 1], /^100 executions \(more exist/);
    assert.strictEqual(server.requests.length, 1);
    assert.deepStrictEqual(server.requests[0].query.MaxItems, ['100']);
    const all = await run(['executions', 'orders', '--max', '1000', ...ep]);
    assert.match(all.stdout, /\n250 executions\n$/);
  });

  it('text output shows hostile names without escape sequences; an empty result says so', async () => {
    const r = await run(['executions', 'hostile', ...ep], true);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes('\u001b[31mred') && !r.stdout.includes('\u0007'), 'control characters from data reach the terminal');
    assert.ok(r.stdout.includes('evil?[31mred?'));
    assert.ok(r.stdout.includes('\u001b[32mSUCCEEDED'), 'status colour on a TTY');
    const none = await run(['executions', 'orders', '--name', 'nothing-like-this', ...ep]);
    assert.strictEqual(none.code, 0);
    assert.strictEqual(none.stdout, 'No executions of orders match.\n');
    const json = await run(['executions', 'hostile', '--format', 'json', ...ep]);
    assert.strictEqual((JSON.parse(json.stdout) as { executions: { name: string }[] }).executions[0].name, 'evil\u001b[31mred\u0007');
  });

  it('bad usage: exit 2 with one message and no request', async () => {
    const cases: [string[], RegExp][] = [
      [['executions'], /needs a FUNCTION/],
      [['executions', 'a', 'b'], /takes one FUNCTION/],
      [['executions', 'orders', '--status', 'DONE'], /--status: "DONE" is not one of RUNNING/],
      [['executions', 'orders', '--since', 'yesterday'], /--since: "yesterday" is not an ISO 8601 time/],
      [['executions', 'orders', '--since', '2026-12-02', '--until', '2026-12-01'], /--since is later than --until/],
      [['executions', 'orders', '--max', '0'], /--max: "0" is not a positive whole number/],
      [['executions', 'orders', '--format', 'yaml'], /--format: "yaml" is not text or json/],
      [['executions', 'orders', '--region', 'mars'], /--region: "mars" is not a region name/],
      [['executions', 'orders', '--endpoint', 'ftp://x'], /only http and https/],
      [['executions', 'orders', '--endpoint', 'http://user:pw@127.0.0.1:1'], /must not contain a user name or password/],
      [['executions', 'orders', '--region'], /--region needs a value/],
      [['executions', 'orders', '--bogus'], /unknown option --bogus/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      assert.strictEqual(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
      assert.strictEqual(r.stdout, '');
    }
    assert.strictEqual(server.requests.length, 0);
  });

  it('failures: exit 2 with one message that says what to do (not found, access denied, SAM endpoint, dead endpoint)', async () => {
    const nf = await run(['executions', 'missing-fn', ...ep]);
    assert.strictEqual(nf.code, 2);
    assert.strictEqual(nf.stderr, 'durable-lens executions: Not found: missing-fn (ListDurableExecutionsByFunction). Check the name or ARN, the region and the profile.\n');
    server.faults.accessDenied = true;
    const ad = await run(['executions', 'orders', ...ep]);
    assert.strictEqual(ad.code, 2);
    assert.match(ad.stderr, /^durable-lens executions: Access denied: lambda:ListDurableExecutionsByFunction on orders/);
    assert.strictEqual(ad.stderr.trimEnd().split('\n').length, 1);
    const sam = await startLambdaServer({ mode: 'sam', fixtures: false });
    try {
      const r = await run(['executions', 'orders', '--endpoint', sam.endpoint, '--region', 'us-east-1']);
      assert.strictEqual(r.code, 2);
      assert.match(r.stderr, /has no list API/);
      assert.ok(r.stderr.includes(`durable-lens history --arn ARN --endpoint ${sam.endpoint}`), r.stderr);
    } finally {
      await sam.close();
    }
    const dead = await deadEndpoint();
    const d = await run(['executions', 'orders', '--endpoint', dead, '--region', 'us-east-1']);
    assert.strictEqual(d.code, 2);
    assert.ok(d.stderr.includes(`Cannot reach ${dead}`), d.stderr);
    assert.ok(!`${nf.stderr}${ad.stderr}${d.stderr}`.includes(TEST_CREDENTIALS.secretAccessKey));
  });

  it('as a process (dist/cli.js): exit codes, one stderr line, no SDK warnings, credentials never printed', async function () {
    if (!fs.existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npx webpack --mode development --config-name cli` first');
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_PROFILE: 'ci' };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    // AWS_PROFILE plus env keys makes the SDK warn about two credential sources: that must not reach stderr.
    const ok = await spawnCli(['executions', 'orders', '--format', 'json', '--max', '2', ...ep], { env: { ...env, AWS_PROFILE: undefined } });
    assert.strictEqual(ok.code, 0, ok.stderr);
    assert.strictEqual(ok.stderr, '');
    assert.strictEqual((JSON.parse(ok.stdout) as { executions: unknown[] }).executions.length, 2);
    const bad = await spawnCli(['executions', 'orders', ...ep], { env });
    assert.strictEqual(bad.code, 2);
    assert.strictEqual(bad.stdout, '');
    assert.strictEqual(bad.stderr.trimEnd().split('\n').length, 1, bad.stderr);
    assert.strictEqual(bad.stderr, 'durable-lens executions: Profile "ci" is not in ~/.aws/config or ~/.aws/credentials. Pick another profile or run `aws configure --profile ci`.\n');
    server.faults.expiredToken = true;
    const verbose = await spawnCli(['executions', 'orders', '--verbose', ...ep], { env: { ...env, AWS_PROFILE: undefined } });
    assert.strictEqual(verbose.code, 2);
    assert.match(verbose.stderr, /ExpiredTokenException/);
    for (const r of [ok, bad, verbose]) {
      assert.ok(!(r.stdout + r.stderr).includes(TEST_CREDENTIALS.secretAccessKey), 'secret key printed');
      assert.ok(!(r.stdout + r.stderr).includes(TEST_CREDENTIALS.accessKeyId), 'key id printed');
    }
  });

  it('--profile with an expired SSO session: the exact login command, and no request', async () => {
    const home = tempAwsHome();
    const restoreHome = setAwsEnv({ HOME: home.home });
    try {
      const r = await run(['executions', 'orders', '--profile', 'dev', ...ep]);
      assert.strictEqual(r.code, 2);
      assert.strictEqual(r.stderr, 'durable-lens executions: The SSO session of profile "dev" has expired or was never started. Run `aws sso login --profile dev` and try again.\n');
      assert.strictEqual(server.requests.length, 0);
      const ci = await run(['executions', 'orders', '--profile', 'ci', '--format', 'json', '--max', '1', ...ep]);
      assert.strictEqual(ci.code, 0, ci.stderr);
      assert.strictEqual(server.requests.at(-1)!.signed, true);
    } finally {
      restoreHome();
      home.remove();
    }
  });

  it('FUNCTION may be a function ARN with a qualifier', async () => {
    const r = await run(['executions', 'arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST', '--max', '1', '--format', 'json', ...ep]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual((JSON.parse(r.stdout) as { executions: { name: string }[] }).executions[0].name, 'order-249');
    assert.strictEqual(server.requests[0].path, '/2025-12-01/functions/arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST/durable-executions');
  });

  it('reads the fixtures function too (49 executions)', async () => {
    const all = await startLambdaServer();
    try {
      const r = await run(['executions', FIXTURE_FUNCTION, '--max', '1000', '--format', 'json', '--endpoint', all.endpoint, '--region', 'us-east-1']);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.strictEqual((JSON.parse(r.stdout) as { executions: unknown[] }).executions.length, 49);
    } finally {
      await all.close();
    }
  });
});
