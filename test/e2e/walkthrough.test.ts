// Runs in node (e2e tier): a new user follows the "first ten minutes" walkthrough in a real VS Code (code-server,
// packaged .vsix, headless Chromium) on a copy of samples/: it opens from the command palette with its six steps;
// each step's button opens the right sample; the steps tick themselves off when the user does them (the quick fix,
// Show Workflow, an inserted step's replay-mismatch against a recorded run of expense-approval).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { applyQuickFix, copyWorkspace, editorLineText, extensionLog, findWebviewFrame, runCommand, sideBarRows, startVsCode, waitForSquiggle, waitUntil, type VsCodeSession } from './harness';

const STEPS = ['See a finding and fix it', 'Show the workflow', 'Run a handler on your machine', 'Complete its callback', 'Step through the run', 'Make an edit that would break it'];

/** The walkthrough's step button by its title (VS Code's getting-started page: `button.getting-started-step`). */
function stepButton(page: Page, title: string) {
  return page.locator('.gettingStartedContainer .getting-started-step', { hasText: title }).first();
}

async function stepDone(page: Page, title: string): Promise<boolean> {
  const step = stepButton(page, title);
  const cls = (await step.getAttribute('class').catch(() => '')) ?? '';
  const checked = await step.getAttribute('aria-checked').catch(() => null);
  return /\bcomplete\b/.test(cls) || checked === 'true';
}

/** Opens the walkthrough page again (a step's button opened an editor over it) and expands `title`. */
async function showStep(page: Page, title: string): Promise<void> {
  const container = page.locator('.gettingStartedContainer');
  if (!(await container.isVisible().catch(() => false))) {
    await runCommand(page, 'Durable Lens: Get Started (Walkthrough)');
    await container.waitFor({ state: 'visible', timeout: 30_000 });
  }
  const step = stepButton(page, title);
  await step.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await step.getAttribute('aria-expanded')) !== 'true') await step.click();
  await waitUntil(`step "${title}" expanded`, async () => (await step.getAttribute('aria-expanded')) === 'true', 10_000);
}

/** Clicks the button a step's description shows (a command link on its own line). */
async function clickStepAction(page: Page, title: string, label: string): Promise<void> {
  await showStep(page, title);
  const button = stepButton(page, title).locator('.monaco-button, a', { hasText: label }).first();
  await button.waitFor({ state: 'visible', timeout: 10_000 });
  await button.click();
}

/** Waits for the active editor tab to be `base` (e.g. handler.ts) and its text editor to show. */
async function waitForActiveTab(page: Page, base: string): Promise<void> {
  await page.locator(`.tabs-container .tab.active[data-resource-name="${base}"]`).first().waitFor({ timeout: 30_000 });
  await page.locator('.part.editor .monaco-editor').first().waitFor({ state: 'visible', timeout: 20_000 });
}

