// Runs in the extension host: the one generic webview controller every panel is built on — creating or
// reviving the WebviewPanel (CSP with nonce, resources limited to the bundle folders), the ready handshake,
// notifications, requests with ids and the shared timeout in both directions, and draining on dispose.
import * as vscode from 'vscode';
import { webviewHtml } from './html';
import { IPC_REQUEST_TIMEOUT_MS, isIpcMessage, isIpcRequest, isIpcResponse, toIpcError, type IpcMessage, type RequestTable } from './ipc';

/** A typed failure of the host/webview channel. */
export class WebviewHostError extends Error {
  constructor(
    readonly reason: 'timeout' | 'disposed' | 'not-ready' | 'remote' | 'unknown-method' | string,
    message: string
  ) {
    super(message);
  }
}

export interface WebviewHostOptions {
  readonly viewType: string;
  readonly title: string;
  /** The webview bundle's name: dist/webview/<bundle>.js. */
  readonly bundle: string;
  /** The stylesheet under media/. */
  readonly style: string;
  /** What the panel is called in messages and the log ("workflow", "execution"). */
  readonly label: string;
  readonly inlineStyles?: boolean;
  readonly imgSources?: readonly string[];
  readonly iconPath?: vscode.WebviewPanel['iconPath'];
  readonly enableFindWidget?: boolean;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Options for a panel's webview: scripts on, only our bundle and media folders readable, no kept context. */
export function webviewOptions(extensionUri: vscode.Uri, enableFindWidget = false): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    // Off: a hidden webview is unloaded and gets its state back (setState + the host's data) when shown.
    retainContextWhenHidden: false,
    enableFindWidget,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/**
 * One panel's channel. `Out` are the notifications the host sends, `In` the commands the webview sends (besides
 * `ready`), `OutReq` the requests the host may make, `InReq` the ones the webview may make (see handleRequests).
 * The page says `{ type: 'ready' }` each time it loads (first open, shown again, restored); until then
 * notifications are dropped, since the page will ask for everything again.
 */
export class WebviewHost<Out extends IpcMessage, In extends IpcMessage, OutReq extends RequestTable<OutReq>, InReq extends RequestTable<InReq>> implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly readyEmitter = new vscode.EventEmitter<void>();
  private readonly messageEmitter = new vscode.EventEmitter<In>();
  private readonly visibilityEmitter = new vscode.EventEmitter<boolean>();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  private requestHandler: ((method: keyof InReq & string, params: unknown) => Promise<unknown>) | undefined;
  private nextId = 1;
  private isReady = false;
  private disposed = false;
  private wasVisible: boolean;

  /** Fires each time a (new) page says it is ready. */
  readonly onReady = this.readyEmitter.event;
  /** Commands from the webview (any message that is not ready, a request or a response). */
  readonly onMessage = this.messageEmitter.event;
  /** The panel was shown (true) or hidden (false). */
  readonly onDidChangeVisibility = this.visibilityEmitter.event;
  readonly onDidDispose = this.disposeEmitter.event;

  /** Opens a new panel. */
  static create<Out extends IpcMessage, In extends IpcMessage, OutReq extends RequestTable<OutReq>, InReq extends RequestTable<InReq>>(
    extensionUri: vscode.Uri,
    log: vscode.LogOutputChannel,
    options: WebviewHostOptions,
    column: vscode.ViewColumn = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active
  ): WebviewHost<Out, In, OutReq, InReq> {
    const panel = vscode.window.createWebviewPanel(options.viewType, options.title, { viewColumn: column, preserveFocus: true }, webviewOptions(extensionUri, options.enableFindWidget));
    return new WebviewHost(panel, extensionUri, log, options);
  }

