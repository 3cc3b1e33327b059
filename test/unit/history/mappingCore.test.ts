// Unit tests (node, mocha): mapHistory / replayMismatches / chooseHandler on small handlers written inline, each
// analysed in an in-memory Program AND run by the real testing SDK (LocalDurableTestRunner) at test time; the
// drift cases resume the recorded execution with the edited code, so breaksReplay is checked against the SDK.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { runHistoryCommand } from '../../../src/cli/historyCommand';
import { findDurableFunctions } from '../../../src/core/analysis/handlers';
import { operationTree, type OperationTree } from '../../../src/core/analysis/operationTree';
import { normalizeEvents, type HistoryEvent } from '../../../src/core/history/events';
import { chooseHandler, mapHistory, replayMismatches } from '../../../src/core/history/mapping';
import type { HistoryMapping } from '../../../src/core/history/mappingTypes';
import { buildExecutionRecord, type ExecutionRecord } from '../../../src/core/history/record';
import { createProject, MAIN_FILE } from '../rules/harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = require('@aws/durable-execution-sdk-js') as { withDurableExecution: (fn: unknown) => unknown };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const testing = require('@aws/durable-execution-sdk-js-testing') as {
  LocalDurableTestRunner: {
    new (o: { handlerFunction: unknown }): TestRunner;
    setupTestEnvironment(o: { skipTime: boolean }): Promise<void>;
    teardownTestEnvironment(): Promise<void>;
  };
  WaitingOperationStatus: { STARTED: unknown; SUBMITTED: unknown };
};

interface TestRunner {
  run(o: { payload: unknown }): Promise<{ getHistoryEvents(): unknown[]; getStatus(): string }>;
  getOperation(name: string): { waitForData(s: unknown): Promise<unknown>; sendCallbackSuccess(r: string): Promise<unknown> };
}

type Fn = (event: unknown, context: unknown) => Promise<unknown>;
const HELPERS_FILE = '/proj/src/helpers.ts';
const HEAD = "import { withDurableExecution, DurableContext } from '@aws/durable-execution-sdk-js';\n";

/** A module of the project: `handler` is the durable function (its body as written). */
function handlerSource(body: string, extraImports = ''): string {
  return `${HEAD}${extraImports}export const handler = withDurableExecution(async (event: any, ctx: DurableContext) => {\n${body}\n});\n`;
}

/** The files' handler as the analysis sees it (Program with the SDK's types). */
function treeOf(files: Record<string, string>): OperationTree {
  const p = createProject(files, true);
  const checker = p.getTypeChecker();
  for (const f of p.getSourceFiles()) if (!f.isDeclarationFile) findDurableFunctions(ts, f, checker);
  const h = findDurableFunctions(ts, p.getSourceFile(MAIN_FILE)!, checker).find((d) => d.kind === 'handler');
  assert.ok(h, 'no handler found');
  return operationTree(ts, h, checker);
}

/** The same files as node runs them: transpiled in memory; `withDurableExecution` left to the runner. */
function functionOf(files: Record<string, string>): Fn {
  const cache = new Map<string, Record<string, unknown>>();
  const load = (file: string): Record<string, unknown> => {
    const hit = cache.get(file);
    if (hit) return hit;
    const exports: Record<string, unknown> = {};
    cache.set(file, exports);
    const out = ts.transpileModule(files[file]!, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 }, fileName: file }).outputText;
    const req = (spec: string): unknown => {
      if (spec === '@aws/durable-execution-sdk-js') return { ...sdk, withDurableExecution: (fn: unknown) => fn };
      if (spec.startsWith('./')) return load(`/proj/src/${spec.slice(2).replace(/\.ts$/, '')}.ts`);
      throw new Error(`unexpected import ${spec}`);
    };
    new Function('exports', 'require', out)(exports, req);
    return exports;
  };
  return load(MAIN_FILE).handler as Fn;
}

interface Run {
  readonly events: HistoryEvent[];
  readonly status: string;
  readonly invocations: number;
}

