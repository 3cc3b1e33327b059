// Extension host: the one stepping session the replay panel drives and the editor and diagram follow. The panel
// (panel.ts) owns and moves it; editor decorations, the workflow diagram's state classes and the callback
// actions at call sites listen to it. Only the interface and the registry live here.
import * as vscode from 'vscode';
import type { HistoryMapping } from '../../core/history/mappingTypes';
import type { ExecutionRecord } from '../../core/history/record';
import type { OperationStateAt, StepPosition } from '../../core/history/stepperTypes';
import type { ExecutionSource } from '../executions/source';

export interface ReplayMove {
  readonly position: StepPosition;
  /** Operations whose state changed with this move (all of them on a jump or a new record). */
  readonly changed: readonly string[];
}

export interface ReplaySession {
  /** Stable for the panel's life (a reopened execution gets a new session). */
  readonly id: string;
  readonly label: string;
  /** The current recording (replaced as a live execution grows; onDidChangeRecord fires). */
  readonly record: ExecutionRecord;
  /** The recording mapped onto the handler's code; undefined when no handler source was found. */
  readonly mapping: HistoryMapping | undefined;
  /** The handler file the mapping was made against. */
  readonly handlerFile: string | undefined;
  /** Where the execution came from: callbacks can be completed when it supports it. */
  readonly source: ExecutionSource | undefined;
  readonly position: StepPosition;
  /** The state of every recorded operation at the current position. */
  stateOf(operationId: string): OperationStateAt | undefined;
  allStates(): ReadonlyMap<string, OperationStateAt>;
  /** Move to an event (clamped to the history). */
  moveTo(eventIndex: number): void;
  readonly onDidMove: vscode.Event<ReplayMove>;
  /** The record or mapping changed (live events arrived, the code was edited). */
  readonly onDidChangeRecord: vscode.Event<void>;
  readonly onDidDispose: vscode.Event<void>;
}

const changed = new vscode.EventEmitter<ReplaySession | undefined>();
let active: ReplaySession | undefined;

/** The session the editor and diagram follow: the one in the most recently focused replay panel. */
export function activeReplaySession(): ReplaySession | undefined {
  return active;
}

export const onDidChangeActiveReplaySession: vscode.Event<ReplaySession | undefined> = changed.event;

export function setActiveReplaySession(session: ReplaySession | undefined): void {
  if (session === active) return;
  active = session;
  void vscode.commands.executeCommand('setContext', 'durableLens.replayActive', !!session);
  changed.fire(session);
}
