// Runs in the VS Code extension host (code-server via the smoke-test payload, or @vscode/test-electron): the
// extensionTestsPath entry. Runs mocha over out/test/integration/**/*.test.js and writes a results file, because
// under code-server nothing reads the exit status.
import * as fs from 'fs';
import * as path from 'path';
import Mocha = require('mocha');

const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** Where the results go: $DL_INTEGRATION_RESULTS, else a fixed file the harness polls for. */
export function integrationResultsFile(): string {
  return process.env.DL_INTEGRATION_RESULTS || path.join(repoRoot, 'test-results', 'integration-host.json');
}

function testFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => path.join(dir, f))
    .sort();
}

export async function run(): Promise<void> {
  const resultsFile = integrationResultsFile();
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.rmSync(resultsFile, { force: true });
  const grep = process.env.DL_INTEGRATION_GREP;
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 90_000,
    reporter: require(path.join(repoRoot, 'test', 'harness', 'countingReporter.js')),
    reporterOptions: { output: resultsFile },
    ...(grep ? { grep } : {}),
  });
  for (const file of testFiles(__dirname)) mocha.addFile(file);
  // The extension host's stdout is not visible under code-server: a progress file lets the harness echo it live.
  const progressFile = resultsFile.replace(/\.json$/, '') + '.progress.log';
  fs.writeFileSync(progressFile, '');
  const progress = (line: string) => fs.appendFileSync(progressFile, `${line}\n`);
  try {
    const failures = await new Promise<number>((resolve) => {
      const runner = mocha.run(resolve);
      runner.on('pass', (t) => progress(`  ok   ${t.fullTitle()} (${t.duration ?? 0} ms)`));
      runner.on('fail', (t, err) => progress(`  FAIL ${t.fullTitle()}: ${String((err as Error)?.message ?? err).split('\n')[0]}`));
      runner.on('pending', (t) => progress(`  skip ${t.fullTitle()}`));
    });
    if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
  } catch (err) {
    // A suite that cannot even load still has to leave a verdict for the harness.
    if (!fs.existsSync(resultsFile)) {
      fs.writeFileSync(resultsFile, JSON.stringify({ passed: 0, failed: 1, pending: 0, failures: [{ title: 'integration suite', error: String((err as Error)?.stack ?? err) }] }, null, 2));
    }
    throw err;
  }
}
