// Bench (node): `node dist/cli.js graph FILE` as a whole process against a bare node process that loads
// TypeScript and parses the same file. Prints medians and the ratio (target <= 1.5).
// Run: npm run build (or npx webpack --mode production --config-name cli), npx tsc -p tsconfig.json,
// then node out/bench/graphCli.js
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { manyOperations } from './workflowGen';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);

const BARE = `const fs = require('fs'); const ts = require(require.resolve('typescript', { paths: [process.cwd()] }));
const f = process.argv[1]; ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true);`;

function time(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr?.toString()}`);
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function main(): void {
  if (!fs.existsSync(CLI)) {
    console.error(`missing ${path.relative(ROOT, CLI)}: build first (npx webpack --mode production --config-name cli)`);
    process.exit(2);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-graph-bench-'));
  const big = path.join(tmp, 'big-handler.ts');
  fs.writeFileSync(big, manyOperations(1000));
  const files = [path.join(ROOT, 'samples', 'order-saga', 'src', 'handler.ts'), path.join(ROOT, 'samples', 'split-handler', 'src', 'handler.ts'), big];
  console.log(`graph CLI process vs bare node + typescript parse, median of ${RUNS} (target ratio <= 1.5); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores:`);
  const out: { file: string; cli: number; bare: number; ratio: number }[] = [];
  try {
    for (const f of files) {
      const cli: number[] = [];
      const bare: number[] = [];
      time([CLI, 'graph', f]); // warm the file cache
      for (let i = 0; i < RUNS; i++) {
        // Interleaved so both see the same machine load.
        cli.push(time([CLI, 'graph', f]));
        bare.push(time(['-e', BARE, f]));
      }
      const row = { file: path.relative(ROOT, f).startsWith('..') ? path.basename(f) : path.relative(ROOT, f), cli: median(cli), bare: median(bare), ratio: median(cli) / median(bare) };
      out.push(row);
      console.log(`  ${row.file.padEnd(40)} cli ${row.cli.toFixed(0).padStart(5)} ms   bare ${row.bare.toFixed(0).padStart(5)} ms   ratio ${row.ratio.toFixed(2)} ${row.ratio <= 1.5 ? 'ok' : 'OVER TARGET'}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(JSON.stringify({ bench: 'graphCli', runs: RUNS, results: out }));
}

main();
