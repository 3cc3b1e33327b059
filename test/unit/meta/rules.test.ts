// Unit tests (node, mocha): every rule of the catalogue has a rule file named by its id, a doc page with
// the required sections and a table test; and src/core never imports outward (vscode, extension, …).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { RULE_CATALOG, RULE_IDS } from '../../../src/core/rules/catalog';
import { RULES } from '../../../src/core/rules/registry';
import { REPO_ROOT } from '../rules/harness';

const REQUIRED_SECTIONS = ['## Why', '## Incorrect', '## Correct', '## When not to use it'];

describe('rule meta', () => {
  it('the registry covers exactly the catalogue ids', () => {
    assert.deepStrictEqual(Object.keys(RULES).sort(), [...RULE_IDS].sort());
  });

  for (const id of RULE_IDS) {
    describe(id, () => {
      it('has a rule file named by its id whose meta id matches', () => {
        const file = path.join(REPO_ROOT, 'src', 'core', 'rules', `${id}.ts`);
        assert.ok(fs.existsSync(file), `missing ${file}`);
        assert.strictEqual(RULES[id].meta.id, id);
        assert.ok(fs.readFileSync(file, 'utf8').includes(`id: '${id}'`), 'the rule file declares its own id');
      });
      it('points at its doc page, which has the required sections and names the default severity', () => {
        assert.strictEqual(RULES[id].meta.docs, `docs/rules/${id}.md`);
        const doc = path.join(REPO_ROOT, RULES[id].meta.docs);
        assert.ok(fs.existsSync(doc), `missing ${doc}`);
        const text = fs.readFileSync(doc, 'utf8');
        assert.ok(text.startsWith(`# ${id}\n`), 'the page title is the rule id');
        for (const s of REQUIRED_SECTIONS) assert.ok(text.includes(`\n${s}\n`), `section ${s}`);
        assert.ok(text.includes(`**${RULE_CATALOG[id].defaultSeverity}**`), 'default severity stated');
        assert.ok(text.includes(String(RULE_CATALOG[id].code)), 'diagnostic code stated');
      });
      it('has a table test with valid and invalid cases', () => {
        const test = path.join(REPO_ROOT, 'test', 'unit', 'rules', `${id}.test.ts`);
        assert.ok(fs.existsSync(test), `missing ${test}`);
        const text = fs.readFileSync(test, 'utf8');
        assert.ok(text.includes(`ruleTester('${id}'`), 'uses ruleTester for this id');
        assert.ok(/valid: \[\s*\{/.test(text) && /invalid: \[\s*\{/.test(text), 'non-empty valid and invalid tables');
      });
      it('has messages with text', () => {
        const msgs = Object.values(RULES[id].meta.messages);
        assert.ok(msgs.length > 0 && msgs.every((m) => m.length > 20));
      });
    });
  }
});

describe('dependency direction', () => {
  const FORBIDDEN = [/^vscode$/, /(^|\/)\.\.\/(extension|tsplugin|cli|aws|local)(\/|$)/];
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) files.push(p);
    }
  };
  walk(path.join(REPO_ROOT, 'src', 'core'));

  it('finds the core sources', () => assert.ok(files.length > 10));
  it('nothing under src/core imports vscode, extension, tsplugin, cli, aws or local', () => {
    const offenders: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
      for (const s of specs) if (FORBIDDEN.some((re) => re.test(s))) offenders.push(`${path.relative(REPO_ROOT, f)} imports ${s}`);
    }
    assert.deepStrictEqual(offenders, []);
  });
});
