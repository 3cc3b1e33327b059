// Runs in node (e2e tier): exporting the workflow diagram as a person does it in a real VS Code (code-server,
// packaged .vsix, headless Chromium): the panel's SVG/PNG buttons and the "Export Workflow Diagram" command open
// VS Code's save dialog (the simple file dialog, a quick input taking a typed path); the saved files are checked
// byte for byte (a standalone, inert SVG; a real PNG), and Escape in the dialog writes nothing.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import {
  acceptSaveDialog,
  chooseQuickPickItem,
  copyWorkspace,
  findWebviewFrame,
  notificationToasts,
  openFile,
  runCommand,
  screenshot,
  SCREENSHOT_DIR,
  startVsCode,
  waitForSaveDialog,
  waitUntil,
  type VsCodeSession,
} from './harness';

/** The DOM the page.evaluate callbacks below use: this tsconfig has no DOM lib (on purpose); they run in the page. */
interface XmlElement {
  readonly tagName: string;
  readonly namespaceURI: string | null;
  readonly textContent: string | null;
  readonly attributes: ArrayLike<{ readonly name: string; readonly value: string }>;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<XmlElement>;
  getElementsByTagName(name: string): ArrayLike<XmlElement>;
}
declare class DOMParser {
  parseFromString(text: string, type: string): { readonly documentElement: XmlElement; getElementsByTagName(name: string): ArrayLike<XmlElement> };
}
declare class MutationObserver {
  constructor(cb: () => void);
  observe(target: unknown, options: { childList?: boolean; characterData?: boolean; subtree?: boolean }): void;
}
declare const document: { getElementById(id: string): XmlElement | null };
declare const window: { __dlStatus?: string[] };
interface ImageElement {
  readonly complete: boolean;
  readonly naturalWidth: number;
}

const SAGA = 'order-saga/src/handler.ts';
/** Names of the sample's operations, as written in samples/order-saga/src/handler.ts. */
const SAGA_NAMES = ['reserve-inventory', 'payment-approval', 'charge-payment', 'cancellation-window', 'create-shipment', 'notify-customer', 'refund-payment'];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function diagramFrame(page: Page): Promise<Frame> {
  const frame = await findWebviewFrame(page, '#canvas svg g.node', 90_000);
  await waitUntil('the saga operations in the diagram', async () => (await frame.$$eval('#canvas svg g.node', (ns) => ns.map((n) => n.textContent ?? ''))).some((l) => l.includes('notify-customer')), 60_000);
  return frame;
}

/**
 * Records every text the webview's status line shows from now on: "Saved SVG" is a 3 s flash, which polling on a
 * busy machine could miss.
 */
async function recordStatus(frame: Frame): Promise<void> {
  await frame.evaluate(() => {
    const status = document.getElementById('status')!;
    window.__dlStatus = [];
    const note = () => {
      const t = (status.textContent ?? '').trim();
      if (t) window.__dlStatus!.push(t);
    };
    new MutationObserver(note).observe(status, { childList: true, characterData: true, subtree: true });
  });
}

function statusSeen(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => window.__dlStatus ?? []);
}

/** Every file under the workspace (relative paths, sorted): what "writes nothing" is checked against. */
function listTree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(path.relative(root, full));
    }
  };
  walk(root);
  return out.sort();
}

interface SvgFacts {
  parseError: string | null;
  root: string;
  namespace: string | null;
  width: string | null;
  height: string | null;
  text: string;
  scripts: number;
  eventAttributes: string[];
  interactionAttributes: string[];
  foreignLinks: string[];
}

