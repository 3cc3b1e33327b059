// Runs in the CLI: the `check` command: builds one ts.Program for the project, analyses the requested
// files with core, and prints text/JSON/SARIF. Exit 0 clean, 1 on any error-severity finding, 2 on failure.
import * as fs from 'fs';
import * as path from 'path';
import type * as ts from 'typescript';
import type { CheckOptions, Finding, ReachedFinding, TS } from '../core/analysis/model';
import { checkFile } from '../core/check';
import { createReplayIndex } from '../core/analysis/replay';
import { describeAnalysisError, type AnalysisError } from '../core/errors';
import { effectiveSeverities, loadProjectConfig, mergeLensConfigs, parseLensConfig } from '../core/config/projectConfig';
import { FORMATS, fileUri, renderJson, renderSarif, renderText, type CliDiagnostic, type Format } from './formats';
import { loadTypeScript } from './loadTypeScript';
import type { CliIo } from './io';
import { isSourceFile, listSources } from './sources';
import { MAX_NESTING_DEPTH, nestingDepth, nodeSourceFs, parseSource, readSourceText, type SourceFs, type SourceProblem } from './sourceText';
import { ruleDocMarkdown, toolInfo } from './toolInfo';
import { AgainstHistoryError, checkAgainstHistory } from './againstHistory';

const JS_EXTENSIONS = /\.(jsx?|mjs|cjs)$/i;
/** The tsserver plugin's package name, as written in tsconfig compilerOptions.plugins. */
const PLUGIN_NAME = 'durable-lens-tsplugin';

export class UsageError extends Error {
  readonly reason = 'usage' as const;
}

export class CheckFailure extends Error {
  readonly reason = 'failure' as const;
}

export interface CheckArgs {
  readonly paths: readonly string[];
  readonly project: string | undefined;
  readonly format: Format;
  /** Internal errors with their stack. */
  readonly verbose: boolean;
  /** `--against-history DIR`: add replay-mismatch findings for the recorded executions under DIR. */
  readonly againstHistory?: string;
}

export function parseCheckArgs(args: readonly string[]): CheckArgs {
  const paths: string[] = [];
  let project: string | undefined;
  let format: Format = 'text';
  let verbose = false;
  let againstHistory: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (name: string): string => {
      const eq = a.indexOf('=');
      if (eq > 0) return a.slice(eq + 1);
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (a === '--project' || a === '-p' || a.startsWith('--project=')) project = value('--project');
    else if (a === '--format' || a.startsWith('--format=')) {
      const f = value('--format');
      if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`unknown format "${f}" (text, json or sarif)`);
      format = f as Format;
    } else if (a === '--against-history' || a.startsWith('--against-history=')) {
      againstHistory = value('--against-history');
    } else if (a === '--verbose') verbose = true;
    else if (a === '--') paths.push(...args.slice(i + 1)), (i = args.length);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else paths.push(a);
  }
  return { paths, project, format, verbose, ...(againstHistory !== undefined ? { againstHistory } : {}) };
}

/** What the command reads files with; tests inject one whose reads fail (tests run as root, chmod 000 does not). */
export interface CheckEnvironment {
  readonly fs?: SourceFs;
}

