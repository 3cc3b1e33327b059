// Pure types (no vscode, no DOM): the message protocol between the workflow panel host and its webview.
// Imported by src/extension/workflow (host) and webview/workflow (browser), so it must stay import-free
// apart from type-only imports of other pure type files. The common part (requests, responses, the timeout)
// is the shared IPC protocol of every panel (src/extension/shared/ipc.ts).
import type { NodeKind } from '../../core/workflow/graph';
import type { IpcResponseMessage, RequestOf } from '../shared/ipc';

/** The view type registered for the panel and its serializer (`onWebviewPanel:` activation). */
export const WORKFLOW_VIEW_TYPE = 'durableLens.workflow';

export type Direction = 'TD' | 'LR';
export type ExportFormat = 'svg' | 'png';
export type MarkSeverity = 'error' | 'warning' | 'info';

/** A graph node as the webview needs it: how to find it in the SVG and how to describe it. */
export interface NodeInfo {
  /** The graph node id (stable across edits). */
  readonly id: string;
  /** The vertex id used in the Mermaid text (the SVG node's `data-id`). */
  readonly mermaidId: string;
  readonly kind: NodeKind;
  readonly name: string | null;
  /** 1-based line in `file` (or the rendered document when `file` is absent). */
  readonly line: number;
  /** Base name of the file when the node comes from a helper in another file. */
  readonly file?: string;
  /** The entry is a subgraph (a child context, parallel or map body) rather than a vertex. */
  readonly cluster?: boolean;
}

export interface DiagnosticMark {
  readonly nodeId: string;
  readonly severity: MarkSeverity;
  /** Untrusted text (may quote code): the webview shows it with textContent only. */
  readonly messages: readonly string[];
}

export interface HandlerInfo {
  readonly name: string;
  readonly line: number;
}

/** Everything the webview needs to draw one handler. Host-owned data, re-sent after every reload. */
export interface RenderParams {
  /** Increases with every render the host sends; the webview drops results older than the latest. */
  readonly seq: number;
  readonly documentUri: string;
  /** Base name of the document, for the title and export file names. */
  readonly fileName: string;
  readonly handlers: readonly HandlerInfo[];
  /** The handler drawn, or null when the file has none (then `mermaid` is empty and `message` says why). */
  readonly handler: string | null;
  readonly mermaid: string;
  readonly nodes: readonly NodeInfo[];
  readonly marks: readonly DiagnosticMark[];
  /** Node under the editor cursor, if any. */
  readonly highlight: string | null;
  /** Shown instead of a diagram (no handler in the file, inference failure). */
  readonly message?: string;
}

/** Notifications host -> webview. */
export type HostNotification =
  | ({ readonly type: 'render' } & RenderParams)
  | { readonly type: 'highlight'; readonly nodeId: string | null; readonly reveal: boolean }
  | { readonly type: 'marks'; readonly marks: readonly DiagnosticMark[] }
  /**
   * The code does not parse: keep the last good diagram and show this note. `null` clears it. `partial`: there
   * was no good diagram of this file yet, so the one drawn comes from the code that parses and may miss operations.
   */
  | { readonly type: 'parseError'; readonly message: string | null; readonly line?: number; readonly partial?: boolean }
  /** Stepping through a recorded execution: the state of each node at the stepper's position (null: stepping ended). */
  | { readonly type: 'replay'; readonly overlay: ReplayOverlay | null; readonly reveal: boolean };

/** How a diagram node stands at the stepper's position (the stepper's StepState, by node). */
export type ReplayNodeState = 'notStarted' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'retrying';

export interface ReplayNodeView {
  readonly nodeId: string;
  readonly state: ReplayNodeState;
  readonly waitingOn?: 'timer' | 'callback' | 'invoke' | 'retry';
  /** An attempt failed before, whatever the state now. */
  readonly retried?: boolean;
  /** Loop iterations / map items so far ("3/10", "×3"): drawn with textContent. */
  readonly badge?: string;
  /** Tooltip text (may quote untrusted names): textContent only. */
  readonly title?: string;
}

/** What the diagram shows while a replay session steps through the handler it draws. */
export interface ReplayOverlay {
  readonly sessionId: string;
  /** The execution's label (untrusted): textContent only. */
  readonly label: string;
  readonly nodes: readonly ReplayNodeView[];
  /** The node of the current event's operation. */
  readonly current: string | null;
}

