#!/usr/bin/env node
// Runs in node (`npm run package`, `npm start`, tests): builds, packages the extension with vsce into
// .vscode-test/durable-lens.vsix, adds the tsserver plugin package, and verifies the archive holds what runs.
// `--base-url URL` (for a Marketplace upload) makes the README's relative images and links absolute under URL
// (`--base-content-url URL2` puts the links under URL2 instead).
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
  /** @param {'usage'|'build'|'vsce'|'zip'|'verify'} reason */
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

/** The bytes of one entry of a zip archive, or undefined when it has none of that name. */
function readZipEntry(file, name) {
  const yauzl = require('yauzl');
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(new PackageError('zip', `cannot read ${file}: ${err.message}`));
      let found = false;
      zip.on('entry', (e) => {
        if (e.fileName !== name) return zip.readEntry();
        found = true;
        zip.openReadStream(e, (er, stream) => {
          if (er) return reject(new PackageError('zip', er.message));
          const chunks = [];
          stream.on('data', (c) => chunks.push(c));
          stream.on('end', () => {
            zip.close();
            resolve(Buffer.concat(chunks));
          });
          stream.on('error', (x) => reject(new PackageError('zip', x.message)));
        });
      });
      zip.on('end', () => {
        if (!found) resolve(undefined);
      });
      zip.on('error', (e) => reject(new PackageError('zip', e.message)));
      zip.readEntry();
    });
  });
}

/**
 * The Marketplace serves a listing's README apart from the package's files, so a relative image there is
 * broken: vsce rewrites relative links under a base URL (where the repository's files are served, e.g.
 * `https://github.com/OWNER/REPO/raw/TAG/`). Without one, links stay relative, which is right for the
 * installed extension, whose README view reads the images shipped in the .vsix.
 */
function baseUrlFlags(baseUrl, baseContentUrl) {
  if (baseUrl === undefined) {
    if (baseContentUrl !== undefined) throw new PackageError('usage', '--base-content-url needs --base-url (where the images are served)');
    return ['--no-rewrite-relative-links'];
  }
  const check = (flag, value) => {
    let u;
    try {
      u = new URL(value);
    } catch {
      throw new PackageError('usage', `${flag} ${JSON.stringify(value)} is not a URL (e.g. https://github.com/OWNER/REPO/raw/v0.1.0/)`);
    }
    if (u.protocol !== 'https:') throw new PackageError('usage', `${flag} must be an https URL (the Marketplace shows no other images): ${value}`);
    return u.href.endsWith('/') ? u.href : `${u.href}/`;
  };
  const images = check('--base-url', baseUrl);
  // Links to pages may go where they read well (GitHub's blob/ view); by default they share the images' base.
  const content = baseContentUrl === undefined ? images : check('--base-content-url', baseContentUrl);
  return ['--baseContentUrl', content, '--baseImagesUrl', images];
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
 * @param {{out?: string, build?: boolean, baseUrl?: string, baseContentUrl?: string, log?: (m: string) => void}} [options]
 * @returns {Promise<{vsix: string, entries: string[], ms: number}>}
 */
async function packageExtension(options = {}) {
  const log = options.log || ((m) => console.log(`[package] ${m}`));
  const out = options.out || DEFAULT_OUT;
  const t0 = Date.now();
  const linkFlags = baseUrlFlags(options.baseUrl, options.baseContentUrl);
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
  const flags = ['--no-dependencies', '--allow-missing-repository', '--skip-license', ...linkFlags, '--allow-package-all-secrets', '--allow-package-env-file'];
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

module.exports = { packageExtension, verifyVsix, listZip, readZipEntry, REQUIRED_ENTRIES, DEFAULT_OUT, PackageError };

if (require.main === module) {
  const args = process.argv.slice(2);
  const valueOf = (flag) => {
    const i = args.indexOf(flag);
    // A flag given without its value is an error (below), not the flag left out.
    return i < 0 ? undefined : (args[i + 1] ?? '');
  };
  const out = valueOf('--out');
  packageExtension({ build: !args.includes('--no-build'), out: out ? path.resolve(out) : undefined, baseUrl: valueOf('--base-url'), baseContentUrl: valueOf('--base-content-url') }).catch((err) => {
    console.error(`package failed (${err.reason || 'unknown'}): ${err.message}`);
    process.exit(1);
  });
}
