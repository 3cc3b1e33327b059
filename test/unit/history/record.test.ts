// Unit tier (node): the execution record over all recorded histories (every event accounted for, parent
// links, statuses, attempts) and hand-checked values on chosen ones: retries, a failed execution,
// waitForCallback, map, parallel, both combinator shapes, stopped/timed out, pending callbacks, bad links.
import * as assert from 'assert';
import type { HistoryEvent } from '../../../src/core/history/events';
import { buildExecutionRecord, type ExecutionRecord, type RecordedOperation } from '../../../src/core/history/record';
import { historyFiles, loadEvents, OWN_DIR, ownFile, SHARED_DIR, sharedFile } from './support';

function record(file: string): ExecutionRecord {
  return buildExecutionRecord(loadEvents(file));
}

function op(r: ExecutionRecord, name: string): RecordedOperation {
  const found = r.operations.filter((o) => o.name === name);
  assert.strictEqual(found.length, 1, `one operation named ${name}`);
  return found[0]!;
}

/** kind:name:status per operation, children indented under their parent. */
function shape(ops: readonly RecordedOperation[], depth = 0): string[] {
  return ops.flatMap((o) => [`${'  '.repeat(depth)}${o.kind}:${o.name ?? ''}:${o.status}`, ...shape(o.children, depth + 1)]);
}

