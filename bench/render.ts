// Runs in node (benchmark, prints figures): the workflow webview in headless Chromium — render time of a
// generated 300-node graph (ELK and dagre), and keystroke-to-updated-SVG on a 100-operation handler
// (light Program + inference + Mermaid text in node, then the webview render), against the targets.
// Needs `npm run build` (dist/webview/workflow.js). Run: node out/bench/render.js
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import type { WorkflowEdge, WorkflowHandler, WorkflowNode } from '../src/core/workflow/graph';
import { inferWorkflow } from '../src/core/workflow/infer';
import { LightPrograms } from '../src/extension/workflow/programs';
import { ELK_THRESHOLD, type RenderParams } from '../src/extension/workflow/protocol';
import { handlerView, pickHandler } from '../src/extension/workflow/viewModel';
import { openRenderPage } from './renderPage';

const RENDER_TARGET_MS = 1500;
const KEYSTROKE_TARGET_MS = 300;
/**
 * Within a burst of typing the panel waits this long after the last keystroke before re-inferring
 * (panel.ts EDIT_DEBOUNCE_MS); the first keystroke after a pause is not delayed. Totals count the wait
 * (the worse case) unless they say otherwise.
 */
const DEBOUNCE_MS = 60;
/** The webview lays a relabelled graph out again after this pause (webview/workflow/main.ts SETTLE_MS). */
const SETTLE_MS = 600;

/** A 300-node graph shaped like real handlers: sequences, decisions with two arms, loops, parallel branches. */
export function generatedHandler(size: number): WorkflowHandler {
  const nodes: WorkflowNode[] = [{ id: 'start', kind: 'start', name: null, line: 1, parent: null }];
  const edges: WorkflowEdge[] = [];
  let prev = 'start';
  let i = 0;
  const add = (n: Omit<WorkflowNode, 'line'>): string => {
    nodes.push({ ...n, line: nodes.length + 1 });
    return n.id;
  };
  while (nodes.length < size - 1) {
    const k = i % 10;
    if (k === 3) {
      const d = add({ id: `d${i}`, kind: 'decision', name: `if order.total > ${i}`, parent: null });
      edges.push({ from: prev, to: d, label: null });
      const a = add({ id: `a${i}`, kind: 'step', name: `approve-${i}`, parent: d });
      const b = add({ id: `b${i}`, kind: 'step', name: `reject-${i}`, parent: d });
      edges.push({ from: d, to: a, label: 'yes' }, { from: d, to: b, label: 'no' });
      const j = add({ id: `j${i}`, kind: 'wait', name: `cool-down-${i}`, parent: null });
      edges.push({ from: a, to: j, label: null }, { from: b, to: j, label: null });
      prev = j;
    } else if (k === 7) {
      const p = add({ id: `p${i}`, kind: 'parallel', name: `fan-out-${i}`, parent: null });
      edges.push({ from: prev, to: p, label: null });
      const join: string[] = [];
      for (let b = 0; b < 3; b++) {
        const br = add({ id: `p${i}/b${b}`, kind: 'branch', name: `branch ${b}`, parent: p });
        const s = add({ id: `p${i}/b${b}/s`, kind: 'step', name: `work-${i}-${b}`, parent: br });
        edges.push({ from: p, to: br, label: null }, { from: br, to: s, label: null });
        join.push(s);
      }
      const after = add({ id: `after${i}`, kind: 'step', name: `gather-${i}`, parent: null });
      for (const s of join) edges.push({ from: s, to: after, label: null });
      prev = after;
    } else if (k === 9) {
      const l = add({ id: `l${i}`, kind: 'loop', name: `for item of batch${i}`, parent: null });
      edges.push({ from: prev, to: l, label: null });
      const s = add({ id: `l${i}/s`, kind: 'step', name: `process-${i}`, parent: l });
      edges.push({ from: l, to: s, label: 'each' }, { from: s, to: l, label: 'next' });
      prev = l;
    } else {
      const s = add({ id: `s${i}`, kind: i % 4 === 0 ? 'waitForCallback' : 'step', name: `operation-${i}`, parent: null, detail: i % 5 === 0 ? 'retry: exponential' : undefined });
      edges.push({ from: prev, to: s, label: null });
      prev = s;
    }
    i++;
  }
  nodes.push({ id: 'end', kind: 'end', name: null, line: nodes.length + 1, parent: null });
  edges.push({ from: prev, to: 'end', label: null });
  return { name: 'handler', file: '/bench/generated.ts', line: 1, nodes, edges };
}

