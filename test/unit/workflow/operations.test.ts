// Unit tests (node, mocha): operations in inferred workflows — every SDK operation with its options, the
// branches of parallel and map, promise combinators, helpers expanded across files, dynamic shapes.
import * as assert from 'assert';
import * as path from 'path';
import { edgeStrings, inferFixture, inferText, named, node, onlyHandler } from './support';

describe('workflow operations', () => {
  const h = onlyHandler('operations');
  const edges = edgeStrings(h);

  it('every SDK operation kind appears', () => {
    const kinds = new Set(h.nodes.map((n) => n.kind));
    for (const k of ['step', 'wait', 'waitForCallback', 'createCallback', 'waitForCondition', 'invoke', 'runInChildContext', 'parallel', 'map', 'promise.all', 'promise.allSettled', 'promise.any', 'promise.race']) {
      assert.ok(kinds.has(k as never), `missing ${k}`);
    }
  });

  it('names as written: unnamed is null, template literals without backticks', () => {
    assert.ok(h.nodes.some((n) => n.kind === 'step' && n.name === null));
    assert.ok(h.nodes.some((n) => n.kind === 'wait' && n.name === null && n.detail === '1h'));
  });

  it('step options are summarised: retry strategy and semantics', () => {
    assert.strictEqual(named(h, 'step', 'with-options').detail, 'retry: retryPresets.exponentialBackoff; semantics: at most once per retry');
    assert.strictEqual(named(h, 'step', 'custom-retry').detail, 'retry: custom function');
    assert.strictEqual(named(h, 'step', 'shared-retry').detail, 'retry: retry');
    assert.strictEqual(named(h, 'wait', 'pause').detail, '1m 30s');
  });

  it('createCallback: the timeout, and a node where its promise is awaited', () => {
    const cb = named(h, 'createCallback', 'approval');
    assert.strictEqual(cb.detail, 'timeout: 2d');
    const awaited = node(h, (n) => n.awaitOf === cb.id);
    assert.strictEqual(awaited.kind, 'createCallback');
    assert.ok(edges.includes('step:send-approval-request -> await createCallback:approval'));
    assert.ok(awaited.line > cb.line);
  });

  it('createCallback raced against a timer: the await node hangs off the combinator (ctx.promise.race and Promise.race)', () => {
    const src = (race: string) => `
      import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';
      export const handler = withDurableExecution(async (e: unknown, ctx: DurableContext) => {
        const [approval, id] = await ctx.createCallback('approval');
        await ctx.step('notify', async () => id);
        const first = await ${race}([approval, ctx.wait('deadline', { hours: 1 })]);
        await ctx.step('after', async () => first);
      });`;
    for (const race of ['ctx.promise.race', 'Promise.race']) {
      const [g] = inferText(src(race));
      const cb = named(g!, 'createCallback', 'approval');
      const awaited = node(g!, (n) => n.awaitOf === cb.id, `await of the callback (${race})`);
      const deadline = named(g!, 'wait', 'deadline');
      const es = edgeStrings(g!);
      if (race === 'ctx.promise.race') {
        const combinator = node(g!, (n) => n.kind === 'promise.race');
        assert.strictEqual(awaited.parent, combinator.id, 'the await is one of the raced operations');
        assert.strictEqual(deadline.parent, combinator.id);
      } else {
        // Native Promise.race: both start from the same point, then join.
        assert.ok(es.includes('step:notify -> await createCallback:approval'), es.join('\n'));
        assert.ok(es.includes('step:notify -> wait:deadline'), es.join('\n'));
      }
      assert.ok(es.some((e) => e.startsWith('await createCallback:approval -> ')), `${race}: the await leads on: ${es.join('; ')}`);
      assert.ok(es.includes('wait:deadline -> step:after') || es.some((e) => e.endsWith('-> step:after')), es.join('; '));
    }
  });

  it('waitForCallback shows its timeouts; waitForCondition its strategy', () => {
    assert.strictEqual(named(h, 'waitForCallback', 'human-answer').detail, 'timeout: 4h; heartbeat: 10m');
    assert.match(named(h, 'waitForCondition', 'job-finished').detail ?? '', /^wait strategy: createWaitStrategy/);
  });

  it('invoke shows its target, and links to the handler in the workspace when there is one', () => {
    const inv = named(h, 'invoke', 'charge');
    assert.match(inv.detail ?? '', /^target: invoke-target \(handler handler in .*invoke-target\.ts:4\)$/);
    assert.strictEqual(path.basename(inv.target?.file ?? ''), 'invoke-target.ts');
    assert.strictEqual(inv.target?.line, 4);
    const ext = named(h, 'invoke', null);
    assert.strictEqual(ext.detail, 'target: arn:aws:lambda:us-east-1:123456789012:function:somewhere-else');
    assert.strictEqual(ext.target, undefined);
    // A name, then the function id in a variable.
    assert.strictEqual(named(h, 'invoke', 'lookup-customer').detail, 'target: CUSTOMER_FUNCTION');
  });

  it('runInChildContext: the body inside it, using the child context', () => {
    const c = named(h, 'runInChildContext', 'enrich');
    assert.strictEqual(named(h, 'step', 'lookup').parent, c.id);
    assert.strictEqual(named(h, 'wait', 'settle').parent, c.id);
    assert.ok(edges.includes('runInChildContext:enrich -> step:lookup'));
  });

  it('parallel: each function is a branch; { name, func } branches keep their names; branches join after', () => {
    const p = named(h, 'parallel', 'fan-out');
    const branches = h.nodes.filter((n) => n.kind === 'branch' && n.parent === p.id);
    assert.deepStrictEqual(branches.map((b) => b.name), ['branch 1', 'branch 2']);
    assert.strictEqual(named(h, 'step', 'right-2').parent, branches[1]!.id);
    const q = named(h, 'parallel', null);
    assert.deepStrictEqual(h.nodes.filter((n) => n.kind === 'branch' && n.parent === q.id).map((b) => b.name), ['emails', 'sms']);
    assert.ok(edges.includes('step:left -> parallel:'));
    assert.ok(edges.includes('step:right-2 -> parallel:'));
  });

  it('map: the item body is one branch, with its structure', () => {
    const m = named(h, 'map', 'per-id');
    const b = node(h, (n) => n.kind === 'branch' && n.parent === m.id);
    assert.strictEqual(named(h, 'step', 'load').parent, b.id);
    assert.strictEqual(node(h, (n) => n.kind === 'decision' && n.name === 'if !v').parent, b.id);
    assert.strictEqual(m.detail, 'items: event.ids');
  });

  it('promise combinators hold the operations passed to them', () => {
    const all = named(h, 'promise.all', 'both');
    assert.strictEqual(named(h, 'step', 'p1').parent, all.id);
    assert.strictEqual(named(h, 'step', 'p2').parent, all.id);
    assert.strictEqual(named(h, 'wait', 'w1').parent, named(h, 'promise.allSettled', null).id);
    assert.strictEqual(named(h, 'step', 'a2').parent, named(h, 'promise.any', 'any-of').id);
    // A promise made earlier and passed by variable: shown where it is made, named in the combinator.
    assert.strictEqual(named(h, 'promise.race', 'race').detail, 'of lazy');
  });

  it('native Promise.all over operations: they start together (two paths from the same node)', () => {
    assert.ok(edges.includes('promise.race:race -> step:native-1'));
    assert.ok(edges.includes('promise.race:race -> step:native-2'));
    assert.ok(edges.includes('step:native-1 -> end') && edges.includes('step:native-2 -> end'));
  });

  it('nodes carry file, line, column and offsets of the call', () => {
    const s = named(h, 'step', 'with-options');
    assert.strictEqual(path.basename(s.file ?? ''), 'operations.ts');
    assert.strictEqual(s.line, 16);
    assert.strictEqual(s.column, 9);
    assert.ok(typeof s.start === 'number' && typeof s.end === 'number' && s.end > s.start);
  });
});

