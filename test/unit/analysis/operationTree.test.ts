// Unit tests (node, mocha): the operation tree — table tests of kinds, names, contexts, parents and the SDK's
// numbering order, in resolved (Program + SDK types), unresolved (Program, no SDK) and syntax-only modes.
import * as assert from 'assert';
import * as ts from 'typescript';
import { findDurableFunctions } from '../../../src/core/analysis/handlers';
import { operationTree, walkInNumberingOrder, type OperationContextNode, type Enclosing } from '../../../src/core/analysis/operationTree';
import { ALL_MODES, createProject, handler, MAIN_FILE, type Mode } from '../rules/harness';

function treeOf(files: Record<string, string>, file: string, mode: Mode): OperationContextNode {
  let sf: ts.SourceFile;
  let checker: ts.TypeChecker | undefined;
  if (mode === 'syntax') {
    sf = ts.createSourceFile(file, files[file]!, ts.ScriptTarget.ES2022, true, /\.js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS);
  } else {
    const p = createProject(files, mode === 'program');
    sf = p.getSourceFile(file)!;
    checker = p.getTypeChecker();
    // The replay model scans every file first; so does this, so helpers in other files know their callers.
    for (const f of p.getSourceFiles()) if (!f.isDeclarationFile) findDurableFunctions(ts, f, checker);
  }
  const h = findDurableFunctions(ts, sf, checker).find((d) => d.kind === 'handler');
  assert.ok(h, 'no handler found');
  return operationTree(ts, h, checker).root;
}

function describeParent(p: Enclosing | null): string {
  if (!p) return '';
  if ('type' in p) return ` < ${p.kind}`;
  return ` < ${p.kind} ${p.label}${p.path ? ` ${p.path}` : ''}${p.floating ? ' (floating)' : ''}`;
}

/** One line per operation: order (~ when the SDK number depends on the run), kind, name, parent; contexts in brackets. */
function render(ctx: OperationContextNode, depth = 0): string[] {
  const out: string[] = [];
  const pad = '  '.repeat(depth);
  for (const o of ctx.operations) {
    const n = `${o.order}${o.sdkNumber === undefined ? '~' : ''}`;
    out.push(`${pad}${n} ${o.kind}${o.name !== null ? ` ${o.name}` : ''}${o.nameValue !== undefined ? ` = ${o.nameValue}` : ''}${o.repeatable ? ' (repeats)' : ''}${describeParent(o.parent)}${o.via.length ? ` via ${o.via.join('>')}` : ''}`);
    for (const c of o.children) {
      out.push(`${pad}  [${c.kind}${c.index !== undefined ? ` ${c.index}` : ''}${c.name ? ` ${c.name}` : ''}${c.repeatable ? ' each' : ''}]`);
      out.push(...render(c, depth + 2));
    }
  }
  return out;
}

interface Case {
  readonly name: string;
  readonly code: string;
  readonly expected: readonly string[];
  readonly files?: Record<string, string>;
  readonly filename?: string;
  readonly modes?: readonly Mode[];
}

