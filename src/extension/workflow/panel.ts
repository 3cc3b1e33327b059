// Runs in the extension host: the one workflow panel — on the shared webview host (CSP, ready handshake,
// requests with ids and the shared timeout) — inference and rendering (when to draw: drawScheduler.ts), cursor
// highlight, click-to-source, diagnostics marks, export and copy.
import * as path from 'path';
import * as vscode from 'vscode';
import type { TS } from '../../core/analysis/model';
import type { WorkflowGraph, WorkflowHandler } from '../../core/workflow/graph';
import { describeAnalysisError, withErrorSink } from '../../core/errors';
import { inferWorkflow } from '../../core/workflow/infer';
import { WebviewHost, WebviewHostError } from '../shared/webviewHost';
import { WORKFLOW_PAGE } from './html';
import { LightPrograms } from './programs';
import {
  WORKFLOW_VIEW_TYPE,
  type ExportFormat,
  type ExportResult,
  type HostNotification,
  type HostRequests,
  type MarkSeverity,
  type RenderParams,
  type ViewSnapshot,
  type WebviewNotification,
  type WebviewRequests,
  type WorkflowViewState,
} from './protocol';
import { loadTypeScript } from './typescriptLoader';
import { nodeAt } from '../../core/workflow/nodeAt';
import { diagnosticMarks, handlerList, handlerView, pickHandler, type DiagnosticInput } from './viewModel';
import { DiagramReplaySync } from '../replay/diagramSync';
import { DrawScheduler, isScriptDocument, sameDrawing } from './drawScheduler';
import { isDurableLensSource } from '../../core/diagnosticSource';

const LAST_TARGET_KEY = 'durableLens.workflow.lastTarget';
interface RememberedTarget {
  readonly documentUri: string;
  readonly handler: string | null;
}
/** A typed failure crossing the host/webview boundary. */
export class WorkflowPanelError extends Error {
  constructor(
    readonly reason: 'timeout' | 'disposed' | 'remote' | 'no-diagram',
    message: string
  ) {
    super(message);
  }
}

/** What the panel last told the webview and heard back: used by the command layer and the tests. */
export interface PanelState {
  readonly documentUri: string | undefined;
  readonly handler: string | null;
  readonly handlers: readonly string[];
  readonly ready: boolean;
  readonly sentSeq: number;
  readonly rendered: { readonly seq: number; readonly nodeCount: number; readonly ms: number; readonly layout: string } | undefined;
  readonly parseError: string | null;
  readonly mermaid: string;
  readonly highlight: string | null;
  readonly marks: readonly string[];
}

type Host = WebviewHost<HostNotification, Exclude<WebviewNotification, { type: 'ready' }>, HostRequests, WebviewRequests>;

interface Shown {
  readonly graph: WorkflowGraph;
  readonly handler: WorkflowHandler;
  readonly params: Omit<RenderParams, 'seq'>;
}

export class WorkflowPanel implements vscode.Disposable {
  static current: WorkflowPanel | undefined;
  private static readonly changeEmitter = new vscode.EventEmitter<PanelState>();
  /** Fires after every render the webview confirms (and on parse errors): lets tests wait without polling. */
  static readonly onDidChangeState = WorkflowPanel.changeEmitter.event;

  private readonly disposables: vscode.Disposable[] = [];
  private seq = 0;
  private ready = false;
  private disposed = false;
  /** The diagram on screen was inferred from code that did not parse (no good diagram of the file existed). */
  private shownPartial = false;
  private documentUri: vscode.Uri | undefined;
  private handlerName: string | null;
  private programs: { ts: TS; programs: LightPrograms; key: string } | undefined;
  private shown: Shown | undefined;
  private parseError: string | null = null;
  private highlight: string | null = null;
  private rendered: PanelState['rendered'];
  /** When the panel was revived after a reload, until its first drawing: logged, since a slow restore looks broken. */
  private restoredAt: number | undefined;

  /** Opens the panel (or reveals the open one) on a document and optionally a handler. */
  static show(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, uri: vscode.Uri | undefined, handler: string | null | undefined): WorkflowPanel {
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    const existing = WorkflowPanel.current;
    if (existing) {
      existing.panel.reveal(column, true);
      if (uri) existing.setTarget(uri, handler ?? null);
      return existing;
    }
    const host: Host = WebviewHost.create(context.extensionUri, log, WorkflowPanel.hostOptions(context), column);
    return new WorkflowPanel(host, context, log, uri, handler ?? null);
  }

