// Unit tests (node, mocha): durable operation calls and the context in scope.
import * as assert from 'assert';
import * as ts from 'typescript';
import { findContextInScope, getDurableOperationCall } from '../../../src/core/analysis/operations';
import { createProject, handler } from '../rules/harness';

function ops(code: string, checker?: ts.TypeChecker, sf?: ts.SourceFile): string[] {
  const file = sf ?? ts.createSourceFile('/proj/src/handler.ts', code, ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n)) {
      const op = getDurableOperationCall(ts, n, checker);
      if (op) out.push([op.method, op.contextExpression.getText(file), op.nameArg?.getText(file) ?? '-', op.callbackArg?.getText(file) ?? '-', op.itemsArg?.getText(file) ?? '-'].join(' | '));
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  return out;
}

describe('getDurableOperationCall', () => {
  it('splits name, callback and items for every operation', () => {
    const body = [
      "  await ctx.step('a', fn);",
      '  await ctx.step(fn);',
      "  await ctx.wait('w', { seconds: 1 });",
      '  await ctx.wait({ seconds: 1 });',
      "  await ctx.invoke('charge', 'arn:fn', {});",
      "  await ctx.invoke('arn:fn', {});",
      "  await ctx.map('m', items, fn);",
      '  await ctx.map(items, fn);',
      "  await ctx.parallel('p', [a, b]);",
      '  await ctx.parallel([a]);',
      '  await ctx.promise.all([x]);',
      "  await ctx.promise.race('r', [x]);",
      "  await ctx.createCallback('c');",
      "  await ctx.waitForCondition('w', check, cfg);",
      '  await ctx.waitForCallback(sub);',
    ].join('\n');
    assert.deepStrictEqual(ops(handler(body)), [
      "step | ctx | 'a' | fn | -",
      'step | ctx | - | fn | -',
      "wait | ctx | 'w' | - | -",
      'wait | ctx | - | - | -',
      "invoke | ctx | 'charge' | - | -",
      'invoke | ctx | - | - | -',
      "map | ctx | 'm' | fn | items",
      'map | ctx | - | fn | items',
      "parallel | ctx | 'p' | [a, b] | -",
      'parallel | ctx | - | [a] | -',
      'promise.all | ctx | - | - | [x]',
      "promise.race | ctx | 'r' | - | [x]",
      "createCallback | ctx | 'c' | - | -",
      "waitForCondition | ctx | 'w' | check | -",
      'waitForCallback | ctx | - | sub | -',
    ]);
  });

  it('recognises child contexts, map and parallel branch contexts and aliases', () => {
    const body = [
      '  await ctx.runInChildContext(async (child) => child.wait(1));',
      '  await ctx.map([1], async (mc, item) => mc.step(async () => item));',
      '  await ctx.parallel([async (b1) => b1.wait(1), { name: "x", func: async (b2) => b2.wait(2) }]);',
      '  const c2 = ctx;',
      '  await c2.wait(3);',
    ].join('\n');
    assert.deepStrictEqual(
      ops(handler(body)).map((s) => s.split(' | ').slice(0, 2).join(' ')),
      ['runInChildContext ctx', 'wait child', 'map ctx', 'step mc', 'parallel ctx', 'wait b1', 'wait b2', 'wait c2'],
    );
  });

  it('does not take look-alikes for operations', () => {
    const code = "function plain(o: any) { o.step(); o.wait(1); }\nconst machine = { step() {} };\nmachine.step();\n[1, 2].map((x) => x);\n" + handler('  const arr = [1];\n  arr.map((x) => x);\n  event.step();');
    assert.deepStrictEqual(ops(code), []);
  });

  it('recognises a context held in a class field, by its annotation and by type', () => {
    const code = "import type { DurableContext } from '@aws/durable-execution-sdk-js';\nexport class Saga {\n  constructor(private c: DurableContext) {}\n  async run() { await this.c.wait(1); }\n}\n";
    const program = createProject({ '/proj/src/handler.ts': code }, true);
    const sf = program.getSourceFile('/proj/src/handler.ts')!;
    assert.deepStrictEqual(ops('', undefined, sf), ['wait | this.c | - | - | -']);
    assert.deepStrictEqual(ops('', program.getTypeChecker(), sf), ['wait | this.c | - | - | -']);
  });
});

describe('findContextInScope', () => {
  const code = handler(
    [
      '  const a = 1; // handler',
      '  await ctx.runInChildContext(async (child) => {',
      '    const b = 2; // child',
      "    await child.step('s', async () => { const c = 3; /* step in child */ });",
      '  });',
      '  await ctx.map([1], async (mc, item) => { const d = 4; /* map */ });',
    ].join('\n'),
  );
  const sf = ts.createSourceFile('/proj/src/handler.ts', code, ts.ScriptTarget.ES2022, true);
  const at = (marker: string): ts.Node => {
    const pos = code.indexOf(marker);
    let found: ts.Node = sf;
    const visit = (n: ts.Node): void => {
      if (n.getStart(sf) <= pos && pos < n.getEnd()) {
        found = n;
        ts.forEachChild(n, visit);
      }
    };
    visit(sf);
    return found;
  };
  it('is the handler context in the handler body', () => assert.strictEqual(findContextInScope(ts, at('a = 1')), 'ctx'));
  it('is the child context in a child body', () => assert.strictEqual(findContextInScope(ts, at('b = 2')), 'child'));
  it('skips a step callback to the context around it', () => assert.strictEqual(findContextInScope(ts, at('c = 3')), 'child'));
  it('is the map callback context', () => assert.strictEqual(findContextInScope(ts, at('d = 4')), 'mc'));
  it('is undefined at module level', () => assert.strictEqual(findContextInScope(ts, at('withDurableExecution, DurableContext }')), undefined));
});
