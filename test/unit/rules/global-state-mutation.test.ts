// Unit tests (node, mocha): rule global-state-mutation, valid and invalid tables with exact positions.
import { handler, ruleTester } from './harness';

ruleTester('global-state-mutation', {
  valid: [
    { name: 'local variables', code: handler('  let n = 0; n++; const a: number[] = []; a.push(1);') },
    { name: 'module-level code mutating module state', code: 'const list: number[] = [];\nlist.push(1);\n' + handler('  return list.length;') },
    { name: 'a client method named set', code: "import Redis from 'ioredis';\nconst redis = new Redis();\n" + handler("  await redis.set('a', 'b');") },
    {
      name: 'memoised initialisation of a client is idempotent',
      code: "import { Pool } from 'pg';\nlet pool: Pool | undefined;\nlet cfg: string | undefined;\nlet other: string | undefined;\n" + handler("  pool ??= new Pool();\n  if (!cfg) cfg = 'x';\n  other = other ?? 'y';"),
    },
    { name: 'inside a step it is closure-mutation-in-step instead', code: 'let count = 0;\n' + handler("  await ctx.step('s', async () => { count++; });") },
  ],
  invalid: [
    {
      name: 'incrementing a module-level let',
      code: 'let count = 0;\n' + handler('  count++;'),
      errors: [{ line: 4, column: 3, endLine: 4, endColumn: 10, message: 'module-level count' }],
    },
    {
      name: 'Map.set on a module-level cache',
      code: 'const cache = new Map<string, string>();\n' + handler("  cache.set('k', 'v');"),
      errors: [{ line: 4, column: 3, endLine: 4, endColumn: 22 }],
    },
    {
      name: 'push onto a module-level array',
      code: 'const seen: string[] = [];\n' + handler('  seen.push(event.id);'),
      errors: [{ line: 4, column: 3, endLine: 4, endColumn: 22 }],
    },
    {
      name: 'a property write on a module-level object',
      code: 'const config = { retries: 0 };\n' + handler('  config.retries = 3;'),
      errors: [{ line: 4, column: 3, endLine: 4, endColumn: 21 }],
    },
    {
      name: 'assigning a module-level let',
      code: 'let current: string | undefined;\n' + handler('  current = event.id;'),
      errors: [{ line: 4, column: 3, endLine: 4, endColumn: 21 }],
    },
    {
      name: 'a globalThis property',
      code: handler('  (globalThis as any).flag = true;'),
      errors: [{ line: 3, column: 3, endLine: 3, endColumn: 34 }],
    },
  ],
});
