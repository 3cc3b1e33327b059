// Unit tests (node, mocha): handler and durable-helper detection in every shape users write.
import * as assert from 'assert';
import * as ts from 'typescript';
import { findDurableFunctions } from '../../../src/core/analysis/handlers';
import { createProject } from '../rules/harness';

function detect(code: string, fileName = '/proj/src/h.ts'): { kind: string; name: string; contextParam: string | undefined }[] {
  const kind = fileName.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(fileName, code, ts.ScriptTarget.ES2022, true, kind);
  return findDurableFunctions(ts, sf).map((f) => ({ kind: f.kind, name: f.name, contextParam: f.contextParam }));
}

const SDK = "import { withDurableExecution, DurableContext } from '@aws/durable-execution-sdk-js';\n";

describe('findDurableFunctions', () => {
  const cases: { name: string; code: string; fileName?: string; expected: { kind: string; name: string; contextParam: string | undefined }[] }[] = [
    { name: 'inline arrow in an exported const', code: SDK + 'export const handler = withDurableExecution(async (e, ctx) => {});', expected: [{ kind: 'handler', name: 'handler', contextParam: 'ctx' }] },
    { name: 'aliased import', code: "import { withDurableExecution as durable } from '@aws/durable-execution-sdk-js';\nexport const run = durable(async (e: any, c: any) => {});", expected: [{ kind: 'handler', name: 'run', contextParam: 'c' }] },
    { name: 'namespace import', code: "import * as sdk from '@aws/durable-execution-sdk-js';\nexport const h = sdk.withDurableExecution(async function (e: any, context: any) {});", expected: [{ kind: 'handler', name: 'h', contextParam: 'context' }] },
    { name: 'a named function passed by name', code: SDK + 'async function processOrder(e: any, context: any) {}\nexport const handler = withDurableExecution(processOrder);', expected: [{ kind: 'handler', name: 'processOrder', contextParam: 'context' }] },
    { name: 'a const arrow passed by name', code: SDK + 'const main = async (e: any, k: any) => {};\nexport const handler = withDurableExecution(main);', expected: [{ kind: 'handler', name: 'main', contextParam: 'k' }] },
    { name: 'a DurableExecutionHandler-typed const', code: "import type { DurableExecutionHandler } from '@aws/durable-execution-sdk-js';\nexport const main: DurableExecutionHandler<{ id: string }, string> = async (event, context) => 'x';", expected: [{ kind: 'handler', name: 'main', contextParam: 'context' }] },
    { name: 'a default export', code: SDK + 'export default withDurableExecution(async (e: any, ctx: any) => {});', expected: [{ kind: 'handler', name: 'default', contextParam: 'ctx' }] },
    { name: 'a wrapper around the handler (middy)', code: SDK + 'declare const middy: any;\nexport const handler = middy(withDurableExecution(async (e: any, ctx: any) => {}));', expected: [{ kind: 'handler', name: 'handler', contextParam: 'ctx' }] },
    {
      name: 'require() and exports in a JS file',
      fileName: '/proj/src/h.js',
      code: "const { withDurableExecution } = require('@aws/durable-execution-sdk-js');\nexports.handler = withDurableExecution(async (event, context) => {});\nmodule.exports.other = withDurableExecution(async (event, c2) => {});",
      expected: [
        { kind: 'handler', name: 'handler', contextParam: 'context' },
        { kind: 'handler', name: 'other', contextParam: 'c2' },
      ],
    },
    {
      name: 'durable helpers: functions and methods taking a DurableContext',
      code: SDK + 'export async function charge(ctx: DurableContext, n: number) {}\nclass Saga { async compensate(amount: number, c: DurableContext) {} }\nconst reserve = async (dc?: DurableContext) => {};',
      expected: [
        { kind: 'helper', name: 'charge', contextParam: 'ctx' },
        { kind: 'helper', name: 'compensate', contextParam: 'c' },
        { kind: 'helper', name: 'reserve', contextParam: 'dc' },
      ],
    },
    {
      name: 'an aliased require() in a JS file',
      fileName: '/proj/src/h.js',
      code: "const { withDurableExecution: durable } = require('@aws/durable-execution-sdk-js');\nmodule.exports = { handler: durable(async (event, ctx) => {}) };",
      expected: [{ kind: 'handler', name: 'handler', contextParam: 'ctx' }],
    },
    {
      name: 'a JSDoc import() type in a JS file',
      fileName: '/proj/src/h.js',
      code: "/** @param {import('@aws/durable-execution-sdk-js').DurableContext} ctx */\nasync function helper(ctx) {}\n",
      expected: [{ kind: 'helper', name: 'helper', contextParam: 'ctx' }],
    },
    { name: 'a JSDoc-typed helper in a JS file', fileName: '/proj/src/h.js', code: '/** @param {DurableContext} ctx */\nasync function helper(ctx) {}\n', expected: [{ kind: 'helper', name: 'helper', contextParam: 'ctx' }] },
    {
      name: 'typed callbacks of operations are not helpers',
      code: SDK + 'export const handler = withDurableExecution(async (e: any, ctx: DurableContext) => {\n  await ctx.runInChildContext(async (c: DurableContext) => {});\n  await ctx.map([1], async (mc: DurableContext, i: number) => i);\n});',
      expected: [{ kind: 'handler', name: 'handler', contextParam: 'ctx' }],
    },
    { name: 'a local function that happens to be called withDurableExecution', code: 'function withDurableExecution(f: any) { return f; }\nexport const h = withDurableExecution(async (e: any, c: any) => {});', expected: [] },
    { name: 'a file without the SDK', code: 'export async function main(event: any, context: any) { return 1; }', expected: [] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepStrictEqual(detect(c.code, c.fileName), c.expected));
  }

  it('recognises a helper whose parameter type is an alias of DurableContext only by type (checker)', () => {
    const code = "import type { DurableContext } from '@aws/durable-execution-sdk-js';\ntype Ctx = DurableContext;\nexport async function h(c: Ctx) {}\n";
    const program = createProject({ '/proj/src/h.ts': code }, true);
    const sf = program.getSourceFile('/proj/src/h.ts')!;
    assert.deepStrictEqual(findDurableFunctions(ts, sf).map((f) => f.name), []);
    assert.deepStrictEqual(findDurableFunctions(ts, sf, program.getTypeChecker()).map((f) => [f.kind, f.name, f.contextParam]), [['helper', 'h', 'c']]);
  });

  it('returns the same answer for the same file (memoised) and never throws on broken code', () => {
    const sf = ts.createSourceFile('/x.ts', SDK + 'export const handler = withDurableExecution(async (e, ctx) => { ctx.step(', ts.ScriptTarget.ES2022, true);
    const a = findDurableFunctions(ts, sf);
    assert.strictEqual(a.length, 1);
    assert.deepStrictEqual(findDurableFunctions(ts, sf), a);
  });
});