describe('history record', () => {
  const files = [...historyFiles(SHARED_DIR), ...historyFiles(OWN_DIR)];

  it(`accounts for every event of all ${files.length} histories, with consistent links and no problems`, () => {
    assert.ok(historyFiles(SHARED_DIR).length === 49, 'the 49 shared histories');
    for (const f of files) {
      const r = record(f);
      assert.deepStrictEqual(r.problems, [], f);
      assert.strictEqual(r.eventOwners.length, r.events.length, f);
      const seen = new Set<number>();
      r.eventOwners.forEach((owner, i) => {
        assert.ok(owner, `${f}: event ${i} has an owner`);
        const e = r.events[i]!;
        if (owner.kind === 'operation') {
          assert.strictEqual(owner.id, e.Id);
          assert.ok(r.byId.get(owner.id)!.eventIndices.includes(i));
        } else if (owner.kind === 'invocation') {
          assert.strictEqual(e.EventType, 'InvocationCompleted');
          assert.strictEqual(r.invocations[owner.index]!.lastEvent, i);
        } else assert.ok(owner.kind === 'execution' && e.EventType.startsWith('Execution'), `${f}: ${e.EventType} owned by ${owner.kind}`);
        seen.add(i);
      });
      // Each operation's events are exactly the ones owned by it; ops are in order of first event.
      const fromOps = r.operations.flatMap((o) => o.eventIndices);
      assert.strictEqual(new Set(fromOps).size, fromOps.length, f);
      for (let i = 1; i < r.operations.length; i++) assert.ok(r.operations[i - 1]!.eventIndices[0]! < r.operations[i]!.eventIndices[0]!, f);
      for (const o of r.operations) {
        assert.strictEqual(r.byId.get(o.id), o);
        if (o.parentId === undefined) assert.ok(r.roots.includes(o) && o.parent === undefined);
        else {
          assert.strictEqual(o.parent?.id, o.parentId, `${f}: ${o.id} linked to its parent`);
          assert.ok(o.parent.children.includes(o));
          assert.strictEqual(o.parent.type, 'CONTEXT');
        }
        assert.notStrictEqual(o.kind, 'unknown', `${f}: ${o.id} has a kind`);
        assert.ok(o.attempts >= 1, `${f}: ${o.id} attempts`);
        assert.strictEqual(o.spans.length, o.attempts, `${f}: ${o.id} a span per attempt`);
        if (o.type === 'STEP') assert.strictEqual(o.attempts, o.eventIndices.filter((i) => r.events[i]!.EventType === 'StepStarted').length);
        if (o.status === 'SUCCEEDED' || o.status === 'FAILED') assert.ok(o.endedAt && o.durationMs! >= 0, `${f}: ${o.id} timings`);
        if (o.kind === 'map.item') assert.strictEqual(o.parent?.kind, 'map');
        if (o.kind === 'parallel.branch') assert.strictEqual(o.parent?.kind, 'parallel');
      }
      // Invocations tile the events up to the last InvocationCompleted.
      r.invocations.forEach((inv, k) => assert.strictEqual(inv.firstEvent, k === 0 ? 0 : r.invocations[k - 1]!.lastEvent + 1));
      const terminal = r.events.find((e) => /^Execution(Succeeded|Failed|TimedOut|Stopped)$/.test(e.EventType));
      assert.strictEqual(r.execution.status === 'RUNNING', terminal === undefined, f);
    }
  });

  it('a step with retries (shared step-with-retry): 3 attempts, two retries with their delays, 3 invocations', () => {
    const r = record(sharedFile('step__with-retry__step-with-retry'));
    assert.strictEqual(r.operations.length, 1);
    const s = r.operations[0]!;
    assert.deepStrictEqual(
      { id: s.id, kind: s.kind, type: s.type, status: s.status, attempts: s.attempts, startedAt: s.startedAt, endedAt: s.endedAt, durationMs: s.durationMs, result: s.result },
      { id: 'c4ca4238a0b92382', kind: 'step', type: 'STEP', status: 'SUCCEEDED', attempts: 3, startedAt: '2025-12-03T22:59:52.610Z', endedAt: '2025-12-03T22:59:55.621Z', durationMs: 3011, result: { raw: '"step succeeded"', truncated: false } }
    );
    assert.deepStrictEqual(s.retries, [
      { attempt: 1, error: { type: 'Error', message: 'Random failure' }, nextAttemptDelaySeconds: 1 },
      { attempt: 2, error: { type: 'Error', message: 'Random failure' }, nextAttemptDelaySeconds: 2 },
    ]);
    assert.strictEqual(s.error, undefined, 'the error of a retried attempt does not stay on a step that succeeded');
    assert.deepStrictEqual(s.spans, [
      { startedAt: '2025-12-03T22:59:52.610Z', endedAt: '2025-12-03T22:59:52.610Z' },
      { startedAt: '2025-12-03T22:59:53.613Z', endedAt: '2025-12-03T22:59:53.614Z' },
      { startedAt: '2025-12-03T22:59:55.620Z', endedAt: '2025-12-03T22:59:55.621Z' },
    ]);
    assert.deepStrictEqual(
      r.invocations.map((i) => [i.firstEvent, i.lastEvent, i.startedAt, i.endedAt, i.error]),
      [
        [0, 3, '2025-12-03T22:59:52.607Z', '2025-12-03T22:59:52.662Z', undefined],
        [4, 6, '2025-12-03T22:59:53.611Z', '2025-12-03T22:59:53.666Z', undefined],
        [7, 9, '2025-12-03T22:59:55.617Z', '2025-12-03T22:59:55.621Z', undefined],
      ]
    );
    assert.deepStrictEqual(r.execution, {
      status: 'SUCCEEDED',
      executionId: '2504dde1-e3a4-4a91-8295-90f536297c0a',
      startedAt: '2025-12-03T22:59:52.607Z',
      endedAt: '2025-12-03T22:59:55.621Z',
      durationMs: 3014,
      input: { raw: '{}', truncated: false },
      result: { raw: '"step succeeded"', truncated: false },
    });
  });

  it('a failed execution (recorded retries-then-failure): the step fails on its 3rd attempt, the invocation and execution carry the StepError', () => {
    const r = record(ownFile('retries-then-failure'));
    const flaky = op(r, 'flaky');
    assert.strictEqual(flaky.status, 'FAILED');
    assert.strictEqual(flaky.attempts, 3);
    assert.deepStrictEqual(
      flaky.retries.map((x) => [x.attempt, x.error?.message, x.nextAttemptDelaySeconds]),
      [
        [1, 'flaky attempt 1', 1],
        [2, 'flaky attempt 1', 1],
      ]
    );
    assert.deepStrictEqual(flaky.error, { type: 'Error', message: 'flaky attempt 2' });
    assert.strictEqual(r.execution.status, 'FAILED');
    assert.deepStrictEqual(r.execution.error, { type: 'StepError', message: 'flaky attempt 2' });
    assert.strictEqual(r.invocations.length, 2);
    assert.deepStrictEqual(r.invocations[1]!.error, { type: 'StepError', message: 'flaky attempt 2' });
    assert.strictEqual(r.invocations[0]!.error, undefined, 'an empty Error object is no error');
    assert.ok(!r.operations.some((o) => o.name === 'always-fails'), 'the second step never ran');
  });

  it('waitForCallback (recorded): a WaitForCallback context with an unnamed CALLBACK (1-1) and submitter STEP (1-2)', () => {
    const r = record(ownFile('wait-for-callback'));
    assert.deepStrictEqual(shape(r.roots), ['waitForCallback:approval:SUCCEEDED', '  waitForCallback.callback::SUCCEEDED', '  waitForCallback.submitter::SUCCEEDED', 'step:after:SUCCEEDED']);
    const wfc = op(r, 'approval');
    assert.strictEqual(wfc.type, 'CONTEXT');
    assert.strictEqual(wfc.subType, 'WaitForCallback');
    const [cb, submitter] = wfc.children;
    assert.strictEqual(cb!.type, 'CALLBACK');
    assert.strictEqual(cb!.id, 'ea66c06c1e1c05fa');
    assert.match(cb!.callbackId!, /^eyJ/);
    assert.deepStrictEqual(cb!.result, { raw: '"yes"', truncated: false });
    assert.strictEqual(submitter!.type, 'STEP');
    assert.strictEqual(submitter!.id, '98c6f2c2287f4c73');
    assert.deepStrictEqual(submitter!.result, { raw: undefined, truncated: false }, 'the submitter returns nothing');
    assert.deepStrictEqual(r.pendingCallbacks, []);
  });

  it('a callback still waiting is pending (with the waitForCallback name); once stopped or timed out it is not', () => {
    const running = record(ownFile('running-waiting-for-callback'));
    assert.strictEqual(running.execution.status, 'RUNNING');
    const cb = running.operations.find((o) => o.type === 'CALLBACK')!;
    assert.strictEqual(cb.status, 'STARTED');
    assert.deepStrictEqual(running.pendingCallbacks, [{ operationId: 'ea66c06c1e1c05fa', callbackId: cb.callbackId, name: 'approval' }]);

    const stopped = record(ownFile('stopped-while-waiting'));
    assert.strictEqual(stopped.execution.status, 'STOPPED');
    assert.deepStrictEqual(stopped.execution.error, { type: 'StoppedByUser', message: 'stopped from the console' });
    assert.strictEqual(stopped.execution.endedAt, '2026-12-01T21:02:00.000Z');
    assert.deepStrictEqual(stopped.pendingCallbacks, []);
    assert.strictEqual(op(stopped, 'approval').status, 'STARTED', 'the history has no end for the context: it stays started');

    const timedOut = record(ownFile('timed-out-while-waiting'));
    assert.strictEqual(timedOut.execution.status, 'TIMED_OUT');
    assert.strictEqual(timedOut.execution.durationMs, 3_600_000);
    assert.deepStrictEqual(timedOut.pendingCallbacks, []);
  });

  it('createCallback and waitForCondition (recorded): a named CALLBACK; three checks, two of them "not yet"', () => {
    const r = record(ownFile('create-callback-and-condition'));
    const ticket = op(r, 'ticket');
    assert.deepStrictEqual([ticket.kind, ticket.type, ticket.status, ticket.result?.raw], ['createCallback', 'CALLBACK', 'SUCCEEDED', '{"ticket":42}']);
    const poll = op(r, 'poll');
    assert.deepStrictEqual([poll.kind, poll.status, poll.attempts, poll.result?.raw], ['waitForCondition', 'SUCCEEDED', 3, '3']);
    assert.deepStrictEqual(
      poll.retries.map((x) => [x.attempt, x.nextAttemptDelaySeconds]),
      [
        [1, 2],
        [2, 2],
      ]
    );
  });

  it('invoke (recorded): CHAINED_INVOKE operations, one succeeded with its result, one failed with the durable function\'s error', () => {
    const r = record(ownFile('invoke'));
    assert.deepStrictEqual(
      r.operations.map((o) => [o.id, o.type, o.subType, o.kind, o.name ?? null, o.status, o.result?.raw ?? null, o.error?.message ?? null]),
      [
        ['c4ca4238a0b92382', 'CHAINED_INVOKE', 'ChainedInvoke', 'invoke', 'charge', 'SUCCEEDED', '{"charged":5}', null],
        ['c81e728d9d4c2f63', 'CHAINED_INVOKE', 'ChainedInvoke', 'invoke', null, 'FAILED', null, 'fraud suspected'],
      ]
    );
    // The failed invoke spans two invocations: started in the 2nd, its failure recorded in the 3rd.
    assert.deepStrictEqual(r.operations[1]!.eventIndices, [4, 6]);
    assert.strictEqual(r.invocations.length, 3);
  });

  it('a map (recorded map-with-failure): items named map-item-i under the map, the failed item FAILED, the map SUCCEEDED', () => {
    const r = record(ownFile('map-with-failure'));
    assert.deepStrictEqual(shape(r.roots), [
      'map:orders:SUCCEEDED',
      '  map.item:map-item-0:SUCCEEDED',
      '    step:charge-0:SUCCEEDED',
      '  map.item:map-item-1:FAILED',
      '    step:charge-1:FAILED',
      '  map.item:map-item-2:SUCCEEDED',
      '    step:charge-2:SUCCEEDED',
      'wait:cool-down:SUCCEEDED',
    ]);
    assert.deepStrictEqual(op(r, 'map-item-1').error, { type: 'StepError', message: 'card declined for b' });
    const wait = op(r, 'cool-down');
    assert.deepStrictEqual([wait.waitSeconds, wait.waitScheduledEnd], [5, '2026-12-01T20:41:15.393Z']);
    // Two InvocationCompleted in a row: the second invocation recorded no event of its own.
    assert.deepStrictEqual(
      r.invocations.map((i) => [i.firstEvent, i.lastEvent]),
      [
        [0, 17],
        [18, 18],
      ]
    );
  });

  it('a parallel (recorded): a named branch keeps its name, an unnamed one is parallel-branch-<i>; then a child context', () => {
    const r = record(ownFile('parallel-and-child'));
    assert.deepStrictEqual(shape(r.roots), [
      'parallel:fan-out:SUCCEEDED',
      '  parallel.branch:left:SUCCEEDED',
      '    step:left-step:SUCCEEDED',
      '  parallel.branch:parallel-branch-1:SUCCEEDED',
      '    wait::SUCCEEDED',
      '    step::SUCCEEDED',
      'runInChildContext:tail:SUCCEEDED',
      '  step:tail-step:SUCCEEDED',
    ]);
    assert.strictEqual(r.roots[1]!.kindCandidates, undefined, 'a child context with children is no combinator');
  });

  it('promise combinators in the SDK 1.x shape (a STEP; shared promise-combinators) are read as combinators', () => {
    const r = record(sharedFile('promise__combinators__promise-combinators'));
    const combinators = r.operations.filter((o) => o.kind.startsWith('promise.'));
    assert.deepStrictEqual(
      combinators.map((o) => [o.type, o.name ?? null, o.kind]),
      [
        ['STEP', 'all-steps', 'promise.all'],
        ['STEP', null, 'promise.race'],
        ['STEP', 'settled-steps', 'promise.allSettled'],
        ['STEP', null, 'promise.any'],
      ]
    );
    assert.ok(combinators.every((o) => o.kindCandidates!.includes('step')), 'the plain reading stays a candidate');
    assert.strictEqual(op(r, 'step1').kind, 'step');
    assert.strictEqual(op(r, 'failure-step').attempts, 3);
  });

  it('promise combinators in the SDK 2.x shape (an empty RunInChildContext; recorded combinators) are read as combinators', () => {
    const r = record(ownFile('combinators'));
    assert.deepStrictEqual(
      r.operations.filter((o) => o.type === 'CONTEXT').map((o) => [o.subType, o.name ?? null, o.kind, o.children.length]),
      [
        ['RunInChildContext', 'all-12', 'promise.all', 0],
        ['RunInChildContext', 'race', 'promise.race', 0],
        ['RunInChildContext', null, 'promise.allSettled', 0],
        ['RunInChildContext', 'any', 'promise.any', 0],
      ]
    );
    // `any` after a failed sibling: promise.any first, race still possible.
    assert.deepStrictEqual(op(r, 'any').kindCandidates, ['promise.any', 'promise.race', 'runInChildContext']);
    // A combinator takes its number at its first await: all-12 is 4 after s1..s3.
    assert.strictEqual(op(r, 'all-12').id, 'a87ff679a2f3e71d');
  });

  it('a 2.x combinator awaited after a later step (recorded): numbered at its first await, read from its result', () => {
    const r = record(ownFile('combinator-late-await'));
    assert.deepStrictEqual(
      r.operations.map((o) => [o.name, o.id, o.kind]),
      [
        ['s1', 'c4ca4238a0b92382', 'step'],
        ['s2', 'c81e728d9d4c2f63', 'step'],
        ['d', 'eccbc87e4b5ce2fe', 'step'],
        ['both', 'a87ff679a2f3e71d', 'promise.all'],
      ]
    );
  });

  it('stays a step when a later step merely runs alongside others (no result built from theirs)', () => {
    const r = record(sharedFile('promise__all-wait__promise-all-wait'));
    assert.strictEqual(op(r, 'wait-3').kind, 'step');
    assert.deepStrictEqual(
      r.operations.map((o) => o.kind),
      ['wait', 'wait', 'step', 'promise.all']
    );
  });

  it('reports, and keeps, events that do not fit: a missing Started, an unknown parent, an event after the end, duplicate ids', () => {
    const t = '2026-01-01T00:00:00.000Z';
    const events: HistoryEvent[] = [
      { EventType: 'ExecutionStarted', EventId: 1, Id: 'exec', EventTimestamp: t },
      { EventType: 'StepSucceeded', EventId: 2, Id: 'a', SubType: 'Step', EventTimestamp: t, StepSucceededDetails: { Result: { Payload: '1' } } },
      { EventType: 'StepStarted', EventId: 3, Id: 'b', ParentId: 'nowhere', SubType: 'Step', EventTimestamp: t },
      { EventType: 'WaitStarted', EventId: 3, Id: 'c', SubType: 'Wait', EventTimestamp: t },
      { EventType: 'WaitSucceeded', EventId: 4, Id: 'c', SubType: 'Wait', EventTimestamp: t },
      { EventType: 'WaitSucceeded', EventId: 5, Id: 'c', SubType: 'Wait', EventTimestamp: t },
      { EventType: 'StepStarted', EventId: 6, SubType: 'Step', EventTimestamp: t },
      { EventType: 'Mystery', EventId: 7, Id: 'd', EventTimestamp: t },
      { EventType: 'ExecutionSucceeded', EventId: 8, Id: 'exec', EventTimestamp: t },
    ];
    const r = buildExecutionRecord(events, { status: 'RUNNING', arn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders:7/durable-execution/run-1/abc' });
    assert.deepStrictEqual(
      r.eventOwners.map((o) => o.kind),
      ['execution', 'operation', 'operation', 'operation', 'operation', 'operation', 'problem', 'problem', 'execution']
    );
    const expect = [/EventId 2.*no StepStarted before it/, /EventId 3 appears more than once/, /EventId 5.*had already finished/, /EventId 6.*no operation Id/, /EventId 7.*not an event type/, /status is RUNNING but its history ends with SUCCEEDED/, /operation b.*parent nowhere is not in the history/];
    for (const re of expect) assert.ok(r.problems.some((p) => re.test(p)), `${re} in ${r.problems.join(' | ')}`);
    assert.strictEqual(r.problems.length, expect.length, r.problems.join('\n'));
    assert.ok(r.roots.some((o) => o.id === 'b'), 'an orphan is shown at the top level');
    assert.deepStrictEqual([r.execution.functionName, r.execution.version, r.execution.name, r.execution.status], ['orders', '7', 'run-1', 'SUCCEEDED']);
  });

  it('takes the summary (GetDurableExecution) for what the history lacks', () => {
    const r = buildExecutionRecord(loadEvents(ownFile('running-waiting-for-callback')), { name: 'order-1', status: 'RUNNING', functionName: 'orders', version: '3' });
    assert.deepStrictEqual([r.execution.name, r.execution.functionName, r.execution.version, r.execution.status], ['order-1', 'orders', '3', 'RUNNING']);
    assert.deepStrictEqual(r.problems, []);
  });
});
