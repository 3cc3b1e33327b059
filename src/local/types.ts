// Runs in the extension host and the CLI: the public shapes of a local run (what the views and the CLI see).
import type { ExecutionError, InvokeTargetSpec, LocalHistoryEvent, PendingCallback } from './protocol';

export type LocalRunStatus = 'starting' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled' | 'crashed' | 'timedOut';

export const FINAL_STATUSES: ReadonlySet<LocalRunStatus> = new Set(['succeeded', 'failed', 'cancelled', 'crashed', 'timedOut']);

export interface LocalRunOptions {
  readonly handlerFile: string;
  readonly handlerExport?: string;
  readonly event: unknown;
  /** Default true: waits and retries take no real time. */
  readonly skipTime?: boolean;
  /** `durableLens.local.invokeTargets`. */
  readonly invokeTargets?: Readonly<Record<string, InvokeTargetSpec>>;
  /** Path of a `typescript` module the child transpiles .ts handlers with. */
  readonly typescriptPath: string;
  readonly workspaceRoot: string;
  /** No progress for this long (and not waiting on a callback) ends the run as timedOut. Default 300 s. */
  readonly timeoutMs?: number;
  /** Path of dist/localRunner.js (the child's bundle). */
  readonly runnerScript: string;
  readonly signal?: AbortSignal;
  /** Save the run under <workspaceRoot>/.durable-lens/runs while it runs and when it ends. Default true. */
  readonly save?: boolean;
  /** Fixed id (tests); default a time-sortable random id. */
  readonly id?: string;
  /** Extra arguments for node (e.g. --enable-source-maps is always added). */
  readonly execArgv?: readonly string[];
  /** Receives the child's stdout/stderr text (the handler's console output). Default: dropped. */
  readonly onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

export interface LocalRunError {
  /** Why the run ended without an execution result, or the handler's error type. */
  readonly reason: 'handler-error' | 'crashed' | 'timed-out' | 'cancelled' | 'spawn-failed' | string;
  readonly message: string;
  readonly errorType?: string;
  readonly stackTrace?: readonly string[];
}

export interface LocalRunResult {
  readonly id: string;
  readonly status: LocalRunStatus;
  readonly result?: unknown;
  readonly error?: LocalRunError;
  readonly events: readonly LocalHistoryEvent[];
  readonly startedAt: string;
  readonly endedAt: string;
  /** File the run was saved to, when saved. */
  readonly file?: string;
}

export interface LocalRun {
  readonly id: string;
  readonly status: LocalRunStatus;
  readonly events: readonly LocalHistoryEvent[];
  readonly waitingOn: readonly PendingCallback[];
  readonly handlerExport: string | undefined;
  readonly startedAt: string;
  onDidChange(listener: (run: LocalRun) => void): () => void;
  readonly done: Promise<LocalRunResult>;
  /** `id` is the CALLBACK operation id or its callback id. Resolves when the child confirmed it. */
  sendCallbackSuccess(id: string, json: string): Promise<void>;
  sendCallbackFailure(id: string, error: { type?: string; message?: string }): Promise<void>;
  sendCallbackHeartbeat(id: string): Promise<void>;
  cancel(): void;
}

/** A callback request the run refused (typed: becomes one message in the UI). */
export class LocalCallbackError extends Error {
  constructor(
    readonly reason: 'not-waiting' | 'unknown-callback' | 'rejected' | 'run-ended',
    message: string
  ) {
    super(message);
  }
}

/** The saved form of a run: `<workspace>/.durable-lens/runs/<id>.json`. */
export interface SavedRun {
  readonly version: 1;
  readonly id: string;
  readonly handlerFile: string;
  readonly handlerExport?: string;
  readonly event: unknown;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly status: LocalRunStatus;
  readonly result?: unknown;
  readonly error?: LocalRunError;
  readonly events: readonly LocalHistoryEvent[];
}
