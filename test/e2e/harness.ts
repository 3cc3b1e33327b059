// Runs in node (e2e mocha tier): drives a real VS Code (code-server) in headless Debian Chromium through
// playwright-core, the way a person would: open a folder, quick-open a file, read squiggles and the Problems panel.
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Frame, Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'screenshots');

interface CodeServer {
  url: string;
  port: number;
  logFile: string;
  userDataDir: string;
  folderUrl(folder: string, payload?: [string, string][]): string;
  remoteUri(p: string): string;
  stop(): Promise<void>;
  exited(): boolean;
}
interface VsCodeEnvModule {
  ensureVsCodeEnv(options?: { log?: (m: string) => void }): unknown;
  startCodeServer(options: { smokeTestDriver?: boolean; installVsix?: string; settings?: Record<string, unknown>; log?: (m: string) => void; env?: Record<string, string> }): Promise<CodeServer>;
  launchChromium(options?: { headless?: boolean }): Promise<Browser>;
}
interface PackageModule {
  packageExtension(options: { build?: boolean; log?: (m: string) => void; out?: string }): Promise<{ vsix: string; entries: string[]; ms: number }>;
}

// Plain JS helpers shared with `npm start` and the integration runner; required at run time, not compiled.
const vscodeEnv = require(path.join(REPO_ROOT, 'test', 'harness', 'vscodeEnv.js')) as VsCodeEnvModule;
const packaging = require(path.join(REPO_ROOT, 'test', 'harness', 'package.js')) as PackageModule;

/**
 * The little of the DOM that page.evaluate callbacks use: the node-side tsconfig has no DOM lib (on purpose), and
 * these functions are serialised and run in the page.
 */
interface MiniElement {
  querySelector(selector: string): MiniElement | null;
  querySelectorAll(selector: string): ArrayLike<MiniElement> & { forEach(cb: (e: MiniElement) => void): void } & Iterable<MiniElement>;
  getAttribute(name: string): string | null;
  readonly textContent: string | null;
  readonly innerText: string;
  readonly style: { readonly top: string };
}
declare const document: MiniElement;

const log = (m: string) => console.log(`      [e2e] ${m}`);

let vsixOnce: Promise<{ vsix: string; entries: string[] }> | undefined;

/** Packages the extension once per process (the build itself is done by runAll.js / `npm run build`). */
export function packagedVsix(): Promise<{ vsix: string; entries: string[] }> {
  if (!vsixOnce) {
    // One file per process: several people may run the e2e tier from one checkout at the same time.
    const out = path.join(REPO_ROOT, '.vscode-test', `durable-lens-e2e-${process.pid}.vsix`);
    process.once('exit', () => fs.rmSync(out, { force: true }));
    vsixOnce = packaging.packageExtension({ build: false, log, out });
  }
  return vsixOnce;
}

/**
 * A throwaway copy of samples/ (or another folder), so tests can edit and save freely. It lives under
 * .vscode-test/ (git-ignored) rather than /tmp so that module resolution walks up to the repository's
 * node_modules, as it does for samples/ itself: the SDK's types resolve and TypeScript adds no noise.
 */
export function copyWorkspace(source = path.join(REPO_ROOT, 'samples')): string {
  const parent = path.join(REPO_ROOT, '.vscode-test', 'workspaces');
  fs.mkdirSync(parent, { recursive: true });
  const target = fs.mkdtempSync(path.join(parent, 'ws-'));
  fs.cpSync(source, target, { recursive: true, filter: (src) => !src.split(path.sep).includes('node_modules') });
  return target;
}

export interface VsCodeSession {
  readonly page: Page;
  readonly browser: Browser;
  readonly server: CodeServer;
  readonly workspace: string;
  /** Saves test-results/screenshots/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Folder to open; by default a fresh copy of samples/. */
  workspace?: string;
  /** 'vsix' (default) installs the packaged .vsix like a user would; 'dev' loads the repo as a development extension. */
  extension?: 'vsix' | 'dev';
  settings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
  /** Extra environment for code-server and its extension host (e.g. static AWS test credentials). */
  env?: Record<string, string>;
}

