// Runs in mocha (node): the saved local runs (.durable-lens/runs): atomic writes, listing with unreadable
// files, ids that cannot escape the folder, delete, export in the SDK's fixture format.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseHistoryText } from '../../../src/core/history/events';
import { defaultEvent, eventMemoryKey, eventText, parseEventText } from '../../../src/local/eventMemory';
import { deleteRun, exportHistory, isValidRunId, listRuns, loadRun, runsDir, RunStoreError, saveRun } from '../../../src/local/runStore';
import type { SavedRun } from '../../../src/local/types';
import { tempDir } from './helpers';

function sample(id: string, startedAt: string): SavedRun {
  return {
    version: 1,
    id,
    handlerFile: '/w/src/handler.ts',
    handlerExport: 'handler',
    event: { a: 1 },
    startedAt,
    endedAt: startedAt,
    status: 'succeeded',
    result: { ok: true },
    events: [
      { EventType: 'ExecutionStarted', EventId: 1, Id: 'e', EventTimestamp: startedAt, ExecutionStartedDetails: { Input: { Payload: '{"a":1}' } } },
      { EventType: 'ExecutionSucceeded', EventId: 2, Id: 'e', EventTimestamp: startedAt, ExecutionSucceededDetails: { Result: { Payload: '{"ok":true}' } } },
    ],
  };
}

describe('run store', () => {
  let ws: string;
  beforeEach(() => (ws = tempDir('store')));
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('saves, loads (round trip), lists newest first and deletes', () => {
    const a = sample('20260101T000000Z-aaaa', '2026-01-01T00:00:00.000Z');
    const b = sample('20260102T000000Z-bbbb', '2026-01-02T00:00:00.000Z');
    saveRun(ws, a);
    saveRun(ws, b);
    assert.deepStrictEqual(loadRun(ws, a.id), a);
    assert.deepStrictEqual(
      listRuns(ws).map((r) => (r.ok ? r.run.id : r.id)),
      [b.id, a.id]
    );
    deleteRun(ws, a.id);
    assert.throws(() => loadRun(ws, a.id), (e: unknown) => e instanceof RunStoreError && e.reason === 'not-found');
    assert.throws(() => deleteRun(ws, a.id), (e: unknown) => e instanceof RunStoreError && e.reason === 'not-found');
    assert.strictEqual(listRuns(ws).length, 1);
  });

  it('writes atomically: no temp file left, a save over an existing run replaces it whole', () => {
    const a = sample('r1', '2026-01-01T00:00:00.000Z');
    saveRun(ws, a);
    saveRun(ws, { ...a, status: 'failed' });
    assert.deepStrictEqual(fs.readdirSync(runsDir(ws)), ['r1.json']);
    assert.strictEqual(loadRun(ws, 'r1').status, 'failed');
  });

  it('a corrupt or foreign file is listed as unreadable, never thrown; other runs still listed', () => {
    saveRun(ws, sample('good', '2026-01-01T00:00:00.000Z'));
    fs.writeFileSync(path.join(runsDir(ws), 'half.json'), '{"version":1,"id":"half","eve');
    fs.writeFileSync(path.join(runsDir(ws), 'other.json'), '{"version":7,"id":"other"}');
    fs.writeFileSync(path.join(runsDir(ws), 'mismatch.json'), JSON.stringify(sample('not-mismatch', '2026-01-01T00:00:00.000Z')));
    fs.writeFileSync(path.join(runsDir(ws), 'notes.txt'), 'ignored');
    const listed = listRuns(ws);
    assert.strictEqual(listed.length, 4);
    const bad = listed.filter((r) => !r.ok).map((r) => (r.ok ? '' : `${r.id}: ${r.message}`));
    assert.strictEqual(bad.length, 3);
    assert.ok(bad.some((m) => m.startsWith('half: ') && /not a readable run file/.test(m)));
    assert.ok(bad.some((m) => m.startsWith('other: ') && /unsupported version 7/.test(m)));
    assert.ok(bad.some((m) => m.startsWith('mismatch: ') && /does not match the file name/.test(m)));
    assert.throws(() => loadRun(ws, 'half'), (e: unknown) => e instanceof RunStoreError && e.reason === 'unreadable');
  });

  it('no runs folder yet: an empty list', () => {
    assert.deepStrictEqual(listRuns(ws), []);
  });

  it('ids that could leave the folder are refused', () => {
    for (const id of ['../x', 'a/b', '', '..', 'a b', 'x'.repeat(200)]) {
      assert.strictEqual(isValidRunId(id), false, id);
      assert.throws(() => loadRun(ws, id), (e: unknown) => e instanceof RunStoreError && e.reason === 'bad-id');
    }
    assert.throws(() => saveRun(ws, sample('../escape', '2026-01-01T00:00:00.000Z')), RunStoreError);
    assert.ok(!fs.existsSync(path.join(ws, '.durable-lens', 'escape.json')));
  });

  it('exports the history as a plain array of events that reads back as the SDK fixture format', () => {
    const out = path.join(ws, 'x.history.json');
    exportHistory(sample('r2', '2026-01-01T00:00:00.000Z'), out);
    const text = fs.readFileSync(out, 'utf8');
    assert.ok(Array.isArray(JSON.parse(text)));
    const parsed = parseHistoryText(text);
    assert.strictEqual(parsed.format, 'array');
    assert.deepStrictEqual(
      parsed.events.map((e) => e.EventType),
      ['ExecutionStarted', 'ExecutionSucceeded']
    );
  });
});

describe('event memory', () => {
  it('keys per workspace-relative file and export, with forward slashes', () => {
    assert.strictEqual(eventMemoryKey('src\\handler.ts', undefined), eventMemoryKey('src/handler.ts', 'handler'));
    assert.notStrictEqual(eventMemoryKey('src/handler.ts', 'a'), eventMemoryKey('src/handler.ts', 'b'));
  });

  it('default event {}, typed text parsed, bad JSON one message', () => {
    assert.deepStrictEqual(defaultEvent(), {});
    assert.deepStrictEqual(parseEventText('  '), { ok: true, event: {} });
    assert.deepStrictEqual(parseEventText('{"a":[1]}'), { ok: true, event: { a: [1] } });
    const bad = parseEventText('{a:');
    assert.ok(!bad.ok && /not valid JSON/.test(bad.message));
    assert.strictEqual(eventText(undefined), '{}');
    assert.strictEqual(eventText({ a: 1 }), '{\n  "a": 1\n}');
  });
});
