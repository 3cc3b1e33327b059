// Unit tests (node, mocha): every workflow fixture's inferred graph (contract JSON) and Mermaid text are
// compared exactly with the checked-in golden files. After a deliberate change, regenerate and review:
//   npx tsc -p tsconfig.json && UPDATE_GOLDEN=1 node node_modules/mocha/bin/mocha.js out/test/unit/workflow/golden.test.js
//   git diff test/fixtures/workflow/golden
// The JSON is what `durable-lens graph FILE --format json` prints from the repository root (a test checks
// that for two fixtures), and the .mmd what `durable-lens graph FILE` prints.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { graphJson } from '../../../src/core/workflow/json';
import { renderMermaid } from '../../../src/core/workflow/mermaid';
import { GOLDEN, REPO_ROOT, UPDATE_GOLDEN, fixtureFiles, inferFixture, relToRepo } from './support';

/** The same text `durable-lens graph FILE` prints, for one file's handlers. */
export function mermaidOf(name: string): string {
  const hs = inferFixture(name);
  return hs
    .map((h) => (hs.length > 1 ? `%% handler ${h.name} (${relToRepo(h.file)}:${h.line})\n` : '') + renderMermaid(h).text)
    .join('\n');
}

export function jsonOf(name: string): string {
  return JSON.stringify(graphJson(inferFixture(name), relToRepo), null, 2) + '\n';
}

function check(file: string, actual: string): void {
  // Goldens must not depend on where the repository is checked out.
  assert.ok(!actual.includes(REPO_ROOT), `${relToRepo(file)} would contain the absolute checkout path`);
  if (UPDATE_GOLDEN) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  let expected: string;
  try {
    expected = fs.readFileSync(file, 'utf8');
  } catch {
    assert.fail(`missing golden file ${relToRepo(file)}: run with UPDATE_GOLDEN=1 and review it`);
  }
  assert.strictEqual(actual, expected, `${relToRepo(file)} differs (UPDATE_GOLDEN=1 regenerates it; review the diff)`);
}

describe('workflow golden files', () => {
  for (const file of fixtureFiles()) {
    const name = path.basename(file, '.ts');
    it(`${name}: graph JSON`, () => check(path.join(GOLDEN, `${name}.json`), jsonOf(name)));
    it(`${name}: Mermaid text`, () => check(path.join(GOLDEN, `${name}.mmd`), mermaidOf(name)));
  }

  it('every golden file belongs to a fixture (no stale goldens)', () => {
    const names = new Set(fixtureFiles().map((f) => path.basename(f, '.ts')));
    const stale = fs.existsSync(GOLDEN) ? fs.readdirSync(GOLDEN).filter((f) => !names.has(f.replace(/\.(json|mmd)$/, ''))) : [];
    assert.deepStrictEqual(stale, []);
  });
});
