// Runs in node (e2e tier): stepping through a recorded execution as a person sees it in a real VS Code (code-server,
// packaged .vsix, headless Chromium), on the expense-approval sample and its checked-in recordings: "next" pressed
// through the approved run lights, at each position, the diagram node and the editor line of the operation the
// replay panel names; the invalid claim's run shows its step failed; a step typed in before the recorded ones shows
// a replay-mismatch squiggle whose hover and Problems entry name the recorded execution.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { acceptOpenDialog, copyWorkspace, editorLineText, extensionLog, findWebviewFrame, goToLine, openFile, REPO_ROOT, reloadWindow, runCommand, squiggles, startVsCode, waitForProblem, waitForSquiggle, waitUntil, type VsCodeSession } from './harness';

const HANDLER = 'expense-approval/src/handler.ts';
const APPROVED = 'expense-approval/recordings/approved.history.json';
const INVALID = 'expense-approval/recordings/invalid-claim.history.json';

/** The little of the DOM the page.evaluate callbacks use (this tsconfig has no DOM lib, on purpose). */
interface PageElement {
  readonly textContent: string | null;
  readonly className: unknown;
  readonly style: { readonly top: string };
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
  getAttribute(name: string): string | null;
  readonly parentElement: PageElement | null;
}
declare const document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement> };
declare const window: { getComputedStyle(e: PageElement, pseudo?: string): { backgroundImage: string; content: string } };

/**
 * The operations of the sample whose call sites are on lines of their own: name -> the 1-based line the call
 * starts on (read from the workspace copy, so the test follows the sample). Map items and the callback's parts
 * share their parent's line and are not checked one by one.
 */
function callSites(text: string): Map<string, number> {
  const lines = text.split('\n');
  const at = (needle: string) => {
    const i = lines.findIndex((l) => l.includes(needle));
    assert.ok(i >= 0, `${needle} in ${HANDLER}`);
    return i + 1;
  };
  return new Map([
    ['validate-claim', at("context.step('validate-claim'")],
    ['price-items', at("context.map('price-items'")],
    ['manager-approval', at('context.waitForCallback<Approval>(')],
    ['settlement-delay', at("context.wait('settlement-delay'")],
    ['pay-out', at("context.runInChildContext('pay-out'")],
    ['create-transfer', at("payContext.step('create-transfer'")],
    ['record-ledger', at("payContext.step('record-ledger'")],
  ]);
}

/** The replay panel (a webview) whose title is `title`. */
async function replayFrame(page: Page, title: string, timeoutMs = 120_000): Promise<Frame> {
  let found: Frame | undefined;
  await waitUntil(`the replay panel "${title}"`, async () => {
    for (const f of page.frames()) {
      const text = await f.$eval('.replay-header h1.title', (e) => e.textContent ?? '').catch(() => null);
      if (text !== null && text.includes(title) && (await f.$('.timeline .tl-row').catch(() => null))) {
        found = f;
        return true;
      }
    }
    return false;
  }, timeoutMs);
  return found!;
}

/** What the replay panel says the current event is, as its row's tooltip reads: `StepStarted — validate-claim`. */
async function currentEvent(frame: Frame): Promise<string> {
  return ((await frame.getAttribute('.timeline .tl-event.current', 'title', { timeout: 2000 }).catch(() => '')) ?? '').trim();
}

/** The toolbar's position, e.g. `event 12 / 35 · invocation 2`. */
async function positionText(frame: Frame): Promise<string> {
  return (await frame.locator('.toolbar .position').innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
}

/**
 * Lines of the editor whose gutter shows the replay's current-line arrow (replayCurrent.svg), as drawn: the arrow is
 * a background image set by a decoration class, on a margin row or a glyph widget positioned at the line's top.
 */
async function currentLines(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const editor = document.querySelector('.part.editor .monaco-editor');
    if (!editor) return [];
    const lineByTop = new Map<string, number>();
    for (const row of Array.from(editor.querySelectorAll('.margin-view-overlays > div'))) {
      const n = Number(row.querySelector('.line-numbers')?.textContent?.trim());
      if (n) lineByTop.set(row.style.top, n);
    }
    const out = new Set<number>();
    for (const e of Array.from(editor.querySelectorAll('.margin *'))) {
      if (!/replayCurrent/.test(window.getComputedStyle(e).backgroundImage)) continue;
      for (let at: PageElement | null = e; at; at = at.parentElement) {
        const n = lineByTop.get(at.style.top);
        if (n) {
          out.add(n);
          break;
        }
      }
    }
    return [...out].sort((a, b) => a - b);
  });
}