describe('workflow helpers', () => {
  const h = onlyHandler('helpers');

  it('helpers in the same file and imported ones are expanded where they are called', () => {
    const order = h.nodes.filter((n) => n.kind !== 'start' && n.kind !== 'end').map((n) => `${n.kind}:${n.name}`);
    assert.deepStrictEqual(order, [
      'step:reserve-${sku}',
      'step:audit-${what}',
      'step:charge',
      'runInChildContext:receipt',
      'step:render-receipt',
      'step:notify',
      'step:notify',
      'step:try-once',
      'decision:if n > 0',
      'dynamic:retryForever',
      'wait:untyped-wait',
      'dynamic:mystery',
      'step:deps-${id}',
      'wait:via-object',
    ]);
  });

  it('operations from another file carry that file', () => {
    assert.strictEqual(path.basename(named(h, 'step', 'charge').file ?? ''), 'helpers-lib.ts');
    assert.strictEqual(path.basename(named(h, 'step', 'reserve-${sku}').file ?? ''), 'helpers.ts');
  });

  it('the same helper called twice gives two distinct nodes', () => {
    const ids = h.nodes.filter((n) => n.name === 'notify').map((n) => n.id);
    assert.strictEqual(new Set(ids).size, 2);
  });

  it('recursion is cut off and marked; an unknown function given the context is a dynamic node', () => {
    assert.match(named(h, 'dynamic', 'retryForever').detail ?? '', /recursive call to retryForever/);
    assert.match(named(h, 'dynamic', 'mystery').detail ?? '', /durable context passed to mystery/);
  });

  it('without a Program, same-file helpers still expand and imported ones become dynamic nodes', () => {
    const fs = require('fs') as typeof import('fs');
    const text = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'workflow', 'helpers.ts'), 'utf8');
    const [alone] = inferText(text);
    assert.ok(alone);
    assert.ok(alone.nodes.some((n) => n.kind === 'step' && n.name === 'reserve-${sku}'));
    assert.ok(alone.nodes.some((n) => n.kind === 'dynamic' && n.name === 'chargeCustomer'));
  });
});

