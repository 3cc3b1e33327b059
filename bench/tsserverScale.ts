// Benchmark (node, prints figures, no assertions): the editor at project scale. Generated projects of 300,
// 1,000 and 3,000 files (plain modules, durable handlers and helpers importing each other) opened in two real
// tsservers side by side, with the plugin and without; one small handler is edited and its semantic
// diagnostics asked for, alternately on both; then the same with one 20 MB durable file in the project.
// Run: npx tsc -p tsconfig.json && npx webpack --mode production --config-name tsplugin && node out/bench/tsserverScale.js
// DL_BENCH_SIZES=300,1000 DL_BENCH_RUNS=15 DL_BENCH_BIG=0 to change what runs.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { generateProject } from './checkVsTsc';
import { REPO_ROOT, TsServer } from '../test/tsserver/tsserverClient';
import init = require('../src/tsplugin/index');

const SIZES = (process.env.DL_BENCH_SIZES ?? '300,1000,3000').split(',').map(Number);
const RUNS = Number(process.env.DL_BENCH_RUNS ?? 21);
const WARMUP = 4;
const BIG = process.env.DL_BENCH_BIG !== '0';
/** The open-project request of a 3,000-file project takes a while on two shared cores. */
const FIRST_REQUEST_MS = 600000;

/** The small handler that is edited: two lines of body, a helper from another file. */
function smallHandler(edit: number): string {
  return (
    `import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';\n` +
    `import { durableHelper0 } from './helper0.js';\n` +
    `import type { Model0 } from './model0.js';\n` +
    `export const small = withDurableExecution(async (event: Model0, context: DurableContext) => {\n` +
    `  const v = await durableHelper0(context, event);\n` +
    `  return v + ${edit};\n` +
    `});\n`
  );
}

/** About 20 MB of durable code in one file: one handler with many steps (generated code nobody edits). */
function bigDurableFile(targetChars: number): string {
  const head = `import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';\nexport const big = withDurableExecution(async (event: { n: number }, context: DurableContext) => {\n  let total = 0;\n`;
  const parts: string[] = [head];
  let size = head.length;
  for (let i = 0; size < targetChars; i++) {
    const line = `  total += await context.step('s${i}', async () => event.n * ${i % 97}); if (total > ${i}) { total -= ${i % 13}; }\n`;
    parts.push(line);
    size += line.length;
  }
  parts.push('  return total;\n});\n');
  return parts.join('');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

interface Row {
  label: string;
  withMs: number;
  withoutMs: number;
  ours: number;
  inProcess: { plain: number; decorated: number };
}

/**
 * The same edit in one process and one LanguageService decorated by the plugin: first TypeScript's own
 * request (a new Program, the file checked), then the decorated request, whose TypeScript part is answered
 * from the Program's cache, so its time is the plugin's own cost. No protocol and no second server competing
 * for the CPU: much less noisy on a busy machine than the two-server figure.
 */
function inProcessMedians(dir: string, file: string): { plain: number; decorated: number } {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(dir, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  let content = smallHandler(0);
  let version = 0;
  const names = [...new Set([...parsed.fileNames, file])];
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => parsed.options,
    getScriptFileNames: () => names,
    getScriptVersion: (f) => (f === file ? String(version) : '0'),
    getScriptSnapshot: (f) => (f === file ? ts.ScriptSnapshot.fromString(content) : fs.existsSync(f) ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, 'utf8')) : undefined),
    getCurrentDirectory: () => dir,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => f === file || ts.sys.fileExists(f),
    readFile: (f) => (f === file ? content : ts.sys.readFile(f)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
    getProjectVersion: () => String(version),
  };
  const ls = ts.createLanguageService(host);
  const info = {
    languageService: ls,
    languageServiceHost: host,
    config: {},
    project: { projectService: { logger: { info: () => undefined } }, getCurrentDirectory: () => dir, getProjectName: () => 'bench' },
    serverHost: { fileExists: ts.sys.fileExists, readFile: ts.sys.readFile },
  } as unknown as ts.server.PluginCreateInfo;
  const service = init({ typescript: ts }).create(info);
  const own: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    content = smallHandler(i + 1);
    version++;
    let t = process.hrtime.bigint();
    ls.getSemanticDiagnostics(file);
    const tsMs = Number(process.hrtime.bigint() - t) / 1e6;
    t = process.hrtime.bigint();
    service.getSemanticDiagnostics(file);
    const pluginMs = Number(process.hrtime.bigint() - t) / 1e6;
    if (i >= WARMUP) {
      own.push(tsMs);
      ours.push(pluginMs);
    }
  }
  ls.dispose();
  const plain = median(own);
  return { plain, decorated: plain + median(ours) };
}

