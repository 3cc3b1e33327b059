// Unit tier (node): the stepper over recorded histories — the state of every operation at each event (retries,
// waits, callbacks, waitForCondition, map, parallel, timed out/stopped), moves that cost the events moved,
// checkpoint jumps that agree with replaying from the start, the timeline by invocation, the debugger steps
// and the waterfall's running and waiting spans.
import * as assert from 'assert';
import { buildExecutionRecord } from '../../../src/core/history/record';
import { CHECKPOINT_EVERY, buildStepper, type Stepper } from '../../../src/core/history/stepper';
import type { OperationStateAt } from '../../../src/core/history/stepperTypes';
import { syntheticHistory } from '../../../bench/historyModel';
import { historyFiles, loadEvents, OWN_DIR, ownFile, SHARED_DIR, sharedFile } from './support';

function stepperOf(file: string): Stepper {
  return buildStepper(buildExecutionRecord(loadEvents(file)));
}

/** state (with what it waits on) of the operation named `name` after each event, as one string per event. */
function statesOf(s: Stepper, id: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    s.moveTo(i);
    const st = s.stateOf(id)!;
    out.push(st.waitingOn ? `${st.state}:${st.waitingOn}` : st.state);
  }
  return out;
}

function only<T>(xs: readonly T[]): T {
  assert.strictEqual(xs.length, 1, `exactly one, got ${xs.length}`);
  return xs[0]!;
}

function same(a: OperationStateAt, b: OperationStateAt): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

