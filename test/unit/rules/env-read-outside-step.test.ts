// Unit tests (node, mocha): rule env-read-outside-step, valid and invalid tables with exact positions.
import { handler, ruleTester } from './harness';

ruleTester('env-read-outside-step', {
  valid: [
    { name: 'a module-level read at cold start', code: 'const table = process.env.TABLE;\n' + handler('  return table;') },
    { name: 'a read inside a step', code: handler("  const t = await ctx.step('e', async () => process.env.TABLE);") },
    { name: 'a local object named process', code: handler('  const process = { env: { A: 1 } };\n  const a = process.env.A;') },
    { name: 'a write is not a read', code: handler("  process.env.X = '1';") },
  ],
  invalid: [
    {
      name: 'process.env.NAME in the handler',
      code: handler('  const t = process.env.TABLE;'),
      errors: [{ line: 3, column: 13, endLine: 3, endColumn: 30, message: 'process.env.TABLE' }],
    },
    {
      name: 'element access',
      code: handler("  const t = process.env['TABLE'];"),
      errors: [{ line: 3, column: 13, endLine: 3, endColumn: 33 }],
    },
    {
      name: 'destructuring',
      code: handler('  const { TABLE } = process.env;'),
      errors: [{ line: 3, column: 21, endLine: 3, endColumn: 32 }],
    },
  ],
});
