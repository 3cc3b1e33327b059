// Unit tier (node): bad input never crashes the history model: seeded random mutations of recorded histories
// (fields removed, retyped, nulled, events shuffled, duplicated, cut) go through normalise, record, paths and
// every rendering without throwing, and every event stays accounted for.
import * as assert from 'assert';
import { normalizeEvents, parseHistoryText, serializeHistory } from '../../../src/core/history/events';
import { historyJson, renderHistoryMermaid, renderText } from '../../../src/core/history/format';
import { recoverPathsDetailed } from '../../../src/core/history/ids';
import { buildExecutionRecord, payloadPreview } from '../../../src/core/history/record';
import { historyFiles, loadEvents, OWN_DIR, SHARED_DIR } from './support';

/** mulberry32: a small seeded generator, so a failure is reproducible from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [null, undefined, 0, -1, 1e308, NaN, '', 'x'.repeat(5000), '<script>', '\u0000\u001b[2J', [], [1, 2], {}, { Payload: 42 }, { Payload: { ErrorMessage: 7 } }, true, '2026-13-45T99:99:99Z'];

function mutate(events: unknown[], next: () => number): unknown[] {
  const out = JSON.parse(JSON.stringify(events)) as unknown[];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const n = 1 + Math.floor(next() * 6);
  for (let k = 0; k < n && out.length > 0; k++) {
    const i = Math.floor(next() * out.length);
    const e = out[i] as Record<string, unknown>;
    switch (Math.floor(next() * 8)) {
      case 0: // drop a field
        if (e && typeof e === 'object') delete e[pick(Object.keys(e))];
        break;
      case 1: // retype a field
        if (e && typeof e === 'object') e[pick(Object.keys(e))] = pick(ODD_VALUES);
        break;
      case 2: // retype inside the details
        if (e && typeof e === 'object') {
          const dk = Object.keys(e).find((x) => x.endsWith('Details'));
          const d = dk ? e[dk] : undefined;
          if (d && typeof d === 'object' && !Array.isArray(d)) {
            const keys = Object.keys(d as object);
            if (keys.length) (d as Record<string, unknown>)[pick(keys)] = pick(ODD_VALUES);
            else (d as Record<string, unknown>).Result = pick(ODD_VALUES);
          } else if (dk) e[dk] = pick(ODD_VALUES);
        }
        break;
      case 3: // the whole event
        out[i] = pick(ODD_VALUES);
        break;
      case 4: // duplicate
        out.splice(i, 0, JSON.parse(JSON.stringify(out[i] ?? null)));
        break;
      case 5: // swap two
        {
          const j = Math.floor(next() * out.length);
          [out[i], out[j]] = [out[j], out[i]];
        }
        break;
      case 6: // cut the history
        out.length = i;
        break;
      default: // point it at another parent
        if (e && typeof e === 'object') e.ParentId = pick([e.Id, 'nowhere', (out[0] as Record<string, unknown> | undefined)?.Id, undefined]);
    }
  }
  return out;
}

describe('history robustness', () => {
  const files = [...historyFiles(SHARED_DIR), ...historyFiles(OWN_DIR)];

  it('random mutations of every recorded history: no throw anywhere, every event accounted for', function () {
    this.timeout(120000);
    let cases = 0;
    files.forEach((f, fi) => {
      const events = loadEvents(f);
      for (let round = 0; round < 8; round++) {
        const seed = fi * 1000 + round;
        const raw = mutate(events, rng(seed));
        const where = `${f} seed ${seed}`;
        try {
          const { events: norm } = normalizeEvents(raw);
          assert.strictEqual(norm.length, raw.length, where);
          const r = buildExecutionRecord(norm);
          assert.strictEqual(r.eventOwners.length, norm.length);
          assert.ok(r.eventOwners.every((o) => o !== undefined), where);
          recoverPathsDetailed(r);
          renderText(r);
          renderHistoryMermaid(r);
          JSON.stringify(historyJson(r));
          for (const o of r.operations) payloadPreview(o.result, 40);
          // A written history reads back to the same events.
          assert.deepStrictEqual(parseHistoryText(serializeHistory(norm)).events, JSON.parse(JSON.stringify(norm)), where);
        } catch (e) {
          throw new Error(`${where}: ${(e as Error).stack}`);
        }
        cases++;
      }
    });
    assert.ok(cases >= 400, `${cases} mutated histories`);
  });
});
