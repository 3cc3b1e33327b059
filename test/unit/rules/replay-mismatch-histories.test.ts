// Unit tests (node, mocha): the tsserver plugin's history loading for replay-mismatch (src/tsplugin/histories.ts)
// over real files through ts.sys: parsed once per version, bounded in count and bytes, listing throttled, bad
// files one log line each, local runs' status and handler file, and the folders read from a configuration.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { HistoryStore, historyFoldersOf, type HistoryLimits } from '../../../src/tsplugin/histories';
import { REPO_ROOT } from './harness';

const ORDER = fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'mapping', 'drift', 'order.history.json'), 'utf8');
const LIMITS: HistoryLimits = { maxFiles: 3, maxFileBytes: 100_000, maxTotalBytes: 1_000_000, recheckMs: 1000 };

describe('replay-mismatch: history folders in the tsserver plugin', () => {
  let dir: string;
  let now: number;
  let logs: string[];
  const store = (limits = LIMITS) => new HistoryStore(ts.sys, (m) => logs.push(m), limits, () => now);
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-histories-'));
    now = 0;
    logs = [];
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the histories of a folder; the same array while nothing changed; a parsed file is reused', () => {
    fs.writeFileSync(path.join(dir, 'a.history.json'), ORDER);
    const s = store();
    s.setFolders([dir]);
    const first = s.executions();
    assert.deepStrictEqual(first.map((e) => [e.label, e.running, e.record.operations.length]), [['a', true, 3]]);
    now += 5000;
    const again = s.executions();
    assert.strictEqual(again, first, 'unchanged folder: same array');
    assert.strictEqual(again[0]!.record, first[0]!.record, 'parsed once');
  });

  it('lists again only after recheckMs, or at once after rescan()', () => {
    const s = store();
    s.setFolders([dir]);
    assert.strictEqual(s.executions().length, 0);
    fs.writeFileSync(path.join(dir, 'a.history.json'), ORDER);
    now += 10;
    assert.strictEqual(s.executions().length, 0, 'throttled');
    s.rescan();
    assert.strictEqual(s.executions().length, 1, 'rescan lists at once');
    fs.writeFileSync(path.join(dir, 'b.history.json'), ORDER);
    now += 2000;
    assert.strictEqual(s.executions().length, 2, 'after recheckMs');
  });

  it('bounded: at most maxFiles (newest first), files over maxFileBytes left out, each said once in the log', () => {
    for (let i = 0; i < 5; i++) {
      const f = path.join(dir, `h${i}.history.json`);
      fs.writeFileSync(f, ORDER);
      fs.utimesSync(f, new Date(1_000_000 + i * 1000), new Date(1_000_000 + i * 1000));
    }
    fs.writeFileSync(path.join(dir, 'huge.json'), ' '.repeat(200_000));
    const s = store();
    s.setFolders([dir]);
    assert.deepStrictEqual(s.executions().map((e) => e.label).sort(), ['h2', 'h3', 'h4']);
    assert.ok(logs.some((l) => /huge\.json is left out: 200,000 bytes/.test(l)), logs.join('\n'));
    assert.ok(logs.some((l) => /2 older history files are left out/.test(l)), logs.join('\n'));
    s.rescan();
    s.executions();
    assert.strictEqual(logs.filter((l) => /huge\.json/.test(l)).length, 1, 'told once');
  });

  it('a file that is not a history is one log line and the others still load; fixed, it loads', () => {
    fs.writeFileSync(path.join(dir, 'good.history.json'), ORDER);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"Events": [');
    const s = store();
    s.setFolders([dir]);
    assert.deepStrictEqual(s.executions().map((e) => e.label), ['good']);
    assert.strictEqual(logs.filter((l) => /bad\.json is not checked: the history file is not valid JSON/.test(l)).length, 1, logs.join('\n'));
    fs.writeFileSync(bad, ORDER + '\n');
    s.rescan();
    assert.deepStrictEqual(s.executions().map((e) => e.label).sort(), ['bad', 'good']);
  });

  it('local runs: the saved status decides running, the handler file and export come along', () => {
    const runs = path.join(dir, '.durable-lens', 'runs');
    fs.mkdirSync(runs, { recursive: true });
    const events = JSON.parse(ORDER) as unknown[];
    const run = (id: string, status: string, handlerFile: string) => JSON.stringify({ version: 1, id, handlerFile, handlerExport: 'handler', event: {}, startedAt: '2026-12-01T10:00:00.000Z', status, events });
    fs.writeFileSync(path.join(runs, 'r1.json'), run('r1', 'waiting', '/abs/src/order.ts'));
    fs.writeFileSync(path.join(runs, 'r2.json'), run('r2', 'crashed', 'src/order.ts'));
    const s = store();
    s.setFolders([runs]);
    const byLabel = new Map(s.executions().map((e) => [e.label, e]));
    assert.strictEqual(byLabel.get('local run r1')!.running, true);
    assert.strictEqual(byLabel.get('local run r1')!.handlerFile, '/abs/src/order.ts');
    assert.strictEqual(byLabel.get('local run r2')!.running, false, 'a crashed run has no terminal event but has ended');
    assert.strictEqual(byLabel.get('local run r2')!.record.execution.status, 'FAILED');
    assert.strictEqual(byLabel.get('local run r2')!.handlerFile, `${dir}/src/order.ts`, 'relative to the workspace folder');
    assert.strictEqual(byLabel.get('local run r2')!.handlerExport, 'handler');
  });

  it('folders from a configuration: absolute kept, relative to the project, bad entries reported', () => {
    assert.deepStrictEqual(historyFoldersOf({ historyFolders: ['/a', 'b'] }, '/proj'), { folders: ['/a', '/proj/b'], problems: [] });
    assert.deepStrictEqual(historyFoldersOf({ rules: {} }), { folders: [], problems: [] });
    assert.deepStrictEqual(historyFoldersOf({ historyFolders: 'x' }).problems, ['"historyFolders" must be an array of folder paths']);
    assert.deepStrictEqual(historyFoldersOf({ historyFolders: [3, ''] }).problems.length, 2);
    assert.deepStrictEqual(historyFoldersOf(null), { folders: [], problems: [] });
  });

  it('a folder that does not exist is no error', () => {
    const s = store();
    s.setFolders([path.join(dir, 'nope')]);
    assert.deepStrictEqual(s.executions(), []);
    assert.deepStrictEqual(logs, []);
  });
});
