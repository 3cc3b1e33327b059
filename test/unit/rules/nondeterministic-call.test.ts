// Unit tests (node, mocha): rule nondeterministic-call, valid and invalid tables with exact positions.
import { handler, ruleTester } from './harness';

ruleTester('nondeterministic-call', {
  valid: [
    { name: 'new Date with an argument is deterministic', code: handler('  const d = new Date(event.ts);') },
    { name: 'Math.random inside a step is the fix', code: handler("  const r = await ctx.step('r', async () => Math.random());") },
    { name: 'a local function named like an id generator', code: `function getUuidFromEvent(e: any) { return e.uuid; }\n` + handler('  const u = getUuidFromEvent(event);') },
    { name: 'a local Math shadows the global', code: handler('  const Math = { random: () => 4 };\n  const r = Math.random();') },
    { name: 'name-based uuid (v5) is deterministic', code: "import { v5 } from 'uuid';\n" + handler("  const id = v5('order', 'ns');") },
    { name: 'crypto.createHash is deterministic', code: "import { createHash } from 'node:crypto';\n" + handler("  const h = createHash('sha256').update('x').digest('hex');") },
    { name: 'module-level Date.now runs once at cold start, not on replay', code: 'const started = Date.now();\n' + handler('  return started;') },
    { name: 'code outside any durable handler', code: 'export function now() { return Date.now(); }\n' },
    { name: 'a helper only called from a step', code: 'function stamp() { return Date.now(); }\n' + handler("  const t = await ctx.step('t', async () => stamp());") },
    { name: 'a helper passed by reference to a step', code: 'async function stamp() { return Date.now(); }\n' + handler("  const t = await ctx.step('t', stamp);") },
    { name: 'bracket access: ctx["step"] callback is checkpointed', code: handler('  await ctx["step"]("bracket", async () => Date.now());') },
    { name: 'a class holding the context: this.ctx.step callback is checkpointed', code: "import { withDurableExecution, DurableContext } from '@aws/durable-execution-sdk-js';\nclass Shipper {\n  constructor(private ctx: DurableContext) {}\n  async ship() { return this.ctx.step('ship', async () => Date.now()); }\n}\nexport const handler = withDurableExecution(async (event: any, context: DurableContext) => {\n  await new Shipper(context).ship();\n});\n" },
    {
      name: 'deps.ctx.step in a JavaScript helper is checkpointed',
      filename: '/proj/src/handler.js',
      code: "const { withDurableExecution } = require('@aws/durable-execution-sdk-js');\nasync function charge(deps) {\n  return deps.ctx.step('charge', async () => Date.now());\n}\nexports.handler = withDurableExecution(async (event, context) => {\n  await charge({ ctx: context });\n});\n",
    },
  ],
  invalid: [
    {
      name: 'Date.now() in the handler body',
      code: handler('  const t = Date.now();'),
      errors: [{ line: 3, column: 13, endLine: 3, endColumn: 23, message: ['Date.now()', 'the current time', 'ctx.step'] }],
    },
    {
      name: 'new Date() without arguments',
      code: handler('  const d = new Date();'),
      errors: [{ line: 3, column: 13, endLine: 3, endColumn: 23, message: 'new Date()' }],
    },
    {
      name: 'Math.random, performance.now and process.hrtime',
      code: handler('  const a = Math.random();\n  const b = performance.now();\n  const c = process.hrtime.bigint();'),
      errors: [
        { line: 3, column: 13, endLine: 3, endColumn: 26 },
        { line: 4, column: 13, endLine: 4, endColumn: 30 },
        { line: 5, column: 13, endLine: 5, endColumn: 36 },
      ],
    },
    {
      name: 'uuid v4 through an alias',
      code: "import { v4 as uuidv4 } from 'uuid';\n" + handler('  const id = uuidv4();'),
      errors: [{ line: 4, column: 14, endLine: 4, endColumn: 22, message: ['uuidv4()', 'a random id'] }],
    },
    {
      name: 'namespace import of node:crypto',
      code: "import * as crypto from 'node:crypto';\n" + handler('  const id = crypto.randomUUID();'),
      errors: [{ line: 4, column: 14, endLine: 4, endColumn: 33 }],
    },
    {
      name: 'global crypto.randomUUID',
      code: handler('  const id = crypto.randomUUID();'),
      errors: [{ line: 3, column: 14, endLine: 3, endColumn: 33 }],
    },
    {
      name: 'nanoid, ulid and cuid2',
      code: "import { nanoid } from 'nanoid';\nimport { ulid } from 'ulid';\nimport { createId } from '@paralleldrive/cuid2';\n" + handler('  const a = nanoid();\n  const b = ulid();\n  const c = createId();'),
      errors: [
        { line: 6, column: 13, endLine: 6, endColumn: 21 },
        { line: 7, column: 13, endLine: 7, endColumn: 19 },
        { line: 8, column: 13, endLine: 8, endColumn: 23 },
      ],
    },
    {
      name: 'require() in a JS file',
      filename: '/proj/src/handler.js',
      code: "const { withDurableExecution } = require('@aws/durable-execution-sdk-js');\nconst uuid = require('uuid');\nexports.handler = withDurableExecution(async (event, context) => {\n  return uuid.v4();\n});\n",
      errors: [{ line: 4, column: 10, endLine: 4, endColumn: 19 }],
    },
    {
      name: 'through a helper in the same file, with the call chain in the message',
      code: "import { v4 } from 'uuid';\nfunction newId() { return v4(); }\nfunction chargeCard() { return newId(); }\nexport const processOrder = withDurableExecution(async (event: any, ctx: DurableContext) => {\n  return chargeCard();\n});\nimport { withDurableExecution, DurableContext } from '@aws/durable-execution-sdk-js';\n",
      errors: [{ line: 2, column: 27, endLine: 2, endColumn: 31, message: 'reached from handler "processOrder" (handler.ts:4) via processOrder → chargeCard → newId' }],
    },
    {
      name: 'through a helper in another file',
      files: { '/proj/src/ids.ts': "import { v4 } from 'uuid';\nexport function newId() {\n  return v4();\n}\n" },
      code: "import { newId } from './ids';\n" + handler('  const id = newId();'),
      checkFile: '/proj/src/ids.ts',
      modes: ['program', 'program-unresolved'],
      errors: [{ line: 3, column: 10, endLine: 3, endColumn: 14, message: 'reached from handler "handler" (handler.ts:3) via handler → newId' }],
    },
    {
      name: 'a named function passed to withDurableExecution',
      code: "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\nasync function main(event: any, context: any) {\n  return Date.now();\n}\nexport const handler = withDurableExecution(main);\n",
      errors: [{ line: 3, column: 10, endLine: 3, endColumn: 20 }],
    },
    {
      name: 'a DurableExecutionHandler-typed const, namespace import of the SDK',
      code: "import * as sdk from '@aws/durable-execution-sdk-js';\nconst main: sdk.DurableExecutionHandler = async (event, context) => {\n  return Date.now();\n};\nexport const handler = sdk.withDurableExecution(main);\n",
      errors: [{ line: 3, column: 10, endLine: 3, endColumn: 20 }],
    },
    {
      name: 'default export',
      code: "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\nexport default withDurableExecution(async (event: any, ctx: any) => {\n  return Math.random();\n});\n",
      errors: [{ line: 3, column: 10, endLine: 3, endColumn: 23 }],
    },
    {
      name: 'a durable helper (takes DurableContext) in a child context body',
      code: "import type { DurableContext } from '@aws/durable-execution-sdk-js';\nexport async function reserve(ctx: DurableContext) {\n  await ctx.runInChildContext('r', async (child) => {\n    const t = Date.now();\n  });\n}\n",
      errors: [{ line: 4, column: 15, endLine: 4, endColumn: 25 }],
    },
    {
      name: 'a function value stored in an object: { now: Date.now } then clock.now()',
      code: handler('  const clock = { now: Date.now };\n  const t = clock.now();'),
      errors: [{ line: 4, column: 13, endLine: 4, endColumn: 24, message: ['clock.now()', 'the current time'] }],
    },
    {
      name: 'crypto.randomBytes on the unimported global crypto',
      code: handler('  const b = crypto.randomBytes(8);'),
      errors: [{ line: 3, column: 13, endLine: 3, endColumn: 34, message: ['crypto.randomBytes()', 'random bytes'] }],
      modes: ['syntax'],
    },
    {
      name: 'randomUUID returns a random UUID (the message says so)',
      code: "import { randomUUID } from 'node:crypto';\n" + handler('  const id = randomUUID();'),
      errors: [{ line: 4, column: 14, endLine: 4, endColumn: 26, message: ['randomUUID()', 'returns a random UUID'] }],
    },
    {
      name: 'an untyped context parameter known from a caller in another file: its step callback is checkpointed',
      files: { '/proj/src/handler.js': "const { withDurableExecution } = require('@aws/durable-execution-sdk-js');\nconst { notify } = require('./lib');\nexports.handler = withDurableExecution(async (event, ctx) => {\n  await notify(ctx);\n});\n" },
      filename: '/proj/src/lib.js',
      checkFile: '/proj/src/lib.js',
      code: "export async function notify(context) {\n  const at = Date.now();\n  await context.step('notify', async () => Date.now());\n  return at;\n}\n",
      modes: ['program', 'program-unresolved'],
      errors: [{ line: 2, column: 14, endLine: 2, endColumn: 24, message: 'Date.now()' }],
    },
  ],
});
