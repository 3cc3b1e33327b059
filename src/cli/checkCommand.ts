// Runs in the CLI: the `check` command: builds one ts.Program for the project, analyses the requested
// files with core, and prints text/JSON/SARIF. Exit 0 clean, 1 on any error-severity finding, 2 on failure.
import * as fs from 'fs';
import * as path from 'path';
import type * as ts from 'typescript';
import type { Finding, TS } from '../core/analysis/model';
import { checkSourceFile } from '../core/check';
import { effectiveSeverities, loadProjectConfig, mergeLensConfigs, parseLensConfig } from '../core/config/projectConfig';
import { FORMATS, fileUri, renderJson, renderSarif, renderText, type CliDiagnostic, type Format } from './formats';
import { loadTypeScript } from './loadTypeScript';
import type { CliIo } from './io';
import { isSourceFile, listSources } from './sources';
import { ruleDocMarkdown, toolInfo } from './toolInfo';

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
}

export function parseCheckArgs(args: readonly string[]): CheckArgs {
  const paths: string[] = [];
  let project: string | undefined;
  let format: Format = 'text';
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
      throw new UsageError('--against-history is not available yet in this version');
    } else if (a === '--') paths.push(...args.slice(i + 1)), (i = args.length);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else paths.push(a);
  }
  return { paths, project, format };
}

export async function runCheckCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCheckArgs(argv);
  const cwd = io.cwd;
  const requested = args.paths.map((p) => path.resolve(cwd, p));
  for (const p of requested) if (!fs.existsSync(p)) throw new UsageError(`no such file or folder: ${p}`);

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

  let files = requested.flatMap((p) => (isDirectory(p) ? listSources(p) : [p]));
  const { program, projectFiles, pluginEntry } = buildProgram(ts, tsconfig, files);
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
  let checked = 0;
  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (!sf) continue;
    checked++;
    let findings: Finding[];
    try {
      findings = checkSourceFile(ts, program, sf, { severities });
    } catch (e) {
      throw new CheckFailure(`analysis failed on ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const f of findings) diagnostics.push(toCliDiagnostic(program, sf, f, cwd));
  }
  if (files.length === 0) io.err('durable-lens check: no .ts/.tsx/.js/.mjs/.cjs files to check\n');

  const info = toolInfo();
  if (args.format === 'json') io.out(renderJson(diagnostics));
  else if (args.format === 'sarif') {
    io.out(renderSarif(diagnostics, { toolVersion: info.version, informationUri: info.homepage, ruleHelpMarkdown: (id) => ruleDocMarkdown(id, info), srcRootUri: fileUri(cwd) + '/' }));
  } else io.out(renderText(diagnostics, checked, io.color));
  return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
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
function buildProgram(
  ts: TS,
  tsconfig: string | undefined,
  extraFiles: readonly string[]
): { program: ts.Program; projectFiles: string[]; pluginEntry: unknown } {
  let options: ts.CompilerOptions;
  let pluginEntry: unknown;
  let projectFiles: string[] = [];
  let references: readonly ts.ProjectReference[] | undefined;
  if (tsconfig) {
    const parsed = parseTsconfig(ts, tsconfig);
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
  const program = ts.createProgram({ rootNames, options, projectReferences: references, host });
  return { program, projectFiles, pluginEntry };
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
