// Runs in a webview: the browser half of the generic webview host (src/extension/shared/webviewHost.ts) — the
// one module that talks to the extension host (acquireVsCodeApi, notifications, requests with ids and the
// shared timeout, saved UI state).
import { IPC_REQUEST_TIMEOUT_MS, isIpcMessage, isIpcRequest, isIpcResponse, toIpcError, type RequestTable } from '../../src/extension/shared/ipc';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** A failure crossing the host/webview boundary, with a machine-readable reason. */
export class HostRequestError extends Error {
  constructor(
    readonly reason: 'timeout' | 'remote' | 'disposed' | string,
    message: string
  ) {
    super(message);
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Typed channel to the host. `Out` are notifications we send, `In` what we receive, `OutReq` the
 * requests we may send, `InReq` the requests the host may send us (answered by `handleRequests`).
 */
export class HostChannel<Out extends { type: string }, In extends { type: string }, OutReq extends RequestTable<OutReq>, InReq extends RequestTable<InReq>, State> {
  // acquireVsCodeApi may be called once per page load: keep it here and nowhere else.
  private readonly api: VsCodeApi = acquireVsCodeApi();
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: Array<(message: In) => void> = [];
  private requestHandler: ((method: keyof InReq, params: unknown) => Promise<unknown>) | undefined;

  constructor() {
    window.addEventListener('message', (event: MessageEvent) => this.receive(event.data));
  }

  post(message: Out): void {
    this.api.postMessage(message);
  }

  request<M extends keyof OutReq & string>(method: M, params: OutReq[M]['params'], timeoutMs = IPC_REQUEST_TIMEOUT_MS): Promise<OutReq[M]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new HostRequestError('timeout', `no answer to ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.api.postMessage({ type: 'request', id, method, params });
    });
  }

  onMessage(listener: (message: In) => void): void {
    this.listeners.push(listener);
  }

  handleRequests(handler: <M extends keyof InReq>(method: M, params: InReq[M]['params']) => Promise<InReq[M]['result']>): void {
    this.requestHandler = handler as (method: keyof InReq, params: unknown) => Promise<unknown>;
  }

  getState(): Partial<State> {
    const state = this.api.getState();
    return state && typeof state === 'object' ? (state as Partial<State>) : {};
  }

  setState(state: State): void {
    this.api.setState(state);
  }

  private receive(data: unknown): void {
    if (!isIpcMessage(data)) return;
    if (isIpcResponse(data)) {
      const pending = this.pending.get(data.id);
      if (!pending) return; // timed out already: the late answer has nobody waiting
      this.pending.delete(data.id);
      clearTimeout(pending.timer);
      if (data.error) pending.reject(new HostRequestError(data.error.reason || 'remote', data.error.message));
      else pending.resolve(data.result);
      return;
    }
    if (isIpcRequest(data)) {
      void this.answer(data.id, data.method as keyof InReq, data.params);
      return;
    }
    if (data.type === 'response' || data.type === 'request') return; // malformed: no id or method
    for (const listener of this.listeners) listener(data as In);
  }

  private async answer(id: number, method: keyof InReq, params: unknown): Promise<void> {
    try {
      if (!this.requestHandler) throw new HostRequestError('unknown-method', `no handler for ${String(method)}`);
      const result = await this.requestHandler(method, params);
      this.api.postMessage({ type: 'response', id, result });
    } catch (error) {
      this.api.postMessage({ type: 'response', id, error: toIpcError(error) });
    }
  }
}