/** Notifications webview -> host. */
export type WebviewNotification =
  | { readonly type: 'ready' }
  | {
      readonly type: 'rendered';
      readonly seq: number;
      readonly nodeCount: number;
      readonly ms: number;
      readonly layout: 'dagre' | 'elk';
      /** 'relabel': only labels changed and were rewritten in place; a full draw follows once typing pauses. */
      readonly mode?: 'full' | 'relabel';
      /** Where the time went: mermaid.parse, mermaid.render (layout + drawing), our binding after it. */
      readonly phases?: { readonly parse: number; readonly render: number; readonly bind: number };
    }
  | { readonly type: 'renderError'; readonly seq: number; readonly message: string }
  | { readonly type: 'nodeClicked'; readonly nodeId: string }
  | { readonly type: 'selectHandler'; readonly name: string }
  /** Copy the Mermaid text as drawn (with the direction the user picked). */
  | { readonly type: 'copyMermaid'; readonly text: string }
  /** A replay overlay was applied to the drawn SVG: the time it took (class toggles only, no draw). */
  | { readonly type: 'replayApplied'; readonly ms: number; readonly changed: number; readonly sessionId: string | null };

/** The result of an export: SVG text, or a PNG as base64 (no data: prefix). */
export interface ExportResult {
  readonly format: ExportFormat;
  readonly data: string;
  readonly suggestedName: string;
}

/** Requests the host sends to the webview (the webview replies with a `response`). */
export interface HostRequests {
  export: { params: { format: ExportFormat }; result: ExportResult };
  /** Test and diagnostics aid: what the webview currently shows. */
  snapshot: { params: Record<string, never>; result: ViewSnapshot };
}

/** Requests the webview sends to the host. */
export interface WebviewRequests {
  /** The webview produced an export from its toolbar; the host asks where to save it. */
  saveExport: { params: ExportResult; result: { saved: boolean; path?: string } };
}

export interface ViewSnapshot {
  readonly seq: number;
  readonly handler: string | null;
  readonly nodeCount: number;
  readonly labels: readonly string[];
  readonly highlighted: string | null;
  readonly marked: readonly string[];
  readonly zoom: number;
  /** The labels' font size in CSS px as drawn (before the zoom): on screen it is `labelPx * zoom`. */
  readonly labelPx: number;
  readonly direction: Direction;
  readonly note: string | null;
  /** While stepping: each node's state class and badge text, and the current node. */
  readonly replay?: { readonly states: Readonly<Record<string, string>>; readonly badges: Readonly<Record<string, string>>; readonly current: string | null } | null;
}

/** Zoom and pan the user chose for one handler (the default view is recomputed, never stored). */
export interface SavedView {
  readonly zoom: number;
  readonly panX: number;
  readonly panY: number;
}

/** A request as it travels (the shared IPC shape). */
export type RequestMessage<R> = RequestOf<R>;

/** A response as it travels (the shared IPC shape; a typed failure carries reason and message). */
export type ResponseMessage = IpcResponseMessage;

export type HostToWebview = HostNotification | RequestMessage<HostRequests> | ResponseMessage;
export type WebviewToHost = WebviewNotification | RequestMessage<WebviewRequests> | ResponseMessage;

/** UI state the webview keeps with setState (survives hide/reload; the serializer hands it back). */
export interface WorkflowViewState {
  readonly documentUri?: string;
  readonly handler?: string | null;
  /** Per handler (`documentUri` NUL handler name): a zoom is not carried to another graph. Most recent last. */
  readonly views?: Readonly<Record<string, SavedView>>;
  readonly direction?: Direction;
  /** 'auto' picks ELK above a node count; the user can force either. */
  readonly layout?: 'auto' | 'dagre' | 'elk';
}

/**
 * Above this many nodes the webview lays out with ELK instead of dagre (when layout is 'auto'). Measured in
 * headless Chromium (bench/render.ts, full draws, with the build's getConfig and sanitizer patches): dagre
 * is cheaper at 60 nodes, the two cost about the same at 132, ELK is ~15% cheaper at 300, and ELK keeps
 * subgraph titles apart where dagre overlaps them. Small handlers keep dagre's familiar look; the toolbar
 * can force either.
 */
export const ELK_THRESHOLD = 80;

/** The smallest label size (CSS px on screen) the default view may show; the e2e tests assert at least 11. */
export const READABLE_LABEL_PX = 12;

/** How many handlers' zoom the panel remembers. */
export const SAVED_VIEWS_MAX = 40;
