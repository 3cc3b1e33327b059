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
