// Test helper (unit tier, node): an in-memory TypeScript project (custom CompilerHost) to run the
// analyzer on, in resolved mode (Program, checker, an SDK stub in node_modules) or syntax-only mode.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import type { CheckOptions, Finding } from '../../../src/core/analysis/model';
import { checkSourceFile } from '../../../src/core/check';
import type { RuleId } from '../../../src/core/rules/catalog';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const PROJECT_DIR = '/proj';
export const MAIN_FILE = '/proj/src/handler.ts';
const SDK_STUB = fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'analysis', 'sdk-stub.d.ts'), 'utf8');

export type Mode = 'program' | 'program-unresolved' | 'syntax';
export const ALL_MODES: readonly Mode[] = ['program', 'program-unresolved', 'syntax'];

/** Lib files parsed once for the whole run: they are by far the most expensive part of a program. */
const libCache = new Map<string, ts.SourceFile>();

const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  allowJs: true,
  strict: true,
  noEmit: true,
  types: [],
  skipLibCheck: true,
};

/**
 * Builds a program over `files` (absolute paths under /proj). With `sdk` the SDK stub is installed under
 * /proj/node_modules so imports resolve; without it they do not (as before `npm install`).
 */
export function createProject(files: Readonly<Record<string, string>>, sdk: boolean): ts.Program {
  const all = new Map<string, string>(Object.entries(files));
  if (sdk) {
    all.set('/proj/node_modules/@aws/durable-execution-sdk-js/package.json', JSON.stringify({ name: '@aws/durable-execution-sdk-js', types: 'index.d.ts' }));
    all.set('/proj/node_modules/@aws/durable-execution-sdk-js/index.d.ts', SDK_STUB);
  }
  const libDir = path.dirname(ts.getDefaultLibFilePath(compilerOptions));
  const host: ts.CompilerHost = {
    getSourceFile(fileName, languageVersion) {
      const text = all.get(fileName);
      if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
      if (fileName.startsWith(libDir)) {
        let sf = libCache.get(fileName);
        if (!sf && fs.existsSync(fileName)) {
          sf = ts.createSourceFile(fileName, fs.readFileSync(fileName, 'utf8'), languageVersion, true);
          libCache.set(fileName, sf);
        }
        return sf;
      }
      return undefined;
    },
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    writeFile: () => undefined,
    getCurrentDirectory: () => PROJECT_DIR,
    getDirectories: () => [],
    fileExists: (f) => all.has(f) || (f.startsWith(libDir) && fs.existsSync(f)),
    readFile: (f) => all.get(f) ?? (f.startsWith(libDir) ? fs.readFileSync(f, 'utf8') : undefined),
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    directoryExists: (d) => d === PROJECT_DIR || [...all.keys()].some((k) => k.startsWith(d.endsWith('/') ? d : d + '/')) || d.startsWith(libDir),
  };
  const roots = [...all.keys()].filter((f) => !f.includes('/node_modules/') && /\.(ts|tsx|js|mjs|cjs)$/.test(f));
  return ts.createProgram(roots, compilerOptions, host);
}

/** Findings for `file` in a project of `files` under the given mode. */
export function check(files: Readonly<Record<string, string>>, file: string, mode: Mode, options?: CheckOptions): { findings: Finding[]; sf: ts.SourceFile } {
  if (mode === 'syntax') {
    const text = files[file];
    if (text === undefined) throw new Error(`no file ${file}`);
    const kind = /\.jsx?$|\.mjs$|\.cjs$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, kind);
    return { findings: checkSourceFile(ts, undefined, sf, options), sf };
  }
  const program = createProject(files, mode === 'program');
  const sf = program.getSourceFile(file);
  if (!sf) throw new Error(`file ${file} not in program`);
  return { findings: checkSourceFile(ts, program, sf, options), sf };
}

export interface ExpectedError {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** Substrings the message must contain. */
  readonly message?: string | readonly string[];
}

export interface ValidCase {
  readonly name: string;
  readonly code: string;
  /** Extra files of the project (absolute paths); the case's code is MAIN_FILE unless `filename`. */
  readonly files?: Readonly<Record<string, string>>;
  readonly filename?: string;
  /** The file whose findings are checked (default: the case's own file), e.g. a helper in another file. */
  readonly checkFile?: string;
  readonly modes?: readonly Mode[];
  readonly options?: CheckOptions;
}

export interface InvalidCase extends ValidCase {
  readonly errors: readonly ExpectedError[];
}

/** 1-based positions of a finding, as the CLI prints them. */
export function positionOf(sf: ts.SourceFile, f: Finding): { line: number; column: number; endLine: number; endColumn: number } {
  const s = sf.getLineAndCharacterOfPosition(f.start);
  const e = sf.getLineAndCharacterOfPosition(f.end);
  return { line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
}

/**
 * typescript-eslint style table test for one rule: every valid case has no finding of the rule, every
 * invalid case has exactly the expected findings (positions and message fragments), in every mode.
 */
export function ruleTester(rule: RuleId, cases: { valid: readonly ValidCase[]; invalid: readonly InvalidCase[] }): void {
  describe(rule, () => {
    describe('valid', () => {
      for (const c of cases.valid) {
        for (const mode of c.modes ?? ALL_MODES) {
          it(`${c.name} [${mode}]`, () => {
            const file = c.filename ?? MAIN_FILE;
            const { findings, sf } = check({ ...(c.files ?? {}), [file]: c.code }, c.checkFile ?? file, mode, c.options);
            const mine = findings.filter((f) => f.rule === rule);
            assert.deepStrictEqual(
              mine.map((f) => ({ ...positionOf(sf, f), message: f.message })),
              [],
              'expected no findings',
            );
          });
        }
      }
    });
    describe('invalid', () => {
      for (const c of cases.invalid) {
        for (const mode of c.modes ?? ALL_MODES) {
          it(`${c.name} [${mode}]`, () => {
            const file = c.filename ?? MAIN_FILE;
            const { findings, sf } = check({ ...(c.files ?? {}), [file]: c.code }, c.checkFile ?? file, mode, c.options);
            const mine = findings.filter((f) => f.rule === rule);
            assert.deepStrictEqual(
              mine.map((f) => positionOf(sf, f)),
              c.errors.map((e) => ({ line: e.line, column: e.column, endLine: e.endLine, endColumn: e.endColumn })),
            );
            c.errors.forEach((e, i) => {
              const parts = e.message === undefined ? [] : typeof e.message === 'string' ? [e.message] : e.message;
              for (const p of parts) assert.ok(mine[i]!.message.includes(p), `message ${JSON.stringify(mine[i]!.message)} should contain ${JSON.stringify(p)}`);
            });
          });
        }
      }
    });
  });
}

/** The standard handler wrapper: `body` starts on line 3, so a case's first body line is line 3. */
export function handler(body: string): string {
  return `import { withDurableExecution, DurableContext } from '@aws/durable-execution-sdk-js';\nexport const handler = withDurableExecution(async (event: any, ctx: DurableContext) => {\n${body}\n});\n`;
}