/** Starts code-server with Durable Lens, opens the workspace in Chromium and waits for the workbench. */
export async function startVsCode(options: StartOptions = {}): Promise<VsCodeSession> {
  vscodeEnv.ensureVsCodeEnv({ log });
  const workspace = options.workspace ?? copyWorkspace();
  const mode = options.extension ?? 'vsix';
  const vsix = mode === 'vsix' ? (await packagedVsix()).vsix : undefined;
  const server = await vscodeEnv.startCodeServer({ smokeTestDriver: mode === 'dev', installVsix: vsix, settings: options.settings, log, env: options.env });
  let browser: Browser | undefined;
  try {
    browser = await vscodeEnv.launchChromium();
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 1000 } });
    const payload: [string, string][] | undefined = mode === 'dev' ? [['extensionDevelopmentPath', server.remoteUri(REPO_ROOT)]] : undefined;
    await page.goto(server.folderUrl(workspace, payload), { waitUntil: 'domcontentloaded' });
    await waitForWorkbench(page);
    const session: VsCodeSession = {
      page,
      browser,
      server,
      workspace,
      screenshot: (name) => screenshot(page, name),
      close: async () => {
        await browser?.close().catch(() => undefined);
        await server.stop();
        if (!options.workspace) fs.rmSync(workspace, { recursive: true, force: true });
      },
    };
    return session;
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    throw err;
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * The extension's Output channel ("Durable Lens") as written to disk, one section per extension host (a window
 * reload starts a new one): what a person would read in the Output panel, for failure messages.
 */
export function extensionLog(session: VsCodeSession, lastLines = 60): string {
  const logs = path.join(session.server.userDataDir, 'logs');
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'Durable Lens.log') found.push(p);
    }
  };
  if (fs.existsSync(logs)) walk(logs);
  return found
    .sort()
    .map((f) => `--- ${path.relative(logs, f)}\n${fs.readFileSync(f, 'utf8').trimEnd().split('\n').slice(-lastLines).join('\n')}`)
    .join('\n');
}

export async function waitForWorkbench(page: Page, timeoutMs = 90_000): Promise<void> {
  await page.waitForSelector('.monaco-workbench .part.editor', { timeout: timeoutMs });
  await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: timeoutMs });
  // The explorer shows the folder once the remote file system answered.
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: timeoutMs });
}

/** The command palette (F1), then a command by its title, e.g. 'Durable Lens: Show Output'. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

/**
 * Chooses the item of the open quick pick whose row shows `text`, by keyboard as a person does: type it into the
 * filter, wait until it is the highlighted row, Enter. A click can land on a row that is still animating in.
 */
export async function chooseQuickPickItem(page: Page, text: string, timeoutMs = 15_000): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(text);
  await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: text }).first().waitFor({ timeout: timeoutMs });
  await page.keyboard.press('Enter');
}

/**
 * "Developer: Reload Window", the way a person reloads VS Code, then waits for the new workbench. Unlike a
 * browser reload (page.reload()), which saves the UI state only optimistically, the command has the workbench
 * save its state first (open editors, the active tab, webview state), so what comes back is what was on screen.
 */
export async function reloadWindow(page: Page, timeoutMs = 120_000): Promise<void> {
  const reloaded = page.waitForEvent('domcontentloaded', { timeout: timeoutMs });
  await runCommand(page, 'Developer: Reload Window');
  await reloaded;
  await waitForWorkbench(page, timeoutMs);
}

/**
 * Quick open (Ctrl+P) a workspace-relative path and wait for its editor tab to be active. Quick open can miss
 * its 20 s window while the file index warms up on a busy machine, so a failed attempt is retried (3 in all).
 */
export async function openFile(page: Page, relativePath: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await quickOpen(page, relativePath);
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      console.log(`      quick open of ${relativePath} failed (attempt ${attempt}), retrying`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(2000);
    }
  }
}

async function quickOpen(page: Page, relativePath: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(relativePath);
  const base = path.basename(relativePath);
  // Results are fuzzy: wait for the row whose description is the wanted folder.
  const folder = path.dirname(relativePath);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: base }).filter({ hasText: folder === '.' ? base : folder.split('/')[0] });
  await row.first().waitFor({ timeout: 20_000 });
  await row.first().click();
  await page.locator(`.tabs-container .tab.active[data-resource-name="${base}"], .tabs-container .tab.active:has-text("${base}")`).first().waitFor({ timeout: 20_000 });
  await page.locator('.part.editor .monaco-editor').first().waitFor({ state: 'visible', timeout: 20_000 });
}

/** Moves the cursor with Go to Line (Ctrl+G), 1-based line and column. */
export async function goToLine(page: Page, line: number, column = 1): Promise<void> {
  await focusEditor(page);
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  // The Go to Line picker is quick open with a ':' prefix: keep it, or the text becomes a file search.
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
}