export async function runCheckCommand(argv: readonly string[], io: CliIo, env: CheckEnvironment = {}): Promise<number> {
  const args = parseCheckArgs(argv);
  const verbose = args.verbose || io.verbose === true;
  const cwd = io.cwd;
  const requested = args.paths.map((p) => path.resolve(cwd, p));
  // A path that is not there is a failure to name, not bad usage: one line, without the usage text after it.
  for (const p of requested) if (!fs.existsSync(p)) throw new CheckFailure(`no such file or folder: ${p}`);
  if (args.againstHistory !== undefined && !fs.existsSync(path.resolve(cwd, args.againstHistory))) throw new CheckFailure(`--against-history: no such folder: ${path.resolve(cwd, args.againstHistory)}`);

  // The tsconfig: --project (a file or a folder holding tsconfig.json), else the nearest one above the
  // first path (or the working directory).
  let tsconfig: string | undefined;
  if (args.project) {
    const p = path.resolve(cwd, args.project);
    tsconfig = fs.existsSync(p) && fs.statSync(p).isDirectory() ? path.join(p, 'tsconfig.json') : p;
    if (!fs.existsSync(tsconfig)) throw new UsageError(`--project: cannot find ${tsconfig}`);
  }
  const startDir = requested[0] ? (isDirectory(requested[0]) ? requested[0] : path.dirname(requested[0])) : cwd;
  const projectDir = tsconfig ? path.dirname(tsconfig) : startDir;
  const { ts } = loadTypeScript(projectDir);
  if (!tsconfig) tsconfig = ts.findConfigFile(startDir, ts.sys.fileExists) ?? undefined;

  const loaded = loadProjectConfig(tsconfig ? path.dirname(tsconfig) : startDir, {
    fileExists: (f) => fs.existsSync(f),
    readFile: (f) => fs.readFileSync(f, 'utf8'),
  });
  if (loaded.problems.length) {
    throw new CheckFailure(`invalid configuration in ${loaded.file}:\n${loaded.problems.map((p) => `  ${p.message}`).join('\n')}`);
  }

  let files = [...new Set(requested.flatMap((p) => (isDirectory(p) ? listSources(p) : [p])))];
  const sourceProblems = new Map<string, SourceProblem>();
  const { program, projectFiles, pluginEntry, configErrors } = buildProgram(ts, tsconfig, files, { fs: env.fs ?? nodeSourceFs, problems: sourceProblems, explicitPaths: requested.length > 0, cwd });
  // Same layers as the editor: defaults < durable-lens.json < the tsconfig plugin entry.
  const fromTsconfig = parseLensConfig(pluginEntry, `${tsconfig} (compilerOptions.plugins)`);
  if (fromTsconfig.problems.length) {
    throw new CheckFailure(`invalid durable-lens-tsplugin entry in ${tsconfig}:\n${fromTsconfig.problems.map((p) => `  ${p.message}`).join('\n')}`);
  }
  const config = mergeLensConfigs(loaded.config, fromTsconfig.config);
  if (requested.length === 0) {
    files = tsconfig ? projectFiles.filter((f) => isSourceFile(f) && !f.split(/[\\/]/).includes('node_modules')) : listSources(cwd);
  }
  const severities = effectiveSeverities(config);
  const diagnostics: CliDiagnostic[] = [];
  // Each line names a file and the cause; any of them makes the exit code 2 (the other files are still checked).
  const failures: string[] = [...configErrors];
  const notes: string[] = [];
  const internal: AnalysisError[] = [];
  const index = createReplayIndex();
  const shown = (f: string) => displayPath(f, cwd);
  let checked = 0;
  const checkedSet = new Set(files.map((f) => program.getSourceFile(f)?.fileName ?? f));
  const reachedElsewhere: { rule: Finding['rule']; target: ReachedFinding }[] = [];
  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (!sf) {
      const problem = sourceProblems.get(path.resolve(file));
      failures.push(problem ? `${shown(file)} ${problem.message}` : `${shown(file)} could not be loaded into the program`);
      continue;
    }
    let findings: Finding[];
    const errors: AnalysisError[] = [];
    const result = checkFile(ts, program, sf, { severities, index, onError: (e) => errors.push(e) });
    if (result.skipped) {
      notes.push(`skipped ${shown(file)}: ${result.skipped.chars.toLocaleString('en-US')} characters, over the ${result.skipped.limit.toLocaleString('en-US')}-character limit for analysis`);
      continue;
    }
    checked++;
    findings = result.findings;
    internal.push(...errors);
    for (const f of findings) diagnostics.push(toCliDiagnostic(program, sf, f, cwd));
    for (const f of findings) for (const r of f.reaches ?? []) if (!checkedSet.has(r.fileName)) reachedElsewhere.push({ rule: f.rule, target: r });
  }
  // What the checked files' handlers reach in files outside the paths given is reported too, in its own file.
  diagnostics.push(...reachedFindings(ts, program, reachedElsewhere, { severities, index, onError: (e) => internal.push(e) }, cwd));
  if (args.againstHistory !== undefined) {
    const checkedFiles = files.map((f) => program.getSourceFile(f)).filter((sf): sf is ts.SourceFile => sf !== undefined);
    let h;
    try {
      h = checkAgainstHistory(ts, program, checkedFiles, path.resolve(cwd, args.againstHistory), severities['replay-mismatch'], shown);
    } catch (e) {
      throw e instanceof AgainstHistoryError ? new UsageError(e.message) : e;
    }
    for (const f of h.findings) diagnostics.push(toCliDiagnostic(program, program.getSourceFile(f.fileName) ?? checkedFiles[0]!, f, cwd));
    notes.push(...h.notes);
    failures.push(...h.failures);
  }
  // Problems met while reading files the program pulled in (imports), not only the requested ones.
  const requestedSet = new Set(files.map((f) => path.resolve(f)));
  for (const [file, problem] of sourceProblems) if (!requestedSet.has(file)) failures.push(`${shown(file)} ${problem.message}`);
  for (const e of dedupeErrors(internal)) {
    failures.push(`internal error: ${describeAnalysisError(e, shown)}; findings there may be missing`);
    if (verbose && e.detail) failures.push(e.detail);
  }
  if (files.length === 0) io.err('durable-lens check: no .ts/.tsx/.js/.mjs/.cjs files to check\n');

  const info = toolInfo();
  if (args.format === 'json') io.out(renderJson(diagnostics));
  else if (args.format === 'sarif') {
    io.out(renderSarif(diagnostics, { toolVersion: info.version, informationUri: info.homepage, ruleHelpMarkdown: (id) => ruleDocMarkdown(id, info), srcRootUri: fileUri(cwd) + '/' }));
  } else io.out(renderText(diagnostics, checked, io.color));
  for (const n of notes) io.err(`durable-lens: note: ${n}\n`);
  for (const f of failures) io.err(`durable-lens: ${f}\n`);
  if (failures.length > 0) return 2;
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

