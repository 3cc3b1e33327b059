// Unit tier (node): the CLI renderings of a record: the text tree (terminal-safe), the contract's JSON and the
// Mermaid flowchart (labels escaped like the workflow diagram's), on recorded and hostile histories.
import * as assert from 'assert';
import { historyJson, renderHistoryMermaid, renderText, terminalSafe, terminalSafeJson } from '../../../src/core/history/format';
import { buildExecutionRecord } from '../../../src/core/history/record';
import { escapeLabel } from '../../../src/core/workflow/mermaid';
import { loadEvents, ownFile, sharedFile } from './support';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('history format', () => {
  it('text: the summary, then the operations as a tree with kind, name, status, attempts, duration and outcome', () => {
    const text = renderText(buildExecutionRecord(loadEvents(ownFile('map-with-failure'))));
    const lines = text.split('\n');
    assert.strictEqual(lines[0], 'Execution 5e109a6b-3cda-4067-bfa8-2abcd682660e: SUCCEEDED');
    assert.ok(lines.includes('  Events    20 in 2 invocations, 8 operations'));
    const table = lines.slice(lines.findIndex((l) => l.startsWith('OPERATION')));
    assert.match(table[0]!, /^OPERATION +NAME +STATUS +ATTEMPTS +DURATION +RESULT \/ ERROR$/);
    assert.match(table[1]!, /^map +orders +SUCCEEDED +1 +20 ms +\{"all":/);
    assert.match(table[2]!, /^├─ map\.item +map-item-0 +SUCCEEDED/);
    assert.match(table[3]!, /^│  └─ step +charge-0 +SUCCEEDED +1 +0 ms +"a charged"$/);
    assert.match(table[5]!, /^│  └─ step +charge-1 +FAILED +1 +0 ms +Error: card declined for b$/);
    assert.match(table[8]!, /^wait +cool-down +SUCCEEDED +1 +6 ms +5 s$/);
  });

  it('text: a retry pending, a callback waiting and a guessed combinator say so', () => {
    const waiting = renderText(buildExecutionRecord(loadEvents(ownFile('running-waiting-for-callback'))));
    assert.match(waiting, /Execution 9ed732c6-a3b9-4ea7-9820-1b81248c7314: RUNNING/);
    assert.match(waiting, /Waiting +callback eyJ\S+ \(approval\)/);
    assert.match(waiting, /waitForCallback\.callback +\(unnamed\) +STARTED +1 +waiting for the callback/);
    const combinators = renderText(buildExecutionRecord(loadEvents(ownFile('combinators'))));
    assert.match(combinators, /^promise\.all\? +all-12 +SUCCEEDED/m);
    const pending = renderText(buildExecutionRecord(loadEvents(sharedFile('promise__any__promise-any-success'))));
    assert.match(pending, /^step +\(unnamed\) +PENDING +1 +retry in 1 s after Error: failure 1$/m);
  });

  it('text is terminal-safe: no control, escape or bidi characters from names, payloads or errors', () => {
    const events = loadEvents(ownFile('hostile-names'));
    const evil = JSON.parse(JSON.stringify(events)) as typeof events;
    evil[4]!.StepSucceededDetails!.Result!.Payload = JSON.stringify('\u001b]0;pwned\u0007\u202eevil\r\nnext');
    const text = renderText(buildExecutionRecord(evil));
    for (const line of text.split('\n')) assert.ok(!CONTROL.test(line), JSON.stringify(line));
    assert.match(text, /<script>alert\(1\)<\/script>/, 'markup is plain text in a terminal');
    assert.match(text, /bell\ufffd and \ufffd\[31mred\ufffd\[0m "\]\]  --> %% end/);
    assert.strictEqual(terminalSafe('a\tb\nc\u0000d\u009be\u2067f'), 'a b c\ufffdd\ufffde\ufffdf');
  });

  it('the hostile-everything history (bidi, zero-width, ANSI, markup, Mermaid breakers, 10,000-character names) renders as inert text', () => {
    const r = buildExecutionRecord(loadEvents(ownFile('hostile-everything')));
    const text = renderText(r);
    for (const line of text.split('\n')) assert.ok(!CONTROL.test(line) && !/[\u200b\u2028\u2029]/.test(line), JSON.stringify(line));
    assert.ok(text.split('\n').every((l) => l.length < 400), 'long names and payloads are cut');
    assert.match(text, /^step +invoice\ufffdgnp\.exe +SUCCEEDED +2 /m);
    const mermaid = renderHistoryMermaid(r);
    assert.ok(!/<\/?script|"\]\]|%%\{|:::cls|-->\s*X\[/.test(mermaid.replace(/^ {2}\w+ --> \w+$/gm, '')), mermaid);
    assert.ok(!CONTROL.test(mermaid));
    const json = terminalSafeJson(historyJson(r));
    assert.ok(!CONTROL.test(json) && !/[\u200b\u2028\u2029]/.test(json), 'the JSON text escapes control and format characters');
    assert.match(json, /invoice\\u202egnp\.exe/);
    assert.deepStrictEqual(JSON.parse(json).events, JSON.parse(JSON.stringify(r.events)), 'the events keep the hostile text as data');
  });

  it('json: the contract fields in order, ISO timestamps, source null, the events as recorded', () => {
    const r = buildExecutionRecord(loadEvents(ownFile('wait-for-callback')));
    const out = JSON.parse(JSON.stringify(historyJson(r))) as { execution: Record<string, unknown>; operations: Record<string, unknown>[]; events: unknown[] };
    assert.deepStrictEqual(Object.keys(out), ['execution', 'operations', 'events']);
    assert.strictEqual(out.operations.length, 4);
    for (const o of out.operations) assert.deepStrictEqual(Object.keys(o), ['id', 'parentId', 'name', 'kind', 'status', 'attempts', 'startedAt', 'endedAt', 'source']);
    assert.deepStrictEqual(out.operations[1], {
      id: 'ea66c06c1e1c05fa',
      parentId: 'c4ca4238a0b92382',
      name: null,
      kind: 'waitForCallback.callback',
      status: 'SUCCEEDED',
      attempts: 1,
      startedAt: '2026-12-01T20:41:10.780Z',
      endedAt: '2026-12-01T20:41:10.805Z',
      source: null,
    });
    assert.strictEqual(out.execution.status, 'SUCCEEDED');
    assert.strictEqual(out.execution.startedAt, '2026-12-01T20:41:10.741Z');
    assert.deepStrictEqual(out.execution.result, { payload: '"approved: \\"yes\\""', truncated: false });
    assert.deepStrictEqual(out.events, JSON.parse(JSON.stringify(r.events)));
  });

  it('mermaid: the tree as a flowchart, every label through the workflow escapeLabel, a class per status', () => {
    const r = buildExecutionRecord(loadEvents(ownFile('hostile-names')));
    const text = renderHistoryMermaid(r);
    const lines = text.split('\n');
    assert.strictEqual(lines[0], 'flowchart TD');
    assert.ok(lines.includes(`  exec(["${escapeLabel('execution: SUCCEEDED')}"])`));
    assert.ok(lines.includes(`  op0["${escapeLabel('step: <script>alert(1)</script>\nSUCCEEDED')}"]`), text);
    assert.ok(!text.includes('<script>') && !text.includes('"]]') && !text.includes('%% end'), 'nothing from the names reaches Mermaid unescaped');
    assert.ok(!CONTROL.test(text));
    assert.ok(lines.includes('  exec --> op0') && lines.includes('  op0 --> op1'));
    assert.ok(lines.includes('  class op0,op1 s-succeeded'));
  });

  it('mermaid: contexts with children are subgraphs; map items hang off the map, sequential steps chain', () => {
    const text = renderHistoryMermaid(buildExecutionRecord(loadEvents(ownFile('map-with-failure'))));
    const lines = text.split('\n');
    assert.ok(lines.includes('  subgraph op0_g["orders"]'), text);
    assert.ok(lines.includes('  op0 --> op1') && lines.includes('  op0 --> op3') && lines.includes('  op0 --> op5'), 'items from the map');
    assert.ok(lines.includes('  op0 --> op7'), 'the wait follows the map');
    assert.ok(lines.some((l) => /^ {2}class .*op3.* s-failed$/.test(l)));
  });
});
