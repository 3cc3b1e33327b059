// Runs in the extension host: the ExecutionSources the panel shows — an AWS (or local endpoint) execution by
// ARN, a local run (live or saved), a history file — each with the actions its origin supports.
import * as path from 'path';
import type { DurableLambdaClient } from '../../aws/lambdaClient';
import { normalizeEvents, type HistoryEvent } from '../../core/history/events';
import type { ExecutionSummary } from '../../core/history/record';
import type { SavedRun, LocalRun } from '../../local/types';
import type { ExecutionSnapshot, ExecutionSource } from './source';

/** Execution history of an ARN over its pages; `running` while GetDurableExecution says RUNNING. */
export function awsExecutionSource(options: {
  arn: string;
  name?: string;
  client: () => Promise<DurableLambdaClient>;
  includeExecutionData: () => boolean;
  consoleUrl?: string;
  openHandler?: () => Promise<void>;
  onAction?: (what: string) => void;
}): ExecutionSource {
  const { arn } = options;
  return {
    key: arn,
    title: options.name || lastPart(arn),
    kind: 'aws',
    arn,
    consoleUrl: options.consoleUrl,
    async load(signal?: AbortSignal): Promise<ExecutionSnapshot> {
      const client = await options.client();
      const includeExecutionData = options.includeExecutionData();
      const detail = await client.getExecution(arn, { includeExecutionData, signal });
      const raw: unknown[] = [];
      for await (const page of client.getHistory(arn, { includeExecutionData, signal })) {
        for (const e of page) raw.push(e);
        // Let the host breathe between 1,000-event pages of a long history.
        await new Promise<void>((r) => setImmediate(r));
      }
      const { events } = normalizeEvents(raw);
      const summary: Partial<ExecutionSummary> = {
        arn: detail.arn,
        name: detail.name,
        functionName: detail.functionName,
        status: detail.status,
        startedAt: detail.startedAt.toISOString(),
        ...(detail.endedAt ? { endedAt: detail.endedAt.toISOString() } : {}),
        ...(detail.version !== undefined ? { version: detail.version } : {}),
      };
      return { events, summary, running: detail.status === 'RUNNING' };
    },
    async stop() {
      const client = await options.client();
      await client.stopExecution(arn);
      options.onAction?.('stop');
    },
    async sendCallbackSuccess(callbackId: string, json: string) {
      await (await options.client()).sendCallbackSuccess(callbackId, json);
      options.onAction?.('callback');
    },
    async sendCallbackFailure(callbackId, failure) {
      await (await options.client()).sendCallbackFailure(callbackId, { type: failure.type, message: failure.message });
      options.onAction?.('callback');
    },
    async sendCallbackHeartbeat(callbackId) {
      await (await options.client()).sendCallbackHeartbeat(callbackId);
    },
    ...(options.openHandler ? { openHandler: options.openHandler } : {}),
  };
}

/** A local run: live (callbacks, cancel, change events) while it runs, the saved file after. */
export function localRunSource(options: {
  id: string;
  live?: LocalRun;
  loadSaved: () => SavedRun;
  openHandler?: () => Promise<void>;
}): ExecutionSource {
  const { id, live } = options;
  const savedOnce = live ? undefined : safe(options.loadSaved);
  const title = `${path.basename(savedOnce?.handlerFile ?? 'local run')}${(live?.handlerExport ?? savedOnce?.handlerExport) ? `#${live?.handlerExport ?? savedOnce?.handlerExport}` : ''} (${id})`;
  const liveNow = () => !!live && !['succeeded', 'failed', 'cancelled', 'crashed', 'timedOut'].includes(live.status);
  const source: ExecutionSource = {
    key: `local:${id}`,
    title,
    kind: 'local',
    async load(): Promise<ExecutionSnapshot> {
      if (liveNow() && live) {
        const { events } = normalizeEvents(live.events as unknown[]);
        return { events, summary: { name: id, status: 'RUNNING', startedAt: live.startedAt }, running: true };
      }
      const saved = options.loadSaved();
      const { events } = normalizeEvents(saved.events as unknown[]);
      return { events, summary: { name: id, status: runStatusToExecution(saved.status), startedAt: saved.startedAt, ...(saved.endedAt ? { endedAt: saved.endedAt } : {}) }, running: false };
    },
    ...(options.openHandler ? { openHandler: options.openHandler } : {}),
  };
  if (live) {
    return {
      ...source,
      onDidChange(listener: () => void) {
        const off = live.onDidChange(() => listener());
        return { dispose: off };
      },
      async stop() {
        live.cancel();
        await live.done;
      },
      sendCallbackSuccess: (callbackId, json) => live.sendCallbackSuccess(callbackId, json),
      sendCallbackFailure: (callbackId, failure) => live.sendCallbackFailure(callbackId, failure),
      sendCallbackHeartbeat: (callbackId) => live.sendCallbackHeartbeat(callbackId),
    };
  }
  return source;
}

/** A history file already parsed: never running, no actions. */
export function fileSource(key: string, title: string, events: HistoryEvent[], execution?: Readonly<Record<string, unknown>>): ExecutionSource {
  const summary: Partial<ExecutionSummary> = {};
  if (execution) {
    if (typeof execution.DurableExecutionArn === 'string') summary.arn = execution.DurableExecutionArn;
    if (typeof execution.DurableExecutionName === 'string') summary.name = execution.DurableExecutionName;
    if (typeof execution.Status === 'string') summary.status = execution.Status;
  }
  return { key, title, kind: 'file', load: async () => ({ events, summary, running: false }) };
}

export function runStatusToExecution(status: string): ExecutionSummary['status'] {
  switch (status) {
    case 'succeeded':
      return 'SUCCEEDED';
    case 'failed':
    case 'crashed':
      return 'FAILED';
    case 'timedOut':
      return 'TIMED_OUT';
    case 'cancelled':
      return 'STOPPED';
    default:
      return 'RUNNING';
  }
}

function lastPart(arn: string): string {
  const parts = arn.split('/');
  return parts.length >= 3 ? parts[parts.length - 2] : arn;
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined; // the title falls back; load() reports the error itself
  }
}