/** Focuses the active editor (Ctrl+1, "Focus First Editor Group"): clicking would move the cursor. */
export async function focusEditor(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+1');
  await page.locator('.part.editor .monaco-editor.focused').first().waitFor({ timeout: 10_000 });
}

/** Monaco's decoration classes: `info` rules arrive as tsserver suggestions and render as `hint` dots. */
export type SquiggleKind = 'error' | 'warning' | 'info' | 'hint';

/** Squiggles currently rendered (visible lines only), with the 1-based line they sit on. */
export async function squiggles(page: Page): Promise<{ kind: SquiggleKind; line: number }[]> {
  return page.evaluate(() => {
    const editor = document.querySelector('.part.editor .editor-group-container.active .monaco-editor') ?? document.querySelector('.part.editor .monaco-editor');
    if (!editor) return [];
    // Line numbers and overlay rows share their `top`: map each squiggle's row to the line number shown there.
    const lineByTop = new Map<string, number>();
    editor.querySelectorAll('.margin-view-overlays > div').forEach((row) => {
      const n = Number(row.querySelector('.line-numbers')?.textContent?.trim());
      if (n) lineByTop.set(row.style.top, n);
    });
    const out: { kind: 'error' | 'warning' | 'info' | 'hint'; line: number }[] = [];
    editor.querySelectorAll('.view-overlays > div').forEach((row) => {
      for (const kind of ['error', 'warning', 'info', 'hint'] as const) {
        if (row.querySelector(`.squiggly-${kind}`)) out.push({ kind, line: lineByTop.get(row.style.top) ?? -1 });
      }
    });
    return out;
  });
}

export async function waitForSquiggle(page: Page, kind: SquiggleKind, line: number, timeoutMs = 90_000): Promise<void> {
  await waitUntil(`a ${kind} squiggle on line ${line}`, async () => (await squiggles(page)).some((s) => s.kind === kind && s.line === line), timeoutMs, async () => JSON.stringify(await squiggles(page)));
}

export async function waitForNoSquiggle(page: Page, kind: SquiggleKind, line: number, timeoutMs = 60_000): Promise<void> {
  await waitUntil(`the ${kind} squiggle on line ${line} to disappear`, async () => !(await squiggles(page)).some((s) => s.kind === kind && s.line === line), timeoutMs, async () => JSON.stringify(await squiggles(page)));
}

export interface ProblemEntry {
  /** The row's accessible label: severity, message, position, source. */
  readonly label: string;
  readonly text: string;
}

/** Opens the Problems panel (Ctrl+Shift+M) and returns its rows (files and problems). */
export async function readProblems(page: Page): Promise<ProblemEntry[]> {
  const panel = page.locator('.markers-panel');
  if (!(await panel.isVisible().catch(() => false))) {
    await page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible', timeout: 15_000 });
  }
  return page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => ({ label: r.getAttribute('aria-label') ?? '', text: (r as unknown as MiniElement).innerText.replace(/\s+/g, ' ').trim() })),
  );
}

export async function waitForProblem(page: Page, match: (p: ProblemEntry) => boolean, what: string, timeoutMs = 90_000): Promise<ProblemEntry> {
  let found: ProblemEntry | undefined;
  await waitUntil(what, async () => (found = (await readProblems(page)).find(match)) !== undefined, timeoutMs, async () => JSON.stringify(await readProblems(page), null, 1));
  return found!;
}

/** Ctrl+. at the cursor, then picks the code action whose title matches. Returns the titles offered. */
export async function applyQuickFix(page: Page, title: RegExp): Promise<string[]> {
  await page.keyboard.press('Control+.');
  const rows = page.locator('.action-widget .monaco-list-row.action');
  await rows.first().waitFor({ state: 'visible', timeout: 20_000 });
  const titles = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  const index = titles.findIndex((t) => title.test(t));
  if (index < 0) {
    await page.keyboard.press('Escape');
    throw new Error(`no quick fix matching ${String(title)} among ${JSON.stringify(titles)}`);
  }
  await rows.nth(index).click();
  await page.locator('.action-widget').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
  return titles;
}