/** A rendered line's text with what decorations show after it (inline values are CSS ::after content). */
async function lineWithInlineValues(page: Page, line: number): Promise<string> {
  return page.evaluate((wanted) => {
    const editor = document.querySelector('.part.editor .monaco-editor');
    if (!editor) return '';
    let top: string | undefined;
    for (const row of Array.from(editor.querySelectorAll('.margin-view-overlays > div'))) {
      if (Number(row.querySelector('.line-numbers')?.textContent?.trim()) === wanted) top = row.style.top;
    }
    const view = Array.from(editor.querySelectorAll('.view-lines .view-line')).find((l) => l.style.top === top);
    if (!view) return '';
    let text = (view.textContent ?? '').replace(/\u00a0/g, ' ');
    for (const span of Array.from(view.querySelectorAll('span'))) {
      for (const pseudo of ['::before', '::after']) {
        const content = window.getComputedStyle(span, pseudo).content;
        if (content && content !== 'none' && content !== 'normal') text += ` ${content.replace(/^"|"$/g, '')}`;
      }
    }
    return text;
  }, line);
}

/**
 * The diagram's nodes (text and classes, where the overlay puts `dl-rs-<state>` and `dl-replay-current`). The
 * workflow panel's frame is looked up each time: a webview's iframe is recreated when the editor layout changes.
 */
async function diagramNodes(page: Page): Promise<{ text: string; cls: string }[]> {
  for (const f of page.frames()) {
    const nodes = await f
      .$$eval('#canvas svg g.dl-node', (list) => (list as unknown as PageElement[]).map((n) => ({ text: (n.textContent ?? '').replace(/\s+/g, ' ').trim(), cls: n.getAttribute('class') ?? '' })))
      .catch(() => []);
    if (nodes.length > 0) return nodes;
  }
  return [];
}

/**
 * "Step Through Execution" on a history file (palette, then the open dialog), with the workflow panel's group
 * (the second) active, so the replay panel opens beside the diagram instead of over it.
 */
async function stepThroughHistory(page: Page, absolutePath: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+2');
  await page.waitForTimeout(300);
  for (let attempt = 1; ; attempt++) {
    try {
      await runCommand(page, 'Durable Lens: Step Through Execution');
      break;
    } catch (err) {
      if (attempt >= 4) throw err;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(4000);
    }
  }
  await acceptOpenDialog(page, absolutePath);
}

/**
 * The diagram beside the replay panel, not under it: VS Code may open the panel in the workflow panel's group (beside
 * the editor), and then it is moved into a group of its own, as a person would drag it.
 */
async function keepDiagramInView(page: Page): Promise<void> {
  const visible = async () => {
    for (const f of page.frames()) if (await f.locator('#canvas svg g.dl-node').first().isVisible().catch(() => false)) return true;
    return false;
  };
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (await visible()) return;
    await page.waitForTimeout(300);
  }
  await runCommand(page, 'View: Move Editor into Right Group');
  await waitUntil('the diagram in view beside the replay panel', visible, 60_000);
}

