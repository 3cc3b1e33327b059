// Unit tier (node): the pure md5 against RFC 1321's vectors and Node's crypto, the SDK's operation ids, and
// path recovery over every recorded history (each id found, each path consistent with its parent's).
import * as assert from 'assert';
import * as path from 'path';
import { createHash } from 'crypto';
import { buildExecutionRecord } from '../../../src/core/history/record';
import { md5Hex, operationIdForPath, recoverPaths, recoverPathsDetailed } from '../../../src/core/history/ids';
import type { HistoryEvent } from '../../../src/core/history/events';
import { historyFiles, loadEvents, OWN_DIR, SHARED_DIR, sharedFile } from './support';

describe('history ids', () => {
  it('md5Hex gives the RFC 1321 test suite values', () => {
    const vectors: [string, string][] = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
      ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
      ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
    ];
    for (const [input, want] of vectors) assert.strictEqual(md5Hex(input), want, JSON.stringify(input));
  });

  it('md5Hex matches Node crypto on UTF-8 text and on lengths around the 64-byte block edges', () => {
    const samples = ['é', '日本語', '😀 emoji', 'a\u0000b', 'lone \ud800 surrogate'];
    for (let n = 50; n < 140; n++) samples.push('x'.repeat(n), 'é'.repeat(n >> 1));
    for (const s of samples) assert.strictEqual(md5Hex(s), createHash('md5').update(s, 'utf8').digest('hex'), JSON.stringify(s));
  });

  it('operationIdForPath gives the SDK ids (DURABLE-API.md: md5("1") starts c4ca4238a0b92382)', () => {
    assert.strictEqual(operationIdForPath('1'), 'c4ca4238a0b92382');
    assert.strictEqual(operationIdForPath('2'), 'c81e728d9d4c2f63');
    // map-basic: the map is operation 1, its first item context 1-1.
    assert.strictEqual(operationIdForPath('1-1'), 'ea66c06c1e1c05fa');
  });

  const files = [...historyFiles(SHARED_DIR), ...historyFiles(OWN_DIR)];
  it(`recovers the path of every operation in all ${files.length} histories, each under its parent's`, () => {
    assert.ok(files.length >= 49 + 7, `expected the 49 shared histories and ours, found ${files.length}`);
    let total = 0;
    for (const f of files) {
      const record = buildExecutionRecord(loadEvents(f));
      const { paths, unresolved } = recoverPathsDetailed(record);
      assert.deepStrictEqual(unresolved, [], f);
      for (const op of record.operations) {
        const p = paths.get(op.id);
        assert.ok(p, `${f}: ${op.id} has no path`);
        assert.strictEqual(operationIdForPath(p), op.id);
        if (op.parent) {
          const rest = p.startsWith(paths.get(op.parent.id)! + '-') ? p.slice(paths.get(op.parent.id)!.length + 1) : undefined;
          // Directly under the parent, or (FLAT map/parallel: item contexts unrecorded) one level further.
          const flat = op.parent.kind === 'map' || op.parent.kind === 'parallel';
          assert.ok(rest !== undefined && (/^\d+$/.test(rest) || (flat && op.kind !== 'map.item' && op.kind !== 'parallel.branch' && /^\d+-\d+$/.test(rest))), `${f}: ${p} is under ${paths.get(op.parent.id)}`);
        }
        else assert.ok(/^\d+$/.test(p), `${f}: top-level ${p}`);
        total++;
      }
    }
    assert.ok(total > 300, `${total} operations checked`);
  });

  it('hand-checked paths: map-basic items and the waitForCallback internals', () => {
    const map = recoverPaths(buildExecutionRecord(loadEvents(sharedFile('map__basic__map-basic'))));
    const byPath = new Map([...map].map(([id, p]) => [p, id]));
    assert.deepStrictEqual([...byPath.keys()].sort(), ['1', '1-1', '1-1-1', '1-2', '1-2-1', '1-3', '1-3-1', '1-4', '1-4-1', '1-5', '1-5-1', '2'].sort());
  });

  it('a FLAT map (recorded): no item contexts, the steps sit at 1-i-1 under the map', () => {
    const r = buildExecutionRecord(loadEvents(path.join(OWN_DIR, 'map-flat.history.json')));
    const map = r.roots[0]!;
    assert.deepStrictEqual([map.kind, map.name, map.children.map((c) => c.kind)], ['map', 'flat-orders', ['step', 'step', 'step']]);
    const paths = recoverPaths(r);
    assert.deepStrictEqual(
      map.children.map((c) => [c.name, paths.get(c.id)]),
      [
        ['pack-x', '1-1-1'],
        ['pack-y', '1-2-1'],
        ['pack-z', '1-3-1'],
      ]
    );
  });

  it('finds the P-i-k children of item contexts a FLAT map does not record, and reports ids it cannot place', () => {
    const ev = (EventId: number, EventType: string, extra: Partial<HistoryEvent>): HistoryEvent => ({ EventId, EventType, EventTimestamp: '2026-01-01T00:00:00.000Z', ...extra });
    const events: HistoryEvent[] = [
      ev(1, 'ExecutionStarted', { Id: 'exec' }),
      ev(2, 'ContextStarted', { Id: operationIdForPath('1'), SubType: 'Map', Name: 'flat' }),
      ev(3, 'StepStarted', { Id: operationIdForPath('1-1-1'), ParentId: operationIdForPath('1'), SubType: 'Step' }),
      ev(4, 'StepStarted', { Id: operationIdForPath('1-2-1'), ParentId: operationIdForPath('1'), SubType: 'Step' }),
      ev(5, 'StepStarted', { Id: 'ffffffffffffffff', SubType: 'Step' }),
      ev(6, 'StepStarted', { Id: operationIdForPath('9-9'), ParentId: 'not-in-history', SubType: 'Step' }),
    ];
    const { paths, unresolved } = recoverPathsDetailed(buildExecutionRecord(events));
    assert.strictEqual(paths.get(operationIdForPath('1-1-1')), '1-1-1');
    assert.strictEqual(paths.get(operationIdForPath('1-2-1')), '1-2-1');
    assert.deepStrictEqual(unresolved.map((u) => u.id).sort(), ['ffffffffffffffff', operationIdForPath('9-9')].sort());
    assert.ok(unresolved.every((u) => u.message.length > 0));
  });
});
