// Runs in mocha (node): "Generate Test from Execution": a real local run recorded, the generated test run
// with mocha against the handler (passes), and against the handler with one more step (fails).
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { defaultTestFileFor, GenerateTestError, generateTestSource, readRecordedOutcome, writeGeneratedTest } from '../../../src/local/generateTest';
import { CHILD, FIXTURES, REPO, run, tempDir, TYPESCRIPT, whenStatus } from './helpers';

/** A project folder outside the repository whose node_modules is the repository's (the SDKs, mocha). */
function project(files: string[]): string {
  const dir = tempDir('gen');
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  }
  // TypeScript for mocha through the same require hook the local runner uses.
  fs.writeFileSync(
    path.join(dir, 'register.js'),
    `require(${JSON.stringify(path.join(REPO, 'out', 'src', 'local', 'loadHandler.js'))}).installRequireHook({ typescriptPath: ${JSON.stringify(TYPESCRIPT)}, bundledSdk: require('@aws/durable-execution-sdk-js') });\n`
  );
  return dir;
}

function mocha(dir: string, testFile: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--require', './register.js', testFile],
      { cwd: dir, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr })
    );
  });
}

function addStepAfterReserve(file: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const edited = text.replace(
    "await context.step('reserve', async () => event.orderId);",
    "await context.step('reserve', async () => event.orderId);\n  await context.step('audit', async () => 'new');"
  );
  assert.notStrictEqual(edited, text);
  fs.writeFileSync(file, edited);
}

