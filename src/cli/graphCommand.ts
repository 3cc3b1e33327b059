// Runs in the CLI: the `graph FILE [--handler NAME] [--format mermaid|json]` command — the workflow inferred
// from the handlers of one file, as the contract's JSON or as Mermaid text. Exit 2 on bad usage or failure.
import * as fs from 'fs';
import * as path from 'path';
import type * as ts from 'typescript';
import type { TS } from '../core/analysis/model';
import type { WorkflowHandler } from '../core/workflow/graph';
import { inferWorkflow } from '../core/workflow/infer';
import { buildInvokeResolver, type InvokeTargetResolver } from '../core/workflow/invokeTargets';
import { graphJson } from '../core/workflow/json';
import { renderMermaid } from '../core/workflow/mermaid';
import { loadTypeScript } from './loadTypeScript';
import { walkSources } from './sources';
import { parseSource, readSourceText } from './sourceText';

export interface GraphIo {
  out(text: string): void;
  err(text: string): void;
  readonly cwd?: string;
}

export interface GraphArgs {
  readonly file: string;
  readonly handler: string | undefined;
  readonly format: 'mermaid' | 'json';
  readonly direction: 'TD' | 'LR';
}

export class GraphUsageError extends Error {
  readonly reason = 'usage' as const;
}

export function parseGraphArgs(args: readonly string[]): GraphArgs {
  const files: string[] = [];
  let handler: string | undefined;
  let format: 'mermaid' | 'json' = 'mermaid';
  let direction: 'TD' | 'LR' = 'TD';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (name: string): string => {
      const eq = a.indexOf('=');
      if (eq > 0 && a.startsWith('--')) return a.slice(eq + 1);
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new GraphUsageError(`${name} needs a value`);
      return v;
    };
    if (a === '--handler' || a.startsWith('--handler=')) handler = value('--handler');
    else if (a === '--format' || a.startsWith('--format=')) {
      const f = value('--format');
      if (f !== 'mermaid' && f !== 'json') throw new GraphUsageError(`unknown format "${f}" (mermaid or json)`);
      format = f;
    } else if (a === '--direction' || a.startsWith('--direction=')) {
      const d = value('--direction').toUpperCase();
      if (d !== 'TD' && d !== 'LR') throw new GraphUsageError(`unknown direction "${d}" (TD or LR)`);
      direction = d;
    } else if (a === '--') files.push(...args.slice(i + 1)), (i = args.length);
    else if (a.startsWith('-') && a !== '-') throw new GraphUsageError(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length !== 1) throw new GraphUsageError(files.length === 0 ? 'graph needs a FILE' : 'graph takes one FILE');
  return { file: files[0]!, handler, format, direction };
}

const GRAPH_USAGE = 'Usage: durable-lens graph FILE [--handler NAME] [--format mermaid|json] [--direction TD|LR]\n';