describe('e2e: the first ten minutes walkthrough in code-server (packaged .vsix)', function () {
  this.timeout(600_000);
  let vs: VsCodeSession | undefined;
  let workspace: string;

  before(async function () {
    workspace = copyWorkspace();
    // A recorded run of expense-approval where replay-mismatch looks for one (durableLens.history.folder's default),
    // as if the user had exported it: the last step's edit must be checked against it.
    const histories = path.join(workspace, '.durable-lens', 'histories');
    fs.mkdirSync(histories, { recursive: true });
    fs.copyFileSync(path.join(workspace, 'expense-approval', 'recordings', 'approved.history.json'), path.join(histories, 'expense-approved.history.json'));
    vs = await startVsCode({ workspace, extension: process.env.DL_E2E_DEV ? 'dev' : 'vsix' }); // DL_E2E_DEV=1: the repo as a development extension (no packaging), to iterate
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && vs) {
      await vs.screenshot(`walkthrough-failed-${this.currentTest.title.slice(0, 30)}`).catch(() => undefined);
      console.log(await vs.page.locator('.gettingStartedContainer .getting-started-step[aria-expanded="true"]').first().evaluate((e) => (e as unknown as { outerHTML: string }).outerHTML.slice(0, 3000)).catch((e: Error) => `(no expanded step: ${e.message})`));
    }
  });

  after(async function () {
    if (this.currentTest?.state === 'failed' && vs) console.log(extensionLog(vs, 80));
    await vs?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('opens from the command palette with its six steps and their pages', async function () {
    const { page } = vs!;
    // The palette may list the extension's commands only once its contributions are read.
    for (let attempt = 1; ; attempt++) {
      try {
        await runCommand(page, 'Durable Lens: Get Started (Walkthrough)');
        await page.locator('.gettingStartedContainer').waitFor({ state: 'visible', timeout: 30_000 });
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
        await page.keyboard.press('Escape');
        await page.waitForTimeout(4000);
      }
    }
    const titles = (await page.locator('.gettingStartedContainer .getting-started-step .step-title').allInnerTexts()).map((t) => t.trim());
    assert.deepStrictEqual(titles, STEPS);
    await showStep(page, STEPS[0]!);
    // The step's page (media markdown) renders in a webview beside the steps.
    const media = await findWebviewFrame(page, 'body h1 + p img, body h1 ~ p img', 30_000);
    assert.match(await media.locator('h1').first().innerText(), /finding and its fix/i);
    await vs!.screenshot('walkthrough-1-steps');
  });

  it('step 1: the button opens the finding, the quick fix ticks the step off', async function () {
    const { page } = vs!;
    assert.ok(!(await stepDone(page, STEPS[0]!)), 'not done before the fix');
    await clickStepAction(page, STEPS[0]!, 'Open the finding');
    await waitForActiveTab(page, 'handler.ts');
    const text = fs.readFileSync(path.join(workspace, 'genai-agent', 'src', 'handler.ts'), 'utf8').split('\n');
    const timerLine = text.findIndex((l) => l.includes('setTimeout(')) + 1;
    await waitForSquiggle(page, 'error', timerLine);
    // The command put the cursor on setTimeout: Ctrl+. offers the fix right there.
    await applyQuickFix(page, /context\.wait/);
    await waitUntil('the line uses context.wait', async () => /context\.wait\(/.test((await editorLineText(page, timerLine)) ?? ''), 20_000);
    await showStep(page, STEPS[0]!);
    await waitUntil('step 1 ticked off', () => stepDone(page, STEPS[0]!), 60_000);
    await vs!.screenshot('walkthrough-2-finding-fixed');
  });

  it('step 2: the button shows the expense-approval workflow and ticks the step off', async function () {
    const { page } = vs!;
    await clickStepAction(page, STEPS[1]!, 'Show the workflow');
    const frame = await findWebviewFrame(page, '#canvas svg g.node', 120_000);
    await waitUntil('the expense workflow drawn', async () => /manager-approval/.test(await frame.$eval('#canvas svg', (e) => e.textContent ?? '').catch(() => '')), 60_000);
    await vs!.screenshot('walkthrough-3-workflow');
    await showStep(page, STEPS[1]!);
    await waitUntil('step 2 ticked off', () => stepDone(page, STEPS[1]!), 30_000);
  });

  it('step 6: the inserted step shows replay-mismatch against the recorded run and ticks the step off', async function () {
    const { page } = vs!;
    await clickStepAction(page, STEPS[5]!, 'Insert a step before manager-approval');
    await waitForActiveTab(page, 'handler.ts');
    const text = fs.readFileSync(path.join(workspace, 'expense-approval', 'src', 'handler.ts'), 'utf8').split('\n');
    // The new step goes on the waitForCallback's line, which moves down one.
    const inserted = text.findIndex((l) => l.includes('const approval = await context.waitForCallback')) + 1;
    await waitUntil('the inserted step in the editor', async () => /check-budget/.test((await editorLineText(page, inserted)) ?? ''), 20_000);
    // The recorded run has ended: a warning (an execution still running would be an error).
    await waitForSquiggle(page, 'warning', inserted, 120_000);
    await vs!.screenshot('walkthrough-4-replay-mismatch');
    await showStep(page, STEPS[5]!);
    await waitUntil('step 6 ticked off', () => stepDone(page, STEPS[5]!), 30_000);
    await vs!.screenshot('walkthrough-5-steps-done');
    // Unsaved: the sample on disk is unchanged.
    assert.doesNotMatch(fs.readFileSync(path.join(workspace, 'expense-approval', 'src', 'handler.ts'), 'utf8'), /check-budget/);
  });

  it('steps 3 and 5: the run button starts the sample waiting on its callback; the step button follows that run in the stepper', async function () {
    const { page } = vs!;
    await clickStepAction(page, STEPS[2]!, 'Run it locally');
    const row = async () => (await sideBarRows(page)).find((r) => r.text.includes('handler.ts#handler'));
    await waitUntil('the run under Local runs, waiting on manager-approval', async () => /waiting on manager-approval/.test((await row())?.text ?? ''), 180_000, async () => JSON.stringify(await sideBarRows(page), null, 1));
    await vs!.screenshot('walkthrough-6-run-waiting');
    await showStep(page, STEPS[2]!);
    await waitUntil('step 3 ticked off', () => stepDone(page, STEPS[2]!), 30_000);

    await clickStepAction(page, STEPS[4]!, 'Step through the run');
    // The replay panel on the local run (not the checked-in recording): it stops at the callback it waits on.
    let panel: Frame | undefined;
    await waitUntil('a replay panel on the local run', async () => {
      for (const f of page.frames()) {
        const title = await f.$eval('.replay-header h1.title', (e) => e.textContent ?? '').catch(() => null);
        if (title !== null && !/approved\.history\.json/.test(title) && (await f.$('.timeline .tl-row').catch(() => null))) {
          panel = f;
          return true;
        }
      }
      return false;
    }, 90_000);
    const titles = await panel!.$$eval('.timeline .tl-event', (rows) => rows.map((r) => (r as unknown as { title: string }).title));
    assert.ok(titles.some((t) => /CallbackStarted/.test(t)), `the run's events up to its callback: ${JSON.stringify(titles)}`);
    assert.ok(!titles.some((t) => /ExecutionSucceeded/.test(t)), 'the run has not ended');
    await vs!.screenshot('walkthrough-7-stepping-the-run');
    await showStep(page, STEPS[4]!);
    await waitUntil('step 5 ticked off', () => stepDone(page, STEPS[4]!), 30_000);
  });
});
