// Runs in a webview: the one module that talks to the extension host (acquireVsCodeApi, notifications,
// requests with ids and timeouts, saved UI state).

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** A failure crossing the host/webview boundary, with a machine-readable reason. */
export class HostRequestError extends Error {
  constructor(
    readonly reason: 'timeout' | 'remote' | 'disposed',
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

/** A table of request methods: each with its params and result types. */
type RequestMap<R> = { [K in keyof R]: { params: unknown; result: unknown } };

/**
 * Typed channel to the host. `Out` are notifications we send, `In` what we receive, `OutReq` the
 * requests we may send, `InReq` the requests the host may send us (answered by `handleRequest`).
 */
export class HostChannel<Out extends { type: string }, In extends { type: string }, OutReq extends RequestMap<OutReq>, InReq extends RequestMap<InReq>, State> {
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

  request<M extends keyof OutReq & string>(method: M, params: OutReq[M]['params'], timeoutMs = 60_000): Promise<OutReq[M]['result']> {
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
    if (!data || typeof data !== 'object' || typeof (data as { type?: unknown }).type !== 'string') return;
    const message = data as { type: string; id?: number; method?: string; params?: unknown; result?: unknown; error?: { reason: string; message: string } };
    if (message.type === 'response' && typeof message.id === 'number') {
      const pending = this.pending.get(message.id);
      if (!pending) return; // timed out already: the late answer has nobody waiting
      this.pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.error) pending.reject(new HostRequestError('remote', message.error.message));
      else pending.resolve(message.result);
      return;
    }
    if (message.type === 'request' && typeof message.id === 'number') {
      void this.answer(message.id, message.method as keyof InReq, message.params);
      return;
    }
    for (const listener of this.listeners) listener(data as In);
  }

  private async answer(id: number, method: keyof InReq, params: unknown): Promise<void> {
    try {
      if (!this.requestHandler) throw new Error(`no handler for ${String(method)}`);
      const result = await this.requestHandler(method, params);
      this.api.postMessage({ type: 'response', id, result });
    } catch (error) {
      const reason = (error as { reason?: unknown }).reason;
      this.api.postMessage({
        type: 'response',
        id,
        error: { reason: typeof reason === 'string' ? reason : 'failed', message: error instanceof Error ? error.message : String(error) },
      });
    }
  }
}
