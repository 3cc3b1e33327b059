// Runs in node (unit tier): the view model the execution panel sends its webview, built from records of the
// shared AWS example histories and the repository's own, and the payload documents it opens.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { HistoryEvent } from '../../../src/core/history/events';
import { buildExecutionRecord } from '../../../src/core/history/record';
import { PREVIEW_CHARS, checkCallbackPayload, type ExecutionView } from '../../../src/extension/executions/executionProtocol';
import { PAYLOAD_REFS, REFRESH_MAX_MS, REFRESH_MIN_MS, buildExecutionView, eventRef, nextRefreshDelay, operationRef, payloadDocument, prettyPayload, type SourceFacts } from '../../../src/extension/executions/executionViewModel';
import { readHistory, repoHistory, sharedHistoriesDir } from './fixtures';

const FACTS: SourceFacts = { key: 'file:test', title: 'test', running: false, canStop: false, canCompleteCallbacks: false, canHeartbeat: false, canOpenHandler: false };

function viewOf(events: HistoryEvent[], facts: Partial<SourceFacts> = {}): ExecutionView {
  return buildExecutionView(buildExecutionRecord(events), { ...FACTS, ...facts });
}

describe('executionView: view model', () => {
  const dir = sharedHistoriesDir();

  it('accounts for every operation and event of the 49 shared histories, children right after their parent', function () {
    if (!dir) this.skip(); // the shared fixtures live outside the repository (see test/support/lambdaServer.ts)
    const files = fs.readdirSync(dir!).filter((f) => f.endsWith('.history.json'));
    assert.strictEqual(files.length, 49);
    for (const f of files) {
      const events = readHistory(path.join(dir!, f));
      const record = buildExecutionRecord(events);
      const view = buildExecutionView(record, FACTS);
      assert.strictEqual(view.events.length, events.length, f);
      assert.strictEqual(view.operations.length, record.operations.length, `${f}: every operation in the tree`);
      assert.deepStrictEqual(new Set(view.operations.map((o) => o.id)).size, view.operations.length, `${f}: no operation twice`);
      const position = new Map(view.operations.map((o, i) => [o.id, i]));
      for (const [i, o] of view.operations.entries()) {
        if (o.parentId === null) {
          assert.strictEqual(o.depth, 0, `${f}: ${o.id} at the top`);
          continue;
        }
        const p = position.get(o.parentId)!;
        assert.ok(p < i, `${f}: ${o.id} after its parent`);
        assert.strictEqual(o.depth, view.operations[p]!.depth + 1, `${f}: ${o.id} one level below its parent`);
        // Depth first: everything between the parent and this row is deeper than the parent.
        for (let k = p + 1; k < i; k++) assert.ok(view.operations[k]!.depth > view.operations[p]!.depth, `${f}: ${o.id} inside its parent's subtree`);
      }
      for (const o of view.operations) {
        assert.strictEqual(o.childCount, record.byId.get(o.id)!.children.length);
        assert.ok((o.preview ?? '').length <= PREVIEW_CHARS + ' (truncated)'.length, `${f}: preview of ${o.id} is one short line`);
        assert.doesNotMatch(o.preview ?? '', /\n/);
      }
      for (const e of view.events) assert.ok(e.detail.length <= PREVIEW_CHARS && !/\n/.test(e.detail), `${f}: event ${e.eventId} detail is one short line`);
      assert.strictEqual(view.summary.status, String(record.execution.status));
      // The view travels through postMessage: it must survive structured cloning as JSON would.
      assert.deepStrictEqual(JSON.parse(JSON.stringify(view)), view);
    }
  });

  it('shows a retried step with its attempts and the execution result', function () {
    if (!dir) this.skip();
    const view = viewOf(readHistory(path.join(dir!, 'step__with-retry__step-with-retry.history.json')));
    assert.strictEqual(view.operations.length, 1);
    const step = view.operations[0]!;
    assert.strictEqual(step.kind, 'step');
    assert.strictEqual(step.status, 'SUCCEEDED');
    assert.strictEqual(step.tone, 'succeeded');
    assert.strictEqual(step.attempts, 3);
    assert.strictEqual(view.summary.tone, 'succeeded');
    assert.strictEqual(view.summary.invocationCount, 3);
    assert.strictEqual(view.events[2]!.detail.startsWith('Error: Random failure'), true, view.events[2]!.detail);
    assert.match(view.events[2]!.detail, /retry in 1 s/);
  });

  it('shows a failed execution with its error and failed operations', () => {
    const view = viewOf(repoHistory('retries-then-failure.history.json'));
    assert.strictEqual(view.summary.tone, 'failed');
    assert.ok(view.summary.error, 'the execution error is in the summary');
    assert.strictEqual(view.summary.error!.ref, PAYLOAD_REFS.error);
    const failed = view.operations.filter((o) => o.tone === 'failed');
    assert.ok(failed.length > 0);
    for (const o of failed) {
      assert.strictEqual(o.previewIsError, true);
      assert.ok(o.errorRef);
    }
  });

  it('offers a waiting callback for completion only while the execution runs, and only the supported actions', () => {
    const all = repoHistory('wait-for-callback.history.json');
    const cut = all.slice(0, all.findIndex((e) => e.EventType === 'CallbackSucceeded'));
    const live = viewOf(cut, { running: true, canStop: true, canCompleteCallbacks: true, canHeartbeat: true, arn: 'arn:aws:lambda:us-east-1:1:function:f:3/durable-execution/n/i' });
    const waiting = live.operations.filter((o) => o.pendingCallbackId);
    assert.strictEqual(waiting.length, 1);
    assert.strictEqual(waiting[0]!.status, 'WAITING');
    assert.strictEqual(waiting[0]!.tone, 'waiting');
    assert.deepStrictEqual(live.actions, { refresh: true, stop: true, callbacks: true, heartbeat: true, copyArn: true, openConsole: false, export: true, openHandler: false });
    assert.strictEqual(live.summary.tone, 'running');

    const done = viewOf(all, { running: false, canStop: true, canCompleteCallbacks: true });
    assert.strictEqual(done.operations.filter((o) => o.pendingCallbackId).length, 0);
    assert.strictEqual(done.actions.stop, false, 'no stop for an execution that ended');
    assert.strictEqual(viewOf(all).actions.copyArn, false, 'no ARN, no copy');
  });

  it('carries hostile names and payloads as data, unchanged', () => {
    const view = viewOf(repoHistory('hostile-names.history.json'));
    const names = view.operations.map((o) => o.name ?? '');
    assert.ok(names.some((n) => /<img|<script|onerror/i.test(n)), JSON.stringify(names));
  });

  it('takes the version from the ARN when the history has none', () => {
    const record = buildExecutionRecord(repoHistory('wait-for-callback.history.json'), { arn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders:7/durable-execution/run-1/abc' });
    const view = buildExecutionView(record, FACTS);
    assert.strictEqual(view.summary.version, '7');
    assert.strictEqual(view.summary.functionName, 'orders');
    assert.strictEqual(view.summary.executionName, 'run-1');
  });
});

describe('executionView: payload documents', () => {
  const events = repoHistory('wait-for-callback.history.json');
  const record = buildExecutionRecord(events);

  it('opens the execution input and result pretty-printed', () => {
    const input = payloadDocument(record, PAYLOAD_REFS.input);
    assert.ok(input);
    assert.strictEqual(input.name, 'execution-input.json');
    assert.deepStrictEqual(JSON.parse(input.content), JSON.parse(record.execution.input!.raw!));
    const result = payloadDocument(record, PAYLOAD_REFS.result)!;
    assert.strictEqual(result.content, JSON.stringify(JSON.parse(record.execution.result!.raw!), null, 2) + '\n');
  });

  it('opens an operation result and a raw event; unknown refs open nothing', () => {
    const op = record.operations.find((o) => o.result?.raw !== undefined)!;
    const doc = payloadDocument(record, operationRef('result', op.id))!;
    assert.deepStrictEqual(JSON.parse(doc.content), JSON.parse(op.result!.raw!));
    assert.match(doc.name, /^[A-Za-z0-9._-]+-result\.json$/);
    const ev = payloadDocument(record, eventRef(1))!;
    assert.deepStrictEqual(JSON.parse(ev.content), events[1]);
    for (const ref of ['', 'event:999', 'op:result:nope', 'op:error:%E0%A4%A', 'op:bogus:x', 'execution:error', '__proto__']) {
      assert.strictEqual(payloadDocument(record, ref), undefined, ref);
    }
  });

  it('keeps a payload that is not JSON (cut short by Lambda) as a JSON string, losing nothing', () => {
    const raw = '{"order": "12345", "items": [1, 2';
    assert.strictEqual(JSON.parse(prettyPayload(raw)), raw);
    assert.strictEqual(prettyPayload(undefined), 'null\n');
  });

  it('opens an error with its type, message, data and stack trace', () => {
    const failed = buildExecutionRecord(repoHistory('retries-then-failure.history.json'));
    const doc = payloadDocument(failed, PAYLOAD_REFS.error)!;
    const parsed = JSON.parse(doc.content) as Record<string, unknown>;
    assert.strictEqual(parsed.ErrorMessage, failed.execution.error!.message);
    assert.ok('ErrorType' in parsed || 'ErrorMessage' in parsed);
  });

  it('names documents of hostile operations with safe file names only', () => {
    const hostile = buildExecutionRecord(repoHistory('hostile-names.history.json'));
    for (const op of hostile.operations) {
      for (const field of ['result', 'error', 'input'] as const) {
        const doc = payloadDocument(hostile, operationRef(field, op.id));
        if (doc) assert.match(doc.name, /^[A-Za-z0-9._-]+\.json$/, doc.name);
      }
    }
  });
});

describe('executionView: callback payload check', () => {
  it('accepts JSON values and sends empty text as null', () => {
    assert.deepStrictEqual(checkCallbackPayload('{"approved": true}'), { ok: true, json: '{"approved": true}' });
    assert.deepStrictEqual(checkCallbackPayload('  "yes"  '), { ok: true, json: '"yes"' });
    assert.deepStrictEqual(checkCallbackPayload('42'), { ok: true, json: '42' });
    assert.deepStrictEqual(checkCallbackPayload(''), { ok: true, json: 'null' });
    assert.deepStrictEqual(checkCallbackPayload('   '), { ok: true, json: 'null' });
  });

  it('refuses text that is not JSON, with a message that says so', () => {
    for (const bad of ['yes', "{'a': 1}", '{"a": 1', 'undefined', '{"a": 1,}', 'NaN']) {
      const r = checkCallbackPayload(bad);
      assert.strictEqual(r.ok, false, bad);
      if (!r.ok) assert.match(r.message, /^Not valid JSON/);
    }
  });

  it('refuses a payload over Lambda\u2019s 256 KB, counting UTF-8 bytes', () => {
    const ascii = JSON.stringify('a'.repeat(256 * 1024));
    assert.strictEqual(checkCallbackPayload(ascii).ok, false);
    // 90,000 three-byte characters: under the limit in characters, over it in bytes.
    const wide = JSON.stringify('\u20ac'.repeat(90_000));
    const r = checkCallbackPayload(wide);
    assert.strictEqual(r.ok, false);
    if (!r.ok) assert.match(r.message, /bytes/);
    assert.strictEqual(checkCallbackPayload(JSON.stringify('\u20ac'.repeat(80_000))).ok, true);
  });
});

describe('executionView: auto-refresh back-off', () => {
  it('waits 2 s after a change, doubles while nothing changes, and never waits more than 30 s', () => {
    const delays: number[] = [];
    let d = REFRESH_MIN_MS;
    for (let i = 0; i < 6; i++) delays.push((d = nextRefreshDelay(d, false)));
    assert.deepStrictEqual(delays, [4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    assert.strictEqual(nextRefreshDelay(30_000, true), 2_000);
    assert.strictEqual(nextRefreshDelay(Number.NaN, false), 4_000);
    assert.strictEqual(REFRESH_MIN_MS, 2_000);
    assert.strictEqual(REFRESH_MAX_MS, 30_000);
  });
});
