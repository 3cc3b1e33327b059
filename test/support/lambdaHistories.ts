// Runs in tests and benches (node): synthetic histories in the SDK 2.x shape (md5 path ids, ISO timestamps, the fixture format) for the loopback Lambda server: a long run of steps, and an execution waiting on a callback.
import * as crypto from 'crypto';

export type HistoryEventJson = Record<string, unknown>;

/** The API's operation id: the first 16 hex characters of md5(path). */
export function operationId(path: string): string {
  return crypto.createHash('md5').update(path).digest('hex').slice(0, 16);
}

/**
 * A succeeded execution of `steps` named steps (`step-1`…): ExecutionStarted, StepStarted/StepSucceeded per step,
 * ExecutionSucceeded, so `2 * steps + 2` events (4,999 steps = 10,000 events). Payloads are small JSON texts.
 */
export function stepsHistory(steps: number, options: { start?: Date; executionId?: string; payloadBytes?: number } = {}): HistoryEventJson[] {
  const t0 = (options.start ?? new Date('2026-11-30T10:00:00Z')).getTime();
  const id = options.executionId ?? 'aaaaaaaa-1111-4222-8333-444444444444';
  const pad = options.payloadBytes ? 'x'.repeat(options.payloadBytes) : '';
  const ev: HistoryEventJson[] = [
    { EventType: 'ExecutionStarted', EventId: 1, Id: id, EventTimestamp: new Date(t0).toISOString(), ExecutionStartedDetails: { Input: { Payload: '{"order":42}' } } },
  ];
  for (let i = 1; i <= steps; i++) {
    const t = new Date(t0 + i * 10).toISOString();
    const opId = operationId(String(i));
    ev.push({ EventType: 'StepStarted', SubType: 'Step', EventId: ev.length + 1, Id: opId, Name: `step-${i}`, EventTimestamp: t, StepStartedDetails: {} });
    ev.push({
      EventType: 'StepSucceeded',
      SubType: 'Step',
      EventId: ev.length + 1,
      Id: opId,
      Name: `step-${i}`,
      EventTimestamp: t,
      StepSucceededDetails: { Result: { Payload: pad ? `{"i":${i},"pad":"${pad}"}` : `{"i":${i}}` }, RetryDetails: { CurrentAttempt: 1 } },
    });
  }
  ev.push({
    EventType: 'ExecutionSucceeded',
    EventId: ev.length + 1,
    Id: id,
    EventTimestamp: new Date(t0 + steps * 10 + 5).toISOString(),
    ExecutionSucceededDetails: { Result: { Payload: '"done"' } },
  });
  return ev;
}

/**
 * A RUNNING execution suspended in `waitForCallback("approval")` (SDK 2.x: CONTEXT WaitForCallback at 1, its CALLBACK
 * at 1-1 carrying `callbackId`, the submitter STEP at 1-2, then the invocation ended).
 */
export function waitingForCallbackHistory(callbackId: string, executionId = 'bbbbbbbb-1111-4222-8333-444444444444'): HistoryEventJson[] {
  const t = '2026-11-30T11:00:00.000Z';
  return [
    { EventType: 'ExecutionStarted', EventId: 1, Id: executionId, EventTimestamp: t, ExecutionStartedDetails: { Input: { Payload: '{}' } } },
    { EventType: 'ContextStarted', SubType: 'WaitForCallback', EventId: 2, Id: operationId('1'), Name: 'approval', EventTimestamp: t, ContextStartedDetails: {} },
    {
      EventType: 'CallbackStarted',
      SubType: 'Callback',
      EventId: 3,
      Id: operationId('1-1'),
      ParentId: operationId('1'),
      EventTimestamp: t,
      CallbackStartedDetails: { CallbackId: callbackId, Timeout: 3600 },
    },
    { EventType: 'StepStarted', SubType: 'Step', EventId: 4, Id: operationId('1-2'), ParentId: operationId('1'), EventTimestamp: t, StepStartedDetails: {} },
    {
      EventType: 'StepSucceeded',
      SubType: 'Step',
      EventId: 5,
      Id: operationId('1-2'),
      ParentId: operationId('1'),
      EventTimestamp: t,
      StepSucceededDetails: { Result: {}, RetryDetails: { CurrentAttempt: 1 } },
    },
    { EventType: 'InvocationCompleted', EventId: 6, EventTimestamp: t, InvocationCompletedDetails: { StartTimestamp: t, EndTimestamp: t, RequestId: 'r-1' } },
  ];
}
