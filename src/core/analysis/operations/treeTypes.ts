// Core (pure): the shapes of the operation tree (operationTree.ts builds it): contexts as the SDK numbers them,
// the operations in each, and the control structures around them.
import type * as ts from 'typescript';
import type { DurableFunction } from '../model';
import type { DurableOperationCall } from '../operations';
import type { OperationKind } from './kinds';

/** root: the handler's context; child: runInChildContext; item: one map item; branch: one parallel branch;
 * callback: a function the SDK runs as checkpointed code (a waitForCallback submitter, a step function). */
export type ContextKind = 'root' | 'child' | 'item' | 'branch' | 'callback';

export interface OperationContextNode {
  readonly kind: ContextKind;
  /** The operation that opened this context (null for the root). */
  readonly owner: OperationNode | null;
  /** The function whose body runs in the context (the handler, a child/item/branch/callback function). */
  readonly fn: ts.FunctionLikeDeclaration | undefined;
  /** parallel: the branch's index (0-based) and its name when written (`{ name, func }`). */
  readonly index?: number;
  readonly name?: string | null;
  /** map items: one context per item at run time. */
  readonly repeatable: boolean;
  /** Operations started in this context, in call order (the order the SDK numbers them). */
  readonly operations: OperationNode[];
}

/** A control structure around operations, within one context. */
export interface StructureNode {
  readonly kind: 'branch' | 'loop' | 'try' | 'catch' | 'finally';
  /** `if x`, `switch s`, `x ?`, `x &&`, `for … of …`, `items.forEach`, `try`, `catch (e)`. */
  readonly label: string;
  /** branch: which way (`yes`, `no`, `case 'a'`, `default`). */
  readonly path?: string;
  readonly node: ts.Node;
  readonly parent: Enclosing | null;
  /** loop: an array callback whose promises nobody awaits (`items.forEach(async …)`): the bodies run concurrently. */
  readonly floating?: boolean;
}

export type Enclosing = StructureNode | OperationNode;

export interface OperationNode {
  readonly type: 'operation';
  readonly kind: OperationKind;
  /** The name as written (a template literal without its backticks), or null when unnamed. */
  readonly name: string | null;
  /** The name's value when it is a constant (`step(NAME, fn)` with `const NAME = 'charge'`). */
  readonly nameValue?: string;
  readonly call: ts.CallExpression;
  readonly op: DurableOperationCall;
  readonly file: string;
  readonly start: number;
  readonly end: number;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  readonly context: OperationContextNode;
  /** The innermost enclosing structure or operation in the same context; null at the context's top. */
  readonly parent: Enclosing | null;
  /**
   * 1-based position in the context's call order; the SDK's number when every operation before it in the
   * context ran exactly once. Undefined for a combinator that is never awaited (it never runs).
   */
  readonly order: number | undefined;
  /** The SDK's number, when it does not depend on run-time choices (no branch, loop or catch before or around). */
  readonly sdkNumber: number | undefined;
  /** Inside a loop of its context: one call site, several numbers at run time. */
  readonly repeatable: boolean;
  /** Helpers between the context's function and the call site (`['chargeCard']`). */
  readonly via: readonly string[];
  /** The contexts this operation opens (child body, map item, parallel branches, waitForCallback submitter, step function). */
  readonly children: OperationContextNode[];
  /** Not reached from the handler's flow (in a function that is never called): kept so it is never lost. */
  readonly unreached?: boolean;
}

export interface OperationTree {
  readonly handler: DurableFunction;
  readonly root: OperationContextNode;
  /** Every operation, in walk order (pre-order over contexts). */
  readonly operations: readonly OperationNode[];
  /** Operation nodes by call site (a helper expanded twice has two nodes for one call). */
  readonly byCall: ReadonlyMap<ts.CallExpression, readonly OperationNode[]>;
  /** Calls the walk followed into a helper, with the helper. */
  readonly helperCalls: ReadonlyMap<ts.CallExpression | ts.NewExpression, ts.FunctionLikeDeclaration>;
  /** Calls that hand a context to code the walk did not follow (shown as dynamic by the diagram). */
  readonly contextCalls: ReadonlySet<ts.CallExpression>;
}