const cases: Case[] = [
  {
    name: 'sequential operations number 1, 2, 3 in call order',
    code: handler("  await ctx.step('a', async () => 1);\n  await ctx.wait('w', { seconds: 1 });\n  await ctx.invoke('charge', 'arn:fn', {});"),
    expected: ['1 step a', '2 wait w', '3 invoke charge'],
  },
  {
    name: 'arguments first; a stored combinator takes its number at its first await (DURABLE-API.md)',
    code: handler("  await ctx.step('a', async () => 1);\n  const c = ctx.promise.all([ctx.step('b', async () => 2), ctx.step('c', async () => 3)]);\n  await ctx.step('d', async () => 4);\n  await c;"),
    expected: ['1 step a', '2 step b', '3 step c', '4 step d', '5 promise.all'],
  },
  {
    name: 'a combinator never awaited never runs: no number',
    code: handler("  const c = ctx.promise.all([ctx.step('b', async () => 2)]);\n  await ctx.step('d', async () => 4);"),
    expected: ['1 step b', '2 step d'],
  },
  {
    name: 'child, map item and parallel branch contexts number their own operations',
    code: handler(
      [
        "  await ctx.runInChildContext('kid', async (child) => { await child.step('k1', async () => 1); await child.wait({ seconds: 1 }); });",
        "  await ctx.map('m', [1, 2], async (mc, item) => mc.step('per-item', async () => item));",
        "  await ctx.parallel('p', [async (b) => b.step('left', async () => 1), { name: 'right', func: async (b) => b.wait(1) }]);",
        "  await ctx.waitForCallback('approval', async (id) => { void id; });",
      ].join('\n'),
    ),
    expected: ['1 runInChildContext kid', '  [child]', '    1 step k1', '    2 wait', '2 map m', '  [item each]', '    1 step per-item', '3 parallel p', '  [branch 0]', '    1 step left', '  [branch 1 right]', '    1 wait', '4 waitForCallback approval', '  [callback]'],
  },
  {
    name: 'branches, loops and catch: parents, and numbers that depend on the run',
    code: handler(
      [
        "  await ctx.step('first', async () => 1);",
        "  if (event.vip) await ctx.step('vip', async () => 1);",
        '  for (const x of event.items) {',
        "    await ctx.step('each', async () => x);",
        '  }',
        "  try { await ctx.step('risky', async () => 1); } catch (e) { await ctx.step('undo', async () => 1); }",
      ].join('\n'),
    ),
    expected: ['1 step first', '2~ step vip < branch if event.vip yes', '3~ step each (repeats) < loop for const x of event.items', '4~ step risky < try try', '5~ step undo < catch catch (e)'],
  },
  {
    name: 'items.forEach(async …) is a floating loop, not a sequence',
    code: handler("  event.items.forEach(async (item: any) => {\n    await ctx.step('each', async () => item);\n  });"),
    expected: ['1~ step each (repeats) < loop event.items.forEach (floating)'],
  },
  {
    name: 'helpers: same context, named on the way',
    code: "import { withDurableExecution, DurableContext } from '@aws/durable-execution-sdk-js';\nasync function charge(c: DurableContext) { await c.step('charge', async () => 1); }\nexport const handler = withDurableExecution(async (event: any, ctx: DurableContext) => {\n  await charge(ctx);\n  await ctx.step('after', async () => 2);\n});\n",
    expected: ['1 step charge via charge', '2 step after'],
  },
  {
    name: 'bracket access names the step',
    code: handler('  await ctx["step"]("bracket", async () => Date.now());'),
    expected: ['1 step bracket'],
  },
  {
    name: 'a class holding the context: new Shipper(context).ship()',
    code: "import { withDurableExecution, DurableContext } from '@aws/durable-execution-sdk-js';\nclass Shipper {\n  constructor(private ctx: DurableContext) {}\n  async ship() { return this.ctx.step('ship', async () => 1); }\n}\nexport const handler = withDurableExecution(async (event: any, context: DurableContext) => {\n  await new Shipper(context).ship();\n});\n",
    expected: ['1 step ship via ship'],
  },
  {
    name: 'deps.ctx in a JavaScript helper',
    filename: '/proj/src/handler.js',
    code: "const { withDurableExecution } = require('@aws/durable-execution-sdk-js');\nasync function charge(deps) {\n  return deps.ctx.step('charge', async () => Date.now());\n}\nexports.handler = withDurableExecution(async (event, context) => {\n  await charge({ ctx: context });\n});\n",
    expected: ['1 step charge via charge'],
  },
  {
    name: 'dynamic names: a variable, a field, a constant (resolved), a call',
    code: "import { withDurableExecution, DurableContext } from '@aws/durable-execution-sdk-js';\nconst NAME = 'charge';\nconst NAMES = { ship: 'ship-it' } as const;\nfunction getName(): string { return 'x'; }\nexport const handler = withDurableExecution(async (event: any, ctx: DurableContext) => {\n  const nameVar = `n-${event.id}`;\n  await ctx.step(nameVar, async () => 1);\n  await ctx.step(event.name, async () => 2);\n  await ctx.step(NAME, async () => 3);\n  await ctx.step(NAMES.ship, async () => 4);\n  await ctx.step(getName(), async () => 5);\n});\n",
    expected: ['1 step nameVar', '2 step event.name', '3 step NAME = charge', '4 step NAMES.ship = ship-it', '5 step getName()'],
  },
  {
    name: 'an untyped helper in another file, given the context (cross-file)',
    files: { '/proj/src/lib.js': "exports.notify = async function notify(context, id) {\n  await context.step('notify', async () => id);\n};\n" },
    filename: '/proj/src/handler.js',
    code: "const { withDurableExecution } = require('@aws/durable-execution-sdk-js');\nconst { notify } = require('./lib');\nexports.handler = withDurableExecution(async (event, ctx) => {\n  await ctx.step('first', async () => 1);\n  await notify(ctx, event.id);\n});\n",
    modes: ['program', 'program-unresolved'],
    expected: ['1 step first', '2 step notify via notify'],
  },
];

describe('operationTree', () => {
  for (const c of cases) {
    for (const mode of c.modes ?? ALL_MODES) {
      it(`${c.name} [${mode}]`, () => {
        const file = c.filename ?? MAIN_FILE;
        const root = treeOf({ ...(c.files ?? {}), [file]: c.code }, file, mode);
        assert.deepStrictEqual(render(root), c.expected);
      });
    }
  }

  it('walks in the SDK numbering order, contexts depth first (for the history mapping)', () => {
    const code = handler("  const c = ctx.promise.all([ctx.step('b', async () => 2)]);\n  await ctx.runInChildContext('kid', async (k) => k.wait(1));\n  await c;");
    const root = treeOf({ [MAIN_FILE]: code }, MAIN_FILE, 'syntax');
    assert.deepStrictEqual([...walkInNumberingOrder(root)].map((o) => `${o.context.kind}:${o.order}:${o.kind}`), ['root:1:step', 'root:2:runInChildContext', 'child:1:wait', 'root:3:promise.all']);
  });
});
