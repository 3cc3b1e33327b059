// Runs in node (e2e tier, headless Chromium over the built workflow webview): the diagram takes the editor's wheel
// habits beyond what webviewDraw.test.ts checks (plain wheel scrolls, Ctrl+wheel zooms): Cmd+wheel on macOS zooms,
// a trackpad pinch (Chromium sends it as wheel events with ctrlKey and small deltas) zooms, Shift+wheel scrolls
// sideways (issue 11).
import * as assert from 'assert';
import type { WorkflowHandler, WorkflowNode } from '../../src/core/workflow/graph';
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
  getBoundingClientRect(): Box;
  dispatchEvent(e: unknown): boolean;
}
declare const document: { querySelector(selector: string): PageEl | null; elementFromPoint(x: number, y: number): PageEl | null };
declare const WheelEvent: new (type: string, init: Record<string, unknown>) => unknown;

const FILE = '/work/wheel/handler.ts';

/** Wide and long: `rows` steps under a decision with three branches, so there is room to scroll both ways. */
function big(rows: number): WorkflowHandler {
  const n = (id: string, kind: WorkflowNode['kind'], name: string | null, line: number, parent: string | null = null): WorkflowNode => ({ id, kind, name, line, parent });
  const branches = ['a', 'b', 'c'];
  const nodes: WorkflowNode[] = [n('start', 'start', null, 1), n('decision:2', 'decision', 'switch on kind', 2)];
  const edges: WorkflowHandler['edges'][number][] = [{ from: 'start', to: 'decision:2', label: null }];
  for (const b of branches) {
    let prev = 'decision:2';
    for (let i = 0; i < rows; i++) {
      const id = `step:${b}-${i}`;
      nodes.push(n(id, 'step', `branch-${b}-step-with-a-long-name-${i}`, 3 + i, 'decision:2'));
      edges.push({ from: prev, to: id, label: i === 0 ? `case ${b}` : null });
      prev = id;
    }
    edges.push({ from: prev, to: 'end', label: null });
  }
  nodes.push(n('end', 'end', null, rows + 5));
  return { name: 'handler', file: FILE, line: 1, nodes, edges };
}

function params(h: WorkflowHandler): RenderParams {
  const view = handlerView(h, FILE);
  return { seq: 1, documentUri: `file://${FILE}`, fileName: 'handler.ts', handlers: [{ name: h.name, line: h.line }], handler: h.name, mermaid: view.mermaid, nodes: view.nodes, marks: [], highlight: null };
}

describe('e2e: the diagram takes the editor wheel habits (Cmd+wheel, pinch, Shift+wheel)', function () {
  this.timeout(180_000);
  let page: RenderPage;
  let centre: { x: number; y: number };
  const zoom = () => page.page.evaluate(() => (globalThis as unknown as { __durableLensWorkflow: { snapshot(): { zoom: number } } }).__durableLensWorkflow.snapshot().zoom);
  const startBox = () => page.page.evaluate(() => document.querySelector('#canvas svg g.node')!.getBoundingClientRect());

  before(async () => {
    page = await openRenderPage('vscode-light');
    await page.render(params(big(14)), 120_000);
    const vp = await page.page.evaluate(() => document.querySelector('#viewport')!.getBoundingClientRect());
    centre = { x: (vp.left + vp.right) / 2, y: (vp.top + vp.bottom) / 2 };
    await page.page.mouse.move(centre.x, centre.y);
  });
  after(async () => {
    await page?.close();
  });

  it('Cmd+wheel zooms, as Ctrl+wheel does (macOS)', async () => {
    const before = await zoom();
    await page.page.keyboard.down('Meta');
    await page.page.mouse.wheel(0, -100);
    await page.page.keyboard.up('Meta');
    const after = await until(zoom, (z) => z > before * 1.1);
    assert.ok(after > before * 1.1, `Cmd+wheel zoomed in: ${before.toFixed(2)} -> ${after.toFixed(2)}`);
  });

  it('a trackpad pinch (many small wheel deltas with ctrlKey) zooms out', async () => {
    const before = await zoom();
    const box0 = await startBox();
    await page.page.evaluate(({ x, y }) => {
      const target = document.elementFromPoint(x, y)!;
      for (let i = 0; i < 20; i++) target.dispatchEvent(new WheelEvent('wheel', { deltaY: 4, ctrlKey: true, clientX: x, clientY: y, bubbles: true, cancelable: true }));
    }, centre);
    await page.page.waitForTimeout(100);
    const after = await zoom();
    assert.ok(after < before * 0.95, `the pinch zoomed out: ${before.toFixed(2)} -> ${after.toFixed(2)}`);
    assert.notDeepStrictEqual(await startBox(), box0, 'the drawing changed size on screen');
  });

  it('Shift+wheel scrolls sideways without zooming', async () => {
    const before = await zoom();
    const box0 = await startBox();
    await page.page.keyboard.down('Shift');
    await page.page.mouse.wheel(0, 200);
    await page.page.keyboard.up('Shift');
    const box1 = await until(startBox, (b) => Math.abs(box0.left - b.left) > 50);
    assert.strictEqual(await zoom(), before, 'no zoom');
    assert.ok(Math.abs(box0.left - box1.left) > 50, `moved sideways: ${box0.left.toFixed(0)} -> ${box1.left.toFixed(0)}`);
    assert.ok(Math.abs(box0.top - box1.top) < 2, `not up or down: ${box0.top.toFixed(0)} -> ${box1.top.toFixed(0)}`);
  });
});

/** What `read` gives once `ok` holds (up to 5 s): a wheel event reaches the page after the call that sends it returns. */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}