describe('generate test from execution', function () {
  this.timeout(180_000);
  const cleanup: string[] = [];
  after(() => cleanup.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('a run with a waitForCallback: the generated test passes, and fails once the handler takes another step', async () => {
    const dir = project(['callback.ts']);
    cleanup.push(dir);
    const handlerFile = path.join(dir, 'callback.ts');
    const r = run(handlerFile, { workspaceRoot: dir, event: { orderId: 'o-42' }, runnerScript: CHILD });
    await whenStatus(r, 'waiting');
    await r.sendCallbackSuccess(r.waitingOn[0]!.operationId, JSON.stringify({ approved: true, by: 'zoe' }));
    const res = await r.done;
    assert.strictEqual(res.status, 'succeeded', res.error?.message);

    const testFile = defaultTestFileFor(handlerFile);
    assert.strictEqual(testFile, path.join(dir, 'callback.recorded.test.ts'));
    writeGeneratedTest({ events: res.events, handlerFile, testFile });
    const text = fs.readFileSync(testFile, 'utf8');
    assert.match(text, /from "\.\/callback";/);
    assert.match(text, /"name": "approval"/);
    assert.match(text, /"done": "charged by zoe"/);

    const pass = await mocha(dir, testFile);
    assert.strictEqual(pass.code, 0, pass.output);
    assert.match(pass.output, /1 passing/);

    addStepAfterReserve(handlerFile);
    const fail = await mocha(dir, testFile);
    assert.notStrictEqual(fail.code, 0, fail.output);
    assert.match(fail.output, /1 failing/);
    assert.match(fail.output, /the workflow no longer matches the recording|expectedOperations|deepEqual|Expected/);
  });

  it('a run with steps, a wait and invokes: replayed with the recorded invoke answers, fails on an added step', async () => {
    const dir = project(['invoke.ts', 'success.ts', 'doubler.ts', 'helpers/math.ts']);
    cleanup.push(dir);
    // One handler that invokes, one that waits: both recorded, both regenerated.
    const invokeRes = await run(path.join(dir, 'invoke.ts'), {
      workspaceRoot: dir,
      event: { n: 3 },
      invokeTargets: { doubler: 'doubler.ts#doubler', pricing: { response: { cents: 99 } } },
    }).done;
    assert.strictEqual(invokeRes.status, 'succeeded', invokeRes.error?.message);
    const invokeTest = path.join(dir, 'test', 'invoke.recorded.test.ts');
    writeGeneratedTest({ events: invokeRes.events, handlerFile: path.join(dir, 'invoke.ts'), testFile: invokeTest, invokeFunctionNames: ['doubler', 'pricing'] });
    assert.match(fs.readFileSync(invokeTest, 'utf8'), /from "\.\.\/invoke";/);
    const okInvoke = await mocha(dir, invokeTest);
    assert.strictEqual(okInvoke.code, 0, okInvoke.output);

    const successRes = await run(path.join(dir, 'success.ts'), { workspaceRoot: dir, event: { n: 10 } }).done;
    const successTest = path.join(dir, 'success.recorded.test.ts');
    writeGeneratedTest({ events: successRes.events, handlerFile: path.join(dir, 'success.ts'), testFile: successTest });
    const ok = await mocha(dir, successTest);
    assert.strictEqual(ok.code, 0, ok.output);
    const src = path.join(dir, 'success.ts');
    fs.writeFileSync(src, fs.readFileSync(src, 'utf8').replace("return { kind", "await context.step('extra', async () => 0);\n  return { kind"));
    const bad = await mocha(dir, successTest);
    assert.notStrictEqual(bad.code, 0, bad.output);
    assert.match(bad.output, /extra/);
  });

  it('a failed execution: the test asserts the recorded error type and message', async () => {
    const events = [
      { EventType: 'ExecutionStarted', EventId: 1, Id: 'x', EventTimestamp: '2026-01-01T00:00:00.000Z', ExecutionStartedDetails: { Input: { Payload: '{"orderId":"o"}' } } },
      { EventType: 'StepStarted', SubType: 'Step', EventId: 2, Id: 'c4ca4238a0b92382', Name: 'validate', EventTimestamp: '2026-01-01T00:00:00.000Z' },
      { EventType: 'StepSucceeded', SubType: 'Step', EventId: 3, Id: 'c4ca4238a0b92382', Name: 'validate', EventTimestamp: '2026-01-01T00:00:00.000Z' },
      { EventType: 'ExecutionFailed', EventId: 4, Id: 'x', EventTimestamp: '2026-01-01T00:00:01.000Z', ExecutionFailedDetails: { Error: { Payload: { ErrorType: 'OrderRejected', ErrorMessage: 'order o rejected' } } } },
    ];
    const text = generateTestSource({ events, handlerFile: '/p/src/h.ts', testFile: '/p/test/h.test.ts' });
    assert.match(text, /assert\.equal\(result\.getStatus\(\), "FAILED"\)/);
    assert.match(text, /assert\.equal\(error\.errorType, "OrderRejected"\)/);
    assert.match(text, /assert\.equal\(error\.errorMessage, "order o rejected"\)/);
    assert.match(text, /from "\.\.\/src\/h";/);
  });

  it('hostile names and payloads only ever enter the code as string literals', () => {
    const evil = 'x*/ }); process.exit(9); /*\n\u2028`${process.exit(8)}`';
    const events = [
      { EventType: 'ExecutionStarted', EventId: 1, Id: 'x', EventTimestamp: '2026-01-01T00:00:00.000Z', ExecutionStartedDetails: { Input: { Payload: JSON.stringify({ evil }) } } },
      { EventType: 'StepStarted', SubType: 'Step', EventId: 2, Id: 'a', Name: evil, EventTimestamp: '2026-01-01T00:00:00.000Z' },
      { EventType: 'StepSucceeded', SubType: 'Step', EventId: 3, Id: 'a', Name: evil, EventTimestamp: '2026-01-01T00:00:00.000Z' },
      { EventType: 'ExecutionSucceeded', EventId: 4, Id: 'x', EventTimestamp: '2026-01-01T00:00:01.000Z', ExecutionSucceededDetails: { Result: { Payload: JSON.stringify(evil) } } },
    ];
    const text = generateTestSource({ events, handlerFile: '/p/h.ts', testFile: '/p/h.test.ts', handlerExport: 'weird-name' });
    const out = ts.transpileModule(text, { reportDiagnostics: true, fileName: 'h.test.ts' });
    assert.deepStrictEqual(out.diagnostics ?? [], []);
    // Every process.exit in the code is inside a string literal: the AST has no call to it.
    const sf = ts.createSourceFile('h.test.ts', text, ts.ScriptTarget.ES2022, true);
    const calls: string[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n)) calls.push(n.expression.getText(sf));
      ts.forEachChild(n, visit);
    };
    visit(sf);
    assert.ok(!calls.some((c) => c.includes('process.exit')), calls.join());
    assert.match(text, /handlerModule\["weird-name"\]/);
  });

  it('an execution that has not ended cannot become a test (one clear error)', () => {
    const events = [{ EventType: 'ExecutionStarted', EventId: 1, Id: 'x', EventTimestamp: '2026-01-01T00:00:00.000Z' }];
    assert.throws(() => readRecordedOutcome(events), (e: unknown) => e instanceof GenerateTestError && e.reason === 'incomplete');
    assert.throws(() => readRecordedOutcome([]), (e: unknown) => e instanceof GenerateTestError && e.reason === 'empty');
  });
});
