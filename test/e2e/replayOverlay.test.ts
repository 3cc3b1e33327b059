// Runs in node (e2e tier): the workflow webview bundle in headless Chromium (bench/renderPage.ts: the panel's own
// HTML and CSP) drawing the expense-approval sample, then stepped through its checked-in recording with the real
// mapping and stepper: state classes toggle on the same SVG (never a re-render), map/loop counts appear as text,
// the current node is highlighted, hostile labels stay text, and each move's time in the webview is measured.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { findDurableFunctions } from '../../src/core/analysis/handlers';
import { operationTree } from '../../src/core/analysis/operationTree';
import { parseHistoryText } from '../../src/core/history/events';
import { mapHistory } from '../../src/core/history/mapping';
import { buildExecutionRecord } from '../../src/core/history/record';
import { buildStepper } from '../../src/core/history/stepper';
import type { WorkflowHandler, WorkflowNode } from '../../src/core/workflow/graph';
import { inferWorkflow } from '../../src/core/workflow/infer';
import type { RenderParams, ReplayOverlay } from '../../src/extension/workflow/protocol';
import { handlerView } from '../../src/extension/workflow/viewModel';
import { replayOverlay } from '../../src/extension/replay/replayStates';
import { openRenderPage, type RenderPage } from '../../bench/renderPage';

/** Only what the page.evaluate callbacks below touch (this tsconfig has no DOM lib on purpose). */
interface PageEl {
  readonly textContent: string | null;
  readonly dataset: Record<string, string | undefined>;
  readonly hidden: boolean;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<PageEl>;
}
declare const document: { querySelector(selector: string): PageEl | null; querySelectorAll(selector: string): ArrayLike<PageEl> };

const root = path.resolve(__dirname, '..', '..', '..');
const SAMPLE = path.join(root, 'samples', 'expense-approval', 'src', 'handler.ts');
const RECORDING = path.join(root, 'samples', 'expense-approval', 'recordings', 'approved.history.json');

interface Snapshot {
  readonly states: Record<string, string>;
  readonly badges: Record<string, string>;
  readonly current: string | null;
}

function sample() {
  const program = ts.createProgram([SAMPLE], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true });
  const sf = program.getSourceFile(SAMPLE)!;
  const fn = findDurableFunctions(ts, sf, program.getTypeChecker())[0]!;
  const tree = operationTree(ts, fn, program.getTypeChecker());
  const handler = inferWorkflow(ts, sf, program).handlers[0]!;
  const record = buildExecutionRecord(parseHistoryText(fs.readFileSync(RECORDING, 'utf8')).events);
  const mapping = mapHistory(record, tree);
  const stepper = buildStepper(record);
  return { handler, record, mapping, stepper };
}

let seq = 0;
function params(h: WorkflowHandler, documentUri: string): RenderParams {
  const view = handlerView(h, h.file);
  return { seq: ++seq, documentUri, fileName: path.basename(h.file), handlers: [{ name: h.name, line: h.line }], handler: h.name, mermaid: view.mermaid, nodes: view.nodes, marks: [], highlight: null };
}

/** Posts an overlay and resolves with the webview's own measure of the move (ms in the page) and the wall time. */
function applyOverlay(page: RenderPage, overlay: ReplayOverlay | null): Promise<{ ms: number; changed: number; wallMs: number }> {
  return page.page.evaluate((overlay) => {
    const w = globalThis as unknown as {
      addEventListener(t: string, l: (e: { detail: unknown }) => void): void;
      removeEventListener(t: string, l: (e: { detail: unknown }) => void): void;
      postMessage(m: unknown, o: string): void;
    };
    return new Promise<{ ms: number; changed: number; wallMs: number }>((resolve, reject) => {
      const t0 = performance.now();
      const timer = setTimeout(() => reject(new Error('no replayApplied message')), 10_000);
      const on = (e: { detail: unknown }) => {
        const m = e.detail as { type: string; ms: number; changed: number };
        if (m.type !== 'replayApplied') return;
        clearTimeout(timer);
        w.removeEventListener('dl-to-host', on);
        resolve({ ms: m.ms, changed: m.changed, wallMs: performance.now() - t0 });
      };
      w.addEventListener('dl-to-host', on);
      w.postMessage({ type: 'replay', overlay, reveal: true }, '*');
    });
  }, overlay);
}

