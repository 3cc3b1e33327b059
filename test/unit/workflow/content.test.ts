// Unit tests (node, mocha): what the diagram says (issue 11) — a failure end apart from the normal end, the
// error path through a finally, map and parallel labelled once, helpers grouped under their name, options in
// words, wrapped labels, forEach(async …) drawn as concurrent. Mermaid output is parsed by the real mermaid.
import * as assert from 'assert';
import type { WorkflowHandler } from '../../../src/core/workflow/graph';
import { renderMermaid } from '../../../src/core/workflow/mermaid';
import { edgeStrings, inferText, named, node } from './support';
import { parseWithMermaid, shown } from './mermaidParse';

const HEAD = "import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';\n";

function one(body: string, before = ''): WorkflowHandler {
  const hs = inferText(HEAD + before + 'export const handler = withDurableExecution(async (event: any, context: DurableContext) => {\n' + body + '\n});\n');
  assert.strictEqual(hs.length, 1);
  return hs[0]!;
}

const ends = (h: WorkflowHandler) => h.nodes.filter((n) => n.kind === 'end');

describe('workflow content: a failure end', () => {
  const h = one(
    [
      "  await context.step('check', async () => 1);",
      "  if (event.bad) throw new Error('bad');",
      '  try {',
      "    await context.step('risky', async () => 2);",
      "    if (event.worse) throw new Error('worse');",
      '  } catch (e) {',
      "    await context.step('recover', async () => 3);",
      '  }',
      "  return 'ok';",
    ].join('\n')
  );
  const edges = edgeStrings(h);

  it('an uncaught throw ends at an end named "fails", not at the normal end', () => {
    assert.deepStrictEqual(
      ends(h).map((n) => n.name),
      [null, 'fails']
    );
    assert.ok(edges.includes('decision:if event.bad -> end:fails [yes (throw)] (error)'), edges.join('\n'));
    assert.ok(!edges.some((e) => e.startsWith('decision:if event.bad -> end ')), 'the throw does not reach the normal end');
  });

  it('a throw a catch handles goes to the catch, which leads on to the normal end', () => {
    assert.ok(edges.includes('decision:if event.worse -> catch:catch (e) [yes (throw)] (error)'), edges.join('\n'));
    assert.ok(edges.includes('catch:catch (e) -> step:recover'));
    assert.ok(edges.includes('step:recover -> end'));
    assert.ok(!edges.some((e) => e.includes('-> end:fails') && !e.startsWith('decision:if event.bad')), 'only the uncaught throw fails');
  });

  it('a handler that never throws has no failure end', () => {
    const ok = one("  await context.step('a', async () => 1);");
    assert.deepStrictEqual(
      ends(ok).map((n) => n.name),
      [null]
    );
  });

  it('the failure end is drawn apart: its own label and class in the Mermaid text', async () => {
    const r = renderMermaid(h);
    const parsed = await parseWithMermaid(r.text);
    const failId = Object.entries(r.nodeIds).find(([, id]) => id === 'fail')![0];
    const endId = Object.entries(r.nodeIds).find(([, id]) => id === 'end')![0];
    assert.strictEqual(shown(parsed.vertices.get(failId)!.text), 'fails');
    assert.strictEqual(shown(parsed.vertices.get(endId)!.text), 'end');
    assert.ok(parsed.vertices.get(failId)!.classes.includes('k-fail'));
    assert.ok(!parsed.vertices.get(endId)!.classes.includes('k-fail'));
  });
});

describe('workflow content: finally keeps its error path', () => {
  it('a try that can fail runs the finally on the error path too, which then goes to the failure end', () => {
    const h = one(["  try {", "    await context.step('charge', async () => 1);", '  } finally {', "    await context.step('cleanup', async () => 2);", '  }', "  await context.step('after', async () => 3);"].join('\n'));
    const edges = edgeStrings(h);
    assert.ok(edges.includes('step:charge -> step:cleanup'), edges.join('\n'));
    assert.ok(edges.includes('step:charge -> step:cleanup [error] (error)'), edges.join('\n'));
    assert.ok(edges.includes('step:cleanup -> end:fails [error] (error)'), edges.join('\n'));
    assert.ok(edges.includes('step:cleanup -> step:after'));
  });

  it('with an outer catch, the error after the finally goes to that catch', () => {
    const h = one(
      ['  try {', '    try {', "      await context.step('charge', async () => 1);", '    } finally {', "      await context.step('cleanup', async () => 2);", '    }', '  } catch (e) {', "    await context.step('refund', async () => 3);", '  }'].join('\n')
    );
    const edges = edgeStrings(h);
    assert.ok(edges.includes('step:cleanup -> catch:catch (e) [error] (error)'), edges.join('\n'));
    assert.ok(!ends(h).some((n) => n.name !== null), 'nothing is uncaught');
  });
});

