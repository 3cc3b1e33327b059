// Unit tests (node, mocha): what the Marketplace page and a first install rely on — the manifest's icon is a
// real PNG of at least 128 px, README images exist and ship in the .vsix, Show Workflow has a keybinding,
// and a plain `vsce package` stops with a message pointing at `npm run package`.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../rules/harness';

interface Manifest {
  icon?: string;
  engines: Record<string, string>;
  scripts: Record<string, string>;
  contributes: { keybindings?: { command: string; key: string; mac?: string }[]; commands: { command: string }[] };
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

describe('marketplace page and first install', () => {
  it('the icon is a PNG of at least 128x128 shipped in the package', () => {
    assert.ok(manifest.icon, 'package.json has an icon');
    const png = fs.readFileSync(path.join(REPO_ROOT, manifest.icon));
    assert.strictEqual(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'PNG signature');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    assert.ok(width >= 128 && height >= 128, `icon is ${width}x${height}`);
    const ignore = fs.readFileSync(path.join(REPO_ROOT, '.vscodeignore'), 'utf8');
    assert.match(ignore, /^!media\/\*\*$/m, 'media/ ships in the .vsix');
  });

  it('every image the README shows exists, is relative and ships in the .vsix', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    assert.ok(images.length > 0, 'the README shows the product');
    const ignore = fs.readFileSync(path.join(REPO_ROOT, '.vscodeignore'), 'utf8');
    for (const src of images) {
      assert.ok(!/^[a-z]+:/i.test(src), `${src}: relative, so the installed extension shows it from its own folder`);
      assert.ok(fs.existsSync(path.join(REPO_ROOT, src)), `${src} exists`);
      const folder = src.split('/').slice(0, -1).join('/');
      assert.ok(ignore.includes(`!${folder}/**`), `${folder}/ is kept in the .vsix by .vscodeignore`);
    }
  });

  it('Show Workflow has a keybinding for TypeScript and JavaScript editors', () => {
    const kb = (manifest.contributes.keybindings ?? []).find((k) => k.command === 'durableLens.showWorkflow');
    assert.ok(kb, 'a keybinding for durableLens.showWorkflow');
    assert.ok(kb.key && kb.mac, 'keys for Windows/Linux and for macOS');
  });

  it('a plain vsce package stops with one message pointing at npm run package', () => {
    assert.strictEqual(manifest.scripts['vscode:prepublish'], 'node test/harness/prepublish.js');
    const env = { ...process.env };
    delete env.DL_PACKAGING;
    const plain = spawnSync(process.execPath, [path.join(REPO_ROOT, 'test/harness/prepublish.js')], { env, encoding: 'utf8' });
    assert.strictEqual(plain.status, 1);
    assert.match(plain.stderr, /npm run package/);
    const ours = spawnSync(process.execPath, [path.join(REPO_ROOT, 'test/harness/prepublish.js')], { env: { ...env, DL_PACKAGING: '1' }, encoding: 'utf8' });
    assert.strictEqual(ours.status, 0, 'npm run package passes through');
  });

  it('the README says which Node the CLI and local runs need', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    assert.match(readme, /Node\.js 20/);
    assert.match(readme, /Node\.js 22/);
  });
});