function replaySnapshot(page: RenderPage): Promise<Snapshot | null> {
  return page.page.evaluate(() => {
    const w = globalThis as unknown as { __durableLensWorkflow: { snapshot(): { replay?: Snapshot | null } } };
    return w.__durableLensWorkflow.snapshot().replay ?? null;
  });
}

function tagSvg(page: RenderPage): Promise<void> {
  return page.page.evaluate(() => {
    document.querySelector('#canvas svg')!.dataset.dlTestTag = 'replay';
  });
}
function sameSvg(page: RenderPage): Promise<boolean> {
  return page.page.evaluate(() => document.querySelector('#canvas svg')?.dataset.dlTestTag === 'replay');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

describe('e2e: replay overlay on the drawn workflow diagram (headless Chromium)', function () {
  this.timeout(180_000);
  let page: RenderPage;

  before(async () => {
    page = await openRenderPage('vscode-dark');
  });
  after(async () => {
    await page?.close();
  });

  it('steps through the expense-approval recording: classes toggle on the same SVG, counts and the current node follow', async () => {
    const { handler, record, mapping, stepper } = sample();
    assert.strictEqual(mapping.fit.matched, mapping.fit.total, 'the recording maps onto the sample without drift');
    await page.render(params(handler, `file://${SAMPLE}?replay=1`), 120_000);
    await tagSvg(page);
    const session = (at: number) => {
      stepper.moveTo(at);
      return { id: 'session-1', label: 'approved.history.json', record, mapping, position: stepper.position, stateOf: (id: string) => stepper.stateOf(id) };
    };
    const at = (type: string, name?: string, from = 0) => record.events.findIndex((e, i) => i >= from && e.EventType === type && (name === undefined || e.Name === name));

    // After validate-claim succeeded: it is green, everything after it not started.
    let overlay = replayOverlay(handler, session(at('StepSucceeded', 'validate-claim')));
    await applyOverlay(page, overlay);
    let snap = (await replaySnapshot(page))!;
    assert.ok(snap, 'the snapshot reports the overlay');
    assert.strictEqual(snap.states['step:validate-claim'], 'succeeded');
    assert.strictEqual(snap.states['map:price-items'], 'notStarted');
    assert.strictEqual(snap.states['waitForCallback:manager-approval'], 'notStarted');
    assert.strictEqual(snap.current, 'step:validate-claim');
    assert.strictEqual(snap.badges['map:price-items'], '0/3', 'the map shows its items so far');

    // Inside the map: two items done of three.
    const secondItemDone = at('ContextSucceeded', undefined, at('ContextSucceeded', undefined, at('ContextStarted', 'price-items')) + 1);
    overlay = replayOverlay(handler, session(secondItemDone));
    await applyOverlay(page, overlay);
    snap = (await replaySnapshot(page))!;
    assert.strictEqual(snap.states['map:price-items'], 'running');
    assert.strictEqual(snap.badges['map:price-items'], '2/3');
    assert.strictEqual(snap.current, 'map:price-items');

    // Waiting on the manager's callback.
    const waiting = at('CallbackStarted');
    overlay = replayOverlay(handler, session(waiting));
    await applyOverlay(page, overlay);
    snap = (await replaySnapshot(page))!;
    assert.strictEqual(snap.states['waitForCallback:manager-approval'], 'waiting');
    assert.strictEqual(snap.badges['map:price-items'], '3/3');
    const waitingClasses = await page.page.evaluate(() => Array.from(document.querySelectorAll('#canvas svg g.dl-rs-waiting')).map((g) => g.getAttribute('class') ?? ''));
    assert.ok(waitingClasses.some((c) => c.includes('dl-rw-callback') && c.includes('dl-replay-current')), `the waiting node says callback and is current: ${waitingClasses.join(' | ')}`);
    const highlighted = await page.page.evaluate(() => Array.from(document.querySelectorAll('#canvas svg g.dl-highlight')).map((g) => (g.textContent ?? '').trim()));
    assert.strictEqual(highlighted.length, 1);
    assert.ok(highlighted[0]!.includes('manager-approval'), `the existing highlight is on the current node: ${highlighted.join()}`);

    // The end: every operation succeeded, the end node too.
    overlay = replayOverlay(handler, session(record.events.length - 1));
    await applyOverlay(page, overlay);
    snap = (await replaySnapshot(page))!;
    const ops = handler.nodes.filter((n: WorkflowNode) => ['step', 'map', 'waitForCallback', 'wait', 'runInChildContext'].includes(n.kind));
    for (const n of ops) assert.strictEqual(snap.states[n.id], 'succeeded', `${n.id} at the end`);
    assert.strictEqual(snap.states.end, 'succeeded');
    assert.ok(await sameSvg(page), 'the SVG element is the one drawn first: no re-render while stepping');
    const rendered = (await page.messages()).filter((m) => m.type === 'rendered').length;

    // Every position, forwards and back: the webview's own time per move.
    const times: number[] = [];
    for (const i of [...Array(record.events.length).keys(), ...[...Array(record.events.length).keys()].reverse()]) {
      times.push((await applyOverlay(page, replayOverlay(handler, session(i)))).ms);
    }
    assert.ok(await sameSvg(page), 'still the same SVG after stepping through every event');
    assert.strictEqual((await page.messages()).filter((m) => m.type === 'rendered').length, rendered, 'no draw was requested while stepping');
    const max = Math.max(...times);
    console.log(`      replay overlay, expense-approval (${handler.nodes.length} nodes, ${times.length} moves): median ${median(times).toFixed(2)} ms, max ${max.toFixed(2)} ms per move in the webview`);
    assert.ok(median(times) < 16, `median move ${median(times).toFixed(2)} ms`);

    // Stepping ends: classes, badges and the legend go.
    await applyOverlay(page, null);
    const cleared = await page.page.evaluate(() => ({
      states: document.querySelectorAll('#canvas svg [class*="dl-rs-"]').length,
      badges: document.querySelectorAll('#canvas svg .dl-replay-badge').length,
      legend: document.querySelector('#dl-replay-legend')?.hidden ?? false,
    }));
    assert.deepStrictEqual(cleared, { states: 0, badges: 0, legend: true });
    assert.strictEqual(await replaySnapshot(page), null);
  });

  it('a step retried until it failed: retrying, then failed with the retried mark and its attempts', async () => {
    const { handler } = sample();
    const program = ts.createProgram([SAMPLE], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true });
    const sf = program.getSourceFile(SAMPLE)!;
    const tree = operationTree(ts, findDurableFunctions(ts, sf, program.getTypeChecker())[0]!, program.getTypeChecker());
    const record = buildExecutionRecord(parseHistoryText(fs.readFileSync(path.join(path.dirname(RECORDING), 'invalid-claim.history.json'), 'utf8')).events);
    const mapping = mapHistory(record, tree);
    const stepper = buildStepper(record);
    await page.render(params(handler, `file://${SAMPLE}?replay=retry`), 120_000);
    const view = (at: number) => {
      stepper.moveTo(at);
      return replayOverlay(handler, { id: 'retry', label: 'invalid-claim', record, mapping, position: stepper.position, stateOf: (id) => stepper.stateOf(id) });
    };
    await applyOverlay(page, view(record.events.findIndex((e) => e.EventType === 'StepFailed')));
    let snap = (await replaySnapshot(page))!;
    assert.strictEqual(snap.states['step:validate-claim'], 'retrying+retried');
    await applyOverlay(page, view(record.events.length - 1));
    snap = (await replaySnapshot(page))!;
    assert.strictEqual(snap.states['step:validate-claim'], 'failed+retried');
    assert.strictEqual(snap.badges['step:validate-claim'], '\u21bb6', 'six attempts');
    const failedEnd = handler.nodes.find((n) => n.kind === 'end' && n.name === 'fails') ?? handler.nodes.find((n) => n.kind === 'end')!;
    assert.strictEqual(snap.states[failedEnd.id], 'failed');
    assert.strictEqual(snap.states['map:price-items'], 'notStarted', JSON.stringify(snap));
    await applyOverlay(page, null);
  });

  it('a hostile session label and node ids stay text; the overlay is re-applied after a full redraw', async () => {
    const { handler, record, mapping, stepper } = sample();
    await page.render(params(handler, `file://${SAMPLE}?replay=2`), 120_000);
    stepper.moveTo(record.events.length - 1);
    const hostile = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    const overlay: ReplayOverlay = {
      ...replayOverlay(handler, { id: 's2', label: hostile, record, mapping, position: stepper.position, stateOf: (id) => stepper.stateOf(id) }),
    };
    const withHostileNode: ReplayOverlay = {
      ...overlay,
      nodes: [...overlay.nodes.map((n) => (n.nodeId === 'step:validate-claim' ? { ...n, badge: `${hostile}x`, title: hostile } : n)), { nodeId: hostile, state: 'failed', badge: hostile, title: hostile }],
    };
    await applyOverlay(page, withHostileNode);
    const found = await page.page.evaluate(() => ({
      imgs: document.querySelectorAll('img').length,
      bolds: document.querySelectorAll('#dl-replay-legend b, #canvas svg .dl-replay-badge b').length,
      pwned: (globalThis as unknown as { __pwned?: number }).__pwned ?? 0,
      legend: document.querySelector('#dl-replay-legend .dl-legend-title')?.textContent ?? '',
      badges: Array.from(document.querySelectorAll('#canvas svg .dl-replay-badge text')).map((t) => t.textContent ?? ''),
    }));
    assert.deepStrictEqual([found.imgs, found.bolds, found.pwned], [0, 0, 0]);
    assert.strictEqual(found.legend, `Stepping: ${hostile}`);
    assert.ok(found.badges.includes(`${hostile}x`), `the badge text is shown literally: ${JSON.stringify(found.badges)}`);

    // Switching the direction draws the graph again (a new SVG): the overlay is applied to it by itself.
    await page.page.evaluate(() => (document.querySelector('#direction') as unknown as { click(): void }).click());
    await page.page.waitForFunction(() => {
      const w = globalThis as unknown as { __durableLensWorkflow: { snapshot(): { replay?: { states: Record<string, string> } | null } } };
      const s = w.__durableLensWorkflow.snapshot().replay;
      return !!s && s.states['wait:settlement-delay'] === 'succeeded' && document.querySelectorAll('#canvas svg .dl-replay-badge').length > 0;
    });
    await page.page.evaluate(() => (document.querySelector('#direction') as unknown as { click(): void }).click());
    await applyOverlay(page, null);
  });

  it('a 300-step handler: a move toggles only what changed, well under a frame', async () => {
    const nodes: WorkflowNode[] = [{ id: 'start', kind: 'start', name: null, line: 1, parent: null }];
    const edges: WorkflowHandler['edges'][number][] = [];
    const N = 300;
    for (let i = 0; i < N; i++) {
      nodes.push({ id: `step:s${i}`, kind: 'step', name: `s${i}`, line: i + 2, parent: null });
      edges.push({ from: i === 0 ? 'start' : `step:s${i - 1}`, to: `step:s${i}`, label: null });
    }
    nodes.push({ id: 'end', kind: 'end', name: null, line: N + 2, parent: null });
    edges.push({ from: `step:s${N - 1}`, to: 'end', label: null });
    const big: WorkflowHandler = { name: 'big', file: '/work/big/handler.ts', line: 1, nodes, edges };
    await page.render(params(big, 'file:///work/big/handler.ts'), 180_000);
    await tagSvg(page);
    const overlayAt = (k: number): ReplayOverlay => ({
      sessionId: 'big',
      label: 'big',
      current: `step:s${k}`,
      nodes: Array.from({ length: N }, (_, i) => ({ nodeId: `step:s${i}`, state: i < k ? 'succeeded' : i === k ? 'running' : 'notStarted', ...(i === k && k % 10 === 0 ? { badge: `\u00d7${k / 10}` } : {}) })),
    });
    const times: number[] = [];
    const all = await applyOverlay(page, overlayAt(0));
    for (let k = 1; k < 120; k++) times.push((await applyOverlay(page, overlayAt(k))).ms);
    const jump = await applyOverlay(page, overlayAt(N - 1));
    assert.ok(await sameSvg(page));
    const snap = (await replaySnapshot(page))!;
    assert.strictEqual(snap.states['step:s0'], 'succeeded');
    assert.strictEqual(snap.states[`step:s${N - 1}`], 'running');
    console.log(
      `      replay overlay, ${N + 2} nodes: first apply ${all.ms.toFixed(2)} ms (${all.changed} nodes), one-event moves median ${median(times).toFixed(2)} ms / max ${Math.max(...times).toFixed(2)} ms, jump to the end ${jump.ms.toFixed(2)} ms (${jump.changed} nodes)`
    );
    assert.ok(median(times) < 16, `median move ${median(times).toFixed(2)} ms`);
    await applyOverlay(page, null);
  });
});
