// Runs in node (e2e tier, headless Chromium over the built workflow webview in a 480 px wide page, a default panel
// width): the diagram shows that it scrolls. A drawing wider (or taller) than the panel gets a scrollbar on that
// axis whose thumb is the visible part; dragging it, a click on its track and the scrolling keys pan; zoom resizes
// it; a small drawing gets none; the bars take the theme's slider colours, leave the wheel and the toolbar alone
// and stay out of exports. Also a screenshot of the order-saga sample's default view
// (test-results/screenshots/diagram-scrollbars-order-saga.png) for a person to look at.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import type { WorkflowHandler, WorkflowNode } from '../../src/core/workflow/graph';
import { inferWorkflow } from '../../src/core/workflow/infer';
import type { RenderParams } from '../../src/extension/workflow/protocol';
import { handlerView } from '../../src/extension/workflow/viewModel';
import { openRenderPage, type RenderPage } from '../../bench/renderPage';
import { SCREENSHOT_DIR } from './harness';

/** Only what the page.evaluate callbacks below touch (this tsconfig has no DOM lib on purpose). */
interface Box {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly width: number;
  readonly height: number;
}
interface PageEl {
  readonly hidden: boolean;
  readonly clientWidth: number;
  readonly clientHeight: number;
  getBoundingClientRect(): Box;
  focus(): void;
  closest(selector: string): PageEl | null;
}
declare const document: { querySelector(selector: string): PageEl | null; elementFromPoint(x: number, y: number): PageEl | null };
declare function getComputedStyle(e: PageEl): { readonly backgroundColor: string };

const root = path.resolve(__dirname, '..', '..', '..');
const FILE = '/work/scroll/handler.ts';
/**
 * Slider colours near VS Code's Light+ ones, set on the body as VS Code sets its theme's; distinct from each other
 * and from the stylesheet's fallbacks, so the test sees which one the thumb uses (and the screenshot looks real).
 */
const SLIDER = { background: 'rgba(100, 100, 100, 0.45)', hover: 'rgba(100, 100, 100, 0.75)', active: 'rgba(0, 0, 0, 0.65)' };
/** Space the webview keeps between the drawing and the panel's edge at either end of a scroll (viewport.ts). */
const MARGIN = 16;

let seq = 0;
function params(h: WorkflowHandler, documentUri = `file://${h.file}`): RenderParams {
  const view = handlerView(h, h.file);
  return { seq: ++seq, documentUri, fileName: path.basename(h.file), handlers: [{ name: h.name, line: h.line }], handler: h.name, mermaid: view.mermaid, nodes: view.nodes, marks: [], highlight: null };
}

const node = (id: string, kind: WorkflowNode['kind'], name: string | null, line: number, parent: string | null = null): WorkflowNode => ({ id, kind, name, line, parent });

/** `branches` side by side under one decision, each `rows` steps long with long names: as wide or tall as asked. */
function grid(name: string, branches: number, rows: number): WorkflowHandler {
  const nodes: WorkflowNode[] = [node('start', 'start', null, 1), node('decision:2', 'decision', 'switch on kind', 2)];
  const edges: WorkflowHandler['edges'][number][] = [{ from: 'start', to: 'decision:2', label: null }];
  for (let b = 0; b < branches; b++) {
    let prev = 'decision:2';
    for (let i = 0; i < rows; i++) {
      const id = `step:${b}-${i}`;
      nodes.push(node(id, 'step', `branch-${b}-step-with-a-long-name-${i}`, 3 + i, 'decision:2'));
      edges.push({ from: prev, to: id, label: i === 0 ? `case ${b}` : null });
      prev = id;
    }
    edges.push({ from: prev, to: 'end', label: null });
  }
  nodes.push(node('end', 'end', null, rows + 5));
  return { name, file: `/work/scroll/${name}.ts`, line: 1, nodes, edges };
}

function orderSaga(): WorkflowHandler {
  const file = path.join(root, 'samples', 'order-saga', 'src', 'handler.ts');
  const program = ts.createProgram([file], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true });
  return inferWorkflow(ts, program.getSourceFile(file)!, program).handlers[0]!;
}