/** The text of a rendered editor line (1-based), read from the DOM as a person sees it. */
export async function editorLineText(page: Page, line: number): Promise<string | undefined> {
  return page.evaluate((wanted) => {
    const editor = document.querySelector('.part.editor .monaco-editor');
    if (!editor) return undefined;
    const tops = new Map<string, string>();
    editor.querySelectorAll('.view-lines .view-line').forEach((l) => tops.set(l.style.top, (l.textContent ?? '').replace(/\u00a0/g, ' ')));
    for (const row of editor.querySelectorAll('.margin-view-overlays > div')) {
      if (Number(row.querySelector('.line-numbers')?.textContent?.trim()) === wanted) return tops.get(row.style.top);
    }
    return undefined;
  }, line);
}

/** Webview panels are iframes served from the same origin; this finds the frame holding `selector`. */
export async function findWebviewFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  let frame: Frame | undefined;
  await waitUntil(`a webview frame with ${selector}`, async () => {
    for (const f of page.frames()) {
      if ((await f.$(selector).catch(() => null)) !== null) {
        frame = f;
        return true;
      }
    }
    return false;
  }, timeoutMs);
  return frame!;
}

export async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs: number, detail?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `\n${await detail().catch(() => '')}` : ''}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

// ---- save dialog and notifications (VS Code's "simple file dialog": a quick input where a path is typed) ----

/**
 * Waits for VS Code's save dialog: the quick input showing `title` with a suggested absolute path ending in
 * `extension` (e.g. '.svg'). Returns the suggested path. (The simple file dialog shows a save dialog's title but
 * not its saveLabel: its button says "OK".)
 */
export async function waitForSaveDialog(page: Page, title: string, extension: string, timeoutMs = 30_000): Promise<string> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input.input');
  let value = '';
  await waitUntil(`the save dialog "${title}"`, async () => {
    if (!(await widget.isVisible())) return false;
    value = await input.inputValue();
    const shownTitle = await widget.locator('.quick-input-title').innerText();
    return value.startsWith('/') && value.endsWith(extension) && shownTitle.includes(title);
  }, timeoutMs, async () => `visible=${await widget.isVisible().catch(() => false)} title=${JSON.stringify(await widget.locator('.quick-input-title').innerText().catch(() => ''))} value=${JSON.stringify(await input.inputValue().catch(() => ''))}`);
  return value;
}

/**
 * Types an absolute path into the open save dialog and accepts it with Enter, as a person does. When the path is in
 * another folder than the one listed, the dialog first moves there (one Enter may only navigate), so Enter is pressed
 * again while the dialog still shows the same path. A validation message (e.g. the folder does not exist) fails.
 */
export async function acceptSaveDialog(page: Page, absolutePath: string, timeoutMs = 30_000): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input.input');
  await input.fill(absolutePath);
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    // Let the dialog list the typed path's folder before accepting.
    await page.waitForTimeout(400);
    if (!(await widget.isVisible())) return;
    const message = (await widget.locator('.quick-input-message').innerText().catch(() => '')).trim();
    const value = await input.inputValue().catch(() => '');
    if (message && /exist|valid|overwrite/i.test(message)) throw new Error(`the save dialog refused ${absolutePath}: ${message}`);
    if (value !== absolutePath) throw new Error(`the save dialog changed the typed path to ${JSON.stringify(value)}`);
    if (Date.now() > deadline) throw new Error(`the save dialog did not close after ${attempt} Enter presses`);
    await page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: 3_000 }).catch(() => undefined);
  }
}

export interface NotificationToast {
  readonly severity: 'error' | 'warning' | 'info' | 'unknown';
  readonly message: string;
}

/** Notification toasts currently showing (bottom right), with their severity icon. */
export async function notificationToasts(page: Page): Promise<NotificationToast[]> {
  return page.locator('.notifications-toasts .notification-list-item').evaluateAll((items) =>
    items.map((item) => {
      const el = item as unknown as MiniElement;
      const icon = el.querySelector('.notification-list-item-icon')?.getAttribute('class') ?? '';
      const severity = /codicon-error/.test(icon) ? 'error' : /codicon-warning/.test(icon) ? 'warning' : /codicon-info/.test(icon) ? 'info' : 'unknown';
      return { severity, message: (el.querySelector('.notification-list-item-message')?.textContent ?? '').trim() } as const;
    }),
  );
}

// ---- open dialog, activity bar, tree views (additive helpers for the executions e2e files) ----

/**
 * Types an absolute path into VS Code's open dialog (the simple file dialog) once it has filled in its starting
 * folder, and accepts it. The dialog may write its folder over the typed text once more: then it is typed again.
 */
