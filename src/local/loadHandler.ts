// Runs in the local-run child process: loads the user's handler module with no build step of theirs
// (a require hook transpiling TypeScript and ESM-style sources to CommonJS with inline source maps),
// supplies our copy of the durable SDK when their project has none, and picks the handler export.
import * as fs from 'fs';
import Module = require('module');
import * as path from 'path';
import type { InvokeTargetSpec } from './protocol';

export const SDK_PACKAGE = '@aws/durable-execution-sdk-js';

/** A handler could not be loaded or chosen (typed: the parent shows `message`). */
export class HandlerLoadError extends Error {
  constructor(
    readonly reason: 'handler-not-found' | 'load-failed' | 'bad-invoke-target' | 'sdk-missing',
    message: string
  ) {
    super(message);
  }
}

interface TsLike {
  transpileModule(
    input: string,
    options: { compilerOptions?: Record<string, unknown>; fileName?: string; reportDiagnostics?: boolean }
  ): { outputText: string; sourceMapText?: string };
  ModuleKind: { CommonJS: number };
  ScriptTarget: { ES2022: number };
  JsxEmit: { React: number };
}

type ModuleInternals = typeof Module & {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _load(request: string, parent: unknown, isMain: boolean): unknown;
  _extensions: Record<string, (module: NodeModule & { _compile(code: string, file: string): void }, filename: string) => void>;
};

const M = Module as ModuleInternals;

/** Functions returned by withDurableExecution (ours or the project's copy), to tell durable exports apart. */
const durableHandlers = new WeakSet<object>();

export function isDurableHandler(value: unknown): boolean {
  return typeof value === 'function' && durableHandlers.has(value);
}

const wrappedSdks = new WeakMap<object, object>();

/** The SDK module with withDurableExecution recording what it returns (everything else passes through). */
function trackingSdk(sdk: object): object {
  const known = wrappedSdks.get(sdk);
  if (known) return known;
  const proxy = new Proxy(sdk, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop === 'withDurableExecution' && typeof value === 'function') {
        return (...args: unknown[]) => {
          const h = (value as (...a: unknown[]) => unknown)(...args);
          if (typeof h === 'function') durableHandlers.add(h);
          return h;
        };
      }
      return value;
    },
  });
  wrappedSdks.set(sdk, proxy);
  return proxy;
}

function isUnderNodeModules(file: string): boolean {
  return file.split(/[\\/]/).includes('node_modules');
}

const typeCache = new Map<string, boolean>();
/** Does the nearest package.json say "type": "module" (so .js files there are ESM)? */
function isEsmPackage(dir: string): boolean {
  const known = typeCache.get(dir);
  if (known !== undefined) return known;
  let result = false;
  const pj = path.join(dir, 'package.json');
  if (fs.existsSync(pj)) {
    try {
      result = (JSON.parse(fs.readFileSync(pj, 'utf8')) as { type?: unknown }).type === 'module';
    } catch {
      result = false;
    }
  } else {
    const up = path.dirname(dir);
    result = up !== dir && isEsmPackage(up);
  }
  typeCache.set(dir, result);
  return result;
}

let installed = false;

export interface RequireHookOptions {
  /** lib/typescript.js of the TypeScript to transpile with; loaded on the first .ts file. */
  readonly typescriptPath: string;
  /** Our bundled SDK module, used when the project cannot resolve its own. */
  readonly bundledSdk: object;
}

