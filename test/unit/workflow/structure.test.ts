// Unit tests (node, mocha): the control structure of inferred workflows — decisions, loops, catch regions,
// early exits — read from the fixture handlers.
import * as assert from 'assert';
import { edgeStrings, inferText, named, node, onlyHandler } from './support';

describe('workflow structure: decisions', () => {
  const h = onlyHandler('decisions');
  const edges = edgeStrings(h);

  it('if / else if / else: a decision per test, the else-if nested in the else branch, labelled edges', () => {
    const outer = node(h, (n) => n.kind === 'decision' && n.name === 'if order.total > 1000');
    const inner = node(h, (n) => n.kind === 'decision' && n.name === 'if order.total > 100');
    assert.strictEqual(inner.parent, outer.id);
    assert.strictEqual(named(h, 'step', 'manual-review').parent, outer.id);
    assert.strictEqual(named(h, 'step', 'fraud-check').parent, inner.id);
    assert.strictEqual(named(h, 'wait', 'cool-down').parent, inner.id);
    assert.ok(edges.includes('decision:if order.total > 1000 -> step:manual-review [yes]'));
    assert.ok(edges.includes('decision:if order.total > 1000 -> decision:if order.total > 100 [no]'));
    assert.ok(edges.includes('decision:if order.total > 100 -> wait:cool-down [no]'));
  });

  it('switch: one edge per case, fall-through from gift into physical, default returning early', () => {
    const sw = node(h, (n) => n.kind === 'decision' && n.name === 'switch order.kind');
    for (const s of ['send-link', 'wrap', 'ship']) assert.strictEqual(named(h, 'step', s).parent, sw.id);
    assert.ok(edges.includes("decision:switch order.kind -> step:send-link [case 'digital']"));
    assert.ok(edges.includes("decision:switch order.kind -> step:wrap [case 'gift']"));
    assert.ok(edges.includes("decision:switch order.kind -> step:ship [case 'physical']"));
    assert.ok(edges.includes('step:wrap -> step:ship'), 'fall-through edge');
    assert.ok(edges.includes('decision:switch order.kind -> end [default (return)] (exit)'));
    // break leaves the switch: both breaking cases continue at the ternary, wrap does not skip ship.
    assert.ok(edges.includes('step:send-link -> decision:order.express ?'));
    assert.ok(edges.includes('step:ship -> decision:order.express ?'));
    assert.ok(!edges.some((e) => e.startsWith('step:wrap -> decision')));
  });

  it('ternary, && and ?? around operations become decisions with both paths', () => {
    assert.ok(edges.includes('decision:order.express ? -> step:express-label [yes]'));
    assert.ok(edges.includes('decision:order.express ? -> step:standard-label [no]'));
    assert.ok(edges.includes('decision:order.coupon && -> step:apply-coupon [yes]'));
    assert.ok(edges.includes('decision:order.coupon && -> decision:order.coupon ?? [no]'), 'the guard can skip the step');
    assert.ok(edges.includes('decision:order.coupon ?? -> step:list-price [nullish]'));
  });

  it('early throw and return edge to the end; the final return is the normal end', () => {
    assert.ok(edges.includes('decision:if !order.total -> end:fails [yes (throw)] (error)'));
    assert.ok(edges.includes('decision:if order.total < 0 -> end [yes (return)] (exit)'));
    assert.ok(edges.includes('step:finish -> end'));
  });

  it('plain code in an if is not drawn', () => {
    assert.ok(!h.nodes.some((n) => n.name === 'if order.express'));
    assert.strictEqual(h.nodes.filter((n) => n.kind === 'decision').length, 8);
  });
});

describe('workflow structure: loops', () => {
  const h = onlyHandler('loops');
  const edges = edgeStrings(h);
  const loop = (name: string) => node(h, (n) => n.kind === 'loop' && n.name === name, `loop ${name}`);

  it('for, for…of, for…in, while and do…while each become a loop with a back edge', () => {
    const cases: [string, string, string][] = [
      ['for i < 3', 'step', 'attempt-${i}'],
      ['for const item of event.items', 'step', 'process-item'],
      ['for const key in event.meta', 'step', 'tag'],
      ['while !done', 'step', 'poll'],
      ["do … while !(await ctx.step('check', async () => true))", 'step', 'check'],
    ];
    for (const [header, kind, op] of cases) {
      const l = loop(header);
      const o = named(h, kind, op);
      assert.strictEqual(o.parent, l.id, `${op} inside ${header}`);
      assert.ok(h.edges.some((e) => e.from === o.id && e.to === l.id), `back edge from ${op} to ${header}`);
      assert.ok(h.edges.some((e) => e.from === l.id && e.label === 'done'), `exit of ${header}`);
    }
  });

  it('do…while: the body runs before the condition is checked', () => {
    assert.ok(edges.includes("loop:do … while !(await ctx.step('check', async () => true)) -> wait:backoff [repeat]"));
    assert.ok(edges.includes('wait:backoff -> step:check'));
  });

  it('continue goes back to the loop head, break leaves the loop', () => {
    assert.ok(edges.includes("decision:if item === 'skip' -> loop:for const item of event.items [yes (continue)]"));
    assert.ok(edges.includes("decision:if item === 'stop' -> loop:for const key in event.meta [yes (break)]"));
  });

  it('array callbacks with operations are loops, except forEach(async …), whose bodies nobody awaits', () => {
    assert.strictEqual(named(h, 'step', 'map-callback').parent, loop('event.items.map').id);
    assert.ok(!h.nodes.some((n) => n.kind === 'loop' && n.name?.includes('forEach')), 'forEach(async …) is no loop');
  });

  it('forEach(async …) is drawn as a fan, not a sequence: no back edge, the flow goes on from before it at once', () => {
    const fan = node(h, (n) => n.kind === 'branch' && n.name === 'event.items.forEach, not awaited', 'forEach fan');
    const step = named(h, 'step', 'for-each');
    assert.strictEqual(step.parent, fan.id);
    assert.match(fan.detail ?? '', /all items at once, nothing waits for them/);
    assert.ok(!h.edges.some((e) => e.to === fan.id && e.from === step.id), 'no edge back from the body');
    assert.ok(h.edges.some((e) => e.from === fan.id && e.to === step.id));
    assert.ok(!h.edges.some((e) => e.from === step.id), 'the bodies join nothing: nothing waits for them');
    // What follows starts from where the forEach started, beside the fan, not after it.
    const into = h.edges.find((e) => e.to === fan.id)!;
    assert.ok(h.edges.some((e) => e.from === into.from && e.to !== fan.id), 'the flow goes on from before the fan');
  });

  it('a loop without operations is not drawn', () => {
    assert.strictEqual(h.nodes.filter((n) => n.kind === 'loop').length, 6);
  });
});