/** Handler source with `ops` durable operations: steps, waits, an if/else and a loop. */
export function handlerSource(ops: number, rename = ''): string {
  const lines = [
    "import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';",
    'export const handler = withDurableExecution(async (event: { n: number; items: string[] }, context: DurableContext) => {',
  ];
  for (let i = 0; i < ops; i++) {
    const name = i === 50 ? `op-${i}${rename}` : `op-${i}`;
    if (i % 10 === 4) lines.push(`  if (event.n > ${i}) {`, `    await context.step('${name}', async () => ${i});`, '  } else {', `    await context.wait('${name}-w', { seconds: 1 });`, '  }');
    else if (i % 10 === 8) lines.push('  for (const item of event.items) {', `    await context.step('${name}', async () => item);`, '  }');
    else lines.push(`  await context.step('${name}', async () => ${i});`);
  }
  lines.push('  return event.n;', '});', '');
  return lines.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function paramsFor(handler: WorkflowHandler, seq: number, documentUri = `file://${handler.file}`): RenderParams {
  const view = handlerView(handler, handler.file);
  return {
    seq,
    documentUri,
    fileName: path.basename(handler.file),
    handlers: [{ name: handler.name, line: handler.line }],
    handler: handler.name,
    mermaid: view.mermaid,
    nodes: view.nodes,
    marks: [],
    highlight: null,
  };
}

async function main(): Promise<void> {
  const results: string[] = [];
  let failed = false;
  let seq = 1;

  // ---- 300-node render ----
  const big = generatedHandler(300);
  for (const layout of ['auto', 'dagre'] as const) {
    const page = await openRenderPage('vscode-dark', { layout });
    try {
      // A new document each time: the webview draws it in full (the same text again would be a no-op).
      const fresh = () => paramsFor(big, seq, `file:///bench/generated-${seq++}.ts`);
      const cold = await page.render(fresh(), 120_000);
      // Two more before measuring: the JIT is still compiling mermaid's and the layout's code.
      for (let r = 0; r < 2; r++) await page.render(fresh(), 120_000);
      const warm: number[] = [];
      const cpu: number[] = [];
      for (let r = 0; r < 5; r++) {
        const c0 = page.cpuMs();
        const answer = await page.render(fresh(), 120_000);
        if (answer.mode !== 'full') throw new Error('expected a full draw');
        warm.push(answer.ms);
        cpu.push(page.cpuMs() - c0);
      }
      const m = median(warm);
      const label = layout === 'auto' ? `ELK (auto above ${ELK_THRESHOLD} nodes)` : 'dagre (forced)';
      results.push(
        `render 300-node graph, ${label}: first ${cold.ms.toFixed(0)} ms (loads and compiles the layout code), after two more draws wall median ${m.toFixed(0)} ms of 5 [${warm.map((x) => x.toFixed(0)).join(', ')}], ` +
          `Chromium CPU median ${median(cpu).toFixed(0)} ms [${cpu.map((x) => x.toFixed(0)).join(', ')}]; ${cold.nodeCount} nodes bound, layout ${cold.layout}; target <= ${RENDER_TARGET_MS} ms`
      );
      if (layout === 'auto' && Math.min(m, median(cpu)) > RENDER_TARGET_MS) failed = true;
    } finally {
      await page.close();
    }
  }

  // ---- keystroke to updated SVG, 100-operation handler ----
  const file = path.resolve('/bench/keystroke/handler.ts');
  let doc = { text: handlerSource(100), version: 1 };
  const programs = new LightPrograms(ts, { get: (f) => (f === file ? doc : undefined) }, path.dirname(file));
  const infer = () => {
    const { program, sourceFile } = programs.programFor(file);
    if (program.getSyntacticDiagnostics(sourceFile).length) throw new Error('generated handler does not parse');
    const graph = inferWorkflow(ts, sourceFile, program);
    const handler = pickHandler(graph, 'handler')!;
    return { handler, params: paramsFor({ ...handler, file }, seq++) };
  };
  const first = infer();
  const ops = first.handler.nodes.filter((n) => !['start', 'end', 'decision', 'loop', 'branch', 'catch'].includes(n.kind)).length;
  const page = await openRenderPage('vscode-light');
  try {
    await page.render(first.params, 120_000);
    // (a) Label edits (renaming a step: the keystroke the diagram sees most): relabelled in place, and
    // laid out again in full once typing pauses.
    const host: number[] = [];
    const hostCpu: number[] = [];
    const view: number[] = [];
    const viewCpu: number[] = [];
    const settle: number[] = [];
    for (let k = 0; k < 5; k++) {
      doc = { text: handlerSource(100, 'x'.repeat(k + 1)), version: doc.version + 1 };
      const u0 = process.cpuUsage();
      const t0 = performance.now();
      const { params } = infer();
      const t1 = performance.now();
      const u1 = process.cpuUsage(u0);
      const c0 = page.cpuMs();
      const r = await page.render(params, 60_000);
      viewCpu.push(page.cpuMs() - c0);
      host.push(t1 - t0);
      hostCpu.push((u1.user + u1.system) / 1000);
      view.push(r.ms);
      if (r.mode !== 'relabel') throw new Error(`a label edit was drawn in ${r.mode} mode`);
      settle.push(r.ms + (await page.waitRendered(params.seq, 'full', 60_000)).ms);
    }
    const total = median(host) + median(view) + DEBOUNCE_MS;
    const totalCpu = median(hostCpu) + median(viewCpu) + DEBOUNCE_MS;
    results.push(
      `keystroke to updated SVG, label edit, ${ops}-operation handler (${first.handler.nodes.length} nodes, layout ${first.handler.nodes.length > ELK_THRESHOLD ? 'ELK' : 'dagre'}): ` +
        `host Program+inference+Mermaid wall median ${median(host).toFixed(1)} ms (CPU ${median(hostCpu).toFixed(1)} ms), ` +
        `webview relabel wall median ${median(view).toFixed(0)} ms (Chromium CPU ${median(viewCpu).toFixed(0)} ms), + ${DEBOUNCE_MS} ms debounce = ` +
        `${total.toFixed(0)} ms wall, ${totalCpu.toFixed(0)} ms by CPU time; target <= ${KEYSTROKE_TARGET_MS} ms. ` +
        `Full layout after the pause: median ${median(settle).toFixed(0)} ms after the relabel (${SETTLE_MS} ms pause included)`
    );
    if (Math.min(total, totalCpu) > KEYSTROKE_TARGET_MS) failed = true;

    // (b) Structural edits (an operation added: the graph changes shape): a full mermaid layout.
    const full: number[] = [];
    const fullCpu: number[] = [];
    const fullHost: number[] = [];
    for (let k = 0; k < 9; k++) {
      doc = { text: handlerSource(100 + k + 1), version: doc.version + 1 };
      const t0 = performance.now();
      const { params } = infer();
      fullHost.push(performance.now() - t0);
      const c0 = page.cpuMs();
      const r = await page.render(params, 60_000);
      fullCpu.push(page.cpuMs() - c0);
      if (r.mode !== 'full') throw new Error('an added operation was not drawn in full');
      full.push(r.ms);
    }
    const fullTotal = median(fullHost) + median(full) + DEBOUNCE_MS;
    results.push(
      `keystroke to updated SVG, operation added (full layout): host median ${median(fullHost).toFixed(1)} ms, webview draw wall median ${median(full).toFixed(0)} ms ` +
        `[${full.map((x) => x.toFixed(0)).join(', ')}] (Chromium CPU ${median(fullCpu).toFixed(0)} ms), + ${DEBOUNCE_MS} ms debounce = ${fullTotal.toFixed(0)} ms wall ` +
        `(${(fullTotal - DEBOUNCE_MS).toFixed(0)} ms for a keystroke after a pause)` +
        (fullTotal > KEYSTROKE_TARGET_MS ? ` (over the ${KEYSTROKE_TARGET_MS} ms target: a change of shape needs mermaid's layout)` : '')
    );
  } finally {
    await page.close();
  }

  console.log(`load average at the end: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} on ${os.cpus().length} cores`);
  for (const line of results) console.log(line);
  // Benchmarks print, they do not fail (test/harness/runBench.js): say which figure missed its target.
  if (failed) console.log('OVER TARGET: see the figures above (wall time on a busy machine is mostly waiting for a core)');
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(2);
  });
}
