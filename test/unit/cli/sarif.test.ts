// Unit tier (node): the SARIF writer's rule descriptions: each rule's documentation page shipped in the package
// travels in the log as help.markdown; no helpUri or informationUri is made up when the package names no home.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { renderSarif } from '../../../src/cli/formats';
import { ruleDocMarkdown, toolInfo } from '../../../src/cli/toolInfo';
import { RULE_IDS } from '../../../src/core/rules/catalog';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

describe('SARIF rule help (src/cli/formats.ts, toolInfo.ts)', () => {
  it('finds the rule pages in its own package', () => {
    const info = toolInfo();
    assert.strictEqual(info.packageRoot, ROOT);
    for (const id of RULE_IDS) assert.strictEqual(ruleDocMarkdown(id, info), fs.readFileSync(path.join(ROOT, 'docs', 'rules', `${id}.md`), 'utf8'));
    assert.strictEqual(ruleDocMarkdown('no-such-rule', info), undefined);
    assert.strictEqual(ruleDocMarkdown('../../package', info), undefined, 'only rule ids, never a path');
    assert.strictEqual(ruleDocMarkdown('nondeterministic-call', { ...info, packageRoot: undefined }), undefined);
  });

  it('puts each page in help.markdown with a plain-text help beside it, and no guessed URIs', () => {
    const log = JSON.parse(renderSarif([], { toolVersion: '1.2.3', srcRootUri: 'file:///w/', ruleHelpMarkdown: (id) => `# ${id}\n\nbody` }));
    const driver = log.runs[0].tool.driver;
    assert.strictEqual(driver.informationUri, undefined);
    for (const rule of driver.rules) {
      assert.strictEqual(rule.helpUri, undefined);
      assert.strictEqual(rule.help.markdown, `# ${rule.id}\n\nbody`);
      assert.ok(rule.help.text.length > 0, 'SARIF: text is required beside markdown');
    }
    assert.ok(!/github\.com/.test(JSON.stringify(log)), 'no placeholder repository link');
  });

  it('without a page (the CLI copied out of its package) the rule keeps a plain-text help only', () => {
    const log = JSON.parse(renderSarif([], { toolVersion: '1.2.3', srcRootUri: 'file:///w/', informationUri: 'https://example.test/durable-lens' }));
    const driver = log.runs[0].tool.driver;
    assert.strictEqual(driver.informationUri, 'https://example.test/durable-lens');
    for (const rule of driver.rules) assert.deepStrictEqual(Object.keys(rule.help), ['text']);
  });
});