export async function acceptOpenDialog(page: Page, absolutePath: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  let last = '';
  await waitUntil('the open dialog with its starting folder', async () => {
    const value = (await input.isVisible()) ? await input.inputValue() : '';
    const settled = value.startsWith('/') && value === last;
    last = value;
    return settled;
  }, 30_000);
  try {
    await acceptSaveDialog(page, absolutePath);
  } catch (err) {
    if (!/changed the typed path/.test(String(err))) throw err;
    await acceptSaveDialog(page, absolutePath);
  }
}

/** Clicks an activity bar entry by its title (e.g. 'Durable Functions') unless its container is already shown. */
export async function showActivity(page: Page, title: string): Promise<void> {
  const item = page.locator(`.activitybar .action-item a[aria-label^="${title}"], .activitybar .action-item .action-label[aria-label^="${title}"]`).first();
  await item.waitFor({ state: 'visible', timeout: 60_000 });
  const checked = await item.evaluate((e) => (e as unknown as MiniElement).getAttribute('aria-checked') ?? '').catch(() => '');
  const parentChecked = await page.locator('.activitybar .action-item.checked', { has: item }).count();
  if (checked !== 'true' && parentChecked === 0) await item.click();
}

/** The rows of the side bar's tree views as a person reads them: "label description", and the row's icon classes. */
export async function sideBarRows(page: Page): Promise<{ label: string; text: string; icon: string }[]> {
  return page.locator('.part.sidebar .monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => {
      const el = r as unknown as MiniElement;
      return {
        label: el.getAttribute('aria-label') ?? '',
        // Label and description are separate spans with no text between them: join them as they read.
        text: (el.querySelector('.label-name') ? [el.querySelector('.label-name')!.innerText, el.querySelector('.label-description')?.innerText ?? ''].join(' ') : el.innerText).replace(/\s+/g, ' ').trim(),
        icon: el.querySelector('.custom-view-tree-node-item-icon')?.getAttribute('class') ?? '',
      };
    }),
  );
}

/** Drags the sash at the side bar's edge so the side bar is `width` CSS pixels wide (long tree rows fit). */
export async function setSideBarWidth(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) throw new Error('no side bar is shown');
  const edge = box.x + box.width;
  let best: { x: number; y: number; d: number } | undefined;
  for (const sash of await page.locator('.monaco-sash.vertical').all()) {
    const b = await sash.boundingBox().catch(() => null);
    if (!b || b.height < box.height / 2) continue;
    const d = Math.abs(b.x + b.width / 2 - edge);
    if (!best || d < best.d) best = { x: b.x + b.width / 2, y: b.y + b.height / 2, d };
  }
  if (!best || best.d > 8) throw new Error(`no sash at the side bar's edge (x ${edge})`);
  await page.mouse.move(best.x, best.y);
  await page.mouse.down();
  await page.mouse.move(best.x + (width - box.width), best.y, { steps: 8 });
  await page.mouse.up();
  await waitUntil(`the side bar ${width} px wide`, async () => Math.abs(((await page.locator('.part.sidebar').boundingBox())?.width ?? 0) - width) < 12, 5_000);
}

/**
 * Page-side source of a function that reads a drawn node label as a person does: the lines a long label is
 * wrapped into joined by a space, except after a break inside a word (the wrap breaks those after - . _ /).
 * The same reading as the workflow webview's snapshot. Pass it as a string to evaluate (it runs in the page).
 */
export const READ_LABEL = `(root) => {
  const lines = [''];
  const walk = (n) => {
    if (n.nodeType === 3) lines[lines.length - 1] += n.nodeValue || '';
    else if (n.nodeType === 1) {
      const tag = n.tagName.toLowerCase();
      const breaks = tag === 'br' || tag === 'p' || tag === 'div' || tag === 'tspan';
      if (breaks) lines.push('');
      n.childNodes.forEach(walk);
      if (breaks && tag !== 'br') lines.push('');
    }
  };
  walk(root);
  let text = '';
  for (const raw of lines) {
    const line = raw.replace(/\\s+/g, ' ').trim();
    if (!line) continue;
    text += text === '' || /[-._/]$/.test(text) ? line : ' ' + line;
  }
  return text;
}`;

/** Defines `globalThis.__dlReadLabel` (READ_LABEL) in a page or frame, for evaluate callbacks that read labels. */
export async function defineReadLabel(target: { evaluate(script: string): Promise<unknown> }): Promise<void> {
  await target.evaluate(`globalThis.__dlReadLabel = ${READ_LABEL}`);
}
