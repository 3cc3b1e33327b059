// Runs in mocha (node): the CLI `run` command in-process (main()) and once as `node dist/cli.js run`,
// against real local runs: exit codes, the text summary, --out in the fixture format, callbacks, bad usage.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseHistoryText } from '../../../src/core/history/events';
import { main } from '../../../src/cli/main';
import { FIXTURES, tempDir } from '../local/helpers';
import { CLI, runInProcess, spawnCli } from './cliHarness';

const cli = (args: string[], cwd = FIXTURES) => runInProcess(main, ['run', ...args], { cwd });

describe('cli run', function () {
  this.timeout(90_000);
  let tmp: string;
  before(() => (tmp = tempDir('cli-run')));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a succeeding handler: exit 0 and a summary of its operations', async () => {
    const r = await cli(['success.ts', '--event', '{"n":2}']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /SUCCEEDED/);
    assert.match(r.stdout, /step\s+double\s+SUCCEEDED/);
    assert.match(r.stdout, /wait\s+pause\s+SUCCEEDED/);
    assert.match(r.stdout, /Result\s+\{"kind":"doubled","value":5\}/);
  });

  it('a failing handler: exit 1 with the error on stderr; --event-file gives the event', async () => {
    const ev = path.join(tmp, 'event.json');
    fs.writeFileSync(ev, '{"orderId":"o-9"}');
    const r = await cli(['handlerError.ts', '--event-file', ev]);
    assert.strictEqual(r.code, 1);
    assert.match(r.stderr, /the execution failed: OrderRejected: order o-9 rejected/);
    assert.match(r.stdout, /FAILED/);
  });

  it('--out writes the history as a plain array of events (the SDK fixture format)', async () => {
    const out = path.join(tmp, 'retry.history.json');
    const r = await cli(['retry.ts', '--out', out]);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /succeeded: \d+ events written to/);
    const parsed = parseHistoryText(fs.readFileSync(out, 'utf8'));
    assert.strictEqual(parsed.format, 'array');
    assert.strictEqual(parsed.events.filter((e) => e.EventType === 'StepFailed').length, 2);
  });

  it('a run waiting on a callback: ends at once with the callback id and what to do (exit 2)', async () => {
    const r = await cli(['callback.ts', '--event', '{"orderId":"w"}']);
    assert.strictEqual(r.code, 2);
    assert.match(r.stderr, /waits on callback \S+ \(approval\); the CLI cannot complete a callback interactively/);
    assert.match(r.stderr, /--callback-result JSON/);
    assert.match(r.stdout, /Waiting\s+callback/);
  });

  it('--callback-result completes the callback: exit 0 with the result', async () => {
    const r = await cli(['callback.ts', '--event', '{"orderId":"w"}', '--callback-result', '{"approved":true,"by":"cli"}']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /charged by cli/);
  });

  it('--handler picks an export; a crash and a hang end with exit 2 and one message', async () => {
    const a = await cli(['twoHandlers.ts', '--handler', 'first']);
    assert.strictEqual(a.code, 0, a.stderr);
    const b = await cli(['crash.ts']);
    assert.strictEqual(b.code, 2);
    assert.match(b.stderr, /the run crashed: the handler's process exited with code 3/);
    const c = await cli(['hang.ts', '--timeout', '3']);
    assert.strictEqual(c.code, 2);
    assert.match(c.stderr, /the run timed out: the handler made no progress for 3 s/);
  });

  it('--invoke-targets registers targets (files relative to the project folder); a missing one is named', async () => {
    const targets = JSON.stringify({ doubler: 'test/fixtures/local/doubler.ts#doubler', pricing: { response: { cents: 7 } } });
    const ok = await cli(['invoke.ts', '--event', '{"n":2}', '--invoke-targets', targets]);
    assert.strictEqual(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Result\s+\{"value":4,"cents":7\}/);
    const missing = await cli(['invoke.ts', '--event', '{"n":2}']);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr, /invokes "doubler", which is not an invoke target: add it to durableLens\.local\.invokeTargets/);
  });

  it('bad usage: exit 2 with one message each', async () => {
    const cases: [string[], RegExp][] = [
      [[], /run needs a handler FILE/],
      [['a.ts', 'b.ts'], /one handler file/],
      [['success.ts', '--event', '{bad'], /--event is not valid JSON/],
      [['success.ts', '--event', '{}', '--event-file', 'x.json'], /not both/],
      [['success.ts', '--event-file', 'missing.json'], /cannot read --event-file .*ENOENT/],
      [['success.ts', '--callback-result', 'nope'], /--callback-result is not valid JSON/],
      [['success.ts', '--timeout', '-1'], /--timeout needs a number/],
      [['success.ts', '--frobnicate'], /unknown option --frobnicate/],
      [['success.ts', '--invoke-targets', '[1]'], /--invoke-targets must be an object/],
      [['success.ts', '--invoke-targets', '{"a":3}'], /"a" must be "file.ts#export" or \{"response": …\}/],
      [['missing.ts'], /handler file not found/],
      [['twoHandlers.ts'], /several durable handlers/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(args);
      assert.strictEqual(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(' '));
      assert.ok(!/\n\s+at /.test(r.stderr), `no stack trace without --verbose: ${r.stderr}`);
    }
  });

  it('as a process: node dist/cli.js run (the bundled CLI finds dist/localRunner.js)', async () => {
    assert.ok(fs.existsSync(CLI), 'build it first: npx webpack --mode development --config-name cli');
    const r = await spawnCli(['run', path.join(FIXTURES, 'success.ts'), '--event', '{"n":0}'], { cwd: tmp });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /Result\s+\{"kind":"doubled","value":1\}/);
  });
});