export async function runGraphCommand(args: readonly string[], io: GraphIo): Promise<number> {
  let parsed: GraphArgs;
  try {
    parsed = parseGraphArgs(args);
  } catch (e) {
    io.err(`durable-lens graph: ${(e as Error).message}\n${GRAPH_USAGE}`);
    return 2;
  }
  const cwd = io.cwd ?? process.cwd();
  const abs = path.resolve(cwd, parsed.file);
  // Read and decoded as `check` reads it (BOMs, UTF-16), so the two commands see the same text.
  const read = readSourceText(abs);
  if ('problem' in read) {
    const p = read.problem;
    io.err(p.code && p.reason !== 'not-a-file' ? `durable-lens graph: cannot read ${parsed.file} (${p.code})\n` : `durable-lens graph: cannot read ${parsed.file}: it ${p.message}\n`);
    return 2;
  }
  const text = read.text;
  let tsm: TS;
  try {
    tsm = loadTypeScript(path.dirname(abs)).ts;
  } catch (e) {
    io.err(`durable-lens graph: ${(e as Error).message}\n`);
    return 2;
  }
  const parsedSource = parseSource(tsm, abs, text, tsm.ScriptTarget.Latest);
  if ('problem' in parsedSource) {
    io.err(`durable-lens graph: ${parsed.file} ${parsedSource.problem.message}\n`);
    return 2;
  }
  let program: ts.Program;
  try {
    program = buildProgram(tsm, abs, text);
  } catch (e) {
    io.err(`durable-lens graph: cannot build a program for ${parsed.file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
    return 2;
  }
  const sf = program.getSourceFile(abs) ?? parsedSource.sourceFile;
  const resolver = lazyInvokeResolver(tsm, program, path.dirname(abs));
  // Not type-aware: this Program has no lib or node_modules declarations for the checker to use.
  const graph = inferWorkflow(tsm, sf, program.getSourceFile(abs) ? program : undefined, { handler: parsed.handler, resolveInvokeTarget: resolver, typeAware: false });
  if (parsed.handler !== undefined && graph.handlers.length === 0) {
    const all = inferWorkflow(tsm, sf, undefined).handlers.map((h) => h.name);
    io.err(`durable-lens graph: no handler named "${parsed.handler}" in ${parsed.file}${all.length ? ` (handlers: ${all.join(', ')})` : ''}\n`);
    return 2;
  }
  const shown = (f: string): string => displayPath(cwd, f);
  if (parsed.format === 'json') {
    io.out(JSON.stringify(graphJson(graph.handlers, shown), null, 2) + '\n');
    return 0;
  }
  if (graph.handlers.length === 0) {
    io.err(`durable-lens graph: no durable handler found in ${parsed.file}\n`);
    return 0;
  }
  const parts = graph.handlers.map((h: WorkflowHandler) => {
    const header = graph.handlers.length > 1 ? `%% handler ${oneLine(h.name)} (${oneLine(shown(h.file))}:${h.line})\n` : '';
    return header + renderMermaid(h, { direction: parsed.direction }).text;
  });
  io.out(parts.join('\n'));
  return 0;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}

/** How far `invoke` targets are looked for around the handler: folder levels below it, and parsed files. */
const SCAN_MAX_DEPTH = 3;
const SCAN_MAX_FILES = 500;

/**
 * `invoke` targets are other functions, usually not imported by the handler: look for them among the
 * Program's files and the files under the handler's folder, parsed only when an invoke is seen.
 */
function lazyInvokeResolver(tsm: TS, program: ts.Program, dir: string): InvokeTargetResolver {
  let r: InvokeTargetResolver | undefined;
  return (target) => {
    if (!r) {
      const files = new Map<string, ts.SourceFile>();
      for (const sf of program.getSourceFiles()) files.set(path.resolve(sf.fileName), sf);
      for (const full of walkSources(dir, { maxDepth: SCAN_MAX_DEPTH })) {
        if (files.size > SCAN_MAX_FILES) break;
        if (files.has(full)) continue;
        try {
          const r = readSourceText(full);
          if ('problem' in r) continue;
          const text = r.text;
          if (text.includes('withDurableExecution') || text.includes('DurableExecutionHandler') || text.includes('DurableHandler')) files.set(full, tsm.createSourceFile(full, text, tsm.ScriptTarget.Latest, true));
        } catch {
          // unreadable: not a target
        }
      }
      r = buildInvokeResolver(tsm, [...files.values()]);
    }
    return r(target);
  };
}

/** Relative to the working directory when inside it, with forward slashes; absolute otherwise. */
export function displayPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  return file;
}

/**
 * A Program rooted at the file, so imported helpers resolve and expand. Only the project's own files are
 * read: no lib files and nothing from node_modules (the inference recognises the SDK by import specifier),
 * which keeps the whole command close to the cost of parsing the file.
 */
export function buildProgram(tsm: TS, file: string, text: string): ts.Program {
  let options: ts.CompilerOptions = {};
  try {
    const configPath = tsm.findConfigFile(path.dirname(file), tsm.sys.fileExists);
    if (configPath) {
      const read = tsm.readConfigFile(configPath, tsm.sys.readFile);
      const raw = (read.config as { compilerOptions?: unknown } | undefined)?.compilerOptions;
      if (raw) options = tsm.convertCompilerOptionsFromJson(raw, path.dirname(configPath), configPath).options;
    }
  } catch {
    options = {};
  }
  options = { ...options, noLib: true, types: [], skipLibCheck: true, allowJs: true, noEmit: true, composite: false, incremental: false, declaration: false };
  const host = tsm.createCompilerHost(options, true);
  const outside = (f: string): boolean => /[\\/]node_modules[\\/]/.test(f);
  const norm = (f: string): string => path.resolve(f);
  const target = norm(file);
  const origGetSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, lang, onError, shouldCreate) => {
    if (norm(fileName) === target) return tsm.createSourceFile(fileName, text, lang, true);
    if (outside(fileName)) return undefined;
    return origGetSourceFile(fileName, lang, onError, shouldCreate);
  };
  const origFileExists = host.fileExists.bind(host);
  host.fileExists = (f) => !outside(f) && origFileExists(f);
  host.directoryExists = (d) => !outside(d + '/') && (tsm.sys.directoryExists?.(d) ?? true);
  return tsm.createProgram({ rootNames: [file], options, host });
}