/** The findings (in files not checked themselves) that call-site findings lead to, each once, in file order. */
function reachedFindings(ts: TS, program: ts.Program, reached: readonly { rule: Finding['rule']; target: ReachedFinding }[], options: CheckOptions, cwd: string): CliDiagnostic[] {
  const byFile = new Map<string, Set<string>>();
  for (const { rule, target } of reached) {
    let keys = byFile.get(target.fileName);
    if (!keys) byFile.set(target.fileName, (keys = new Set()));
    keys.add(`${rule}:${target.start}:${target.end}`);
  }
  const out: CliDiagnostic[] = [];
  for (const [file, keys] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const sf = program.getSourceFile(file);
    if (!sf) continue;
    for (const f of checkFile(ts, program, sf, options).findings) {
      if (!f.reaches && keys.has(`${f.rule}:${f.start}:${f.end}`)) out.push(toCliDiagnostic(program, sf, f, cwd));
    }
  }
  return out;
}

/** The same failure met in many regions of one file is one line. */
function dedupeErrors(errors: readonly AnalysisError[]): AnalysisError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.reason}|${e.rule}|${e.file ?? ''}|${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toCliDiagnostic(program: ts.Program, requestedSf: ts.SourceFile, f: Finding, cwd: string): CliDiagnostic {
  const sf = f.fileName === requestedSf.fileName ? requestedSf : (program.getSourceFile(f.fileName) ?? requestedSf);
  const s = sf.getLineAndCharacterOfPosition(f.start);
  const e = sf.getLineAndCharacterOfPosition(Math.max(f.start, f.end));
  return {
    file: displayPath(sf.fileName, cwd),
    line: s.line + 1,
    column: s.character + 1,
    endLine: e.line + 1,
    endColumn: e.character + 1,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
  };
}

export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  return (inside ? rel : path.resolve(file)).split(path.sep).join('/');
}

/**
 * One Program for the whole project (helpers in other files are followed through it). Only parsing and
 * binding happen up front; core asks the checker for the few symbols it needs, so no full type check runs.
 */
interface ReadContext {
  readonly fs: SourceFs;
  /** Filled with the user files that could not be read or parsed, by absolute path. */
  readonly problems: Map<string, SourceProblem>;
  /** Paths were given: a tsconfig without inputs of its own is not an error then. */
  readonly explicitPaths: boolean;
  readonly cwd: string;
}

