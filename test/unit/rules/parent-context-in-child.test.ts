// Unit tests (node, mocha): rule parent-context-in-child, valid and invalid tables with exact positions.
import { handler, ruleTester } from './harness';

ruleTester('parent-context-in-child', {
  valid: [
    { name: 'a child context uses its own context', code: handler("  await ctx.runInChildContext('c', async (child) => { await child.wait(1); });") },
    { name: 'a map callback uses its own context', code: handler('  await ctx.map([1, 2], async (mc, item) => mc.step(async () => item));') },
    { name: 'the outer logger is not an operation', code: handler("  await ctx.runInChildContext(async (child) => { ctx.logger.info('x'); });") },
    { name: 'the outer context after the child returns', code: handler('  await ctx.runInChildContext(async (child) => child.wait(1));\n  await ctx.wait(1);') },
  ],
  invalid: [
    {
      name: 'the parent context inside runInChildContext',
      code: handler("  await ctx.runInChildContext('c', async (child) => { await ctx.wait(1); });"),
      errors: [{ line: 3, column: 61, endLine: 3, endColumn: 64, message: ['ctx is the outer context', 'runInChildContext', 'child'] }],
    },
    {
      name: 'the parent context inside a map callback',
      code: handler('  await ctx.map([1, 2], async (mc, item) => ctx.step(async () => item));'),
      errors: [{ line: 3, column: 45, endLine: 3, endColumn: 48, message: ['map', 'mc'] }],
    },
    {
      name: 'a parallel branch without a context parameter',
      code: handler('  await ctx.parallel([async () => ctx.wait(1)]);'),
      errors: [{ line: 3, column: 35, endLine: 3, endColumn: 38, message: 'add a context parameter' }],
    },
  ],
});
