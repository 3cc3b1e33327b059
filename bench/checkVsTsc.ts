// Benchmark (node, prints figures, no assertions): `durable-lens check` against `tsc --noEmit` on a generated
// project (3,000 files by default, DL_BENCH_FILES to change) with durable handlers calling helpers across
// files: wall time and peak RSS.
// Run: npx tsc -p tsconfig.json && npx webpack --mode development && node out/bench/checkVsTsc.js
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const FILES = Number(process.env.DL_BENCH_FILES ?? 3000);
const ROUNDS = Number(process.env.DL_BENCH_ROUNDS ?? 3);

/**
 * A tenth handlers, four tenths durable helpers, half plain modules (types, classes, utilities) importing each
 * other (300 files: 30 handlers, 120 helpers, 150 plain modules).
 */
export function generateProject(dir: string, files = FILES): void {
  const src = path.join(dir, 'src');
  fs.mkdirSync(src, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: true, types: ['node'], noEmit: true }, include: ['src'] }, null, 2)
  );
  const handlers = Math.round(files / 10);
  const helpers = Math.round((files * 4) / 10);
  const plain = files - handlers - helpers;
  for (let p = 0; p < plain; p++) {
    const dep = p > 0 ? `import { Model${p - 1}, util${p - 1} } from './model${p - 1}.js';\n` : '';
    fs.writeFileSync(
      path.join(src, `model${p}.ts`),
      `${dep}export interface Model${p} { id: string; value: number; tags: readonly string[]; nested: { at: number; by: string } }\n` +
        `export class Repo${p}<T extends Model${p}> {\n  private readonly items = new Map<string, T>();\n  put(item: T): void { this.items.set(item.id, item); }\n` +
        `  get(id: string): T | undefined { return this.items.get(id); }\n  sum(): number { let s = 0; for (const v of this.items.values()) s += v.value; return s; }\n` +
        `  byTag(tag: string): T[] { return [...this.items.values()].filter((v) => v.tags.includes(tag)); }\n}\n` +
        `export function util${p}(m: Model${p}): string {\n  const parts = m.tags.map((t, i) => \`\${t}-\${i}\`);\n  return \`\${m.id}:\${parts.join(',')}:\${m.nested.at}\`;\n}\n` +
        (p > 0 ? `export function chain${p}(m: Model${p - 1}): string { return util${p - 1}(m); }\n` : '') +
        `export type Keyed${p} = { [K in keyof Model${p}]: Model${p}[K] extends number ? K : never }[keyof Model${p}];\n`
    );
  }
  for (let h = 0; h < helpers; h++) {
    const model = h % plain;
    const next = h + 1 < helpers && h % 4 !== 3 ? `import { durableHelper${h + 1} } from './helper${h + 1}.js';\n` : '';
    const body =
      h % 6 === 0
        ? `  const stamp = Date.now();\n`
        : h % 6 === 1
          ? `  const stamp = Math.random();\n`
          : `  const stamp = ${h};\n`;
    fs.writeFileSync(
      path.join(src, `helper${h}.ts`),
      `import type { DurableContext } from '@aws/durable-execution-sdk-js';\nimport { Model${model}, util${model} } from './model${model}.js';\n${next}` +
        `export function plainHelper${h}(m: Model${model}): number {\n${body}  return util${model}(m).length + stamp;\n}\n` +
        `export async function durableHelper${h}(ctx: DurableContext, m: Model${model}): Promise<number> {\n` +
        `  const v = await ctx.step('helper-${h}', async () => m.value * 2);\n` +
        (next ? `  const w = await durableHelper${h + 1}(ctx, m as never);\n` : `  const w = 0;\n`) +
        `  return v + w + plainHelper${h}(m);\n}\n`
    );
  }
  for (let k = 0; k < handlers; k++) {
    const h = (k * 4) % helpers;
    const model = h % plain;
    fs.writeFileSync(
      path.join(src, `handler${k}.ts`),
      `import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';\n` +
        `import { durableHelper${h} } from './helper${h}.js';\nimport type { Model${model} } from './model${model}.js';\n` +
        `export const handler${k} = withDurableExecution(async (event: Model${model}, context: DurableContext) => {\n` +
        `  const a = await durableHelper${h}(context, event);\n` +
        `  const b = await context.step('b', async () => a + 1);\n` +
        (k % 3 === 0 ? `  console.log('done', b);\n` : '') +
        (k % 5 === 0 ? `  const started = new Date();\n` : `  const started = 0;\n`) +
        `  await context.wait({ seconds: 1 });\n  return { a, b, started };\n});\n`
    );
  }
}

interface Measure {
  seconds: number;
  peakKb: number;
  status: number | null;
}

function measure(cmd: string[]): Measure {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...cmd], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [seconds, peakKb] = last.split(' ').map(Number);
  return { seconds, peakKb, status: r.status };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function main(): void {
  if (!fs.existsSync('/usr/bin/time')) {
    console.log('checkVsTsc: /usr/bin/time is needed for peak RSS; not found');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-bench-check-'));
  try {
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    generateProject(dir);
    const check = ['node', path.join(REPO_ROOT, 'dist', 'cli.js'), 'check', '--project', path.join(dir, 'tsconfig.json'), '--format', 'json'];
    const tsc = ['node', path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', dir];
    const runs = { check: [] as Measure[], tsc: [] as Measure[] };
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate so that load from other processes affects both alike.
      runs.check.push(measure(check));
      runs.tsc.push(measure(tsc));
    }
    const out = spawnSync(check[0], check.slice(1), { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const found = (JSON.parse(out.stdout) as { diagnostics: unknown[] }).diagnostics.length;
    const t = { check: median(runs.check.map((m) => m.seconds)), tsc: median(runs.tsc.map((m) => m.seconds)) };
    const mem = { check: median(runs.check.map((m) => m.peakKb)), tsc: median(runs.tsc.map((m) => m.peakKb)) };
    console.log(`${FILES}-file project, median of ${ROUNDS} runs each; check found ${found} diagnostics (exit ${runs.check[0].status}), tsc exit ${runs.tsc[0].status}`);
    console.log(`time:   check ${t.check.toFixed(2)} s, tsc --noEmit ${t.tsc.toFixed(2)} s, ratio ${(t.check / t.tsc).toFixed(2)} (target <= 1.0)`);
    console.log(`memory: check ${(mem.check / 1024).toFixed(0)} MB, tsc --noEmit ${(mem.tsc / 1024).toFixed(0)} MB, ratio ${(mem.check / mem.tsc).toFixed(2)} (target <= 1.2)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