describe('workflow handler shapes and dynamic code', () => {
  it('a handler passed by name and a default export', () => {
    const hs = inferFixture('by-name');
    assert.deepStrictEqual(hs.map((x) => x.name), ['processOrder', 'default']);
    assert.deepStrictEqual(hs[0]!.nodes.map((n) => `${n.kind}:${n.name}`), ['start:null', 'step:validate', 'wait:settle', 'step:confirm', 'end:null']);
    assert.ok(hs[1]!.nodes.some((n) => n.name === 'default-step'));
  });

  it('shapes that cannot be followed are dynamic nodes, and no operation is dropped', () => {
    const h = onlyHandler('dynamic');
    const dyn = h.nodes.filter((n) => n.kind === 'dynamic');
    assert.deepStrictEqual(dyn.map((n) => n.detail), [
      'branches computed at run time: branchFns',
      'branches spread at run time: branchFns',
      'item function itemFn not found',
      'operation chosen at run time',
    ]);
    assert.ok(named(h, 'step', 'extra'));
    const orphan = named(h, 'step', 'orphan');
    assert.match(orphan.detail ?? '', /not reached/);
    const inside = named(h, 'wait', 'inside-step');
    assert.strictEqual(inside.parent, named(h, 'step', 'outer').id);
    assert.match(inside.detail ?? '', /checkpointed/);
  });

  it('a helper given a child context inside a nested if is still seen (context names learnt while walking)', () => {
    const [h] = inferText(
      "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\nimport * as lib from './lib';\n" +
        "export const h = withDurableExecution(async (e: any, ctx: any) => {\n  await ctx.runInChildContext('c', async (child) => {\n    if (e.x) {\n      await lib.helper(child);\n    }\n  });\n});\n"
    );
    const dyn = node(h!, (n) => n.kind === 'dynamic');
    assert.strictEqual(dyn.name, 'lib.helper');
    assert.strictEqual(h!.nodes.find((n) => n.id === dyn.parent)?.kind, 'decision');
  });

  it('a file without handlers gives no workflows', () => {
    assert.deepStrictEqual(inferText('export const x = 1;\n'), []);
  });

  it('helpers-lib.ts (helpers only) gives no workflows', () => {
    assert.deepStrictEqual(inferFixture('helpers-lib'), []);
  });
});
