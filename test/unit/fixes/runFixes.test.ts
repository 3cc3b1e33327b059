// Unit tests (mocha, node): every quick fix verified by running the code — fixture handlers from
// test/fixtures/fixes are checked with the real rules, fixed with the preferred fix, transpiled with the
// project's TypeScript and run, before and after, with the AWS testing SDK's LocalDurableTestRunner.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { LocalDurableTestRunner, WaitingOperationStatus } from '@aws/durable-execution-sdk-js-testing';
import { findContextInScope } from '../../../src/core/analysis/operations';
import { checkSourceFile } from '../../../src/core/check';
import { applyEdits, type QuickFix } from '../../../src/core/fixes/fixModel';
import { getQuickFixes } from '../../../src/core/fixes/quickFixes';
import type { RuleId } from '../../../src/core/rules/catalog';
import { REPO_ROOT } from '../rules/harness';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'fixes');
/** Under the repository so the emitted `require('@aws/durable-execution-sdk-js')` resolves from node_modules. */
const RUN_DIR = path.join(REPO_ROOT, 'out', 'fixes-run');

interface Run {
  readonly status: string;
  readonly result: unknown;
  readonly error: string | undefined;
  readonly invocations: number;
}

const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  esModuleInterop: true,
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: ['node'],
};

let program: ts.Program | undefined;
/** One program over every fixture (real SDK and Node types): the checker the editor would have. */
function fixtureProgram(): ts.Program {
  program ??= ts.createProgram(
    fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.ts')).map((f) => path.join(FIXTURES, f)),
    compilerOptions,
  );
  return program;
}

/** The preferred fix of the first finding of `rule`, applied until no such finding has one; also the fixes used. */
function fixAll(file: string, rule: RuleId): { original: string; fixed: string; used: QuickFix[] } {
  const prog = fixtureProgram();
  const sf0 = prog.getSourceFile(file);
  assert.ok(sf0, `fixture ${file} not in the program`);
  const original = sf0.text;
  let text = original;
  let sf = sf0;
  let checker: ts.TypeChecker | undefined = prog.getTypeChecker();
  const used: QuickFix[] = [];
  for (let round = 0; round < 5; round++) {
    const findings = checkSourceFile(ts, round === 0 ? prog : undefined, sf).filter((f) => f.rule === rule);
    if (round === 0) assert.ok(findings.length > 0, `the fixture has a ${rule} finding`);
    const errors: unknown[] = [];
    const fix = findings
      .map((f) => getQuickFixes(ts, sf, f, (node) => findContextInScope(ts, node, checker), (e) => errors.push(e), { checker })[0])
      .find((f) => f?.preferred);
    assert.deepStrictEqual(errors, [], 'no fix may throw');
    if (!fix) break;
    used.push(fix);
    text = applyEdits(text, fix.edits);
    // Later rounds see the edited text without types (as right after an edit, before the program updates).
    sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    checker = undefined;
  }
  assert.ok(used.length > 0, `a preferred fix for ${rule}`);
  const left = checkSourceFile(ts, undefined, sf).filter((f) => f.rule === rule);
  assert.deepStrictEqual(left.map((f) => f.message), [], `no ${rule} finding left after the fix:\n${text}`);
  return { original, fixed: text, used };
}

let counter = 0;
async function run(source: string, payload: unknown): Promise<Run> {
  const out = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true }, reportDiagnostics: true });
  assert.deepStrictEqual((out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), [], `valid syntax:\n${source}`);
  const file = path.join(RUN_DIR, `handler-${process.pid}-${counter++}.js`);
  fs.writeFileSync(file, out.outputText);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { handler: Parameters<typeof makeRunner>[0] };
  fs.rmSync(file);
  const runner = makeRunner(mod.handler);
  const pending = runner.run({ payload });
  // Fixtures that wait for the 'resume' callback suspend there; completing it makes the SDK replay them.
  if (source.includes("waitForCallback('resume'")) {
    const op = runner.getOperation('resume');
    // A handler that fails before it gets there never submits the callback.
    const submitted = op.waitForData(WaitingOperationStatus.SUBMITTED).then(() => true, () => false);
    if (await Promise.race([submitted, pending.then(() => false, () => false)])) await op.sendCallbackSuccess('""');
  }
  const r = await pending;
  const status = String(r.getStatus());
  // The runner throws when asked for the result of a failed run or the error of a succeeded one.
  if (status === 'SUCCEEDED') return { status, result: r.getResult(), error: undefined, invocations: r.getInvocations().length };
  const err = r.getError() as { errorMessage?: string } | undefined;
  return { status, result: undefined, error: err?.errorMessage ?? JSON.stringify(err), invocations: r.getInvocations().length };
}

function makeRunner(handlerFunction: ConstructorParameters<typeof LocalDurableTestRunner>[0]['handlerFunction']): LocalDurableTestRunner<unknown> {
  return new LocalDurableTestRunner({ handlerFunction });
}

