// Robustness tier (node, in-process): the plugin's safety net: failures inside it are logged and TypeScript's
// own results returned; a service is never decorated twice; a broken setup leaves TypeScript undecorated.
import * as assert from 'assert';
import * as ts from 'typescript';
import init = require('../../src/tsplugin/index');

const OWN: ts.Diagnostic = { file: undefined, start: 0, length: 1, messageText: 'own', category: ts.DiagnosticCategory.Error, code: 2322 };
const OWN_FIX: ts.CodeFixAction = { fixName: 'tsFix', description: 'TypeScript fix', changes: [] };

function stubService(overrides: Partial<ts.LanguageService> = {}): ts.LanguageService {
  return {
    getSemanticDiagnostics: () => [OWN],
    getSupportedCodeFixes: () => ['2322'],
    getCodeFixesAtPosition: () => [OWN_FIX],
    getProgram: () => {
      throw new Error('program exploded');
    },
    ...overrides,
  } as unknown as ts.LanguageService;
}

function createInfo(ls: ts.LanguageService, logs: string[], projectOverrides: Record<string, unknown> = {}): ts.server.PluginCreateInfo {
  return {
    languageService: ls,
    config: {},
    project: {
      projectService: { logger: { info: (m: string) => logs.push(m) } },
      getCurrentDirectory: () => '/nowhere',
      getProjectName: () => 'stub',
      ...projectOverrides,
    },
    serverHost: { fileExists: () => false, readFile: () => undefined },
  } as unknown as ts.server.PluginCreateInfo;
}

describe('plugin safety net', () => {
  it('returns TypeScript’s own diagnostics and fixes when the analysis throws, and logs why', () => {
    const logs: string[] = [];
    const decorated = init({ typescript: ts }).create(createInfo(stubService(), logs));
    assert.deepStrictEqual(decorated.getSemanticDiagnostics('/x/a.ts'), [OWN]);
    assert.deepStrictEqual(decorated.getCodeFixesAtPosition('/x/a.ts', 0, 1, [2322, 91001], {}, {}), [OWN_FIX]);
    assert.ok(logs.some((l) => /getSemanticDiagnostics\(\/x\/a\.ts\) failed: Error: program exploded/.test(l)), logs.join('\n'));
  });

  it('adds its codes to the supported code fixes and keeps TypeScript’s', () => {
    const decorated = init({ typescript: ts }).create(createInfo(stubService(), []));
    const codes = decorated.getSupportedCodeFixes('/x/a.ts');
    assert.ok(codes.includes('2322') && codes.includes('91001') && codes.includes('91011'));
  });

  it('passes every other call through unchanged and is never decorated twice', () => {
    const plugin = init({ typescript: ts });
    const ls = stubService({ getQuickInfoAtPosition: () => ({ kind: 'x' }) as unknown as ts.QuickInfo });
    const once = plugin.create(createInfo(ls, []));
    assert.deepStrictEqual(once.getQuickInfoAtPosition('/x/a.ts', 0), { kind: 'x' });
    assert.strictEqual(plugin.create(createInfo(once, [])), once);
  });

  it('a broken setup leaves TypeScript’s service undecorated', () => {
    const logs: string[] = [];
    const ls = stubService();
    const result = init({ typescript: ts }).create(
      createInfo(ls, logs, {
        getCurrentDirectory: () => {
          throw new Error('no directory');
        },
      })
    );
    assert.strictEqual(result, ls);
    assert.ok(logs.some((l) => /create failed/.test(l)));
  });

  it('configuration problems from configurePlugin are logged, never thrown', () => {
    const logs: string[] = [];
    const plugin = init({ typescript: ts });
    const decorated = plugin.create(createInfo(stubService({ getProgram: () => undefined }), logs));
    assert.doesNotThrow(() => plugin.onConfigurationChanged!({ rules: 'all' }));
    assert.doesNotThrow(() => plugin.onConfigurationChanged!(null));
    assert.deepStrictEqual(decorated.getSemanticDiagnostics('/x/a.ts'), [OWN]);
    plugin.onConfigurationChanged!({ rules: 'all' });
    decorated.getSemanticDiagnostics('/x/a.ts');
    assert.ok(logs.some((l) => /configurePlugin: "rules" must be an object/.test(l)), logs.join('\n'));
  });
});

describe('plugin scope', () => {
  /** A real language service over in-memory files (unresolved SDK import: recognised by specifier). */
  function realService(files: Record<string, string>): ts.LanguageService {
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => ({ target: ts.ScriptTarget.ES2022, noEmit: true, types: [], lib: ['lib.es2022.d.ts'], noResolve: true }),
      getScriptFileNames: () => Object.keys(files),
      getScriptVersion: () => '1',
      getScriptSnapshot: (f) => (f in files ? ts.ScriptSnapshot.fromString(files[f]) : ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f)!) : undefined),
      getCurrentDirectory: () => '/',
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => f in files || ts.sys.fileExists(f),
      readFile: (f) => files[f] ?? ts.sys.readFile(f),
    };
    return ts.createLanguageService(host);
  }
  const handler = `import { withDurableExecution } from '@aws/durable-execution-sdk-js';\nexport const handler = withDurableExecution(async (event: unknown, context: any) => Math.random());\n`;

  it('analyses the user’s files, not dependencies under node_modules or huge generated files', () => {
    const big = handler + `export const blob = ${JSON.stringify('x'.repeat(1_000_001))};\n`;
    const ls = realService({ '/p/src/a.ts': handler, '/p/node_modules/dep/a.ts': handler, '/p/src/bundle.ts': big });
    const decorated = init({ typescript: ts }).create(createInfo(ls, []));
    const ours = (f: string) => decorated.getSemanticDiagnostics(f).filter((d) => d.source?.startsWith('durable-lens')).map((d) => d.code);
    assert.deepStrictEqual(ours('/p/src/a.ts'), [91001]);
    assert.deepStrictEqual(ours('/p/node_modules/dep/a.ts'), []);
    // Not analysed, and says so: one note (code 91000) at the top of the file, never silence.
    assert.deepStrictEqual(ours('/p/src/bundle.ts'), [91000]);
  });

  // Past about 1,000 levels TypeScript's own binder overflows in its own getSemanticDiagnostics: not ours to catch.
  it('code nested deeper than the analysis can walk gives its findings or a note, never nothing', () => {
    const logs: string[] = [];
    for (const depth of [300, 500, 700]) {
      const deep = `import { withDurableExecution } from '@aws/durable-execution-sdk-js';\nexport const handler = withDurableExecution(async (event: any, context: any) => {\n${'if (event.x) {\n'.repeat(depth)}Math.random();\n${'}\n'.repeat(depth)}});\n`;
      const ls = realService({ '/p/src/deep.ts': deep });
      const decorated = init({ typescript: ts }).create(createInfo(ls, logs));
      const ds = decorated.getSemanticDiagnostics('/p/src/deep.ts').filter((d) => d.source?.startsWith('durable-lens'));
      const codes = ds.map((d) => d.code);
      assert.ok(codes.includes(91001) || codes.includes(91000), `depth ${depth}: ${JSON.stringify(codes)}`);
      const note = ds.find((d) => d.code === 91000);
      if (note) {
        assert.match(ts.flattenDiagnosticMessageText(note.messageText, ' '), /could not fully analyse this file, findings may be missing: .*nests too deeply/);
        assert.ok(logs.some((l) => /internal error: .*nests too deeply/.test(l)), 'and the detail is in the tsserver log');
      }
    }
  });
});
