// Runs in node (e2e tier, headless Chromium over the built workflow webview): a step renamed while typing is
// relabelled in place and its box grows; when it grows past the edge of the drawing (a graph as narrow as a
// handler being written), the label must not be cut off by the SVG until the next full layout (issue 11, seen
// in the e2e screenshot readability-typed-handler-partial: "ep: typed-handler-st").
import * as assert from 'assert';
import type { WorkflowHandler } from '../../src/core/workflow/graph';
import type { RenderParams } from '../../src/extension/workflow/protocol';
import { handlerView } from '../../src/extension/workflow/viewModel';
import { openRenderPage, type RenderPage } from '../../bench/renderPage';

interface Box {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}
interface PageEl {
  readonly textContent: string | null;
  getBoundingClientRect(): Box;
}
declare const document: { querySelector(selector: string): PageEl | null; querySelectorAll(selector: string): ArrayLike<PageEl> };

const FILE = '/work/typing/handler.ts';
let seq = 0;

function oneStep(name: string): WorkflowHandler {
  return {
    name: 'handler',
    file: FILE,
    line: 1,
    nodes: [
      { id: 'start', kind: 'start', name: null, line: 1, parent: null },
      { id: `step:${name}`, kind: 'step', name, line: 2, parent: null },
      { id: 'end', kind: 'end', name: null, line: 3, parent: null },
    ],
    edges: [
      { from: 'start', to: `step:${name}`, label: null },
      { from: `step:${name}`, to: 'end', label: null },
    ],
  };
}

function params(h: WorkflowHandler): RenderParams {
  const view = handlerView(h, FILE);
  return { seq: ++seq, documentUri: `file://${FILE}`, fileName: 'handler.ts', handlers: [{ name: h.name, line: h.line }], handler: h.name, mermaid: view.mermaid, nodes: view.nodes, marks: [], highlight: null };
}

describe('e2e: a label grown in place while typing is not cut off by the drawing edge', function () {
  this.timeout(180_000);
  let page: RenderPage;
  before(async () => {
    page = await openRenderPage('vscode-light');
  });
  after(async () => {
    await page?.close();
  });

  it('renaming the one step of a narrow graph from "t" to "typed-handler-step" keeps the whole label inside the SVG', async () => {
    assert.strictEqual((await page.render(params(oneStep('t')), 120_000)).mode, 'full');
    const answer = await page.render(params(oneStep('typed-handler-step')));
    assert.strictEqual(answer.mode, 'relabel', 'a rename while typing is drawn in place');
    const seen = await page.page.evaluate(() => {
      const svg = document.querySelector('#canvas svg')!.getBoundingClientRect();
      const label = Array.from(document.querySelectorAll('#canvas svg g.node span.nodeLabel')).find((l) => (l.textContent ?? '').includes('typed-handler-step'))!;
      const r = label.getBoundingClientRect();
      return { svg: { left: svg.left, right: svg.right }, label: { left: r.left, right: r.right } };
    });
    assert.ok(
      seen.label.left >= seen.svg.left - 1 && seen.label.right <= seen.svg.right + 1,
      `the label spans ${seen.label.left.toFixed(0)}..${seen.label.right.toFixed(0)} px, the SVG that clips it ${seen.svg.left.toFixed(0)}..${seen.svg.right.toFixed(0)} px`
    );
  });
});
