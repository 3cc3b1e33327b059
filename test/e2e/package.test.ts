// Runs in node (e2e tier): the packaged .vsix as a user receives it — the bundles and the tsserver plugin package
// (tsserver resolves it by name from the extension's node_modules), the Marketplace icon, the README's images and
// the guides it links to; `--base-url` for a Marketplace upload; a plain `vsce package` stopping with a pointer.
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { packagedVsix, REPO_ROOT } from './harness';

interface PackageModule {
  packageExtension(options: { build?: boolean; out?: string; baseUrl?: string; baseContentUrl?: string; log?: (m: string) => void }): Promise<{ vsix: string; entries: string[] }>;
  readZipEntry(file: string, name: string): Promise<Buffer | undefined>;
}
const packaging = require(path.join(REPO_ROOT, 'test', 'harness', 'package.js')) as PackageModule;

/** Markdown images `![alt](src)` and links `[text](href)` (not images), as written. */
function images(markdown: string): string[] {
  return [...markdown.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}
function links(markdown: string): string[] {
  return [...markdown.matchAll(/(?<!!)\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}
const isAbsolute = (u: string) => /^[a-z][a-z0-9+.-]*:/i.test(u);

describe('packaging', function () {
  this.timeout(180_000);

  it('the .vsix contains the extension bundle, the plugin bundle and node_modules/durable-lens-tsplugin', async function () {
    const { entries } = await packagedVsix();
    for (const entry of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/tsplugin.js', 'extension/node_modules/durable-lens-tsplugin/index.js', 'extension/node_modules/durable-lens-tsplugin/package.json']) {
      assert.ok(entries.includes(entry), `${entry} missing from the .vsix`);
    }
    assert.ok(!entries.some((e) => /^extension\/(src|test|samples|out)\//.test(e)), 'sources and tests stay out of the .vsix');
    assert.ok(!entries.some((e) => e.startsWith('extension/node_modules/typescript/')), 'typescript is not shipped: tsserver hands the plugin its own');
  });

  it('the icon its manifest names is a PNG of at least 128 px inside the .vsix', async function () {
    const { vsix, entries } = await packagedVsix();
    const manifest = JSON.parse((await packaging.readZipEntry(vsix, 'extension/package.json'))!.toString('utf8')) as { icon?: string };
    assert.ok(manifest.icon, 'the packaged manifest names an icon');
    const entry = `extension/${manifest.icon.replace(/^\.\//, '')}`;
    assert.ok(entries.includes(entry), `${entry} is in the .vsix`);
    const png = (await packaging.readZipEntry(vsix, entry))!;
    assert.strictEqual(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'a PNG');
    assert.ok(png.readUInt32BE(16) >= 128 && png.readUInt32BE(20) >= 128, `${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`);
  });

  it("the packaged README's images, and the guides its user part links to, are files of the .vsix", async function () {
    const { vsix, entries } = await packagedVsix();
    const readme = (await packaging.readZipEntry(vsix, 'extension/readme.md'))?.toString('utf8');
    assert.ok(readme, 'the .vsix has the README the extension page shows');
    const shown = images(readme);
    assert.ok(shown.length >= 2, `the README shows the product: ${JSON.stringify(shown)}`);
    for (const src of shown) {
      // The installed extension's page reads relative images from the extension's folder.
      assert.ok(!isAbsolute(src), `${src}: relative (shipped), not fetched from elsewhere`);
      assert.ok(entries.includes(`extension/${src}`), `${src} is in the .vsix`);
    }
    // Everything before "From source" is for users: its links must open in the installed extension too.
    const userPart = readme.split(/^## From source$/m)[0]!;
    assert.notStrictEqual(userPart, readme, 'the README has its "From source" part after the user part');
    const missing = links(userPart)
      .filter((href) => !isAbsolute(href) && !href.startsWith('#'))
      .map((href) => href.split('#')[0]!)
      .filter((href) => !entries.includes(`extension/${href}`));
    assert.deepStrictEqual([...new Set(missing)], [], 'pages the README links to for users that the .vsix leaves out');
  });

  it('with --base-url, the packaged README points every image and link at that URL (the Marketplace page)', async function () {
    const out = path.join(os.tmpdir(), `durable-lens-base-url-${process.pid}.vsix`);
    try {
      const base = 'https://github.com/example/durable-lens/raw/v0.1.0/';
      const content = 'https://github.com/example/durable-lens/blob/v0.1.0/';
      await packaging.packageExtension({ build: false, out, baseUrl: base, baseContentUrl: content, log: () => undefined });
      const readme = (await packaging.readZipEntry(out, 'extension/readme.md'))!.toString('utf8');
      const shown = images(readme);
      assert.ok(shown.length >= 2);
      for (const src of shown) assert.ok(src.startsWith(`${base}docs/images/`), `${src} is under the base URL`);
      const relative = links(readme).filter((href) => !isAbsolute(href) && !href.startsWith('#'));
      assert.deepStrictEqual(relative, [], 'no link left relative');
      assert.ok(links(readme).includes(`${content}docs/workflow.md`), 'links to pages go under the content URL');
    } finally {
      fs.rmSync(out, { force: true });
    }
  });

  it('a plain `vsce package` stops before packaging, with one message pointing at `npm run package`', function () {
    const before = fs.readdirSync(REPO_ROOT).filter((f) => f.endsWith('.vsix'));
    const env = { ...process.env };
    delete env.DL_PACKAGING;
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package'], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 120_000 });
    const said = `${r.stdout}${r.stderr}`;
    assert.notStrictEqual(r.status, 0, said);
    assert.match(said, /package with `npm run package`/);
    assert.deepStrictEqual(fs.readdirSync(REPO_ROOT).filter((f) => f.endsWith('.vsix')), before, 'no .vsix written');
  });
});
