// Bench (node + headless Chromium): draws a sample's workflow in the real webview bundle (bench/renderPage.ts)
// at a side panel's width and measures what a user sees at the default view: the drawing's size, how much
// of it is off the right side of the panel, the text size, and label boxes that overlap.
// Run: npx tsc -p tsconfig.json && node out/bench/workflowLayout.js [FILE.ts] [--mermaid OTHER.mmd]
// (--mermaid draws that text instead of the inferred one, e.g. the output of an older build, to compare.)
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import type { RenderParams } from '../src/extension/workflow/protocol';
import { handlerView } from '../src/extension/workflow/viewModel';
import { inferWorkflow } from '../src/core/workflow/infer';
import { openRenderPage } from './renderPage';

interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly text: string;
}

interface PageEl {
  readonly textContent: string | null;
  readonly clientWidth: number;
  getBoundingClientRect(): { x: number; y: number; width: number; height: number };
  querySelectorAll(selector: string): ArrayLike<PageEl>;
}
declare const document: { querySelector(selector: string): PageEl | null; querySelectorAll(selector: string): ArrayLike<PageEl> };
declare const getComputedStyle: (e: PageEl) => { fontSize: string };
declare const window: { innerWidth: number };

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const mi = args.indexOf('--mermaid');
  const other = mi >= 0 ? args[mi + 1] : undefined;
  const file = path.resolve(args.find((a, i) => !a.startsWith('--') && (mi < 0 || i !== mi + 1)) ?? 'samples/order-saga/src/handler.ts');
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const h = inferWorkflow(ts, sf).handlers[0];
  if (!h) throw new Error(`no durable handler in ${file}`);
  const view = handlerView(h, file);
  const width = Number(process.env.PANEL_WIDTH ?? 600);
  const page = await openRenderPage('vscode-light');
  try {
    await page.page.setViewportSize({ width, height: 800 });
    const params: RenderParams = {
      seq: 1,
      documentUri: `file://${file}`,
      fileName: path.basename(file),
      handlers: [{ name: h.name, line: h.line }],
      handler: h.name,
      mermaid: other ? fs.readFileSync(other, 'utf8') : view.mermaid,
      nodes: view.nodes,
      marks: [],
      highlight: null,
    };
    await page.render(params, 120_000);
    const m = await page.page.evaluate(() => {
      const canvas = document.querySelector('#canvas')!;
      const svg = document.querySelector('#canvas svg')!;
      const c = canvas.getBoundingClientRect();
      const panelRight = Math.min(c.x + c.width, window.innerWidth);
      const s = svg.getBoundingClientRect();
      const boxes: Box[] = [];
      for (const sel of ['#canvas svg g.node .label', '#canvas svg g.edgeLabel .label', '#canvas svg g.cluster-label']) {
        for (const e of Array.from(document.querySelectorAll(sel))) {
          const r = e.getBoundingClientRect();
          if (r.width > 0 && r.height > 0) boxes.push({ x: r.x, y: r.y, w: r.width, h: r.height, text: (e.textContent ?? '').trim() });
        }
      }
      const label = document.querySelector('#canvas svg g.node .label');
      const scale = s.width / Math.max(1, Number((svg as unknown as { viewBox: { baseVal: { width: number } } }).viewBox.baseVal.width));
      return { panel: c.width, svgWidth: s.width, svgHeight: s.height, left: s.x - c.x, right: s.x + s.width - panelRight, fontPx: label ? parseFloat(getComputedStyle(label).fontSize) * scale : 0, boxes };
    });
    const overlaps: string[] = [];
    for (let i = 0; i < m.boxes.length; i++)
      for (let j = i + 1; j < m.boxes.length; j++) {
        const a = m.boxes[i]!;
        const b = m.boxes[j]!;
        const ox = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
        const oy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
        if (ox > 1 && oy > 1) overlaps.push(`${JSON.stringify(a.text)} / ${JSON.stringify(b.text)}`);
      }
    console.log(`${path.relative(process.cwd(), file)}${other ? ` (drawn from ${other})` : ''} in a ${width}px panel:`);
    console.log(`  drawing ${m.svgWidth.toFixed(0)} x ${m.svgHeight.toFixed(0)} px at the default view, label text ${m.fontPx.toFixed(1)} px`);
    console.log(`  beyond the panel's right edge: ${Math.max(0, m.right).toFixed(0)} px (${((Math.max(0, m.right) / Math.max(1, m.svgWidth)) * 100).toFixed(0)}% of the width)`);
    console.log(`  overlapping labels: ${overlaps.length}${overlaps.length ? '\n    ' + overlaps.join('\n    ') : ''}`);
    console.log(JSON.stringify({ bench: 'workflowLayout', file: path.relative(process.cwd(), file), panel: width, svgWidth: Math.round(m.svgWidth), svgHeight: Math.round(m.svgHeight), offRight: Math.round(Math.max(0, m.right)), fontPx: Number(m.fontPx.toFixed(1)), overlaps: overlaps.length }));
  } finally {
    await page.close();
  }
}

main().catch((e) => {
  console.error(String((e as Error)?.stack ?? e));
  process.exit(1);
});
