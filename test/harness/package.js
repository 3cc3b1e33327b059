#!/usr/bin/env node
// Runs in node (`npm run package`, `npm start`, tests): builds, packages the extension with vsce into
// .vscode-test/durable-lens.vsix, adds the tsserver plugin package, and verifies the archive holds what runs.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const DEFAULT_OUT = path.join(ROOT, '.vscode-test', 'durable-lens.vsix');
const PLUGIN_DIR = path.join('node_modules', 'durable-lens-tsplugin');

/** Entries a working .vsix must hold: the bundles and the plugin package tsserver loads by name. */
const REQUIRED_ENTRIES = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/tsplugin.js',
  'extension/node_modules/durable-lens-tsplugin/package.json',
  'extension/node_modules/durable-lens-tsplugin/index.js',
];

class PackageError extends Error {
  /** @param {'build'|'vsce'|'zip'|'verify'} reason */
  constructor(reason, message) {
    super(message);
    this.name = 'PackageError';
    this.reason = reason;
  }
}

function run(cmd, args, reason, quiet = false) {
  // vsce prints the whole file tree on success: keep its output for failures only.
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: { ...process.env, DL_PACKAGING: '1' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(`${r.stdout || ''}${r.stderr || ''}`);
    throw new PackageError(reason, `${cmd} ${args.join(' ')} failed (exit ${r.status})`);
  }
}

/** Lists the entry names of a zip archive. */
function listZip(file) {
  const yauzl = require('yauzl');
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(new PackageError('zip', `cannot read ${file}: ${err.message}`));
      const names = [];
      zip.on('entry', (e) => {
        names.push(e.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', (e) => reject(new PackageError('zip', e.message)));
      zip.readEntry();
    });
  });
}

/**
 * `vsce package --no-dependencies` never looks inside node_modules/ (its file walk ignores it in that mode),
 * and without the flag it would run `npm list`, which rejects the generated, undeclared plugin package. So we
 * let vsce build the archive and then copy it entry by entry, adding the plugin package's files.
 */
function addFilesToZip(file, extra) {
  const yauzl = require('yauzl');
  const yazl = require('yazl');
  const tmp = `${file}.tmp`;
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(new PackageError('zip', err.message));
      const out = new yazl.ZipFile();
      const sink = fs.createWriteStream(tmp);
      out.outputStream.pipe(sink);
      sink.on('close', () => {
        fs.renameSync(tmp, file);
        resolve();
      });
      const skip = new Set(extra.map((e) => e.name));
      zip.on('entry', (entry) => {
        if (/\/$/.test(entry.fileName) || skip.has(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(new PackageError('zip', e.message));
          const chunks = [];
          stream.on('data', (c) => chunks.push(c));
          stream.on('end', () => {
            out.addBuffer(Buffer.concat(chunks), entry.fileName, { mtime: entry.getLastModDate(), mode: 0o100644 });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => {
        for (const e of extra) out.addFile(e.path, e.name, { mode: 0o100644 });
        out.end();
      });
      zip.on('error', (e) => reject(new PackageError('zip', e.message)));
      zip.readEntry();
    });
  });
}

async function verifyVsix(file) {
  const names = new Set(await listZip(file));
  const missing = REQUIRED_ENTRIES.filter((n) => !names.has(n));
  if (missing.length) throw new PackageError('verify', `${file} is missing ${missing.join(', ')}`);
  const leaked = [...names].filter((n) => /^extension\/(src|test|out|samples|node_modules\/(?!durable-lens-tsplugin\/))/.test(n));
  if (leaked.length) throw new PackageError('verify', `${file} holds files that do not run: ${leaked.slice(0, 5).join(', ')}`);
  return [...names];
}

/**
 * @param {{out?: string, build?: boolean, log?: (m: string) => void}} [options]
 * @returns {Promise<{vsix: string, entries: string[], ms: number}>}
 */
async function packageExtension(options = {}) {
  const log = options.log || ((m) => console.log(`[package] ${m}`));
  const out = options.out || DEFAULT_OUT;
  const t0 = Date.now();
  if (options.build !== false) {
    log('building (tsc + webpack production)');
    run('npm', ['run', '--silent', 'build'], 'build');
  }
  for (const f of ['dist/extension.js', 'dist/tsplugin.js', `${PLUGIN_DIR}/index.js`]) {
    if (!fs.existsSync(path.join(ROOT, f))) throw new PackageError('build', `${f} is missing: run the build first`);
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.rmSync(out, { force: true });
  log(`vsce package -> ${path.relative(ROOT, out)}`);
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  // The secret scan is skipped: it only ever sees our own build output, takes seconds on the webview bundles,
  // and its scanner has crashed on them ("currentLevel is undefined").
  const flags = ['--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--allow-package-all-secrets', '--allow-package-env-file'];
  run(process.execPath, [vsce, 'package', ...flags, '--out', out], 'vsce', true);
  const pluginFiles = fs
    .readdirSync(path.join(ROOT, PLUGIN_DIR))
    .filter((f) => fs.statSync(path.join(ROOT, PLUGIN_DIR, f)).isFile())
    .map((f) => ({ path: path.join(ROOT, PLUGIN_DIR, f), name: `extension/${PLUGIN_DIR}/${f}`.replace(/\\/g, '/') }));
  await addFilesToZip(out, pluginFiles);
  const entries = await verifyVsix(out);
  const ms = Date.now() - t0;
  log(`ok: ${entries.length} entries, ${(fs.statSync(out).size / 1024).toFixed(0)} KiB, plugin package included (${(ms / 1000).toFixed(1)} s)`);
  return { vsix: out, entries, ms };
}

module.exports = { packageExtension, verifyVsix, listZip, REQUIRED_ENTRIES, DEFAULT_OUT, PackageError };

if (require.main === module) {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  packageExtension({ build: !args.includes('--no-build'), out: outIdx >= 0 ? path.resolve(args[outIdx + 1]) : undefined }).catch((err) => {
    console.error(`package failed (${err.reason || 'unknown'}): ${err.message}`);
    process.exit(1);
  });
}
