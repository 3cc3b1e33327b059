#!/usr/bin/env node
// Runs the benchmarks under bench/ one after another (after a build) and prints their figures.
// Benchmarks print figures; they assert nothing. `npm run bench -- workflow render` runs only those.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
// Library modules used by the benchmarks, not benchmarks themselves.
const LIBRARIES = new Set(['workflowGen', 'renderPage', 'singleFileService']);

const wanted = process.argv.slice(2);
const all = fs
  .readdirSync(path.join(root, 'bench'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((name) => !LIBRARIES.has(name));
const selected = wanted.length ? all.filter((name) => wanted.includes(name)) : all;
if (wanted.length && selected.length !== wanted.length) {
  console.error(`unknown benchmark in ${wanted.join(', ')}; benchmarks: ${all.join(', ')}`);
  process.exit(2);
}
if (!process.env.DL_SKIP_BUILD && spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' }).status !== 0) {
  console.error('build failed');
  process.exit(1);
}
let failed = 0;
for (const name of selected) {
  console.log(`\n=== bench: ${name}`);
  const r = spawnSync(process.execPath, [path.join(root, 'out', 'bench', `${name}.js`)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`bench ${name} exited with ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
