// Core (pure): the operation tree of one durable handler — only its durable operations, each with kind, name,
// the context it runs in, the enclosing operation or control structure, its span and its place in the SDK's
// numbering order within its context. Rules, the diagram and the history mapping all read this one model.
// The walk itself lives in operations/treeWalker.ts; this file keeps the entry points others import.
import type * as ts from 'typescript';
import type { DurableFunction, TS } from './model';
import { TreeWalker } from './operations/treeWalker';
import type { OperationContextNode, OperationNode, OperationTree } from './operations/treeTypes';

export { resolveCallee } from './operations/callees';

export type { ContextKind, Enclosing, OperationContextNode, OperationNode, OperationTree, StructureNode } from './operations/treeTypes';

const cache = new WeakMap<ts.Node, WeakMap<object, OperationTree>>();
const noChecker = {};

/**
 * The operation tree of a handler (or durable helper). `checker` answers type questions (contexts by type,
 * invoke overloads); `followWith`, when there is no such checker, gives one only to follow calls into other
 * files (symbols, not types: the CLI's Program without the SDK). Memoised per (function, checker). Never throws.
 */
export function operationTree(tsm: TS, handler: DurableFunction, checker?: ts.TypeChecker, followWith?: () => ts.TypeChecker | undefined): OperationTree {
  let m = cache.get(handler.node);
  if (!m) {
    m = new WeakMap();
    cache.set(handler.node, m);
  }
  const key = checker ?? followWith ?? noChecker;
  let t = m.get(key);
  if (!t) {
    t = new TreeWalker(tsm, checker, followWith).run(handler);
    m.set(key, t);
  }
  return t;
}

/** Every operation of the tree in the SDK's numbering order within each context, depth first (how histories are matched). */
export function* walkInNumberingOrder(ctx: OperationContextNode): Generator<OperationNode> {
  const ops = ctx.operations.filter((o) => o.order !== undefined).sort((a, b) => a.order! - b.order!);
  for (const o of ops) {
    yield o;
    for (const c of o.children) yield* walkInNumberingOrder(c);
  }
}
