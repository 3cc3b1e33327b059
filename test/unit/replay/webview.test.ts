// Unit tier (node + headless Chromium): the replay webview bundle in its own HTML and CSP with a fake VS Code
// API, driven by a host made of the real stepper and view model. Checks what a user sees: the timeline grouped
// by invocation with the current event highlighted, moves by key and click answered with position updates only
// (no new view), the details of a retried step, the waterfall's running vs waiting spans, a 10,000-event history
// kept to a window of rows in the DOM, and hostile names shown as text.
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import type { AddressInfo } from 'net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { syntheticHistory } from '../../../bench/historyModel';
import type { HistoryEvent } from '../../../src/core/history/events';
import { buildExecutionRecord } from '../../../src/core/history/record';
import { buildStepper, type Stepper } from '../../../src/core/history/stepper';
import { makeNonce, webviewHtml } from '../../../src/extension/shared/html';
import type { HostNotification, ReplaySnapshot, StepAction, WebviewCommand } from '../../../src/extension/replay/protocol';
import { buildDetails, buildReplayView, executionNote, stateView } from '../../../src/extension/replay/viewModel';
import { loadEvents, ownFile, sharedFile } from '../history/support';

const root = path.resolve(__dirname, '..', '..', '..', '..');
const bundle = path.join(root, 'dist', 'webview', 'replay.js');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const { CHROMIUM_ARGS } = require(path.join(root, 'test', 'harness', 'vscodeEnv.js')) as { CHROMIUM_ARGS: string[] };

interface Harness {
  readonly page: Page;
  /** Loads a history: the view and the first position, as the panel sends them. */
  load(events: HistoryEvent[], title?: string): Promise<void>;
  /** Commands the page sent so far. */
  sent(): WebviewCommand[];
  snapshot(): Promise<ReplaySnapshot>;
  stepper(): Stepper;
  views(): number;
  /** Bytes of the last view message as JSON (what crosses to the webview). */
  viewBytes(): number;
  /** In the page: parse of the last view message, applying it, until the frame after it was drawn. */
  firstPaintMs(): number;
  close(): Promise<void>;
}