interface RunCase {
  readonly fixture: string;
  readonly rule: RuleId;
  readonly fixName: string;
  readonly payload?: unknown;
  /** Text the fixed code must contain (what the fix wrote). */
  readonly writes?: string;
  /** The intended behaviour, given the original's run and the fixed code's run. */
  check(original: Run, fixed: Run): void;
}

function succeeded(r: Run): void {
  assert.strictEqual(r.status, 'SUCCEEDED', `run failed: ${r.error}`);
}

/** Non-determinism fixes: the value means the same as the original's, and a replay sees the first run's value. */
function replayStable(fields: readonly string[]) {
  return (original: Run, fixed: Run): void => {
    succeeded(original);
    succeeded(fixed);
    assert.ok(fixed.invocations >= 2, 'the handler was replayed at least once');
    const o = original.result as Record<string, unknown>;
    const f = fixed.result as Record<string, unknown>;
    for (const k of fields) assert.deepStrictEqual(f[k], o[k], `result.${k} as the original's`);
    assert.strictEqual(f.replayStable, true, 'a replay computes the same value as the first run');
  };
}

const appendTarget = path.join(os.tmpdir(), `durable-lens-fixrun-${process.pid}.txt`);

const CASES: readonly RunCase[] = [
  { fixture: 'dateIso.ts', rule: 'nondeterministic-call', fixName: 'durableLens.wrapInStep', writes: 'new Date(await context.step(', check: replayStable(['iso']) },
  { fixture: 'dateArithmetic.ts', rule: 'nondeterministic-call', fixName: 'durableLens.wrapInStep', writes: "const dateNow = await context.step('date-now', async () => Date.now());", check: replayStable(['inFuture']) },
  {
    fixture: 'randomTemplate.ts',
    rule: 'nondeterministic-call',
    fixName: 'durableLens.wrapInStep',
    check: (o, f) => {
      replayStable(['prefixed'])(o, f);
      assert.strictEqual((o.result as { replayStable: boolean }).replayStable, false, 'the original really differs on replay');
    },
  },
  {
    fixture: 'randomBytes.ts',
    rule: 'nondeterministic-call',
    fixName: 'durableLens.wrapInStep',
    writes: "Buffer.from(await context.step('token', async () => randomBytes(8).toString('base64')), 'base64').toString('hex')",
    check: (o, f) => {
      replayStable(['hexLength'])(o, f);
      assert.strictEqual((f.result as { hexLength: number }).hexLength, 16);
    },
  },
  {
    fixture: 'envRead.ts',
    rule: 'env-read-outside-step',
    fixName: 'durableLens.wrapInStep',
    check: (o, f) => {
      succeeded(o);
      succeeded(f);
      assert.deepStrictEqual(f.result, { table: 'orders', missingIsUndefined: true });
      assert.deepStrictEqual(f.result, o.result);
    },
  },
  {
    fixture: 'ioStatement.ts',
    rule: 'io-outside-step',
    fixName: 'durableLens.wrapInStep',
    payload: { path: appendTarget },
    check: (o, f) => {
      succeeded(o);
      succeeded(f);
      assert.deepStrictEqual(f.result, o.result);
      // Read after each run by the case runner: the original appends on every replay, the fix once.
    },
  },
  { fixture: 'sleep.ts', rule: 'non-durable-timer', fixName: 'durableLens.replaceSleepWithWait', payload: { n: 4 }, writes: "await context.wait('wait-2s', { seconds: 2 });", check: sameResult({ before: 4, after: 5 }) },
  { fixture: 'floating.ts', rule: 'floating-durable-promise', fixName: 'durableLens.addAwait', payload: { n: 2 }, writes: "await context.step('record'", check: sameResult({ total: 3 }) },
  {
    fixture: 'parentContext.ts',
    rule: 'parent-context-in-child',
    fixName: 'durableLens.useOwnContext',
    payload: { n: 21 },
    writes: 'return child.step(',
    check: (o, f) => {
      assert.strictEqual(o.status, 'FAILED', 'the SDK rejects the parent context inside a child');
      succeeded(f);
      assert.deepStrictEqual(f.result, { doubled: 42 });
    },
  },
  { fixture: 'consoleLog.ts', rule: 'replayed-side-effect-log', fixName: 'durableLens.consoleToLogger', payload: { n: 7 }, writes: "context.logger.info('order', n);", check: sameResult({ n: 7 }) },
  { fixture: 'promiseAllSettled.ts', rule: 'native-promise-combinator', fixName: 'durableLens.durableCombinator', writes: 'await context.promise.allSettled([', check: sameResult([{ value: 1 }, { message: 'card declined' }]) },
  { fixture: 'promiseAll.ts', rule: 'native-promise-combinator', fixName: 'durableLens.durableCombinator', payload: { items: [1, 2, 3] }, writes: 'await context.promise.all(', check: sameResult({ results: [10, 20, 30] }) },
  {
    fixture: 'lossyDate.ts',
    rule: 'lossy-step-result',
    fixName: 'durableLens.carryJsonValue',
    writes: "const at = new Date(await context.step('at', async () => Date.now()));",
    check: (o, f) => {
      assert.strictEqual(o.status, 'FAILED', 'the original fails: the Date came back a string');
      succeeded(f);
      assert.deepStrictEqual(f.result, { recent: true });
    },
  },
  {
    fixture: 'lossySet.ts',
    rule: 'lossy-step-result',
    fixName: 'durableLens.carryJsonValue',
    payload: { ids: ['a', 'b', 'b'] },
    writes: 'new Set(await context.step(',
    check: (o, f) => {
      assert.strictEqual(o.status, 'FAILED', 'the original fails: the Set came back {}');
      succeeded(f);
      assert.deepStrictEqual(f.result, { hasB: true, size: 2 });
    },
  },
];

