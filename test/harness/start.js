#!/usr/bin/env node
// Runs in node (`npm start`): builds, packages and installs the extension into a real VS Code (code-server on
// 127.0.0.1), opens samples/, prints the URL and keeps running until Ctrl+C. `--desktop` uses a desktop VS Code.
//   npm start                      code-server in your browser (no AWS account needed)
//   npm start -- --desktop         desktop VS Code with the repository as a development extension
//   npm start -- --no-build        reuse dist/ as it is;   --port N   fixed port;   --folder DIR   another workspace
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');

function parseArgs(argv) {
  const opts = { desktop: false, build: true, port: undefined, folder: path.join(ROOT, 'samples') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--desktop') opts.desktop = true;
    else if (a === '--no-build') opts.build = false;
    else if (a === '--port') opts.port = Number(argv[++i]);
    else if (a === '--folder') opts.folder = path.resolve(argv[++i]);
    else if (a === '--help' || a === '-h') opts.help = true;
    else throw new Error(`unknown option ${a} (try --help)`);
  }
  if (opts.port !== undefined && !(opts.port > 0 && opts.port < 65536)) throw new Error('--port needs a number between 1 and 65535');
  if (!fs.existsSync(opts.folder)) throw new Error(`folder not found: ${opts.folder}`);
  return opts;
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function build() {
  console.log('[start] building (npm run build:dev)');
  const r = spawnSync('npm', ['run', '--silent', 'build:dev'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

function runDesktop(opts) {
  const code = ['code', 'code-insiders', 'codium'].find(onPath);
  if (!code) {
    console.log(
      [
        'No desktop VS Code (`code`) on PATH. Either:',
        '  - install VS Code and run "Shell Command: Install \'code\' command in PATH", then `npm start -- --desktop`;',
        '  - or open this repository in VS Code and press F5 ("Run Extension" in .vscode/launch.json): it builds and',
        '    opens samples/ in an Extension Development Host;',
        '  - or run `npm start` (no option) for the same extension in code-server in your browser.',
      ].join('\n')
    );
    return 1;
  }
  if (opts.build) build();
  console.log(`[start] ${code} --extensionDevelopmentPath=${ROOT} ${opts.folder}`);
  const r = spawnSync(code, ['--new-window', `--extensionDevelopmentPath=${ROOT}`, opts.folder], { stdio: 'inherit' });
  return r.status ?? 1;
}

async function runCodeServer(opts) {
  const { packageExtension } = require('./package');
  const { startCodeServer, ensureVsCodeEnv } = require('./vscodeEnv');
  const t0 = Date.now();
  ensureVsCodeEnv();
  const { vsix } = await packageExtension({ build: opts.build });
  const server = await startCodeServer({ installVsix: vsix, port: opts.port });
  const url = server.folderUrl(opts.folder);
  let stopping = false;
  const stop = async (why) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[start] ${why}: stopping code-server`);
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Ctrl+C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  console.log(
    [
      '',
      `Durable Lens is running in VS Code (code-server ${require('./vscodeEnv').CODE_SERVER_VERSION}), ready in ${((Date.now() - t0) / 1000).toFixed(1)} s:`,
      '',
      `    ${url}`,
      '',
      `Open a handler (e.g. genai-agent/src/handler.ts) to see the diagnostics; Ctrl+. offers the quick fixes.`,
      `Listening on 127.0.0.1 only. Logs: ${server.logFile}`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n')
  );
  // Keep the process alive while code-server runs; if it dies, say so and exit non-zero.
  const timer = setInterval(() => {
    if (server.exited() && !stopping) {
      clearInterval(timer);
      console.error(`[start] code-server exited unexpectedly; see ${server.logFile}`);
      process.exit(1);
    }
  }, 1000);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    console.log(fs.readFileSync(__filename, 'utf8').split('\n').slice(1, 6).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
    return;
  }
  if (opts.desktop) process.exit(runDesktop(opts));
  await runCodeServer(opts);
}

main().catch((err) => {
  console.error(`[start] failed${err.reason ? ` (${err.reason})` : ''}: ${err.message}`);
  process.exit(1);
});
