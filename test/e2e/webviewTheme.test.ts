// Runs in node (e2e tier): the workflow webview in headless Chromium (bench render page, VS Code's theme
// colours set on the body as VS Code sets them) drawn in the light, dark, high contrast and high contrast
// light themes: node colours follow the theme, labels stay readable, high contrast has visible borders,
// marks and the cursor highlight show, and switching the theme redraws. Screenshots: theme-<name>.png.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { openRenderPage, type RenderPage } from '../../bench/renderPage';
import { inferWorkflow } from '../../src/core/workflow/infer';
import type { WorkflowHandler } from '../../src/core/workflow/graph';
import type { RenderParams } from '../../src/extension/workflow/protocol';
import { handlerView } from '../../src/extension/workflow/viewModel';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const SHOTS = path.join(REPO_ROOT, 'test-results', 'screenshots');

/** The little of the DOM the page.evaluate callbacks use (this tsconfig has no DOM lib, on purpose). */
interface PageElement {
  readonly textContent: string | null;
  readonly classList: { contains(c: string): boolean; add(c: string): void; remove(...c: string[]): void };
  readonly style: { setProperty(name: string, value: string): void; removeProperty(name: string): void };
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
}
declare const document: { readonly body: PageElement; querySelectorAll(selector: string): ArrayLike<PageElement> };
declare function getComputedStyle(e: PageElement): Record<string, string> & { getPropertyValue(name: string): string };

/** What VS Code sets for its default themes (a subset: the colours the panel reads or its CSS uses). */
const FONT = '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif';
interface ThemeCase {
  readonly name: string;
  readonly bodyClass: string;
  readonly vars: Record<string, string>;
}
const THEMES: readonly ThemeCase[] = [
  {
    name: 'light',
    bodyClass: 'vscode-light',
    vars: {
      '--vscode-font-family': FONT,
      '--vscode-font-size': '13px',
      '--vscode-foreground': '#3b3b3b',
      '--vscode-editor-background': '#ffffff',
      '--vscode-editor-foreground': '#3b3b3b',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-green': '#388a34',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-purple': '#652d90',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-editorError-foreground': '#e51400',
      '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-editorInfo-foreground': '#1a85ff',
      '--vscode-panel-border': '#e5e5e5',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-button-secondaryHoverBackground': '#cccccc',
      '--vscode-dropdown-background': '#ffffff',
      '--vscode-dropdown-foreground': '#3b3b3b',
      '--vscode-dropdown-border': '#cecece',
    },
  },
  {
    name: 'dark',
    bodyClass: 'vscode-dark',
    vars: {
      '--vscode-font-family': FONT,
      '--vscode-font-size': '13px',
      '--vscode-foreground': '#cccccc',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-editor-foreground': '#cccccc',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-editorError-foreground': '#f14c4c',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-editorInfo-foreground': '#3794ff',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-button-secondaryHoverBackground': '#3c3c3c',
      '--vscode-dropdown-background': '#313131',
      '--vscode-dropdown-foreground': '#cccccc',
      '--vscode-dropdown-border': '#3c3c3c',
    },
  },
  {
    name: 'high-contrast',
    bodyClass: 'vscode-high-contrast',
    vars: {
      '--vscode-font-family': FONT,
      '--vscode-font-size': '13px',
      '--vscode-foreground': '#ffffff',
      '--vscode-editor-background': '#000000',
      '--vscode-editor-foreground': '#ffffff',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-green': '#89d185',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#ffd700',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-focusBorder': '#f38518',
      '--vscode-editorError-foreground': '#f48771',
      '--vscode-editorWarning-foreground': '#ffd700',
      '--vscode-editorInfo-foreground': '#3794ff',
      '--vscode-button-secondaryBackground': '#000000',
      '--vscode-button-secondaryForeground': '#ffffff',
      '--vscode-button-border': '#6fc3df',
      '--vscode-dropdown-background': '#000000',
      '--vscode-dropdown-foreground': '#ffffff',
      '--vscode-dropdown-border': '#6fc3df',
    },
  },
  {
    name: 'high-contrast-light',
    // VS Code gives a high contrast light theme both classes.
    bodyClass: 'vscode-high-contrast-light vscode-high-contrast',
    vars: {
      '--vscode-font-family': FONT,
      '--vscode-font-size': '13px',
      '--vscode-foreground': '#292929',
      '--vscode-editor-background': '#ffffff',
      '--vscode-editor-foreground': '#292929',
      '--vscode-charts-blue': '#0f4a85',
      '--vscode-charts-green': '#374e06',
      '--vscode-charts-orange': '#b5200d',
      '--vscode-charts-red': '#b5200d',
      '--vscode-charts-purple': '#652d90',
      '--vscode-charts-yellow': '#895503',
      '--vscode-contrastBorder': '#0f4a85',
      '--vscode-focusBorder': '#006bbd',
      '--vscode-editorError-foreground': '#b5200d',
      '--vscode-editorWarning-foreground': '#895503',
      '--vscode-editorInfo-foreground': '#0f4a85',
      '--vscode-button-secondaryBackground': '#ffffff',
      '--vscode-button-secondaryForeground': '#292929',
      '--vscode-button-border': '#0f4a85',
      '--vscode-dropdown-background': '#ffffff',
      '--vscode-dropdown-foreground': '#292929',
      '--vscode-dropdown-border': '#0f4a85',
    },
  },
];