function sameResult(expected: unknown) {
  return (original: Run, fixed: Run): void => {
    succeeded(original);
    succeeded(fixed);
    assert.deepStrictEqual(fixed.result, expected);
    assert.deepStrictEqual(fixed.result, original.result);
  };
}

describe('quick fixes verified by running the fixed code (LocalDurableTestRunner)', function () {
  this.timeout(120000);
  const savedEnv = { table: process.env.DL_FIXRUN_TABLE, unset: process.env.DL_FIXRUN_UNSET };

  before(async () => {
    fs.mkdirSync(RUN_DIR, { recursive: true });
    process.env.DL_FIXRUN_TABLE = 'orders';
    delete process.env.DL_FIXRUN_UNSET;
    await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
  });
  after(async () => {
    await LocalDurableTestRunner.teardownTestEnvironment();
    if (savedEnv.table === undefined) delete process.env.DL_FIXRUN_TABLE;
    else process.env.DL_FIXRUN_TABLE = savedEnv.table;
    if (savedEnv.unset !== undefined) process.env.DL_FIXRUN_UNSET = savedEnv.unset;
    fs.rmSync(appendTarget, { force: true });
  });

  for (const c of CASES) {
    it(`${c.fixture}: ${c.rule} -> ${c.fixName}`, async () => {
      const { original, fixed, used } = fixAll(path.join(FIXTURES, c.fixture), c.rule);
      assert.deepStrictEqual([...new Set(used.map((f) => f.fixName))], [c.fixName]);
      if (c.writes) assert.ok(fixed.includes(c.writes), `the fix wrote:\n${fixed}`);
      fs.rmSync(appendTarget, { force: true });
      const before = await run(original, c.payload ?? {});
      const appendedBefore = fs.existsSync(appendTarget) ? fs.readFileSync(appendTarget, 'utf8') : '';
      fs.rmSync(appendTarget, { force: true });
      const after = await run(fixed, c.payload ?? {});
      const appendedAfter = fs.existsSync(appendTarget) ? fs.readFileSync(appendTarget, 'utf8') : '';
      c.check(before, after);
      if (c.fixture === 'ioStatement.ts') {
        assert.strictEqual(appendedBefore, 'x'.repeat(before.invocations), 'the original appends on every invocation');
        assert.ok(before.invocations >= 2, 'the original was replayed');
        assert.strictEqual(appendedAfter, 'x', 'the fixed code appends once');
      }
    });
  }

  it('the old wrap of new Date() (the Date inside the step) fails this check: it returns a string', async () => {
    const file = path.join(FIXTURES, 'dateIso.ts');
    const original = fs.readFileSync(file, 'utf8');
    const oldFix = original.replace('const createdAt = new Date().toISOString();', 'const createdAt = (await context.step("new-date", async () => new Date())).toISOString();');
    assert.notStrictEqual(oldFix, original);
    const before = await run(original, {});
    const broken = await run(oldFix, {});
    assert.strictEqual(broken.status, 'FAILED');
    assert.match(broken.error ?? '', /toISOString is not a function/);
    assert.throws(() => replayStable(['iso'])(before, broken));
  });

  it('a fix the checker proves unsafe is not offered: a fetch Response through a step (DOM lib and Node-only lib)', () => {
    for (const lib of [undefined, ['lib.es2022.d.ts']]) assertFetchNotWrapped(lib);
  });

  function assertFetchNotWrapped(lib: string[] | undefined): void {
    const text = "import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';\nexport const handler = withDurableExecution(async (event: { url: string }, context: DurableContext) => {\n  const res = await fetch(event.url);\n  return res.status;\n});\n";
    const file = path.join(FIXTURES, '__fetch.ts');
    const host = ts.createCompilerHost(compilerOptions);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, v, ...rest) => (name === file ? ts.createSourceFile(name, text, v, true) : getSourceFile(name, v, ...rest));
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => name === file || fileExists(name);
    const prog = ts.createProgram([file], { ...compilerOptions, ...(lib ? { lib } : {}) }, host);
    const sf = prog.getSourceFile(file)!;
    const checker = prog.getTypeChecker();
    const f = checkSourceFile(ts, prog, sf).find((x) => x.rule === 'io-outside-step');
    assert.ok(f, 'fetch is flagged');
    const fixes = getQuickFixes(ts, sf, f, (node) => findContextInScope(ts, node, checker), undefined, { checker });
    assert.deepStrictEqual(fixes.map((x) => x.fixName), ['durableLens.suppress'], `lib ${lib ?? 'default (with DOM)'}`);
  }
});
