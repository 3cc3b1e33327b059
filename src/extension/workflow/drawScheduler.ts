// Runs in the extension host: when the workflow panel draws — edits debounced, a page that is new or was hidden
// drawn in full, the active editor followed to files with handlers, and which edits leave the drawing as it is.
import * as vscode from 'vscode';
import type { RenderParams } from './protocol';

// Short: an edit that does not change the drawing is not sent at all (sameDrawing), one that only renames
// is relabelled in place by the webview, so an update mostly costs a cheap re-inference on the host. The
// first keystroke after a pause is not delayed at all (see onDocumentChanged).
const EDIT_DEBOUNCE_MS = 60;
/** A file without handlers is looked at again for a new handler once typing pauses this long. */
const FOLLOW_TYPING_MS = 300;
const SCRIPT_LANGUAGES = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact']);

export function isScriptDocument(doc: vscode.TextDocument): boolean {
  return SCRIPT_LANGUAGES.has(doc.languageId) && (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled' || doc.uri.scheme === 'vscode-remote');
}

/** The panel as the scheduler sees it. */
export interface DrawTarget {
  /** The document the panel shows (or will show once it can draw). */
  documentUri(): vscode.Uri | undefined;
  /** Whether a file is part of the Program the diagram is inferred from (helpers in other files count). */
  inProgram(fsPath: string): boolean;
  /** A replay session steps through the handler drawn: the panel stays on it. */
  pinned(): boolean;
  /**
   * Re-infers and sends a render. With `onlyIfHandlers`, does nothing (returns false) when the document
   * has no handler.
   */
  update(reason: string, onlyIfHandlers?: boolean): boolean;
  /** Points the panel at `uri` and draws it when it has a handler; false (the panel unchanged) otherwise. */
  follow(uri: vscode.Uri): boolean;
}

export class DrawScheduler implements vscode.Disposable {
  /** The page lacks the current drawing: drawn in full when it can be (it says 'ready', or is shown again). */
  private dirty = true;
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private lastEditUpdate = -Infinity;
  private followTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly target: DrawTarget) {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((e) => this.onDocumentChanged(e)),
      vscode.window.onDidChangeActiveTextEditor((e) => this.onActiveEditor(e)),
    ];
  }

  get stale(): boolean {
    return this.dirty;
  }

  /** What is on the page is not what the code says any more (or the page cannot show it now). */
  markStale(): void {
    this.dirty = true;
  }

  /** The page was sent the drawing of the code as it is. */
  drawn(): void {
    this.dirty = false;
  }

  /** The page is new (first open, shown again, or restored): it needs the full render. */
  pageReady(): void {
    this.dirty = true;
    this.target.update('ready');
  }

  private onDocumentChanged(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    const isOurs = e.document.uri.toString() === this.target.documentUri()?.toString();
    if (!isOurs && this.isActiveScript(e.document)) {
      // The active editor had no handler when it was opened (so the panel did not follow it): one may appear
      // while typing. Checked once typing pauses, so a file without handlers costs one inference per pause.
      if (this.followTimer) clearTimeout(this.followTimer);
      this.followTimer = setTimeout(() => {
        this.followTimer = undefined;
        const editor = vscode.window.activeTextEditor;
        if (editor && editor.document === e.document) this.onActiveEditor(editor);
      }, FOLLOW_TYPING_MS);
      return;
    }
    // Helpers in other files count too: an edit to any file of the Program can change the diagram.
    if (!isOurs && !(e.document.uri.scheme === 'file' && this.target.inProgram(e.document.uri.fsPath))) return;
    this.dirty = true;
    // The first keystroke after a pause updates at once; keystrokes that follow within the window are
    // coalesced into one update after the last of them.
    const quiet = !this.debounce && performance.now() - this.lastEditUpdate >= EDIT_DEBOUNCE_MS;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(
      () => {
        this.debounce = undefined;
        this.lastEditUpdate = performance.now();
        this.target.update('edit');
      },
      quiet ? 0 : EDIT_DEBOUNCE_MS
    );
  }

  private isActiveScript(doc: vscode.TextDocument): boolean {
    return vscode.window.activeTextEditor?.document === doc && isScriptDocument(doc);
  }

  private onActiveEditor(editor: vscode.TextEditor | undefined): void {
    if (!editor || !isScriptDocument(editor.document)) return;
    if (editor.document.uri.toString() === this.target.documentUri()?.toString()) return;
    if (this.target.pinned()) return; // stepping through this handler (replay/diagramSync.ts)
    // Follow the editor like the Markdown preview does, but only to files that have handlers.
    this.dirty = true;
    this.target.follow(editor.document.uri);
  }

  dispose(): void {
    if (this.debounce) clearTimeout(this.debounce);
    if (this.followTimer) clearTimeout(this.followTimer);
    this.debounce = undefined;
    this.followTimer = undefined;
    while (this.subscriptions.length) this.subscriptions.pop()!.dispose();
  }
}

/** Same document, handler, Mermaid text and node map (line numbers aside): the SVG would not change. */
export function sameDrawing(a: Omit<RenderParams, 'seq'>, b: Omit<RenderParams, 'seq'>): boolean {
  if (a.documentUri !== b.documentUri || a.handler !== b.handler || a.mermaid !== b.mermaid || a.nodes.length !== b.nodes.length) return false;
  if (a.handlers.map((h) => h.name).join('\u0000') !== b.handlers.map((h) => h.name).join('\u0000')) return false;
  return a.nodes.every((n, i) => {
    const m = b.nodes[i]!;
    return n.id === m.id && n.mermaidId === m.mermaidId && n.name === m.name && n.kind === m.kind && n.file === m.file && n.cluster === m.cluster;
  });
}
