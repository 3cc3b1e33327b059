// Core (pure): rule replayed-side-effect-log — console.* in replayed code logs again on every replay (not on a
// path that ends in an uncaught throw: the execution fails there and nothing replays it).
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { getDurableOperationCall } from '../analysis/operations';
import { isFunctionWithBody, isGlobalReference, skipOuterExpressions } from '../analysis/scope';
import { docsPath, Rule } from './rule';

export const replayedSideEffectLog: Rule = {
  meta: {
    id: 'replayed-side-effect-log',
    messages: {
      log: 'console.{{method}} in replayed code logs again on every replay: use {{ctx}}.logger.{{loggerMethod}} (replay-aware) or log inside a step.',
    },
    docs: docsPath('replayed-side-effect-log'),
  },
  modes: ['replayed'],
  create() {
    return (node, c) => {
      const tsm = c.ts;
      if (!tsm.isCallExpression(node)) return;
      const callee = skipOuterExpressions(tsm, node.expression);
      if (!tsm.isPropertyAccessExpression(callee)) return;
      const obj = skipOuterExpressions(tsm, callee.expression);
      if (!tsm.isIdentifier(obj) || obj.text !== 'console' || !isGlobalReference(tsm, obj)) return;
      if (endsInUncaughtThrow(tsm, node, c.checker)) return;
      const method = callee.name.text;
      const loggerMethod = ['info', 'warn', 'error', 'debug'].includes(method) ? method : 'info';
      c.report(node, 'log', { method, loggerMethod });
    };
  },
};

/**
 * Does the path from `node` go, with no durable operation on the way, to a `throw` that nothing in the
 * function catches? Then the execution fails right after the log and no replay runs it again.
 */
function endsInUncaughtThrow(tsm: TS, node: ts.Node, checker: ts.TypeChecker | undefined): boolean {
  let st: ts.Node = node;
  while (st.parent && !tsm.isBlock(st.parent) && !tsm.isCaseClause(st.parent) && !tsm.isDefaultClause(st.parent)) {
    if (isFunctionWithBody(tsm, st.parent)) return false;
    st = st.parent;
  }
  for (let guard = 0; guard < 50 && st.parent; guard++) {
    const block = st.parent as ts.Block;
    const list = block.statements;
    for (let i = list.indexOf(st as ts.Statement) + 1; i < list.length; i++) {
      const next = list[i]!;
      if (tsm.isThrowStatement(next)) return !caught(tsm, next) && !startsOperation(tsm, next.expression, checker);
      if (startsOperation(tsm, next, checker) || !isPlain(tsm, next)) return false;
    }
    // End of the block: the path continues after the statement that holds it (an if, a block, a try).
    const holder = block.parent;
    if (!holder || isFunctionWithBody(tsm, holder) || tsm.isSourceFile(block)) return false;
    let up: ts.Node = holder;
    if (tsm.isCaseClause(block) || tsm.isDefaultClause(block)) return false;
    if (!(tsm.isIfStatement(up) || tsm.isBlock(up) || tsm.isTryStatement(up) || tsm.isLabeledStatement(up))) return false;
    if (tsm.isTryStatement(up) && up.finallyBlock) return false;
    while (up.parent && tsm.isIfStatement(up.parent) && up.parent.elseStatement === up) up = up.parent;
    if (!up.parent || !(tsm.isBlock(up.parent) || tsm.isCaseClause(up.parent) || tsm.isDefaultClause(up.parent))) return false;
    st = up;
  }
  return false;
}

/** A statement that cannot jump away or loop: declarations and expression statements. */
function isPlain(tsm: TS, st: ts.Statement): boolean {
  return tsm.isExpressionStatement(st) || tsm.isVariableStatement(st) || tsm.isEmptyStatement(st);
}

function caught(tsm: TS, node: ts.Node): boolean {
  let n: ts.Node = node;
  while (n.parent && !isFunctionWithBody(tsm, n.parent)) {
    const p = n.parent;
    if (tsm.isTryStatement(p) && p.tryBlock === n && p.catchClause) return true;
    n = p;
  }
  return false;
}

function startsOperation(tsm: TS, root: ts.Node, checker: ts.TypeChecker | undefined): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (tsm.isCallExpression(n) && getDurableOperationCall(tsm, n, checker)) found = true;
    else tsm.forEachChild(n, visit);
  };
  visit(root);
  return found;
}
