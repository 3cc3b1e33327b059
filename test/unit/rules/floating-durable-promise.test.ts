// Unit tests (node, mocha): rule floating-durable-promise, valid and invalid tables with exact positions.
import { handler, ruleTester } from './harness';

ruleTester('floating-durable-promise', {
  valid: [
    { name: 'awaited', code: handler("  await ctx.step('a', async () => 1);") },
    { name: 'returned', code: handler('  return ctx.step(async () => 1);') },
    { name: 'stored and awaited later', code: handler('  const p = ctx.step(async () => 1);\n  await p;') },
    { name: 'assigned and awaited later', code: handler('  let p;\n  p = ctx.step(async () => 1);\n  await p;') },
    { name: 'passed to ctx.promise.all', code: handler('  const [a, b] = await ctx.promise.all([ctx.step(async () => 1), ctx.step(async () => 2)]);') },
    { name: 'then-ed', code: handler('  await ctx.step(async () => 1).then((v) => v + 1);') },
    { name: 'an arrow expression body in map', code: handler('  await ctx.promise.all([1, 2].map((i) => ctx.step(async () => i)));') },
    { name: 'an untyped helper called with something else', code: 'function run(machine) {\n  machine.step();\n}\n' + handler('  run({ step() {} });') },
    { name: 'a look-alike step on a non-context object', code: handler('  const machine = { step: () => 1 };\n  machine.step();') },
    { name: 'void (explicit fire-and-forget) with an awaited operation after it', code: handler("  void ctx.step('audit', async () => 1);\n  await ctx.wait({ seconds: 5 });") },
    { name: 'a stored combinator awaited later', code: handler('  const all = ctx.promise.all([ctx.step(async () => 1)]);\n  await ctx.step(async () => 2);\n  await all;') },
    { name: 'items.forEach with a synchronous callback', code: handler('  [1, 2].forEach((i) => console.info(i));') },
    { name: 'for … of with await (the fix for forEach)', code: handler("  for (const i of [1, 2]) await ctx.step('each', async () => i);") },
  ],
  invalid: [
    {
      name: 'an expression statement',
      code: handler("  ctx.step('a', async () => 1);"),
      errors: [{ line: 3, column: 3, endLine: 3, endColumn: 31, message: ['ctx.step(…) starts the operation', 'nothing waits for it', 'handler can return before it finishes', 'failure in it is ignored'] }],
    },
    {
      name: 'a wait without await',
      code: handler('  ctx.wait({ seconds: 5 });'),
      errors: [{ line: 3, column: 3, endLine: 3, endColumn: 27 }],
    },
    {
      name: 'stored but never used',
      code: handler('  const p = ctx.step(async () => 1);'),
      errors: [{ line: 3, column: 13, endLine: 3, endColumn: 36 }],
    },
    {
      name: 'in a child context with the child context',
      code: handler('  await ctx.runInChildContext(async (child) => { child.wait(1); });'),
      errors: [{ line: 3, column: 50, endLine: 3, endColumn: 63 }],
    },
    {
      name: 'in an untyped JS helper that receives the context',
      filename: '/proj/src/handler.js',
      code: "const { withDurableExecution } = require('@aws/durable-execution-sdk-js');\nasync function notify(context, id) {\n  context.step('notify', async () => id);\n}\nexports.handler = withDurableExecution(async (event, ctx) => {\n  await notify(ctx, event.id);\n});\n",
      errors: [{ line: 3, column: 3, endLine: 3, endColumn: 41 }],
    },
    {
      name: 'void as the last operation: the handler can return first',
      code: handler('  void ctx.step(async () => 1);\n  return 1;'),
      errors: [{ line: 3, column: 8, endLine: 3, endColumn: 31, message: ['explicitly not awaited (void)', 'handler can return before it finishes'] }],
    },
    {
      name: 'a combinator never awaited never runs',
      code: handler('  const all = ctx.promise.all([ctx.step(async () => 1)]);'),
      errors: [{ line: 3, column: 15, endLine: 3, endColumn: 57, message: ['ctx.promise.all(…) is never awaited, so it never runs'] }],
    },
    {
      name: 'items.forEach(async …) around an awaited step',
      code: handler("  event.items.forEach(async (item: any) => {\n    await ctx.step('each', async () => item);\n  });"),
      errors: [{ line: 3, column: 3, endLine: 5, endColumn: 5, message: ['event.items.forEach(async …) drops the promises', 'run concurrently', 'failures are ignored'] }],
    },
  ],
});
