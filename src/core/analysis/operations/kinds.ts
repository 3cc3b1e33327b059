// Core (pure): the ONE table of durable operation kinds (the SDK method names) and what each does with its
// callback; the recogniser, the operation tree, the rules and the diagram all read it from here.

/** The SDK method names; also the operation kinds of the `graph` CLI contract. */
export type OperationKind =
  | 'step'
  | 'wait'
  | 'waitForCallback'
  | 'createCallback'
  | 'waitForCondition'
  | 'invoke'
  | 'runInChildContext'
  | 'parallel'
  | 'map'
  | 'promise.all'
  | 'promise.allSettled'
  | 'promise.any'
  | 'promise.race';

/**
 * What the SDK does with the function an operation is given: 'checkpointed' runs once and its result is
 * stored (step, the waitForCallback submitter, the waitForCondition check); 'child' runs in a child context
 * that is replayed until it completes (runInChildContext, each map item, each parallel branch).
 */
export type CallbackMode = 'checkpointed' | 'child' | 'none';

export interface OperationKindInfo {
  readonly kind: OperationKind;
  /** The method as called on the context (`all` for `context.promise.all`). */
  readonly method: string;
  /** Called on `context.promise` rather than on the context. */
  readonly onPromise: boolean;
  readonly callback: CallbackMode;
  /**
   * When the SDK gives the operation its number: at the call, or (the lazy `context.promise.*`
   * combinators) at the first `await`/`then` of the promise (DURABLE-API.md).
   */
  readonly numbered: 'call' | 'firstAwait';
}

const TABLE: readonly OperationKindInfo[] = [
  { kind: 'step', method: 'step', onPromise: false, callback: 'checkpointed', numbered: 'call' },
  { kind: 'wait', method: 'wait', onPromise: false, callback: 'none', numbered: 'call' },
  { kind: 'waitForCallback', method: 'waitForCallback', onPromise: false, callback: 'checkpointed', numbered: 'call' },
  { kind: 'createCallback', method: 'createCallback', onPromise: false, callback: 'none', numbered: 'call' },
  { kind: 'waitForCondition', method: 'waitForCondition', onPromise: false, callback: 'checkpointed', numbered: 'call' },
  { kind: 'invoke', method: 'invoke', onPromise: false, callback: 'none', numbered: 'call' },
  { kind: 'runInChildContext', method: 'runInChildContext', onPromise: false, callback: 'child', numbered: 'call' },
  { kind: 'parallel', method: 'parallel', onPromise: false, callback: 'child', numbered: 'call' },
  { kind: 'map', method: 'map', onPromise: false, callback: 'child', numbered: 'call' },
  { kind: 'promise.all', method: 'all', onPromise: true, callback: 'none', numbered: 'firstAwait' },
  { kind: 'promise.allSettled', method: 'allSettled', onPromise: true, callback: 'none', numbered: 'firstAwait' },
  { kind: 'promise.any', method: 'any', onPromise: true, callback: 'none', numbered: 'firstAwait' },
  { kind: 'promise.race', method: 'race', onPromise: true, callback: 'none', numbered: 'firstAwait' },
];

export const OPERATION_KINDS: readonly OperationKind[] = TABLE.map((t) => t.kind);
export const OPERATION_KIND_SET: ReadonlySet<string> = new Set(OPERATION_KINDS);

/** Methods called on the context itself (`context.step`) → kind. */
export const CONTEXT_METHODS: ReadonlyMap<string, OperationKind> = new Map(TABLE.filter((t) => !t.onPromise).map((t) => [t.method, t.kind]));
/** Methods called on `context.promise` → kind. */
export const PROMISE_METHODS: ReadonlyMap<string, OperationKind> = new Map(TABLE.filter((t) => t.onPromise).map((t) => [t.method, t.kind]));
/** Methods whose function arguments the SDK calls back (so those functions are not helpers of their own). */
export const CALLBACK_METHOD_NAMES: ReadonlySet<string> = new Set(TABLE.filter((t) => t.callback !== 'none').map((t) => t.method));

const INFO: ReadonlyMap<string, OperationKindInfo> = new Map(TABLE.map((t) => [t.kind, t]));

export function kindInfo(kind: OperationKind): OperationKindInfo {
  return INFO.get(kind)!;
}

export function isOperationKind(s: string): s is OperationKind {
  return OPERATION_KIND_SET.has(s);
}

/** Kinds whose callback is checkpointed (runs once). */
export const CHECKPOINTED_KINDS: ReadonlySet<OperationKind> = new Set(TABLE.filter((t) => t.callback === 'checkpointed').map((t) => t.kind));
/** Kinds whose callback runs in a child context (replayed until it completes). */
export const CHILD_CONTEXT_KINDS: ReadonlySet<OperationKind> = new Set(TABLE.filter((t) => t.callback === 'child').map((t) => t.kind));
/** The lazy combinators (`context.promise.*`): numbered at their first await, never run when not awaited. */
export const COMBINATOR_KINDS: ReadonlySet<OperationKind> = new Set(TABLE.filter((t) => t.onPromise).map((t) => t.kind));

/** Syntactic gate: could a member call named `name` (on `x` or on `x.promise`) be an operation? */
export function mayBeOperationMethod(name: string): boolean {
  return CONTEXT_METHODS.has(name) || PROMISE_METHODS.has(name);
}
