// Runs in node (e2e tier): the workflow diagram's default view of every sample in a real VS Code (code-server,
// packaged .vsix, headless Chromium): labels at least 11 px on screen (font size x the current scale, measured in
// the panel) and none drawn over another, the panel following the active editor from one sample to the next, and
// a screenshot of each (test-results/screenshots/readability-<sample>.png) for a person to look at; then a handler
// typed into a file that had none: the panel follows it, says "partial" while the code does not parse, and draws it;
// and the cursor on an operation below the fold scrolls its node into view. The panel is opened with its key.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame } from 'playwright-core';
import { copyWorkspace, findWebviewFrame, focusEditor, goToLine, openFile, startVsCode, waitUntil, type VsCodeSession } from './harness';

/** What the page.evaluate callback below touches (this tsconfig has no DOM lib on purpose). */
interface LabelEl {
  readonly offsetHeight: number;
  readonly textContent: string | null;
  getBoundingClientRect(): { readonly top: number; readonly bottom: number; readonly left: number; readonly right: number; readonly height: number; readonly width: number };
}
declare const document: { querySelectorAll(selector: string): ArrayLike<LabelEl>; querySelector(selector: string): LabelEl | null };
declare function getComputedStyle(e: LabelEl): { readonly fontSize: string };

/** The samples in the order the panel is led through them; `needle` is a label only that sample draws. */
const SAMPLES: ReadonlyArray<{ name: string; file: string; needle: RegExp }> = [
  { name: 'order-saga', file: 'order-saga/src/handler.ts', needle: /cancellation-window/ },
  { name: 'fan-out', file: 'fan-out/src/handler.ts', needle: /load-manifest/ },
  { name: 'genai-agent', file: 'genai-agent/src/handler.ts', needle: /search-docs/ },
  { name: 'split-handler', file: 'split-handler/src/handler.ts', needle: /store-invoice/ },
  { name: 'expense-approval', file: 'expense-approval/src/handler.ts', needle: /manager-approval/ },
];

