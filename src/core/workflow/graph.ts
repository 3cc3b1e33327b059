// Pure types: the workflow graph inferred from handler code. The JSON form is the `graph` CLI contract.

import type { OperationKind } from '../analysis/operations/kinds';

/** The operation kinds are the SDK method names, from the one table in core analysis. */
export type { OperationKind };

export type StructureKind = 'start' | 'end' | 'branch' | 'decision' | 'loop' | 'catch';

/** 'dynamic': a shape the inference could not follow (shown, never dropped). */
export type NodeKind = OperationKind | StructureKind | 'dynamic';

export interface WorkflowNode {
  /** Stable across edits that do not touch this operation. */
  readonly id: string;
  readonly kind: NodeKind;
  /** The operation's name as written (template literal without backticks), or null when unnamed. */
  readonly name: string | null;
  /** 1-based line of the call site (or the structure's keyword). */
  readonly line: number;
  /** Id of the innermost enclosing node (branch, decision, loop, catch or operation); null at top level. */
  readonly parent: string | null;
  /** File holding the call site (differs from the handler's file for helpers in other files). */
  readonly file?: string;
  /** 1-based column, and the source range as offsets, for linking to the editor. */
  readonly column?: number;
  readonly start?: number;
  readonly end?: number;
  /** Short extra text: step options, invoke target, waitForCallback timeout, why a node is dynamic. */
  readonly detail?: string;
  /**
   * Set on the extra node drawn where a createCallback's promise is awaited: the id of that createCallback
   * node. Such a node is a wait point, not an operation of its own (skip it when counting operations).
   */
  readonly awaitOf?: string;
  /** invoke: the handler in the workspace the target names, when one was found. */
  readonly target?: { readonly name: string; readonly file: string; readonly line: number };
  /** Drawn from a durable helper: the id of that helper's expansion at one call site (see WorkflowHandler.helpers). */
  readonly helper?: string;
}

/** One expansion of a durable helper where it is called: the diagram groups its nodes under the helper's name. */
export interface HelperGroup {
  /** Unique per call-site expansion (`chargeCard()`, `chargeCard()#1`, `child/refund()`). */
  readonly id: string;
  /** The helper's name as declared. */
  readonly name: string;
  /** The expansion this one was called from (a helper calling a helper), null when called from outside helpers. */
  readonly outer: string | null;
  /** The graph parent at the call site (the innermost enclosing node), null at top level. */
  readonly parent: string | null;
  /** 1-based line of the call. */
  readonly line: number;
}

export interface WorkflowEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string | null;
  /** 'error' for catch paths and uncaught errors (to the failure end), 'exit' for an early return to the end. */
  readonly kind?: 'normal' | 'error' | 'exit';
}

export interface WorkflowHandler {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly nodes: readonly WorkflowNode[];
  readonly edges: readonly WorkflowEdge[];
  /** The helper expansions that drew at least one node (nodes name theirs in `helper`). */
  readonly helpers?: readonly HelperGroup[];
}

export interface WorkflowGraph {
  readonly handlers: readonly WorkflowHandler[];
}