interface BarFacts {
  readonly shown: boolean;
  readonly track: Box;
  readonly thumb: Box;
  readonly colour: string;
}
interface Facts {
  /** The panel (#viewport) and the drawing (the svg) on screen. */
  readonly view: Box;
  readonly svg: Box;
  readonly h: BarFacts;
  readonly v: BarFacts;
  readonly zoom: number;
}

describe('e2e: the workflow diagram shows that it scrolls (overlay scrollbars, keys)', function () {
  this.timeout(180_000);
  let page: RenderPage;

  /** The facts once `ok` holds (up to 5 s): what follows a resize or a wheel lands a frame or more later, longer under load. */
  const factsWhen = async (ok: (f: Facts) => boolean): Promise<Facts> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const f = await facts();
      if (ok(f) || Date.now() > deadline) return f;
      await page.page.waitForTimeout(50);
    }
  };

  const facts = (): Promise<Facts> =>
    page.page.evaluate(() => {
      const bar = (sel: string) => {
        const track = document.querySelector(sel)!;
        const thumb = document.querySelector(`${sel} .dl-scrollbar-thumb`)!;
        return { shown: !track.hidden && track.getBoundingClientRect().width > 0, track: track.getBoundingClientRect(), thumb: thumb.getBoundingClientRect(), colour: getComputedStyle(thumb).backgroundColor };
      };
      const view = document.querySelector('#viewport')!;
      const r = view.getBoundingClientRect();
      return {
        // clientWidth/Height: the panel's inside, which is what the transform scrolls over.
        view: { left: r.left, top: r.top, right: r.left + view.clientWidth, bottom: r.top + view.clientHeight, width: view.clientWidth, height: view.clientHeight },
        svg: document.querySelector('#canvas svg')!.getBoundingClientRect(),
        h: bar('.dl-scrollbar-h'),
        v: bar('.dl-scrollbar-v'),
        zoom: (globalThis as unknown as { __durableLensWorkflow: { snapshot(): { zoom: number } } }).__durableLensWorkflow.snapshot().zoom,
      };
    });

  /** The visible fraction on one axis and where the view starts in the scrollable range (0 = at the start). */
  function expected(f: Facts, axis: 'x' | 'y'): { fraction: number; position: number } {
    const [start, end, vStart, vSize] = axis === 'x' ? [f.svg.left, f.svg.right, f.view.left, f.view.width] : [f.svg.top, f.svg.bottom, f.view.top, f.view.height];
    const lo = Math.min(0, start - vStart - MARGIN);
    const hi = Math.max(vSize, end - vStart + MARGIN);
    return { fraction: vSize / (hi - lo), position: -lo / (hi - lo - vSize) };
  }
  function thumbFraction(b: BarFacts, axis: 'x' | 'y'): { fraction: number; position: number } {
    const [len, track, off] = axis === 'x' ? [b.thumb.width, b.track.width, b.thumb.left - b.track.left] : [b.thumb.height, b.track.height, b.thumb.top - b.track.top];
    return { fraction: len / track, position: off / (track - len) };
  }

  before(async () => {
    page = await openRenderPage('vscode-light', undefined, {
      '--vscode-scrollbarSlider-background': SLIDER.background,
      '--vscode-scrollbarSlider-hoverBackground': SLIDER.hover,
      '--vscode-scrollbarSlider-activeBackground': SLIDER.active,
    });
    await page.page.setViewportSize({ width: 480, height: 640 });
  });
  after(async () => {
    await page?.close();
  });

  it('a small drawing that fits shows no scrollbar', async () => {
    await page.render(params(grid('small', 1, 1)), 120_000);
    const f = await facts();
    assert.ok(f.svg.right <= f.view.right && f.svg.left >= f.view.left, `the drawing fits: ${f.svg.left.toFixed(0)}..${f.svg.right.toFixed(0)} in ${f.view.width}`);
    assert.strictEqual(f.h.shown, false, 'no horizontal scrollbar');
    assert.strictEqual(f.v.shown, false, 'no vertical scrollbar');
  });

  it('a step renamed while typing that grows the drawing past the panel brings the scrollbar at once (relabel in place)', async () => {
    // Three branches side by side: short names fit the panel, long ones (each box wraps at its widest) do not.
    const fan = (name: string): WorkflowHandler => {
      const nodes: WorkflowNode[] = [node('start', 'start', null, 1), node('decision:2', 'decision', 'kind', 2), node('end', 'end', null, 9)];
      const edges: WorkflowHandler['edges'][number][] = [{ from: 'start', to: 'decision:2', label: null }];
      for (let b = 0; b < 3; b++) {
        nodes.push(node(`step:${b}`, 'step', `${name}${b}`, 3 + b, 'decision:2'));
        edges.push({ from: 'decision:2', to: `step:${b}`, label: null }, { from: `step:${b}`, to: 'end', label: null });
      }
      return { name: 'typing', file: '/work/scroll/typing.ts', line: 1, nodes, edges };
    };
    await page.render(params(fan('s')), 120_000);
    assert.strictEqual((await facts()).h.shown, false, 'short names fit');
    const answer = await page.render(params(fan(`s${'-and-a-much-longer-name'.repeat(3)}`)));
    assert.strictEqual(answer.mode, 'relabel', 'only the label changed: rewritten in place');
    const f = await facts();
    assert.ok(f.svg.width > f.view.width, `the drawing grew past the panel: ${f.svg.width.toFixed(0)} > ${f.view.width}`);
    assert.ok(f.h.shown, 'the horizontal scrollbar appeared with it');
  });

  it('a wide drawing shows a horizontal scrollbar whose thumb is the visible part, in the theme\u2019s slider colour', async () => {
    await page.render(params(grid('wide', 6, 1)), 120_000);
    const f = await facts();
    assert.ok(f.svg.width > f.view.width * 1.5, `wider than the panel: ${f.svg.width.toFixed(0)} > ${f.view.width}`);
    assert.ok(f.h.shown, 'the horizontal scrollbar is shown');
    assert.strictEqual(f.v.shown, false, `no vertical scrollbar for a drawing that fits in height (${f.svg.height.toFixed(0)} of ${f.view.height})`);
    const want = expected(f, 'x');
    const got = thumbFraction(f.h, 'x');
    assert.ok(Math.abs(got.fraction - want.fraction) < 0.01, `thumb/track ${got.fraction.toFixed(3)} = visible fraction ${want.fraction.toFixed(3)}`);
    assert.ok(Math.abs(got.position - want.position) < 0.02, `thumb position ${got.position.toFixed(3)} = view position ${want.position.toFixed(3)}`);
    // Thin and overlaid: at the panel's bottom edge, inside it (no layout shift), not over the toolbar.
    assert.ok(f.h.track.height <= 14 && f.h.track.height >= 6, `thin: ${f.h.track.height} px`);
    assert.ok(Math.abs(f.h.track.bottom - f.view.bottom) < 1.5, 'along the bottom of the panel');
    assert.strictEqual(f.h.colour, SLIDER.background, 'the thumb is --vscode-scrollbarSlider-background');
    const toolbarBottom = await page.page.evaluate(() => document.querySelector('#toolbar')!.getBoundingClientRect().bottom);
    assert.ok(f.h.track.top >= toolbarBottom, 'below the toolbar');
  });

  it('hovering the thumb and dragging it take the hover and active colours; the drag pans the drawing sideways', async () => {
    const f0 = await facts();
    const x0 = f0.h.thumb.left + f0.h.thumb.width / 2;
    const y0 = f0.h.thumb.top + f0.h.thumb.height / 2;
    await page.page.mouse.move(x0, y0);
    assert.strictEqual((await facts()).h.colour, SLIDER.hover, 'hover: --vscode-scrollbarSlider-hoverBackground');
    await page.page.mouse.down();
    await page.page.mouse.move(x0 + 30, y0, { steps: 3 });
    await page.page.mouse.move(x0 + 60, y0, { steps: 3 });
    const mid = await facts();
    assert.strictEqual(mid.h.colour, SLIDER.active, 'dragging: --vscode-scrollbarSlider-activeBackground');
    await page.page.mouse.up();
    const f1 = await facts();
    const moved = f1.h.thumb.left - f0.h.thumb.left;
    assert.ok(Math.abs(moved - 60) < 1.5, `the thumb followed the pointer: ${moved.toFixed(1)} px`);
    // One px of thumb is (range - view) / (track - thumb) px of drawing.
    const perPx = (f0.svg.width + 2 * MARGIN - f0.view.width) / (f0.h.track.width - f0.h.thumb.width);
    const panned = f0.svg.left - f1.svg.left;
    assert.ok(Math.abs(panned - 60 * perPx) < 2, `the drawing moved left ${panned.toFixed(1)} px (expected ${(60 * perPx).toFixed(1)})`);
    assert.ok(Math.abs(f1.svg.top - f0.svg.top) < 0.5, 'not up or down');
    assert.strictEqual(f1.zoom, f0.zoom, 'no zoom');
    const got = thumbFraction(f1.h, 'x');
    assert.ok(Math.abs(got.position - expected(f1, 'x').position) < 0.02, 'the thumb still says where the view is');
    // Dragged to the end: the drawing's right edge at the margin, not beyond.
    await page.page.mouse.move(f1.h.thumb.left + 5, y0);
    await page.page.mouse.down();
    await page.page.mouse.move(f1.view.right + 200, y0, { steps: 5 });
    await page.page.mouse.up();
    const end = await facts();
    assert.ok(Math.abs(end.svg.right - (end.view.right - MARGIN)) < 1.5, `at the end the drawing stops at the margin: ${end.svg.right.toFixed(1)} vs ${end.view.right - MARGIN}`);
    assert.ok(Math.abs(end.h.thumb.right - end.h.track.right) < 1, 'and the thumb at the end of its track');
  });

  it('a click on the track pages towards it', async () => {
    const f0 = await facts();
    // The thumb is at the end now: click the track at its start (with a toolbar button focused before).
    await page.page.focus('#zoom-out');
    await page.page.mouse.click(f0.h.track.left + 3, f0.h.track.top + f0.h.track.height / 2);
    const f1 = await facts();
    const moved = f1.svg.left - f0.svg.left;
    assert.ok(moved > f0.view.width * 0.5 && moved <= f0.view.width, `one page right: ${moved.toFixed(0)} px of a ${f0.view.width} px panel`);
    assert.strictEqual(f1.zoom, f0.zoom, 'no zoom');
    // The diagram has the focus after a click on its scrollbar: the keys go on from there.
    await page.page.keyboard.press('ArrowRight');
    assert.ok(Math.abs(f1.svg.left - (await facts()).svg.left - 40) < 0.5, 'ArrowRight after the click scrolled 40 px');
  });

  it('after zooming in the thumb shrinks to the new visible fraction', async () => {
    const f0 = await facts();
    await page.page.click('#zoom-in');
    const f1 = await facts();
    assert.ok(f1.zoom > f0.zoom * 1.2, `zoomed in: ${f0.zoom.toFixed(2)} -> ${f1.zoom.toFixed(2)}`);
    const got = thumbFraction(f1.h, 'x');
    const want = expected(f1, 'x');
    assert.ok(got.fraction < thumbFraction(f0.h, 'x').fraction * 0.9, 'the thumb is smaller');
    assert.ok(Math.abs(got.fraction - want.fraction) < 0.01, `thumb/track ${got.fraction.toFixed(3)} = visible fraction ${want.fraction.toFixed(3)}`);
    assert.ok(Math.abs(got.position - want.position) < 0.02, `thumb position ${got.position.toFixed(3)} = view position ${want.position.toFixed(3)}`);
  });

  it('the wheel over a scrollbar still scrolls the diagram (the bars do not take it)', async () => {
    await page.page.click('#fit');
    const f0 = await facts();
    await page.page.mouse.move(f0.h.track.left + f0.h.track.width / 2, f0.h.track.top + f0.h.track.height / 2);
    await page.page.keyboard.down('Shift');
    await page.page.mouse.wheel(0, 120);
    await page.page.keyboard.up('Shift');
    const f1 = await factsWhen((f) => f0.svg.left - f.svg.left > 50 && thumbFraction(f.h, 'x').position > thumbFraction(f0.h, 'x').position);
    assert.ok(f0.svg.left - f1.svg.left > 50, `Shift+wheel over the bar scrolled sideways: ${f0.svg.left.toFixed(0)} -> ${f1.svg.left.toFixed(0)}`);
    assert.ok(thumbFraction(f1.h, 'x').position > thumbFraction(f0.h, 'x').position, 'and the thumb followed');
  });

  it('a tall drawing shows a vertical scrollbar; arrows, Page Down and Home/End pan it when the diagram has focus', async () => {
    await page.render(params(grid('tall', 1, 24)), 120_000);
    const f0 = await facts();
    assert.ok(f0.svg.height > f0.view.height, `taller than the panel: ${f0.svg.height.toFixed(0)} > ${f0.view.height}`);
    assert.ok(f0.v.shown, 'the vertical scrollbar is shown');
    assert.strictEqual(f0.h.shown, false, 'no horizontal scrollbar for a drawing that fits in width');
    const want = expected(f0, 'y');
    assert.ok(Math.abs(thumbFraction(f0.v, 'y').fraction - want.fraction) < 0.01, 'thumb/track = visible fraction');
    assert.ok(Math.abs(f0.v.track.right - f0.view.right) < 1.5, 'along the right edge of the panel');
    assert.ok(Math.abs(f0.svg.top - (f0.view.top + MARGIN)) < 1.5, 'the default view starts at the top');

    await page.page.evaluate(() => document.querySelector('#viewport')!.focus());
    await page.page.keyboard.press('ArrowDown');
    const f1 = await facts();
    assert.ok(Math.abs(f0.svg.top - f1.svg.top - 40) < 0.5, `ArrowDown scrolled 40 px: ${(f0.svg.top - f1.svg.top).toFixed(1)}`);
    await page.page.keyboard.press('ArrowRight');
    assert.ok(Math.abs((await facts()).svg.left - f1.svg.left) < 0.5, 'ArrowRight does nothing where the drawing fits sideways');
    await page.page.keyboard.press('PageDown');
    const f2 = await facts();
    const paged = f1.svg.top - f2.svg.top;
    assert.ok(paged > f1.view.height * 0.5 && paged <= f1.view.height, `Page Down scrolled a page: ${paged.toFixed(0)} of ${f1.view.height}`);
    await page.page.keyboard.press('End');
    const f3 = await facts();
    assert.ok(Math.abs(f3.svg.bottom - (f3.view.bottom - MARGIN)) < 1.5, 'End: the bottom of the drawing at the margin');
    assert.ok(Math.abs(f3.v.thumb.bottom - f3.v.track.bottom) < 1, 'End: the thumb at the end of its track');
    await page.page.keyboard.press('ArrowDown');
    assert.ok(Math.abs((await facts()).svg.top - f3.svg.top) < 0.5, 'ArrowDown at the end goes no further');
    await page.page.keyboard.press('Home');
    const f4 = await facts();
    assert.ok(Math.abs(f4.svg.top - (f4.view.top + MARGIN)) < 1.5, 'Home: back to the top');
    assert.ok(Math.abs(f4.v.thumb.top - f4.v.track.top) < 1, 'Home: the thumb at the start of its track');
    assert.strictEqual(f4.zoom, f0.zoom, 'keys did not zoom');

    // Dragging the vertical thumb pans up and down.
    const x = f4.v.thumb.left + f4.v.thumb.width / 2;
    const y = f4.v.thumb.top + f4.v.thumb.height / 2;
    await page.page.mouse.move(x, y);
    await page.page.mouse.down();
    await page.page.mouse.move(x, y + 40, { steps: 4 });
    await page.page.mouse.up();
    const f5 = await facts();
    assert.ok(f4.svg.top - f5.svg.top > 40, `the vertical drag scrolled down: ${(f4.svg.top - f5.svg.top).toFixed(0)} px`);
  });

  it('the bars follow the panel’s size: made tall enough, the vertical one goes; made short again, it comes back', async () => {
    await page.page.keyboard.press('Home');
    const f0 = await facts();
    assert.ok(f0.v.shown, 'shown at 640 px');
    await page.page.setViewportSize({ width: 480, height: Math.ceil(f0.svg.height + 200) });
    const f1 = await factsWhen((f) => !f.v.shown);
    assert.ok(f1.svg.bottom + MARGIN <= f1.view.bottom, 'the whole drawing is in view');
    assert.strictEqual(f1.v.shown, false, 'no vertical scrollbar when it all fits');
    await page.page.setViewportSize({ width: 480, height: 640 });
    const f2 = await factsWhen((f) => f.v.shown && Math.abs(thumbFraction(f.v, 'y').fraction - expected(f, 'y').fraction) < 0.01);
    assert.ok(f2.v.shown, 'back at 640 px');
    assert.ok(Math.abs(thumbFraction(f2.v, 'y').fraction - expected(f2, 'y').fraction) < 0.01, 'thumb/track = visible fraction again');
  });

  it('on a focused toolbar button the arrow keys are the button\u2019s, not the diagram\u2019s', async () => {
    const f0 = await facts();
    await page.page.focus('#fit');
    await page.page.keyboard.press('ArrowDown');
    assert.ok(Math.abs((await facts()).svg.top - f0.svg.top) < 0.5, 'no scroll');
  });

  it('exports do not carry the scrollbars', async () => {
    const svg = await page.page.evaluate(() => (globalThis as unknown as { __durableLensWorkflow: { exportSvg(): Promise<string> } }).__durableLensWorkflow.exportSvg());
    assert.ok(svg.includes('<svg'), 'an SVG came out');
    assert.ok(!svg.includes('dl-scrollbar'), 'no scrollbar in the export');
  });

  it('the order-saga sample at a default panel width opens with a scrollbar that says there is more', async () => {
    await page.render(params(orderSaga(), 'file:///samples/order-saga/src/handler.ts'), 120_000);
    const f = await facts();
    const clippedX = f.svg.left < f.view.left || f.svg.right > f.view.right;
    const clippedY = f.svg.top < f.view.top || f.svg.bottom > f.view.bottom;
    assert.ok(clippedX || clippedY, 'the default (readable) view does not show the whole drawing at 480 px');
    assert.strictEqual(f.h.shown, clippedX, `horizontal scrollbar ${f.h.shown ? 'shown' : 'hidden'} for a drawing ${clippedX ? '' : 'not '}cut off sideways`);
    assert.strictEqual(f.v.shown, clippedY, `vertical scrollbar ${f.v.shown ? 'shown' : 'hidden'} for a drawing ${clippedY ? '' : 'not '}cut off in height`);
    if (clippedX) assert.ok(Math.abs(thumbFraction(f.h, 'x').fraction - expected(f, 'x').fraction) < 0.01, 'horizontal thumb = visible fraction');
    if (clippedY) assert.ok(Math.abs(thumbFraction(f.v, 'y').fraction - expected(f, 'y').fraction) < 0.01, 'vertical thumb = visible fraction');
    if (clippedX && clippedY) assert.ok(f.h.track.right <= f.v.track.left + 0.5, 'the two bars do not cross in the corner');
    // A person looks at this one (the pointer off the diagram, so the thumbs show their resting colour).
    await page.page.mouse.move(1, 1);
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.page.screenshot({ path: path.join(SCREENSHOT_DIR, 'diagram-scrollbars-order-saga.png') });
  });
});
