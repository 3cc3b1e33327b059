// Unit tier (node): `check --against-history DIR` — in process through runCheckCommand and once as the built CLI
// (dist/cli.js): each recorded execution checked against the handler it belongs to among the checked files, the
// JSON contract, exit codes, and files in DIR that are not histories (one note each, never a failure).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CheckFailure, parseCheckArgs, runCheckCommand, UsageError } from '../../../src/cli/checkCommand';
import { CLI, ROOT, runCli, runInProcess, tempProjects, type JsonDiagnostic } from './cliHarness';

const DRIFT = path.join(ROOT, 'test', 'fixtures', 'mapping', 'drift');

const check = (cwd: string, args: string[]) => runInProcess(runCheckCommand, args, { cwd });

const fixture = (name: string) => fs.readFileSync(path.join(DRIFT, name), 'utf8');

describe('check --against-history DIR', function () {
  this.timeout(60000);
  const project = tempProjects('dl-against-');

  /** order.ts with a step inserted before the recorded ones; nested.ts with its completed child renamed; two histories and two stray files. */
  function broken(): string {
    const dir = project({
      'src/order.ts': fixture('orderInsertBefore.ts'),
      'src/nested.ts': fixture('nestedRenameChild.ts'),
      'src/unrelated.ts': "export const x = 1;\n",
      'histories/order.history.json': fixture('order.history.json'),
      'histories/more/nested.history.json': fixture('nested.history.json'),
      'histories/notes.json': '{"hello": "world"}',
      'histories/cut.json': '[{"EventType": "ExecutionStarted", ',
    });
    return dir;
  }

  it('parses the option (both spellings) and keeps it out of the paths', () => {
    assert.strictEqual(parseCheckArgs(['src', '--against-history', 'h']).againstHistory, 'h');
    assert.strictEqual(parseCheckArgs(['--against-history=h', 'src']).againstHistory, 'h');
    assert.deepStrictEqual(parseCheckArgs(['--against-history=h', 'src']).paths, ['src']);
    assert.throws(() => parseCheckArgs(['--against-history']), UsageError);
    assert.strictEqual(parseCheckArgs(['src']).againstHistory, undefined);
  });

  it('reports each execution against its own handler, at the call site, with exit 1 for a running one', async () => {
    const dir = broken();
    const r = await check(dir, ['src', '--against-history', 'histories', '--format', 'json']);
    assert.strictEqual(r.code, 1, r.stderr);
    const ds = (JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics.filter((d) => d.rule === 'replay-mismatch');
    const order = fixture('orderInsertBefore.ts').split('\n');
    const nested = fixture('nestedRenameChild.ts').split('\n');
    const orderLine = order.findIndex((l) => l.includes("context.step('validate'")) + 1;
    const nestedLine = nested.findIndex((l) => l.includes("runInChildContext('")) + 1;
    assert.deepStrictEqual(
      ds.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity}`),
      [`src/nested.ts:${nestedLine}:${nested[nestedLine - 1]!.indexOf('context.runInChildContext') + 1} error`, `src/order.ts:${orderLine}:${order[orderLine - 1]!.indexOf('context.step') + 1} error`],
    );
    assert.match(ds[1]!.message, /"validate".*"reserve"/);
    assert.match(ds[1]!.message, /Resuming execution "order" \(running\) would fail with NonDeterministicExecutionError\.$/);
    assert.match(ds[0]!.message, /"nested" \(running\)/);
    // The JSON message is the rule's message alone (the contract); the rule is its own field.
    assert.doesNotMatch(ds[0]!.message, /durable-lens\//);
    // The stray files are one note each, not failures (the exit code is the findings').
    assert.match(r.stderr, /note: histories\/notes\.json is not checked: .*not a durable execution history/);
    assert.match(r.stderr, /note: histories\/cut\.json is not checked: .*not valid JSON/);
  });

  it('the code as recorded: no replay-mismatch, exit 0', async () => {
    const dir = project({ 'src/order.ts': fixture('order.ts'), 'src/edit.ts': fixture('orderEditStepBody.ts').replace(/\border\b/g, 'order2'), 'h/order.history.json': fixture('order.history.json') });
    const r = await check(dir, ['src/order.ts', '--against-history', 'h', '--format', 'json']);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.deepStrictEqual((JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics, []);
  });

  it('edits the SDK does not notice (step body, untaken branch, after the last recorded operation) pass', async () => {
    for (const f of ['orderEditStepBody.ts', 'orderEditUntakenBranch.ts', 'orderAddAfterLast.ts']) {
      const dir = project({ 'src/order.ts': fixture(f), 'h/order.history.json': fixture('order.history.json') });
      const r = await check(dir, ['src', '--against-history', 'h', '--format', 'json']);
      const ds = (JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics.filter((d) => d.rule === 'replay-mismatch');
      assert.deepStrictEqual(ds, [], f);
    }
  });

  it('the project configuration can turn the rule off or change its severity', async () => {
    const dir = broken();
    fs.writeFileSync(path.join(dir, 'durable-lens.json'), JSON.stringify({ rules: { 'replay-mismatch': 'warning' } }));
    let r = await check(dir, ['src', '--against-history', 'histories', '--format', 'json']);
    let ds = (JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics.filter((d) => d.rule === 'replay-mismatch');
    assert.deepStrictEqual(ds.map((d) => d.severity), ['warning', 'warning']);
    assert.strictEqual(r.code, 0);
    fs.writeFileSync(path.join(dir, 'durable-lens.json'), JSON.stringify({ rules: { 'replay-mismatch': 'off' } }));
    r = await check(dir, ['src', '--against-history', 'histories', '--format', 'json']);
    ds = (JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics.filter((d) => d.rule === 'replay-mismatch');
    assert.deepStrictEqual(ds, []);
  });

  it('a missing folder is one failure that names it (exit 2, no usage text)', async () => {
    const dir = broken();
    await assert.rejects(check(dir, ['src', '--against-history', 'nowhere']), (e: Error) => e instanceof CheckFailure && /--against-history: no such folder: .*nowhere/.test(e.message));
  });

  it('the built CLI: text output, exit 1, the note on stderr', function () {
    if (!fs.existsSync(CLI)) this.skip(); // dist/ is built by `npx webpack`; the in-process tests above cover the logic
    const dir = broken();
    const r = runCli(['check', 'src', '--against-history', 'histories'], { cwd: dir });
    assert.strictEqual(r.code, 1, r.stderr);
    assert.match(r.stdout, /src\/order\.ts\s*\n?.*replay-mismatch/s);
    assert.match(r.stderr, /durable-lens: note: histories\/notes\.json is not checked/);
  });
});
