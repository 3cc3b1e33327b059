// Benchmark (node, prints figures, no assertions): what replay-mismatch adds to tsserver's semanticDiagnosticsSync
// of a handler file with ~30 operations when ~50 recorded executions of it are in the history folder: two real
// tsservers with the plugin, one sent the folder and one not, each request after an edit, interleaved.
// Run: npx tsc -p tsconfig.json && npx webpack --mode development --config-name tsplugin && node out/bench/replayMismatch.js
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { REPO_ROOT, TsServer } from '../test/tsserver/tsserverClient';
import init = require('../src/tsplugin/index');
import { singleFileService } from './singleFileService';

const WARMUP = 5;
const RUNS = Number(process.env.DL_BENCH_RUNS ?? 21);
const HISTORIES = Number(process.env.DL_BENCH_HISTORIES ?? 50);

/** ~30 operations: steps, a branch, a loop, a child context, a map, waits. `marker` goes inside a step body. */
export function benchHandler(marker: string): string {
  const out = [
    `import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';`,
    ``,
    `export async function bench(event: { express?: boolean; items?: string[]; n?: number }, context: DurableContext): Promise<number> {`,
    `  let total = 0;`,
  ];
  for (let i = 0; i < 12; i++) out.push(`  total += await context.step('s${i}', async () => ${i} + ${i === 3 ? marker : '0'});`);
  out.push(
    `  if (event.express) {`,
    `    total += await context.step('express-fee', async () => 5);`,
    `    await context.wait('express-pause', { seconds: 1 });`,
    `  } else {`,
    `    total += await context.step('standard-fee', async () => 1);`,
    `  }`,
    `  for (let k = 0; k < (event.n ?? 2); k++) {`,
    `    total += await context.step(\`retry-\${k}\`, async () => k);`,
    `  }`,
    `  total += await context.runInChildContext('child', async (child) => {`,
    `    const a = await child.step('c1', async () => 1);`,
    `    const b = await child.step('c2', async () => 2);`,
    `    await child.wait('c-pause', { seconds: 1 });`,
    `    return a + b + (await child.step('c3', async () => 3));`,
    `  });`,
    `  const priced = await context.map('items', event.items ?? ['a', 'b'], async (itemContext, item) => itemContext.step('price', async () => item.length));`,
    `  total += priced.getResults().reduce((x, y) => x + y, 0);`,
    `  await context.wait('cool-off', { seconds: 5 });`
  );
  for (let i = 12; i < 20; i++) out.push(`  total += await context.step('s${i}', async () => ${i});`);
  out.push(`  return total;`, `}`, ``, `export const handler = withDurableExecution(bench);`, ``);
  return out.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Records `count` executions of the handler with the real testing SDK (time skipped), varied inputs. */
async function record(file: string, folder: string, count: number): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { withDurableExecution } = require('@aws/durable-execution-sdk-js') as typeof import('@aws/durable-execution-sdk-js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { LocalDurableTestRunner } = require('@aws/durable-execution-sdk-js-testing') as typeof import('@aws/durable-execution-sdk-js-testing');
  const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const jsFile = file.replace(/\.ts$/, '.record.cjs');
  fs.writeFileSync(jsFile, js.replace(/require\("@aws\/durable-execution-sdk-js"\)/g, JSON.stringify(require.resolve('@aws/durable-execution-sdk-js')).replace(/^/, 'require(').replace(/$/, ')')));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(jsFile) as { bench: Parameters<typeof withDurableExecution>[0] };
  await LocalDurableTestRunner.setupTestEnvironment({ skipTime: true });
  let events = 0;
  try {
    fs.mkdirSync(folder, { recursive: true });
    for (let i = 0; i < count; i++) {
      const runner = new LocalDurableTestRunner({ handlerFunction: withDurableExecution(mod.bench) });
      const result = await runner.run({ payload: { express: i % 3 === 0, n: 1 + (i % 4), items: ['a', 'bb', 'ccc'].slice(0, 1 + (i % 3)) } });
      const h = result.getHistoryEvents();
      events += h.length;
      fs.writeFileSync(path.join(folder, `bench-${String(i).padStart(3, '0')}.history.json`), JSON.stringify(h));
    }
  } finally {
    await LocalDurableTestRunner.teardownTestEnvironment();
  }
  return events;
}

/** The same in one process (no protocol, no second server competing for the CPU): two decorated services, one with the folder. */
function inProcess(dir: string, file: string, folder: string): { same: [number, number]; breaking: [number, number] } {
  const make = (config: object) => {
    const single = singleFileService(ts, file, dir, benchHandler('0'));
    const info = {
      languageService: single.ls,
      config,
      project: { projectService: { logger: { info: () => undefined } }, getCurrentDirectory: () => dir, getProjectName: () => 'bench' },
      serverHost: ts.sys,
    } as unknown as ts.server.PluginCreateInfo;
    const ls = init({ typescript: ts }).create(info);
    return { ls, edit: single.edit };
  };
  const withRule = make({ historyFolders: [folder] });
  const without = make({});
  const times = { sameWith: [] as number[], sameWithout: [] as number[], breakWith: [] as number[], breakWithout: [] as number[] };
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const pairs = i % 2 === 0 ? ([['With', withRule], ['Without', without]] as const) : ([['Without', without], ['With', withRule]] as const);
    for (const [name, s] of pairs) {
      s.edit(benchHandler(String(i + 1)));
      let t = process.hrtime.bigint();
      s.ls.getSemanticDiagnostics(file);
      if (i >= WARMUP) times[`same${name}`].push(Number(process.hrtime.bigint() - t) / 1e6);
      s.edit(benchHandler(String(i + 1)).replace('  let total = 0;\n', `  let total = 0;\n  await context.step('inserted-${i}', async () => 0);\n`));
      t = process.hrtime.bigint();
      s.ls.getSemanticDiagnostics(file);
      if (i >= WARMUP) times[`break${name}`].push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  return { same: [median(times.sameWith), median(times.sameWithout)], breaking: [median(times.breakWith), median(times.breakWithout)] };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-bench-replay-'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: true, types: ['node'], noEmit: true }, include: ['handler.ts'] }));
  const file = path.join(dir, 'handler.ts');
  fs.writeFileSync(file, benchHandler('0'));
  const folder = path.join(dir, 'histories');
  const t0 = Date.now();
  const events = await record(file, folder, HISTORIES);
  console.log(`recorded ${HISTORIES} executions (${events} events) with the testing SDK in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const withRule = new TsServer();
  const without = new TsServer();
  try {
    for (const s of [withRule, without]) s.open(file, benchHandler('0'));
    const configure = (s: TsServer, configuration: unknown) => s.request('configurePlugin', { pluginName: 'durable-lens-tsplugin', configuration }, 300000);
    await configure(withRule, { historyFolders: [folder] });
    await configure(without, {});
    let t = process.hrtime.bigint();
    const first = await withRule.semanticDiagnostics(file, 300000);
    const coldMs = Number(process.hrtime.bigint() - t) / 1e6;
    await without.semanticDiagnostics(file, 300000);
    const edited = { with: [] as number[], without: [] as number[] };
    const breaking = { with: [] as number[], without: [] as number[] };
    let mismatches = 0;
    // Alternate who goes first after an edit: on a busy machine the first of a pair is not systematically favoured.
    const order = (i: number) => (i % 2 === 0 ? ([['with', withRule], ['without', without]] as const) : ([['without', without], ['with', withRule]] as const));
    for (let i = 0; i < WARMUP + RUNS; i++) {
      // (1) An edit inside a step body: a new program, the operations keep their shape.
      for (const [name, s] of order(i)) {
        await s.request('updateOpen', { openFiles: [{ file, fileContent: benchHandler(String(i + 1)) }] }, 300000);
        t = process.hrtime.bigint();
        await s.semanticDiagnostics(file, 300000);
        if (i >= WARMUP) edited[name].push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      // (2) An edit that breaks every recording (a step inserted first): a new shape each time, every history mapped again.
      for (const [name, s] of order(i)) {
        const text = benchHandler(String(i + 1)).replace('  let total = 0;\n', `  let total = 0;\n  await context.step('inserted-${i}', async () => 0);\n`);
        await s.request('updateOpen', { openFiles: [{ file, fileContent: text }] }, 300000);
        t = process.hrtime.bigint();
        const ds = await s.semanticDiagnostics(file, 300000);
        if (i >= WARMUP) breaking[name].push(Number(process.hrtime.bigint() - t) / 1e6);
        if (name === 'with') mismatches = ds.filter((d) => d.code === 91013).length;
      }
    }
    const ours = first.filter((d) => d.source === 'durable-lens' && d.code === 91013).length;
    const report = (label: string, m: { with: number[]; without: number[] }) => {
      const a = median(m.with);
      const b = median(m.without);
      console.log(`${label}: with ${HISTORIES} histories ${a.toFixed(1)} ms, without ${b.toFixed(1)} ms, ratio ${(a / b).toFixed(2)} (target <= 1.10)`);
    };
    console.log(`tsserver semanticDiagnosticsSync, handler of ~30 operations, median of ${RUNS} after ${WARMUP} warm-up requests`);
    console.log(`first request with the folder (lists, parses and maps every history): ${coldMs.toFixed(1)} ms; replay-mismatch diagnostics on the recorded code: ${ours}`);
    report('edit inside a step body (same shape)     ', edited);
    report('edit inserting a step (every one breaks) ', breaking);
    console.log(`replay-mismatch diagnostics after the breaking edit: ${mismatches} (one per call site, naming the executions)`);
    const ip = inProcess(dir, file, folder);
    for (const [label, [a, b]] of [['in-process, same shape      ', ip.same], ['in-process, inserting a step', ip.breaking]] as const) {
      console.log(`${label}: with ${a.toFixed(1)} ms, without ${b.toFixed(1)} ms, ratio ${(a / b).toFixed(2)} (+${(a - b).toFixed(1)} ms)`);
    }
    console.log(`load average: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} on ${os.cpus().length} CPUs`);
  } finally {
    await withRule.close();
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