function buildProgram(
  ts: TS,
  tsconfig: string | undefined,
  extraFiles: readonly string[],
  read: ReadContext
): { program: ts.Program; projectFiles: string[]; pluginEntry: unknown; configErrors: string[] } {
  let options: ts.CompilerOptions;
  let pluginEntry: unknown;
  let projectFiles: string[] = [];
  let references: readonly ts.ProjectReference[] | undefined;
  const configErrors: string[] = [];
  if (tsconfig) {
    const parsed = parseTsconfig(ts, tsconfig);
    configErrors.push(...tsconfigErrors(ts, parsed, read));
    options = parsed.options;
    projectFiles = parsed.fileNames.map((f) => path.resolve(f));
    references = parsed.projectReferences;
    const plugins = (parsed.options.plugins ?? []) as { name?: string }[];
    pluginEntry = plugins.find((p) => p && p.name === PLUGIN_NAME);
    if (projectFiles.length === 0 && references?.length) {
      // A solution tsconfig (only references): analyse the sources of every referenced project in one program,
      // with the first one's options, so that helpers shared between the projects are followed too.
      const solution = referencedProjects(ts, tsconfig, references);
      if (solution.length) {
        options = solution[0].options;
        projectFiles = [...new Set(solution.flatMap((p) => p.fileNames.map((f) => path.resolve(f))))];
        references = undefined;
      }
    }
  } else {
    options = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowJs: true,
      skipLibCheck: true,
      esModuleInterop: true,
    };
  }
  if (!options.allowJs && extraFiles.some((f) => JS_EXTENSIONS.test(f))) options = { ...options, allowJs: true };
  options = { ...options, noEmit: true };
  const rootNames = [...new Set([...projectFiles, ...extraFiles.map((f) => path.resolve(f))])];
  const host = ts.createCompilerHost(options, true);
  // Like tsc, skip JSDoc parsing where types do not need it (TS and .d.ts files): parsing dominates `check`.
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeInfo;
  const libDir = path.dirname(ts.getDefaultLibFilePath(options));
  const original = host.getSourceFile.bind(host);
  // The user's files are read through readSourceText/parseSource: a FIFO, an unreadable or binary file or code
  // nested past the parser's stack each become one problem for that file instead of a hang, a silent skip or a
  // crash of the whole run. Library and dependency files keep TypeScript's own reading.
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (/[\\/]node_modules[\\/]/.test(fileName) || path.dirname(fileName) === libDir || /\.d\.[mc]?ts$/.test(fileName)) {
      return original(fileName, languageVersion, onError, shouldCreate);
    }
    const abs = path.resolve(fileName);
    const r = readSourceText(abs, read.fs);
    if ('problem' in r) {
      if (r.problem.reason !== 'missing' || rootSet.has(abs)) read.problems.set(abs, r.problem);
      return undefined;
    }
    const parsed = parseSource(ts, fileName, r.text, languageVersion);
    if ('problem' in parsed) {
      read.problems.set(abs, parsed.problem);
      return undefined;
    }
    // A file past the nesting limit would overflow the binder for the whole program: leave it out, say so.
    const depth = r.text.length > MAX_NESTING_DEPTH ? nestingDepth(ts, parsed.sourceFile) : 0;
    if (depth > MAX_NESTING_DEPTH) {
      read.problems.set(abs, { reason: 'too-deep', file: abs, message: `nests more than ${MAX_NESTING_DEPTH} levels deep, too deep to analyse reliably` });
      return undefined;
    }
    return parsed.sourceFile;
  };
  const rootSet = new Set(rootNames.map((f) => path.resolve(f)));
  const program = ts.createProgram({ rootNames, options, projectReferences: references, host });
  return { program, projectFiles, pluginEntry, configErrors };
}

/** tsconfig problems as tsc prints them (`tsconfig.json(3,5): error TS1005: '}' expected.`), one line each. */
function tsconfigErrors(ts: TS, parsed: ts.ParsedCommandLine, read: ReadContext): string[] {
  // TS18003 "No inputs were found": not an error when the files to check are given on the command line.
  // getConfigFileParsingDiagnostics: JSON syntax errors of the file itself, then the option errors (what tsc prints).
  const errors = ts.getConfigFileParsingDiagnostics(parsed).filter((d) => d.category === ts.DiagnosticCategory.Error && !(read.explicitPaths && d.code === 18003));
  const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => read.cwd, getNewLine: () => '\n' };
  return errors.map((d) => ts.formatDiagnostic(d, host).trim().replace(/\r?\n\s*/g, ' '));
}

function parseTsconfig(ts: TS, tsconfig: string): ts.ParsedCommandLine {
  let fatal: string | undefined;
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      fatal = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    },
  });
  if (!parsed || fatal) throw new CheckFailure(`cannot read ${tsconfig}: ${fatal ?? 'unknown error'}`);
  return parsed;
}

/** The referenced projects of a solution tsconfig, depth first, each once (cycles and missing ones skipped). */
function referencedProjects(ts: TS, root: string, refs: readonly ts.ProjectReference[]): ts.ParsedCommandLine[] {
  const seen = new Set<string>([path.resolve(root)]);
  const out: ts.ParsedCommandLine[] = [];
  const visit = (list: readonly ts.ProjectReference[]) => {
    for (const ref of list) {
      const file = path.resolve(ts.resolveProjectReferencePath(ref));
      if (seen.has(file) || !fs.existsSync(file)) continue;
      seen.add(file);
      const parsed = parseTsconfig(ts, file);
      if (parsed.fileNames.length) out.push(parsed);
      if (parsed.projectReferences?.length) visit(parsed.projectReferences);
    }
  };
  visit(refs);
  return out;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
