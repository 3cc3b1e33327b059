// Pure (no vscode, no DOM): the message protocol between the execution panel host and its webview, the view
// model it carries, and the callback-payload check both sides run. Imported by src/extension/executions (host)
// and webview/execution (browser): type-only imports and small pure functions only.
import type { RequestOf } from '../shared/ipc';

/** The view type registered for the panel and its serializer (`onWebviewPanel:` activation). */
export const EXECUTION_VIEW_TYPE = 'durableLens.execution';

/** How a status is drawn (icon and colour); the text shown is always the status itself. */
export type StatusTone = 'running' | 'waiting' | 'succeeded' | 'failed' | 'stopped' | 'timedOut' | 'cancelled' | 'unknown';

/** A payload as the view shows it: a one-line preview; the whole text opens as a document by `ref`. */
export interface PayloadView {
  readonly ref: string;
  /** At most PREVIEW_CHARS characters, on one line. Untrusted: textContent only. */
  readonly preview: string;
  /** Length of the whole payload text. */
  readonly chars: number;
  /** Lambda cut the payload short (the history holds only its beginning). */
  readonly truncated?: boolean;
}

export interface ErrorView extends PayloadView {
  readonly type?: string;
  readonly message?: string;
}

export interface SummaryView {
  readonly title: string;
  readonly status: string;
  readonly tone: StatusTone;
  readonly arn?: string;
  /** From the ARN's qualifier ($LATEST, a version number) or what the source says. */
  readonly version?: string;
  readonly functionName?: string;
  readonly executionName?: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly input?: PayloadView;
  readonly result?: PayloadView;
  readonly error?: ErrorView;
  readonly eventCount: number;
  readonly operationCount: number;
  readonly invocationCount: number;
}

/** One operation in the tree, in depth-first order; `depth` 0 for top-level operations. */
export interface OperationView {
  readonly id: string;
  readonly parentId: string | null;
  readonly depth: number;
  /** The SDK method kind (step, wait, map, …) or the API type when the kind is unknown. */
  readonly kind: string;
  readonly name: string | null;
  readonly status: string;
  readonly tone: StatusTone;
  readonly attempts: number;
  readonly durationMs?: number;
  readonly startedAt?: string;
  /** Result or error, one line. */
  readonly preview?: string;
  readonly previewIsError?: boolean;
  readonly resultRef?: string;
  readonly errorRef?: string;
  readonly inputRef?: string;
  /** Set while a callback waits: the actions to complete it are offered. */
  readonly pendingCallbackId?: string;
  readonly childCount: number;
  /** Index (into the events list) of the operation's first event, to jump there. */
  readonly firstEvent?: number;
}

/** One raw event, one row. */
export interface EventView {
  readonly index: number;
  readonly eventId: number;
  readonly type: string;
  readonly subType?: string;
  readonly name?: string;
  readonly operationId?: string;
  readonly time: string;
  /** Offset from the execution's start, ms. */
  readonly offsetMs?: number;
  /** The details, one line, at most PREVIEW_CHARS. */
  readonly detail: string;
  readonly tone?: StatusTone;
}

/** The actions the source supports; the webview hides the others. */
export interface ActionsView {
  readonly refresh: boolean;
  readonly stop: boolean;
  readonly callbacks: boolean;
  readonly heartbeat: boolean;
  readonly copyArn: boolean;
  readonly openConsole: boolean;
  readonly export: boolean;
  readonly openHandler: boolean;
}

export interface ExecutionView {
  readonly key: string;
  readonly summary: SummaryView;
  readonly operations: readonly OperationView[];
  readonly events: readonly EventView[];
  readonly actions: ActionsView;
  readonly running: boolean;
  /** Things in the history that did not add up (unknown events, orphans): shown, never fatal. */
  readonly problems: readonly string[];
}

export const PREVIEW_CHARS = 160;