/** A handler with most node kinds, a subgraph, error edges, a decision and a loop. */
const SOURCE = `
import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';
export const handler = withDurableExecution(async (event: { items: string[]; total: number }, context: DurableContext) => {
  const order = await context.step('reserve-inventory', async () => reserve(event));
  try {
    const approval = await context.waitForCallback('payment-approval', async (id) => notify(id), { timeout: { hours: 24 } });
    if (!approval.ok) {
      await context.step('release-inventory', async () => release(order));
      return { status: 'rejected' };
    }
    await context.step('charge-payment', async () => charge(order));
  } catch (err) {
    await context.step('refund-payment', async () => refund(order));
    throw err;
  }
  await context.wait('cool-down', { minutes: 30 });
  await context.map('pack-items', event.items, async (ctx, item) => {
    await ctx.step('pack', async () => pack(item));
  });
  await context.parallel('notify', [
    async (b) => b.step('send-email', async () => email(order)),
    async (b) => b.invoke('call-webhook', 'webhook-fn', { order }),
  ]);
  for (const item of event.items) {
    await context.step('record-' + item, async () => record(item));
  }
  await context.runInChildContext('build-report', async (c) => c.step('summarise', async () => summarise(order)));
  return { status: 'done' };
});
`;

function sampleHandler(): WorkflowHandler {
  const file = '/workspace/src/checkout.ts';
  const sf = ts.createSourceFile(file, SOURCE, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const handler = inferWorkflow(ts, sf).handlers[0];
  assert.ok(handler, 'the sample has a handler');
  return handler;
}

let seq = 1;
function renderParams(handler: WorkflowHandler): RenderParams & { stepId: string; markedId: string } {
  const view = handlerView(handler, handler.file);
  const step = view.nodes.find((n) => n.kind === 'step' && n.name === 'charge-payment');
  const marked = view.nodes.find((n) => n.kind === 'waitForCallback');
  assert.ok(step && marked, 'the sample has charge-payment and a waitForCallback');
  return {
    seq: seq++,
    documentUri: `file://${handler.file}`,
    fileName: path.basename(handler.file),
    handlers: [{ name: handler.name, line: handler.line }],
    handler: handler.name,
    mermaid: view.mermaid,
    nodes: view.nodes,
    marks: [{ nodeId: marked.id, severity: 'error', messages: ['io-outside-step: fetch in replayed code'] }],
    highlight: step.id,
    stepId: step.id,
    markedId: marked.id,
  };
}

interface NodeColours {
  readonly background: string;
  /** Computed fill, stroke and stroke width of every step node's shape, and its label's text colour. */
  readonly steps: ReadonlyArray<{ fill: string; stroke: string; strokeWidth: string; text: string }>;
  /** Each node class's fill and stroke, as drawn (one node per class). */
  readonly byClass: Record<string, { fill: string; stroke: string }>;
  readonly edge: string;
  /** The rings drawn around the highlighted and the marked node (CSS filter). */
  readonly highlightFilter: string;
  readonly markFilter: string;
  readonly markDash: string;
}

async function nodeColours(page: RenderPage, ids: { stepMid: string; markedMid: string }): Promise<NodeColours> {
  return page.page.evaluate((ids) => {
    const shape = (g: PageElement) => g.querySelector('.label-container');
    const steps = Array.from(document.querySelectorAll('#canvas svg g.node.k-step')).map((g) => {
      const s = getComputedStyle(shape(g)!);
      const label = g.querySelector('.nodeLabel') ?? g.querySelector('foreignObject div');
      return { fill: s.fill, stroke: s.stroke, strokeWidth: s.strokeWidth, text: getComputedStyle(label!).color };
    });
    const byClass: Record<string, { fill: string; stroke: string }> = {};
    for (const g of Array.from(document.querySelectorAll('#canvas svg g.node'))) {
      const cls = (g.getAttribute('class') ?? '').split(/\s+/).find((c) => c.startsWith('k-'));
      const el = shape(g);
      if (!cls || byClass[cls] || !el) continue;
      // Shapes drawn as a group of paths carry the colour on the first path.
      const painted = el.querySelector('path') ?? el;
      const s = getComputedStyle(painted);
      byClass[cls] = { fill: s.fill, stroke: s.stroke };
    }
    const edge = document.querySelectorAll('#canvas svg .edgePaths path')[0];
    const find = (mid: string) => Array.from(document.querySelectorAll('#canvas svg g.node')).find((g) => g.getAttribute('data-dl-mid') === mid);
    const hi = find(ids.stepMid);
    const mk = find(ids.markedMid);
    return {
      background: getComputedStyle(document.body).backgroundColor,
      steps,
      byClass,
      edge: edge ? getComputedStyle(edge).stroke : '',
      highlightFilter: hi ? getComputedStyle(shape(hi)!).filter : '',
      markFilter: mk ? getComputedStyle(shape(mk)!).filter : '',
      markDash: mk ? getComputedStyle(shape(mk)!.querySelector('path') ?? shape(mk)!).strokeDasharray : '',
    };
  }, ids);
}

// ---- colour arithmetic (the test's own, independent of the code under test) ----

function rgb(css: string): [number, number, number] {
  const m = /rgba?\((\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?),\s*(\d+(?:\.\d+)?)/.exec(css);
  assert.ok(m, `a computed colour, not ${JSON.stringify(css)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function relativeLuminance(css: string): number {
  const [r, g, b] = rgb(css).map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.x contrast ratio. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function hexToRgb(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

/** The whole diagram fitted, and a close-up of its upper half (labels readable) as a person would zoom. */
async function screenshot(page: RenderPage, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.page.screenshot({ path: path.join(SHOTS, `theme-${name}.png`) });
  await page.page.click('#zoom-in');
  await page.page.click('#zoom-in');
  await page.page.click('#zoom-in');
  await page.page.mouse.move(600, 300);
  await page.page.mouse.down();
  await page.page.mouse.move(600, 600, { steps: 5 });
  await page.page.mouse.move(600, 700, { steps: 5 });
  await page.page.mouse.up();
  await page.page.screenshot({ path: path.join(SHOTS, `theme-${name}-detail.png`) });
}

describe('workflow webview themes (headless Chromium)', function () {
  this.timeout(180_000);
  const handler = sampleHandler();
  const drawn = new Map<string, NodeColours>();

  for (const theme of THEMES) {
    it(`${theme.name}: nodes take the theme's colours, labels read, marks and the highlight show`, async () => {
      const page = await openRenderPage(theme.bodyClass, undefined, theme.vars);
      try {
        const params = renderParams(handler);
        const answer = await page.render(params);
        assert.ok(answer.nodeCount > 10, `drew ${answer.nodeCount} nodes`);
        const mid = (id: string) => params.nodes.find((n) => n.id === id && !n.cluster)!.mermaidId;
        const colours = await nodeColours(page, { stepMid: mid(params.stepId), markedMid: mid(params.markedId) });
        drawn.set(theme.name, colours);
        await screenshot(page, theme.name);

        const bg = hexToRgb(theme.vars['--vscode-editor-background']!);
        assert.strictEqual(colours.background, bg, 'the page has the editor background');
        assert.ok(colours.steps.length >= 5, 'step nodes are drawn');
        for (const s of colours.steps) {
          const ratio = contrast(s.text, s.fill);
          assert.ok(ratio >= 4.5, `${theme.name}: step label ${s.text} on ${s.fill}: contrast ${ratio.toFixed(2)} < 4.5`);
          assert.strictEqual(s.text, hexToRgb(theme.vars['--vscode-editor-foreground']!), 'labels use the editor foreground');
        }
        const step = colours.steps[0]!;
        if (theme.name.startsWith('high-contrast')) {
          // Borders in the theme's contrast colour, thick enough to see, on the editor background.
          assert.strictEqual(step.stroke, hexToRgb(theme.vars['--vscode-contrastBorder']!), 'HC: the contrast border colour');
          assert.ok(parseFloat(step.strokeWidth) >= 2, `HC: stroke ${step.strokeWidth} is at least 2px`);
          assert.ok(contrast(step.stroke, bg) >= 3, `HC: the border contrasts with the background (${contrast(step.stroke, bg).toFixed(2)})`);
          assert.strictEqual(step.fill, bg, 'HC: nodes are filled with the editor background');
        } else {
          // A tint of the theme's blue: not the background, not the old fixed pastel.
          assert.strictEqual(step.stroke, hexToRgb(theme.vars['--vscode-charts-blue']!), 'step stroke is the theme blue');
          assert.notStrictEqual(step.fill, bg, 'step nodes are tinted');
          assert.notStrictEqual(step.fill, 'rgb(227, 242, 253)', 'not the fixed pastel of the CLI output');
          // Kinds stay apart: the main operation kinds have different fills.
          const fills = ['k-step', 'k-wait', 'k-waitForCallback', 'k-catch', 'k-decision', 'k-parallel', 'k-map'].map((k) => colours.byClass[k]?.fill);
          assert.ok(fills.every((f) => f !== undefined), `every kind is drawn: ${JSON.stringify(colours.byClass)}`);
          assert.strictEqual(new Set(fills).size, fills.length, `kinds have distinct fills: ${fills.join(' ')}`);
        }
        // Edges are visible on the background.
        assert.ok(contrast(colours.edge, bg) >= 3, `${theme.name}: edge ${colours.edge} on ${bg}: ${contrast(colours.edge, bg).toFixed(2)}`);
        // The cursor's node has a ring in the focus colour, the marked node one in the error colour.
        assert.ok(colours.highlightFilter.includes(hexToRgb(theme.vars['--vscode-focusBorder']!)), `highlight ring: ${colours.highlightFilter}`);
        assert.ok(colours.markFilter.includes(hexToRgb(theme.vars['--vscode-editorError-foreground']!)), `mark ring: ${colours.markFilter}`);
        assert.ok(contrast(hexToRgb(theme.vars['--vscode-editorError-foreground']!), bg) >= 3, 'the mark ring shows on the background');
        assert.notStrictEqual(colours.markDash, 'none', 'the mark is dashed too (not told by colour alone)');
      } finally {
        await page.close();
      }
    });
  }

  it('light and dark draw step nodes differently', () => {
    const light = drawn.get('light');
    const dark = drawn.get('dark');
    assert.ok(light && dark, 'both themes were drawn');
    assert.notStrictEqual(light.steps[0]!.fill, dark.steps[0]!.fill);
    assert.ok(relativeLuminance(light.steps[0]!.fill) > relativeLuminance(dark.steps[0]!.fill), 'light fills are lighter');
  });

  it('switching the body class and colours redraws with the new theme', async () => {
    const light = THEMES[0]!;
    const dark = THEMES[1]!;
    const page = await openRenderPage(light.bodyClass, undefined, light.vars);
    try {
      const params = renderParams(handler);
      await page.render(params);
      const fillOf = () => page.page.evaluate(() => getComputedStyle(document.querySelectorAll('#canvas svg g.node.k-step .label-container')[0]!).fill);
      const before = await fillOf();
      const redrawn = page.waitRendered(params.seq, 'full');
      // As VS Code does it: new theme class on the body and the new colours, in one task.
      await page.page.evaluate(
        ({ bodyClass, vars }) => {
          for (const [k, v] of Object.entries(vars)) document.body.style.setProperty(k, v);
          document.body.classList.remove('vscode-light');
          for (const c of bodyClass.split(' ')) document.body.classList.add(c);
        },
        { bodyClass: dark.bodyClass, vars: dark.vars }
      );
      await redrawn;
      const after = await fillOf();
      assert.notStrictEqual(after, before, 'the step fill changed');
      assert.ok(relativeLuminance(after) < relativeLuminance(before), `dark fill ${after} is darker than ${before}`);
      assert.ok(contrast(after, hexToRgb(dark.vars['--vscode-editor-foreground']!)) >= 4.5, 'labels read on the new fill');
    } finally {
      await page.close();
    }
  });
});
