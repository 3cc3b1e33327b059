// Runs in both the parent (extension host or CLI) and the local-run child process: the typed messages
// they exchange over the Node IPC channel. Everything here is plain JSON (dates as ISO strings).

/** One history event as the testing SDK reports it (client-lambda `Event` shape, timestamps as ISO strings). */
export type LocalHistoryEvent = Record<string, unknown> & { readonly EventType?: string; readonly Id?: string };

/** What an `invoke` target resolves to: a handler file of the workspace (optionally `#export`) or a canned response. */
export type InvokeTargetSpec = string | { readonly response: unknown };

export interface StartMessage {
  readonly type: 'start';
  /** Absolute path of the user's handler file. */
  readonly handlerFile: string;
  /** Export to run; undefined = `handler`, else the only `withDurableExecution` export. */
  readonly handlerExport?: string;
  readonly event: unknown;
  readonly skipTime: boolean;
  /** Function name -> spec, from `durableLens.local.invokeTargets` (relative paths against workspaceRoot). */
  readonly invokeTargets?: Readonly<Record<string, InvokeTargetSpec>>;
  /** Path of a `typescript` module (lib/typescript.js) used to transpile .ts sources. */
  readonly typescriptPath: string;
  readonly workspaceRoot: string;
}

/** A callback the execution is waiting on (a CallbackStarted without an end event). */
export interface PendingCallback {
  /** Id of the CALLBACK operation (hashed id). */
  readonly operationId: string;
  /** Name of the callback, or of the enclosing waitForCallback context when the callback is unnamed. */
  readonly name?: string;
  readonly callbackId: string;
  readonly startedAt?: string;
}

export interface CallbackFailureError {
  readonly type?: string;
  readonly message?: string;
}

/** Parent -> child. */
export type ParentMessage =
  | StartMessage
  | { readonly type: 'callbackSuccess'; readonly requestId: number; readonly id: string; readonly result: string }
  | { readonly type: 'callbackFailure'; readonly requestId: number; readonly id: string; readonly error: CallbackFailureError }
  | { readonly type: 'callbackHeartbeat'; readonly requestId: number; readonly id: string }
  | { readonly type: 'cancel' };

export type LocalRunFailureReason =
  | 'handler-not-found'
  | 'load-failed'
  | 'sdk-missing'
  | 'bad-invoke-target'
  | 'runner-failed'
  | 'unhandled-rejection'
  | 'uncaught-exception'
  | 'bad-message';

export interface FatalError {
  readonly reason: LocalRunFailureReason;
  readonly message: string;
  readonly stack?: string;
}

export interface ExecutionError {
  readonly errorType?: string;
  readonly errorMessage?: string;
  readonly errorData?: string;
  readonly stackTrace?: readonly string[];
}

/** Child -> parent. */
export type ChildMessage =
  /** The child loaded the handler and called run(). */
  | { readonly type: 'started'; readonly handlerExport: string }
  /** The history so far (the whole list each time: simpler than deltas and still small). */
  | { readonly type: 'progress'; readonly events: readonly LocalHistoryEvent[] }
  /** The callbacks the execution waits on now (empty: none any more). */
  | { readonly type: 'waiting'; readonly callbacks: readonly PendingCallback[] }
  | { readonly type: 'ack'; readonly requestId: number; readonly ok: true }
  | { readonly type: 'ack'; readonly requestId: number; readonly ok: false; readonly message: string }
  | {
      readonly type: 'done';
      readonly status: 'SUCCEEDED' | 'FAILED' | string;
      readonly result?: unknown;
      readonly error?: ExecutionError;
      readonly events: readonly LocalHistoryEvent[];
    }
  | { readonly type: 'fatal'; readonly error: FatalError; readonly events: readonly LocalHistoryEvent[] };

export function isChildMessage(m: unknown): m is ChildMessage {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}

export function isParentMessage(m: unknown): m is ParentMessage {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}
