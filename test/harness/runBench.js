#!/usr/bin/env node
// Runs in node (`npm run bench [names…]`): runs each compiled benchmark (out/bench/<name>.js), one process at a
// time so they do not compete for the 2 cores, and prints their figures. Benchmarks print; they never assert.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'out', 'bench');

function main() {
  const wanted = process.argv.slice(2);
  if (!fs.existsSync(OUT)) {
    console.error('out/bench is missing: run `npm run build` (or `npx tsc -p tsconfig.json`) first');
    process.exit(2);
  }
  // Entry points only: helper modules (generators, shared code) have no `require.main === module` block.
  const all = fs
    .readdirSync(OUT)
    .filter((f) => f.endsWith('.js') && /require\.main\s*===\s*module/.test(fs.readFileSync(path.join(OUT, f), 'utf8')))
    .map((f) => f.replace(/\.js$/, ''))
    .sort();
  const selected = wanted.length ? all.filter((n) => wanted.includes(n)) : all;
  const unknown = wanted.filter((n) => !all.includes(n));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ')}`);
    process.exit(2);
  }
  let failed = 0;
  for (const name of selected) {
    console.log(`\n=== bench: ${name}`);
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [path.join(OUT, `${name}.js`)], { cwd: ROOT, stdio: 'inherit' });
    console.log(`(${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s${r.status === 0 ? '' : `, exit ${r.status}`})`);
    if (r.status !== 0) failed++;
  }
  process.exit(failed ? 1 : 0);
}

main();
