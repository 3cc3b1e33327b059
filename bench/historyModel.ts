// Bench (node): the history model on a synthetic but realistic 10,000-event history (steps with retries across
// invocations, maps of item contexts, waits, payloads): parseHistoryText, buildExecutionRecord and
// recoverPaths times (median of runs) and the heap the record holds. Target: well under 100 ms in all.
// Run: npx tsc -p tsconfig.json && node --expose-gc out/bench/historyModel.js [events]
import * as os from 'os';
import { parseHistoryText, serializeHistory, type HistoryEvent } from '../src/core/history/events';
import { operationIdForPath, recoverPathsDetailed } from '../src/core/history/ids';
import { buildExecutionRecord } from '../src/core/history/record';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);

/** A history of about `target` events shaped like a batch job: per round a retried step, a map of 5 items, a wait, a step. */
export function syntheticHistory(target: number): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  let t = Date.parse('2026-01-01T00:00:00.000Z');
  const at = (dt = 3): string => new Date((t += dt)).toISOString();
  const push = (e: Omit<HistoryEvent, 'EventId' | 'EventTimestamp'> & { EventTimestamp?: string }): void => {
    events.push({ ...e, EventId: events.length + 1, EventTimestamp: e.EventTimestamp ?? at() } as HistoryEvent);
  };
  const execId = '0b5c3f4e-8a7d-4c1b-9e2f-3a6d5c4b7e10';
  let invStart = at(0);
  const invocationEnd = (): void => {
    const end = at(40);
    push({ EventType: 'InvocationCompleted', InvocationCompletedDetails: { StartTimestamp: invStart, EndTimestamp: end, RequestId: `req-${events.length}`, Error: {} } });
    invStart = at(1000);
  };
  const result = (i: number): { Payload: string } => ({ Payload: JSON.stringify({ orderId: `order-${i}`, total: i * 3.5, items: [{ sku: `sku-${i % 97}`, qty: (i % 5) + 1 }], status: 'charged' }) });
  push({ EventType: 'ExecutionStarted', Id: execId, ExecutionStartedDetails: { Input: { Payload: JSON.stringify({ batch: 'nightly', size: target }) } } });
  let n = 0;
  while (events.length < target - 1) {
    // A step that fails twice (each retry in a new invocation) and then succeeds.
    const s = operationIdForPath(String(++n));
    for (let attempt = 1; attempt <= 2; attempt++) {
      push({ EventType: 'StepStarted', SubType: 'Step', Id: s, Name: `reserve-${n}` });
      push({ EventType: 'StepFailed', SubType: 'Step', Id: s, Name: `reserve-${n}`, StepFailedDetails: { Error: { Payload: { ErrorType: 'ThrottlingError', ErrorMessage: 'Rate exceeded', StackTrace: ['at reserve (handler.ts:12:9)'] } }, RetryDetails: { CurrentAttempt: attempt, NextAttemptDelaySeconds: attempt } } });
      invocationEnd();
    }
    push({ EventType: 'StepStarted', SubType: 'Step', Id: s, Name: `reserve-${n}` });
    push({ EventType: 'StepSucceeded', SubType: 'Step', Id: s, Name: `reserve-${n}`, StepSucceededDetails: { Result: result(n), RetryDetails: { CurrentAttempt: 2 } } });
    // A map of five items, each a child context with one step.
    const mapPath = String(++n);
    const m = operationIdForPath(mapPath);
    push({ EventType: 'ContextStarted', SubType: 'Map', Id: m, Name: `charge-all-${n}`, ContextStartedDetails: {} });
    for (let k = 1; k <= 5; k++) {
      const item = operationIdForPath(`${mapPath}-${k}`);
      const step = operationIdForPath(`${mapPath}-${k}-1`);
      push({ EventType: 'ContextStarted', SubType: 'MapIteration', Id: item, ParentId: m, Name: `map-item-${k - 1}`, ContextStartedDetails: {} });
      push({ EventType: 'StepStarted', SubType: 'Step', Id: step, ParentId: item, Name: 'charge' });
      push({ EventType: 'StepSucceeded', SubType: 'Step', Id: step, ParentId: item, Name: 'charge', StepSucceededDetails: { Result: result(n * 10 + k), RetryDetails: {} } });
      push({ EventType: 'ContextSucceeded', SubType: 'MapIteration', Id: item, ParentId: m, Name: `map-item-${k - 1}`, ContextSucceededDetails: { Result: result(n * 10 + k) } });
    }
    push({ EventType: 'ContextSucceeded', SubType: 'Map', Id: m, Name: `charge-all-${n}`, ContextSucceededDetails: { Result: { Payload: JSON.stringify({ all: [0, 1, 2, 3, 4].map((index) => ({ index, status: 'SUCCEEDED' })) }) } } });
    // A wait that suspends the execution.
    const w = operationIdForPath(String(++n));
    const startedAt = at();
    push({ EventType: 'WaitStarted', SubType: 'Wait', Id: w, Name: 'cool-down', EventTimestamp: startedAt, WaitStartedDetails: { Duration: 30, ScheduledEndTimestamp: new Date(Date.parse(startedAt) + 30_000).toISOString() } });
    invocationEnd();
    push({ EventType: 'WaitSucceeded', SubType: 'Wait', Id: w, Name: 'cool-down', WaitSucceededDetails: { Duration: 30 } });
    const s2 = operationIdForPath(String(++n));
    push({ EventType: 'StepStarted', SubType: 'Step', Id: s2, Name: `notify-${n}` });
    push({ EventType: 'StepSucceeded', SubType: 'Step', Id: s2, Name: `notify-${n}`, StepSucceededDetails: { Result: { Payload: 'true' }, RetryDetails: {} } });
  }
  invocationEnd();
  push({ EventType: 'ExecutionSucceeded', Id: execId, ExecutionSucceededDetails: { Result: { Payload: JSON.stringify({ processed: n }) } } });
  return events;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Wall time and this process's CPU time: on a shared, loaded machine the CPU time says more. */
