// Unit tests (node, mocha): rule native-promise-combinator, valid and invalid tables with exact positions.
import { handler, ruleTester } from './harness';

ruleTester('native-promise-combinator', {
  valid: [
    { name: 'ctx.promise.all is the fix', code: handler('  await ctx.promise.all([ctx.step(async () => 1), ctx.step(async () => 2)]);') },
    { name: 'Promise.all over ordinary promises', code: handler('  await Promise.all([Promise.resolve(1), Promise.resolve(2)]);') },
    { name: 'Promise.all over async callbacks without operations', code: handler('  await Promise.all(event.items.map(async (i: any) => { await Promise.resolve(i); }));') },
    { name: 'Promise.all inside a step', code: handler("  await ctx.step('f', async () => Promise.all([fetch('a'), fetch('b')]));") },
  ],
  invalid: [
    {
      name: 'Promise.all over steps',
      code: handler('  await Promise.all([ctx.step(async () => 1), ctx.step(async () => 2)]);'),
      errors: [{ line: 3, column: 9, endLine: 3, endColumn: 72, message: ['Promise.all', 'ctx.promise.all(...)'] }],
    },
    {
      name: 'Promise.all over items.map to steps',
      code: handler('  await Promise.all(event.items.map((i: any) => ctx.step(async () => i)));'),
      errors: [{ line: 3, column: 9, endLine: 3, endColumn: 74 }],
    },
    {
      name: 'Promise.all over async callbacks that run steps',
      code: handler('  await Promise.all(event.items.map(async (i: any) => {\n    await ctx.step(async () => i);\n  }));'),
      errors: [{ line: 3, column: 9, endLine: 5, endColumn: 6 }],
    },
    {
      name: 'Promise.race over variables holding operations',
      code: handler('  const a = ctx.step(async () => 1);\n  const b = ctx.wait(1);\n  await Promise.race([a, b]);'),
      errors: [{ line: 5, column: 9, endLine: 5, endColumn: 29, message: 'Promise.race' }],
    },
  ],
});