/** Parses the saved file with the browser's XML parser (strict: any well-formedness error is reported). */
function svgFacts(page: Page, text: string): Promise<SvgFacts> {
  return page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
    const rootEl = doc.documentElement;
    const errors = doc.getElementsByTagName('parsererror');
    const all = Array.from(rootEl.getElementsByTagName('*'));
    all.unshift(rootEl);
    const attrs = (test: (name: string) => boolean) =>
      all.flatMap((e) => Array.from(e.attributes).filter((a) => test(a.name.toLowerCase())).map((a) => `${e.tagName}[${a.name}]`));
    return {
      parseError: errors.length ? (errors[0]!.textContent ?? 'parsererror') : null,
      root: rootEl.tagName,
      namespace: rootEl.namespaceURI,
      width: rootEl.getAttribute('width'),
      height: rootEl.getAttribute('height'),
      text: (rootEl.textContent ?? '').replace(/\s+/g, ' '),
      scripts: all.filter((e) => e.tagName.toLowerCase() === 'script').length,
      eventAttributes: attrs((n) => /^on/.test(n)),
      interactionAttributes: attrs((n) => n === 'tabindex' || n === 'role'),
      // A standalone file must not reach out: no external hrefs (data: and #fragment references are self-contained).
      foreignLinks: all
        .flatMap((e) => Array.from(e.attributes).filter((a) => /(^|:)href$/i.test(a.name) || a.name.toLowerCase() === 'src'))
        .map((a) => a.value)
        .filter((v) => v && !v.startsWith('#') && !v.startsWith('data:')),
    };
  }, text);
}

async function assertStandaloneSvg(page: Page, file: string): Promise<void> {
  assert.ok(fs.existsSync(file), `${file} was written`);
  const text = fs.readFileSync(file, 'utf8');
  // The root element is <svg> (after an optional XML declaration); no script text anywhere, even escaped into CDATA.
  assert.match(text, /^(<\?xml[^>]*\?>\s*)?<svg[\s>]/, `starts with <svg: ${JSON.stringify(text.slice(0, 80))}`);
  assert.ok(!/<script/i.test(text), 'no <script in the file');
  const facts = await svgFacts(page, text);
  assert.strictEqual(facts.parseError, null, 'well-formed XML');
  assert.strictEqual(facts.root, 'svg');
  assert.strictEqual(facts.namespace, 'http://www.w3.org/2000/svg', 'xmlns is the SVG namespace');
  for (const [name, value] of [['width', facts.width], ['height', facts.height]] as const) {
    assert.ok(value !== null && /^\d+(\.\d+)?(px)?$/.test(value) && parseFloat(value) > 50, `${name}="${value}" is an explicit size`);
  }
  for (const name of SAGA_NAMES) assert.ok(facts.text.includes(name), `"${name}" is in the SVG's text`);
  assert.strictEqual(facts.scripts, 0);
  assert.deepStrictEqual(facts.eventAttributes, [], 'no on* attributes');
  assert.deepStrictEqual(facts.interactionAttributes, [], 'no tabindex or role attributes (the webview\'s keyboard wiring)');
  assert.deepStrictEqual(facts.foreignLinks, [], 'no external references');
}