function labels(frame: Frame): Promise<string[]> {
  return frame.$$eval('#canvas svg g.node', (nodes) => nodes.map((n) => (n.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

/** Label font sizes as seen: computed font size x the on-screen scale of each label (the zoom and any other). */
function labelScreenPx(frame: Frame): Promise<number[]> {
  return frame.evaluate(() =>
    Array.from(document.querySelectorAll('#canvas svg g.node .nodeLabel'))
      .filter((l) => l.offsetHeight > 0)
      .map((l) => parseFloat(getComputedStyle(l).fontSize) * (l.getBoundingClientRect().height / l.offsetHeight))
  );
}

/**
 * Pairs of labels (vertex, edge and group titles) whose boxes on screen cross by more than 2 px each way: text a
 * person cannot read because another label is drawn over it.
 */
function overlappingLabels(frame: Frame): Promise<{ measured: number; overlaps: string[] }> {
  return frame.evaluate(() => {
    const boxes = Array.from(document.querySelectorAll('#canvas svg span.nodeLabel, #canvas svg g.edgeLabel, #canvas svg g.cluster-label'))
      .map((e) => ({ text: (e.textContent ?? '').replace(/\s+/g, ' ').trim(), r: e.getBoundingClientRect() }))
      .filter((b) => b.text !== '' && b.r.width > 0 && b.r.height > 0);
    const out: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!.r;
        const b = boxes[j]!.r;
        const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        // A group title contains no vertex; a label nested in another (an edge label's own span) is the same text.
        if (dx > 2 && dy > 2 && boxes[i]!.text !== boxes[j]!.text) out.push(`"${boxes[i]!.text}" x "${boxes[j]!.text}" (${dx.toFixed(0)}x${dy.toFixed(0)} px)`);
      }
    }
    return { measured: boxes.length, overlaps: out };
  });
}

/** Vertex labels that stick out of the drawing (the SVG clips them), as a person sees them cut off. */
function clippedLabels(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => {
    const svg = document.querySelector('#canvas svg');
    if (!svg) return ['no diagram'];
    const s = svg.getBoundingClientRect();
    return Array.from(document.querySelectorAll('#canvas svg g.node span.nodeLabel'))
      .filter((l) => {
        const r = l.getBoundingClientRect();
        return r.width > 0 && (r.left < s.left - 1 || r.right > s.right + 1 || r.top < s.top - 1 || r.bottom > s.bottom + 1);
      })
      .map((l) => (l.textContent ?? '').replace(/\s+/g, ' ').trim());
  });
}

/** Whether the vertex whose label contains `needle` lies wholly inside the panel's visible area. */
function vertexInView(frame: Frame, needle: string): Promise<boolean | undefined> {
  return frame.evaluate((needle) => {
    const vp = document.querySelector('#viewport')?.getBoundingClientRect();
    const g = Array.from(document.querySelectorAll('#canvas svg g.node')).find((n) => (n.textContent ?? '').includes(needle));
    if (!vp || !g) return undefined;
    const r = g.getBoundingClientRect();
    return r.top >= vp.top && r.bottom <= vp.bottom && r.left >= vp.left && r.right <= vp.right;
  }, needle);
}

describe('e2e: the workflow diagram is readable at its default view, for every sample (code-server)', function () {
  this.timeout(600_000);
  let vs: VsCodeSession | undefined;
  let workspace: string;
  const SCRATCH = 'scratch-handler.ts';

  before(async function () {
    workspace = copyWorkspace();
    // A file with the SDK imported but no handler yet (in the throwaway copy only).
    fs.writeFileSync(path.join(workspace, SCRATCH), "import { withDurableExecution } from '@aws/durable-execution-sdk-js';\n\n");
    vs = await startVsCode({
      workspace,
      settings: { 'editor.autoClosingBrackets': 'never', 'editor.autoClosingQuotes': 'never', 'editor.autoIndent': 'none', 'editor.formatOnType': false },
    });
  });
  after(async function () {
    await vs?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('each sample opens with labels of at least 11 px; the panel follows the active editor to the next sample', async function () {
    const { page } = vs!;
    let frame: Frame | undefined;
    let previous = '';
    const measured: string[] = [];
    const overlapped: string[] = [];
    for (const sample of SAMPLES) {
      if (frame) await focusEditor(page);
      await openFile(page, sample.file);
      // The first sample opens the panel with the Show Workflow key (as the README says); after that the panel
      // follows the active editor by itself.
      if (!frame) {
        await focusEditor(page);
        await page.keyboard.press('Control+Alt+Shift+KeyW');
        frame = await findWebviewFrame(page, '#canvas svg g.node', 90_000);
      }
      const f = frame;
      await waitUntil(`the ${sample.name} diagram`, async () => {
        const shown = await labels(f);
        return shown.length > 2 && shown.join('\n') !== previous && shown.some((l) => sample.needle.test(l));
      }, 90_000, async () => JSON.stringify(await labels(f)));
      // The default view is set once the draw is on screen; let the next frame paint.
      await page.waitForTimeout(500);
      previous = (await labels(f)).join('\n');
      const sizes = await labelScreenPx(f);
      assert.ok(sizes.length > 0, `${sample.name}: labels measured`);
      const smallest = Math.min(...sizes);
      measured.push(`${sample.name} ${smallest.toFixed(1)} px`);
      await vs!.screenshot(`readability-${sample.name}`);
      const { measured: boxes, overlaps } = await overlappingLabels(f);
      assert.ok(boxes >= sizes.length, `${sample.name}: ${boxes} label boxes found for ${sizes.length} vertex labels`);
      if (overlaps.length) overlapped.push(`${sample.name}: ${overlaps.join('; ')}`);
      const clipped = await clippedLabels(f);
      if (clipped.length) overlapped.push(`${sample.name}: cut off by the drawing's edge: ${clipped.join('; ')}`);
      assert.ok(smallest >= 11, `${sample.name}: the smallest label is ${smallest.toFixed(1)} px on screen`);
    }
    console.log(`      smallest label on screen: ${measured.join(', ')}`);
    // Checked after every sample is drawn and photographed, so one run shows all of them.
    assert.deepStrictEqual(overlapped, [], 'labels drawn over each other or cut off');
  });

  it('moving the cursor onto an operation below the fold scrolls its node into view', async function () {
    const { page } = vs!;
    const frame = await findWebviewFrame(page, '#canvas svg g.node', 30_000);
    await focusEditor(page);
    await openFile(page, 'order-saga/src/handler.ts');
    await waitUntil('the order-saga diagram', async () => (await labels(frame)).some((l) => /cancellation-window/.test(l)), 60_000, async () => JSON.stringify(await labels(frame)));
    await page.waitForTimeout(500);
    // At the default view the compensation at the bottom of the saga is out of sight (else this proves nothing).
    assert.strictEqual(await vertexInView(frame, 'refund-payment'), false, 'refund-payment starts out of view');
    const text = fs.readFileSync(path.join(workspace, 'order-saga/src/handler.ts'), 'utf8').split('\n');
    const line = text.findIndex((l) => l.includes("context.step('refund-payment'"));
    assert.ok(line >= 0);
    await goToLine(page, line + 1, text[line]!.indexOf('refund-payment') + 1);
    await waitUntil('refund-payment scrolled into view', async () => (await vertexInView(frame, 'refund-payment')) === true, 30_000);
    await vs!.screenshot('readability-order-saga-cursor-on-refund');
  });

  it('a handler typed into a file that had none: the panel follows it, partial while it does not parse, then drawn', async function () {
    const { page } = vs!;
    const frame = await findWebviewFrame(page, '#canvas svg g.node', 30_000);
    const before = (await labels(frame)).join('\n');
    await focusEditor(page);
    await openFile(page, SCRATCH);
    await page.waitForTimeout(1500);
    assert.strictEqual((await labels(frame)).join('\n'), before, 'a file without a handler leaves the diagram as it was');
    await focusEditor(page);
    await page.keyboard.press('Control+End');
    // The body is left open: the code does not parse yet.
    await page.keyboard.type("export const handler = withDurableExecution(async (event: unknown, context: any) => {\n  await context.step('typed-handler-step', async () => 1);\n", { delay: 5 });
    const note = () => frame.evaluate(() => (document.querySelector('#note') as unknown as { textContent: string | null } | null)?.textContent ?? '');
    await waitUntil('the typed handler drawn, partial', async () => (await labels(frame)).includes('step: typed-handler-step') && /partial/.test(await note()), 30_000, async () => `${JSON.stringify(await labels(frame))} note=${JSON.stringify(await note())}`);
    await vs!.screenshot('readability-typed-handler-partial');
    const clippedAtOnce = await clippedLabels(frame);
    // The label grew in place while typing; once typing pauses the graph is laid out again to fit it.
    await page.waitForTimeout(3000);
    await vs!.screenshot('readability-typed-handler-settled');
    const clippedSettled = await clippedLabels(frame);
    console.log(`      labels cut off by the drawing's edge: at once ${JSON.stringify(clippedAtOnce)}, after the pause ${JSON.stringify(clippedSettled)}`);
    assert.deepStrictEqual(clippedSettled, [], 'no label cut off once typing pauses');
    await page.keyboard.type('});\n', { delay: 5 });
    await waitUntil('the note cleared once the code parses', async () => (await note()) === '', 30_000, note);
    assert.ok((await labels(frame)).includes('step: typed-handler-step'));
  });
});
