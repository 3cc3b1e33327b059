// Unit tests (node, mocha): rule non-durable-timer, valid and invalid tables with exact positions.
import { handler, ruleTester } from './harness';

ruleTester('non-durable-timer', {
  valid: [
    { name: 'a timer inside a step (retry backoff) is fine', code: handler("  await ctx.step('s', async () => { await new Promise((r) => setTimeout(r, 10)); });") },
    { name: 'context.wait is the durable timer', code: handler('  await ctx.wait({ seconds: 5 });') },
    { name: 'a local function named setTimeout', code: handler('  const setTimeout = (f: () => void) => f();\n  setTimeout(() => {});') },
    { name: 'a module-level interval', code: 'setInterval(() => {}, 1000);\n' + handler('  return 1;') },
  ],
  invalid: [
    {
      name: 'setTimeout in the handler',
      code: handler('  setTimeout(() => {}, 1000);'),
      errors: [{ line: 3, column: 3, endLine: 3, endColumn: 29, message: ['setTimeout()', 'ctx.wait'] }],
    },
    {
      name: 'a sleep promise around setTimeout',
      code: handler('  await new Promise((r) => setTimeout(r, 500));'),
      errors: [{ line: 3, column: 28, endLine: 3, endColumn: 46 }],
    },
    {
      name: 'timers/promises under an alias',
      code: "import { setTimeout as sleep } from 'timers/promises';\n" + handler('  await sleep(1000);'),
      errors: [{ line: 4, column: 9, endLine: 4, endColumn: 20, message: 'sleep()' }],
    },
    {
      name: 'node:timers/promises namespace',
      code: "import * as timers from 'node:timers/promises';\n" + handler('  await timers.setTimeout(10);'),
      errors: [{ line: 4, column: 9, endLine: 4, endColumn: 30 }],
    },
    {
      name: 'setImmediate and setInterval',
      code: handler('  setImmediate(() => {});\n  setInterval(() => {}, 5);'),
      errors: [
        { line: 3, column: 3, endLine: 3, endColumn: 25 },
        { line: 4, column: 3, endLine: 4, endColumn: 27 },
      ],
    },
  ],
});
