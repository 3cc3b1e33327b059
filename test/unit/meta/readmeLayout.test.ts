// Unit tests (node, mocha): the README is the Marketplace page, so it speaks to users first — install, use, settings,
// CLI — and only then gives the two commands that set everything up from source; the rest of the developer
// material lives in CONTRIBUTING.md and docs/ (issue 11).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../rules/harness';

const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]!);
const section = (title: string) => readme.split(new RegExp(`^## ${title}$`, 'm'))[1]?.split(/^## /m)[0] ?? '';

describe('README: users first, then the two commands from source', () => {
  it('installing, using, the settings and the CLI come before "From source"', () => {
    const from = headings.indexOf('From source');
    assert.ok(from > 0, `a "From source" section: ${JSON.stringify(headings)}`);
    assert.strictEqual(headings[0], 'Install', 'the first section says how to install');
    for (const h of ['Install', 'Settings', 'Command line', 'Requirements']) {
      const i = headings.indexOf(h);
      assert.ok(i >= 0 && i < from, `"${h}" before "From source": ${JSON.stringify(headings)}`);
    }
    for (const use of ['Replay-safety diagnostics', 'Workflow diagram', 'Executions']) {
      const i = headings.findIndex((h) => h.startsWith(use));
      assert.ok(i >= 0 && i < from, `"${use}…" before "From source"`);
    }
  });

  it('"From source" gives exactly the two commands and points at CONTRIBUTING.md for the rest', () => {
    const text = section('From source');
    const blocks = [...text.matchAll(/^```[a-z]*\n([\s\S]*?)\n```$/gm)].map((m) => m[1]!.trim());
    assert.deepStrictEqual(blocks, ['npm ci && npm start', 'npm test']);
    assert.match(text, /\(CONTRIBUTING\.md\)/);
    assert.ok(fs.existsSync(path.join(REPO_ROOT, 'CONTRIBUTING.md')));
  });

  it('the user part carries no developer material (build tools, test tiers, the repository layout)', () => {
    const userPart = readme.split(/^## From source$/m)[0]!;
    for (const dev of [/\bwebpack\b/, /\bmocha\b/, /tsc -p/, /npm run build:dev/, /src\/core\//, /test\/(unit|e2e|integration)\//, /\bnpm run bench\b/]) {
      assert.doesNotMatch(userPart, dev);
    }
  });
});

describe('README: the settings table', () => {
  it('lists every setting the extension contributes (the per-rule severities as one row)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, unknown> } } };
    const table = section('Settings');
    assert.match(table, /\| `durableLens\.rules\.<rule id>` \|/);
    const missing = Object.keys(manifest.contributes.configuration.properties).filter((k) => !k.startsWith('durableLens.rules.') && !table.includes(`| \`${k}\` |`));
    assert.deepStrictEqual(missing, [], 'settings the README does not list');
  });
});
