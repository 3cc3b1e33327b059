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

export interface ReplayView {
  readonly title: string;
  readonly status: string;
  readonly running: boolean;
  readonly events: readonly ReplayEventRow[];
  readonly groups: readonly ReplayGroupRow[];
  readonly waterfall: { readonly rows: readonly ReplayWaterfallRow[]; readonly totalMs: number; readonly eventMs: readonly (number | null)[] };
  readonly drift: readonly ReplayDriftView[];
  /** Why the panel steps without code (no handler found, the mapping failed); null when mapped. */
  readonly noCode: string | null;
  /** "handler.ts#handler" the history was mapped onto, when it was. */
  readonly handler: string | null;
  /** "12 of 14 operations match the code". */
  readonly fit: string | null;
  readonly problems: readonly string[];
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
