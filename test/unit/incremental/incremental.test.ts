// Unit tier (node, mocha): the incremental model through a real ts.LanguageService whose host bumps file
// versions like tsserver does: findings in the handler file and in helpers in other files follow each edit,
// and an edit re-walks only the edited file and the files that read it.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { createReplayIndex } from '../../../src/core/analysis/replay';
import { checkFile } from '../../../src/core/check';
import { decorateLanguageService } from '../../../src/tsplugin/languageService';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const SDK = `import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';\n`;

/** An in-memory project behind a LanguageServiceHost; `edit` bumps the version of one file, like tsserver. */
class Project {
  readonly dir: string;
  private readonly texts = new Map<string, string>();
  private readonly versions = new Map<string, number>();
  readonly ls: ts.LanguageService;
  readonly logs: string[] = [];
  readonly decorated: ts.LanguageService;

  constructor(files: Record<string, string>) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-incremental-'));
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(this.dir, 'node_modules'), 'dir');
    for (const [name, text] of Object.entries(files)) this.set(name, text);
    const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, skipLibCheck: true, types: [], noEmit: true };
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () => [...this.texts.keys()],
      getScriptVersion: (f) => String(this.versions.get(f) ?? 0),
      getScriptSnapshot: (f) => {
        const t = this.texts.get(f);
        if (t !== undefined) return ts.ScriptSnapshot.fromString(t);
        return fs.existsSync(f) ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, 'utf8')) : undefined;
      },
      getCurrentDirectory: () => this.dir,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => this.texts.has(f) || ts.sys.fileExists(f),
      readFile: (f) => this.texts.get(f) ?? ts.sys.readFile(f),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
    };
    this.ls = ts.createLanguageService(host, ts.createDocumentRegistry());
    this.decorated = decorateLanguageService(ts, this.ls, { current: () => ({ config: {}, generation: 0 }) }, { info: (m) => this.logs.push(m) });
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  set(name: string, text: string): void {
    const f = this.file(name);
    this.texts.set(f, text);
    this.versions.set(f, (this.versions.get(f) ?? 0) + 1);
  }

  remove(name: string): void {
    this.texts.delete(this.file(name));
  }

  /** Our diagnostics in a file as `line rule-code message-start`, through the decorated service. */
  ours(name: string): string[] {
    const f = this.file(name);
    const sf = this.ls.getProgram()!.getSourceFile(f)!;
    return this.decorated
      .getSemanticDiagnostics(f)
      .filter((d) => d.source?.startsWith('durable-lens'))
      .map((d) => `${sf.getLineAndCharacterOfPosition(d.start!).line + 1} ${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  }

  dispose(): void {
    this.ls.dispose();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

const HANDLER = `${SDK}import { charge, stamp } from './helpers';
export const handler = withDurableExecution(async (event: { n: number }, context: DurableContext) => {
  const paid = await charge(context, event.n);
  return { paid, at: stamp() };
});
`;
const HELPERS = `import type { DurableContext } from '@aws/durable-execution-sdk-js';
export async function charge(ctx: DurableContext, n: number): Promise<number> {
  const v = await ctx.step('charge', async () => n * 2);
  return v;
}
export function stamp(): number {
  return 42;
}
`;
const AUDIT = `export function audit(n: number): number {
  return n + Date.now();
}
`;
const OTHER = `${SDK}export const other = withDurableExecution(async (event: unknown, context: DurableContext) => {
  await context.wait({ seconds: 1 });
  return 1;
});
`;

describe('incremental analysis through a LanguageService', function () {
  this.timeout(60000);
  let p: Project;
  beforeEach(() => {
    p = new Project({ 'handler.ts': HANDLER, 'helpers.ts': HELPERS, 'audit.ts': AUDIT, 'other.ts': OTHER });
  });
  afterEach(() => p.dispose());

  it('a helper in another file gaining and losing Date.now() updates its findings, attributed to the handler', () => {
    assert.deepStrictEqual(p.ours('helpers.ts'), []);
    p.set('helpers.ts', HELPERS.replace('  return v;\n', '  return v + Date.now();\n'));
    const found = p.ours('helpers.ts');
    assert.strictEqual(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /^4 91001 `?Date\.now\(\)`?.*reached from handler "handler" \(handler\.ts:\d+\) via handler → charge\)$/);
    // The handler's call into the helper leads there (issue 11: findings you can find).
    assert.deepStrictEqual(p.ours('handler.ts').map((l) => l.split(' ').slice(0, 7).join(' ')), ['4 91001 charge() reaches Date.now() in helpers.ts:4:']);
    p.set('helpers.ts', HELPERS);
    assert.deepStrictEqual(p.ours('helpers.ts'), []);
  });

  it('a plain function the handler calls, edited in its own file, is flagged and then cleared', () => {
    assert.deepStrictEqual(p.ours('helpers.ts'), []);
    p.set('helpers.ts', HELPERS.replace('  return 42;', '  return Math.random();'));
    assert.deepStrictEqual(
      p.ours('helpers.ts').map((l) => l.split(' ').slice(0, 2).join(' ')),
      ['7 91001']
    );
    p.set('helpers.ts', HELPERS);
    assert.deepStrictEqual(p.ours('helpers.ts'), []);
  });

  it('a function whose signature gains a DurableContext becomes a helper (and loses it again)', () => {
    assert.deepStrictEqual(p.ours('audit.ts'), []);
    p.set('audit.ts', `import type { DurableContext } from '@aws/durable-execution-sdk-js';\nexport function audit(ctx: DurableContext, n: number): number {\n  return n + Date.now();\n}\n`);
    assert.deepStrictEqual(p.ours('audit.ts').map((l) => l.split(' ').slice(0, 2).join(' ')), ['3 91001']);
    p.set('audit.ts', AUDIT);
    assert.deepStrictEqual(p.ours('audit.ts'), []);
  });

  it('a handler added to an existing file, then a new file, then both removed', () => {
    p.set('audit.ts', `${SDK}${AUDIT}export const late = withDurableExecution(async (event: unknown, context: DurableContext) => audit(1));\n`);
    assert.deepStrictEqual(p.ours('audit.ts').map((l) => l.split(' ').slice(0, 2).join(' ')), ['3 91001']);
    // A new file (a structural change): its handler reaches stamp() in helpers.ts, which now reads the time.
    p.set('helpers.ts', HELPERS.replace('  return 42;', '  return Date.now();'));
    assert.deepStrictEqual(p.ours('helpers.ts').length, 1);
    p.set('third.ts', `${SDK}import { stamp } from './helpers';\nexport const third = withDurableExecution(async (event: unknown, context: DurableContext) => stamp());\n`);
    assert.deepStrictEqual(p.ours('helpers.ts').length, 1, 'one finding: the first handler reaching it names it');
    p.set('handler.ts', `${SDK}export const handler = withDurableExecution(async (event: unknown, context: DurableContext) => 1);\n`);
    const viaThird = p.ours('helpers.ts');
    assert.strictEqual(viaThird.length, 1, viaThird.join('\n'));
    assert.match(viaThird[0]!, /reached from handler "third"/);
    p.remove('third.ts');
    assert.deepStrictEqual(p.ours('helpers.ts'), [], 'no handler reaches stamp() any more');
    p.set('audit.ts', AUDIT);
    assert.deepStrictEqual(p.ours('audit.ts'), []);
  });

  it('the handler file gaining a finding keeps the helper findings of other files', () => {
    p.set('helpers.ts', HELPERS.replace('  return 42;', '  return Date.now();'));
    assert.strictEqual(p.ours('helpers.ts').length, 1);
    p.set('handler.ts', HANDLER.replace('  return { paid', '  setTimeout(() => undefined, 10);\n  return { paid'));
    assert.deepStrictEqual(p.ours('handler.ts').map((l) => l.split(' ').slice(0, 2).join(' ')), ['5 91003', '6 91001'], 'its own finding, and its call into the helper that reads the time');
    assert.strictEqual(p.ours('helpers.ts').length, 1);
  });

  it('an edit re-walks only the edited file and the files that read it', () => {
    const index = createReplayIndex();
    const check = (name: string) => {
      const program = p.ls.getProgram()!;
      return checkFile(ts, program, program.getSourceFile(p.file(name))!, { index });
    };
    check('handler.ts');
    // First Program: every durable file (handler, helpers, other) is walked once.
    assert.strictEqual(index.stats.unitsWalkedLastProgram, 3);
    p.set('handler.ts', HANDLER.replace('event.n', 'event.n + 1'));
    check('handler.ts');
    assert.strictEqual(index.stats.unitsWalkedLastProgram, 1, 'the handler file only');
    check('other.ts');
    assert.strictEqual(index.stats.unitsWalkedLastProgram, 1, 'the same Program: nothing more to walk');
    p.set('helpers.ts', HELPERS.replace('n * 2', 'n * 3'));
    check('handler.ts');
    assert.strictEqual(index.stats.unitsWalkedLastProgram, 2, 'helpers.ts and the handler file that reads it, not other.ts');
    p.set('audit.ts', AUDIT.replace('n +', 'n -'));
    check('other.ts');
    assert.strictEqual(index.stats.unitsWalkedLastProgram, 0, 'a file without durable code read by no walk costs nothing');
    assert.strictEqual(index.stats.fullRebuilds, 0);
    p.set('fourth.ts', 'export const x = 1;\n');
    check('handler.ts');
    assert.strictEqual(index.stats.fullRebuilds, 1, 'a new file may change module resolution anywhere');
  });
});
