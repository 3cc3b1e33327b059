// Benchmark (node, prints figures, no assertions): tsserver semanticDiagnosticsSync on a generated
// 2,000-line durable handler file, with the plugin against without (two real tsservers, interleaved).
// Run: npx tsc -p tsconfig.json && npx webpack --mode development && node out/bench/tsserverOverhead.js
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { REPO_ROOT, TsServer } from '../test/tsserver/tsserverClient';
import init = require('../src/tsplugin/index');
import { singleFileService } from './singleFileService';

const WARMUP = 5;
const RUNS = Number(process.env.DL_BENCH_RUNS ?? 25);

/** A handler of about `lines` lines: steps, branches, helpers taking the context, a few findings. */
export function generateHandler(lines: number): string {
  const out: string[] = [
    `import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';`,
    `import { randomUUID } from 'node:crypto';`,
    ``,
    `interface Order { id: string; amount: number; items: { sku: string; qty: number }[] }`,
    ``,
  ];
  const helpers = 20;
  for (let h = 0; h < helpers; h++) {
    out.push(
      `async function helper${h}(ctx: DurableContext, value: number): Promise<number> {`,
      `  const doubled = await ctx.step('helper-${h}', async () => value * 2);`,
      h % 5 === 0 ? `  const stamp = Date.now();` : `  const stamp = ${h};`,
      `  if (doubled > stamp) {`,
      `    ctx.logger.info('helper ${h}', { doubled });`,
      `  }`,
      `  return doubled + stamp;`,
      `}`,
      ``
    );
  }
  out.push(`export const handler = withDurableExecution(async (event: Order, context: DurableContext) => {`, `  let total = 0;`);
  let i = 0;
  while (out.length < lines - 3) {
    out.push(
      `  const r${i} = await context.step('s${i}', async () => {`,
      `    const items = event.items.filter((it) => it.qty > ${i % 7});`,
      `    return items.reduce((sum, it) => sum + it.qty, 0);`,
      `  });`,
      `  if (r${i} > ${i % 13}) {`,
      `    total += await helper${i % helpers}(context, r${i});`,
      `  } else {`,
      i % 10 === 0 ? `    total += Math.random();` : `    total -= r${i};`,
      `  }`,
      i % 25 === 0 ? `  const id${i} = randomUUID();` : `  const id${i} = 'fixed-${i}';`,
      `  context.logger.info('progress', { step: ${i}, id: id${i} });`
    );
    i++;
  }
  out.push(`  return { total, id: event.id };`, `});`, ``);
  return out.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Alternating undecorated and decorated services over the same file, each request after an edit. */
function inProcessMedians(dir: string, file: string, text: string): { plain: number; decorated: number } {
  const make = () => {
    const single = singleFileService(ts, file, dir, text);
    return { ls: single.ls, edit: (i: number) => single.edit(`${text}// edit ${i}\n`) };
  };
  const plain = make();
  const decorated = make();
  const info = {
    languageService: decorated.ls,
    config: {},
    project: { projectService: { logger: { info: () => undefined } }, getCurrentDirectory: () => dir, getProjectName: () => 'bench' },
    serverHost: { fileExists: ts.sys.fileExists, readFile: ts.sys.readFile },
  } as unknown as ts.server.PluginCreateInfo;
  const service = init({ typescript: ts }).create(info);
  const times = { plain: [] as number[], decorated: [] as number[] };
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const [name, s, ls] of [['plain', plain, plain.ls], ['decorated', decorated, service]] as const) {
      s.edit(i);
      const t = process.hrtime.bigint();
      ls.getSemanticDiagnostics(file);
      if (i >= WARMUP) times[name].push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  return { plain: median(times.plain), decorated: median(times.decorated) };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-bench-tsserver-'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: true, types: ['node'], noEmit: true } })
  );
  const file = path.join(dir, 'handler.ts');
  const text = generateHandler(2000);
  fs.writeFileSync(file, text);
  const withPlugin = new TsServer();
  const without = new TsServer({ globalPlugin: false });
  try {
    for (const s of [withPlugin, without]) s.open(file);
    const first = await withPlugin.semanticDiagnostics(file, 300000);
    await without.semanticDiagnostics(file, 300000);
    for (let i = 0; i < WARMUP; i++) for (const s of [withPlugin, without]) await s.semanticDiagnostics(file);
    // (1) After an edit: a new program each time, TypeScript re-checks the file and the plugin re-analyses it.
    const edited = { with: [] as number[], without: [] as number[] };
    // (2) Unchanged file: repeated requests (both sides answer from their caches).
    const repeated = { with: [] as number[], without: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      const content = `${text}// edit ${i}\n`;
      for (const [name, s] of [['with', withPlugin], ['without', without]] as const) {
        await s.request('updateOpen', { openFiles: [{ file, fileContent: content }] });
        let t = process.hrtime.bigint();
        await s.semanticDiagnostics(file);
        edited[name].push(Number(process.hrtime.bigint() - t) / 1e6);
        t = process.hrtime.bigint();
        await s.semanticDiagnostics(file);
        repeated[name].push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }
    const ours = first.filter((d) => d.source === 'durable-lens').length;
    const lines = text.split('\n').length;
    const report = (label: string, m: { with: number[]; without: number[] }) => {
      const a = median(m.with);
      const b = median(m.without);
      console.log(`${label}: with plugin ${a.toFixed(1)} ms, without ${b.toFixed(1)} ms, ratio ${(a / b).toFixed(2)} (target <= 1.15)`);
    };
    console.log(`tsserver semanticDiagnosticsSync, ${lines}-line handler, ${ours} durable-lens diagnostics, median of ${RUNS} after ${WARMUP} warm-up requests`);
    report('after an edit (new program)', edited);
    report('unchanged file (repeated)  ', repeated);
    // The same in one process (no protocol, no second server competing for the CPU): less noisy on a busy machine.
    const inProcess = inProcessMedians(dir, file, text);
    console.log(
      `in-process LanguageService after an edit: undecorated ${inProcess.plain.toFixed(1)} ms, decorated ${inProcess.decorated.toFixed(1)} ms, ` +
        `ratio ${(inProcess.decorated / inProcess.plain).toFixed(2)}`
    );
  } finally {
    await withPlugin.close();
    await without.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