describe('workflow structure: try/catch/finally', () => {
  const h = onlyHandler('errors');
  const edges = edgeStrings(h);

  it('operations in a try block draw an error edge to the catch region', () => {
    assert.ok(edges.includes('step:charge -> catch:catch (err) [error] (error)'));
    assert.ok(edges.includes('step:verify -> catch:catch (err) [error] (error)'));
    assert.strictEqual(named(h, 'step', 'refund').parent, named(h, 'catch', 'catch (err)').id);
  });

  it('a throw inside the try block goes to the catch, not to the end', () => {
    assert.ok(edges.includes('decision:if !ok -> catch:catch (err) [yes (throw)] (error)'));
    assert.ok(!edges.some((e) => e.startsWith('decision:if !ok -> end')));
  });

  it('finally runs after both the try and the catch paths', () => {
    assert.ok(edges.includes('decision:if !ok -> step:audit [no]'));
    assert.ok(edges.includes('step:refund -> step:audit'));
    assert.ok(edges.includes('step:risky -> step:cleanup'), 'try/finally without catch');
  });

  it('a try without operations still shows its catch when the catch has some; plain try/catch is not drawn', () => {
    const c = node(h, (n) => n.kind === 'catch' && n.id !== named(h, 'catch', 'catch (err)').id);
    assert.strictEqual(named(h, 'step', 'bad-id').parent, c.id);
    assert.ok(h.edges.some((e) => e.to === c.id && e.kind === 'error'));
    assert.strictEqual(h.nodes.filter((n) => n.kind === 'catch').length, 2);
  });
});

describe('workflow structure: returns in tail position', () => {
  it('returns that end the handler on every path are its normal end, not early exits', () => {
    const [h] = inferText(
      "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\n" +
        'export const handler = withDurableExecution(async (e: any, ctx: any) => {\n' +
        "  try {\n    if (e.a) {\n      return await ctx.step('a', async () => 1);\n    } else {\n      return ctx.step('b', async () => 2);\n    }\n" +
        "  } catch (err) {\n    return ctx.step('c', async () => 3);\n  }\n});\n"
    );
    const edges = edgeStrings(h!);
    assert.ok(edges.includes('step:a -> end'));
    assert.ok(edges.includes('step:b -> end'));
    assert.ok(edges.includes('step:c -> end'));
    assert.ok(!h!.edges.some((e) => e.kind === 'exit'));
  });

  it('a return followed by more code, or inside a loop, is an early exit', () => {
    const [h] = inferText(
      "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\n" +
        'export const handler = withDurableExecution(async (e: any, ctx: any) => {\n' +
        "  for (const x of e.xs) {\n    if (x) return ctx.step('in-loop', async () => 1);\n  }\n  try {\n    return await ctx.step('guarded', async () => 2);\n  } finally {\n    await ctx.step('after', async () => 3);\n  }\n});\n"
    );
    const edges = edgeStrings(h!);
    assert.deepStrictEqual(edges.filter((e) => e.endsWith('(exit)')), ['step:in-loop -> end [return] (exit)']);
    // A return inside try runs the finally first; here the handler ends after it, so the end is normal.
    assert.ok(edges.includes('step:guarded -> step:after [return]'), edges.join('\n'));
    assert.ok(edges.includes('step:after -> end'));
  });

  it('returns and throws inside try/finally go through the finally, then leave', () => {
    const [h] = inferText(
      "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\n" +
        'export const handler = withDurableExecution(async (e: any, ctx: any) => {\n' +
        "  try {\n    if (e.a) return 'early';\n    if (e.b) throw new Error('bad');\n    await ctx.step('work', async () => 1);\n  } finally {\n    await ctx.step('release', async () => 2);\n  }\n" +
        "  await ctx.step('next', async () => 3);\n});\n"
    );
    const edges = edgeStrings(h!);
    assert.ok(edges.includes('decision:if e.a -> step:release [yes (return)]'), edges.join('\n'));
    assert.ok(edges.includes('decision:if e.b -> step:release [yes (throw)] (error)'), edges.join('\n'));
    assert.ok(edges.includes('step:work -> step:release'));
    assert.ok(edges.includes('step:release -> step:next'));
    assert.ok(edges.includes('step:release -> end [return] (exit)'));
    // The error path leaves after the finally, to the failure end.
    assert.ok(edges.includes('step:release -> end:fails [error] (error)'));
    assert.ok(edges.includes('step:work -> step:release [error] (error)'), 'a failing step in the try runs the finally too');
  });
});
