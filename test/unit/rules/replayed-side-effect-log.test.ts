// Unit tests (node, mocha): rule replayed-side-effect-log, valid and invalid tables with exact positions.
import { handler, ruleTester } from './harness';

ruleTester('replayed-side-effect-log', {
  valid: [
    { name: 'the replay-aware logger', code: handler("  ctx.logger.info('start');") },
    { name: 'console inside a step', code: handler("  await ctx.step('s', async () => { console.log('once'); });") },
    { name: 'a local console object', code: handler('  const console = { log: (m: string) => m };\n  console.log("x");') },
    { name: 'module-level logging', code: "console.log('cold start');\n" + handler('  return 1;') },
    { name: 'a log right before an uncaught throw runs once (the execution fails)', code: handler("  if (!event.id) {\n    console.error('no id');\n    throw new Error('no id');\n  }") },
    { name: 'a log, plain statements, then an uncaught throw', code: handler("  console.error('bad input');\n  const msg = 'bad';\n  throw new Error(msg);") },
  ],
  invalid: [
    {
      name: 'console.log in the handler',
      code: handler("  console.log('start', event.id);"),
      errors: [{ line: 3, column: 3, endLine: 3, endColumn: 33, message: ['console.log', 'ctx.logger.info'] }],
    },
    {
      name: 'console.error keeps its level',
      code: handler("  console.error('x');"),
      errors: [{ line: 3, column: 3, endLine: 3, endColumn: 21, message: 'ctx.logger.error' }],
    },
    {
      name: 'in a child context the child logger is suggested',
      code: handler("  await ctx.runInChildContext(async (child) => { console.warn('w'); });"),
      errors: [{ line: 3, column: 50, endLine: 3, endColumn: 67, message: 'child.logger.warn' }],
    },
    {
      name: 'a log before a throw that is caught is replayed',
      code: handler("  try {\n    console.error('x');\n    throw new Error('x');\n  } catch {}"),
      errors: [{ line: 4, column: 5, endLine: 4, endColumn: 23 }],
    },
    {
      name: 'a log with a durable operation before the throw is replayed',
      code: handler("  console.error('x');\n  await ctx.step('s', async () => 1);\n  throw new Error('x');"),
      errors: [{ line: 3, column: 3, endLine: 3, endColumn: 21 }],
    },
  ],
});
