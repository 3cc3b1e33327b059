// Unit tests (node, mocha): rule io-outside-step, valid and invalid tables with exact positions.
import { handler, ruleTester } from './harness';

ruleTester('io-outside-step', {
  valid: [
    { name: 'fetch inside a step is the fix', code: handler("  await ctx.step('f', async () => fetch('https://x'));") },
    {
      name: 'an AWS SDK call inside a step',
      code: "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';\nconst client = new DynamoDBClient({});\n" + handler("  await ctx.step('get', async () => client.send(new GetItemCommand({} as any)));"),
    },
    {
      name: 'constructing clients and commands is not I/O',
      code: "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\n" + handler('  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));\n  const cmd = new GetItemCommand({} as any);'),
    },
    { name: 'a local function named like an I/O call', code: 'function fetchOrder(id: string) { return { id }; }\n' + handler("  const o = fetchOrder('1');") },
    { name: 'a local object named fs', code: handler("  const fs = { readFileSync: (p: string) => p };\n  fs.readFileSync('a');") },
    { name: 'pure helpers of the AWS SDK', code: "import { marshall } from '@aws-sdk/util-dynamodb';\n" + handler('  const item = marshall({ a: 1 });') },
    {
      name: 'data returned by a step is not a client',
      code: "import axios from 'axios';\n" + handler("  const r = await ctx.step('g', async () => (await axios.get('u')).data);\n  r.items.map((x: any) => x);"),
    },
    { name: 'I/O at module level runs once at cold start', code: "import * as fs from 'fs';\nconst cfg = fs.readFileSync('cfg.json', 'utf8');\n" + handler('  return cfg;') },
  ],
  invalid: [
    {
      name: 'global fetch',
      code: handler("  fetch('https://x');"),
      errors: [{ line: 3, column: 3, endLine: 3, endColumn: 21, message: ['fetch()', 'network access', 'ctx.step'] }],
    },
    {
      name: 'fs through a node: namespace import',
      code: "import * as fs from 'node:fs';\n" + handler("  fs.readFileSync('a.txt');"),
      errors: [{ line: 4, column: 3, endLine: 4, endColumn: 27, message: 'file system access' }],
    },
    {
      name: 'named import from fs/promises',
      code: "import { readFile } from 'fs/promises';\n" + handler("  await readFile('a');"),
      errors: [{ line: 4, column: 9, endLine: 4, endColumn: 22 }],
    },
    {
      name: 'client.send on a module-level AWS SDK client',
      code: "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';\nconst client = new DynamoDBClient({});\n" + handler('  const cmd = new GetItemCommand({} as any);\n  await client.send(cmd);'),
      errors: [{ line: 6, column: 9, endLine: 6, endColumn: 25, message: ['client.send()', 'an AWS SDK call'] }],
    },
    {
      name: 'a DynamoDB DocumentClient',
      code: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';\nconst doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));\n" + handler('  await doc.send(new GetCommand({} as any));'),
      errors: [{ line: 6, column: 9, endLine: 6, endColumn: 44 }],
    },
    {
      name: 'axios default import',
      code: "import axios from 'axios';\n" + handler("  await axios.get('https://x');"),
      errors: [{ line: 4, column: 9, endLine: 4, endColumn: 31, message: 'an HTTP request' }],
    },
    {
      name: 'child_process',
      code: "import { execSync } from 'child_process';\n" + handler("  execSync('ls');"),
      errors: [{ line: 4, column: 3, endLine: 4, endColumn: 17 }],
    },
    {
      name: 'a pg pool',
      code: "import { Pool } from 'pg';\nconst pool = new Pool();\n" + handler("  await pool.query('select 1');"),
      errors: [{ line: 5, column: 9, endLine: 5, endColumn: 31, message: 'a database call' }],
    },
    {
      name: 'prisma',
      code: "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\n" + handler('  await prisma.user.findMany();'),
      errors: [{ line: 5, column: 9, endLine: 5, endColumn: 31 }],
    },
    {
      name: 'a mongodb call chain is reported once',
      code: "import { MongoClient } from 'mongodb';\nconst client = new MongoClient('mongodb://x');\n" + handler("  await client.db('d').collection('c').findOne({});"),
      errors: [{ line: 5, column: 9, endLine: 5, endColumn: 51 }],
    },
    {
      name: 'a client passed as a typed parameter to a helper',
      code: "import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';\nasync function load(db: DynamoDBDocumentClient) {\n  return db.send(new GetCommand({} as any));\n}\nimport { withDurableExecution, DurableContext } from '@aws/durable-execution-sdk-js';\nexport const handler = withDurableExecution(async (event: any, ctx: DurableContext) => {\n  await load(event.db);\n});\n",
      errors: [{ line: 3, column: 10, endLine: 3, endColumn: 44, message: 'reached from handler "handler" (handler.ts:6) via handler → load' }],
    },
    {
      name: 'a client made by a local factory function',
      code: "import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';\nfunction makeS3() {\n  return new S3Client({});\n}\nconst s3 = makeS3();\n" + handler('  await s3.send(new GetObjectCommand({} as any));'),
      errors: [{ line: 8, column: 9, endLine: 8, endColumn: 49 }],
    },
    {
      name: 'a lazily created client declared with its type',
      code: "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';\nlet ddb: DynamoDBClient | undefined;\n" + handler('  ddb ??= new DynamoDBClient({});\n  await ddb.send(new GetItemCommand({} as any));'),
      errors: [{ line: 6, column: 9, endLine: 6, endColumn: 48 }],
    },
    {
      name: 'require() in a JS file',
      filename: '/proj/src/handler.js',
      code: "const { withDurableExecution } = require('@aws/durable-execution-sdk-js');\nconst fs = require('fs');\nexports.handler = withDurableExecution(async (event, context) => {\n  return fs.readFileSync('x', 'utf8');\n});\n",
      errors: [{ line: 4, column: 10, endLine: 4, endColumn: 38 }],
    },
  ],
});
