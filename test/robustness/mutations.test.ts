// Robustness tier (node, in-process): 1,000 seeded random mutations of the samples (deleted tokens,
// truncations, garbage) through the plugin's language service decorator: nothing escapes into tsserver and
// TypeScript's own diagnostics are always returned.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import init = require('../../src/tsplugin/index');
import { RULE_CATALOG, RULE_IDS } from '../../src/core/rules/catalog';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const MUTATIONS = 1000;
const SEED = 0x5eed2026;
const OUR_CODES = new Set<number>(RULE_IDS.map((id) => RULE_CATALOG[id].code));

/** mulberry32: small, fast, and the same sequence on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function listTs(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) out.push(...listTs(p));
    else if (e.isFile() && /\.(ts|tsx|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

/** The samples (written by another part of the project); the tsserver fixtures when they are absent. */
function corpus(): string[] {
  const samples = listTs(path.join(REPO_ROOT, 'samples'));
  return samples.length ? samples : listTs(path.join(REPO_ROOT, 'test', 'fixtures', 'tsserver'));
}

const GARBAGE = ['{', '}', '(', ')', '[', ']', ';', ',', '.', '=>', '=', '<', '>', '?', ':', '@', '#', '`', '${', "'", '"', '\\', '/*', '//', '*', '\n', ' ', 'await ', 'async ', 'context.', '.step(', 'withDurableExecution(', 'new ', 'function ', 'return ', 'yield ', '\u2028', '\uFEFF', 'ctx.map(', 'Promise.all(', 'process.env.', 'console.log(', 'Date.now()', '…', '🙂'];

type Mutation = (text: string, rnd: () => number) => string;

const mutations: Record<string, Mutation> = {
  deleteToken(text, rnd) {
    const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
    const tokens: [number, number][] = [];
    while (scanner.scan() !== ts.SyntaxKind.EndOfFileToken) tokens.push([scanner.getTokenStart(), scanner.getTokenEnd()]);
    if (!tokens.length) return text;
    const [s, e] = tokens[Math.floor(rnd() * tokens.length)];
    return text.slice(0, s) + text.slice(e);
  },
  deleteRange(text, rnd) {
    const s = Math.floor(rnd() * text.length);
    return text.slice(0, s) + text.slice(s + 1 + Math.floor(rnd() * 60));
  },
  truncate(text, rnd) {
    return text.slice(0, Math.floor(rnd() * text.length));
  },
  garbage(text, rnd) {
    let out = text;
    const n = 1 + Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) {
      const at = Math.floor(rnd() * out.length);
      out = out.slice(0, at) + GARBAGE[Math.floor(rnd() * GARBAGE.length)] + out.slice(at);
    }
    return out;
  },
  duplicateLines(text, rnd) {
    const lines = text.split('\n');
    const s = Math.floor(rnd() * lines.length);
    const copy = lines.slice(s, s + 1 + Math.floor(rnd() * 5));
    lines.splice(Math.floor(rnd() * lines.length), 0, ...copy);
    return lines.join('\n');
  },
};