describe('stepper', () => {
  it('a step retried twice across invocations: running, retrying, running … succeeded, with attempts and the error', () => {
    const s = stepperOf(sharedFile('step__with-retry__step-with-retry'));
    const id = only(s.record.operations).id;
    assert.deepStrictEqual(statesOf(s, id), [
      'notStarted',
      'running',
      'retrying:retry',
      'retrying:retry',
      'running',
      'retrying:retry',
      'retrying:retry',
      'running',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    s.moveTo(5);
    assert.strictEqual(s.stateOf(id)!.attempts, 2);
    assert.strictEqual(s.stateOf(id)!.error?.message, 'Random failure');
    s.moveTo(8);
    assert.strictEqual(s.stateOf(id)!.attempts, 3);
    assert.strictEqual(s.stateOf(id)!.result?.raw, '"step succeeded"');
    assert.strictEqual(s.stateOf(id)!.error, undefined, 'a success clears the last attempt\'s error');
    assert.deepStrictEqual([...s.retryEvents], [2, 5]);
    assert.deepStrictEqual([...s.failureEvents], []);
    assert.strictEqual(s.nextRetry(-1), 2);
    assert.strictEqual(s.nextRetry(2), 5);
    assert.strictEqual(s.nextRetry(5), undefined);
    assert.strictEqual(s.previousRetry(5), 2);
    assert.strictEqual(s.nextProblem(0), 2);
  });

  it('the timeline groups events by invocation, each ending at its InvocationCompleted, the rest in a last group', () => {
    const s = stepperOf(sharedFile('step__with-retry__step-with-retry'));
    assert.deepStrictEqual(
      s.timeline.map((g) => [g.firstEvent, g.lastEvent, g.completed, g.retries]),
      [
        [0, 3, true, 1],
        [4, 6, true, 1],
        [7, 9, true, 0],
        [10, 10, false, 0],
      ]
    );
    assert.strictEqual(s.invocationOf(5), 1);
    assert.strictEqual(s.positionAt(10).invocation, 3);
    assert.strictEqual(s.positionAt(10).operationId, undefined, 'ExecutionSucceeded belongs to no operation');
    assert.strictEqual(s.nextInvocation(1), 4);
    assert.strictEqual(s.nextInvocation(-1), 0);
    assert.strictEqual(s.previousInvocation(5), 4);
    assert.strictEqual(s.previousInvocation(4), 0);
  });

  it('waits wait on a timer, waitForCondition waits between checks, parallel branches run side by side', () => {
    const w = stepperOf(sharedFile('wait-for-condition__wait-for-condition'));
    const id = only(w.record.operations).id;
    assert.deepStrictEqual(statesOf(w, id).slice(1, 10), ['running', 'waiting:timer', 'waiting:timer', 'running', 'waiting:timer', 'waiting:timer', 'running', 'succeeded', 'succeeded']);
    w.moveTo(8);
    assert.strictEqual(w.stateOf(id)!.attempts, 3);
    const wfRow = only(w.waterfall().rows);
    assert.deepStrictEqual(
      wfRow.spans.map((sp) => sp.kind),
      ['running', 'waiting', 'running', 'waiting', 'running'],
      'checks are running spans, the time between them waiting'
    );

    const p = stepperOf(sharedFile('parallel__basic__parallel-basic'));
    const wait = p.record.operations.find((o) => o.type === 'WAIT')!;
    const par = p.record.operations.find((o) => o.subType === 'Parallel')!;
    assert.deepStrictEqual(statesOf(p, wait.id).slice(10, 15), ['notStarted', 'waiting:timer', 'waiting:timer', 'succeeded', 'succeeded']);
    p.moveTo(12);
    assert.strictEqual(p.stateOf(par.id)!.state, 'running', 'the parallel is still running while its third branch waits');
    const rows = p.waterfall().rows;
    const branches = rows.filter((r) => r.kind === 'parallel.branch');
    assert.strictEqual(branches.length, 3);
    assert.ok(branches.slice(0, 2).every((b) => b.concurrent), 'the two overlapping branches are marked concurrent');
    const waitRow = rows.find((r) => r.operationId === wait.id)!;
    assert.deepStrictEqual(waitRow.spans.map((sp) => sp.kind), ['waiting'], 'a wait is drawn as waiting time, not running');
    assert.ok(rows.indexOf(waitRow) > rows.findIndex((r) => r.operationId === par.id), 'children come after their parent');
  });

  it('step over skips a context\'s insides, step out goes to the end of the parent, step into is the next event', () => {
    const p = stepperOf(sharedFile('parallel__basic__parallel-basic'));
    assert.strictEqual(p.stepInto(1), 2);
    // From the parallel's start (top level) step over goes to the next top-level event: the InvocationCompleted.
    assert.strictEqual(p.stepOver(1), 12);
    // From branch 0's start (level 2) over its step (level 3) to branch 1's start.
    assert.strictEqual(p.stepOver(2), 4);
    // Out of branch 0's step: to the end of branch 0.
    assert.strictEqual(p.stepOut(3), 8);
    // Out of a top-level operation: to the end of its invocation.
    assert.strictEqual(p.stepOut(1), 12);
    assert.strictEqual(p.stepBack(0), -1);
    assert.strictEqual(p.stepBack(-1), undefined);
    assert.strictEqual(p.stepInto(p.length - 1), undefined);
  });

  it('failures: a failed step inside a child, a map item failing; a timed-out execution; a callback still waiting', () => {
    const c = stepperOf(sharedFile('run-in-child-context__with-failing-step__run-in-child-context-failing-step'));
    assert.ok(c.failureEvents.length > 0, 'the failing step is found');
    const first = c.nextFailure(-1)!;
    c.moveTo(first);
    const op = c.operationAt(first)!;
    assert.strictEqual(c.stateOf(op.id)!.state, 'failed');
    assert.ok(c.stateOf(op.id)!.error, 'the failure carries its error');

    const m = stepperOf(ownFile('map-with-failure'));
    assert.ok(m.failureEvents.length > 0);
    const items = m.record.operations.filter((o) => o.kind === 'map.item');
    m.moveTo(m.length - 1);
    assert.ok(items.some((i) => m.stateOf(i.id)!.state === 'failed'), 'a failed map item');

    const t = stepperOf(ownFile('timed-out-while-waiting'));
    t.moveTo(t.length - 1);
    const states = [...t.allStates().values()];
    assert.ok(states.every((st) => st.state !== 'notStarted'), 'every recorded operation started');
    const cb = stepperOf(ownFile('running-waiting-for-callback'));
    cb.moveTo(cb.length - 1);
    const callback = cb.record.operations.find((o) => o.type === 'CALLBACK')!;
    assert.deepStrictEqual([cb.stateOf(callback.id)!.state, cb.stateOf(callback.id)!.waitingOn], ['waiting', 'callback']);
  });

  it('over every recorded history: forward, backward and random moves agree with replaying from the start', function () {
    this.timeout(120_000);
    const files = [...historyFiles(SHARED_DIR), ...historyFiles(OWN_DIR)];
    assert.ok(files.length >= 49);
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (const f of files) {
      const s = stepperOf(f);
      const check = (i: number): void => {
        const want = s.statesFromScratch(i);
        for (const [id, st] of want) assert.ok(same(s.stateOf(id)!, st), `${f}: ${id} after event ${i}`);
        assert.strictEqual(s.position.eventIndex, i);
      };
      // Every position is visited; replaying from scratch (quadratic) is checked at up to ~60 of them per direction.
      const every = Math.max(1, Math.floor(s.length / 60));
      for (let i = 0; i < s.length; i++) {
        s.moveTo(i);
        if (i % every === 0 || i === s.length - 1) check(i);
      }
      for (let i = s.length - 2; i >= -1; i--) {
        s.moveTo(i);
        if (i % every === 0 || i === -1) check(i);
      }
      for (let k = 0; k < 10; k++) {
        const i = rand(s.length + 1) - 1;
        s.moveTo(i);
        check(i);
      }
    }
  });

  it('on a 10,000-event history a move of k events costs k transitions and far jumps go through a checkpoint', () => {
    const s = buildStepper(buildExecutionRecord(syntheticHistory(10_000)));
    assert.ok(s.length >= 9_990);
    const step = s.moveTo(0);
    assert.strictEqual(step.work, 1);
    const moved = s.moveTo(5);
    assert.strictEqual(moved.work, 5);
    assert.ok(moved.changed.length <= 5);
    assert.strictEqual(s.moveTo(4).work, 1);
    const jump = s.moveTo(8_000);
    assert.ok(jump.viaCheckpoint, 'a far jump restores a checkpoint');
    assert.ok(jump.work - s.record.operations.length < CHECKPOINT_EVERY, 'and replays fewer than CHECKPOINT_EVERY events');
    const want = s.statesFromScratch(8_000);
    for (const [id, st] of want) assert.ok(same(s.stateOf(id)!, st), `${id} after the jump`);
    // The changed list of a jump names exactly the operations whose state differs.
    const before = new Map([...s.allStates()].map(([k, v]) => [k, v]));
    const back = s.moveTo(1_234);
    const after = s.allStates();
    const differs = [...after.keys()].filter((k) => before.get(k) !== after.get(k)).sort();
    assert.deepStrictEqual([...back.changed].sort(), differs);
    assert.ok(back.changed.length > 0);
  });

  it('clamps moves outside the history and survives an empty one', () => {
    const s = stepperOf(sharedFile('hello-world__hello-world'));
    assert.strictEqual(s.moveTo(10_000).position.eventIndex, s.length - 1);
    assert.strictEqual(s.moveTo(-50).position.eventIndex, -1);
    assert.strictEqual(s.moveTo(Number.NaN).position.eventIndex, -1);
    const empty = buildStepper(buildExecutionRecord([]));
    assert.strictEqual(empty.length, 0);
    assert.strictEqual(empty.moveTo(3).position.eventIndex, -1);
    assert.deepStrictEqual(empty.timeline, []);
    assert.deepStrictEqual(empty.waterfall().rows, []);
  });
});