async function measureProject(label: string, files: number, bigChars: number): Promise<Row> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-bench-scale-'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  generateProject(dir, files);
  const file = path.join(dir, 'src', 'small.ts');
  fs.writeFileSync(file, smallHandler(0));
  if (bigChars > 0) fs.writeFileSync(path.join(dir, 'src', 'generated.ts'), bigDurableFile(bigChars));
  const withPlugin = new TsServer();
  const without = new TsServer({ globalPlugin: false });
  try {
    for (const s of [withPlugin, without]) s.open(file);
    // The first request loads the project (and, with the plugin, walks every durable file once); both load at once.
    const timed = async (s: TsServer) => {
      const t = process.hrtime.bigint();
      const ds = await s.semanticDiagnostics(file, FIRST_REQUEST_MS);
      return { ds, ms: Number(process.hrtime.bigint() - t) / 1e6 };
    };
    const [a, b] = await Promise.all([timed(withPlugin), timed(without)]);
    const first = a.ds;
    const firstWith = a.ms;
    const firstWithout = b.ms;
    const times = { with: [] as number[], without: [] as number[] };
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const content = smallHandler(i + 1);
      // Alternate which server goes first, so load from other processes falls on both alike.
      const order = i % 2 === 0 ? ([['with', withPlugin], ['without', without]] as const) : ([['without', without], ['with', withPlugin]] as const);
      for (const [name, s] of order) {
        await s.request('updateOpen', { changedFiles: [{ fileName: file, textChanges: [{ start: { line: 1, offset: 1 }, end: { line: 8, offset: 1 }, newText: content }] }] });
        const t = process.hrtime.bigint();
        await s.semanticDiagnostics(file, 120000);
        if (i >= WARMUP) times[name].push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }
    const ours = first.filter((d) => d.source === 'durable-lens').length;
    console.log(`  ${label}: project load + first request (both at once): with ${(firstWith / 1000).toFixed(1)} s, without ${(firstWithout / 1000).toFixed(1)} s`);
    const inProcess = inProcessMedians(dir, file);
    return { label, withMs: median(times.with), withoutMs: median(times.without), ours, inProcess };
  } finally {
    await withPlugin.close();
    await without.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const measured = (r: Row) => {
    rows.push(r);
    console.log(`  ${r.label}: with ${r.withMs.toFixed(1)} ms, without ${r.withoutMs.toFixed(1)} ms; in-process plugin ${(r.inProcess.decorated - r.inProcess.plain).toFixed(1)} ms (loadavg ${os.loadavg()[0].toFixed(2)})`);
  };
  for (const n of SIZES) measured(await measureProject(`${n} files`, n, 0));
  if (BIG) measured(await measureProject(`1000 files + one 20 MB durable file`, 1000, 20_000_000));
  console.log(`tsserver semanticDiagnosticsSync on a small handler after each edit, median of ${RUNS} edits after ${WARMUP} warm-up edits (loadavg ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  for (const r of rows) {
    console.log(`${r.label.padEnd(38)} with plugin ${r.withMs.toFixed(1).padStart(7)} ms, without ${r.withoutMs.toFixed(1).padStart(7)} ms, ratio ${(r.withMs / r.withoutMs).toFixed(2)} (target <= 1.15)`);
    console.log(`${''.padEnd(38)} in-process: TypeScript ${r.inProcess.plain.toFixed(1).padStart(7)} ms + plugin ${(r.inProcess.decorated - r.inProcess.plain).toFixed(1).padStart(6)} ms, ratio ${(r.inProcess.decorated / r.inProcess.plain).toFixed(2)}`);
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
