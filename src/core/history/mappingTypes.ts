// Core (pure): the shapes of a history mapped onto code — which call site produced each recorded operation,
// what no longer matches, and where the SDK would refuse to resume. mapping.ts builds them (one walk of the
// operation tree in the SDK's numbering order, guided by the recorded paths); the stepper, the replay-mismatch
// rule, the CLI's `history --source` and `check --against-history` all read them.
import type { OperationNode, OperationTree } from '../analysis/operationTree';
import type { ExecutionRecord, OperationKind as RecordedKind, OperationType } from './record';

/** What changed between the recording and the code, for one recorded operation (or one code operation). */
export type DriftKind =
  /** Same kind at the same position, another name. */
  | 'renamed'
  /** Another kind (or SubType) of operation at the same position. */
  | 'kind-changed'
  /** The code has an operation before this one that the recording did not: later numbers shift. */
  | 'inserted'
  /** The recorded operation's call site is gone (nothing in the code at its position, or later ones moved up). */
  | 'removed'
  /** The recorded operation exists in the code, at another position in its context. */
  | 'reordered'
  /** Nothing in the code explains it (no context there, path unknown, dynamic code the analysis cannot follow). */
  | 'unmapped';

export interface RecordedShape {
  readonly kind: RecordedKind;
  readonly type: OperationType;
  readonly subType: string | undefined;
  readonly name: string | undefined;
}

export interface Drift {
  readonly kind: DriftKind;
  /** The recorded operation's Id (absent for an `inserted` code operation that has no recorded counterpart). */
  readonly operationId?: string;
  /** Its path ("3-1-2"), when known. */
  readonly path?: string;
  readonly recorded?: RecordedShape;
  /** The call site now at that position (renamed, kind-changed, inserted) or where it moved (reordered). */
  readonly node?: OperationNode;
  /**
   * When breaksReplay: the call the SDK compares this recorded id with on resume (the code operation now
   * at that number), the one to underline. replayMismatches puts it in `node`.
   */
  readonly replayNode?: OperationNode;
  /**
   * Resuming this execution with the current code would raise NonDeterministicExecutionError here: the SDK
   * compares type, then name, then SubType per id it replays (not for waitForCondition). False for drift the
   * SDK does not notice (e.g. an operation after the last recorded one, or a removed trailing operation).
   */
  readonly breaksReplay: boolean;
  /** One sentence for a person: what was recorded, what the code does now. Untrusted names are quoted as data. */
  readonly message: string;
}

/** One recorded operation and the call site that produced it. */
export interface OperationMatch {
  readonly operationId: string;
  readonly path: string | undefined;
  /**
   * The call site. For the parts the SDK creates inside one call it is that call: a map item or parallel
   * branch maps to the map/parallel call (with `index`), a waitForCallback's callback and submitter to the
   * waitForCallback call (with `role`). Undefined when unmapped.
   */
  readonly node: OperationNode | undefined;
  readonly role?: 'operation' | 'item' | 'branch' | 'callback' | 'submitter';
  /** Map item / parallel branch index (0-based). */
  readonly index?: number;
  /** For a call site inside a loop: which run of it this is within its context instance (0-based). */
  readonly iteration?: number;
  /** Set when this operation no longer matches the code. */
  readonly drift?: Drift;
}

export interface HistoryMapping {
  readonly tree: OperationTree;
  /** Every recorded operation by Id: mapped, drifted or unmapped; none is left out. */
  readonly matches: ReadonlyMap<string, OperationMatch>;
  /** Recorded operation ids per call site, in history order (a loop's call site has several). */
  readonly byNode: ReadonlyMap<OperationNode, readonly string[]>;
  /** Everything that no longer matches, in history order (code-only `inserted` entries included). */
  readonly drift: readonly Drift[];
  /** How well the history fits this tree: recorded operations matched without drift, out of all. */
  readonly fit: { readonly matched: number; readonly total: number };
}

/** The signature of mapping.ts's `mapHistory`. Pure, never throws; cost linear in the history and the tree. */
export type MapHistory = (record: ExecutionRecord, tree: OperationTree) => HistoryMapping;

/** Which of several handlers a history belongs to (the one whose tree it fits). */
export type HandlerChoice =
  | { readonly kind: 'fits'; readonly mapping: HistoryMapping }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly HistoryMapping[] }
  | { readonly kind: 'none'; readonly best?: HistoryMapping };
