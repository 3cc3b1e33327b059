// Pure (shared by the extension host and the replay webview): the messages of the replay panel — the view sent
// once per record (events, timeline groups, waterfall, drift), the small position update sent per move (the
// changed operations' states and the details of the current one), and the webview's commands.
import type { StepState } from '../../core/history/stepperTypes';

export const REPLAY_VIEW_TYPE = 'durableLens.replay';

export type StepAction =
  | 'stepInto'
  | 'stepOver'
  | 'stepOut'
  | 'stepBack'
  | 'nextInvocation'
  | 'previousInvocation'
  | 'nextFailure'
  | 'previousFailure'
  | 'nextRetry'
  | 'previousRetry'
  | 'nextProblem'
  | 'previousProblem'
  | 'first'
  | 'last';

export interface ReplayEventRow {
  readonly index: number;
  readonly eventId: number;
  /** `StepFailed`, `InvocationCompleted` … (untrusted: from the history). */
  readonly type: string;
  /** The operation's name or kind, or '' for execution/invocation events. */
  readonly label: string;
  /** Time since the execution's start ("+1.25 s"), '' when unknown. */
  readonly time: string;
  readonly operationId: string | null;
  /** The state the event gave its operation ('' for events of no operation). */
  readonly tone: StepState | 'execution' | 'invocation' | 'problem' | '';
  readonly depth: number;
}

export interface ReplayGroupRow {
  readonly index: number;
  readonly firstEvent: number;
  readonly lastEvent: number;
  readonly completed: boolean;
  /** "Invocation 3 · 12 events · 1.2 s" or "After the last invocation". */
  readonly label: string;
  readonly failures: number;
  readonly retries: number;
  readonly error: string | null;
}

export interface ReplaySpanView {
  readonly kind: 'running' | 'waiting' | 'retryDelay';
  readonly startMs: number;
  readonly endMs: number;
  readonly open: boolean;
  readonly startEvent: number;
}

export interface ReplayWaterfallRow {
  readonly operationId: string;
  readonly label: string;
  readonly kind: string;
  readonly depth: number;
  readonly concurrent: boolean;
  readonly firstEvent: number;
  readonly spans: readonly ReplaySpanView[];
}

export interface ReplayDriftView {
  readonly message: string;
  readonly breaksReplay: boolean;
  readonly operationId: string | null;
}

/** The tones an event row can have, by index in `ReplayEventColumns.tone`. */
export const EVENT_TONES: readonly ReplayEventRow['tone'][] = ['', 'notStarted', 'running', 'waiting', 'succeeded', 'failed', 'retrying', 'execution', 'invocation', 'problem'];
/** The span kinds, by index in a waterfall row's flat spans. */
export const SPAN_KINDS: readonly ReplaySpanView['kind'][] = ['running', 'waiting', 'retryDelay'];
/** Numbers per span in `ReplayWaterfallColumns.spans`: kind index, startMs, endMs, open (0/1), startEvent. */
export const SPAN_STRIDE = 5;

/** The operations events and waterfall rows refer to by index (column per field). */
export interface ReplayOperationColumns {
  readonly ids: readonly string[];
  /** The operation's name or kind (untrusted). */
  readonly labels: readonly string[];
  /** Depth in the operation tree, 0 at the top level. */
  readonly depths: readonly number[];
}

/**
 * One column per field, strings interned in tables: the timeline reads a row when it draws it. As one object per
 * event a 10,000-event history's view was 2.6 MB to build, send and parse before the first paint.
 */
export interface ReplayEventColumns {
  readonly count: number;
  /** Event types seen (untrusted: from the history); `type[i]` indexes it. */
  readonly types: readonly string[];
  readonly type: readonly number[];
  /** Index into the operations, -1 for an event of no operation. */
  readonly op: readonly number[];
  /** Index into EVENT_TONES. */
  readonly tone: readonly number[];
  /** Each event's EventId; null when it is index + 1 throughout (the usual history). */
  readonly eventIds: readonly number[] | null;
}

/** The waterfall rows as sent: one column per field, the spans of row r flat in spans[spanAt[r]..spanAt[r+1]). */
export interface ReplayWaterfallColumns {
  readonly count: number;
  /** Index into the operations. */
  readonly op: readonly number[];
  /** Labels that differ from the operation's, by row. */
  readonly labels: Readonly<Record<number, string>>;
  readonly kinds: readonly string[];
  readonly kind: readonly number[];
  readonly depth: readonly number[];
  /** 1: a sibling ran at the same time. */
  readonly concurrent: readonly number[];
  readonly firstEvent: readonly number[];
  /** SPAN_STRIDE numbers per span: kind index, startMs, endMs, open (0/1), startEvent. */
  readonly spans: readonly number[];
  readonly spanAt: readonly number[];
}

/** What the page keeps with setState, so a reload restores the same execution at the same event. */
export interface ReplaySavedState {
  readonly collapsed?: number[];
  readonly key?: string;
  readonly title?: string;
  readonly eventIndex?: number;
  readonly handlerFile?: string | null;
  readonly handler?: string | null;
}

export interface ReplayView {
  readonly title: string;
  /** What a restored panel needs to load this execution again (ReplaySavedState). */
  readonly restore: { readonly key: string; readonly handlerFile: string | null; readonly handler: string | null };
  readonly status: string;
  readonly running: boolean;
  readonly operations: ReplayOperationColumns;
  readonly events: ReplayEventColumns;
  readonly groups: readonly ReplayGroupRow[];
  /** eventMs: each event's time since the start (null when unknown); rows' spans are in the same ms. */
  readonly waterfall: { readonly rows: ReplayWaterfallColumns; readonly totalMs: number; readonly eventMs: readonly (number | null)[] };
  readonly drift: readonly ReplayDriftView[];
  /** Why the panel steps without code (no handler found, the mapping failed); null when mapped. */
  readonly noCode: string | null;
  /** "handler.ts#handler" the history was mapped onto, when it was. */
  readonly handler: string | null;
  /** "12 of 14 operations match the code". */
  readonly fit: string | null;
  readonly problems: readonly string[];
}

