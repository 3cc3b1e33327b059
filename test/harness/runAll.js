#!/usr/bin/env node
// Runs every test tier in order (or the tiers named on the command line) and ends with one line
// `N passed, N failed` over all of them. A tier that crashes or writes no results counts as one failure.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const resultsDir = path.join(root, 'test-results');
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const reporter = path.join(__dirname, 'countingReporter.js');

/** Each tier: how to run it; it must leave test-results/<name>.json ({passed, failed, pending}). */
const tiers = [
  { name: 'unit', mocha: 'out/test/unit/**/*.test.js', timeout: 20000 },
  { name: 'tsserver', mocha: 'out/test/tsserver/**/*.test.js', timeout: 60000 },
  { name: 'robustness', mocha: 'out/test/robustness/**/*.test.js', timeout: 600000 },
  { name: 'integration', script: 'test/harness/integration.js' },
  { name: 'e2e', mocha: 'out/test/e2e/**/*.test.js', timeout: 180000, needsVsCode: true },
];

function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === null ? 1 : r.status;
}

function main() {
  const wanted = process.argv.slice(2);
  const selected = wanted.length ? tiers.filter((t) => wanted.includes(t.name)) : tiers;
  if (wanted.length && selected.length !== wanted.length) {
    console.error(`unknown tier in ${wanted.join(', ')}; tiers: ${tiers.map((t) => t.name).join(', ')}`);
    process.exit(2);
  }
  fs.rmSync(resultsDir, { recursive: true, force: true });
  fs.mkdirSync(resultsDir, { recursive: true });

  if (!process.env.DL_SKIP_BUILD) {
    console.log('\n=== build');
    if (run('npm', ['run', '--silent', 'build']) !== 0) {
      console.log('\nbuild failed');
      console.log('0 passed, 1 failed');
      process.exit(1);
    }
  }

  const totals = { passed: 0, failed: 0, pending: 0 };
  const summary = [];
  for (const tier of selected) {
    console.log(`\n=== tier: ${tier.name}`);
    const file = path.join(resultsDir, `${tier.name}.json`);
    const env = { DL_RESULTS_FILE: file };
    let status;
    if (tier.script) {
      status = run(process.execPath, [path.join(root, tier.script)], env);
    } else {
      const files = tier.mocha;
      status = run(process.execPath, [mocha, '--reporter', reporter, '--timeout', String(tier.timeout), '--exit', files], env);
    }
    let result;
    try {
      result = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      result = { passed: 0, failed: 1, pending: 0, crashed: true };
    }
    if (status !== 0 && result.failed === 0) result.failed = 1; // exited non-zero without a failing test: count it
    totals.passed += result.passed;
    totals.failed += result.failed;
    totals.pending += result.pending || 0;
    summary.push(`${tier.name}: ${result.passed} passed, ${result.failed} failed${result.crashed ? ' (no results: crashed or not run)' : ''}`);
  }
  console.log('\n=== summary');
  for (const line of summary) console.log(line);
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  process.exit(totals.failed > 0 ? 1 : 0);
}

main();
