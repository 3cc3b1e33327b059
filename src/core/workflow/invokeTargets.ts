// Core (pure): finds the workspace handler an `invoke` target names (function name, ARN or env variable
// name), by matching it against handler names and file names of the given source files.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { findDurableFunctions } from '../analysis/handlers';

export interface InvokeTargetMatch {
  readonly name: string;
  readonly file: string;
  readonly line: number;
}

export type InvokeTargetResolver = (target: string) => InvokeTargetMatch | undefined;

const GENERIC_NAMES = new Set(['handler', 'default', 'anonymous', 'index', 'main', 'app', 'src', 'lambda', 'function', 'fn']);

function norm(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** `arn:aws:lambda:r:acct:function:order-processor:prod` → `orderprocessor`; `REFUND_FUNCTION_ARN` → `refund`. */
export function normalizeInvokeTarget(target: string): string {
  let s = target;
  const fi = s.indexOf('function:');
  if (fi >= 0) s = s.slice(fi + 'function:'.length).split(':')[0] ?? '';
  else if (s.includes(':')) s = s.split(':')[0] ?? s;
  let n = norm(s);
  for (const suffix of ['functionarn', 'functionname', 'function', 'arn', 'lambda', 'fn', 'name']) {
    if (n.length > suffix.length && n.endsWith(suffix)) {
      n = n.slice(0, -suffix.length);
      break;
    }
  }
  return n;
}

function keysFor(name: string, fileName: string): string[] {
  const keys: string[] = [];
  const n = norm(name);
  if (n && !GENERIC_NAMES.has(n)) keys.push(n, normalizeInvokeTarget(name));
  const parts = fileName.replace(/\\/g, '/').split('/');
  const base = norm((parts[parts.length - 1] ?? '').replace(/\.[cm]?[jt]sx?$/, ''));
  if (base && !GENERIC_NAMES.has(base)) keys.push(base);
  // src/<name>/handler.ts, <name>/src/index.ts: the folder names the function.
  for (let i = parts.length - 2; i >= 0 && i >= parts.length - 3; i--) {
    const d = norm(parts[i] ?? '');
    if (d && !GENERIC_NAMES.has(d)) {
      keys.push(d);
      break;
    }
  }
  return keys;
}

/** A resolver over these files' handlers. Ambiguous names (two handlers with the same key) resolve to none. */
export function buildInvokeResolver(tsm: TS, files: readonly ts.SourceFile[]): InvokeTargetResolver {
  const index = new Map<string, InvokeTargetMatch | null>();
  for (const sf of files) {
    if (sf.isDeclarationFile || /[\\/]node_modules[\\/]/.test(sf.fileName)) continue;
    let fns;
    try {
      fns = findDurableFunctions(tsm, sf).filter((f) => f.kind === 'handler');
    } catch {
      continue;
    }
    for (const f of fns) {
      const line = sf.getLineAndCharacterOfPosition(f.node.getStart(sf)).line + 1;
      const match: InvokeTargetMatch = { name: f.name, file: sf.fileName, line };
      for (const k of new Set(keysFor(f.name, sf.fileName))) {
        const prev = index.get(k);
        index.set(k, prev === undefined || (prev && prev.file === match.file && prev.line === match.line) ? match : null);
      }
    }
  }
  return (target) => {
    const k = normalizeInvokeTarget(target);
    if (!k) return undefined;
    return index.get(k) ?? undefined;
  };
}

const cache = new WeakMap<ts.Program, InvokeTargetResolver>();

/** The resolver over a Program's own source files (built once per Program, and only when first asked). */
export function invokeResolver(tsm: TS, program: ts.Program): InvokeTargetResolver {
  return (target) => {
    let r = cache.get(program);
    if (!r) {
      r = buildInvokeResolver(tsm, program.getSourceFiles());
      cache.set(program, r);
    }
    return r(target);
  };
}
