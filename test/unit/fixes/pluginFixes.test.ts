// Unit tests (mocha, node): the quick fixes as tsserver hands them out — a real LanguageService over an
// in-memory project, decorated by the plugin — for the order, the preferred name VS Code honours and the
// UserPreferences/FormatCodeSettings the editor passes.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { VSCODE_PREFERRED_FIX_NAME } from '../../../src/core/fixes/fixModel';
import { RULE_CATALOG } from '../../../src/core/rules/catalog';
import { decorateLanguageService } from '../../../src/tsplugin/languageService';
import { REPO_ROOT } from '../rules/harness';

const FILE = '/proj/src/handler.ts';
const SDK_STUB = fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'analysis', 'sdk-stub.d.ts'), 'utf8');

function service(text: string): ts.LanguageService {
  const files = new Map<string, string>([
    [FILE, text],
    ['/proj/node_modules/@aws/durable-execution-sdk-js/package.json', JSON.stringify({ name: '@aws/durable-execution-sdk-js', types: 'index.d.ts' })],
    ['/proj/node_modules/@aws/durable-execution-sdk-js/index.d.ts', SDK_STUB],
  ]);
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts'], strict: true, types: [], skipLibCheck: true };
  const libDir = path.dirname(ts.getDefaultLibFilePath(options));
  const read = (f: string): string | undefined => files.get(f) ?? (f.startsWith(libDir) && fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [FILE],
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => {
      const t = read(f);
      return t === undefined ? undefined : ts.ScriptSnapshot.fromString(t);
    },
    getCurrentDirectory: () => '/proj',
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => read(f) !== undefined,
    readFile: read,
    directoryExists: (d) => d.startsWith(libDir) || [...files.keys()].some((k) => k.startsWith(d.endsWith('/') ? d : `${d}/`)),
    getDirectories: () => [],
  };
  const ls = ts.createLanguageService(host);
  return decorateLanguageService(ts, ls, { current: () => ({ config: {}, generation: 0 }) }, { info: () => undefined });
}

const HANDLER = `import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';
export const handler = withDurableExecution(async (event: unknown, context: DurableContext) => {
  const deadline = Date.now() + 1000;
  return deadline;
});
`;

function fixesAt(ls: ts.LanguageService, code: number, format: ts.FormatCodeSettings, prefs: ts.UserPreferences): readonly ts.CodeFixAction[] {
  const d = ls.getSemanticDiagnostics(FILE).find((x) => x.code === code);
  assert.ok(d && d.start !== undefined && d.length !== undefined, `a ${code} diagnostic`);
  return ls.getCodeFixesAtPosition(FILE, d.start, d.start + d.length, [code], format, prefs);
}

function apply(text: string, fix: ts.CodeFixAction): string {
  const changes = [...fix.changes[0]!.textChanges].sort((a, b) => b.span.start - a.span.start);
  let out = text;
  for (const c of changes) out = out.slice(0, c.span.start) + c.newText + out.slice(c.span.start + c.span.length);
  return out;
}

describe('quick fixes through the decorated language service', () => {
  const code = RULE_CATALOG['nondeterministic-call'].code;

  it('the real fix first under the name VS Code marks preferred, the suppression last', () => {
    const fixes = fixesAt(service(HANDLER), code, {}, {});
    assert.deepStrictEqual(fixes.map((f) => f.fixName), [VSCODE_PREFERRED_FIX_NAME, 'durableLens.suppress']);
    assert.deepStrictEqual(fixes.map((f) => f.description), ['Wrap in context.step (later operation ids shift)', 'Ignore nondeterministic-call on this line']);
  });

  it("follows the file's quotes by default and the user's quotePreference and newLineCharacter when given", () => {
    const ls = service(HANDLER);
    const byFile = apply(HANDLER, fixesAt(ls, code, {}, { quotePreference: 'auto' })[0]!);
    assert.ok(byFile.includes("  const dateNow = await context.step('date-now', async () => Date.now());\n  const deadline = dateNow + 1000;"), byFile);
    const byUser = apply(HANDLER, fixesAt(ls, code, { newLineCharacter: '\r\n' }, { quotePreference: 'double' })[0]!);
    assert.ok(byUser.includes('  const dateNow = await context.step("date-now", async () => Date.now());\r\n  const deadline = dateNow + 1000;'), JSON.stringify(byUser));
  });
});
