// Runs in the extension host: what the execution panel needs from wherever an execution comes from
// (AWS, a local endpoint, a local run, a history file). Implemented by the views engineer's sources.
import type { HistoryEvent } from '../../core/history/events';
import type { ExecutionSummary } from '../../core/history/record';

/** One snapshot of an execution's history, as a source fetched it. */
export interface ExecutionSnapshot {
  readonly events: HistoryEvent[];
  /** What the source knows beyond the events (status, ARN, version, times from GetDurableExecution). */
  readonly summary?: Partial<ExecutionSummary>;
  /** True while the execution can still change: the panel refreshes (backing off) until it is false. */
  readonly running: boolean;
}

/** Failure details for a callback, as the Lambda API's ErrorObject takes them. */
export interface CallbackFailure {
  readonly type?: string;
  readonly message?: string;
}

/**
 * An execution the panel can show and act on. Optional members are the actions the source supports:
 * the panel hides every action whose member is absent.
 */
export interface ExecutionSource {
  /** Identifies the execution: one panel per key (an ARN, `local:<run id>`, `file:<uri>`). */
  readonly key: string;
  /** The panel title (an execution name or a file name). Untrusted text: shown as text only. */
  readonly title: string;
  readonly kind: 'aws' | 'local' | 'file';
  /** Fetches the whole history. Rejects with an error carrying a `reason` and a user-facing message. */
  load(signal?: AbortSignal): Promise<ExecutionSnapshot>;
  /** Live sources (a local run) tell the panel when to load again instead of it polling. */
  onDidChange?(listener: () => void): { dispose(): void };
  stop?(): Promise<void>;
  /** `json` has been checked to parse as JSON before this is called. */
  sendCallbackSuccess?(callbackId: string, json: string): Promise<void>;
  sendCallbackFailure?(callbackId: string, failure: CallbackFailure): Promise<void>;
  sendCallbackHeartbeat?(callbackId: string): Promise<void>;
  readonly arn?: string;
  readonly consoleUrl?: string;
  openHandler?(): Promise<void>;
}

/** A source over a fixed list of events (a history file already read, a test): never running, no actions. */
export function staticSource(key: string, title: string, events: HistoryEvent[], summary?: Partial<ExecutionSummary>): ExecutionSource {
  return {
    key,
    title,
    kind: 'file',
    load: async () => ({ events, summary, running: false }),
  };
}
