// Unit tier (node): the CLI's one folder walk (src/cli/sources.ts), used by `check` for folders and by `graph` for
// invoke targets: which folders are skipped, which files count, the order, depth limits, and symbolic links.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isSourceFile, listSources, walkSources } from '../../../src/cli/sources';
import { tempProjects } from './cliHarness';

const temp = tempProjects('dl-sources-');

/** A project of the given files, each the same line of source. */
function tree(files: readonly string[]): string {
  return temp(Object.fromEntries(files.map((name) => [name, 'export const x = 1;\n'])));
}

/** Relative, forward-slashed paths: what the assertions compare. */
function rel(dir: string, files: readonly string[]): string[] {
  return files.map((f) => path.relative(dir, f).split(path.sep).join('/'));
}

describe('CLI source walk (src/cli/sources.ts)', () => {
  it('skips dependencies, build and coverage output and dot-folders, at any depth', () => {
    const dir = tree([
      'src/a.ts',
      'src/node_modules/dep/index.ts',
      'node_modules/dep/index.js',
      '.git/hooks/pre-commit.js',
      '.vscode-test/x.ts',
      'dist/cli.js',
      'out/src/a.js',
      'build/a.js',
      'coverage/lcov-report/prettify.js',
      'packages/api/dist/index.js',
      'packages/api/src/handler.ts',
    ]);
    assert.deepStrictEqual(rel(dir, listSources(dir)), ['packages/api/src/handler.ts', 'src/a.ts']);
  });

  it('walks a folder given explicitly even when its own name would be skipped', () => {
    const dir = tree(['dist/a.js', 'dist/out/b.js', '.hidden/c.ts']);
    assert.deepStrictEqual(rel(dir, listSources(path.join(dir, 'dist'))), ['dist/a.js']);
    assert.deepStrictEqual(rel(dir, listSources(path.join(dir, '.hidden'))), ['.hidden/c.ts']);
  });

  it('takes .ts .tsx .js .mjs .cjs and leaves declaration files and everything else', () => {
    const dir = tree(['a.ts', 'b.tsx', 'c.js', 'd.mjs', 'e.cjs', 'f.d.ts', 'g.d.mts', 'h.d.cts', 'i.jsx', 'j.json', 'k.md', 'l.TS', 'm.mts']);
    assert.deepStrictEqual(rel(dir, listSources(dir)), ['a.ts', 'b.tsx', 'c.js', 'd.mjs', 'e.cjs']);
    assert.ok(isSourceFile('/x/handler.ts') && !isSourceFile('/x/types.d.ts') && !isSourceFile('/x/types.d.cts'));
  });

  it('is depth first in code-unit order of names, the same on every run and file system', () => {
    // Created in a scrambled order: the order on disk (or of readdir) must not leak into the output.
    const dir = tree(['b/z.ts', 'a.ts', 'B.ts', 'a/b.ts', '_x.ts', 'a/a/c.ts', 'a-b.ts', 'é.ts', '10.ts', '9.ts']);
    // A folder's files come where its name sorts: 'a' < 'a-b.ts' < 'a.ts' ('-' is before '.').
    const expected = ['10.ts', '9.ts', 'B.ts', '_x.ts', 'a/a/c.ts', 'a/b.ts', 'a-b.ts', 'a.ts', 'b/z.ts', 'é.ts'];
    assert.deepStrictEqual(rel(dir, listSources(dir)), expected);
    assert.deepStrictEqual(rel(dir, [...walkSources(dir)]), expected);
  });

  it('maxDepth limits how many folder levels below the start are entered', () => {
    const dir = tree(['0.ts', 'a/1.ts', 'a/b/2.ts', 'a/b/c/3.ts', 'a/b/c/d/4.ts']);
    assert.deepStrictEqual(rel(dir, listSources(dir, { maxDepth: 0 })), ['0.ts']);
    assert.deepStrictEqual(rel(dir, listSources(dir, { maxDepth: 3 })), ['0.ts', 'a/1.ts', 'a/b/2.ts', 'a/b/c/3.ts']);
    assert.strictEqual(listSources(dir).length, 5);
  });

  it('does not follow symbolic links: a loop ends, and no file is listed twice', function () {
    const dir = tree(['src/real.ts', 'src/sub/deep.ts']);
    try {
      fs.symlinkSync('..', path.join(dir, 'src', 'sub', 'up'), 'dir'); // a loop back to src/
      fs.symlinkSync('.', path.join(dir, 'src', 'self'), 'dir'); // a loop onto itself
      fs.symlinkSync(path.join(dir, 'src'), path.join(dir, 'mirror'), 'dir'); // the same files under another name
      fs.symlinkSync('real.ts', path.join(dir, 'src', 'alias.ts'), 'file');
      fs.symlinkSync('missing.ts', path.join(dir, 'src', 'dangling.ts'), 'file');
    } catch (e) {
      // Windows without the symlink privilege: nothing to check there.
      if ((e as NodeJS.ErrnoException).code === 'EPERM') this.skip();
      throw e;
    }
    const t0 = Date.now();
    const files = rel(dir, listSources(dir));
    assert.deepStrictEqual(files, ['src/real.ts', 'src/sub/deep.ts']);
    assert.ok(Date.now() - t0 < 5_000, 'the walk ends at once');
  });

  it('is lazy: a caller with a budget stops the walk early', () => {
    const dir = tree(['a/1.ts', 'b/2.ts', 'c/3.ts']);
    const it = walkSources(dir);
    assert.strictEqual(rel(dir, [it.next().value as string])[0], 'a/1.ts');
    // Removing a folder that was not reached yet is fine: nothing was read ahead.
    fs.rmSync(path.join(dir, 'c'), { recursive: true });
    assert.deepStrictEqual(rel(dir, [...it]), ['b/2.ts']);
  });

  it('a missing or unreadable start folder gives no files rather than an error', () => {
    assert.deepStrictEqual(listSources(path.join(os.tmpdir(), 'dl-sources-does-not-exist')), []);
  });
});