/**
 * Runs `first` with the real SDK; when `then` is given, the invocations after the first run `then` instead
 * (the same execution resumed with edited code). A callback named `gate`, when the code has one, is completed
 * once it has started, so the first invocation ends there.
 */
async function run(first: Fn, then?: Fn, during?: (r: TestRunner) => Promise<void>): Promise<Run> {
  let invocations = 0;
  const runner = new testing.LocalDurableTestRunner({
    handlerFunction: sdk.withDurableExecution((event: unknown, context: unknown) => {
      invocations++;
      return (invocations > 1 && then ? then : first)(event, context);
    }),
  });
  const pending = runner.run({ payload: {} });
  if (during) await during(runner);
  const result = await pending;
  return { events: normalizeEvents(result.getHistoryEvents()).events, status: result.getStatus(), invocations };
}

const openGate = async (r: TestRunner): Promise<void> => {
  const op = r.getOperation('gate');
  await op.waitForData(testing.WaitingOperationStatus.STARTED);
  await op.sendCallbackSuccess(JSON.stringify('open'));
};

function recordOf(events: readonly HistoryEvent[]): ExecutionRecord {
  return buildExecutionRecord(events);
}

/** One line per recorded operation: path, recorded kind and name, the call's line and name, role/index/iteration, drift. */
function lineUp(m: HistoryMapping, rec: ExecutionRecord): string[] {
  return rec.operations.map((op) => {
    const x = m.matches.get(op.id)!;
    const n = x.node;
    const extra = [x.role && x.role !== 'operation' ? x.role : '', x.index !== undefined ? `#${x.index}` : '', x.iteration !== undefined ? `run ${x.iteration}` : ''].filter(Boolean).join(' ');
    return `${x.path} ${op.kind}${op.name !== undefined ? ` ${op.name}` : ''} -> ${n ? `L${n.line} ${n.kind}${n.name !== null ? ` ${n.name}` : ''}` : '-'}${extra ? ` (${extra})` : ''}${x.drift ? ` [${x.drift.kind}]` : ''}`;
  });
}

/** The SDK's verdict on a resumed run: where it raised NonDeterministicExecutionError (the path it names), or null. */
function sdkVerdict(r: Run): string | null {
  const failed = r.events.find((e) => e.EventType === 'ExecutionFailed');
  const msg = String((failed as { ExecutionFailedDetails?: { Error?: { Payload?: { ErrorMessage?: string } } } } | undefined)?.ExecutionFailedDetails?.Error?.Payload?.ErrorMessage ?? '');
  if (!/non-deterministic/i.test(msg)) return null;
  return /for \w+ "([^"]+)"/.exec(msg)?.[1] ?? '?';
}

