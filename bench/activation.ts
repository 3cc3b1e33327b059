// Benchmark (node, prints figures, no assertions): activation cost of the built extension bundle, i.e.
// require('dist/extension.js') plus activate(), against a stand-in `vscode` module, fresh module cache each run.
// Run: npm run build (or build:dev) && npx tsc -p tsconfig.json && node out/bench/activation.js
// The figure inside a real VS Code is logged by the extension ("activated in N ms" in the Durable Lens output)
// and checked by the integration suite.
import * as fs from 'fs';
import * as path from 'path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BUNDLE = path.join(REPO_ROOT, 'dist', 'extension.js');
const RUNS = Number(process.env.DL_BENCH_RUNS ?? 30);

/** Anything the extension may touch at activation: every property is callable and returns a disposable-ish stub. */
function stub(name: string): unknown {
  const fn = function () {
    return stub(`${name}()`);
  };
  return new Proxy(fn, {
    get(_t, prop) {
      if (prop === 'then') return undefined; // not a thenable
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === 'dispose') return () => undefined;
      return stub(`${name}.${String(prop)}`);
    },
  });
}

function fakeVscode(): Record<string, unknown> {
  const disposable = { dispose: () => undefined };
  const base = stub('vscode') as Record<string, unknown>;
  const config = { get: <T>(_k: string, d?: T) => d, inspect: () => undefined, has: () => false, update: async () => undefined };
  const tsApi = { configurePlugin: () => undefined };
  const overrides: Record<string, unknown> = {
    window: new Proxy({}, { get: (_t, p) => (p === 'createOutputChannel' ? () => stub('channel') : (stub('window') as Record<string | symbol, unknown>)[p]) }),
    workspace: new Proxy({}, { get: (_t, p) => (p === 'getConfiguration' ? () => config : p === 'onDidChangeConfiguration' ? () => disposable : (stub('workspace') as Record<string | symbol, unknown>)[p]) }),
    commands: { registerCommand: () => disposable, executeCommand: async () => undefined },
    extensions: { getExtension: () => ({ isActive: true, exports: { getAPI: () => tsApi }, activate: async () => ({ getAPI: () => tsApi }) }) },
  };
  return new Proxy(overrides, { get: (t, p) => (p in t ? t[p as string] : base[p as string]) });
}

function fakeContext(): unknown {
  const subscriptions: { dispose(): void }[] = [];
  return new Proxy(
    { subscriptions, extensionUri: stub('extensionUri'), extensionPath: REPO_ROOT, extension: { packageJSON: { version: 'bench' } } },
    { get: (t, p) => (p in t ? (t as Record<string | symbol, unknown>)[p] : stub(`context.${String(p)}`)) },
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} missing: build first`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const originalLoad = Module._load;
  const vscode = fakeVscode();
  Module._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? vscode : originalLoad.call(this, request, ...rest);
  };
  const load: number[] = [];
  const activate: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const key of Object.keys(require.cache)) if (key.startsWith(path.join(REPO_ROOT, 'dist'))) delete require.cache[key];
      const t0 = performance.now();
      const ext = require(BUNDLE) as { activate(ctx: unknown): { activationMs: number } };
      const t1 = performance.now();
      const ctx = fakeContext();
      ext.activate(ctx);
      const t2 = performance.now();
      load.push(t1 - t0);
      activate.push(t2 - t1);
      for (const d of (ctx as { subscriptions: { dispose(): void }[] }).subscriptions) d.dispose();
    }
  } finally {
    Module._load = originalLoad;
  }
  const size = fs.statSync(BUNDLE).size;
  console.log(`activation (${RUNS} runs, dist/extension.js ${(size / 1024).toFixed(0)} KiB)`);
  console.log(`  require bundle : first ${load[0].toFixed(1)} ms, median ${median(load).toFixed(1)} ms`);
  console.log(`  activate()     : first ${activate[0].toFixed(1)} ms, median ${median(activate).toFixed(1)} ms`);
  console.log(`  total (first)  : ${(load[0] + activate[0]).toFixed(1)} ms   budget 50 ms`);
}

if (require.main === module) main();
