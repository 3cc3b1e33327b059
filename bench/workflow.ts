// Bench (node): in-process time of workflow inference plus Mermaid text for a 1,000-operation handler and
// for 200-branch handlers (parallel, switch). Prints medians; target <= 30 ms each.
// Run: npx tsc -p tsconfig.json && node out/bench/workflow.js
import * as os from 'os';
import * as ts from 'typescript';
import { inferWorkflow } from '../src/core/workflow/infer';
import { renderMermaid } from '../src/core/workflow/mermaid';
import { manyOperations, manyParallelBranches, manySwitchCases } from './workflowGen';

const RUNS = Number(process.env.BENCH_RUNS ?? 25);
const WARMUP = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Figures {
  readonly name: string;
  readonly operations: number;
  readonly nodes: number;
  /** Median wall time (ms) of inference + Mermaid text on an already parsed file. */
  readonly inferAndRender: number;
  /** Fastest run (ms): the figure least disturbed by other processes on a shared machine. */
  readonly inferAndRenderMin: number;
  /** Median CPU time (ms) of this process over the same work (excludes time waiting for a core). */
  readonly inferAndRenderCpu: number;
  readonly parseInferAndRender: number;
  /**
   * Median (ms) of a second inference + render on the same SourceFile: the per-node caches of the scope
   * analysis are warm, as for the unchanged nodes an incremental reparse keeps while typing.
   */
  readonly warmInferAndRender: number;
}

function measure(name: string, text: string): Figures {
  const file = `/bench/${name}.ts`;
  let nodes = 0;
  let operations = 0;
  const once = (sf: ts.SourceFile): void => {
    const g = inferWorkflow(ts, sf);
    const h = g.handlers[0]!;
    renderMermaid(h);
    nodes = h.nodes.length;
    operations = h.nodes.filter((n) => !['start', 'end', 'branch', 'decision', 'loop', 'catch', 'dynamic'].includes(n.kind) && !n.awaitOf).length;
  };
  // Inference on a parsed file (what the panel does with the language service's SourceFile); a fresh parse
  // each run so no per-file memo carries over.
  const withoutParse: number[] = [];
  const cpu: number[] = [];
  const withParse: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    once(sf);
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    const w0 = performance.now();
    once(sf);
    const w1 = performance.now();
    const t2 = performance.now();
    once(ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true));
    const t3 = performance.now();
    if (i >= WARMUP) {
      withoutParse.push(t1 - t0);
      cpu.push((c1.user + c1.system) / 1000);
      warm.push(w1 - w0);
      withParse.push(t3 - t2);
    }
  }
  return { name, operations, nodes, inferAndRender: median(withoutParse), inferAndRenderMin: Math.min(...withoutParse), inferAndRenderCpu: median(cpu), parseInferAndRender: median(withParse), warmInferAndRender: median(warm) };
}

/**
 * The 1,000-operation handler inferred inside a Program of `extra` more handler files (with a checker, as in the
 * language service, built before timing): the figure must not grow with the project.
 */
function inProject(extra: number): { files: number; median: number; min: number } {
  const files = new Map<string, string>([['/bench/main.ts', manyOperations(1000) + "\nexport async function callOthers(ctx: DurableContext) { await ctx.invoke('other-7', 'fn-7', {}); }\n"]]);
  for (let i = 0; i < extra; i++) files.set(`/bench/other${i}.ts`, manyParallelBranches(10).replace('export const handler', `export const other${i}`));
  const host = ts.createCompilerHost({ target: ts.ScriptTarget.ES2022, noLib: true, types: [] });
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang) => (files.has(name) ? ts.createSourceFile(name, files.get(name)!, lang, true) : read(name, lang));
  host.fileExists = (name) => files.has(name);
  const program = ts.createProgram([...files.keys()], { target: ts.ScriptTarget.ES2022, noLib: true, types: [], noResolve: true }, host);
  program.getTypeChecker();
  const sf = program.getSourceFile('/bench/main.ts')!;
  const times: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t0 = performance.now();
    renderMermaid(inferWorkflow(ts, sf, program).handlers[0]!);
    if (i >= WARMUP) times.push(performance.now() - t0);
  }
  return { files: files.size, median: median(times), min: Math.min(...times) };
}

function main(): void {
  const results = [
    measure('1000-operations', manyOperations(1000)),
    measure('200-parallel-branches', manyParallelBranches(200)),
    measure('200-switch-cases', manySwitchCases(200)),
  ];
  console.log(`workflow inference + Mermaid text, ${RUNS} runs (target <= 30 ms); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores:`);
  for (const r of results) {
    console.log(
      `  ${r.name.padEnd(24)} ${String(r.operations).padStart(5)} operations ${String(r.nodes).padStart(5)} nodes   ` +
        `infer+render median ${r.inferAndRender.toFixed(1).padStart(6)} ms (min ${r.inferAndRenderMin.toFixed(1)}, cpu ${r.inferAndRenderCpu.toFixed(1)})   warm ${r.warmInferAndRender.toFixed(1).padStart(5)} ms   parse+infer+render ${r.parseInferAndRender.toFixed(1).padStart(6)} ms   ` +
        (r.inferAndRender <= 30 ? 'ok' : 'OVER TARGET')
    );
  }
  const project = [inProject(0), inProject(200)];
  for (const p of project) console.log(`  1000-operations in a Program of ${String(p.files).padStart(3)} files: infer+render median ${p.median.toFixed(1).padStart(6)} ms (min ${p.min.toFixed(1)}, warm per-file caches)`);
  console.log(JSON.stringify({ bench: 'workflow', runs: RUNS, results, project }));
}

main();
