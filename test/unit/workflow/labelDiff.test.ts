// Unit tests (node, mocha): labelChanges decides when the webview may relabel the drawn diagram in place
// (only labels changed) and when it must lay the graph out again. A wrong "only labels" answer would leave
// a stale picture on screen, so the structural cases matter as much as the label ones.
import * as assert from 'assert';
import * as path from 'path';
import type { WorkflowHandler, WorkflowNode } from '../../../src/core/workflow/graph';
import { decodeLabel, labelChanges, mermaidEdgeId, parseLabels } from '../../../src/core/workflow/labelDiff';
import { renderMermaid } from '../../../src/core/workflow/mermaid';
import { fixtureFiles, inferFixture } from './support';

function handler(nodes: Array<Partial<WorkflowNode> & Pick<WorkflowNode, 'id' | 'kind'>>, edges: WorkflowHandler['edges']): WorkflowHandler {
  return {
    name: 'handler',
    file: '/x/handler.ts',
    line: 1,
    nodes: nodes.map((n, i) => ({ name: null, line: i + 1, parent: null, ...n })),
    edges,
  };
}

const base = (): WorkflowHandler =>
  handler(
    [
      { id: 'start', kind: 'start' },
      { id: 'step:charge', kind: 'step', name: 'charge', detail: 'retry: exponential' },
      { id: 'decision:1', kind: 'decision', name: 'if paid' },
      { id: 'step:ship', kind: 'step', name: 'ship', parent: 'decision:1' },
      { id: 'parallel:p', kind: 'parallel', name: 'fan' },
      { id: 'parallel:p/0', kind: 'branch', name: 'left', parent: 'parallel:p' },
      { id: 'step:l', kind: 'step', name: 'l', parent: 'parallel:p/0' },
      { id: 'end', kind: 'end' },
    ],
    [
      { from: 'start', to: 'step:charge', label: null },
      { from: 'step:charge', to: 'decision:1', label: null },
      { from: 'decision:1', to: 'step:ship', label: 'yes' },
      { from: 'decision:1', to: 'step:ship', label: 'again' },
      { from: 'decision:1', to: 'parallel:p', label: 'no' },
      { from: 'step:ship', to: 'parallel:p', label: null },
      { from: 'parallel:p', to: 'parallel:p/0', label: null },
      { from: 'parallel:p/0', to: 'step:l', label: null },
      { from: 'step:l', to: 'end', label: null },
    ]
  );

function text(h: WorkflowHandler, direction: 'TD' | 'LR' = 'TD'): string {
  return renderMermaid(h, { direction }).text;
}

function edit(h: WorkflowHandler, change: (h: { nodes: WorkflowNode[]; edges: Array<WorkflowHandler['edges'][number]> }) => void): WorkflowHandler {
  const copy = JSON.parse(JSON.stringify(h)) as { nodes: WorkflowNode[]; edges: Array<WorkflowHandler['edges'][number]> } & WorkflowHandler;
  change(copy);
  return copy;
}

function rename(h: WorkflowHandler, id: string, name: string): WorkflowHandler {
  return edit(h, (c) => {
    const n = c.nodes.find((x) => x.id === id)!;
    (n as { name: string | null }).name = name;
  });
}

