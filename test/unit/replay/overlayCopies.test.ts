// Unit tier (node + headless Chromium): the workflow webview bundle (bench/renderPage.ts: the panel's HTML and
// CSP) draws a handler whose early return and uncaught error reach ends drawn more than once; while stepping,
// every drawing of such an end takes the state the host sends, on screen (its stroke, over mermaid's inline kind
// styles) and not only as a class, and is drawn as before when stepping ends.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { openRenderPage, type RenderPage } from '../../../bench/renderPage';
import { inferWorkflow } from '../../../src/core/workflow/infer';
import type { WorkflowHandler } from '../../../src/core/workflow/graph';
import type { RenderParams, ReplayNodeState, ReplayOverlay } from '../../../src/extension/workflow/protocol';
import { handlerView } from '../../../src/extension/workflow/viewModel';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const bundle = path.join(root, 'dist', 'webview', 'workflow.js');

// Two early returns and a throw: the success end and the failure end are each drawn more than once.
const SOURCE = `import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';
export const handler = withDurableExecution(async (event: { mode: string }, context: DurableContext) => {
  const a = await context.step('validate', async () => 1);
  if (event.mode === 'skip') return { skipped: true };
  if (event.mode === 'bad') throw new Error('bad input');
  const b = await context.step('charge', async () => a + 1);
  if (b > 10) return { big: b };
  await context.step('notify', async () => b);
  return { done: b };
});
`;

function handler(): { h: WorkflowHandler; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-copies-'));
  const file = path.join(dir, 'handler.ts');
  fs.writeFileSync(file, SOURCE);
  const program = ts.createProgram([file], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true });
  const h = inferWorkflow(ts, program.getSourceFile(file)!, program).handlers[0]!;
  return { h, file };
}

/** The class attribute of every vertex group drawn for `mermaidIds`, read in the page. */
function classesOf(page: RenderPage, mermaidIds: readonly string[]): Promise<string[]> {
  return page.page.evaluate((ids) => {
    const d = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ id: string; getAttribute(n: string): string | null }> } }).document;
    const svg = d.querySelectorAll('#canvas svg')[0]!;
    const out: string[] = [];
    for (const g of Array.from(d.querySelectorAll('#canvas svg g.node'))) {
      const vid = g.getAttribute('data-id') ?? g.id.slice(svg.id.length + 1).replace(/^flowchart-/, '').replace(/-\d+$/, '');
      if (ids.includes(vid)) out.push(g.getAttribute('class') ?? '');
    }
    return out;
  }, mermaidIds);
}

/** The computed stroke width of each drawn shape for `mermaidIds` (what is on screen, whatever the classes say). */
function strokeWidths(page: RenderPage, mermaidIds: readonly string[]): Promise<string[]> {
return page.page.evaluate((ids) => {
    const d = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ id: string; getAttribute(n: string): string | null; querySelector(s: string): unknown }> } }).document;
    const style = (globalThis as unknown as { getComputedStyle(e: unknown): { strokeWidth: string } }).getComputedStyle;
    const svg = d.querySelectorAll('#canvas svg')[0]!;
    const out: string[] = [];
    for (const g of Array.from(d.querySelectorAll('#canvas svg g.node'))) {
      const vid = g.getAttribute('data-id') ?? g.id.slice(svg.id.length + 1).replace(/^flowchart-/, '').replace(/-\d+$/, '');
      const shape = g.querySelector('.label-container path') ?? g.querySelector('.label-container');
      if (ids.includes(vid) && shape) out.push(style(shape).strokeWidth);
    }
    return out;
}, mermaidIds);
}

function post(page: RenderPage, overlay: ReplayOverlay | null): Promise<void> {
  return page.page.evaluate((overlay) => {
    const w = globalThis as unknown as { addEventListener(t: string, l: (e: { detail: unknown }) => void): void; removeEventListener(t: string, l: (e: { detail: unknown }) => void): void; postMessage(m: unknown, o: string): void };
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no replayApplied message')), 10_000);
      const on = (e: { detail: unknown }) => {
        if ((e.detail as { type: string }).type !== 'replayApplied') return;
        clearTimeout(timer);
        w.removeEventListener('dl-to-host', on);
        resolve();
      };
      w.addEventListener('dl-to-host', on);
      w.postMessage({ type: 'replay', overlay, reveal: false }, '*');
    });
  }, overlay);
}

