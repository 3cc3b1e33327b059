#!/usr/bin/env node
// Runs in node (runAll.js tier "integration"): starts code-server with the smoke-test driver, opens samples/ in
// headless Chromium with a payload that makes the window an Extension Development Host running
// out/test/integration/index.js, waits for the suite's results file, and exits non-zero on failure.
'use strict';
const fs = require('fs');
const path = require('path');
const { ensureVsCodeEnv, startCodeServer, launchChromium, paths } = require('./vscodeEnv');

const ROOT = paths.root;
const SAMPLES = path.join(ROOT, 'samples');
const TESTS_ENTRY = path.join(ROOT, 'out', 'test', 'integration', 'index.js');
// One file per run: several people (or CI and a person) may run the tier from the same checkout at once.
const RUN_ID = `${process.pid}-${Date.now().toString(36)}`;
const HOST_RESULTS = path.join(ROOT, 'test-results', `integration-host-${RUN_ID}.json`);
const HOST_PROGRESS = HOST_RESULTS.replace(/\.json$/, '.progress.log');
const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');
const TIMEOUT_MS = Number(process.env.DL_INTEGRATION_TIMEOUT_MS || 10 * 60 * 1000);

function log(msg) {
  console.log(`[integration] ${msg}`);
}

function writeVerdict(result) {
  const target = process.env.DL_RESULTS_FILE;
  if (!target) return;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, JSON.stringify(result, null, 2));
}

async function main() {
  for (const f of [TESTS_ENTRY, path.join(ROOT, 'dist', 'extension.js'), path.join(ROOT, 'dist', 'tsplugin.js'), path.join(ROOT, 'node_modules', 'durable-lens-tsplugin', 'index.js')]) {
    if (!fs.existsSync(f)) throw Object.assign(new Error(`${path.relative(ROOT, f)} is missing: run \`npm run build\` first`), { reason: 'not-built' });
  }
  const t0 = Date.now();
  ensureVsCodeEnv({ log });
  fs.rmSync(HOST_RESULTS, { force: true });
  fs.rmSync(HOST_PROGRESS, { force: true });
  let server;
  let browser;
  try {
    server = await startCodeServer({ smokeTestDriver: true, log, env: { DL_INTEGRATION_RESULTS: HOST_RESULTS } });
    log(`code-server on ${server.url} (${Date.now() - t0} ms)`);
    const payload = [
      ['extensionDevelopmentPath', server.remoteUri(ROOT)],
      ['extensionTestsPath', server.remoteUri(TESTS_ENTRY)],
    ];
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(server.folderUrl(SAMPLES, payload), { waitUntil: 'domcontentloaded' });
    log('workbench opened as an Extension Development Host on samples/; waiting for the suite');
    const deadline = Date.now() + TIMEOUT_MS;
    let echoed = 0;
    const echoProgress = () => {
      try {
        const text = fs.readFileSync(HOST_PROGRESS, 'utf8');
        if (text.length > echoed) process.stdout.write(text.slice(echoed));
        echoed = text.length;
      } catch {
        /* not started yet */
      }
    };
    while (!fs.existsSync(HOST_RESULTS)) {
      echoProgress();
      if (Date.now() > deadline) {
        fs.mkdirSync(SCREENSHOTS, { recursive: true });
        await page.screenshot({ path: path.join(SCREENSHOTS, 'integration-timeout.png') }).catch(() => undefined);
        const tail = fs.existsSync(server.logFile) ? fs.readFileSync(server.logFile, 'utf8').slice(-4000) : '';
        throw Object.assign(new Error(`no results after ${TIMEOUT_MS / 1000} s (screenshot: test-results/screenshots/integration-timeout.png)\npage errors: ${pageErrors.slice(0, 5).join(' | ')}\ncode-server log tail:\n${tail}`), { reason: 'timeout' });
      }
      if (server.exited()) throw Object.assign(new Error('code-server exited before the suite finished'), { reason: 'crashed' });
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 300)); // the reporter writes the file in one call; let it land
    echoProgress();
    const result = JSON.parse(fs.readFileSync(HOST_RESULTS, 'utf8'));
    fs.rmSync(HOST_RESULTS, { force: true });
    fs.rmSync(HOST_PROGRESS, { force: true });
    writeVerdict(result);
    log(`${result.passed} passed, ${result.failed} failed, ${result.pending} pending in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const f of result.failures || []) log(`FAILED ${f.title}\n${f.error}`);
    return result.failed === 0 && result.passed > 0 ? 0 : 1;
  } finally {
    if (browser) await browser.close().catch(() => undefined);
    if (server) await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[integration] failed (${err.reason || 'error'}): ${err.stack || err.message}`);
    writeVerdict({ passed: 0, failed: 1, pending: 0, failures: [{ title: 'integration harness', error: String(err.message) }] });
    process.exit(1);
  }
);
