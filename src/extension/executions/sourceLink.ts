// Runs anywhere (pure, no vscode): which workspace file and export implement a deployed Lambda function, from
// the manual `durableLens.functionSources` setting, a SAM template (sourceLinkSam.ts) or CDK output
// (sourceLinkCdk.ts); the shared model, name matching and handler-string parsing.
import * as path from 'path';

export type SourceOrigin = 'setting' | 'sam' | 'cdk';

/** One function definition that can be linked to code. */
export interface FunctionSource {
  readonly origin: SourceOrigin;
  /** The file the definition came from (template, manifest), or 'settings'. */
  readonly definedIn: string;
  /** CloudFormation logical id (SAM, CDK) or the setting's key. */
  readonly logicalId: string;
  /** The deployed name when the definition fixes it (FunctionName literal, setting key). */
  readonly functionName?: string;
  /** A regular expression source for names built with `!Sub` (`${…}` parts match anything). */
  readonly functionNamePattern?: string;
  /** The raw handler string (`src/app.handler`) or the setting's value. */
  readonly handler: string;
  /** Absolute candidate files for the handler, best first; the first that exists wins. */
  readonly files: readonly string[];
  readonly exportName: string;
}

export type SourceLinkReason = 'bad-yaml' | 'bad-json' | 'not-a-template' | 'bad-setting';

export class SourceLinkError extends Error {
  constructor(
    readonly reason: SourceLinkReason,
    message: string,
    readonly file?: string
  ) {
    super(message);
    this.name = 'SourceLinkError';
  }
}

/** Extensions tried for a handler's file, TypeScript first: the user edits the source, not the build output. */
export const HANDLER_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs'] as const;

/**
 * `dir/file.exportName` (Lambda's Node.js handler format: the last dot splits file and export) to candidate files
 * under `baseDir`. A handler pointing into a build folder (`dist/`, `build/`, `out/`, `.aws-sam/`) also tries the
 * same path under `src/` and without the folder, since that is where the TypeScript usually lives.
 */
export function handlerCandidates(baseDir: string, handler: string, extraFiles: readonly string[] = []): { files: string[]; exportName: string } {
  const trimmed = handler.trim();
  const dot = trimmed.lastIndexOf('.');
  const fileBase = dot > 0 ? trimmed.slice(0, dot) : trimmed;
  const exportName = dot > 0 && dot < trimmed.length - 1 ? trimmed.slice(dot + 1) : 'handler';
  const bases = [fileBase];
  const build = /^(?:\.\/)?(dist|build|out|lib)\/(.+)$/.exec(fileBase);
  if (build) bases.push(`src/${build[2]}`, build[2]);
  const files: string[] = [];
  const push = (f: string) => {
    const abs = path.resolve(baseDir, f);
    if (!files.includes(abs)) files.push(abs);
  };
  // Explicit entry points (esbuild's EntryPoints) whose name matches the handler's file come first.
  const wanted = path.basename(fileBase);
  for (const e of extraFiles) if (path.basename(e).replace(/\.[^.]+$/, '') === wanted) push(e);
  for (const b of bases) for (const ext of HANDLER_EXTENSIONS) push(b + ext);
  for (const e of extraFiles) push(e);
  return { files, exportName };
}

/** `path/to/handler.ts#exportName` (export defaults to `handler`), relative to the workspace folder. */
export function parseSourceSpec(spec: string, workspaceRoot: string): { files: string[]; exportName: string } | undefined {
  const hash = spec.lastIndexOf('#');
  const file = (hash >= 0 ? spec.slice(0, hash) : spec).trim();
  const exportName = (hash >= 0 ? spec.slice(hash + 1) : '').trim() || 'handler';
  if (!file || !/^[A-Za-z_$][\w$]*$/.test(exportName)) return undefined;
  const abs = path.resolve(workspaceRoot, file);
  // A path without an extension is tried like a Lambda handler's file.
  const files = path.extname(file) ? [abs] : HANDLER_EXTENSIONS.map((ext) => abs + ext);
  return { files, exportName };
}

/** The `durableLens.functionSources` setting; entries that do not parse are returned as problems, not dropped silently. */
export function parseFunctionSourcesSetting(value: unknown, workspaceRoot: string): { sources: FunctionSource[]; problems: string[] } {
  const sources: FunctionSource[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) return { sources, problems };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { sources, problems: ['durableLens.functionSources must be an object: function name -> "path/to/handler.ts#export"'] };
  }
  for (const [name, spec] of Object.entries(value as Record<string, unknown>)) {
    const parsed = typeof spec === 'string' ? parseSourceSpec(spec, workspaceRoot) : undefined;
    if (!parsed) {
      problems.push(`durableLens.functionSources["${name}"] should be "path/to/handler.ts#export", not ${JSON.stringify(spec)}`);
      continue;
    }
    sources.push({ origin: 'setting', definedIn: 'settings', logicalId: name, functionName: name, handler: String(spec), ...parsed });
  }
  return { sources, problems };
}

/** A function name from a name, a partial ARN or a full ARN, without its qualifier. */
export function bareFunctionName(nameOrArn: string): string {
  const m = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:/]+)/.exec(nameOrArn);
  if (m) return m[1];
  return nameOrArn.split(':')[0];
}

/**
 * The definitions that may be `functionName`, best first. The setting is authoritative; then a definition whose
 * FunctionName is literally the name or whose `!Sub` pattern matches; then CloudFormation's generated names
 * (`<stack>-<LogicalId>-<suffix>`, the logical id possibly truncated). Only the best tier is returned, so more
 * than one result means a real ambiguity for the user to resolve.
 */
export function matchFunction(nameOrArn: string, sources: readonly FunctionSource[]): FunctionSource[] {
  const name = bareFunctionName(nameOrArn);
  const tiers: FunctionSource[][] = [[], [], [], []];
  for (const s of sources) {
    if (s.origin === 'setting') {
      if (s.functionName === name || s.functionName === nameOrArn) tiers[0].push(s);
      continue;
    }
    if (s.functionName !== undefined) {
      if (s.functionName === name) tiers[1].push(s);
      continue;
    }
    if (s.functionNamePattern !== undefined) {
      if (safeRegExp(`^${s.functionNamePattern}$`)?.test(name)) tiers[1].push(s);
      continue;
    }
    if (generatedNameMatches(name, s.logicalId)) tiers[2].push(s);
    else if (name.toLowerCase().includes(s.logicalId.toLowerCase())) tiers[3].push(s);
  }
  return tiers.find((t) => t.length > 0) ?? [];
}

function generatedNameMatches(name: string, logicalId: string): boolean {
  const parts = name.split('-');
  // The stack name may itself contain dashes; the suffix is the last part. CloudFormation truncates long ids.
  if (parts.length < 3) return false;
  const middle = parts.slice(1, -1);
  return middle.some((p, i) => {
    const joined = middle.slice(i).join('-');
    return p === logicalId || (logicalId.startsWith(p) && p.length >= 8) || joined === logicalId;
  });
}

function safeRegExp(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}

/** Escapes a literal for a RegExp, for `!Sub` name patterns. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The first candidate that exists, with the export to reveal. */
export function resolveSourceFile(source: FunctionSource, exists: (file: string) => boolean): string | undefined {
  return source.files.find((f) => exists(f));
}
