// Runs in the local-run child and the parent: small, pure readings of a live history (event order,
// JSON-safe copies, which callbacks are still open) that do not need the full history model.
import type { LocalHistoryEvent, PendingCallback } from './protocol';

/** JSON round trip: Dates become ISO strings, Buffers plain data, like a saved fixture. */
export function toPlainEvents(events: readonly unknown[]): LocalHistoryEvent[] {
  return JSON.parse(JSON.stringify(events)) as LocalHistoryEvent[];
}

/** By EventId (the testing SDK's live list is not always in order); stable for events without one. */
export function sortEvents(events: readonly LocalHistoryEvent[]): LocalHistoryEvent[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      const x = typeof a.e.EventId === 'number' ? a.e.EventId : undefined;
      const y = typeof b.e.EventId === 'number' ? b.e.EventId : undefined;
      return x !== undefined && y !== undefined && x !== y ? x - y : a.i - b.i;
    })
    .map(({ e }) => e);
}

const CALLBACK_ENDS = new Set(['CallbackSucceeded', 'CallbackFailed', 'CallbackTimedOut']);
const STEP_ENDS = new Set(['StepSucceeded', 'StepFailed']);
const EXECUTION_ENDS = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionStopped']);

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * Callbacks started and not ended. A waitForCallback's callback counts only once its submitter step has
 * ended (the testing SDK's SUBMITTED state): completing it earlier races the submitter.
 */
export function pendingCallbacks(events: readonly LocalHistoryEvent[]): PendingCallback[] {
  if (events.some((e) => EXECUTION_ENDS.has(String(e.EventType)))) return [];
  const ended = new Set<string>();
  const contexts = new Map<string, LocalHistoryEvent>();
  const stepEndsByParent = new Set<string>();
  for (const e of events) {
    const id = str(e.Id);
    if (CALLBACK_ENDS.has(String(e.EventType)) && id) ended.add(id);
    if (e.EventType === 'ContextStarted' && id) contexts.set(id, e);
    const parent = str(e.ParentId);
    if (parent && STEP_ENDS.has(String(e.EventType))) stepEndsByParent.add(parent);
  }
  const out: PendingCallback[] = [];
  for (const e of events) {
    if (e.EventType !== 'CallbackStarted') continue;
    const id = str(e.Id);
    const details = e.CallbackStartedDetails as { CallbackId?: unknown } | undefined;
    const callbackId = str(details?.CallbackId);
    if (!id || !callbackId || ended.has(id)) continue;
    const parentId = str(e.ParentId);
    const parent = parentId ? contexts.get(parentId) : undefined;
    if (parent && parent.SubType === 'WaitForCallback' && parentId && !stepEndsByParent.has(parentId)) continue;
    out.push({
      operationId: id,
      callbackId,
      name: str(e.Name) ?? (parent?.SubType === 'WaitForCallback' ? str(parent.Name) : undefined),
      startedAt: str(e.EventTimestamp),
    });
  }
  return out;
}

/** Waits still running in real time (no time skipping): the latest scheduled end, epoch ms, or undefined. */
export function latestScheduledWaitEnd(events: readonly LocalHistoryEvent[]): number | undefined {
  const ended = new Set<string>();
  for (const e of events) if ((e.EventType === 'WaitSucceeded' || e.EventType === 'WaitCancelled') && str(e.Id)) ended.add(String(e.Id));
  let latest: number | undefined;
  for (const e of events) {
    if (e.EventType !== 'WaitStarted' || !str(e.Id) || ended.has(String(e.Id))) continue;
    const d = e.WaitStartedDetails as { ScheduledEndTimestamp?: unknown } | undefined;
    const t = typeof d?.ScheduledEndTimestamp === 'string' || typeof d?.ScheduledEndTimestamp === 'number' ? new Date(d.ScheduledEndTimestamp).getTime() : NaN;
    if (!Number.isNaN(t)) latest = latest === undefined ? t : Math.max(latest, t);
  }
  return latest;
}