function assertPng(file: string): { width: number; height: number } {
  assert.ok(fs.existsSync(file), `${file} was written`);
  const bytes = fs.readFileSync(file);
  assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `PNG signature, got ${bytes.subarray(0, 8).toString('hex')}`);
  // The first chunk is IHDR: length 13, type, then width and height as big-endian 32-bit integers.
  assert.strictEqual(bytes.readUInt32BE(8), 13);
  assert.strictEqual(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
  const size = { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  assert.ok(size.width > 100 && size.height > 100 && size.width <= 16_000 && size.height <= 16_000, `sane PNG size ${JSON.stringify(size)}`);
  assert.ok(bytes.length > 2_000, `a PNG with content (${bytes.length} bytes)`);
  assert.strictEqual(bytes.subarray(bytes.length - 8, bytes.length - 4).toString('latin1'), 'IEND', 'complete file (ends with IEND)');
  return size;
}

function statusBarText(page: Page): Promise<string> {
  return page.locator('.part.statusbar').innerText().catch(() => '');
}

/** The command's format pick (its placeholder is the question). */
function formatPick(page: Page) {
  return page.locator('.quick-input-widget input.input[placeholder="Export the workflow diagram as"]');
}

/**
 * Runs "Durable Lens: Export Workflow Diagram" and picks the format in its quick pick, by keyboard as a person
 * would: type the format, check it is the highlighted row, Enter. A quick pick closes when it loses focus (on a
 * busy machine the workbench can take focus back while it opens), so the attempt is repeated until the save
 * dialog for that format is shown (3 attempts).
 */
async function pickExportFormat(page: Page, format: 'SVG' | 'PNG'): Promise<void> {
  const title = `Export Workflow Diagram as ${format}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await runCommand(page, 'Durable Lens: Export Workflow Diagram');
      await formatPick(page).waitFor({ timeout: 15_000 });
      await chooseQuickPickItem(page, format, 10_000);
      await waitForSaveDialog(page, title, `.${format.toLowerCase()}`, 15_000);
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      console.log(`      the format pick was lost (attempt ${attempt}): ${String(err).split('\n')[0]}; again`);
      await page.keyboard.press('Escape');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    }
  }
}

async function assertNoErrorToast(page: Page): Promise<void> {
  const errors = (await notificationToasts(page)).filter((t) => t.severity === 'error' || /export/i.test(t.message));
  assert.deepStrictEqual(errors, [], 'no error notification');
}

describe('e2e: export the workflow diagram through the save dialog (packaged .vsix)', function () {
  this.timeout(600_000);
  let vs: VsCodeSession | undefined;
  let workspace: string;
  let frame: Frame;

  before(async function () {
    workspace = copyWorkspace();
    vs = await startVsCode({ workspace });
    const { page } = vs;
    await openFile(page, SAGA);
    await runCommand(page, 'Durable Lens: Show Workflow');
    frame = await diagramFrame(page);
  });

  afterEach(async function () {
    // A failed test can leave the dialog open: close it so the next test starts from the editor.
    const widget = vs?.page.locator('.quick-input-widget');
    if (widget && (await widget.isVisible().catch(() => false))) await vs!.page.keyboard.press('Escape');
  });

  after(async function () {
    await vs?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('the SVG button: the save dialog suggests a file beside the handler; the typed path gets a standalone SVG', async function () {
    const { page } = vs!;
    await recordStatus(frame);
    await frame.click('#toolbar #export-svg');
    const suggested = await waitForSaveDialog(page, 'Export Workflow Diagram as SVG', '.svg');
    assert.strictEqual(path.dirname(suggested), path.join(workspace, 'order-saga', 'src'), `suggested ${suggested}`);
    assert.match(path.basename(suggested), /^handler-[\w.-]+\.svg$/);
    const target = path.join(workspace, 'exported-saga.svg');
    await page.locator('.quick-input-widget input.input').fill(target);
    await vs!.screenshot('export-1-svg-save-dialog');
    await acceptSaveDialog(page, target);
    await waitUntil(`${target} written`, async () => fs.existsSync(target) && fs.statSync(target).size > 0, 30_000);
    await waitUntil('"Saved SVG" in the panel', async () => (await statusSeen(frame)).includes('Saved SVG'), 15_000, async () => JSON.stringify(await statusSeen(frame)));
    await vs!.screenshot('export-2-svg-saved');
    await assertStandaloneSvg(page, target);
    await assertNoErrorToast(page);

    // Kept as an artifact, and drawn on its own in a plain page (no webview CSS) to see that it stands alone.
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    fs.copyFileSync(target, path.join(SCREENSHOT_DIR, 'export-saved.svg'));
    const viewer = await vs!.browser.newPage({ viewport: { width: 900, height: 1000 } });
    try {
      const dataUrl = `data:image/svg+xml;base64,${fs.readFileSync(target).toString('base64')}`;
      await viewer.setContent(`<body style="margin:0"><img id="svg" style="max-width:100%" src="${dataUrl}"></body>`);
      const img = viewer.locator('#svg');
      await waitUntil('the saved SVG drawn as an image', () => img.evaluate((e) => (e as unknown as ImageElement).complete && (e as unknown as ImageElement).naturalWidth > 0), 15_000);
      await screenshot(viewer, 'export-6-saved-svg-on-its-own');
    } finally {
      await viewer.close();
    }
  });

  it('the PNG button: the typed path gets a PNG with a sane size', async function () {
    const { page } = vs!;
    await recordStatus(frame);
    await frame.click('#toolbar #export-png');
    const suggested = await waitForSaveDialog(page, 'Export Workflow Diagram as PNG', '.png');
    assert.match(path.basename(suggested), /\.png$/);
    const target = path.join(workspace, 'order-saga', 'exported-saga.png');
    await acceptSaveDialog(page, target);
    await waitUntil(`${target} written`, async () => fs.existsSync(target) && fs.statSync(target).size > 0, 30_000);
    await waitUntil('"Saved PNG" in the panel', async () => (await statusSeen(frame)).includes('Saved PNG'), 15_000, async () => JSON.stringify(await statusSeen(frame)));
    const size = assertPng(target);
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    fs.copyFileSync(target, path.join(SCREENSHOT_DIR, 'export-saved.png'));
    console.log(`      PNG ${size.width}x${size.height}, ${fs.statSync(target).size} bytes`);
    await vs!.screenshot('export-3-png-saved');
    await assertNoErrorToast(page);
  });

  it('the "Export Workflow Diagram" command: pick SVG or PNG, then the save dialog', async function () {
    const { page } = vs!;
    for (const format of ['SVG', 'PNG'] as const) {
      await pickExportFormat(page, format);
      await waitForSaveDialog(page, `Export Workflow Diagram as ${format}`, `.${format.toLowerCase()}`);
      const target = path.join(workspace, `from-command.${format.toLowerCase()}`);
      await acceptSaveDialog(page, target);
      await waitUntil(`${target} written`, async () => fs.existsSync(target) && fs.statSync(target).size > 0, 30_000);
      // The panel's status line is for its own buttons; the command confirms in the status bar.
      await waitUntil('the export confirmed in the status bar', async () => (await statusBarText(page)).includes(`workflow diagram exported as ${format}`), 10_000, () => statusBarText(page));
      if (format === 'PNG') await vs!.screenshot('export-4-command-saved');
      if (format === 'SVG') await assertStandaloneSvg(page, target);
      else assertPng(target);
    }
    await assertNoErrorToast(page);
  });

  it('Escape in the save dialog writes nothing and reports no error', async function () {
    const { page } = vs!;
    const before = listTree(workspace);
    await recordStatus(frame);
    await frame.click('#toolbar #export-png');
    await waitForSaveDialog(page, 'Export Workflow Diagram as PNG', '.png');
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    // The export round trip (webview -> host -> dialog -> webview) has ended: give a late write or message time to land.
    await page.waitForTimeout(1500);
    await vs!.screenshot('export-5-cancelled');
    assert.deepStrictEqual(listTree(workspace), before, 'no file written or removed');
    assert.deepStrictEqual(await statusSeen(frame), [], 'the panel shows neither "Saved" nor "Export failed"');
    await assertNoErrorToast(page);

    // The same from the command: Escape in the format pick, then Escape in the dialog.
    await runCommand(page, 'Durable Lens: Export Workflow Diagram');
    await formatPick(page).waitFor({ timeout: 15_000 });
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    await pickExportFormat(page, 'SVG');
    await waitForSaveDialog(page, 'Export Workflow Diagram as SVG', '.svg');
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    await page.waitForTimeout(1500);
    assert.deepStrictEqual(listTree(workspace), before, 'no file written by the cancelled command');
    assert.ok(!(await statusBarText(page)).includes('exported'), 'nothing said to be exported');
    await assertNoErrorToast(page);
  });
});
