// Unit tier (node): reading history files (the SDK's array, the API's {Events}, SAM's JSON output), timestamp
// forms, the refusals (malformed with its position, not a history, empty, too large and fast), serialising.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HistoryFileError, normalizeEvents, parseHistoryText, serializeHistory, toIsoTimestamp, type HistoryEvent } from '../../../src/core/history/events';
import { buildExecutionRecord, payloadPreview } from '../../../src/core/history/record';
import { loadEvents, sharedFile } from './support';

function refusal(fn: () => unknown): HistoryFileError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HistoryFileError) return e;
    throw e;
  }
  throw new Error('expected a HistoryFileError');
}

describe('history events', () => {
  const fixture = loadEvents(sharedFile('step__with-retry__step-with-retry'));

  it('reads the three formats to the same events', () => {
    const asArray = parseHistoryText(serializeHistory(fixture));
    assert.strictEqual(asArray.format, 'array');
    assert.deepStrictEqual(asArray.events, fixture);

    // The API answers timestamps as epoch seconds.
    const api = { Events: fixture.map((e) => ({ ...e, EventTimestamp: Date.parse(e.EventTimestamp) / 1000 })) };
    const fromApi = parseHistoryText(JSON.stringify(api));
    assert.strictEqual(fromApi.format, 'api');
    assert.deepStrictEqual(fromApi.events, fixture);
    assert.deepStrictEqual(fromApi.problems, []);

    // SAM prints boto3's response with json.dumps(default=str): Python datetimes, microseconds, +00:00.
    const py = (iso: string): string => iso.replace('T', ' ').replace(/\.(\d{3})Z$/, '.$1000+00:00');
    const sam = { Events: fixture.map((e) => ({ ...e, EventTimestamp: py(e.EventTimestamp) })) };
    const fromSam = parseHistoryText(JSON.stringify(sam, null, 2));
    assert.strictEqual(fromSam.format, 'sam');
    assert.deepStrictEqual(fromSam.events, fixture);
    assert.strictEqual(py('2025-12-03T22:59:52.607Z'), '2025-12-03 22:59:52.607000+00:00');
  });

  it('reads the events nested under an execution object, and keeps the execution fields', () => {
    const nested = { DurableExecutionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f:1/durable-execution/n/i', Status: 'SUCCEEDED', History: { Events: fixture } };
    const p = parseHistoryText(JSON.stringify(nested));
    assert.strictEqual(p.format, 'sam');
    assert.deepStrictEqual(p.events, fixture);
    assert.strictEqual(p.execution?.Status, 'SUCCEEDED');
  });

  it('says when the file is one page of a longer history', () => {
    const p = parseHistoryText(JSON.stringify({ Events: fixture.slice(0, 3), NextMarker: 'abc' }));
    assert.strictEqual(p.nextMarker, 'abc');
    assert.ok(p.problems.some((m) => /NextMarker/.test(m) && /missing/.test(m)));
  });

  it('normalises epoch seconds, epoch milliseconds, Date objects, ISO strings with offsets and Python datetimes', () => {
    const want = '2025-12-03T22:59:52.607Z';
    assert.strictEqual(toIsoTimestamp(1764802792.607), want);
    assert.strictEqual(toIsoTimestamp(1764802792607), want);
    assert.strictEqual(toIsoTimestamp(new Date(want)), want);
    assert.strictEqual(toIsoTimestamp(want), want);
    assert.strictEqual(toIsoTimestamp('2025-12-03T23:59:52.607+01:00'), want);
    assert.strictEqual(toIsoTimestamp('2025-12-03 22:59:52.607123+00:00'), want);
    assert.strictEqual(toIsoTimestamp('2025-12-03 22:59:52+00:00'), '2025-12-03T22:59:52.000Z');
    assert.strictEqual(toIsoTimestamp('yesterday'), undefined);
    assert.strictEqual(toIsoTimestamp(undefined), undefined);
    // Nested timestamps too (the SDK client gives Dates there).
    const { events, problems } = normalizeEvents([
      { EventType: 'WaitStarted', EventId: 2, Id: 'x', EventTimestamp: new Date(want), WaitStartedDetails: { Duration: 1, ScheduledEndTimestamp: new Date('2025-12-03T22:59:53.607Z') } },
      { EventType: 'InvocationCompleted', EventId: 3, EventTimestamp: 1764802792.607, InvocationCompletedDetails: { StartTimestamp: 1764802792, EndTimestamp: new Date(want) } },
    ]);
    assert.deepStrictEqual(problems, []);
    assert.strictEqual(events[0]!.WaitStartedDetails!.ScheduledEndTimestamp, '2025-12-03T22:59:53.607Z');
    assert.strictEqual(events[1]!.InvocationCompletedDetails!.StartTimestamp, '2025-12-03T22:59:52.000Z');
  });

  it('keeps malformed events and reports each (nothing dropped silently)', () => {
    const { events, problems } = normalizeEvents([42, { EventId: 2 }, { EventType: 'StepStarted', EventTimestamp: 'soon', Id: 7 }, { EventType: 'Mystery', EventId: 4, EventTimestamp: 0 }]);
    assert.strictEqual(events.length, 4);
    assert.deepStrictEqual(
      events.map((e) => [e.EventType, e.EventId, e.EventTimestamp]),
      [
        ['Unknown', 1, ''],
        ['Unknown', 2, ''],
        ['StepStarted', 3, ''],
        ['Mystery', 4, '1970-01-01T00:00:00.000Z'],
      ]
    );
    assert.strictEqual(events[2]!.Id, '7');
    assert.strictEqual(problems.length, 7, problems.join('\n'));
    const record = buildExecutionRecord(events);
    assert.strictEqual(record.eventOwners.length, 4);
    assert.ok(record.eventOwners.every((o) => o !== undefined));
  });

  it('malformed JSON: one message with the line and column', () => {
    const e = refusal(() => parseHistoryText('[\n  {"EventType": "ExecutionStarted",\n  "EventId": 1,,\n}]'));
    assert.strictEqual(e.reason, 'malformed');
    assert.match(e.message, /not valid JSON: line 3, column 16/);
    const cut = refusal(() => parseHistoryText(serializeHistory(fixture).slice(0, 200)));
    assert.strictEqual(cut.reason, 'malformed');
    assert.match(cut.message, /not valid JSON/);
  });

  it('JSON that is not a history, and an empty file, are refused with their reason', () => {
    for (const text of ['{"hello": "world"}', '"text"', '12', 'null', '[1, 2, 3]', '[{"name": "x"}]']) {
      const e = refusal(() => parseHistoryText(text));
      assert.strictEqual(e.reason, 'notAHistory', text);
      assert.match(e.message, /not a durable execution history/);
    }
    for (const text of ['', '   \n', '\ufeff']) assert.strictEqual(refusal(() => parseHistoryText(text)).reason, 'empty');
    // An empty array is a history with no events (an execution that has not started yet).
    assert.deepStrictEqual(parseHistoryText('[]').events, []);
  });

  it('refuses a 100 MB file fast, before parsing it', function () {
    this.timeout(60000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-history-'));
    try {
      const file = path.join(dir, 'huge.history.json');
      const one = JSON.stringify(fixture[1]);
      const fd = fs.openSync(file, 'w');
      const chunk = ('[' + `${one},`.repeat(Math.ceil((1024 * 1024) / (one.length + 1)))).slice(0, 1024 * 1024);
      for (let i = 0; i < 100; i++) fs.writeSync(fd, i === 0 ? chunk : chunk.replace(/^\[/, ','));
      fs.closeSync(fd);
      const text = fs.readFileSync(file, 'utf8');
      const t0 = process.hrtime.bigint();
      const e = refusal(() => parseHistoryText(text));
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      assert.strictEqual(e.reason, 'tooLarge');
      assert.match(e.message, /100 MB, over the 50 MB limit/);
      // Refused by its size before any parse (parsing 100 MB takes seconds): a gross bound, not a timing target.
      assert.ok(ms < 500, `refused in ${ms.toFixed(1)} ms`);
      // A smaller limit applies to multi-byte text by its UTF-8 size, not its length.
      assert.strictEqual(refusal(() => parseHistoryText('["' + 'é'.repeat(600) + '"]', 1000)).reason, 'tooLarge');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serializeHistory writes the SDK fixture format: a plain array, ISO timestamps, 2-space JSON', () => {
    const text = serializeHistory(fixture);
    assert.ok(text.startsWith('[\n  {\n    "EventType": "ExecutionStarted"'));
    assert.ok(text.endsWith(']\n'));
    const back = JSON.parse(text) as HistoryEvent[];
    assert.ok(back.every((e) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(e.EventTimestamp)));
    assert.strictEqual(text, fs.readFileSync(sharedFile('step__with-retry__step-with-retry'), 'utf8').replace(/\r\n/g, '\n').trimEnd() + '\n');
  });

  it('truncated payloads keep their text and flag; previews never throw', () => {
    const events = normalizeEvents([
      { EventType: 'ExecutionStarted', EventId: 1, Id: 'e', EventTimestamp: 0, ExecutionStartedDetails: { Input: { Payload: '{"a":[1,2', Truncated: true } } },
      { EventType: 'ExecutionSucceeded', EventId: 2, Id: 'e', EventTimestamp: 1, ExecutionSucceededDetails: { Result: { Truncated: true } } },
    ]).events;
    const r = buildExecutionRecord(events);
    assert.deepStrictEqual(r.execution.input, { raw: '{"a":[1,2', truncated: true });
    assert.strictEqual(payloadPreview(r.execution.input, 80), '{"a":[1,2 (truncated)');
    assert.strictEqual(payloadPreview(r.execution.result, 80), '(truncated)');
    assert.strictEqual(payloadPreview({ raw: '{"k": "' + 'v'.repeat(500) + '"}', truncated: false }, 20), '{"k":"vvvvvvvvvvvvv…');
    assert.strictEqual(payloadPreview(undefined), '');
  });
});
