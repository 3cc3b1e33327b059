// Unit tests (mocha, node): rule lossy-step-result, valid and invalid tables with exact positions in all three modes.
import { handler, ruleTester } from './harness';

ruleTester('lossy-step-result', {
  valid: [
    { name: 'a step returning what JSON carries (number, string, plain object, array)', code: handler("  const a = await ctx.step('a', async () => Date.now());\n  const b = await ctx.step('b', async () => new Date().toISOString());\n  const c = await ctx.step('c', async () => ({ id: 'x', n: 1, tags: ['t'] }));\n  const d = await ctx.step('d', async () => [1, 2]);") },
    { name: 'a Date rebuilt outside the step', code: handler("  const at = new Date(await ctx.step('at', async () => Date.now()));") },
    { name: 'a step with a serdes', code: handler("  const at = await ctx.step('at', async () => new Date(), { serdes: dateSerdes });") },
    { name: 'a config we cannot read counts as configured', code: handler("  const at = await ctx.step('at', async () => new Date(), stepConfig);") },
    { name: 'a context-wide default serdes', code: handler("  ctx.configureSerdes({ defaultSerdes: mySerdes });\n  const s = await ctx.step('s', async () => new Set([1]));") },
    { name: 'a Date made and used inside the step only', code: handler("  const iso = await ctx.step('iso', async () => { const d = new Date(); return d.toISOString(); });") },
    { name: 'a function returned by a nested function inside the step is not the step result', code: handler("  await ctx.step('x', async () => { const f = () => new Set(); f(); return 1; });") },
    { name: 'new Promise returned from a step is awaited, not checkpointed as a promise', code: handler("  await ctx.step('p', async () => new Promise<number>((r) => r(1)));") },
    { name: 'waitForCallback typed as its raw string', code: handler("  const raw = await ctx.waitForCallback<string>('cb', async (id) => { await send(id); });\n  const untyped = await ctx.waitForCallback('cb2', async (id) => { await send(id); });") },
    { name: 'waitForCallback with a deserializer', code: handler("  const a = await ctx.waitForCallback<{ ok: boolean }>('cb', async (id) => { await send(id); }, { serdes: jsonDeserializer });") },
    { name: 'a callback passed by name that returns JSON data', code: handler("  const n = await ctx.step('n', count);") + 'async function count() { return 3; }\n' },
    { name: 'a look-alike step on something that is not a context', code: handler("  const q = { step: async (n: string, f: () => Promise<unknown>) => f() };\n  await q.step('a', async () => new Date());") },
  ],
  invalid: [
    {
      name: 'a step returning new Date()',
      code: handler("  const at = await ctx.step('at', async () => new Date());\n  return at.toISOString();"),
      errors: [{ line: 3, column: 47, endLine: 3, endColumn: 57, message: ['step result is a Date', 'as an ISO string', 'new Date(', 'serdes'] }],
    },
    {
      name: 'a Set, a Map and a class instance, in block bodies',
      code: handler("  await ctx.step('s', async () => { return new Set([1]); });\n  await ctx.step('m', async () => { const m = new Map<string, number>(); return m; });\n  await ctx.step('o', async () => { return new Order('x'); });") + 'class Order { constructor(public id: string) {} total() { return 1; } }\n',
      errors: [
        { line: 3, column: 44, endLine: 3, endColumn: 56, message: ['a Set', 'as an empty object'] },
        { line: 4, column: 81, endLine: 4, endColumn: 82, message: 'a Map' },
        { line: 5, column: 44, endLine: 5, endColumn: 58, message: ['an Order instance', 'without its prototype'] },
      ],
    },
    {
      name: 'a function and a BigInt',
      code: handler("  const f = await ctx.step('f', async () => () => 1);\n  const n = await ctx.step('n', async () => 10n);"),
      errors: [
        { line: 3, column: 45, endLine: 3, endColumn: 52, message: 'a function' },
        { line: 4, column: 45, endLine: 4, endColumn: 48, message: ['a BigInt', 'fails'] },
      ],
    },
    {
      name: 'a Date inside a returned object literal, in a child context',
      code: handler("  const r = await ctx.runInChildContext('c', async (child) => ({ id: 'x', at: new Date() }));"),
      errors: [{ line: 3, column: 63, endLine: 3, endColumn: 92, message: ['child context result has a Date at result.at'] }],
    },
    {
      name: 'a map item and a parallel branch',
      code: handler("  await ctx.map('m', event.items, async (c, item) => new Date());\n  await ctx.parallel('p', [async (c) => new Set(), { name: 'b', func: async (c) => 1 }]);"),
      errors: [
        { line: 3, column: 54, endLine: 3, endColumn: 64, message: 'map item result' },
        { line: 4, column: 41, endLine: 4, endColumn: 50, message: 'parallel branch result' },
      ],
    },
    {
      name: 'a waitForCallback typed as an object without a deserializer',
      code: handler("  const approval = await ctx.waitForCallback<{ approved: boolean }>('approve', async (id) => { await send(id); });\n  return approval.approved;"),
      errors: [{ line: 3, column: 46, endLine: 3, endColumn: 67, message: ['raw string', 'JSON.parse', '{ approved: boolean }'] }],
    },
    {
      name: 'a callback passed by name',
      code: handler("  const at = await ctx.step('at', stamp);") + 'async function stamp() { return new Date(); }\n',
      errors: [{ line: 3, column: 35, endLine: 3, endColumn: 40, message: 'step result is a Date' }],
    },
    {
      name: 'a step in a durable helper reached from the handler',
      code: "import { withDurableExecution, DurableContext } from '@aws/durable-execution-sdk-js';\nasync function stamp(c: DurableContext) { return c.step('stamp', async () => new Date()); }\nexport const handler = withDurableExecution(async (event: any, ctx: DurableContext) => stamp(ctx));\n",
      errors: [{ line: 2, column: 78, endLine: 2, endColumn: 88, message: 'a Date' }],
    },
  ],
});

/** By type, only with a checker: a helper's declared return type. */
ruleTester('lossy-step-result', {
  valid: [
    { name: 'a helper returning a string', code: handler("  const s = await ctx.step('s', async () => label());") + 'function label(): string { return "x"; }\n', modes: ['program', 'program-unresolved'] },
  ],
  invalid: [
    {
      name: 'a helper declared to return a Date, and a nested Date in an interface',
      code:
        handler("  const d = await ctx.step('d', async () => today());\n  const o = await ctx.step('o', async () => load());") +
        'function today(): Date { return new Date(); }\ninterface Loaded { id: string; at: Date }\nasync function load(): Promise<Loaded> { return { id: "x", at: new Date() }; }\n',
      modes: ['program', 'program-unresolved'],
      errors: [
        { line: 3, column: 45, endLine: 3, endColumn: 52, message: 'a Date' },
        { line: 4, column: 45, endLine: 4, endColumn: 51, message: 'has a Date at result.at' },
      ],
    },
  ],
});
