// Unit tests (mocha, node): the rebuild fixes runFixes.test.ts does not run — a Map carried as its entries
// (lossy-step-result) and process.hrtime.bigint() carried as a string (nondeterministic-call) — applied from the
// rules' own findings and run, before and after, with the AWS testing SDK's LocalDurableTestRunner.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { LocalDurableTestRunner, WaitingOperationStatus } from '@aws/durable-execution-sdk-js-testing';
import { findContextInScope } from '../../../src/core/analysis/operations';
import { checkSourceFile } from '../../../src/core/check';
import { applyEdits } from '../../../src/core/fixes/fixModel';
import { getQuickFixes } from '../../../src/core/fixes/quickFixes';
import type { RuleId } from '../../../src/core/rules/catalog';
import { REPO_ROOT } from '../rules/harness';

/** Under the repository so the emitted `require('@aws/durable-execution-sdk-js')` resolves from node_modules. */
const RUN_DIR = path.join(REPO_ROOT, 'out', 'fixes-run');
const HEAD = "import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';\n";

interface Run {
  readonly status: string;
  readonly result: unknown;
  readonly error: string | undefined;
  readonly invocations: number;
}

/** The preferred fix of the one `rule` finding, applied; fails when there is none or it leaves the finding. */
function fixed(source: string, rule: RuleId, fixName: string): string {
  const sf = ts.createSourceFile('/t/handler.ts', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const findings = checkSourceFile(ts, undefined, sf).filter((f) => f.rule === rule);
  assert.strictEqual(findings.length, 1, `one ${rule} finding in:\n${source}`);
  const errors: unknown[] = [];
  const fix = getQuickFixes(ts, sf, findings[0]!, (n) => findContextInScope(ts, n), (e) => errors.push(e))[0];
  assert.deepStrictEqual(errors, []);
  assert.ok(fix?.preferred && fix.fixName === fixName, `the preferred fix is ${fixName}: got ${fix?.fixName}`);
  const text = applyEdits(source, fix.edits);
  const left = checkSourceFile(ts, undefined, ts.createSourceFile('/t/handler.ts', text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS)).filter((f) => f.rule === rule);
  assert.deepStrictEqual(left.map((f) => f.message), [], `no ${rule} finding left:\n${text}`);
  return text;
}

let counter = 0;
async function run(source: string): Promise<Run> {
  const out = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true }, reportDiagnostics: true });
  assert.deepStrictEqual((out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), [], `valid syntax:\n${source}`);
  fs.mkdirSync(RUN_DIR, { recursive: true });
  const file = path.join(RUN_DIR, `rebuild-${process.pid}-${counter++}.js`);
  fs.writeFileSync(file, out.outputText);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { handler: ConstructorParameters<typeof LocalDurableTestRunner>[0]['handlerFunction'] };
  fs.rmSync(file);
  const runner = new LocalDurableTestRunner({ handlerFunction: mod.handler });
  const pending = runner.run({ payload: {} });
  // The handlers wait for the 'resume' callback: completing it makes the SDK replay them in a new invocation
  // (a plain wait with time skipped may go on in the same one). A handler that fails first never submits it.
  const op = runner.getOperation('resume');
  const submitted = op.waitForData(WaitingOperationStatus.SUBMITTED).then(() => true, () => false);
  if (await Promise.race([submitted, pending.then(() => false, () => false)])) await op.sendCallbackSuccess('""');
  const r = await pending;
  const status = String(r.getStatus());
  if (status === 'SUCCEEDED') return { status, result: r.getResult(), error: undefined, invocations: r.getInvocations().length };
  const err = r.getError() as { errorMessage?: string } | undefined;
  return { status, result: undefined, error: err?.errorMessage ?? JSON.stringify(err), invocations: r.getInvocations().length };
}

describe('rebuild fixes verified by running the fixed code (LocalDurableTestRunner)', function () {
  this.timeout(120000);
  before(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
  after(() => LocalDurableTestRunner.teardownTestEnvironment());

  it('a Map returned by a step: the original gets {} back and fails, the fix carries the entries and rebuilds it', async () => {
    const source = `${HEAD}export const handler = withDurableExecution(async (event: unknown, context: DurableContext) => {
  const prices = await context.step('prices', async () => new Map([['a', 3], ['b', 4]]));
  await context.waitForCallback('resume', async () => {});
  return { a: prices.get('a'), size: prices.size };
});
`;
    const after = fixed(source, 'lossy-step-result', 'durableLens.carryJsonValue');
    assert.ok(after.includes("new Map(await context.step('prices'"), after);
    const o = await run(source);
    assert.strictEqual(o.status, 'FAILED', 'the Map came back a plain object');
    assert.match(o.error ?? '', /prices\.get is not a function/);
    const f = await run(after);
    assert.strictEqual(f.status, 'SUCCEEDED', f.error);
    assert.ok(f.invocations >= 2, 'the handler was replayed after the callback');
    assert.deepStrictEqual(f.result, { a: 3, size: 2 });
  });

  it('process.hrtime.bigint(): the fix carries it as a string and rebuilds the BigInt, the same value on replay', async () => {
    const source = `${HEAD}export const handler = withDurableExecution(async (event: unknown, context: DurableContext) => {
  const t0 = process.hrtime.bigint();
  const first = await context.step('first', async () => t0.toString());
  await context.waitForCallback('resume', async () => {});
  return { isBigInt: typeof t0 === 'bigint', replayStable: first === t0.toString() };
});
`;
    const after = fixed(source, 'nondeterministic-call', 'durableLens.wrapInStep');
    assert.ok(after.includes("BigInt(await context.step('t0'"), after);
    const o = await run(source);
    assert.strictEqual(o.status, 'SUCCEEDED', o.error);
    assert.deepStrictEqual(o.result, { isBigInt: true, replayStable: false }, 'the original reads another time on replay');
    const f = await run(after);
    assert.strictEqual(f.status, 'SUCCEEDED', f.error);
    assert.ok(f.invocations >= 2, 'the handler was replayed after the callback');
    assert.deepStrictEqual(f.result, { isBigInt: true, replayStable: true });
  });
});