  /** Re-attaches to a panel VS Code restored after a reload (WebviewPanelSerializer). */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, log: vscode.LogOutputChannel, state: WorkflowViewState | undefined): WorkflowPanel {
    WorkflowPanel.current?.dispose();
    const remembered = context.workspaceState.get<RememberedTarget>(LAST_TARGET_KEY);
    const target = state?.documentUri ? state : remembered;
    let uri: vscode.Uri | undefined;
    try {
      uri = target?.documentUri ? vscode.Uri.parse(target.documentUri, true) : undefined;
    } catch {
      uri = undefined;
    }
    log.info(`workflow: restoring the panel on ${uri?.toString() ?? 'no document'} (from ${state?.documentUri ? 'the webview state' : remembered ? 'the workspace memento' : 'nothing: it follows the active editor'})`);
    const host: Host = WebviewHost.revive(panel, context.extensionUri, log, WorkflowPanel.hostOptions(context));
    const revived = new WorkflowPanel(host, context, log, uri, target?.handler ?? null);
    revived.restoredAt = performance.now();
    revived.openInBackground();
    return revived;
  }

  private static hostOptions(context: vscode.ExtensionContext) {
    return {
      viewType: WORKFLOW_VIEW_TYPE,
      title: WORKFLOW_PAGE.title,
      bundle: 'workflow',
      style: 'workflow.css',
      label: 'workflow',
      inlineStyles: WORKFLOW_PAGE.inlineStyles,
      imgSources: WORKFLOW_PAGE.imgSources,
      iconPath: {
        light: vscode.Uri.joinPath(context.extensionUri, 'media', 'workflow-light.svg'),
        dark: vscode.Uri.joinPath(context.extensionUri, 'media', 'workflow-dark.svg'),
      },
    };
  }

  private readonly panel: vscode.WebviewPanel;
  /** Node states while a replay session steps through the handler drawn (replay/diagramSync.ts). */
  readonly replay: DiagramReplaySync;
  private readonly draws: DrawScheduler;

  private constructor(
    private readonly host: Host,
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    uri: vscode.Uri | undefined,
    handler: string | null
  ) {
    WorkflowPanel.current = this;
    this.panel = host.panel;
    this.documentUri = uri ?? this.activeScriptUri();
    this.handlerName = handler;
    this.updateTitle();
    this.draws = new DrawScheduler({
      documentUri: () => this.documentUri,
      inProgram: (fsPath) => this.programs?.programs.includes(fsPath) ?? false,
      pinned: () => this.replay.pinned(),
      update: (reason, onlyIfHandlers) => this.update(reason, onlyIfHandlers),
      follow: (uri) => this.follow(uri),
    });
    this.replay = new DiagramReplaySync({ shownHandler: () => this.shown?.handler, post: (m) => this.post(m), showTarget: (u, h) => this.setTarget(u, h) }, log);
    this.disposables.push(this.replay);
    host.handleRequests(async (method, params) => {
      if (method !== 'saveExport') throw new WebviewHostError('unknown-method', `unknown request ${String(method)}`);
      return this.saveExport(params);
    });
    this.disposables.push(
      host.onDidDispose(() => this.dispose()),
      host.onReady(() => this.onReady()),
      host.onMessage((m) => this.receive(m)),
      host.onDidChangeVisibility((visible) => {
        // Hidden webviews lose their page (retainContextWhenHidden off); 'ready' arrives again when shown.
        if (!visible) this.ready = false;
        // A page that said 'ready' while the host still had the panel as hidden (view states and messages
        // travel separately, e.g. while a window restores) got nothing: draw now rather than wait for a 'ready'
        // that will not come again.
        else if (host.pageLoaded && this.draws.stale) {
          this.ready = true;
          this.update('shown');
        }
      })
    );
    this.disposables.push(
      vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e)),
      vscode.languages.onDidChangeDiagnostics((e) => this.onDiagnostics(e))
    );
  }

  // ---- state for commands and tests ----

  get state(): PanelState {
    return {
      documentUri: this.documentUri?.toString(),
      handler: this.shown?.handler.name ?? null,
      handlers: this.shown?.graph.handlers.map((h) => h.name) ?? [],
      ready: this.ready,
      sentSeq: this.seq,
      rendered: this.rendered,
      parseError: this.parseError,
      mermaid: this.shown?.params.mermaid ?? '',
      highlight: this.highlight,
      marks: this.shown?.params.marks.map((m) => m.nodeId) ?? [],
    };
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  setTarget(uri: vscode.Uri, handler: string | null): void {
    const changed = this.documentUri?.toString() !== uri.toString() || (handler !== null && handler !== this.handlerName);
    this.documentUri = uri;
    if (handler !== null) this.handlerName = handler;
    if (changed) this.update('target');
  }

  /** Asks the webview for an export and saves it where the user says. */
  async exportDiagram(format: ExportFormat): Promise<boolean> {
    const result = await this.request('export', { format });
    return (await this.saveExport(result)).saved;
  }

  snapshot(): Promise<ViewSnapshot> {
    return this.request('snapshot', {});
  }

  /** The node the editor cursor is in, re-sent as a highlight (used after a programmatic cursor move). */
  refreshHighlight(): void {
    const editor = vscode.window.activeTextEditor;
    if (editor) this.highlightFor(editor, true);
  }

  // ---- messages ----

  private post(message: HostNotification): void {
    if (!this.ready || this.disposed) return;
    this.host.post(message);
  }

  private request<M extends keyof HostRequests & string>(method: M, params: HostRequests[M]['params']): Promise<HostRequests[M]['result']> {
    if (this.disposed) return Promise.reject(new WebviewHostError('disposed', 'The workflow panel is closed.'));
    if (!this.ready) return Promise.reject(new WebviewHostError('not-ready', 'The workflow panel is not showing a diagram yet.'));
    return this.host.request(method, params);
  }

  private onReady(): void {
    if (this.restoredAt !== undefined) this.log.info(`workflow: the restored view loaded after ${(performance.now() - this.restoredAt).toFixed(0)} ms`);
    this.ready = true;
    this.draws.pageReady();
  }

  private receive(m: Exclude<WebviewNotification, { type: 'ready' }>): void {
    try {
      switch (m.type) {
        case 'rendered':
          this.rendered = { seq: m.seq, nodeCount: m.nodeCount, ms: m.ms, layout: m.layout };
          this.log.debug(`workflow: rendered #${m.seq}, ${m.nodeCount} nodes in ${m.ms.toFixed(0)} ms (${m.layout})`);
          if (this.restoredAt !== undefined) {
            this.log.info(`workflow: the restored panel drew ${m.nodeCount} nodes ${(performance.now() - this.restoredAt).toFixed(0)} ms after it was revived`);
            this.restoredAt = undefined;
          }
          this.replay.rendered();
          WorkflowPanel.changeEmitter.fire(this.state);
          break;
        case 'replayApplied':
          this.replay.reportApplied(m);
          break;
        case 'renderError':
          this.log.warn(`workflow: the view could not draw #${m.seq}: ${m.message}`);
          break;
        case 'nodeClicked':
          if (!this.replay.clicked(m.nodeId)) void this.revealNode(m.nodeId);
          break;
        case 'selectHandler':
          if (typeof m.name === 'string') {
            this.handlerName = m.name;
            this.update('handler');
          }
          break;
        case 'copyMermaid':
          void vscode.env.clipboard.writeText(typeof m.text === 'string' && m.text ? m.text : this.state.mermaid).then(() => vscode.window.setStatusBarMessage('Durable Lens: Mermaid source copied', 3000));
          break;
      }
    } catch (err) {
      this.log.error(`workflow: handling ${m.type} failed: ${errorText(err)}`);
    }
  }

  private async saveExport(result: ExportResult): Promise<{ saved: boolean; path?: string }> {
    if (!result || (result.format !== 'svg' && result.format !== 'png') || typeof result.data !== 'string') {
      throw new WorkflowPanelError('remote', 'The workflow view sent an export the host cannot read.');
    }
    const safeName = path.basename(String(result.suggestedName || `workflow.${result.format}`)).replace(/[^A-Za-z0-9._-]+/g, '_');
    const dir = this.documentUri?.scheme === 'file' ? vscode.Uri.file(path.dirname(this.documentUri.fsPath)) : vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: dir ? vscode.Uri.joinPath(dir, safeName) : undefined,
      filters: result.format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      saveLabel: `Export ${result.format.toUpperCase()}`,
      // VS Code's simple file dialog (remote and web windows) shows the title but not saveLabel.
      title: `Export Workflow Diagram as ${result.format.toUpperCase()}`,
    });
    if (!target) return { saved: false };
    const bytes = result.format === 'svg' ? Buffer.from(result.data, 'utf8') : Buffer.from(result.data, 'base64');
    await vscode.workspace.fs.writeFile(target, bytes);
    this.log.info(`workflow: exported ${result.format.toUpperCase()} to ${target.toString()}`);
    return { saved: true, path: target.fsPath };
  }

  // ---- updates ----

  /**
   * The webview's own state reaches the workbench only when it saves editor state, which a reload can beat; the
   * host's workspace memento is written at once, so a revived panel without state still finds its file.
   */
  private rememberTarget(documentUri: string, handler: string): void {
    const last = this.context.workspaceState.get<RememberedTarget>(LAST_TARGET_KEY);
    if (last?.documentUri === documentUri && last.handler === handler) return;
    void this.context.workspaceState.update(LAST_TARGET_KEY, { documentUri, handler } satisfies RememberedTarget);
  }

  /**
   * After a reload the panel's file is usually not open (its editor tab, if any, is not loaded until shown): open
   * it while the page loads, so the first 'ready' is answered at once. Failure is reported by update(), which
   * tries again.
   */
  private openInBackground(): void {
    const uri = this.documentUri;
    if (!uri || this.document()) return;
    vscode.workspace.openTextDocument(uri).then(
      () => undefined,
      (err) => this.log.warn(`workflow: cannot open ${uri.toString()} for the restored panel: ${errorText(err)}`)
    );
  }

  private activeScriptUri(): vscode.Uri | undefined {
    const doc = vscode.window.activeTextEditor?.document;
    return doc && isScriptDocument(doc) ? doc.uri : undefined;
  }

  private document(): vscode.TextDocument | undefined {
    const uri = this.documentUri?.toString();
    return uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri) : undefined;
  }

  private updateTitle(): void {
    const file = this.documentUri ? path.basename(this.documentUri.path) : undefined;
    const handler = this.shown?.handler.name;
    this.panel.title = file ? `Workflow: ${handler ? `${handler} (${file})` : file}` : 'Workflow';
  }

  private follow(uri: vscode.Uri): boolean {
    const previous = this.documentUri;
    this.documentUri = uri;
    if (this.update('follow', true)) return true;
    this.documentUri = previous;
    return false;
  }

  private onSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    if (e.textEditor.document.uri.toString() !== this.documentUri?.toString()) return;
    this.highlightFor(e.textEditor, true);
  }

  private highlightFor(editor: vscode.TextEditor, reveal: boolean): void {
    const shown = this.shown;
    if (!shown || editor.document.uri.toString() !== this.documentUri?.toString()) return;
    const doc = editor.document;
    const node = nodeAt(shown.handler, doc.uri.fsPath, doc.offsetAt(editor.selection.active), (o) => doc.positionAt(o).line + 1);
    const id = node?.id ?? null;
    if (id === this.highlight) return;
    this.highlight = id;
    this.post({ type: 'highlight', nodeId: id, reveal });
  }

  private onDiagnostics(e: vscode.DiagnosticChangeEvent): void {
    const shown = this.shown;
    if (!shown || !this.ready) return;
    const files = new Set(shown.handler.nodes.map((n) => n.file ?? shown.handler.file));
    if (!e.uris.some((u) => u.scheme === 'file' && files.has(u.fsPath))) return;
    const marks = diagnosticMarks(shown.handler, this.diagnosticsFor(files), lineResolver());
    this.shown = { ...shown, params: { ...shown.params, marks } };
    this.post({ type: 'marks', marks });
  }

  private diagnosticsFor(files: ReadonlySet<string>): DiagnosticInput[] {
    const out: DiagnosticInput[] = [];
    for (const file of files) {
      const uri = vscode.Uri.file(file);
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (!doc) continue; // diagnostics positions need the text; files not open have none from tsserver
      for (const d of vscode.languages.getDiagnostics(uri)) {
        if (!isDurableLensSource(d.source)) continue;
        out.push({ file, start: doc.offsetAt(d.range.start), end: doc.offsetAt(d.range.end), severity: severityOf(d.severity), message: d.message });
      }
    }
    return out;
  }

  private programsFor(doc: vscode.TextDocument): { ts: TS; programs: LightPrograms } {
    const loaded = loadTypeScript(doc.uri.scheme === 'file' ? doc.uri.fsPath : undefined, this.log);
    const cwd = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? path.dirname(doc.uri.fsPath);
    const key = `${loaded.path}|${cwd}`;
    if (this.programs?.key !== key) {
      const open = {
        get: (fileName: string) => {
          const d = vscode.workspace.textDocuments.find((t) => t.uri.scheme === doc.uri.scheme && t.uri.fsPath === fileName);
          return d ? { text: d.getText(), version: d.version } : undefined;
        },
      };
      this.programs = { ts: loaded.ts, programs: new LightPrograms(loaded.ts, open, cwd), key };
    }
    return this.programs;
  }

  /**
   * Re-infers and sends a render. With `onlyIfHandlers`, does nothing (returns false) when the document
   * has no handler, so following the active editor does not blank the diagram.
   */
  private update(reason: string, onlyIfHandlers = false): boolean {
    if (this.disposed) return false;
    if (!this.ready || !this.panel.visible) {
      this.draws.markStale(); // drawn when the page says 'ready'
      return true;
    }
    const t0 = performance.now();
    const doc = this.document();
    if (!doc) {
      if (this.documentUri) {
        // Not open (restored after reload, or closed): open it in the background, then draw.
        const uri = this.documentUri;
        vscode.workspace.openTextDocument(uri).then(
          () => this.documentUri?.toString() === uri.toString() && this.update(reason),
          (err) => this.sendMessage(`Cannot open ${uri.fsPath || uri.toString()}: ${errorText(err)}`)
        );
        return true;
      }
      this.sendMessage('Open a TypeScript or JavaScript file with a durable handler, then run "Durable Lens: Show Workflow".');
      return true;
    }
    let graph: WorkflowGraph;
    let syntaxError: string | null = null;
    let keep = false;
    try {
      const { ts, programs } = this.programsFor(doc);
      const fileName = doc.uri.fsPath;
      const { program, sourceFile } = programs.programFor(fileName);
      const syntax = program.getSyntacticDiagnostics(sourceFile);
      if (syntax.length > 0) {
        const first = syntax[0]!;
        const line = first.start !== undefined ? sourceFile.getLineAndCharacterOfPosition(first.start).line + 1 : undefined;
        syntaxError = `The code does not parse${line ? ` (line ${line})` : ''}: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}`;
      }
      // A good diagram of this file is kept while the code does not parse; a partial one is inferred again, as
      // that is all there is.
      keep = syntaxError !== null && !this.shownPartial && this.shown !== undefined && this.shown.params.documentUri === doc.uri.toString();
      // Failures deep in the analysis are kept out of the user's diagram but must be seen: the Output channel.
      graph = keep
        ? this.shown!.graph
        : withErrorSink(
            (e) => this.log.warn(`workflow: ${describeAnalysisError(e)}`),
            () => inferWorkflow(ts, sourceFile, program)
          );
    } catch (err) {
      this.log.error(`workflow: inference failed for ${doc.uri.toString()}: ${errorText(err)}`);
      if (onlyIfHandlers) return false;
      this.sendMessage(`The workflow could not be inferred: ${errorText(err)}`);
      return true;
    }
    if (onlyIfHandlers && graph.handlers.length === 0) return false;
    if (keep) {
      // Keep the last good diagram: a half-typed line must not make the view jump or go blank.
      this.parseError = syntaxError;
      // The diagram kept may itself be the partial one drawn before the file ever parsed.
      this.post({ type: 'parseError', message: syntaxError, partial: this.shownPartial });
      WorkflowPanel.changeEmitter.fire(this.state);
      return true;
    }
    this.parseError = syntaxError;
    const handler = pickHandler(graph, this.handlerName);
    const fileName = path.basename(doc.uri.path);
    if (!handler) {
      this.shown = undefined;
      this.sendMessage(`No durable handler in ${fileName}.`, graph);
      return true;
    }
    const view = handlerView(handler, doc.uri.fsPath);
    const files = new Set(handler.nodes.map((n) => n.file ?? handler.file));
    const marks = diagnosticMarks(handler, this.diagnosticsFor(files), lineResolver());
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    const at = editor ? nodeAt(handler, doc.uri.fsPath, doc.offsetAt(editor.selection.active), (o) => doc.positionAt(o).line + 1) : undefined;
    this.highlight = at?.id ?? null;
    const params: Omit<RenderParams, 'seq'> = {
      documentUri: doc.uri.toString(),
      fileName,
      handlers: handlerList(graph),
      handler: handler.name,
      mermaid: view.mermaid,
      nodes: view.nodes,
      marks,
      highlight: this.highlight,
    };
    const previous = this.shown?.params;
    this.shown = { graph, handler, params };
    this.draws.drawn();
    this.rememberTarget(params.documentUri, handler.name);
    this.updateTitle();
    if (reason === 'edit' && previous && sameDrawing(previous, params)) {
      // Most keystrokes (inside a step body, a comment) leave the diagram as it is: no redraw, only
      // what may have moved — the highlight, the marks, the parse note.
      // Typing moves the cursor: its node is scrolled into view like a cursor move does.
      if (previous.highlight !== params.highlight) this.post({ type: 'highlight', nodeId: params.highlight, reveal: true });
      if (JSON.stringify(previous.marks) !== JSON.stringify(params.marks)) this.post({ type: 'marks', marks: params.marks });
      if (!syntaxError) this.shownPartial = false;
      this.post({ type: 'parseError', message: syntaxError, partial: this.shownPartial });
      WorkflowPanel.changeEmitter.fire(this.state);
      return true;
    }
    this.shownPartial = syntaxError !== null;
    this.post({ type: 'render', seq: ++this.seq, ...params });
    // No good diagram of this file existed: what is drawn comes from the code that parses (partial).
    if (syntaxError) this.post({ type: 'parseError', message: syntaxError, partial: true });
    this.log.trace(`workflow: ${reason}: inferred ${handler.nodes.length} nodes of ${handler.name} in ${(performance.now() - t0).toFixed(1)} ms`);
    return true;
  }

  private sendMessage(message: string, graph?: WorkflowGraph): void {
    this.updateTitle();
    this.post({
      type: 'render',
      seq: ++this.seq,
      documentUri: this.documentUri?.toString() ?? '',
      fileName: this.documentUri ? path.basename(this.documentUri.path) : '',
      handlers: graph ? handlerList(graph) : [],
      handler: null,
      mermaid: '',
      nodes: [],
      marks: [],
      highlight: null,
      message,
    });
  }

  private async revealNode(nodeId: string): Promise<void> {
    const shown = this.shown;
    const node = shown?.handler.nodes.find((n) => n.id === nodeId);
    if (!shown || !node) return;
    const file = node.file ?? shown.handler.file;
    const uri = file === this.documentUri?.fsPath ? this.documentUri : vscode.Uri.file(file);
    const existing = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    const doc = existing?.document ?? (await vscode.workspace.openTextDocument(uri));
    const pos = typeof node.start === 'number' ? doc.positionAt(node.start) : new vscode.Position(Math.max(0, node.line - 1), Math.max(0, (node.column ?? 1) - 1));
    const editor = await vscode.window.showTextDocument(doc, {
      viewColumn: existing?.viewColumn ?? (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One),
      preserveFocus: false,
      selection: new vscode.Range(pos, pos),
    });
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (WorkflowPanel.current === this) WorkflowPanel.current = undefined;
    this.draws.dispose();
    // The host rejects pending requests ('disposed') and disposes the panel.
    this.host.dispose();
    while (this.disposables.length) {
      try {
        this.disposables.pop()!.dispose();
      } catch (err) {
        this.log.warn(`workflow: a disposable failed to dispose: ${errorText(err)}`);
      }
    }
  }
}

function severityOf(s: vscode.DiagnosticSeverity): MarkSeverity {
  return s === vscode.DiagnosticSeverity.Error ? 'error' : s === vscode.DiagnosticSeverity.Warning ? 'warning' : 'info';
}

/** 1-based line of an offset in a file that is open (diagnostics only exist for open files). */
function lineResolver(): (file: string, offset: number) => number {
  return (file, offset) => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file);
    return doc ? doc.positionAt(offset).line + 1 : -1;
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