function time<T>(fn: () => T): { ms: number; cpuMs: number; value: T } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, value };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function main(): void {
  const target = Number(process.argv[2] ?? 10_000);
  const events = syntheticHistory(target);
  const text = serializeHistory(events);
  const parse: number[] = [];
  const build: number[] = [];
  const paths: number[] = [];
  const cpu: [number[], number[], number[]] = [[], [], []];
  let ops = 0;
  let unresolved = 0;
  for (let i = 0; i < RUNS; i++) {
    const p = time(() => parseHistoryText(text));
    const r = time(() => buildExecutionRecord(p.value.events));
    const q = time(() => recoverPathsDetailed(r.value));
    parse.push(p.ms);
    build.push(r.ms);
    paths.push(q.ms);
    cpu[0].push(p.cpuMs);
    cpu[1].push(r.cpuMs);
    cpu[2].push(q.cpuMs);
    ops = r.value.operations.length;
    unresolved = q.value.unresolved.length + r.value.problems.length;
  }
  gc();
  const before = process.memoryUsage().heapUsed;
  const parsed = parseHistoryText(text);
  const record = buildExecutionRecord(parsed.events);
  const recovered = recoverPathsDetailed(record);
  gc();
  const held = process.memoryUsage().heapUsed - before;
  const total = median(parse) + median(build) + median(paths);
  console.log(`history model on ${events.length} events (${(text.length / 1024 / 1024).toFixed(1)} MB, ${ops} operations, ${record.invocations.length} invocations), median of ${RUNS}; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores:`);
  const cpuTotal = median(cpu[0]) + median(cpu[1]) + median(cpu[2]);
  console.log(`  parseHistoryText      ${median(parse).toFixed(1)} ms wall, ${median(cpu[0]).toFixed(1)} ms CPU`);
  console.log(`  buildExecutionRecord  ${median(build).toFixed(1)} ms wall, ${median(cpu[1]).toFixed(1)} ms CPU`);
  console.log(`  recoverPaths          ${median(paths).toFixed(1)} ms wall, ${median(cpu[2]).toFixed(1)} ms CPU (${recovered.paths.size} paths)`);
  console.log(`  total                 ${total.toFixed(1)} ms wall, ${cpuTotal.toFixed(1)} ms CPU (target well under 100 ms)`);
  console.log(`  heap held by events + record + paths: ${(held / 1024 / 1024).toFixed(1)} MB${(globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for a steadier figure)'}`);
  if (unresolved > 0) console.log(`  WARNING: ${unresolved} problems or unresolved paths`);
}

if (require.main === module) main();
