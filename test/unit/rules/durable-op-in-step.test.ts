// Unit tests (node, mocha): rule durable-op-in-step, valid and invalid tables with exact positions.
import { handler, ruleTester } from './harness';

ruleTester('durable-op-in-step', {
  valid: [
    { name: 'operations in the handler body', code: handler("  await ctx.step('a', async () => 1);\n  await ctx.wait(5);") },
    { name: 'the step context logger inside a step', code: handler("  await ctx.step('a', async (s) => { s.logger.info('x'); return 1; });") },
    { name: 'operations in a child context', code: handler("  await ctx.runInChildContext('c', async (child) => { await child.wait(1); });") },
    { name: 'a look-alike .wait on something that is not a context', code: handler("  await ctx.step('a', async () => { const q = { wait: (n: number) => n }; return q.wait(1); });") },
  ],
  invalid: [
    {
      name: 'ctx.wait inside a step',
      code: handler("  await ctx.step('a', async () => { await ctx.wait(5); });"),
      errors: [{ line: 3, column: 43, endLine: 3, endColumn: 54, message: ['ctx.wait(…)', 'step callback'] }],
    },
    {
      name: 'ctx.step inside a waitForCallback submitter',
      code: handler("  await ctx.waitForCallback('cb', async (id) => { await ctx.step(async () => id); });"),
      errors: [{ line: 3, column: 57, endLine: 3, endColumn: 81, message: 'waitForCallback callback' }],
    },
    {
      name: 'a durable helper called from a step',
      code: "import { withDurableExecution, DurableContext } from '@aws/durable-execution-sdk-js';\nasync function reserve(c: DurableContext) { await c.wait(1); }\nexport const handler = withDurableExecution(async (event: any, ctx: DurableContext) => {\n  await ctx.step('r', async () => reserve(ctx));\n});\n",
      errors: [{ line: 4, column: 35, endLine: 4, endColumn: 47, message: 'reserve(…)' }],
    },
  ],
});
