// Pure (no vscode, no DOM): the protocol every webview panel shares with its host — message shapes for
// notifications, commands and requests with ids, their `is()` guards, and the one request timeout both
// sides use. Each panel's protocol.ts declares only its own messages on top of these.

/**
 * How long either side waits for the answer to a request. One value for host and webview, so neither gives
 * up on a request the other is still allowed to answer.
 */
export const IPC_REQUEST_TIMEOUT_MS = 30_000;

/** Every message on the wire: a `type` naming it. Notifications and commands carry their fields beside it. */
export interface IpcMessage {
  readonly type: string;
}

/** A request: answered by exactly one `response` with the same id (or timed out). */
export interface IpcRequestMessage<M extends string = string, P = unknown> extends IpcMessage {
  readonly type: 'request';
  readonly id: number;
  readonly method: M;
  readonly params: P;
}

/** A typed failure crossing the boundary: `reason` is machine-readable, `message` is for a person. */
export interface IpcError {
  readonly reason: string;
  readonly message: string;
}

export interface IpcResponseMessage extends IpcMessage {
  readonly type: 'response';
  readonly id: number;
  readonly result?: unknown;
  readonly error?: IpcError;
}

export function isIpcMessage(value: unknown): value is IpcMessage {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

export function isIpcRequest(value: unknown): value is IpcRequestMessage {
  if (!isIpcMessage(value) || value.type !== 'request') return false;
  const m = value as Partial<IpcRequestMessage>;
  return Number.isSafeInteger(m.id) && typeof m.method === 'string';
}

export function isIpcResponse(value: unknown): value is IpcResponseMessage {
  if (!isIpcMessage(value) || value.type !== 'response') return false;
  const m = value as Partial<IpcResponseMessage>;
  if (!Number.isSafeInteger(m.id)) return false;
  return m.error === undefined || (typeof m.error === 'object' && m.error !== null && typeof m.error.message === 'string' && typeof m.error.reason === 'string');
}

/** A message that is neither a request nor a response: a notification (host -> webview) or a command (webview -> host). */
export function isIpcNotification(value: unknown): value is IpcMessage {
  return isIpcMessage(value) && value.type !== 'request' && value.type !== 'response';
}

/**
 * A fire-and-forget message type (GitLens's IpcNotification / IpcCommand): `create` builds the wire object, `is`
 * recognises it. The fields travel beside `type`, so a panel's union of messages stays a plain discriminated union.
 */
export class IpcNotificationType<P extends object = Record<string, never>> {
  constructor(readonly type: string) {}

  create(params: P): { readonly type: string } & P {
    return { ...params, type: this.type };
  }

  is(value: unknown): value is { readonly type: string } & P {
    return isIpcMessage(value) && value.type === this.type;
  }
}

/** Sent by the webview: same shape as a notification, the direction differs. */
export class IpcCommandType<P extends object = Record<string, never>> extends IpcNotificationType<P> {}

/** A request method with its params and result types (GitLens's IpcRequest). */
export class IpcRequestType<M extends string, P, R> {
  /** Only carries the result type for inference; never set. */
  declare readonly result: R;

  constructor(readonly method: M) {}

  create(id: number, params: P): IpcRequestMessage<M, P> {
    return { type: 'request', id, method: this.method, params };
  }

  is(value: unknown): value is IpcRequestMessage<M, P> {
    return isIpcRequest(value) && value.method === this.method;
  }
}

/** A table of request methods, each with its params and result (`{ export: { params; result } }`). */
export type RequestTable<R> = { [K in keyof R]: { params: unknown; result: unknown } };

/** The request messages a table allows. */
export type RequestOf<R> = {
  [M in keyof R & string]: IpcRequestMessage<M, R[M] extends { params: infer P } ? P : never>;
}[keyof R & string];

/** Turns any thrown value into the error half of a response. */
export function toIpcError(error: unknown): IpcError {
  const reason = (error as { reason?: unknown } | null)?.reason;
  return {
    reason: typeof reason === 'string' ? reason : 'failed',
    message: error instanceof Error ? error.message : String(error),
  };
}