describe('e2e: stepping through a recorded execution in code-server (packaged .vsix)', function () {
  this.timeout(900_000);
  let vs: VsCodeSession | undefined;
  let workspace: string;
  let sites: Map<string, number>;

  before(async function () {
    workspace = copyWorkspace();
    sites = callSites(fs.readFileSync(path.join(workspace, HANDLER), 'utf8'));
    vs = await startVsCode({ workspace, viewport: { width: 1800, height: 1100 }, extension: process.env.DL_E2E_DEV ? 'dev' : 'vsix' }); // DL_E2E_DEV=1: the repo as a development extension (no packaging), to iterate
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && vs) await vs.screenshot(`stepping-failed-${this.currentTest.title.slice(0, 30)}`).catch(() => undefined);
  });

  after(async function () {
    if (this.currentTest?.state === 'failed' && vs) console.log(extensionLog(vs, 100));
    await vs?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('"next" through the approved run: the diagram node and the editor line are the operation the panel names', async function () {
    const { page } = vs!;
    await openFile(page, HANDLER);
    await goToLine(page, sites.get('validate-claim')!);
    await runCommand(page, 'Durable Lens: Show Workflow');
    await findWebviewFrame(page, '#canvas svg g.dl-node', 120_000);
    await stepThroughHistory(page, path.join(workspace, APPROVED));
    await replayFrame(page, 'approved.history.json');
    await keepDiagramInView(page);
    const panel = await replayFrame(page, 'approved.history.json');
    // The diagram stays in view beside the panel.
    const workflow = await findWebviewFrame(page, '#canvas svg g.dl-node', 60_000);
    assert.ok(await workflow.locator('#canvas svg').isVisible(), 'the workflow diagram is visible while stepping');
    // Back to before the first event (Home in the timeline), then forward one event at a time.
    // A click on an event moves there and puts the keyboard in the list, where Home goes before the first event.
    await panel.locator('.timeline .tl-event').first().click();
    await page.keyboard.press('Home');
    await waitUntil('the panel before the first event', async () => !/event [1-9]/.test(await positionText(panel)), 10_000, async () => positionText(panel));
    await vs!.screenshot('stepping-1-opened');

    const checked = new Set<string>();
    const seen: string[] = [];
    const next = panel.locator('.toolbar button[aria-label^="Step into"]');
    for (let i = 0; i < 40 && checked.size < sites.size; i++) {
      const before = await positionText(panel);
      // "Next": the key (F11, step into: the next event) on even presses, the panel's button on odd ones.
      if (i % 2 === 0) {
        await panel.locator('.timeline').focus();
        await page.keyboard.press('F11');
      } else await next.click();
      await waitUntil('the panel to move to the next event', async () => (await positionText(panel)) !== before, 10_000, async () => `still at ${before}`);
      const row = await currentEvent(panel);
      seen.push(row);
      const name = [...sites.keys()].find((n) => row.endsWith(`\u2014 ${n}`));
      if (!name) continue;
      const line = sites.get(name)!;
      // The editor: the operation's call site carries the current-line arrow, and its result or wait is shown after it.
      await waitUntil(`the editor's current line at ${name} (line ${line})`, async () => (await currentLines(page))[0] === line, 15_000, async () => `arrow on ${JSON.stringify(await currentLines(page))}; panel: ${row}`);
      // The diagram: the current node is the operation's.
      await waitUntil(`the diagram's current node is ${name}`, async () => (await diagramNodes(page)).some((n) => /\bdl-replay-current\b/.test(n.cls) && n.text.includes(name)), 15_000, async () => JSON.stringify((await diagramNodes(page)).filter((n) => /dl-rs-|dl-replay-current/.test(n.cls))));
      if (!checked.has(name) && checked.size === 2) await vs!.screenshot('stepping-2-third-operation');
      checked.add(name);
    }
    assert.deepStrictEqual([...checked].sort(), [...sites.keys()].sort(), `every operation with its own line was the current one; events seen: ${JSON.stringify(seen)}`);

    // At the end of the run (End in the timeline) every node is succeeded, and validate-claim's line shows its result.
    await panel.locator('.timeline .tl-event.current').click();
    await page.keyboard.press('End');
    await waitUntil('the panel at the last event', async () => /event 35 \/ 35/.test(await positionText(panel)), 10_000, () => positionText(panel));
    await waitUntil('pay-out succeeded on the diagram', async () => (await diagramNodes(page)).some((n) => n.text.includes('pay-out') && /\bdl-rs-succeeded\b/.test(n.cls)), 15_000);
    const nodes = await diagramNodes(page);
    for (const name of sites.keys()) {
      const node = nodes.find((n) => n.text.includes(name));
      assert.ok(node && /\bdl-rs-succeeded\b/.test(node.cls), `${name} succeeded on the diagram: ${JSON.stringify(node)}`);
    }
    await goToLine(page, sites.get('validate-claim')!);
    await waitUntil('validate-claim\'s result inline', async () => /→.*EXP-2026-0142/.test(await lineWithInlineValues(page, sites.get('validate-claim')!)), 15_000, () => lineWithInlineValues(page, sites.get('validate-claim')!));
    await vs!.screenshot('stepping-3-end-of-run');
  });

  it('a failed step shows as failed: the invalid claim\'s validate-claim on the diagram, in the editor and the panel', async function () {
    const { page } = vs!;
    await stepThroughHistory(page, path.join(workspace, INVALID));
    await replayFrame(page, 'invalid-claim.history.json');
    await keepDiagramInView(page);
    const panel = await replayFrame(page, 'invalid-claim.history.json');
    assert.match(await panel.locator('.replay-header .status').innerText(), /FAILED/);
    // The first failure, then the end of the history (the step failed for good after its retries).
    await panel.locator('.timeline .tl-event').first().click();
    await page.keyboard.press('F5');
    await waitUntil('the panel at a failure', async () => /validate-claim/.test(await currentEvent(panel)), 10_000, async () => currentEvent(panel));
    await waitUntil('validate-claim retrying on the diagram', async () => (await diagramNodes(page)).some((n) => n.text.includes('validate-claim') && /\bdl-rs-(retrying|waiting)\b/.test(n.cls)), 15_000, async () => JSON.stringify(await diagramNodes(page)));
    await page.keyboard.press('End');
    await waitUntil('validate-claim failed on the diagram', async () => (await diagramNodes(page)).some((n) => n.text.includes('validate-claim') && /\bdl-rs-failed\b/.test(n.cls)), 15_000, async () => JSON.stringify(await diagramNodes(page)));
    // Later operations never started: no state of their own (faded or unstyled), never succeeded or failed.
    const later = (await diagramNodes(page)).find((n) => n.text.includes('manager-approval'));
    assert.ok(later && !/\bdl-rs-(running|waiting|retrying|succeeded|failed)\b/.test(later.cls), `manager-approval not started: ${JSON.stringify(later)}`);
    const line = sites.get('validate-claim')!;
    await waitUntil('the error after validate-claim\'s line', async () => /✗.*no positive amountCents/.test(await lineWithInlineValues(page, line)), 15_000, () => lineWithInlineValues(page, line));
    await vs!.screenshot('stepping-4-failed-step');
  });

  it('a reload brings the replay panel back on the same execution at the same event; a deleted history says so', async function () {
    const { page } = vs!;
    let panel = await replayFrame(page, 'invalid-claim.history.json');
    await panel.locator('.timeline .tl-event').first().click();
    await page.keyboard.press('Home');
    await waitUntil('the panel before the first event', async () => !/event [1-9]/.test(await positionText(panel)), 10_000, async () => positionText(panel));
    const next = panel.locator('.toolbar button[aria-label^="Step into"]');
    for (let i = 0; i < 4; i++) {
      const before = await positionText(panel);
      await next.click();
      await waitUntil('the panel to move to the next event', async () => (await positionText(panel)) !== before, 10_000, async () => `still at ${before}`);
    }
    const at = await positionText(panel);
    const row = await currentEvent(panel);
    assert.match(at, /^event 4 \//, `four events in: ${at}`);
    // The page saves its position shortly after a move; a person does not reload within the same second either.
    await page.waitForTimeout(1000);
    const t0 = Date.now();
    await reloadWindow(page);
    panel = await replayFrame(page, 'invalid-claim.history.json', 120_000).catch(async (err: Error) => assert.fail(`${err.message}\n${extensionLog(vs!, 60)}`));
    await waitUntil('the same event after the reload', async () => (await positionText(panel)) === at, 30_000, async () => `${await positionText(panel)} (before the reload: ${at})`);
    console.log(`      window reload to the restored replay panel: ${Date.now() - t0} ms`);
    assert.strictEqual(await currentEvent(panel), row, 'the same event is the current row');
    // The diagram beside it follows the restored session: validate-claim is in its second attempt at this event.
    await waitUntil(
      'the diagram styled at the restored position',
      async () => (await diagramNodes(page)).some((n) => n.text.includes('validate-claim') && /\bdl-rs-running\b/.test(n.cls)),
      30_000,
      async () => `${JSON.stringify((await diagramNodes(page)).map((n) => `${n.text}: ${n.cls}`))}\n${extensionLog(vs!, 80)}`
    );
    assert.match(await panel.locator('.replay-header .status').innerText(), /FAILED/);
    await vs!.screenshot('stepping-5-after-reload');

    // The history is deleted while the window is closed: the restored panel says so, in one message, instead of a blank page.
    fs.rmSync(path.join(workspace, INVALID));
    await reloadWindow(page);
    let message = '';
    let gone: Frame | undefined;
    await waitUntil(
      'the restored panel to say its history is gone',
      async () => {
        for (const f of page.frames()) {
          const text = await f.$eval('.note.is-error', (e) => e.textContent ?? '').catch(() => '');
          if (text) message = text;
          if (/no longer exists/.test(text)) {
            gone = f;
            return true;
          }
        }
        return false;
      },
      120_000,
      async () => `last error note: ${message}\n${extensionLog(vs!, 40)}`
    );
    assert.match(message, /invalid-claim\.history\.json no longer exists/, message);
    assert.strictEqual(await gone!.locator('.toolbar').isVisible(), false, 'no stepping controls without a history to step through');
    assert.strictEqual(await gone!.locator('.replay-header h1.title').innerText(), 'invalid-claim.history.json', 'the panel still names the execution it was showing');
    await vs!.screenshot('stepping-6-history-gone');
    fs.copyFileSync(path.join(REPO_ROOT, 'samples', INVALID), path.join(workspace, INVALID));
  });

  it('the execution view\'s "Step through" opens the stepper on that execution', async function () {
    const { page } = vs!;
    // A history no panel shows yet (the approved run under another name), opened in the execution view.
    const copy = 'expense-approval/recordings/approved-again.history.json';
    fs.copyFileSync(path.join(workspace, APPROVED), path.join(workspace, copy));
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+1');
    for (let attempt = 1; ; attempt++) {
      try {
        await runCommand(page, 'Durable Lens: Open History File');
        break;
      } catch (err) {
        if (attempt >= 4) throw err;
        await page.keyboard.press('Escape');
        await page.waitForTimeout(4000);
      }
    }
    await acceptOpenDialog(page, path.join(workspace, copy));
    let view: Frame | undefined;
    await waitUntil('the execution view of approved-again.history.json', async () => {
      for (const f of page.frames()) {
        const title = await f.$eval('#execution h1.title', (e) => e.textContent ?? '').catch(() => null);
        if (title === 'approved-again.history.json' && (await f.$('#execution #summary dt').catch(() => null))) {
          view = f;
          return true;
        }
      }
      return false;
    }, 90_000);
    // The button as a person finds it: by its words (its accessible name is its label, not its tooltip).
    const stepThrough = view!.getByRole('button', { name: 'Step through', exact: true });
    assert.strictEqual(await stepThrough.count(), 1, 'one "Step through" button in the execution view');
    await stepThrough.click();
    const panel = await replayFrame(page, 'approved-again.history.json', 120_000);
    await waitUntil('the stepper on that execution, before its first event', async () => /before the first of 35 events/.test(await positionText(panel)), 30_000, () => positionText(panel));
    assert.match(await panel.locator('.replay-header .status').innerText(), /SUCCEEDED/);
    await vs!.screenshot('stepping-6b-step-through-from-execution-view');
  });

  it('a step typed in before the recorded ones shows a replay-mismatch squiggle naming the execution', async function () {
    const { page } = vs!;
    // The approved run where replay-mismatch looks for recorded executions (durableLens.history.folder's default).
    const histories = path.join(workspace, '.durable-lens', 'histories');
    fs.mkdirSync(histories, { recursive: true });
    fs.copyFileSync(path.join(workspace, APPROVED), path.join(histories, 'approved.history.json'));
    // Back to the first group, where the handler is open (quick open would open a second copy beside the panels).
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+1');
    await openFile(page, HANDLER);
    const line = sites.get('manager-approval')!;
    await goToLine(page, line);
    await page.keyboard.press('Home');
    // insertText, like a paste: typing key by key would have the editor auto-close the brackets and quotes.
    const typed = "const budget = await context.step('check-budget', async () => totalCents < 100_000);";
    await page.keyboard.insertText(typed);
    await page.keyboard.press('Enter');
    await waitUntil('the typed step on its line', async () => ((await editorLineText(page, line)) ?? '').trim() === typed, 15_000, async () => (await editorLineText(page, line)) ?? '(not rendered)');
    // The recorded execution has ended: a warning (a running one would be an error).
    await waitForSquiggle(page, 'warning', line, 120_000);
    const problem = await waitForProblem(page, (p) => /replay-mismatch/.test(p.label + p.text), 'the replay-mismatch entry in the Problems panel');
    assert.match(problem.label + problem.text, /check-budget.*manager-approval/, `the new step where the recording has manager-approval: ${problem.label}`);
    assert.match(problem.label + problem.text, /approved/, `the entry names the recorded execution: ${problem.label}`);
    // The edit itself is valid code: the only problems are replay-mismatch ones.
    assert.ok(!(await squiggles(page)).some((q) => q.kind === 'error'), `no error squiggle: ${JSON.stringify(await squiggles(page))}`);
    assert.match(problem.label + problem.text, new RegExp(`\\b${line}\\b`), `on line ${line}: ${problem.label}`);
    await vs!.screenshot('stepping-7-replay-mismatch');
    // Unsaved edit in a throwaway copy: nothing written.
    assert.doesNotMatch(fs.readFileSync(path.join(workspace, HANDLER), 'utf8'), /check-budget/);
  });
});
