#!/usr/bin/env node
// Runs in node on a machine that can download VS Code: the same integration suite (out/test/integration) under
// @vscode/test-electron instead of code-server. Not used by `npm test` here (no download possible offline).
//   npm run build && node test/harness/integrationElectron.js [--version stable|insiders|1.95.0]
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');

async function main() {
  const { runTests } = require('@vscode/test-electron');
  const args = process.argv.slice(2);
  const vIdx = args.indexOf('--version');
  const version = vIdx >= 0 ? args[vIdx + 1] : process.env.DL_VSCODE_VERSION || 'stable';
  const results = path.join(ROOT, 'test-results', 'integration-host.json');
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-electron-'));
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(require('./vscodeEnv').defaultSettings(), null, 2));
  try {
    // runTests rejects when run() in the extension host rejects, i.e. when any test fails.
    await runTests({
      version,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(ROOT, 'out', 'test', 'integration', 'index.js'),
      extensionTestsEnv: { DL_INTEGRATION_RESULTS: results },
      launchArgs: [path.join(ROOT, 'samples'), '--user-data-dir', userData, '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
  } finally {
    fs.rmSync(userData, { recursive: true, force: true });
    if (process.env.DL_RESULTS_FILE && fs.existsSync(results)) fs.copyFileSync(results, process.env.DL_RESULTS_FILE);
  }
}

main().catch((err) => {
  console.error(`integration (test-electron) failed: ${err && err.message ? err.message : err}`);
  process.exit(1);
});