describe('replay overlay: ends drawn more than once (headless Chromium)', function () {
  this.timeout(120_000);
  let page: RenderPage;

  before(function () {
    // Needs the bundle (npx webpack --config-name webview-workflow) and a Chromium; both exist in this repo's CI.
    if (!fs.existsSync(chromiumPath) || !fs.existsSync(bundle)) this.skip();
  });
  before(async () => {
    page = await openRenderPage('vscode-dark');
  });
  after(async () => {
    await page?.close();
  });

  it('every copy of an end takes its state, and loses it when stepping ends', async () => {
    const { h, file } = handler();
    const view = handlerView(h, file);
    const ends = h.nodes.filter((n) => n.kind === 'end');
    const drawingsOf = (id: string) => view.nodes.filter((n) => n.id === id && !n.cluster).map((n) => n.mermaidId);
    const copied = ends.filter((n) => drawingsOf(n.id).length > 1);
    assert.ok(copied.length >= 1, `an end is drawn more than once: ${ends.map((n) => `${n.id}: ${drawingsOf(n.id).join(',')}`).join('; ')}`);
    const params: RenderParams = { seq: 1, documentUri: `file://${file}`, fileName: 'handler.ts', handlers: [{ name: h.name, line: h.line }], handler: h.name, mermaid: view.mermaid, nodes: view.nodes, marks: [], highlight: null };
    await page.render(params, 90_000);

    const overlay = (state: (id: string) => ReplayNodeState): ReplayOverlay => ({ sessionId: 's1', label: 'copies', nodes: h.nodes.map((n) => ({ nodeId: n.id, state: state(n.id), title: `${n.id} ${state(n.id)}` })), current: null });
    const drawn = copied.flatMap((n) => drawingsOf(n.id));
    const unstyled = await strokeWidths(page, drawn);
    await post(page, overlay(() => 'succeeded'));
    for (const end of copied) {
      const classes = await classesOf(page, drawingsOf(end.id));
      assert.strictEqual(classes.length, drawingsOf(end.id).length, `${end.id}: every drawing found in the SVG`);
      assert.ok(classes.every((c) => /\bdl-rs-succeeded\b/.test(c)), `${end.id}: every drawing is succeeded: ${classes.join(' | ')}`);
    }
    // Styled alike, not only classed alike: each drawing's shape has the succeeded stroke on screen (mermaid's
    // inline !important kind styles beat a stylesheet rule).
    const widths = await strokeWidths(page, drawn);
    assert.ok(widths.length >= 2 && widths.every((w) => w === '2.5px'), `every drawing has the succeeded stroke: ${widths.join(', ')}`);
    // A move that changes an end's state restyles its copies too (not only the first drawing).
    const failEnd = copied[copied.length - 1]!;
    await post(page, overlay((id) => (id === failEnd.id ? 'failed' : 'succeeded')));
    const failed = await classesOf(page, drawingsOf(failEnd.id));
    assert.ok(failed.every((c) => /\bdl-rs-failed\b/.test(c) && !/\bdl-rs-succeeded\b/.test(c)), `${failEnd.id}: every drawing is failed: ${failed.join(' | ')}`);
    const described = await page.page.evaluate(() => {
      const d = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }> } }).document;
      return Array.from(d.querySelectorAll('#canvas svg g.dl-rs-failed')).map((g) => g.getAttribute('aria-description'));
    });
    assert.ok(described.length >= 2 && described.every((x) => x === `Replay: ${failEnd.id} failed`), `screen readers hear the state on every drawing: ${described.join(' | ')}`);

    await post(page, null);
    assert.deepStrictEqual(await strokeWidths(page, drawn), unstyled, 'the shapes are drawn as mermaid drew them again');
    for (const end of copied) {
      const classes = await classesOf(page, drawingsOf(end.id));
      assert.ok(classes.every((c) => !/\bdl-rs-/.test(c)), `${end.id}: no state left once stepping ends: ${classes.join(' | ')}`);
    }
  });
});