describe('history mapping onto code (mapHistory, real SDK runs)', function () {
  this.timeout(60000);
  before(() => testing.LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
  after(() => testing.LocalDurableTestRunner.teardownTestEnvironment());

  /** Records the handler with the SDK, maps the history onto its own tree. */
  async function mapOwn(files: Record<string, string>, during?: (r: TestRunner) => Promise<void>): Promise<{ m: HistoryMapping; rec: ExecutionRecord; lines: string[] }> {
    const r = await run(functionOf(files), undefined, during);
    const rec = recordOf(r.events);
    const m = mapHistory(rec, treeOf(files));
    return { m, rec, lines: lineUp(m, rec) };
  }

  it('straight line: unnamed and named operations each map to their call, nothing drifts', async () => {
    const { m, lines } = await mapOwn({ [MAIN_FILE]: handlerSource("  await ctx.step(async () => 1);\n  await ctx.wait({ seconds: 1 });\n  await ctx.step('named', async () => 2);") });
    assert.deepStrictEqual(lines, ['1 step -> L3 step', '2 wait -> L4 wait', '3 step named -> L5 step named']);
    assert.strictEqual(m.drift.length, 0);
    assert.strictEqual(m.fit.matched, m.fit.total);
  });

  it('a loop: every run maps to the one call site with its iteration', async () => {
    const { m, rec, lines } = await mapOwn({ [MAIN_FILE]: handlerSource("  for (const x of ['a', 'b', 'c']) {\n    await ctx.step(`item-${x}`, async () => x);\n  }\n  await ctx.step('after', async () => 0);") });
    assert.deepStrictEqual(lines, ['1 step item-a -> L4 step item-${x} (run 0)', '2 step item-b -> L4 step item-${x} (run 1)', '3 step item-c -> L4 step item-${x} (run 2)', '4 step after -> L6 step after']);
    assert.strictEqual(m.drift.length, 0);
    const loopCall = m.matches.get(rec.operations[0]!.id)!.node!;
    assert.deepStrictEqual(m.byNode.get(loopCall), rec.operations.slice(0, 3).map((o) => o.id));
  });

  it('map items: each item maps to the map call with its index, its steps into the item function', async () => {
    const { m, lines } = await mapOwn({ [MAIN_FILE]: handlerSource("  await ctx.map('charge-all', ['x', 'y'], async (c, item) => c.step(`charge-${item}`, async () => item));") });
    assert.deepStrictEqual(lines, ['1 map charge-all -> L3 map charge-all', '1-1 map.item map-item-0 -> L3 map charge-all (item #0)', '1-2 map.item map-item-1 -> L3 map charge-all (item #1)', '1-1-1 step charge-x -> L3 step charge-${item}', '1-2-1 step charge-y -> L3 step charge-${item}']);
    assert.strictEqual(m.drift.length, 0);
  });

  it('parallel branches (named): each branch maps to the parallel call with its index, its operations into the branch', async () => {
    const { m, lines } = await mapOwn({
      [MAIN_FILE]: handlerSource("  await ctx.parallel('fan-out', [\n    { name: 'left', func: async (c) => c.step('l', async () => 1) },\n    { name: 'right', func: async (c) => { await c.wait({ seconds: 1 }); return c.step('r', async () => 2); } },\n  ]);"),
    });
    assert.deepStrictEqual(lines, ['1 parallel fan-out -> L3 parallel fan-out', '1-1 parallel.branch left -> L3 parallel fan-out (branch #0)', '1-2 parallel.branch right -> L3 parallel fan-out (branch #1)', '1-1-1 step l -> L4 step l', '1-2-1 wait -> L5 wait', '1-2-2 step r -> L5 step r']);
    assert.strictEqual(m.drift.length, 0);
  });

  it('child context: its operations map into the child body', async () => {
    const { lines } = await mapOwn({ [MAIN_FILE]: handlerSource("  await ctx.runInChildContext('outer', async (c) => {\n    await c.step('in', async () => 1);\n  });\n  await ctx.step('out', async () => 2);") });
    assert.deepStrictEqual(lines, ['1 runInChildContext outer -> L3 runInChildContext outer', '1-1 step in -> L4 step in', '2 step out -> L6 step out']);
  });

  it('waitForCallback: the context, its callback (N-1) and its submitter (N-2) all map to the one call', async () => {
    const { m, lines } = await mapOwn({ [MAIN_FILE]: handlerSource("  const a = await ctx.waitForCallback('gate', async (id) => { void id; });\n  await ctx.step('after', async () => a);") }, async (r) => {
      const op = r.getOperation('gate');
      await op.waitForData(testing.WaitingOperationStatus.SUBMITTED);
      await op.sendCallbackSuccess(JSON.stringify('yes'));
    });
    assert.deepStrictEqual(lines, ['1 waitForCallback gate -> L3 waitForCallback gate', '1-1 waitForCallback.callback -> L3 waitForCallback gate (callback)', '1-2 waitForCallback.submitter -> L3 waitForCallback gate (submitter)', '2 step after -> L4 step after']);
    assert.strictEqual(m.drift.length, 0);
  });

  it('a combinator awaited late takes its number at the await (after the step between)', async () => {
    const { lines } = await mapOwn({ [MAIN_FILE]: handlerSource("  const s1 = ctx.step('s1', async () => 1);\n  const s2 = ctx.step('s2', async () => 2);\n  const c = ctx.promise.all('both', [s1, s2]);\n  await ctx.step('d', async () => 3);\n  await c;") });
    assert.deepStrictEqual(lines, ['1 step s1 -> L3 step s1', '2 step s2 -> L4 step s2', '3 step d -> L6 step d', '4 promise.all both -> L5 promise.all both']);
  });

  it('a durable helper in another file: its operations map into the helper file', async () => {
    const files = {
      [MAIN_FILE]: handlerSource("  await ctx.step('start', async () => 0);\n  await ship(ctx, 'p1');\n  await ship(ctx, 'p2');", "import { ship } from './helpers';\n"),
      [HELPERS_FILE]: `${HEAD}export async function ship(ctx: DurableContext, parcel: string): Promise<void> {\n  await ctx.step(\`label-\${parcel}\`, async () => parcel);\n}\n`,
    };
    const { m, rec } = await mapOwn(files);
    const nodes = rec.operations.map((op) => m.matches.get(op.id)!.node!);
    assert.deepStrictEqual(
      nodes.map((n) => `${n.file}:${n.line} ${n.via.join('>')}`),
      [`${MAIN_FILE}:4 `, `${HELPERS_FILE}:3 ship`, `${HELPERS_FILE}:3 ship`]
    );
    assert.strictEqual(m.drift.length, 0);
  });
});

describe('drift and the replay check, as the real SDK decides on resume', function () {
  this.timeout(60000);
  before(() => testing.LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
  after(() => testing.LocalDurableTestRunner.teardownTestEnvironment());

  // The base execution suspends on the callback `gate` (operation 3) after `reserve` (1) and `charge` (2).
  const BASE = "  await ctx.step('reserve', async () => 'r');\n  await ctx.step('charge', async () => 'c');\n  const [p] = await ctx.createCallback('gate');\n  await p;\n  await ctx.step('ship', async () => 's');";

  interface Case {
    readonly title: string;
    readonly base?: string;
    readonly edited: string;
    /** What we report for the recorded operations (drift kinds by path, and inserted code operations). */
    readonly drift: readonly string[];
    /** Where the SDK fails on resume (the path it names), or null. */
    readonly sdk: string | null;
  }

  const cases: Case[] = [
    { title: 'a renamed step breaks', edited: BASE.replace("'charge'", "'charge-card'"), drift: ['renamed 2'], sdk: '2' },
    { title: 'a step changed into a wait (same name, same number) breaks', edited: BASE.replace("ctx.step('charge', async () => 'c')", "ctx.wait('charge', { seconds: 1 })"), drift: ['kind-changed 2'], sdk: '2' },
    { title: 'a step inserted before the recorded ones breaks (later numbers shift)', edited: "  await ctx.step('validate', async () => 'v');\n" + BASE, drift: ['inserted 1', 'reordered 1', 'reordered 2', 'reordered 3'], sdk: '1' },
    { title: 'a recorded step removed in the middle breaks', edited: BASE.replace("  await ctx.step('charge', async () => 'c');\n", ''), drift: ['removed 2', 'reordered 3'], sdk: '2' },
    { title: 'an operation added after the last recorded one does not break', edited: BASE + "\n  await ctx.step('notify', async () => 'n');", drift: [], sdk: null },
    { title: 'an edit inside a step body does not break', edited: BASE.replace("async () => 'c'", "async () => 'C'.toLowerCase()"), drift: [], sdk: null },
    { title: 'an unnamed step given a name breaks (undefined is compared too)', base: BASE.replace("'reserve', ", ''), edited: BASE, drift: ['renamed 1'], sdk: '1' },
    { title: 'a renamed waitForCondition does not break (the SDK does not check it)', base: "  await ctx.waitForCondition('poll', async (s: number) => s + 1, { initialState: 0, waitStrategy: (s: number) => (s >= 1 ? { shouldContinue: false } : { shouldContinue: true, delay: { seconds: 1 } }) });\n" + BASE, edited: "  await ctx.waitForCondition('poll-again', async (s: number) => s + 1, { initialState: 0, waitStrategy: (s: number) => (s >= 1 ? { shouldContinue: false } : { shouldContinue: true, delay: { seconds: 1 } }) });\n" + BASE, drift: ['renamed 1'], sdk: null },
    { title: 'a step renamed inside a completed child context does not break (its body is not run again)', base: "  await ctx.runInChildContext('prep', async (c) => c.step('inner', async () => 1));\n" + BASE, edited: "  await ctx.runInChildContext('prep', async (c) => c.step('inner-renamed', async () => 1));\n" + BASE, drift: ['renamed 1-1'], sdk: null },
    { title: 'the last recorded operation removed with nothing after it does not break', edited: "  await ctx.step('reserve', async () => 'r');\n  await ctx.step('charge', async () => 'c');", drift: ['removed 3'], sdk: null },
  ];

  for (const c of cases) {
    it(c.title, async () => {
      const baseFiles = { [MAIN_FILE]: handlerSource(c.base ?? BASE) };
      const editedFiles = { [MAIN_FILE]: handlerSource(c.edited) };
      const r = await run(functionOf(baseFiles), functionOf(editedFiles), openGate);
      assert.ok(r.invocations >= 2, 'the base run did not suspend at the gate');
      const firstEnd = r.events.findIndex((e) => e.EventType === 'InvocationCompleted');
      const rec = recordOf(r.events.slice(0, firstEnd + 1));
      const m = mapHistory(rec, treeOf(editedFiles));
      const got = m.drift.map((d) => `${d.kind} ${d.path ?? '?'}`);
      assert.deepStrictEqual(got, c.drift, m.drift.map((d) => d.message).join('\n'));
      const mismatches = replayMismatches(m);
      const ours = mismatches.length > 0 ? mismatches[0]!.path ?? '?' : null;
      assert.strictEqual(sdkVerdict(r), c.sdk, 'the SDK decided otherwise than this case says');
      assert.strictEqual(ours, c.sdk, `we say ${ours}, the SDK ${c.sdk}: ${mismatches.map((d) => d.message).join('; ')}`);
      // Each mismatch underlines the call the SDK compares with, and says so in one sentence with the names quoted.
      for (const d of mismatches) {
        assert.ok(d.node, `no call site for ${d.message}`);
        assert.match(d.message, /resuming this execution fails there/);
      }
    });
  }

  it('messages quote untrusted names as data, cut to 60 characters', async () => {
    const evil = `x\u001b[31m"<b>\u202e\u200b${'y'.repeat(100)}`;
    const files = { [MAIN_FILE]: handlerSource(`  await ctx.step(${JSON.stringify(evil)}, async () => 1);`) };
    const rec = recordOf((await run(functionOf(files))).events);
    const m = mapHistory(rec, treeOf({ [MAIN_FILE]: handlerSource("  await ctx.step('plain', async () => 1);") }));
    assert.strictEqual(m.drift.length, 1);
    const msg = m.drift[0]!.message;
    assert.ok(!msg.includes('\u001b'), 'a control character reached the message');
    assert.ok(msg.includes('\\u001b[31m\\"<b>'), msg);
    assert.ok(!msg.includes('y'.repeat(60)), 'the name was not cut');
    assert.ok(!/[\u202e\u200b]/.test(msg), 'a bidi or zero-width character reached the message');
    assert.ok(msg.includes('\\u202e\\u200b'), msg);
  });
});

describe('chooseHandler', function () {
  this.timeout(60000);
  before(() => testing.LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
  after(() => testing.LocalDurableTestRunner.teardownTestEnvironment());

  it('picks the handler the history fits, says ambiguous for twins and none when nothing fits', async () => {
    const a = { [MAIN_FILE]: handlerSource("  await ctx.step('a1', async () => 1);\n  await ctx.wait('a2', { seconds: 1 });") };
    const b = { [MAIN_FILE]: handlerSource("  await ctx.step('b1', async () => 1);\n  await ctx.step('b2', async () => 2);") };
    const rec = recordOf((await run(functionOf(a))).events);
    const ta = treeOf(a);
    const tb = treeOf(b);
    const fits = chooseHandler(rec, [tb, ta]);
    assert.strictEqual(fits.kind, 'fits');
    assert.strictEqual(fits.kind === 'fits' && fits.mapping.tree, ta);
    assert.strictEqual(chooseHandler(rec, [ta, treeOf(a)]).kind, 'ambiguous');
    const none = chooseHandler(rec, [tb]);
    assert.strictEqual(none.kind, 'none');
    assert.strictEqual(none.kind === 'none' && none.best?.tree, tb);
  });
});

describe('mapping: FLAT maps, SDK 1.x combinators and bad input', function () {
  this.timeout(60000);
  before(() => testing.LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
  after(() => testing.LocalDurableTestRunner.teardownTestEnvironment());

  it('a FLAT map: item contexts are not recorded, the path (N-i-k) tells the item', async () => {
    const files = { [MAIN_FILE]: handlerSource("  await ctx.map('pack', ['x', 'y'], async (c, item) => c.step(`pack-${item}`, async () => item), { nesting: NestingType.FLAT });", "import { NestingType } from '@aws/durable-execution-sdk-js';\n") };
    const rec = recordOf((await run(functionOf(files))).events);
    const m = mapHistory(rec, treeOf(files));
    assert.deepStrictEqual(lineUp(m, rec), ['1 map pack -> L4 map pack', '1-1-1 step pack-x -> L4 step pack-${item}', '1-2-1 step pack-y -> L4 step pack-${item}']);
    assert.strictEqual(m.drift.length, 0);
  });

  it('SDK 1.x histories: a combinator recorded as a STEP maps to the combinator call', async () => {
    const files = { [MAIN_FILE]: handlerSource("  const a = ctx.step('a', async () => 1);\n  const b = ctx.step('b', async () => 2);\n  await ctx.promise.all('both', [a, b]);\n  await ctx.step('after', async () => 3);") };
    const events = (await run(functionOf(files))).events;
    // What SDK 1.x records for the same code (test/fixtures/mapping/record.js shared: the only difference in the 49
    // shared histories): the combinator is a Step, not an empty RunInChildContext.
    const as1x = events.map((e) => {
      if (e.SubType !== 'RunInChildContext') return e;
      const x = { ...e, EventType: e.EventType.replace(/^Context/, 'Step'), SubType: 'Step' } as Record<string, unknown>;
      for (const k of Object.keys(x)) if (k.startsWith('Context') && k.endsWith('Details')) {
        x[k.replace(/^Context/, 'Step')] = x[k];
        delete x[k];
      }
      return x as unknown as HistoryEvent;
    });
    const rec = recordOf(as1x);
    assert.ok(rec.operations.some((o) => o.type === 'STEP' && o.name === 'both'), 'the rewrite produced no 1.x combinator step');
    const m = mapHistory(rec, treeOf(files));
    assert.deepStrictEqual(lineUp(m, rec).map((l) => l.replace(/ \[.*$/, '')), ['1 step a -> L3 step a', '2 step b -> L4 step b', `3 ${rec.operations[2]!.kind} both -> L5 promise.all both`, '4 step after -> L6 step after']);
    assert.strictEqual(m.drift.length, 0);
    assert.strictEqual(replayMismatches(m).length, 0);
  });

  it('bad input: unknown ids, a missing parent, an empty history and a handler without operations never throw and drop nothing', () => {
    const tree = treeOf({ [MAIN_FILE]: handlerSource("  await ctx.step('a', async () => 1);") });
    const empty = treeOf({ [MAIN_FILE]: handlerSource('  return 1;') });
    const t = '2026-01-01T00:00:00.000Z';
    const events: HistoryEvent[] = normalizeEvents([
      { EventType: 'ExecutionStarted', EventId: 1, EventTimestamp: t, Id: 'exec' },
      { EventType: 'StepStarted', EventId: 2, EventTimestamp: t, Id: 'c4ca4238a0b92382', SubType: 'Step', Name: 'a' },
      { EventType: 'StepStarted', EventId: 3, EventTimestamp: t, Id: 'ffffffffffffffff', SubType: 'Step', Name: 'who' },
      { EventType: 'StepStarted', EventId: 4, EventTimestamp: t, Id: 'eeeeeeeeeeeeeeee', ParentId: 'dddddddddddddddd', SubType: 'Step', Name: 'orphan' },
    ]).events;
    const rec = recordOf(events);
    for (const tr of [tree, empty]) {
      const m = mapHistory(rec, tr);
      assert.strictEqual(m.matches.size, rec.operations.length);
      for (const op of rec.operations) assert.ok(m.matches.get(op.id)!.node || m.matches.get(op.id)!.drift, `${op.id} neither mapped nor reported`);
    }
    const m = mapHistory(rec, tree);
    assert.strictEqual(m.matches.get('c4ca4238a0b92382')!.node?.name, 'a');
    assert.deepStrictEqual(m.drift.map((d) => [d.kind, d.operationId, d.breaksReplay]), [
      ['unmapped', 'ffffffffffffffff', false],
      ['unmapped', 'eeeeeeeeeeeeeeee', false],
    ]);
    const none = mapHistory(recordOf([]), tree);
    assert.deepStrictEqual([none.matches.size, none.drift.length, none.fit.total], [0, 0, 0]);
  });
});

describe('durable-lens history --source', function () {
  this.timeout(60000);
  before(() => testing.LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
  after(() => testing.LocalDurableTestRunner.teardownTestEnvironment());

  it('fills source for every operation (relative file, helper file too), shows file:line in text, drift on stderr', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-source-'));
    try {
      const main = handlerSource("  await ctx.step('start', async () => 0);\n  await ship(ctx, 'p1');\n  await ctx.wait('pause', { seconds: 1 });", "import { ship } from './helpers';\n");
      const helpers = `${HEAD}export async function ship(ctx: DurableContext, parcel: string): Promise<void> {\n  await ctx.step(\`label-\${parcel}\`, async () => parcel);\n}\n`;
      fs.mkdirSync(path.join(dir, 'src'));
      fs.writeFileSync(path.join(dir, 'src', 'handler.ts'), main);
      fs.writeFileSync(path.join(dir, 'src', 'helpers.ts'), helpers);
      const r = await run(functionOf({ [MAIN_FILE]: main, [HELPERS_FILE]: helpers }));
      fs.writeFileSync(path.join(dir, 'run.history.json'), JSON.stringify(r.events));
      const cli = async (args: string[]): Promise<{ code: number; out: string; err: string }> => {
        let out = '';
        let err = '';
        const code = await runHistoryCommand(args, { out: (s) => void (out += s), err: (s) => void (err += s), cwd: dir, color: false });
        return { code, out, err };
      };
      const json = await cli(['--source', 'src/handler.ts', '--format', 'json', 'run.history.json']);
      assert.strictEqual(json.code, 0, json.err);
      assert.strictEqual(json.err, '');
      const parsed = JSON.parse(json.out) as { operations: { name: string; source: unknown }[]; mapping: { handler: string; fits: string; matched: number; total: number } };
      assert.deepStrictEqual(parsed.operations.map((o) => [o.name, o.source]), [
        ['start', { file: 'src/handler.ts', line: 4, column: 9 }],
        ['label-p1', { file: 'src/helpers.ts', line: 3, column: 9 }],
        ['pause', { file: 'src/handler.ts', line: 6, column: 9 }],
      ]);
      assert.deepStrictEqual([parsed.mapping.handler, parsed.mapping.fits, parsed.mapping.matched, parsed.mapping.total], ['handler', 'fits', 3, 3]);
      const text = await cli(['--source', 'src/handler.ts', 'run.history.json']);
      assert.match(text.out, /OPERATION\s+SOURCE\n.*step "start"\s+src\/handler\.ts:4\n.*step "label-p1"\s+src\/helpers\.ts:3\n/);
      // Edited since the recording: the rename is a note on stderr, and where resuming would fail.
      fs.writeFileSync(path.join(dir, 'src', 'handler.ts'), main.replace("'start'", "'begin'"));
      const drifted = await cli(['--source', 'src/handler.ts', 'run.history.json']);
      assert.strictEqual(drifted.code, 0);
      assert.match(drifted.err, /1: Step "start" \(operation 1\) is now named "begin" in the code: resuming this execution fails there/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
