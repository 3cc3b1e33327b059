// Runs in mocha (node): the shipped child bundle (dist/localRunner.js + dist/checkpoint-server/index.js,
// built by webpack) works alone: copied to a temp folder with no node_modules anywhere above it, it runs
// a TypeScript fixture and a sample from samples/ (also copied, with no node_modules) on the SDK it carries.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, REPO, run, tempDir } from './helpers';
import { eventSummary } from './helpers';

function hasNodeModulesAbove(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'node_modules'))) return true;
    if (path.dirname(d) === d) return false;
  }
}

describe('the localRunner bundle from dist/ alone', function () {
  this.timeout(120_000);
  let root: string;
  let runner: string;
  before(function () {
    const bundle = path.join(REPO, 'dist', 'localRunner.js');
    const worker = path.join(REPO, 'dist', 'checkpoint-server', 'index.js');
    assert.ok(fs.existsSync(bundle) && fs.existsSync(worker), 'build it first: npx webpack --mode development --config-name localRunner');
    root = tempDir('bundle');
    assert.ok(!hasNodeModulesAbove(root), `${root} must have no node_modules above it`);
    fs.mkdirSync(path.join(root, 'runner', 'checkpoint-server'), { recursive: true });
    fs.copyFileSync(bundle, path.join(root, 'runner', 'localRunner.js'));
    fs.copyFileSync(worker, path.join(root, 'runner', 'checkpoint-server', 'index.js'));
    runner = path.join(root, 'runner', 'localRunner.js');
    fs.cpSync(path.join(REPO, 'samples', 'fan-out'), path.join(root, 'fan-out'), { recursive: true });
    fs.mkdirSync(path.join(root, 'proj', 'helpers'), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'success.ts'), path.join(root, 'proj', 'success.ts'));
    fs.copyFileSync(path.join(FIXTURES, 'helpers', 'math.ts'), path.join(root, 'proj', 'helpers', 'math.ts'));
    fs.copyFileSync(path.join(FIXTURES, 'callback.ts'), path.join(root, 'proj', 'callback.ts'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('runs a TypeScript handler whose project has no SDK installed (the bundled SDK stands in)', async () => {
    const res = await run(path.join(root, 'proj', 'success.ts'), { workspaceRoot: path.join(root, 'proj'), runnerScript: runner, event: { n: 1 } }).done;
    assert.strictEqual(res.status, 'succeeded', res.error?.message);
    assert.deepStrictEqual(res.result, { kind: 'doubled', value: 3 });
  });

  it('completes a callback through the bundle', async () => {
    const r = run(path.join(root, 'proj', 'callback.ts'), { workspaceRoot: path.join(root, 'proj'), runnerScript: runner, event: { orderId: 'b' } });
    await new Promise<void>((resolve) => {
      const off = r.onDidChange((x) => x.status === 'waiting' && (off(), resolve()));
    });
    await r.sendCallbackSuccess(r.waitingOn[0]!.operationId, JSON.stringify({ approved: false, by: 'x' }));
    const res = await r.done;
    assert.deepStrictEqual(res.result, { done: 'declined' });
  });

  it('runs samples/fan-out (no node_modules): it loads, runs its steps and ends with a status', async () => {
    const res = await run(path.join(root, 'fan-out', 'src', 'handler.ts'), {
      workspaceRoot: path.join(root, 'fan-out'),
      runnerScript: runner,
      event: { bucket: 'b', manifestKey: 'manifest.json', ownerEmail: 'o@example.com' },
    }).done;
    // Its steps call web services: with no network here the first one fails after its retries.
    assert.ok(res.status === 'succeeded' || (res.status === 'failed' && res.error?.reason === 'handler-error'), `${res.status}: ${res.error?.message}`);
    assert.ok(eventSummary(res.events).includes('StepStarted:load-manifest'), eventSummary(res.events).join());
  });
});