  /** Takes over a panel VS Code restored after a reload (WebviewPanelSerializer). */
  static revive<Out extends IpcMessage, In extends IpcMessage, OutReq extends RequestTable<OutReq>, InReq extends RequestTable<InReq>>(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    log: vscode.LogOutputChannel,
    options: WebviewHostOptions
  ): WebviewHost<Out, In, OutReq, InReq> {
    panel.webview.options = webviewOptions(extensionUri, options.enableFindWidget);
    return new WebviewHost(panel, extensionUri, log, options);
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly options: WebviewHostOptions
  ) {
    this.wasVisible = panel.visible;
    if (options.iconPath) panel.iconPath = options.iconPath;
    panel.title = options.title;
    const webview = panel.webview;
    webview.html = webviewHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${options.bundle}.js`)).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', options.style)).toString(),
      title: options.title,
      inlineStyles: options.inlineStyles,
      imgSources: options.imgSources,
    });
    this.disposables.push(
      this.readyEmitter,
      this.messageEmitter,
      this.visibilityEmitter,
      panel.onDidDispose(() => this.dispose()),
      webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidChangeViewState(() => {
        if (panel.visible === this.wasVisible) return;
        this.wasVisible = panel.visible;
        // Hidden webviews lose their page (retainContextWhenHidden off); 'ready' arrives again when shown.
        if (!panel.visible) this.isReady = false;
        this.visibilityEmitter.fire(panel.visible);
      })
    );
  }

  get ready(): boolean {
    return this.isReady && !this.disposed;
  }

  get visible(): boolean {
    return !this.disposed && this.panel.visible;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * A page said 'ready', even if the host still has the panel as hidden (view states and messages travel
   * separately, e.g. while a window restores): such a page waits for data and no second 'ready' will come.
   */
  get pageLoaded(): boolean {
    return this.isReady && !this.disposed;
  }

  set title(value: string) {
    if (!this.disposed) this.panel.title = value;
  }

  /** Sends a notification; dropped (returns false) while no page is listening. */
  post(message: Out): boolean {
    if (!this.ready) return false;
    void this.panel.webview.postMessage(message).then(undefined, (err: unknown) => this.log.warn(`${this.options.label}: posting ${message.type} failed: ${errorText(err)}`));
    return true;
  }

  request<M extends keyof OutReq & string>(method: M, params: OutReq[M]['params'], timeoutMs = IPC_REQUEST_TIMEOUT_MS): Promise<OutReq[M]['result']> {
    if (this.disposed) return Promise.reject(new WebviewHostError('disposed', `The ${this.options.label} panel is closed.`));
    if (!this.isReady) return Promise.reject(new WebviewHostError('not-ready', `The ${this.options.label} panel is not showing yet.`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new WebviewHostError('timeout', `The ${this.options.label} view did not answer "${method}" within ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      void this.panel.webview.postMessage({ type: 'request', id, method, params });
    });
  }

  /** Answers the webview's requests; a thrown error (with a `reason`) becomes the typed error of the response. */
  handleRequests(handler: <M extends keyof InReq & string>(method: M, params: InReq[M]['params']) => Promise<InReq[M]['result']>): void {
    this.requestHandler = handler as (method: keyof InReq & string, params: unknown) => Promise<unknown>;
  }

  reveal(column?: vscode.ViewColumn, preserveFocus = true): void {
    if (!this.disposed) this.panel.reveal(column, preserveFocus);
  }

  private receive(m: unknown): void {
    if (!isIpcMessage(m)) return;
    try {
      if (isIpcResponse(m)) {
        const p = this.pending.get(m.id);
        if (!p) return; // timed out already: nobody waits for the late answer
        this.pending.delete(m.id);
        clearTimeout(p.timer);
        if (m.error) p.reject(new WebviewHostError(m.error.reason || 'remote', m.error.message));
        else p.resolve(m.result);
        return;
      }
      if (isIpcRequest(m)) {
        void this.answer(m.id, m.method, m.params);
        return;
      }
      if (m.type === 'ready') {
        this.isReady = true;
        this.readyEmitter.fire();
        return;
      }
      this.messageEmitter.fire(m as In);
    } catch (err) {
      this.log.error(`${this.options.label}: handling ${m.type} failed: ${errorText(err)}`);
    }
  }

  private async answer(id: number, method: string, params: unknown): Promise<void> {
    try {
      if (!this.requestHandler) throw new WebviewHostError('unknown-method', `unknown request ${method}`);
      const result = await this.requestHandler(method as keyof InReq & string, params);
      if (!this.disposed) void this.panel.webview.postMessage({ type: 'response', id, result });
    } catch (err) {
      this.log.error(`${this.options.label}: ${method} failed: ${errorText(err)}`);
      if (!this.disposed) void this.panel.webview.postMessage({ type: 'response', id, error: toIpcError(err) });
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.isReady = false;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new WebviewHostError('disposed', `The ${this.options.label} panel was closed.`));
    }
    this.pending.clear();
    this.panel.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    while (this.disposables.length) {
      try {
        this.disposables.pop()!.dispose();
      } catch (err) {
        this.log.warn(`${this.options.label}: a disposable failed to dispose: ${errorText(err)}`);
      }
    }
  }
}

/** One panel per key (an execution ARN, a file): revealing the open one instead of opening a second. */
export class KeyedPanels<T extends { dispose(): void }> {
  private readonly panels = new Map<string, T>();

  get(key: string): T | undefined {
    return this.panels.get(key);
  }

  set(key: string, panel: T): void {
    this.panels.set(key, panel);
  }

  delete(key: string, panel: T): void {
    if (this.panels.get(key) === panel) this.panels.delete(key);
  }

  values(): T[] {
    return [...this.panels.values()];
  }

  disposeAll(): void {
    for (const p of this.values()) p.dispose();
    this.panels.clear();
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
