// Unit tests (node, mocha): rule closure-mutation-in-step, valid and invalid tables with exact positions.
import { handler, ruleTester } from './harness';

ruleTester('closure-mutation-in-step', {
  valid: [
    { name: 'variables local to the step', code: handler("  await ctx.step('a', async () => { let t = 0; t++; const a: number[] = []; a.push(1); return t; });") },
    { name: 'returning the value from the step is the fix', code: handler("  const total = await ctx.step('a', async () => 5);") },
    { name: 'a client call named set is I/O, not a mutation', code: "import Redis from 'ioredis';\nconst redis = new Redis();\n" + handler("  await ctx.step('a', async () => { await redis.set('k', 'v'); });") },
    { name: 'mutation in replayed code is another rule', code: handler('  let n = 0;\n  n++;') },
    {
      name: 'a delete method on an object that is not a collection',
      code: "function makeRepo() { return { delete(id: string) { return id; } }; }\nconst repo = makeRepo();\n" + handler("  await ctx.step('a', async () => { repo.delete('1'); });"),
    },
    { name: 'variables local to a child body', code: handler("  await ctx.runInChildContext('c', async (child) => { let n = 0; n++; return n; });") },
  ],
  invalid: [
    {
      name: 'compound assignment to a captured let',
      code: handler("  let total = 0;\n  await ctx.step('a', async () => { total += 5; });"),
      errors: [{ line: 4, column: 37, endLine: 4, endColumn: 47, message: ['total', 'step callback'] }],
    },
    {
      name: 'push onto a captured array',
      code: handler("  const items: string[] = [];\n  await ctx.step('a', async () => { items.push('x'); });"),
      errors: [{ line: 4, column: 37, endLine: 4, endColumn: 52, message: 'call to push on items' }],
    },
    {
      name: 'a property write',
      code: handler("  const state = { n: 0 };\n  await ctx.step('a', async () => { state.n = 1; });"),
      errors: [{ line: 4, column: 37, endLine: 4, endColumn: 48 }],
    },
    {
      name: 'an increment in an expression body',
      code: handler("  let n = 0;\n  await ctx.step('a', async () => n++);"),
      errors: [{ line: 4, column: 35, endLine: 4, endColumn: 38 }],
    },
    {
      name: 'Map.set on a captured map',
      code: handler("  const seen = new Map<string, number>();\n  await ctx.step('a', async () => { seen.set('a', 1); });"),
      errors: [{ line: 4, column: 37, endLine: 4, endColumn: 53 }],
    },
    {
      name: 'inside a nested callback of the step',
      code: handler("  let sum = 0;\n  await ctx.step('a', async () => { [1, 2].forEach((x) => { sum += x; }); });"),
      errors: [{ line: 4, column: 61, endLine: 4, endColumn: 69 }],
    },
    {
      name: 'a child-context body (not re-run once complete)',
      code: handler("  let total = 0;\n  await ctx.runInChildContext('c', async (child) => { total += 1; });"),
      errors: [{ line: 4, column: 55, endLine: 4, endColumn: 65, message: ['total', 'runInChildContext callback', 'without running it again'] }],
    },
    {
      name: 'a map item body',
      code: handler("  const seen: number[] = [];\n  await ctx.map([1, 2], async (mc, item) => { seen.push(item); });"),
      errors: [{ line: 4, column: 47, endLine: 4, endColumn: 62, message: ['call to push on seen', 'map callback'] }],
    },
    {
      name: 'a parallel branch body',
      code: handler("  const state = { done: false };\n  await ctx.parallel([async (b) => { state.done = true; }]);"),
      errors: [{ line: 4, column: 38, endLine: 4, endColumn: 55, message: ['state', 'parallel callback'] }],
    },
  ],
});
