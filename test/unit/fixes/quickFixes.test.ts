// Unit tests (mocha, node): each quick fix as a table of marked source -> text after applying the fix.
import * as assert from 'assert';
import * as ts from 'typescript';
import { findContextInScope } from '../../../src/core/analysis/operations';
import { getQuickFixes } from '../../../src/core/fixes/quickFixes';
import { checkSourceFile } from '../../../src/core/check';
import { applyEdits, tsFixName, VSCODE_PREFERRED_FIX_NAME, type FixOptions, type QuickFix } from '../../../src/core/fixes/fixModel';
import type { RuleId } from '../../../src/core/rules/catalog';

const HEADER = `import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';\n`;

/** `[|…|]` marks the finding's span in the source. */
function fixesFor(marked: string, rule: RuleId, options?: FixOptions): { text: string; fixes: QuickFix[] } {
  const start = marked.indexOf('[|');
  const end = marked.indexOf('|]') - 2;
  assert.ok(start >= 0 && end >= start, 'test source needs a [| |] span');
  const text = marked.replace('[|', '').replace('|]', '');
  const sf = ts.createSourceFile('/t/handler.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const errors: unknown[] = [];
  const fixes = getQuickFixes(ts, sf, { rule, start, end }, (node) => findContextInScope(ts, node), (e) => errors.push(e), options);
  assert.deepStrictEqual(errors, [], 'no fix may throw');
  return { text, fixes };
}

function applied(marked: string, rule: RuleId, fixName: string, options?: FixOptions): { result: string; fix: QuickFix } {
  const { text, fixes } = fixesFor(marked, rule, options);
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
      { title: 'a call initialising a variable, named after it, in the file quote style', rule: 'nondeterministic-call', body: '  const orderId = [|crypto.randomUUID()|];', expected: "  const orderId = await context.step('order-id', async () => crypto.randomUUID());" },
      { title: 'the callee only flagged', rule: 'nondeterministic-call', body: '  const t = [|Date.now|]();', expected: "  const t = await context.step('t', async () => Date.now());" },
      { title: 'a statement: the step returns nothing, so no value has to survive JSON', rule: 'io-outside-step', body: '  [|sendEmail(event.to)|];', expected: "  await context.step('send-email', async () => { await sendEmail(event.to); });" },
      { title: 'an awaited call whose value is not used', rule: 'io-outside-step', body: '  await [|fetch(event.url)|];', expected: "  await context.step('fetch', async () => { await fetch(event.url); });" },
      { title: 'a receiver of a property access gets parentheses, named after the variable', rule: 'nondeterministic-call', body: '  const s = [|Date.now()|].toString();', expected: "  const s = (await context.step('s', async () => Date.now())).toString();" },
      { title: 'an AWS SDK send is named after the command', rule: 'io-outside-step', body: '  await [|s3.send(new GetObjectCommand({ Bucket: "b", Key: "k" }))|];', expected: '  await context.step(\'get-object\', async () => { await s3.send(new GetObjectCommand({ Bucket: "b", Key: "k" })); });' },
      { title: 'an env read', rule: 'env-read-outside-step', body: '  const table = [|process.env.TABLE|];', expected: "  const table = await context.step('table', async () => process.env.TABLE);" },
      { title: 'new Date(): the step returns Date.now() and the Date is rebuilt outside', rule: 'nondeterministic-call', body: '  const createdAt = [|new Date()|].toISOString();', expected: "  const createdAt = new Date(await context.step('created-at', async () => Date.now())).toISOString();" },
      { title: 'randomBytes: the step returns base64 and the Buffer is rebuilt', rule: 'nondeterministic-call', body: '  const key = [|crypto.randomBytes(16)|];', expected: "  const key = Buffer.from(await context.step('key', async () => crypto.randomBytes(16).toString('base64')), 'base64');" },
      { title: 'process.hrtime.bigint: carried as a string', rule: 'nondeterministic-call', body: '  const t0 = [|process.hrtime.bigint()|];', expected: "  const t0 = BigInt(await context.step('t0', async () => process.hrtime.bigint().toString()));" },
      { title: 'arithmetic: hoisted into a const before the statement', rule: 'nondeterministic-call', body: '  const deadline = [|Date.now()|] + 1000;', expected: "  const dateNow = await context.step('date-now', async () => Date.now());\n  const deadline = dateNow + 1000;" },
      { title: 'a template: hoisted', rule: 'nondeterministic-call', body: '  const key = `order-${[|Math.random()|]}`;', expected: "  const mathRandom = await context.step('math-random', async () => Math.random());\n  const key = `order-${mathRandom}`;" },
      { title: 'an if condition: hoisted before the if', rule: 'nondeterministic-call', body: '  if ([|Date.now()|] > event.deadline) return 1;', expected: "  const dateNow = await context.step('date-now', async () => Date.now());\n  if (dateNow > event.deadline) return 1;" },
      { title: 'a loop condition: not hoisted (it is evaluated on every iteration), inlined', rule: 'nondeterministic-call', body: '  while ([|Date.now()|] < event.deadline) await context.wait({ seconds: 1 });', expected: "  while (await context.step('date-now', async () => Date.now()) < event.deadline) await context.wait({ seconds: 1 });" },
      { title: 'behind && : not hoisted (it would run when the original does not), inlined', rule: 'nondeterministic-call', body: '  const t = event.late && [|Date.now()|] - 5;', expected: "  const t = event.late && await context.step('date-now', async () => Date.now()) - 5;" },
      { title: 'after a call in the same statement: not hoisted (it would run before it), inlined', rule: 'nondeterministic-call', body: '  const d = f() + [|Date.now()|];', expected: "  const d = f() + await context.step('date-now', async () => Date.now());" },
    ];
    for (const c of cases) {
      it(c.title, () => {
        const { result, fix } = applied(handler(c.body), c.rule, 'durableLens.wrapInStep');
        assert.ok(result.includes(c.expected), `got:\n${result}`);
        assert.strictEqual(fix.description, 'Wrap in context.step (later operation ids shift)');
      });
    }

    it('a hoisted name never collides with one the file uses', () => {
      const { result } = applied(handler('  const dateNow = 1;\n  const deadline = [|Date.now()|] + dateNow;'), 'nondeterministic-call', 'durableLens.wrapInStep');
      assert.ok(result.includes("  const dateNow2 = await context.step('date-now', async () => Date.now());\n  const deadline = dateNow2 + dateNow;"), result);
    });

    it("follows the user's quote preference over the file's", () => {
      const { result } = applied(handler('  const orderId = [|crypto.randomUUID()|];'), 'nondeterministic-call', 'durableLens.wrapInStep', { quotePreference: 'double' });
      assert.ok(result.includes('  const orderId = await context.step("order-id", async () => crypto.randomUUID());'), result);
      const dq = `import { withDurableExecution } from "@aws/durable-execution-sdk-js";\nexport const handler = withDurableExecution(async (event: any, context) => {\n  const orderId = [|crypto.randomUUID()|];\n});\n`;
      assert.ok(applied(dq, 'nondeterministic-call', 'durableLens.wrapInStep').result.includes('context.step("order-id"'), 'a double-quoted file gets double quotes');
    });

    it('is not offered where the result would not survive the checkpoint (a fetch Response, a value of unknown type)', () => {
      for (const body of ['  const res = await [|fetch(event.url)|];\n  return res.json();', '  const data = [|readFileSync(event.path)|];']) {
        const { fixes } = fixesFor(handler(body), 'io-outside-step');
        assert.deepStrictEqual(fixes.map((f) => f.fixName), ['durableLens.suppress'], body);
      }
    });

    it('uses the child context inside a child-context callback', () => {
      const { result } = applied(handler('  await context.runInChildContext("c", async (child) => {\n    const n = [|Math.random()|];\n  });'), 'nondeterministic-call', 'durableLens.wrapInStep');
      assert.ok(result.includes("const n = await child.step('n', async () => Math.random());"), result);
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
      assert.ok(result.includes("const at = new Date(await ctx.step('at', async () => Date.now()));"), result);
    });
  });

  describe('replace a sleep with ctx.wait (non-durable-timer)', () => {
    it('await new Promise(r => setTimeout(r, ms)), the wait named like a step', () => {
      const { result, fix } = applied(handler('  await new Promise((r) => [|setTimeout|](r, 5000));'), 'non-durable-timer', 'durableLens.replaceSleepWithWait');
      assert.ok(result.includes("  await context.wait('wait-5s', { seconds: 5 });"), result);
      assert.strictEqual(fix.description, 'Replace with context.wait (later operation ids shift)');
    });
    it('a block body and a resolving arrow, constant-folded', () => {
      const { result } = applied(handler('  await new Promise<void>((resolve) => { [|setTimeout(() => resolve(), 2 * 60 * 1000)|]; });'), 'non-durable-timer', 'durableLens.replaceSleepWithWait');
      assert.ok(result.includes("  await context.wait('wait-120s', { seconds: 120 });"), result);
    });
    it('timers/promises setTimeout, aliased, rounded up to whole seconds', () => {
      const src = `import { setTimeout as sleep } from 'node:timers/promises';\n` + handler('  await [|sleep(1500)|];');
      const { result } = applied(src, 'non-durable-timer', 'durableLens.replaceSleepWithWait');
      assert.ok(result.includes("  await context.wait('wait-2s', { seconds: 2 });"), result);
    });
    it('a computed duration: at least one second, named after it', () => {
      const { result } = applied(handler('  await new Promise((r) => [|setTimeout(r, event.delayMs + 10)|]);'), 'non-durable-timer', 'durableLens.replaceSleepWithWait');
      assert.ok(result.includes("  await context.wait('wait-delay', { seconds: Math.max(1, Math.ceil((event.delayMs + 10) / 1000)) });"), result);
    });
    it('not offered when the code uses the value the sleep resolves with (a wait resolves with none)', () => {
      const src = `import { setTimeout as sleep } from 'node:timers/promises';\n` + handler("  const v = await [|sleep(100, 'x')|];");
      assert.deepStrictEqual(fixesFor(src, 'non-durable-timer').fixes.map((f) => f.fixName), ['durableLens.suppress']);
      const viaResolve = handler('  const v = await new Promise((r) => [|setTimeout(() => r(42), 100)|]);');
      assert.deepStrictEqual(fixesFor(viaResolve, 'non-durable-timer').fixes.map((f) => f.fixName), ['durableLens.suppress']);
    });
    it('not offered for a fire-and-forget callback timer', () => {
      const { fixes } = fixesFor(handler('  [|setTimeout(() => notify(), 100)|];'), 'non-durable-timer');
      assert.deepStrictEqual(fixes.map((f) => f.fixName), ['durableLens.suppress']);
    });
  });

  describe('carry what JSON keeps and rebuild (lossy-step-result)', () => {
    it('a Date: Date.now() in the step, new Date(...) at the await', () => {
      const { result, fix } = applied(handler("  const at = await context.step('at', async () => [|new Date()|]);"), 'lossy-step-result', 'durableLens.carryJsonValue');
      assert.ok(result.includes("  const at = new Date(await context.step('at', async () => Date.now()));"), result);
      assert.strictEqual(fix.description, 'Return Date.now() and rebuild the Date');
    });
    it('a Set from a block body', () => {
      const { result } = applied(handler("  const seen = await context.step('seen', async () => { const ids = await load(); return [|new Set(ids)|]; });"), 'lossy-step-result', 'durableLens.carryJsonValue');
      assert.ok(result.includes("  const seen = new Set(await context.step('seen', async () => { const ids = await load(); return [...new Set(ids)]; }));"), result);
    });
    it('not offered when the result is passed on rather than awaited, or for a class instance', () => {
      const passed = fixesFor(handler("  const p = context.step('at', async () => [|new Date()|]);"), 'lossy-step-result');
      assert.deepStrictEqual(passed.fixes.map((f) => f.fixName), ['durableLens.suppress']);
      const cls = fixesFor(handler("  const o = await context.step('o', async () => [|new Order()|]);"), 'lossy-step-result');
      assert.deepStrictEqual(cls.fixes.map((f) => f.fixName), ['durableLens.suppress']);
    });
  });

  describe('order and marking', () => {
    it('the real fix first and preferred (reported to VS Code under a name it prefers), the suppression last and not preferred', () => {
      const { fixes } = fixesFor(handler('  const orderId = [|crypto.randomUUID()|];'), 'nondeterministic-call');
      assert.deepStrictEqual(fixes.map((f) => [f.fixName, !!f.preferred]), [['durableLens.wrapInStep', true], ['durableLens.suppress', false]]);
      assert.deepStrictEqual(fixes.map(tsFixName), [VSCODE_PREFERRED_FIX_NAME, 'durableLens.suppress']);
      assert.strictEqual(VSCODE_PREFERRED_FIX_NAME, 'addMissingAwait');
    });
    it('with only the suppression, nothing is preferred', () => {
      const { fixes } = fixesFor(handler('  [1].forEach((x) => { const t = [|Date.now()|]; });'), 'nondeterministic-call');
      assert.deepStrictEqual(fixes.map((f) => !!f.preferred), [false]);
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
    it('not before a call that is not an operation (awaiting forEach would fix nothing)', () => {
      const { fixes } = fixesFor(handler('  [|event.items.forEach(async (i: number) => { await context.step(async () => i); })|];'), 'floating-durable-promise');
      assert.deepStrictEqual(fixes.map((f) => f.fixName), ['durableLens.suppress']);
    });
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
    it('over a map whose callback returns the operation', () => {
      const { result } = applied(handler('  const r = await [|Promise.all(event.items.map((i: number) => context.step(`s-${i}`, async () => i)))|];'), 'native-promise-combinator', 'durableLens.durableCombinator');
      assert.ok(result.includes('  const r = await context.promise.all(event.items.map((i: number) => context.step(`s-${i}`, async () => i)));'), result);
    });
    it('not offered for Promise.any (its AggregateError.errors would be lost) or for plain promises from an async callback', () => {
      const any = fixesFor(handler('  await [|Promise.any([context.step(async () => 1), context.step(async () => 2)])|];'), 'native-promise-combinator');
      assert.deepStrictEqual(any.fixes.map((f) => f.fixName), ['durableLens.suppress']);
      const asyncCb = fixesFor(handler('  await [|Promise.all(event.items.map(async (i: number) => { await context.step(async () => i); return new Date(); }))|];'), 'native-promise-combinator');
      assert.deepStrictEqual(asyncCb.fixes.map((f) => f.fixName), ['durableLens.suppress']);
    });
    it('Promise.all', () => {
      const { result } = applied(handler('  await [|Promise.all([context.step(async () => 1), context.step(async () => 2)])|];'), 'native-promise-combinator', 'durableLens.durableCombinator');
      assert.ok(result.includes('  await context.promise.all([context.step(async () => 1), context.step(async () => 2)]);'), result);
    });
  });

  describe('suppression comment', () => {
    it('is offered for every rule, last, with the indentation of the line and the reason left to type', () => {
      const { result, fix } = applied(handler('    const id = [|crypto.randomUUID()|];'), 'nondeterministic-call', 'durableLens.suppress');
      assert.ok(result.includes('    // durable-lens-ignore-next-line nondeterministic-call -- \n    const id = crypto.randomUUID();'), result);
      assert.strictEqual(fix.description, 'Ignore nondeterministic-call on this line');
      const { fixes } = fixesFor(handler('    const id = [|crypto.randomUUID()|];'), 'nondeterministic-call');
      assert.strictEqual(fixes[fixes.length - 1].fixName, 'durableLens.suppress');
    });
    it('the comment with its reason still empty already suppresses the finding', () => {
      const { result } = applied(handler('  const id = [|crypto.randomUUID()|];'), 'nondeterministic-call', 'durableLens.suppress');
      const before = checkSourceFile(ts, undefined, ts.createSourceFile('/t/h.ts', handler('  const id = crypto.randomUUID();'), ts.ScriptTarget.Latest, true));
      assert.ok(before.some((f) => f.rule === 'nondeterministic-call'), 'the finding exists before');
      const after = checkSourceFile(ts, undefined, ts.createSourceFile('/t/h.ts', result, ts.ScriptTarget.Latest, true));
      assert.deepStrictEqual(after.filter((f) => f.rule === 'nondeterministic-call'), []);
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
