// Unit tests (node, mocha): the text of every finding as the hover and the Problems panel show it (issue 11):
// it names its rule id, the id leads to a doc page that ships, no literal backticks (the hover and Problems show
// plain text, so a backtick would show as itself), and the wording is accurate (randomUUID is a random UUID).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { checkSourceFile } from '../../../src/core/check';
import { RULE_IDS } from '../../../src/core/rules/catalog';
import init = require('../../../src/tsplugin/index');
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

  it('each names its rule id beside the message (its source), and that id has a doc page the .vsix ships', () => {
    const ignore = fs.readFileSync(path.join(REPO_ROOT, '.vscodeignore'), 'utf8');
    assert.match(ignore, /^!docs\/rules\/\*\*$/m);
    // The plugin's diagnostics for the same file, as the editor gets them.
    const service = decoratedService('/t/handler.ts', SOURCE);
    const shown = service.getSemanticDiagnostics('/t/handler.ts').filter((d) => d.source?.startsWith('durable-lens'));
    assert.strictEqual(shown.length, findings.length, 'one diagnostic per finding');
    for (const f of findings) {
      const d = shown.find((x) => x.start === f.start && ts.flattenDiagnosticMessageText(x.messageText, '\n') === f.message);
      assert.ok(d, `shown: ${f.rule} ${f.message}`);
      assert.strictEqual(d.source, `durable-lens/${f.rule}`);
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

/** A language service over one in-memory file, decorated by the plugin as tsserver would. */
function decoratedService(fileName: string, text: string): ts.LanguageService {
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [fileName],
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => (f === fileName ? ts.ScriptSnapshot.fromString(text) : ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f) ?? '') : undefined),
    getCurrentDirectory: () => '/t',
    getCompilationSettings: () => ({ target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, noLib: true }),
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => f === fileName || ts.sys.fileExists(f),
    readFile: (f) => (f === fileName ? text : ts.sys.readFile(f)),
  };
  const languageService = ts.createLanguageService(host);
  const info = {
    languageService,
    languageServiceHost: host,
    project: { projectService: { logger: { info: () => undefined, msg: () => undefined, loggingEnabled: () => false } }, getCurrentDirectory: () => '/t', getProjectName: () => '/t/tsconfig.json' },
    config: {},
    serverHost: ts.sys,
  } as unknown as ts.server.PluginCreateInfo;
  return init({ typescript: ts }).create(info);
}
