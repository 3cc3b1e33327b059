// tsserver tier (node): replay-mismatch in a real forked tsserver with the built plugin — history folders sent
// with configurePlugin (as the extension does) and in the tsconfig plugin entry, local runs, edits, bad files.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT, TsServer, type ProtocolDiagnostic } from './tsserverClient';

const DRIFT = path.join(REPO_ROOT, 'test', 'fixtures', 'mapping', 'drift');
const CODE = 91013;
const fixture = (name: string) => fs.readFileSync(path.join(DRIFT, name), 'utf8');
const mismatches = (ds: ProtocolDiagnostic[]) => ds.filter((d) => d.source?.startsWith('durable-lens') && d.code === CODE);
const brief = (ds: ProtocolDiagnostic[]) => mismatches(ds).map((d) => `${d.start.line}:${d.start.offset} ${d.category}`);

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-ts-replay-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const TSCONFIG = (extra = '') => `{"compilerOptions": {"target": "ES2022", "module": "ESNext", "moduleResolution": "bundler", "strict": true, "noEmit": true, "types": []${extra}}, "include": ["src"]}`;

/** A saved local run (src/local/runStore.ts format) of the recorded order execution. */
function savedRun(handlerFile: string, status: string): string {
  const events = JSON.parse(fixture('order.history.json')) as unknown[];
  return JSON.stringify({ version: 1, id: `run-${status}`, handlerFile, handlerExport: 'handler', event: {}, startedAt: '2026-12-01T10:00:00.000Z', status, events });
}

describe('tsserver plugin: replay-mismatch', function () {
  this.timeout(60000);
  const temps: string[] = [];
  after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  before(function () {
    if (!fs.existsSync(path.join(REPO_ROOT, 'node_modules', 'durable-lens-tsplugin', 'index.js'))) {
      throw new Error('node_modules/durable-lens-tsplugin is missing: run `npx webpack --mode development` first');
    }
  });

  it('folders from configurePlugin: an inserted step is an error naming the execution; undoing the edit clears it', async () => {
    const dir = project({ 'tsconfig.json': TSCONFIG(), 'src/order.ts': fixture('orderInsertBefore.ts'), 'histories/order.history.json': fixture('order.history.json') });
    temps.push(dir);
    const file = path.join(dir, 'src', 'order.ts');
    const server = new TsServer();
    try {
      server.open(file);
      assert.deepStrictEqual(brief(await server.semanticDiagnostics(file)), [], 'no folders configured: nothing to check');
      await server.configurePlugin({ historyFolders: [path.join(dir, 'histories')] });
      const ds = mismatches(await server.semanticDiagnostics(file));
      const lines = fixture('orderInsertBefore.ts').split('\n');
      const line = lines.findIndex((l) => l.includes("context.step('validate'")) + 1;
      assert.deepStrictEqual(brief(ds), [`${line}:${lines[line - 1]!.indexOf('context.step') + 1} error`]);
      assert.match(ds[0]!.text, /"validate".*"reserve"/);
      assert.match(ds[0]!.text, /Resuming execution "order" \(running\) would fail with NonDeterministicExecutionError\.$/);
      assert.strictEqual(ds[0]!.source, 'durable-lens/replay-mismatch');

      await server.request('updateOpen', { openFiles: [{ file, fileContent: fixture('order.ts') }] });
      assert.deepStrictEqual(brief(await server.semanticDiagnostics(file)), [], 'the code as recorded');
      await server.request('updateOpen', { openFiles: [{ file, fileContent: fixture('orderEditStepBody.ts') }] });
      assert.deepStrictEqual(brief(await server.semanticDiagnostics(file)), [], 'an edit inside a step body');

      await server.request('updateOpen', { openFiles: [{ file, fileContent: fixture('orderRename.ts') }] });
      assert.strictEqual(brief(await server.semanticDiagnostics(file)).length, 1, 'a rename');
      await server.configurePlugin({ historyFolders: [path.join(dir, 'histories')], rules: { 'replay-mismatch': 'off' } });
      assert.deepStrictEqual(brief(await server.semanticDiagnostics(file)), [], 'the rule off');
    } finally {
      await server.close();
    }
  });

  it('local runs: a waiting run is an error, an ended one a warning; a bad file is one log line and nothing breaks', async () => {
    const dir = project({ 'tsconfig.json': TSCONFIG(), 'src/order.ts': fixture('orderRename.ts') });
    temps.push(dir);
    const file = path.join(dir, 'src', 'order.ts');
    const runs = path.join(dir, '.durable-lens', 'runs');
    fs.mkdirSync(runs, { recursive: true });
    fs.writeFileSync(path.join(runs, 'run-succeeded.json'), savedRun(file, 'succeeded'));
    fs.writeFileSync(path.join(runs, 'broken.json'), '{"version": 1, "events": [');
    const server = new TsServer();
    try {
      server.open(file);
      await server.configurePlugin({ historyFolders: [runs] });
      let ds = await server.semanticDiagnostics(file);
      assert.deepStrictEqual(mismatches(ds).map((d) => d.category), ['warning']);
      assert.match(mismatches(ds)[0]!.text, /"local run run-succeeded" has ended \(succeeded\)/);
      // The other rules and TypeScript are untouched by the bad file.
      assert.ok(Array.isArray(ds));

      fs.writeFileSync(path.join(runs, 'run-waiting.json'), savedRun(file, 'waiting'));
      await server.configurePlugin({ historyFolders: [runs] }); // what the extension's watcher does on a new run
      ds = await server.semanticDiagnostics(file);
      assert.deepStrictEqual(mismatches(ds).map((d) => d.category), ['error']);
      assert.match(mismatches(ds)[0]!.text, /2 recorded executions .*"local run run-waiting" \(running\), "local run run-succeeded" \(ended, succeeded\)/);
      await new Promise((r) => setTimeout(r, 200)); // the log is written asynchronously
      const log = server.log();
      assert.match(log, /replay-mismatch: .*broken\.json is not checked: the history file is not valid JSON/);
      assert.strictEqual(log.match(/broken\.json is not checked/g)!.length, 1, 'told once');
    } finally {
      await server.close();
    }
  });

  it('other editors: historyFolders in the tsconfig plugin entry, relative to the project', async () => {
    const dir = project({
      'tsconfig.json': TSCONFIG(', "plugins": [{"name": "durable-lens-tsplugin", "historyFolders": ["recordings"]}]'),
      'src/order.ts': fixture('orderStepToWait.ts'),
      'recordings/order.history.json': fixture('order.history.json'),
    });
    temps.push(dir);
    const file = path.join(dir, 'src', 'order.ts');
    const server = new TsServer({ globalPlugin: false });
    try {
      server.open(file);
      const ds = mismatches(await server.semanticDiagnostics(file));
      assert.strictEqual(ds.length, 1, JSON.stringify(ds));
      assert.strictEqual(ds[0]!.category, 'error');
    } finally {
      await server.close();
    }
  });
});