describe('labelChanges: relabel in place or lay out again', () => {
  it('the same text has no changes', () => {
    assert.deepStrictEqual(labelChanges(text(base()), text(base())), []);
  });

  it('a renamed step is one vertex change with its new lines (detail kept as the second line)', () => {
    const changes = labelChanges(text(base()), text(rename(base(), 'step:charge', 'charge-card')));
    assert.deepStrictEqual(changes, [{ owner: { kind: 'node', id: 'n1' }, lines: ['step: charge-card', 'retry: exponential'] }]);
  });

  it('a renamed branch changes its vertex (its subgraph has no title of its own)', () => {
    const changes = labelChanges(text(base()), text(rename(base(), 'parallel:p/0', 'right')));
    assert.deepStrictEqual(
      changes?.map((c) => [c.owner, c.lines]),
      [[{ kind: 'node', id: 'n5' }, ['right']]]
    );
  });

  it('an edited condition and an edge label are found, the second edge of a pair with nth 1', () => {
    const after = edit(base(), (c) => {
      (c.nodes.find((n) => n.id === 'decision:1') as { name: string | null }).name = 'if paid > 0';
      c.edges[3] = { ...c.edges[3]!, label: 'retry' };
    });
    const changes = labelChanges(text(base()), text(after));
    assert.deepStrictEqual(changes, [
      { owner: { kind: 'node', id: 'n2' }, lines: ['if paid > 0'] },
      { owner: { kind: 'edge', from: 'n2', to: 'n3', nth: 1 }, lines: ['retry'] },
    ]);
  });

  it('a detail line added to a node is a label change: the label gains a second line', () => {
    const after = edit(base(), (c) => ((c.nodes[3] as { detail?: string }).detail = 'semantics: at-most-once'));
    assert.deepStrictEqual(labelChanges(text(base()), text(after)), [{ owner: { kind: 'node', id: 'n3' }, lines: ['step: ship', 'semantics: at-most-once'] }]);
  });

  it('hostile names come back as the literal characters (to be set as text, never markup)', () => {
    const name = '<img src=x onerror=alert(1)> "q" ]]--> %% `b` ☃ 😀';
    const changes = labelChanges(text(base()), text(rename(base(), 'step:charge', name)));
    assert.strictEqual(changes?.length, 1);
    // A long label wraps at spaces: the lines, joined, are the name.
    assert.deepStrictEqual(changes![0]!.lines.join(' '), `step: ${name} retry: exponential`);
  });

  const structural: Array<[string, () => string]> = [
    [
      'an added operation',
      () =>
        text(
          edit(base(), (c) => {
            c.nodes.splice(2, 0, { id: 'wait:w', kind: 'wait', name: 'w', line: 3, parent: null });
          })
        ),
    ],
    ['a changed kind (shape)', () => text(edit(base(), (c) => ((c.nodes[1] as { kind: string }).kind = 'invoke')))],
    ['an edge that gains a label', () => text(edit(base(), (c) => (c.edges[0] = { ...c.edges[0]!, label: 'go' })))],
    ['an edge that loses its label', () => text(edit(base(), (c) => (c.edges[2] = { ...c.edges[2]!, label: null })))],
    ['a re-targeted edge', () => text(edit(base(), (c) => (c.edges[5] = { ...c.edges[5]!, to: 'end' })))],
    ['the other direction', () => text(base(), 'LR')],
    ['an error edge instead of a plain one', () => text(edit(base(), (c) => (c.edges[8] = { ...c.edges[8]!, kind: 'error' })))],
  ];
  for (const [what, after] of structural) {
    it(`${what} needs a full layout`, () => {
      assert.strictEqual(labelChanges(text(base()), after()), undefined);
    });
  }

  it('text it did not write (hand-written Mermaid, unbalanced quotes) needs a full layout', () => {
    assert.strictEqual(labelChanges('flowchart TD\n  a["x"] --> b\n', 'flowchart TD\n  a["y"] --> b\n'), undefined);
    assert.strictEqual(labelChanges(text(base()), text(base()).replace('"step#58; charge', '"step#58; "charge')), undefined);
  });

  it('reads every fixture handler: each label has an owner, and a rename of every node is a label change', () => {
    let handlers = 0;
    for (const file of fixtureFiles()) {
      for (const h of inferFixture(path.basename(file, '.ts'))) {
        handlers++;
        const before = renderMermaid(h).text;
        const parsed = parseLabels(before);
        assert.ok(parsed, `${h.name} in ${path.basename(file)}: renderMermaid output not recognised`);
        const renamed = edit(h, (c) => {
          for (const n of c.nodes) if (n.name !== null) (n as { name: string | null }).name = `${n.name}!`;
        });
        const changes = labelChanges(before, renderMermaid(renamed).text);
        assert.ok(changes, `${h.name} in ${path.basename(file)}: a rename was taken as a change of shape`);
        assert.ok(changes.length >= h.nodes.filter((n) => n.name !== null && n.name !== '').length, `${h.name}: every renamed node is listed`);
      }
    }
    assert.ok(handlers >= 10, `only ${handlers} fixture handlers`);
  });

  it('decodes entities and lines the way mermaid shows them', () => {
    assert.deepStrictEqual(decodeLabel('a#60;b#62; #128512;\nsecond'), ['a<b> 😀', 'second']);
    assert.deepStrictEqual(decodeLabel('#99999999;'), ['#99999999;']);
  });

  it('names edges the way mermaid 11 does (its counter skips 1)', () => {
    assert.deepStrictEqual([0, 1, 2].map((n) => mermaidEdgeId('n1', 'n2', n)), ['L_n1_n2_0', 'L_n1_n2_2', 'L_n1_n2_3']);
  });
});