describe('workflow content: options in words', () => {
  it('map and parallel show concurrency and completion, not code', () => {
    const h = one(
      [
        "  await context.map('ship', event.items, async (c, item) => c.step('one', async () => item), { maxConcurrency: 5, completionConfig: { minSuccessful: 2 } });",
        "  await context.parallel('fan', [async (c) => c.step('a', async () => 1), async (c) => c.step('b', async () => 2)], { completionConfig: { toleratedFailureCount: 1 } });",
      ].join('\n')
    );
    assert.strictEqual(named(h, 'map', 'ship').detail, 'items: event.items; at most 5 at once; completes after 2 successes');
    assert.strictEqual(named(h, 'parallel', 'fan').detail, 'tolerates 1 failure');
  });
});

describe('workflow content: labelled once', () => {
  it('a map, a parallel and their branches each show their label once (no subgraph title repeating a vertex)', async () => {
    const h = one(
      [
        "  await context.map('ship-items', event.items, async (c, item) => c.step('ship', async () => item));",
        "  await context.parallel('fan-out', [{ name: 'left', func: async (c) => c.step('l', async () => 1) }, async (c) => c.step('r', async () => 2)]);",
        "  await context.runInChildContext('child', async (c) => c.step('inner', async () => 3));",
      ].join('\n')
    );
    const parsed = await parseWithMermaid(renderMermaid(h).text);
    const texts = [...parsed.vertices.values()].map((v) => shown(v.text).split('\n')[0]);
    for (const label of ['map: ship-items', 'parallel: fan-out', 'left', 'branch 2', 'each item', 'runInChildContext: child']) {
      assert.strictEqual(texts.filter((t) => t === label).length, 1, `${label} on one vertex`);
    }
    const titles = parsed.subgraphs.map((s) => shown(s.title).trim()).filter((t) => t !== '');
    assert.deepStrictEqual(titles, [], 'no subgraph repeats its owner');
    assert.ok(parsed.subgraphs.length >= 4, 'the clusters are still drawn');
  });
});

describe('workflow content: helpers grouped under their name', () => {
  const before = ["async function chargeCard(ctx: DurableContext, id: string) {", "  await ctx.step('authorize', async () => id);", "  await ctx.step('capture', async () => id);", '}', ''].join('\n');
  const h = one(["  await chargeCard(context, 'a');", "  await context.runInChildContext('again', async (c) => chargeCard(c, 'b'));"].join('\n'), before);

  it('each expansion is one group on the graph, its nodes naming it', () => {
    assert.deepStrictEqual(
      h.helpers?.map((g) => g.name),
      ['chargeCard', 'chargeCard']
    );
    const [first, second] = h.helpers!;
    assert.notStrictEqual(first!.id, second!.id);
    assert.strictEqual(h.nodes.filter((n) => n.helper === first!.id).length, 2);
    assert.strictEqual(h.nodes.filter((n) => n.helper === second!.id).length, 2);
    assert.strictEqual(h.nodes.filter((n) => n.helper === undefined && n.kind === 'step').length, 0);
  });

  it('Mermaid draws a subgraph titled with the helper name per call site, inside the child context for the second', async () => {
    const r = renderMermaid(h);
    const parsed = await parseWithMermaid(r.text);
    const groups = parsed.subgraphs.filter((s) => shown(s.title) === 'chargeCard');
    assert.strictEqual(groups.length, 2);
    const mermaidOf = (id: string) => Object.entries(r.nodeIds).find(([, g]) => g === id)![0];
    const inGroup = groups.map((g) => g.nodes.map((m) => r.nodeIds[m]).sort());
    const steps = h.nodes.filter((n) => n.kind === 'step');
    assert.deepStrictEqual(inGroup[0], steps.filter((n) => n.helper === h.helpers![0]!.id).map((n) => n.id).sort());
    assert.deepStrictEqual(inGroup[1], steps.filter((n) => n.helper === h.helpers![1]!.id).map((n) => n.id).sort());
    // The second expansion sits in the child context's cluster.
    const child = named(h, 'runInChildContext', 'again');
    const childSub = parsed.subgraphs.find((s) => r.subgraphIds[s.id] === child.id)!;
    const secondSub = parsed.subgraphs.find((s) => s === groups[1])!;
    assert.ok(childSub.nodes.includes(secondSub.id), 'nested in the child context');
    assert.ok(!childSub.nodes.includes(mermaidOf(child.id)), 'the child node stays outside its cluster');
  });
});