/** Notifications host -> webview. */
export type HostNotification =
  | { readonly type: 'view'; readonly seq: number; readonly view: ExecutionView; readonly loadedAt: string }
  | { readonly type: 'loading'; readonly busy: boolean }
  /** The last load failed: the previous view (if any) stays, with this note. `null` clears it. */
  | { readonly type: 'loadError'; readonly message: string | null }
  /** The outcome of an action, shown in the panel's status line. */
  | { readonly type: 'notice'; readonly message: string; readonly error?: boolean }
  | { readonly type: 'refreshSchedule'; readonly nextInMs: number | null };

/** Commands webview -> host. */
export type WebviewCommand =
  | { readonly type: 'ready' }
  | { readonly type: 'drawn'; readonly seq: number; readonly ms: number; readonly operations: number; readonly events: number }
  | { readonly type: 'refresh' }
  | { readonly type: 'openPayload'; readonly ref: string }
  | { readonly type: 'stop' }
  | { readonly type: 'completeCallback'; readonly callbackId: string; readonly outcome: 'success' | 'failure' }
  | { readonly type: 'heartbeat'; readonly callbackId: string }
  | { readonly type: 'copyArn' }
  | { readonly type: 'openConsole' }
  | { readonly type: 'export' }
  | { readonly type: 'openHandler' }
  /** Opens the replay panel on this execution (src/extension/replay). */
  | { readonly type: 'stepThrough' };

export interface ExecutionViewSnapshot {
  readonly seq: number;
  readonly tab: ViewTab;
  readonly title: string;
  readonly status: string;
  /** Text of the operation rows in the DOM (the visible window of the tree). */
  readonly operationRows: readonly string[];
  readonly operationRowsTotal: number;
  readonly eventRowsInDom: number;
  readonly eventRowsTotal: number;
  readonly firstEventInDom: number | null;
  readonly buttons: readonly string[];
  readonly note: string | null;
}

/** Requests the host sends to the webview. */
export interface HostRequests {
  /** Test and diagnostics aid: what the webview shows. */
  snapshot: { params: Record<string, never>; result: ExecutionViewSnapshot };
}

/** Requests the webview sends to the host (none yet: actions are commands, their outcome a notice). */
export interface WebviewRequests {
  ping: { params: Record<string, never>; result: { ok: true } };
}

export type HostToWebview = HostNotification | RequestOf<HostRequests>;

export type ViewTab = 'operations' | 'events';

/** UI state the webview keeps with setState; the serializer hands it back after a reload. */
export interface ExecutionViewState {
  readonly key?: string;
  readonly title?: string;
  readonly tab?: ViewTab;
  /** Operations the user collapsed (everything starts expanded). */
  readonly collapsed?: readonly string[];
  readonly selectedOperation?: string | null;
  readonly selectedEvent?: number | null;
  readonly operationsScroll?: number;
  readonly eventsScroll?: number;
}

export type CallbackPayloadCheck = { readonly ok: true; readonly json: string } | { readonly ok: false; readonly message: string };

/** Lambda's limit for a callback result (256 KB). */
export const MAX_CALLBACK_PAYLOAD_BYTES = 256 * 1024;

/**
 * Checks a callback success payload before it is sent: it must be JSON (the SDK parses it with JSON.parse on
 * the other side), and within Lambda's size limit. Empty text means "no result" and sends `null`.
 */
export function checkCallbackPayload(text: string): CallbackPayloadCheck {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, json: 'null' };
  try {
    JSON.parse(trimmed);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return { ok: false, message: `Not valid JSON: ${detail}. Strings need double quotes, e.g. "approved".` };
  }
  const bytes = utf8Length(trimmed);
  if (bytes > MAX_CALLBACK_PAYLOAD_BYTES) return { ok: false, message: `The payload is ${bytes} bytes; a callback result may be at most ${MAX_CALLBACK_PAYLOAD_BYTES} bytes.` };
  return { ok: true, json: trimmed };
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
