// Runs in node (e2e tier): the workflow diagram as a person sees it in a real VS Code (code-server, packaged
// .vsix, headless Chromium): the panel draws the sample's operations, a click on a node moves the editor cursor,
// typing updates the diagram, and hostile operation names show as text without running anything.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { defineReadLabel, copyWorkspace, extensionLog, findWebviewFrame, openFile, REPO_ROOT, reloadWindow, runCommand, startVsCode, waitUntil, type VsCodeSession } from './harness';

/**
 * The little of the DOM the page.evaluate callbacks below use: this tsconfig has no DOM lib (on purpose);
 * the callbacks are serialised and run in the webview page.
 */
interface PageElement {
  readonly textContent: string | null;
  readonly attributes: ArrayLike<{ readonly name: string }>;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
declare const document: {
  getElementById(id: string): (PageElement & { readonly style: { readonly transform: string } }) | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  readonly activeElement: { closest(selector: string): unknown } | null;
};
declare function requestAnimationFrame(cb: () => void): number;

const SAGA = 'order-saga/src/handler.ts';
const HOSTILE = 'hostile-names.ts';

/** The labels of the drawn vertices, as text (what a person reads). */
async function labels(frame: Frame): Promise<string[]> {
  // Defined on every call: the webview's frame is a new document after a reload.
  await defineReadLabel(frame);
  return frame.$$eval('#canvas svg g.node', (nodes) => nodes.map((n) => (globalThis as unknown as { __dlReadLabel(e: unknown): string }).__dlReadLabel(n)));
}

async function diagramFrame(page: Page): Promise<Frame> {
  return findWebviewFrame(page, '#canvas svg g.node', 90_000);
}

/** "Ln 94, Col 9" from the status bar. */
async function cursor(page: Page): Promise<{ line: number; column: number } | undefined> {
  const text = await page.locator('[id="status.editor.selection"]').first().innerText().catch(() => '');
  const m = /Ln (\d+), Col (\d+)/.exec(text);
  return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
}

function lineAndColumn(text: string, needle: string, columnOf: string): { line: number; column: number } {
  const lines = text.split(/\r?\n/);
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} not found`);
  return { line: i + 1, column: lines[i]!.indexOf(columnOf) + 1 };
}

/** Gives the keyboard to a text editor by clicking its tab (the webview beside it may have had it). */
async function focusEditorTab(page: Page, tabName: string): Promise<void> {
  await page.locator(`.tabs-container .tab[data-resource-name="${tabName}"]`).first().click();
  await waitUntil('the keyboard in the text editor', () => page.evaluate(() => document.activeElement?.closest('.monaco-editor') != null), 10_000);
}

describe('e2e: workflow diagram in code-server (packaged .vsix)', function () {
  this.timeout(600_000);
  let vs: VsCodeSession | undefined;
  let workspace: string;
  const dialogs: string[] = [];

  before(async function () {
    workspace = copyWorkspace();
    // The hostile-names fixture sits next to the samples, in the throwaway copy only.
    fs.copyFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workflow', 'hostile-names.ts'), path.join(workspace, HOSTILE));
    vs = await startVsCode({
      workspace,
      // Typing test code character by character: no auto-closed brackets or quotes to fight with.
      settings: { 'editor.autoClosingBrackets': 'never', 'editor.autoClosingQuotes': 'never', 'editor.autoIndent': 'none', 'editor.formatOnType': false },
    });
    vs.page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss().catch(() => undefined);
    });
  });

  after(async function () {
    await vs?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('Show Workflow draws the order saga; clicking a node moves the editor cursor to its line', async function () {
    const { page } = vs!;
    await openFile(page, SAGA);
    await runCommand(page, 'Durable Lens: Show Workflow');
    const frame = await diagramFrame(page);
    await waitUntil('the saga operations in the diagram', async () => (await labels(frame)).some((l) => l.includes('step: notify-customer')), 60_000);
    const shown = await labels(frame);
    for (const expected of ['start', 'step: reserve-inventory', 'waitForCallback: payment-approval', 'step: charge-payment', 'wait: cancellation-window', 'step: create-shipment', 'step: refund-payment', 'end']) {
      assert.ok(shown.some((l) => l.startsWith(expected)), `missing "${expected}" in ${JSON.stringify(shown)}`);
    }
    // The page's toolbar is there and focusable (keyboard access).
    assert.ok(await frame.$('#toolbar button#fit'), 'toolbar');
    await vs!.screenshot('workflow-1-order-saga');

    const text = fs.readFileSync(path.join(workspace, SAGA), 'utf8');
    const target = lineAndColumn(text, "context.wait('cancellation-window'", 'context.wait');
    await frame.locator('#canvas svg g.dl-node', { hasText: 'cancellation-window' }).first().click();
    await waitUntil(`the cursor at ${target.line}:${target.column}`, async () => {
      const c = await cursor(page);
      return c?.line === target.line && c.column === target.column;
    }, 30_000, async () => JSON.stringify(await cursor(page)));
    await vs!.screenshot('workflow-2-clicked-node-revealed');
  });

  it('typing in the handler updates the diagram', async function () {
    const { page } = vs!;
    const frame = await diagramFrame(page);
    const text = fs.readFileSync(path.join(workspace, SAGA), 'utf8');
    // The previous test left the cursor on the cancellation-window wait (clicked in the diagram).
    const at = lineAndColumn(text, "await context.wait('cancellation-window'", 'await');
    await focusEditorTab(page, 'handler.ts');
    assert.strictEqual((await cursor(page))?.line, at.line, 'the cursor is still where the node click put it');
    await page.keyboard.press('Home');
    await page.keyboard.type("await context.step('typed-in-e2e', async () => 1);", { delay: 5 });
    const t0 = Date.now();
    await page.keyboard.press('Enter');
    await waitUntil('the typed step in the diagram', async () => (await labels(frame)).some((l) => l === 'step: typed-in-e2e'), 30_000, async () => {
      await vs!.screenshot('workflow-3-typing-failed');
      return JSON.stringify(await labels(frame));
    });
    console.log(`      keystroke (Enter after the statement) to updated SVG, seen from the test: ${Date.now() - t0} ms`);

    // One more keystroke measured inside the webview (no polling delay): rename the step by typing one character.
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    for (let i = 0; i < "', async () => 1);".length; i++) await page.keyboard.press('ArrowLeft');
    const waitInPage = frame.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const t = performance.now();
          const check = () => {
            const hit = Array.from(document.querySelectorAll('#canvas svg g.node')).some((n: PageElement) => (n.textContent ?? '').includes('typed-in-e2eX'));
            if (hit) resolve(performance.now() - t);
            else requestAnimationFrame(check);
          };
          check();
        })
    );
    await page.keyboard.type('X');
    const ms = await waitInPage;
    console.log(`      keystroke to updated SVG (one character, measured in the webview): ${ms.toFixed(0)} ms`);
    await vs!.screenshot('workflow-3-after-typing');
    // Unsaved edits in a throwaway copy: nothing is written to disk.
    assert.strictEqual(fs.readFileSync(path.join(workspace, SAGA), 'utf8'), text);
  });

  it('the hostile-names fixture shows its names as text and runs nothing', async function () {
    const { page } = vs!;
    await openFile(page, HOSTILE);
    await runCommand(page, 'Durable Lens: Show Workflow');
    const frame = await diagramFrame(page);
    await waitUntil('the hostile names in the diagram', async () => (await labels(frame)).some((l) => l.includes('<script>alert(1)</script>')), 60_000, async () => JSON.stringify(await labels(frame)));
    const shown = await labels(frame);
    for (const expected of ['step: say "hi"', 'step: <script>alert(1)</script>', 'step: <img src=x onerror=alert(1)>', 'step: a --> b', 'step: x:::evil', 'step: %% not a comment', "step: it's [bracketed] (paren) {brace}", 'step: #quot; &amp; #35; entity', 'step: ünïcödé 名前 🚀']) {
      assert.ok(shown.includes(expected), `"${expected}" not shown literally in ${JSON.stringify(shown)}`);
    }
    const injected = await frame.evaluate(() => {
      const canvas = document.getElementById('canvas')!;
      const withHandlers = Array.from(canvas.querySelectorAll('*')).filter((e: PageElement) => Array.from(e.attributes).some((a) => /^on/i.test(a.name)));
      return {
        scripts: canvas.querySelectorAll('script').length,
        images: canvas.querySelectorAll('img, image').length,
        handlers: withHandlers.length,
        // Mermaid `click` directives in a name must not become links or callbacks.
        links: canvas.querySelectorAll('a').length,
        // Anywhere in the page (not just the diagram): no script carrying a name's payload.
        alertScripts: Array.from(document.querySelectorAll('script')).filter((s: PageElement) => /alert/.test((s.textContent ?? '') + (s.getAttribute('src') ?? ''))).length,
      };
    });
    assert.deepStrictEqual(injected, { scripts: 0, images: 0, handlers: 0, links: 0, alertScripts: 0 });
    await page.waitForTimeout(1000); // a dialog from an injected handler would fire on load
    assert.deepStrictEqual(dialogs, [], 'no dialog opened');
    await vs!.screenshot('workflow-4-hostile-names');
  });

  it('hidden and shown again, and after a window reload, the panel keeps its diagram and zoom (saved state, serializer)', async function () {
    const { page } = vs!;
    let frame = await diagramFrame(page);
    await frame.click('#toolbar #zoom-in');
    await frame.click('#toolbar #zoom-in');
    const transform = () => frame.evaluate(() => document.getElementById('canvas')?.style.transform ?? '');
    const before = await transform();
    assert.match(before, /scale\(/);
    await page.waitForTimeout(500); // the webview saves its state at most every 100 ms

    // Hide the panel behind another editor in its group (retainContextWhenHidden is off: the page is
    // destroyed), then show it again: the new page restores zoom and pan from the saved state.
    const panelTab = page.locator('.tabs-container .tab', { hasText: 'Workflow:' }).first();
    await panelTab.click();
    await openFile(page, 'README.md');
    await waitUntil('the panel hidden', async () => !(await panelTab.getAttribute('class'))?.includes('active'), 10_000);
    await waitUntil('the hidden page destroyed', async () => frame.isDetached(), 15_000);
    await panelTab.click();
    frame = await diagramFrame(page);
    await waitUntil('the diagram drawn again', async () => (await labels(frame)).some((l) => l.includes('<script>alert(1)</script>')), 60_000);
    await waitUntil('the zoom restored', async () => (await transform()) === before, 15_000, transform);

    await vs!.screenshot('workflow-5-zoom-kept');

    // A window reload destroys every page and the extension host: the serializer brings the panel back on the
    // same file (which the host reopens itself), drawn, at the zoom the page had saved. Reloaded with the command
    // a person uses: a browser reload (page.reload()) saves the workbench state only optimistically, and when it
    // is lost the tab comes back behind the editor that was active a little earlier (the panel is then revived
    // when its tab is clicked).
    const t0 = Date.now();
    await reloadWindow(page);
    const failed = async () => {
      await vs!.screenshot('workflow-6-after-reload-failed');
      return `labels ${JSON.stringify(await labels(frame).catch(() => []))}\n${extensionLog(vs!)}`;
    };
    await waitUntil('the Workflow tab back after the reload', async () => (await panelTab.count()) > 0, 60_000, failed);
    frame = await findWebviewFrame(page, '#canvas svg g.node', 120_000).catch(async (err: Error) => assert.fail(`${err.message}\n${await failed()}`));
    await waitUntil('the same diagram drawn after the reload', async () => (await labels(frame)).some((l) => l.includes('<script>alert(1)</script>')), 60_000, failed);
    console.log(`      window reload to the restored diagram: ${Date.now() - t0} ms`);
    await waitUntil('the zoom kept across the reload', async () => (await transform()) === before, 15_000, async () => `${await transform()} (before: ${before})\n${await failed()}`);
    await vs!.screenshot('workflow-6-after-reload');
  });
});