describe('workflow content: labels that do not overlap', () => {
  it('long node and edge labels are wrapped onto short lines', async () => {
    const h = one(
      [
        '  if (!event.approval?.approved || event.approval.paymentToken === undefined || event.approval.expired) {',
        "    await context.step('release-inventory-because-the-approval-was-rejected', async () => 1);",
        '  }',
        '  switch (event.kind) {',
        "    case 'express-delivery-with-tracking': case 'standard-delivery-with-tracking': case 'pickup':",
        "      await context.step('ship', async () => 2);",
        '  }',
      ].join('\n')
    );
    const parsed = await parseWithMermaid(renderMermaid(h).text);
    for (const v of parsed.vertices.values()) for (const line of shown(v.text).split('\n')) assert.ok(line.length <= 40, `vertex line too long: ${line}`);
    for (const e of parsed.edges) for (const line of shown(e.text).split('\n')) assert.ok(line.length <= 30, `edge line too long: ${line}`);
    const decision = node(h, (n) => n.kind === 'decision' && n.name!.startsWith('if'));
    const v = [...parsed.vertices.values()].find((x) => shown(x.text).replace(/\s+/g, '') === decision.name!.replace(/\s+/g, ''));
    assert.ok(v, 'the wrapped condition reads back as the whole condition');
    assert.ok(shown(v!.text).split('\n').length >= 2);
  });
});

describe('workflow content: forEach(async …) is concurrent', () => {
  it('is drawn as a fan the flow does not wait for, with a note, never as a loop', () => {
    const h = one(["  event.items.forEach(async (item: string) => {", "    await context.step('notify', async () => item);", '  });', "  await context.step('next', async () => 0);"].join('\n'));
    assert.ok(!h.nodes.some((n) => n.kind === 'loop'), 'no loop');
    const fan = node(h, (n) => n.kind === 'branch');
    assert.strictEqual(fan.name, 'event.items.forEach, not awaited');
    assert.match(fan.detail ?? '', /at once, nothing waits/);
    const edges = edgeStrings(h);
    assert.ok(edges.includes('start -> branch:event.items.forEach, not awaited'), edges.join('\n'));
    assert.ok(edges.includes('start -> step:next'), 'next starts without waiting for the items');
    assert.ok(!edges.some((e) => e.startsWith('step:notify ->')), 'the items join nothing');
  });
});

describe('workflow content: early exits end where they leave (the order saga fits better)', () => {
  it('each early return and uncaught throw goes to its own end terminal, mapped back to the graph end', async () => {
    const h = one(
      [
        "  const ok = await context.step('check', async () => 1);",
        "  if (!ok) return 'no';",
        '  try {',
        "    await context.step('pay', async () => 2);",
        '  } catch (e) {',
        "    if (event.soft) return 'soft';",
        '    throw e;',
        '  }',
        "  await context.step('ship', async () => 3);",
      ].join('\n')
    );
    const r = renderMermaid(h);
    const parsed = await parseWithMermaid(r.text);
    const drawnAs = (graphId: string) => Object.entries(r.nodeIds).filter(([, id]) => id === graphId).map(([m]) => m);
    // The normal end, plus one copy per early return; the failure end drawn once, where the throw leaves.
    assert.strictEqual(drawnAs('end').length, 3);
    assert.strictEqual(drawnAs('fail').length, 1);
    for (const m of [...drawnAs('end'), ...drawnAs('fail')]) assert.ok(parsed.vertices.has(m), `${m} is drawn`);
    const into = (m: string) => parsed.edges.filter((e) => e.end === m).length;
    for (const m of drawnAs('end')) assert.strictEqual(into(m), 1, 'each end terminal has one way in');
    const ship = Object.entries(r.nodeIds).find(([, id]) => id === named(h, 'step', 'ship').id)![0];
    assert.ok(parsed.edges.some((e) => e.start === ship && drawnAs('end').includes(e.end)), 'the normal path still reaches an end');
  });
});
