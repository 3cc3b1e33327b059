// Unit tests (node, mocha): the text of every finding as the hover and the Problems panel show it (issue 11):
// it names its rule id, the id leads to a doc page that ships, no literal backticks (the hover and Problems show
// plain text, so a backtick would show as itself), and the wording is accurate (randomUUID is a random UUID).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { checkSourceFile } from '../../../src/core/check';
import { RULE_IDS } from '../../../src/core/rules/catalog';
import { editorMessage } from '../../../src/tsplugin/languageService';
import { REPO_ROOT } from '../rules/harness';

/** One handler that trips every rule but replay-mismatch, with template literals wherever code is echoed. */
const SOURCE = `import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';
import { randomUUID } from 'node:crypto';
let counter = 0;
export const handler = withDurableExecution(async (event: any, context: DurableContext) => {
  const t = \`\${Date.now()}\`;
  const id = randomUUID();
  await fetch(\`https://example.com/\${event.id}\`);
  await new Promise((r) => setTimeout(r, 1000));
  await context.step(\`s-\${event.id}\`, async () => { await context.wait({ seconds: 1 }); });
  await context.runInChildContext('c', async (child) => { await context.step(async () => 1); });
  let total = 0;
  await context.step('m', async () => { total += 1; });
  context.step(\`floating-\${event.id}\`, async () => 1);
  const stage = process.env[\`STAGE_\${event.id}\`];
  counter++;
  console.log(\`turn \${event.id}\`);
  await Promise.all([context.step(async () => 1), context.step(async () => 2)]);
  const at = await context.step('at', async () => new Date(\`\${event.day}\`));
  event.items.forEach(async (item: any) => { await context.step(\`i-\${item}\`, async () => item); });
  return { t, id, stage, total, at };
});
`;

describe('finding messages as the editor shows them', () => {
  const sf = ts.createSourceFile('/t/handler.ts', SOURCE, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const findings = checkSourceFile(ts, undefined, sf);

  it('the fixture trips every rule that reads code alone', () => {
    const expected = RULE_IDS.filter((id) => id !== 'replay-mismatch');
    assert.deepStrictEqual([...new Set(findings.map((f) => f.rule))].sort(), [...expected].sort());
  });

  it('each names its rule id at the end, and that id has a doc page the .vsix ships', () => {
    const ignore = fs.readFileSync(path.join(REPO_ROOT, '.vscodeignore'), 'utf8');
    assert.match(ignore, /^!docs\/rules\/\*\*$/m);
    for (const f of findings) {
      assert.ok(editorMessage(f.message, f.rule).endsWith(` (durable-lens/${f.rule})`), f.message);
      assert.ok(fs.existsSync(path.join(REPO_ROOT, 'docs', 'rules', `${f.rule}.md`)), `docs/rules/${f.rule}.md`);
    }
  });

  it('no message carries a literal backtick, even where it quotes code written with template literals', () => {
    const withBackticks = findings.filter((f) => f.message.includes('`')).map((f) => `${f.rule}: ${f.message}`);
    assert.deepStrictEqual(withBackticks, []);
  });

  it('randomUUID is described as a random UUID, not random bytes', () => {
    const uuid = findings.find((f) => f.rule === 'nondeterministic-call' && f.message.startsWith('randomUUID()'));
    assert.ok(uuid, 'randomUUID() is flagged');
    assert.match(uuid.message, /returns a random UUID/);
    assert.doesNotMatch(uuid.message, /bytes/);
  });
});