/** The page plus a host in node: moves from the page go through the real Stepper, answered with `position`. */
/** `saved`: the state VS Code hands back to a page restored after a reload (getState). */
async function open(saved: unknown = null): Promise<Harness> {
  const nonce = makeNonce();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (url.pathname === '/') {
      const fake = `<script nonce="${nonce}">
        window.__out = [];
        window.acquireVsCodeApi = () => ({ postMessage: (m) => { if (m.type === 'drawn') window.__drawnAt = performance.now(); if (m.type === 'response') window.__out.push(m); else window.__toHost(m); }, getState: () => window.__saved, setState: (s) => { window.__saved = s; } });
        window.__saved = ${JSON.stringify(saved)};
      </script>`;
      const html = webviewHtml({ cspSource: origin, scriptUri: `${origin}/dist/webview/replay.js`, styleUri: `${origin}/media/replay.css`, title: 'Step', nonce }).replace('<body>', `<body class="vscode-dark">${fake}`);
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    const file = path.join(root, path.normalize(url.pathname));
    if (!(file.startsWith(path.join(root, 'dist', 'webview')) || file.startsWith(path.join(root, 'media'))) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.endsWith('.css') ? 'text/css' : 'text/javascript' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const browser: Browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const sent: WebviewCommand[] = [];
  let stepper: Stepper | undefined;
  let seq = 0;
  let views = 0;
  let viewBytes = 0;
  let firstPaintMs = 0;
  let requestId = 0;
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const send = async (m: HostNotification): Promise<void> => {
    const json = JSON.stringify(m);
    if (m.type !== 'view') return void (await page.evaluate(`window.postMessage(${json}, '*')`));
    views++;
    viewBytes = json.length;
    // As VS Code delivers it: a string parsed in the page, then the message event; timed to the next frame drawn.
    firstPaintMs = await page.evaluate((text) => {
      const w = globalThis as unknown as { __drawnAt?: number; postMessage(m: unknown, o: string): void; requestAnimationFrame(f: () => void): void };
      w.__drawnAt = undefined;
      const t0 = performance.now();
      w.postMessage(JSON.parse(text), '*');
      return new Promise<number>((resolve) => {
        const wait = (): void => w.requestAnimationFrame(() => (w.__drawnAt === undefined ? wait() : w.requestAnimationFrame(() => resolve(performance.now() - t0))));
        wait();
      });
    }, json);
  };
  const position = async (changed: readonly string[]): Promise<void> => {
    const s = stepper!;
    const p = s.position;
    await send({
      type: 'position',
      seq,
      eventIndex: p.eventIndex,
      invocation: p.invocation,
      operationId: p.operationId ?? null,
      changed: changed.map((id) => stateView(s.stateOf(id)!)),
      details: buildDetails(s, undefined, p.eventIndex, (f) => f),
      executionNote: p.operationId ? null : executionNote(s, p.eventIndex),
      playing: false,
      eventsPerSecond: 2,
      follow: false,
    });
  };
  const targets = (s: Stepper, a: StepAction): number | undefined =>
    ({ stepInto: s.stepInto(), stepOver: s.stepOver(), stepOut: s.stepOut(), stepBack: s.stepBack(), nextProblem: s.nextProblem(), previousProblem: s.previousProblem(), nextInvocation: s.nextInvocation(), previousInvocation: s.previousInvocation() } as Partial<Record<StepAction, number | undefined>>)[a];
  await page.exposeFunction('__toHost', (m: WebviewCommand) => {
    sent.push(m);
    if (m.type === 'ready') ready();
    if (!stepper) return;
    if (m.type === 'move') void position(stepper.moveTo(m.to).changed);
    if (m.type === 'step') {
      const to = targets(stepper, m.action);
      if (to !== undefined) void position(stepper.moveTo(to).changed);
    }
  });
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await isReady;
  return {
    page,
    async load(events, title = 'test') {
      stepper = buildStepper(buildExecutionRecord(events));
      seq++;
      await send({ type: 'view', seq, view: buildReplayView(stepper, undefined, { title, running: false, noCode: 'no handler in this test', handler: null, restore: { key: `file:///histories/${title}`, handler: null, handlerFile: null }, relative: (f) => f }) });
      await position([...stepper.allStates().keys()]);
    },
    sent: () => sent,
    async snapshot() {
      const id = ++requestId;
      await page.evaluate(`window.postMessage(${JSON.stringify({ type: 'request', id, method: 'snapshot', params: {} })}, '*')`);
      // A function, not a string: the page's CSP (no 'unsafe-eval') refuses a string predicate re-evaluated while polling.
      const handle = await page.waitForFunction((rid) => (globalThis as unknown as { __out: { id: number }[] }).__out.find((m) => m.id === rid), id);
      const r = (await handle.jsonValue()) as unknown as { result: ReplaySnapshot };
      return r.result;
    },
    stepper: () => stepper!,
    views: () => views,
    viewBytes: () => viewBytes,
    firstPaintMs: () => firstPaintMs,
    async close() {
      await browser.close();
      await new Promise<void>((r) => server.close(() => r()));
      assert.deepStrictEqual(errors, [], 'no page errors');
    },
  };
}

async function until(h: Harness, f: (s: ReplaySnapshot) => boolean, what: string): Promise<ReplaySnapshot> {
  let last: ReplaySnapshot | undefined;
  for (let i = 0; i < 100; i++) {
    last = await h.snapshot();
    if (f(last)) return last;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`${what}; last snapshot ${JSON.stringify(last)}`);
}

const runnable = fs.existsSync(chromiumPath) && fs.existsSync(bundle);

describe('replay webview (headless Chromium)', function () {
  this.timeout(120_000);
  let h: Harness;

  before(function () {
    // Needs the bundle (npx webpack --config-name webview-replay) and a Chromium; both exist in this repo's CI.
    if (!runnable) this.skip();
  });
  before(async () => {
    h = await open();
  });
  after(async () => {
    await h?.close();
  });

  it('shows the timeline by invocation, moves by key and click with position updates only, details of a retried step', async () => {
    await h.load(loadEvents(sharedFile('step__with-retry__step-with-retry')), 'step-with-retry');
    let s = await until(h, (x) => x.timelineItems === 11 + 4, 'timeline items: 11 events and 4 groups');
    assert.strictEqual(s.scrubber.max, 10);
    assert.strictEqual(s.eventIndex, -1);
    assert.ok(s.notes.some((n) => n.includes('Stepping without code: no handler in this test')), 'says why there is no code');
    const views = h.views();
    // Click the third event row (StepFailed with a retry scheduled).
    await h.page.click('.tl-event:nth-child(n) >> text=StepFailed');
    s = await until(h, (x) => x.eventIndex === 2, 'moved to the clicked event');
    assert.match(s.currentRowText ?? '', /StepFailed/);
    assert.match(s.details ?? '', /retrying/);
    assert.match(s.details ?? '', /Random failure/);
    assert.match(s.details ?? '', /attempt 1: Error: Random failure/);
    // Keys in the timeline: down twice.
    await h.page.focus('.timeline');
    await h.page.keyboard.press('ArrowDown');
    s = await until(h, (x) => x.eventIndex === 3, 'ArrowDown moves one event');
    assert.match(s.details ?? '', /Invocation 1 ended/);
    await h.page.keyboard.press('End');
    s = await until(h, (x) => x.eventIndex === 10, 'End moves to the last event');
    assert.match(s.details ?? '', /The execution ended: SUCCEEDED/);
    assert.strictEqual(h.views(), views, 'moves never resend the view');
    assert.ok(h.sent().every((m) => m.type !== 'move' || Number.isInteger(m.to)));
  });

  it('the toolbar steps: next failure or retry, previous event; the waterfall draws running and retry-delay spans', async () => {
    await h.load(loadEvents(sharedFile('step__with-retry__step-with-retry')));
    await until(h, (x) => x.eventIndex === -1 && x.timelineItems === 15, 'loaded');
    await h.page.click('button[title="Next failure or retry (F5)"]');
    await until(h, (x) => x.eventIndex === 2, 'to the first retry');
    await h.page.click('button[title="Next failure or retry (F5)"]');
    await until(h, (x) => x.eventIndex === 5, 'to the second retry');
    await h.page.click('button[title="Previous event (Shift+F10)"]');
    await until(h, (x) => x.eventIndex === 4, 'one event back');
    const kinds = (await h.page.evaluate(`[...document.querySelectorAll('.wf-row .span')].map((e) => e.className)`)) as string[];
    assert.deepStrictEqual(
      kinds.map((k) => k.split(' ')[1]),
      ['span-running', 'span-retryDelay', 'span-running', 'span-retryDelay', 'span-running'],
      'three attempts run, the two gaps are retry delays'
    );
    const rowClass = (await h.page.evaluate(`document.querySelector('.wf-row').className`)) as string;
    assert.match(rowClass, /st-running/, 'the row shows the state at the current event');
  });

  it('the parallel history: branches marked concurrent, a wait drawn as waiting; a span click jumps to its event', async () => {
    await h.load(loadEvents(sharedFile('parallel__basic__parallel-basic')));
    await until(h, (x) => x.scrubber.max === 17, 'loaded');
    const concurrent = (await h.page.evaluate(`[...document.querySelectorAll('.wf-row.concurrent .wf-label')].map((e) => e.textContent)`)) as string[];
    assert.ok(concurrent.includes('parallel-branch-0') && concurrent.includes('parallel-branch-1'), `concurrent rows: ${concurrent.join(', ')}`);
    assert.strictEqual(await h.page.evaluate(`document.querySelectorAll('.wf-row .span-waiting').length`), 1);
    await h.page.click('.wf-row .span-waiting');
    await until(h, (x) => x.eventIndex === 11, 'clicking the wait jumps to its WaitStarted');
  });

  it('10,000 events: a window of rows in the DOM, a far jump by scrubber, hostile names as text', async () => {
    const events = syntheticHistory(10_000);
    events[1] = { ...events[1]!, Name: '<img src=x onerror=alert(1)>' } as HistoryEvent;
    await h.load(events);
    const s = await until(h, (x) => x.scrubber.max === events.length - 1, 'loaded');
    const drawn = h.sent().filter((m): m is Extract<WebviewCommand, { type: 'drawn' }> => m.type === 'drawn').pop();
    console.log(`      10,000-event view: ${h.viewBytes()} bytes sent; in the page: applied in ${drawn?.ms.toFixed(1)} ms, ${h.firstPaintMs().toFixed(1)} ms from the message to the first frame after it`);
    // The view is columns and tables, rows read as drawn: as one object per event it was 2.6 MB.
    assert.ok(h.viewBytes() < 1_000_000, `the view message is ${h.viewBytes()} bytes`);
    assert.ok(s.eventRowsInDom < 200, `rows in the DOM: ${s.eventRowsInDom}`);
    assert.ok(s.waterfallRowsInDom < 200, `waterfall rows in the DOM: ${s.waterfallRowsInDom}`);
    assert.strictEqual(await h.page.evaluate(`document.querySelectorAll('img').length`), 0, 'no element made from a name');
    await h.page.evaluate(`(() => { const i = document.querySelector('.scrubber'); i.value = '8000'; i.dispatchEvent(new Event('input')); })()`);
    const j = await until(h, (x) => x.eventIndex === 8000, 'jumped by the scrubber');
    assert.ok(j.currentRowText, 'the current row is in view after the jump');
    await h.load(loadEvents(ownFile('hostile-names')));
    await until(h, (x) => x.eventIndex === -1, 'hostile history loaded');
    assert.strictEqual(await h.page.evaluate(`document.querySelectorAll('img').length`), 0);
    assert.ok(((await h.page.evaluate(`document.querySelector('.timeline').textContent`)) as string).length > 0);
  });

  it('keeps the execution and the position with setState, and a restored page shows the saved execution before its view', async () => {
    await h.load(loadEvents(sharedFile('step__with-retry__step-with-retry')), 'kept.history.json');
    await until(h, (x) => x.scrubber.max === 10, 'loaded');
    await h.page.click('button[title="Next failure or retry (F5)"]');
    await until(h, (x) => x.eventIndex === 2, 'to the first retry');
    // Saved shortly after the move (not on every event while playing).
    await h.page.waitForFunction(() => (globalThis as unknown as { __saved?: { eventIndex?: number } }).__saved?.eventIndex === 2);
    const saved = (await h.page.evaluate(() => (globalThis as unknown as { __saved: unknown }).__saved)) as Record<string, unknown>;
    assert.strictEqual(saved.key, 'file:///histories/kept.history.json');
    assert.strictEqual(saved.title, 'kept.history.json');
    assert.strictEqual(saved.eventIndex, 2);

    // The page VS Code restores after a reload gets that state back: the execution's name, no controls until the
    // host has loaded the history again (or says why it cannot).
    const restored = await open(saved);
    try {
      const page = restored.page;
      assert.strictEqual(await page.textContent('.replay-header h1.title'), 'kept.history.json');
      assert.strictEqual(await page.isVisible('.toolbar'), false, 'no stepping controls before the view');
      await page.evaluate(() => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage({ type: 'notice', message: 'The history file kept.history.json no longer exists (deleted or moved).', error: true }, '*'));
      await page.waitForSelector('.note.is-error:has-text("no longer exists")');
      await restored.load(loadEvents(sharedFile('step__with-retry__step-with-retry')), 'kept.history.json');
      await until(restored, (x) => x.scrubber.max === 10, 'the view arrives');
      assert.strictEqual(await page.isVisible('.toolbar'), true, 'the controls once there is a history');
    } finally {
      await restored.close();
    }
  });
});