export function installRequireHook(options: RequireHookOptions): void {
  if (installed) return;
  installed = true;
  let ts: TsLike | undefined;
  const loadTs = (): TsLike => {
    if (ts) return ts;
    try {
      // createRequire: resolved at run time, not by the bundler.
      ts = Module.createRequire(__filename)(options.typescriptPath) as TsLike;
    } catch (e) {
      throw new HandlerLoadError('load-failed', `could not load TypeScript from ${options.typescriptPath}: ${(e as Error).message}`);
    }
    if (typeof ts?.transpileModule !== 'function') throw new HandlerLoadError('load-failed', `${options.typescriptPath} has no transpileModule`);
    return ts;
  };

  const compile = (module: NodeModule & { _compile(code: string, file: string): void }, filename: string): void => {
    const t = loadTs();
    const source = fs.readFileSync(filename, 'utf8');
    // TypeScript keeps ESM output for .mts/.mjs whatever `module` says: name them .ts/.js for the
    // transpile, and point the source map back at the real file.
    const ext = path.extname(filename);
    const asName = filename.slice(0, filename.length - ext.length) + (ext === '.mts' || ext === '.cts' ? '.ts' : ext === '.mjs' || ext === '.cjs' ? '.js' : ext);
    const out = t.transpileModule(source, {
      fileName: asName,
      reportDiagnostics: false,
      compilerOptions: {
        module: t.ModuleKind.CommonJS,
        target: t.ScriptTarget.ES2022,
        esModuleInterop: true,
        jsx: t.JsxEmit.React,
        sourceMap: true,
        inlineSources: true,
        experimentalDecorators: true,
      },
    });
    let code = out.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
    if (out.sourceMapText) {
      const map = JSON.parse(out.sourceMapText) as { sources?: string[]; file?: string; sourceRoot?: string };
      map.sources = [filename];
      map.sourceRoot = '';
      map.file = filename;
      code += `//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
    }
    module._compile(code, filename);
  };

  for (const ext of ['.ts', '.tsx', '.mts', '.cts']) M._extensions[ext] = compile;
  const originalJs = M._extensions['.js'];
  M._extensions['.js'] = (module, filename) => {
    // ESM-style .js of the user's project: transpile to CommonJS like TypeScript.
    if (!isUnderNodeModules(filename) && isEsmPackage(path.dirname(filename))) return compile(module, filename);
    return originalJs(module, filename);
  };
  M._extensions['.mjs'] = (module, filename) => {
    if (isUnderNodeModules(filename)) throw new HandlerLoadError('load-failed', `${filename} is an ES module in node_modules: local runs load CommonJS packages only`);
    compile(module, filename);
  };

  const originalResolve = M._resolveFilename;
  M._resolveFilename = function (request: string, parent: unknown, isMain: boolean, opts?: unknown): string {
    try {
      return originalResolve.call(this, request, parent, isMain, opts);
    } catch (e) {
      // TypeScript sources import './x.js' meaning './x.ts' (node16 resolution).
      if (request.startsWith('.') || path.isAbsolute(request)) {
        const swaps: [RegExp, string][] = [
          [/\.js$/, '.ts'],
          [/\.js$/, '.tsx'],
          [/\.mjs$/, '.mts'],
          [/\.cjs$/, '.cts'],
          [/\.jsx$/, '.tsx'],
        ];
        for (const [re, to] of swaps) {
          if (!re.test(request)) continue;
          try {
            return originalResolve.call(this, request.replace(re, to), parent, isMain, opts);
          } catch {
            // Try the next spelling; the original error is thrown below.
          }
        }
      }
      throw e;
    }
  };

  const originalLoad = M._load;
  M._load = function (request: string, parent: unknown, isMain: boolean): unknown {
    if (request === SDK_PACKAGE) {
      let own: unknown;
      try {
        own = originalLoad.call(this, request, parent, isMain);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
        // The project has no node_modules (or no SDK): ours, the one the testing SDK was built against.
        return trackingSdk(options.bundledSdk);
      }
      return typeof own === 'object' && own !== null ? trackingSdk(own) : own;
    }
    return originalLoad.call(this, request, parent, isMain);
  };
}

export function loadHandlerModule(file: string): Record<string, unknown> {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new HandlerLoadError('handler-not-found', `handler file not found: ${abs}`);
  try {
    // createRequire so the bundler leaves this require to run time.
    return Module.createRequire(__filename)(abs) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof HandlerLoadError) throw e;
    const err = e as Error;
    const where = err.stack ? `\n${err.stack}` : '';
    throw Object.assign(new HandlerLoadError('load-failed', `could not load ${abs}: ${err.message}`), { stack: `${err.message}${where}` });
  }
}

export interface PickedHandler {
  readonly name: string;
  readonly handler: (...args: unknown[]) => unknown;
  readonly durable: boolean;
}

/** `name` when given; else `handler`; else the only withDurableExecution export. */
export function pickHandlerExport(mod: Record<string, unknown>, name: string | undefined, fileLabel: string): PickedHandler {
  const exportsOf = (m: Record<string, unknown>): [string, unknown][] => {
    const out: [string, unknown][] = [];
    for (const key of Object.keys(m)) out.push([key, m[key]]);
    return out;
  };
  const entries = exportsOf(mod);
  const functions = entries.filter(([, v]) => typeof v === 'function').map(([k]) => k);
  if (name !== undefined) {
    const value = mod[name];
    if (typeof value !== 'function') {
      throw new HandlerLoadError(
        'handler-not-found',
        `${fileLabel} has no function export "${name}"${functions.length ? ` (function exports: ${functions.join(', ')})` : ''}`
      );
    }
    return { name, handler: value as PickedHandler['handler'], durable: isDurableHandler(value) };
  }
  if (typeof mod.handler === 'function') return { name: 'handler', handler: mod.handler as PickedHandler['handler'], durable: isDurableHandler(mod.handler) };
  const durable = entries.filter(([k, v]) => k !== 'default' && isDurableHandler(v));
  if (durable.length === 0 && isDurableHandler(mod.default)) return { name: 'default', handler: mod.default as PickedHandler['handler'], durable: true };
  if (durable.length === 1) return { name: durable[0][0], handler: durable[0][1] as PickedHandler['handler'], durable: true };
  if (durable.length > 1) {
    throw new HandlerLoadError('handler-not-found', `${fileLabel} exports several durable handlers (${durable.map(([k]) => k).join(', ')}): choose one with --handler NAME`);
  }
  throw new HandlerLoadError(
    'handler-not-found',
    `${fileLabel} exports no "handler" and no withDurableExecution handler${functions.length ? ` (function exports: ${functions.join(', ')})` : ''}`
  );
}

export type LoadedInvokeTarget =
  | { readonly name: string; readonly kind: 'durable'; readonly handler: (...args: unknown[]) => unknown }
  | { readonly name: string; readonly kind: 'function'; readonly handler: (...args: unknown[]) => unknown };

/** `durableLens.local.invokeTargets` -> handlers to register with the runner. */
export function resolveInvokeTargets(targets: Readonly<Record<string, InvokeTargetSpec>>, workspaceRoot: string): LoadedInvokeTarget[] {
  const out: LoadedInvokeTarget[] = [];
  for (const [name, spec] of Object.entries(targets)) {
    if (typeof spec === 'object' && spec !== null && 'response' in spec) {
      const response = spec.response;
      out.push({ name, kind: 'function', handler: async () => response });
      continue;
    }
    if (typeof spec !== 'string' || spec.trim() === '') {
      throw new HandlerLoadError('bad-invoke-target', `invoke target "${name}": expected "path/to/handler.ts[#export]" or { "response": … }`);
    }
    const hash = spec.lastIndexOf('#');
    const file = path.resolve(workspaceRoot, hash >= 0 ? spec.slice(0, hash) : spec);
    const exportName = hash >= 0 ? spec.slice(hash + 1) || undefined : undefined;
    let picked: PickedHandler;
    try {
      picked = pickHandlerExport(loadHandlerModule(file), exportName, path.basename(file));
    } catch (e) {
      throw new HandlerLoadError('bad-invoke-target', `invoke target "${name}": ${(e as Error).message}`);
    }
    out.push({ name, kind: picked.durable ? 'durable' : 'function', handler: picked.handler });
  }
  return out;
}
