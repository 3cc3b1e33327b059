// Unit tests (mocha, node): each quick fix as a table of marked source -> text after applying the fix.
import * as assert from 'assert';
import * as ts from 'typescript';
import { findContextInScope } from '../../../src/core/analysis/operations';
import { getQuickFixes } from '../../../src/core/fixes/quickFixes';
import { applyEdits, type QuickFix } from '../../../src/core/fixes/fixModel';
import type { RuleId } from '../../../src/core/rules/catalog';

const HEADER = `import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';\n`;

/** `[|…|]` marks the finding's span in the source. */
function fixesFor(marked: string, rule: RuleId): { text: string; fixes: QuickFix[] } {
  const start = marked.indexOf('[|');
  const end = marked.indexOf('|]') - 2;
  assert.ok(start >= 0 && end >= start, 'test source needs a [| |] span');
  const text = marked.replace('[|', '').replace('|]', '');
  const sf = ts.createSourceFile('/t/handler.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const errors: unknown[] = [];
  const fixes = getQuickFixes(ts, sf, { rule, start, end }, (node) => findContextInScope(ts, node), (e) => errors.push(e));
  assert.deepStrictEqual(errors, [], 'no fix may throw');
  return { text, fixes };
}

function applied(marked: string, rule: RuleId, fixName: string): { result: string; fix: QuickFix } {
  const { text, fixes } = fixesFor(marked, rule);
  const fix = fixes.find((f) => f.fixName === fixName);
  assert.ok(fix, `expected a ${fixName} fix, got ${fixes.map((f) => f.fixName).join(', ')}`);
  const result = applyEdits(text, fix.edits);
  const out = ts.transpileModule(result, { reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022 } });
  assert.deepStrictEqual(
    (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    [],
    `fixed code must stay valid syntax:\n${result}`
  );
  return { result, fix };
}

function handler(body: string, params = 'event: any, context'): string {
  return `${HEADER}export const handler = withDurableExecution(async (${params}) => {\n${body}\n});\n`;
}

describe('quick fixes', () => {
  describe('wrap in step (nondeterministic-call, io-outside-step, env-read-outside-step)', () => {
    const cases: { title: string; body: string; rule: RuleId; expected: string }[] = [
      { title: 'a call initialising a variable, named after it', rule: 'nondeterministic-call', body: '  const orderId = [|crypto.randomUUID()|];', expected: '  const orderId = await context.step("order-id", async () => crypto.randomUUID());' },
      { title: 'the callee only flagged', rule: 'nondeterministic-call', body: '  const t = [|Date.now|]();', expected: '  const t = await context.step("t", async () => Date.now());' },
      { title: 'an awaited call: the await moves outside', rule: 'io-outside-step', body: '  const res = await [|fetch(event.url)|];', expected: '  const res = await context.step("res", async () => fetch(event.url));' },
      { title: 'a statement', rule: 'io-outside-step', body: '  [|sendEmail(event.to)|];', expected: '  await context.step("send-email", async () => sendEmail(event.to));' },
      { title: 'a receiver of a property access gets parentheses', rule: 'nondeterministic-call', body: '  const s = [|Date.now()|].toString();', expected: '  const s = (await context.step("date-now", async () => Date.now())).toString();' },
      { title: 'an AWS SDK send is named after the command', rule: 'io-outside-step', body: '  await [|s3.send(new GetObjectCommand({ Bucket: "b", Key: "k" }))|];', expected: '  await context.step("get-object", async () => s3.send(new GetObjectCommand({ Bucket: "b", Key: "k" })));' },
      { title: 'an env read', rule: 'env-read-outside-step', body: '  const table = [|process.env.TABLE|];', expected: '  const table = await context.step("table", async () => process.env.TABLE);' },
    ];
    for (const c of cases) {
      it(c.title, () => {
        const { result, fix } = applied(handler(c.body), c.rule, 'durableLens.wrapInStep');
        assert.ok(result.includes(c.expected), `got:\n${result}`);
        assert.match(fix.description, /later operation ids shift/);
        assert.match(fix.description, /in flight/);
      });
    }

    it('uses the child context inside a child-context callback', () => {
      const { result } = applied(handler('  await context.runInChildContext("c", async (child) => {\n    const n = [|Math.random()|];\n  });'), 'nondeterministic-call', 'durableLens.wrapInStep');
      assert.ok(result.includes('const n = await child.step("n", async () => Math.random());'), result);
    });

    it('is not offered where await is illegal (a non-async callback) or for a write', () => {
      const nonAsync = fixesFor(handler('  [1].forEach((x) => { const t = [|Date.now()|]; });'), 'nondeterministic-call');
      assert.deepStrictEqual(nonAsync.fixes.map((f) => f.fixName), ['durableLens.suppress']);
      const write = fixesFor(handler('  [|process.env.MODE|] = "x";'), 'env-read-outside-step');
      assert.deepStrictEqual(write.fixes.map((f) => f.fixName), ['durableLens.suppress']);
    });

    it('is not offered without a context in scope (a plain helper)', () => {
      const { fixes } = fixesFor(`${HEADER}export async function newId() { return [|Math.random()|]; }\n`, 'nondeterministic-call');
      assert.deepStrictEqual(fixes.map((f) => f.fixName), ['durableLens.suppress']);
    });

    it('wraps in a durable helper with its context parameter', () => {
      const { result } = applied(`${HEADER}export async function charge(ctx: DurableContext, amount: number) {\n  const at = [|new Date()|];\n  return at;\n}\n`, 'nondeterministic-call', 'durableLens.wrapInStep');
      assert.ok(result.includes('const at = await ctx.step("at", async () => new Date());'), result);
    });
  });

  describe('replace a sleep with ctx.wait (non-durable-timer)', () => {
    it('await new Promise(r => setTimeout(r, ms))', () => {
      const { result, fix } = applied(handler('  await new Promise((r) => [|setTimeout|](r, 5000));'), 'non-durable-timer', 'durableLens.replaceSleepWithWait');
      assert.ok(result.includes('  await context.wait({ seconds: 5 });'), result);
      assert.match(fix.description, /later operation ids shift/);
    });
    it('a block body and a resolving arrow, constant-folded', () => {
      const { result } = applied(handler('  await new Promise<void>((resolve) => { [|setTimeout(() => resolve(), 2 * 60 * 1000)|]; });'), 'non-durable-timer', 'durableLens.replaceSleepWithWait');
      assert.ok(result.includes('  await context.wait({ seconds: 120 });'), result);
    });
    it('timers/promises setTimeout, aliased, rounded up to whole seconds', () => {
      const src = `import { setTimeout as sleep } from 'node:timers/promises';\n` + handler('  await [|sleep(1500)|];');
      const { result, fix } = applied(src, 'non-durable-timer', 'durableLens.replaceSleepWithWait');
      assert.ok(result.includes('  await context.wait({ seconds: 2 });'), result);
      assert.match(fix.description, /rounded up/);
    });
    it('a computed duration', () => {
      const { result } = applied(handler('  await new Promise((r) => [|setTimeout(r, event.delayMs + 10)|]);'), 'non-durable-timer', 'durableLens.replaceSleepWithWait');
      assert.ok(result.includes('  await context.wait({ seconds: Math.ceil((event.delayMs + 10) / 1000) });'), result);
    });
    it('not offered for a fire-and-forget callback timer', () => {
      const { fixes } = fixesFor(handler('  [|setTimeout(() => notify(), 100)|];'), 'non-durable-timer');
      assert.deepStrictEqual(fixes.map((f) => f.fixName), ['durableLens.suppress']);
    });
  });

  describe("use the callback's own context (parent-context-in-child)", () => {
    it('runInChildContext', () => {
      const { result } = applied(handler('  await context.runInChildContext("c", async (child) => {\n    await [|context|].step(async () => 1);\n  });'), 'parent-context-in-child', 'durableLens.useOwnContext');
      assert.ok(result.includes('    await child.step(async () => 1);'), result);
    });
    it('map: the callback context is the first parameter, not the item', () => {
      const { result } = applied(handler('  await context.map(event.items, async (itemCtx, item) => {\n    await [|context|].wait({ seconds: 1 });\n  });'), 'parent-context-in-child', 'durableLens.useOwnContext');
      assert.ok(result.includes('    await itemCtx.wait({ seconds: 1 });'), result);
    });
    it('parallel named branch without a parameter gets one', () => {
      const { result } = applied(handler('  await context.parallel([{ name: "a", func: async () => [|context|].step(async () => 1) }]);'), 'parent-context-in-child', 'durableLens.useOwnContext');
      assert.ok(result.includes('func: async (childContext) => childContext.step(async () => 1)'), result);
    });
  });

  describe('add the missing await (floating-durable-promise)', () => {
    it('a statement', () => {
      const { result } = applied(handler('  [|context.step("x", async () => 1)|];'), 'floating-durable-promise', 'durableLens.addAwait');
      assert.ok(result.includes('  await context.step("x", async () => 1);'), result);
    });
  });

  describe('console to the replay-aware logger (replayed-side-effect-log)', () => {
    for (const [method, level] of [['log', 'info'], ['error', 'error'], ['warn', 'warn'], ['debug', 'debug']]) {
      it(`console.${method} -> logger.${level}`, () => {
        const { result } = applied(handler(`  [|console.${method}("order", event.id)|];`), 'replayed-side-effect-log', 'durableLens.consoleToLogger');
        assert.ok(result.includes(`  context.logger.${level}("order", event.id);`), result);
      });
    }
    it('console.table has no logger equivalent: suppression only', () => {
      const { fixes } = fixesFor(handler('  [|console.table(event)|];'), 'replayed-side-effect-log');
      assert.deepStrictEqual(fixes.map((f) => f.fixName), ['durableLens.suppress']);
    });
  });

  describe('native combinators to ctx.promise (native-promise-combinator)', () => {
    it('Promise.all', () => {
      const { result } = applied(handler('  await [|Promise.all([context.step(async () => 1), context.step(async () => 2)])|];'), 'native-promise-combinator', 'durableLens.durableCombinator');
      assert.ok(result.includes('  await context.promise.all([context.step(async () => 1), context.step(async () => 2)]);'), result);
    });
  });

  describe('suppression comment', () => {
    it('is offered for every rule, last, with the indentation of the line and a reason', () => {
      const { result, fix } = applied(handler('    const id = [|crypto.randomUUID()|];'), 'nondeterministic-call', 'durableLens.suppress');
      assert.ok(result.includes('    // durable-lens-ignore-next-line nondeterministic-call -- TODO: explain why this is safe on replay\n    const id = crypto.randomUUID();'), result);
      assert.match(fix.description, /nondeterministic-call/);
      const { fixes } = fixesFor(handler('    const id = [|crypto.randomUUID()|];'), 'nondeterministic-call');
      assert.strictEqual(fixes[fixes.length - 1].fixName, 'durableLens.suppress');
    });
    it('is not offered where the line starts inside a multi-line template literal', () => {
      const { fixes } = fixesFor(handler('  const s = `a\n${[|Date.now()|]}`;'), 'nondeterministic-call');
      assert.ok(!fixes.some((f) => f.fixName === 'durableLens.suppress'));
    });
  });

  it('never throws on broken code', () => {
    const broken = ['[||]', 'await ([||]', handler('  const x = [|(|]'), '}}}{{{ [|x|]', handler('  await new Promise([|setTimeout|]);')];
    const rules: RuleId[] = ['nondeterministic-call', 'non-durable-timer', 'parent-context-in-child', 'floating-durable-promise', 'replayed-side-effect-log'];
    for (const src of broken) for (const rule of rules) assert.doesNotThrow(() => fixesFor(src, rule));
  });
});
