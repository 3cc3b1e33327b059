// Core (pure): rule native-promise-combinator — Promise.all/race/any/allSettled over durable operations.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { getDurableOperationCall } from '../analysis/operations';
import { findBinding, isFunctionWithBody, isGlobalReference, skipOuterExpressions } from '../analysis/scope';
import { docsPath, Rule } from './rule';

const COMBINATORS = new Set(['all', 'race', 'any', 'allSettled']);

export const nativePromiseCombinator: Rule = {
  meta: {
    id: 'native-promise-combinator',
    messages: {
      combinator: 'Promise.{{method}} over durable operations is not checkpointed as one unit: use {{ctx}}.promise.{{method}}(...), or {{ctx}}.parallel/{{ctx}}.map for concurrent work.',
    },
    docs: docsPath('native-promise-combinator'),
  },
  modes: ['replayed'],
  create() {
    return (node, c) => {
      const tsm = c.ts;
      if (!tsm.isCallExpression(node)) return;
      const callee = skipOuterExpressions(tsm, node.expression);
      if (!tsm.isPropertyAccessExpression(callee) || !COMBINATORS.has(callee.name.text)) return;
      const obj = skipOuterExpressions(tsm, callee.expression);
      if (!tsm.isIdentifier(obj) || obj.text !== 'Promise' || !isGlobalReference(tsm, obj)) return;
      const arg = node.arguments[0];
      if (!arg || !containsOperation(tsm, arg, c.checker, 0)) return;
      c.report(node, 'combinator', { method: callee.name.text });
    };
  },
};

function containsOperation(tsm: TS, e: ts.Expression, checker: ts.TypeChecker | undefined, depth: number): boolean {
  if (depth > 6) return false;
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isArrayLiteralExpression(x)) return x.elements.some((el) => (tsm.isSpreadElement(el) ? containsOperation(tsm, el.expression, checker, depth + 1) : isOperationValue(tsm, el, checker, depth + 1)));
  return isOperationValue(tsm, x, checker, depth + 1);
}

/** A durable promise: an operation call, `items.map(i => ctx.step(...))`, or a variable holding one. */
function isOperationValue(tsm: TS, e: ts.Expression, checker: ts.TypeChecker | undefined, depth: number): boolean {
  if (depth > 6) return false;
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isCallExpression(x)) {
    if (getDurableOperationCall(tsm, x, checker)) return true;
    const callee = skipOuterExpressions(tsm, x.expression);
    if (tsm.isPropertyAccessExpression(callee) && callee.name.text === 'map') {
      const cb = x.arguments[0] && skipOuterExpressions(tsm, x.arguments[0]);
      if (cb && isFunctionWithBody(tsm, cb)) return returnsOperation(tsm, cb, checker, depth + 1);
    }
    return false;
  }
  if (tsm.isIdentifier(x)) {
    const decl = findBinding(tsm, x);
    if (decl && tsm.isVariableDeclaration(decl) && decl.initializer) return containsOperation(tsm, decl.initializer, checker, depth + 1);
  }
  return false;
}

function returnsOperation(tsm: TS, fn: ts.FunctionLikeDeclaration, checker: ts.TypeChecker | undefined, depth: number): boolean {
  const body = fn.body;
  if (!body) return false;
  if (!tsm.isBlock(body)) return isOperationValue(tsm, body, checker, depth);
  // `async (i) => { …; await ctx.step(...) }`: the combinator still runs durable operations concurrently.
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || tsm.isFunctionLike(n)) return;
    if (tsm.isCallExpression(n) && getDurableOperationCall(tsm, n, checker)) found = true;
    else tsm.forEachChild(n, visit);
  };
  tsm.forEachChild(body, visit);
  return found;
}
