// Unit tests (node, mocha): Mermaid text from workflows — shapes, subgraphs, classes, determinism, and
// hostile names escaped so they show as literal text. The output is parsed by the real mermaid package
// (with happy-dom standing in for the browser DOM mermaid's sanitiser needs).
import * as assert from 'assert';
import type { WorkflowHandler } from '../../../src/core/workflow/graph';
import { CURRENT_CLASS, DIAGNOSTIC_CLASS, escapeLabel, nodeLabel, renderMermaid } from '../../../src/core/workflow/mermaid';
import { named, onlyHandler } from './support';
import { parseWithMermaid, shown } from './mermaidParse';

/** The text a node should show: its label, then its detail on a second line; newlines in names are spaces. */
function expectedLabel(h: WorkflowHandler, graphId: string): string {
  const n = h.nodes.find((x) => x.id === graphId)!;
  const clean = (x: string) => x.replace(/[\r\n\t]/g, ' ').replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
  return clean(nodeLabel(n)) + (n.detail ? '\n' + clean(n.detail) : '');
}

describe('renderMermaid', () => {
  const ops = onlyHandler('operations');

  it('is deterministic and maps every Mermaid id back to a graph node', () => {
    const a = renderMermaid(ops);
    const b = renderMermaid(onlyHandler('operations'));
    assert.strictEqual(a.text, b.text);
    assert.deepStrictEqual(Object.values(a.nodeIds).sort(), ops.nodes.map((n) => n.id).sort());
    for (const m of Object.keys(a.nodeIds)) assert.match(m, /^n\d+$/);
  });

  it('gives each operation kind its own shape and class', () => {
    const { text, nodeIds } = renderMermaid(ops);
    const mid = (id: string) => Object.keys(nodeIds).find((k) => nodeIds[k] === id)!;
    const shapes: [string, string | null, string, string][] = [
      ['step', 'with-options', '["', '"]'],
      ['wait', 'pause', '(("', '"))'],
      ['waitForCallback', 'human-answer', '[/"', '"/]'],
      ['createCallback', 'approval', '[\\"', '"\\]'],
      ['waitForCondition', 'job-finished', '>"', '"]'],
      ['invoke', 'charge', '[["', '"]]'],
      ['runInChildContext', 'enrich', '[("', '")]'],
      ['parallel', 'fan-out', '[/"', '"\\]'],
      ['map', 'per-id', '[\\"', '"/]'],
      ['promise.all', 'both', '("', '")'],
    ];
    for (const [kind, name, open, close] of shapes) {
      const m = mid(named(ops, kind, name).id);
      const line = text.split('\n').find((l) => l.trimStart().startsWith(m + open));
      assert.ok(line, `${kind} drawn as ${open}…${close}`);
      assert.ok(text.includes(`${close}\n`) || text.includes(close), `${kind} closes with ${close}`);
      const cls = `k-${kind.replace('.', '-')}`;
      assert.ok(new RegExp(`^  class (?:n\\d+,)*${m}(?:,n\\d+)* ${cls}$`, 'm').test(text), `${kind} has class ${cls}`);
      assert.ok(text.includes(`classDef ${cls} `), `classDef ${cls}`);
    }
  });

  it('draws subgraphs for child contexts, each parallel branch and map items', async () => {
    const r = renderMermaid(ops);
    const parsed = await parseWithMermaid(r.text);
    const owners = parsed.subgraphs.map((s) => r.subgraphIds[s.id]);
    for (const id of [named(ops, 'runInChildContext', 'enrich').id, named(ops, 'parallel', 'fan-out').id, named(ops, 'map', 'per-id').id]) {
      assert.ok(owners.includes(id), `subgraph for ${id}`);
    }
    const branches = ops.nodes.filter((n) => n.kind === 'branch');
    for (const b of branches) assert.ok(owners.includes(b.id), `subgraph for branch ${b.id}`);
    // A branch's subgraph sits inside its parallel's subgraph.
    const par = parsed.subgraphs.find((s) => r.subgraphIds[s.id] === named(ops, 'parallel', 'fan-out').id)!;
    assert.strictEqual(par.nodes.filter((n) => n.startsWith('sg')).length, 2);
  });

  it('draws error paths dashed and labels decisions', async () => {
    const h = onlyHandler('errors');
    const r = renderMermaid(h);
    const parsed = await parseWithMermaid(r.text);
    const toId = (m: string) => r.nodeIds[m];
    const err = parsed.edges.filter((e) => e.stroke === 'dotted');
    assert.ok(err.length >= 3);
    for (const e of h.edges.filter((x) => x.kind === 'error')) {
      assert.ok(err.some((p) => toId(p.start) === e.from && toId(p.end) === e.to), `error edge ${e.from} -> ${e.to} dashed`);
    }
    assert.ok(parsed.edges.some((e) => shown(e.text) === 'no'));
  });

  it('direction and marking classes (diagnostics, current) for the webview', () => {
    const s = named(ops, 'step', 'with-options').id;
    const w = named(ops, 'wait', 'pause').id;
    const r = renderMermaid(ops, { direction: 'LR', classes: { [s]: [DIAGNOSTIC_CLASS, CURRENT_CLASS], [w]: ['bad class;x', DIAGNOSTIC_CLASS], unknown: [CURRENT_CLASS] } });
    assert.ok(r.text.startsWith('flowchart LR\n'));
    const m = (id: string) => Object.keys(r.nodeIds).find((k) => r.nodeIds[k] === id)!;
    assert.ok(r.text.includes(`  class ${m(s)},${m(w)} ${DIAGNOSTIC_CLASS}\n`));
    assert.ok(r.text.includes(`  class ${m(s)} ${CURRENT_CLASS}\n`));
    assert.ok(!r.text.includes('bad class'));
  });

  it('escapeLabel keeps letters, digits and plain punctuation, encodes the rest', () => {
    assert.strictEqual(escapeLabel('charge-card v2.1'), 'charge-card v2.1');
    assert.strictEqual(escapeLabel('a"b'), 'a#34;b');
    assert.strictEqual(escapeLabel('<x>'), '#60;x#62;');
    assert.strictEqual(escapeLabel('a\nb'), 'a b');
    assert.strictEqual(escapeLabel('\u202e'), '#65533;');
    assert.strictEqual(escapeLabel('名前'), '名前');
  });
});

