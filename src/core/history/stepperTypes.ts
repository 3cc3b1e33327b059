// Core (pure): the shapes of a position in a recorded execution — the state of every operation after a given
// event. stepper.ts computes them (incrementally: moving one event costs O(changes), not O(history)).
import type { RecordedError, RecordedPayload } from './record';

/** How an operation stands after the events up to the current position. */
export type StepState =
  | 'notStarted'
  | 'running'
  /** Waiting on a timer (wait, a retry delay, waitForCondition's next check), a callback or an invoked function. */
  | 'waiting'
  | 'succeeded'
  | 'failed'
  /** An attempt failed and another is scheduled (state until the next attempt starts). */
  | 'retrying';

export interface OperationStateAt {
  readonly operationId: string;
  readonly state: StepState;
  readonly waitingOn?: 'timer' | 'callback' | 'invoke' | 'retry';
  /** Attempts started so far (steps, waitForCondition checks). */
  readonly attempts: number;
  readonly result?: RecordedPayload;
  readonly error?: RecordedError;
  /** How a `failed` operation ended when it was not a plain failure (added by the stepper; absent otherwise). */
  readonly outcome?: 'timedOut' | 'stopped' | 'cancelled';
  /** ISO times of the operation's first event and of its last event so far. */
  readonly startedAt?: string;
  readonly lastEventAt?: string;
}

/** Where the stepper stands: after event `eventIndex` (-1: before the first event). */
export interface StepPosition {
  readonly eventIndex: number;
  /** 0-based invocation the event belongs to (-1 before the first). */
  readonly invocation: number;
  /** The operation the current event belongs to, when it belongs to one. */
  readonly operationId: string | undefined;
}