describe('robustness: random mutations through the plugin', function () {
  this.timeout(300000);

  it(`${MUTATIONS} mutations: no exception escapes and TypeScript's own diagnostics are returned`, () => {
    const files = corpus();
    assert.ok(files.length > 0, 'no sample or fixture files to mutate');
    const originals = new Map(files.map((f) => [f, fs.readFileSync(f, 'utf8')]));
    const current = new Map(originals);
    const versions = new Map(files.map((f) => [f, 0]));
    // Packages stay unresolved (as in a project without node_modules, which the plugin must handle) so that
    // each new program is cheap; relative imports resolve, so helpers across files are still followed.
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      strict: true,
      skipLibCheck: true,
      allowJs: true,
      types: [],
      lib: ['lib.es2022.d.ts'],
      noEmit: true,
    };
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () => files,
      getScriptVersion: (f) => String(versions.get(f) ?? 0),
      getScriptSnapshot: (f) => {
        const text = current.get(f) ?? (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => REPO_ROOT,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => current.has(f) || ts.sys.fileExists(f),
      readFile: (f) => current.get(f) ?? ts.sys.readFile(f),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      resolveModuleNames: (names, containingFile) =>
        names.map((name) => (name.startsWith('.') ? ts.resolveModuleName(name, containingFile, options, host).resolvedModule : undefined)),
    };
    const ls = ts.createLanguageService(host, ts.createDocumentRegistry());
    const logs: string[] = [];
    const info = {
      languageService: ls,
      languageServiceHost: host,
      config: {},
      project: {
        projectService: { logger: { info: (m: string) => logs.push(m) } },
        getCurrentDirectory: () => REPO_ROOT,
        getProjectName: () => 'robustness',
      },
      serverHost: { fileExists: (f: string) => ts.sys.fileExists(f), readFile: (f: string) => ts.sys.readFile(f), getModifiedTime: (f: string) => ts.sys.getModifiedTime?.(f) },
    } as unknown as ts.server.PluginCreateInfo;
    const plugin = init({ typescript: ts });
    const decorated = plugin.create(info);
    assert.notStrictEqual(decorated, ls, 'the plugin decorates the service');
    assert.strictEqual(plugin.create({ ...info, languageService: decorated } as ts.server.PluginCreateInfo), decorated, 'never decorated twice');

    const rnd = prng(SEED);
    const kinds = Object.keys(mutations);
    const started = Date.now();
    let ourDiagnostics = 0;
    let fixesOffered = 0;
    // Each round mutates every file (each from its original) and then queries every file: one new program per
    // round instead of one per mutation keeps 1,000 mutations within the time budget.
    let done = 0;
    for (let round = 0; done < MUTATIONS; round++) {
      const applied = new Map<string, string>();
      for (const file of files) {
        if (done + applied.size >= MUTATIONS) break;
        const kind = kinds[Math.floor(rnd() * kinds.length)];
        current.set(file, mutations[kind](originals.get(file)!, rnd));
        versions.set(file, versions.get(file)! + 1);
        applied.set(file, kind);
      }
      for (const [file, kind] of applied) {
        const where = `round ${round}, ${kind} of ${path.relative(REPO_ROOT, file)}`;
        let result: readonly ts.Diagnostic[];
        try {
          result = decorated.getSemanticDiagnostics(file);
        } catch (e) {
          assert.fail(`${where}: getSemanticDiagnostics threw ${String(e)}`);
        }
        const own = ls.getSemanticDiagnostics(file);
        const key = (d: ts.Diagnostic) => `${d.code}@${d.start}:${d.length}`;
        const returned = new Set(result.map(key));
        for (const d of own) assert.ok(returned.has(key(d)), `${where}: TypeScript's diagnostic ${key(d)} is missing`);
        const extra = result.filter((d) => OUR_CODES.has(d.code) && d.source?.startsWith('durable-lens'));
        ourDiagnostics += extra.length;
        for (const d of extra.slice(0, 3)) {
          try {
            const fixes = decorated.getCodeFixesAtPosition(file, d.start!, d.start! + d.length!, [d.code], {}, {});
            fixesOffered += fixes.length;
          } catch (e) {
            assert.fail(`${where}: getCodeFixesAtPosition threw ${String(e)}`);
          }
        }
        done++;
      }
    }
    const seconds = (Date.now() - started) / 1000;
    // Both what the plugin's safety net caught and what core reported to its error sink (a rule or phase that threw).
    const failures = logs.filter((l) => / failed: /.test(l) || /\[durable-lens\] internal error: /.test(l));
    console.log(
      `      ${MUTATIONS} mutations of ${files.length} files in ${seconds.toFixed(1)} s: ${ourDiagnostics} durable-lens diagnostics, ` +
        `${fixesOffered} fixes offered, ${failures.length} internal failures caught and logged (safety net and error sink)`
    );
    for (const f of [...new Set(failures.map((l) => l.split('\n')[0]))].slice(0, 5)) console.log(`      logged: ${f}`);
    assert.deepStrictEqual(failures.slice(0, 3), [], 'the analyzer itself should not fail on broken code (the plugin caught and logged these)');
    assert.ok(ourDiagnostics > 0 && fixesOffered > 0, 'mutated samples still produce findings and fixes');
    assert.ok(seconds < 120, `took ${seconds} s (budget: well under 2 minutes)`);
  });
});