describe('hostile names', () => {
  const h = onlyHandler('hostile-names');
  const r = renderMermaid(h);

  it('no label lets a quote, bracket, angle bracket, backtick, %% or ::: through raw', () => {
    const labels = [...r.text.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
    assert.ok(labels.length >= h.nodes.length);
    for (const l of labels) {
      // Entity codes (#34;) are the only use of # and ; left.
      const bare = l.replace(/#\d+;/g, '');
      assert.doesNotMatch(bare, /[<>`[\]{}()|;%&#]/, l);
      assert.ok(!bare.includes(':::'), l);
    }
    // With the labels taken out, every line is one of the statements the renderer writes: nothing from a
    // name can have become a directive (click, %% comment, classDef, another node).
    const skeleton = r.text.replace(/"[^"]*"/g, '""').split('\n').filter((l) => l !== '');
    const grammar = [
      /^flowchart (TD|LR)$/,
      /^ *n\d+(\(\[|\[\[|\[\(|\(\(\(|\(\(|\[\/|\[\\|\[|\(|>|\{\{|\{)""(\]\)|\]\]|\)\]|\)\)\)|\)\)|\/\]|\\\]|\]|\)|\}\}|\})$/,
      /^ *subgraph sg\d+\[""\]$/,
      /^ *end$/,
      /^  n\d+ (-->|-\.->)(\|""\|)? n\d+$/,
      /^  linkStyle [\d,]+ [\w:#.,-]+$/,
      /^  classDef [\w-]+ [\w:#.,\- ]+$/,
      /^  class [n\d,]+ [\w-]+$/,
    ];
    for (const line of skeleton) assert.ok(grammar.some((g) => g.test(line)), `unexpected statement: ${line}`);
  });

  it('parses with mermaid, and every label reads back as the literal name', async () => {
    const parsed = await parseWithMermaid(r.text);
    assert.strictEqual(parsed.vertices.size, h.nodes.length);
    for (const [mid, v] of parsed.vertices) {
      const graphId = r.nodeIds[mid];
      assert.ok(graphId, `vertex ${mid} maps to the graph`);
      assert.doesNotMatch(v.text, /[<>"]/, `stored label has no markup: ${v.text}`);
      // Long labels wrap (at spaces, or inside a long word after - . _ / :): compared without whitespace.
      assert.strictEqual(shown(v.text).replace(/\s+/g, ''), expectedLabel(h, graphId).replace(/\s+/g, ''), `label of ${graphId}`);
    }
    const names = [...parsed.vertices.values()].map((v) => shown(v.text).replace(/\s+/g, ''));
    for (const n of ['step: say "hi"', 'step: <script>alert(1)</script>', 'step: <img src=x onerror=alert(1)>', 'step: a --> b', 'step: %% not a comment', 'step: x:::evil', 'step: #quot; &amp; #35; entity']) {
      assert.ok(names.includes(n.replace(/\s+/g, '')), `shows ${n}`);
    }
    assert.ok(names.includes('step:ünïcödé名前🚀'));
    // A branch's name is on its vertex (its subgraph has no title of its own).
    assert.ok(names.includes('br<b>anch</b>'.replace(/\s+/g, '')));
  });
});