/** Time since the execution's start as the timeline shows it ("+1.25 s"), '' when unknown. */
export function eventTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  return `+${formatElapsed(ms) || '0 ms'}`;
}

export function formatElapsed(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** Event `i` of the view as a row (what the timeline draws). */
export function eventRow(view: ReplayView, i: number): ReplayEventRow {
  const e = view.events;
  const o = e.op[i] ?? -1;
  return {
    index: i,
    eventId: e.eventIds ? (e.eventIds[i] ?? i + 1) : i + 1,
    type: e.types[e.type[i] ?? -1] ?? '',
    label: o >= 0 ? (view.operations.labels[o] ?? '') : '',
    time: eventTime(view.waterfall.eventMs[i]),
    operationId: o >= 0 ? (view.operations.ids[o] ?? null) : null,
    tone: EVENT_TONES[e.tone[i] ?? 0] ?? '',
    depth: o >= 0 ? (view.operations.depths[o] ?? 0) + 1 : 0,
  };
}

/** The waterfall rows of the view, unpacked. */
export function waterfallRows(view: ReplayView): ReplayWaterfallRow[] {
  return Array.from({ length: view.waterfall.rows.count }, (_, r) => waterfallRow(view, r));
}

/** Waterfall row `r` of the view, unpacked (the webview reads only the rows it draws). */
export function waterfallRow(view: ReplayView, r: number): ReplayWaterfallRow {
  const ops = view.operations;
  const w = view.waterfall.rows;
  const spans: ReplaySpanView[] = [];
  const end = w.spanAt[r + 1] ?? w.spans.length;
  for (let k = w.spanAt[r] ?? end; k + SPAN_STRIDE <= end; k += SPAN_STRIDE) {
    spans.push({ kind: SPAN_KINDS[w.spans[k]!] ?? 'running', startMs: w.spans[k + 1]!, endMs: w.spans[k + 2]!, open: w.spans[k + 3] === 1, startEvent: w.spans[k + 4]! });
  }
  const o = w.op[r] ?? -1;
  return {
    operationId: ops.ids[o] ?? '',
    label: w.labels[r] ?? ops.labels[o] ?? '',
    kind: w.kinds[w.kind[r] ?? -1] ?? '',
    depth: w.depth[r] ?? 0,
    concurrent: w.concurrent[r] === 1,
    firstEvent: w.firstEvent[r] ?? -1,
    spans,
  };
}

export interface ReplayOperationState {
  readonly id: string;
  readonly state: StepState;
  readonly waitingOn: string | null;
  readonly attempts: number;
}

export interface ReplayDetails {
  readonly operationId: string;
  readonly title: string;
  readonly kind: string;
  readonly state: StepState;
  readonly stateText: string;
  readonly attempts: number;
  readonly startedAt: string | null;
  readonly lastEventAt: string | null;
  readonly duration: string | null;
  readonly input: string | null;
  readonly result: string | null;
  readonly error: string | null;
  readonly stack: readonly string[];
  readonly retries: readonly string[];
  /** The call site as `file:line` (workspace-relative), with what the reveal command needs. */
  readonly callSite: { readonly label: string; readonly file: string; readonly line: number; readonly column: number } | null;
  readonly drift: string | null;
  readonly event: { readonly index: number; readonly type: string; readonly time: string | null };
}

export interface ReplayPosition {
  readonly seq: number;
  readonly eventIndex: number;
  readonly invocation: number;
  readonly operationId: string | null;
  /** Operations whose state changed (all of them after a new view). */
  readonly changed: readonly ReplayOperationState[];
  readonly details: ReplayDetails | null;
  /** Details of the execution when the event is not an operation's (start, end, an invocation). */
  readonly executionNote: string | null;
  readonly playing: boolean;
  readonly eventsPerSecond: number;
  readonly follow: boolean;
}

export type HostNotification =
  | { readonly type: 'view'; readonly seq: number; readonly view: ReplayView }
  | ({ readonly type: 'position' } & ReplayPosition)
  | { readonly type: 'notice'; readonly message: string; readonly error?: boolean };

export type WebviewCommand =
  | { readonly type: 'ready' }
  | { readonly type: 'move'; readonly to: number }
  | { readonly type: 'step'; readonly action: StepAction }
  | { readonly type: 'play'; readonly playing: boolean }
  | { readonly type: 'speed'; readonly eventsPerSecond: number }
  | { readonly type: 'follow'; readonly on: boolean }
  | { readonly type: 'revealSource'; readonly operationId: string }
  | { readonly type: 'drawn'; readonly seq: number; readonly ms: number };

/** What the page shows, for the state command (tests, bug reports). */
export interface ReplaySnapshot {
  readonly seq: number;
  readonly eventIndex: number;
  readonly currentRowText: string | null;
  readonly eventRowsInDom: number;
  readonly timelineItems: number;
  readonly waterfallRowsInDom: number;
  readonly details: string | null;
  readonly notes: readonly string[];
  readonly scrubber: { readonly value: number; readonly max: number };
}

export interface HostRequests {
  readonly snapshot: { params: Record<string, never>; result: ReplaySnapshot };
}

export type WebviewRequests = Record<string, never>;

/** Playback speeds offered (events per second); 0.5x–8x of the default 2 events/s. */
export const SPEEDS: readonly number[] = [1, 2, 4, 8, 16];
export const DEFAULT_EVENTS_PER_SECOND = 2;
