// Runs in node (e2e tier): a new user's first local run in a real VS Code (code-server, packaged .vsix, headless
// Chromium), with no AWS and no network: the "Run locally" CodeLens on samples/expense-approval, the event from
// its events/claim.json, the run waiting on manager-approval under Local runs, the callback completed from the
// tree's context menu with typed JSON, the run succeeding and its history opened in the execution view.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { acceptOpenDialog, chooseQuickPickItem, copyWorkspace, extensionLog, goToLine, openFile, setSideBarWidth, showActivity, sideBarRows, startVsCode, waitUntil, type VsCodeSession } from './harness';

const HANDLER = 'expense-approval/src/handler.ts';

/** The local run's row under Local runs (the tree labels it with the handler file and export). */
function runRow(page: Page) {
  return page.locator('.part.sidebar .monaco-list-row', { hasText: 'handler.ts#handler' }).first();
}

async function rowText(page: Page): Promise<string> {
  return (await runRow(page).innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
}

/** The execution view whose operations include `name` (several webviews may be open). */
async function executionFrameWith(page: Page, name: string, timeoutMs = 90_000): Promise<Frame> {
  let found: Frame | undefined;
  await waitUntil(`an execution view listing ${name}`, async () => {
    for (const f of page.frames()) {
      const text = await f.$eval('#execution #operations', (e) => e.textContent ?? '').catch(() => '');
      if (text.includes(name)) {
        found = f;
        return true;
      }
    }
    return false;
  }, timeoutMs);
  return found!;
}

describe('e2e: a first local run in code-server (packaged .vsix, no AWS, no network)', function () {
  this.timeout(600_000);
  let vs: VsCodeSession | undefined;
  let workspace: string;

  before(async function () {
    workspace = copyWorkspace();
    // No credentials of the machine's: a new user has none.
    vs = await startVsCode({ workspace, env: { AWS_CONFIG_FILE: path.join(workspace, '.no-aws-config'), AWS_SHARED_CREDENTIALS_FILE: path.join(workspace, '.no-aws-credentials') } });
  });

  after(async function () {
    if (this.currentTest?.state === 'failed' && vs) console.log(extensionLog(vs, 120));
    await vs?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('Run locally → waiting on manager-approval → Send Callback Success → succeeded → opened in the execution view', async function () {
    const { page } = vs!;
    await openFile(page, HANDLER);
    // The handler sits below the first screen of the file: bring it into view as a person would scroll to it.
    const handlerLine = fs.readFileSync(path.join(workspace, HANDLER), 'utf8').split('\n').findIndex((l) => l.startsWith('export const handler')) + 1;
    await goToLine(page, handlerLine);

    // The CodeLens above the handler (it appears once the extension has read the file).
    const lens = page.locator('.part.editor .codelens-decoration a', { hasText: 'Run locally' }).first();
    await lens.waitFor({ state: 'visible', timeout: 120_000 });
    await vs!.screenshot('localrun-0-codelens');
    await lens.click();

    // The event prompt: the example event file, picked through the open dialog as a person would.
    const picker = page.locator('.quick-input-widget');
    await picker.locator('.monaco-list-row', { hasText: 'Event from a JSON file' }).first().waitFor({ timeout: 30_000 });
    const offered = (await picker.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    await chooseQuickPickItem(page, 'Event from a JSON file');
    await acceptOpenDialog(page, path.join(workspace, 'expense-approval', 'events', 'claim.json'));

    await showActivity(page, 'Durable Functions');
    await setSideBarWidth(page, 460);
    await waitUntil('the run under Local runs, waiting on manager-approval', async () => /waiting on manager-approval/.test(await rowText(page)), 120_000, async () => JSON.stringify({ offered, rows: await sideBarRows(page) }, null, 1));
    const waitingRow = (await sideBarRows(page)).find((r) => r.text.includes('handler.ts#handler'))!;
    assert.match(waitingRow.icon, /codicon-bell/, `a waiting run shows the bell: ${JSON.stringify(waitingRow)}`);
    // The side bar cuts a long description at its end: what the run waits on must come first to be seen.
    const description = (await runRow(page).locator('.label-description').innerText()).trim();
    assert.match(description, /^waiting on manager-approval/, description);
    await vs!.screenshot('localrun-1-waiting');

    // Complete the callback from the tree's context menu, typing the manager's answer as JSON.
    // The widget is shared with the earlier open dialog (hidden now): wait for it to show the callback's input box.
    // A click on a context menu item that is still animating in can be lost; then the menu is opened again.
    const input = page.locator('.quick-input-widget input.input');
    const callbackBoxShown = async (ms: number): Promise<boolean> => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const title = await page.locator('.quick-input-widget .quick-input-title').innerText().catch(() => '');
        if ((await input.isVisible().catch(() => false)) && /manager-approval/.test(title)) return true;
        await page.waitForTimeout(200);
      }
      return false;
    };
    for (let attempt = 1; ; attempt++) {
      await runRow(page).click({ button: 'right' });
      const menuItem = page.locator('.monaco-menu .action-item', { hasText: 'Send Callback Success' }).first();
      await menuItem.waitFor({ state: 'visible', timeout: 15_000 });
      if (attempt === 1) await vs!.screenshot('localrun-2-context-menu');
      await page.waitForTimeout(150);
      await menuItem.click();
      if (await callbackBoxShown(attempt < 3 ? 8_000 : 20_000)) break;
      if (attempt >= 3) assert.fail(`the callback input box did not open after ${attempt} clicks on Send Callback Success`);
      await page.keyboard.press('Escape');
    }
    const title = await page.locator('.quick-input-widget .quick-input-title').innerText().catch(() => '');
    assert.match(title, /manager-approval/, `the input box names the callback: ${title}`);
    await input.fill('{"approved": true, "approver": "e2e-manager"}');
    await vs!.screenshot('localrun-3-callback-input');
    await page.keyboard.press('Enter');

    await waitUntil('the run succeeded', async () => {
      const row = (await sideBarRows(page)).find((r) => r.text.includes('handler.ts#handler'));
      return !!row && /codicon-pass/.test(row.icon) && !/waiting/.test(row.text);
    }, 120_000, async () => JSON.stringify(await sideBarRows(page), null, 1));
    await vs!.screenshot('localrun-4-succeeded');

    // The saved run holds the result the handler returned.
    const runsDir = path.join(workspace, '.durable-lens', 'runs');
    const saved = fs.readdirSync(runsDir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(fs.readFileSync(path.join(runsDir, f), 'utf8')) as { status: string; result?: unknown });
    assert.strictEqual(saved.length, 1, JSON.stringify(saved.map((s) => s.status)));
    assert.strictEqual(saved[0]!.status, 'succeeded');
    assert.match(JSON.stringify(saved[0]!.result), /"status":"paid".*"approver":"e2e-manager"/);

    // Open it: the execution view shows the operations and the status.
    await runRow(page).click();
    const frame = await executionFrameWith(page, 'manager-approval');
    const ops = await frame.$eval('#operations', (e) => (e.textContent ?? '').replace(/\s+/g, ' '));
    for (const name of ['validate-claim', 'price-items', 'manager-approval', 'settlement-delay', 'pay-out', 'create-transfer']) assert.ok(ops.includes(name), `${name} in ${ops}`);
    assert.match(await frame.$eval('.status-holder', (e) => e.textContent ?? ''), /SUCCEEDED/);
    await vs!.screenshot('localrun-5-execution-view');
  });
});
