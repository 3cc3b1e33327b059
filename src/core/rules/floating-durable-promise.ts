// Core (pure): rule floating-durable-promise — a durable operation nothing waits for: it runs (operations
// start when called), but the handler can return first and its failure is ignored; a never-awaited
// context.promise combinator never runs at all; forEach(async …) drops the promises of the operations inside.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { getDurableOperationCall } from '../analysis/operations';
import { COMBINATOR_KINDS } from '../analysis/operations/kinds';
import { findBinding, isFunctionWithBody, skipOuterExpressions } from '../analysis/scope';
import { docsPath, label, Rule } from './rule';

export const floatingDurablePromise: Rule = {
  meta: {
    id: 'floating-durable-promise',
    messages: {
      floating:
        '{{call}} starts the operation, but nothing waits for it: the handler can return before it finishes (the execution then ends without its result) and a failure in it is ignored. Add await (or return it, or pass it to {{ctx}}.promise.all).',
      lazy: '{{call}} is never awaited, so it never runs: a {{ctx}}.promise combinator starts only when it is awaited. Add await.',
      voided:
        '{{call}} is explicitly not awaited (void), and the handler can return before it finishes: the execution then ends without its result and a failure in it is ignored. Await it before the handler returns.',
      forEach:
        '{{call}} drops the promises its async callback returns: the operations inside run concurrently, nothing waits for them and their failures are ignored. Use for … of with await, or {{ctx}}.map.',
    },
    docs: docsPath('floating-durable-promise'),
  },
  modes: ['replayed', 'checkpointed'],
  create() {
    return (node, c) => {
      const tsm = c.ts;
      if (!tsm.isCallExpression(node)) return;
      const op = getDurableOperationCall(tsm, node, c.checker);
      if (!op) {
        const fe = floatingForEach(tsm, node, c.checker);
        if (fe) c.report(node, 'forEach', { call: `${label(fe, c.sourceFile, 32)}.forEach(async …)` });
        return;
      }
      if (isPromiseUsed(tsm, node)) return;
      const call = `${label(op.contextExpression, c.sourceFile, 24)}.${op.method}(…)`;
      if (COMBINATOR_KINDS.has(op.method)) {
        c.report(node, 'lazy', { call });
        return;
      }
      const voided = voidOf(tsm, node);
      if (voided) {
        // `void ctx.step(...)` is an explicit fire-and-forget (the no-floating-promises convention):
        // a hazard only when nothing durable is awaited after it, so the handler can return first.
        if (!awaitsOperationAfter(tsm, voided, c.checker)) c.report(node, 'voided', { call });
        return;
      }
      c.report(node, 'floating', { call });
    };
  },
};

/** `void <call>` (through parentheses): the void expression. */
function voidOf(tsm: TS, call: ts.Expression): ts.VoidExpression | undefined {
  let n: ts.Node = call;
  while (n.parent && tsm.isParenthesizedExpression(n.parent)) n = n.parent;
  return n.parent && tsm.isVoidExpression(n.parent) ? n.parent : undefined;
}

/** Is a durable operation awaited after `node` on its path through the enclosing function? */
function awaitsOperationAfter(tsm: TS, node: ts.Node, checker: ts.TypeChecker | undefined): boolean {
  let n: ts.Node = node;
  while (n.parent && !isFunctionWithBody(tsm, n.parent)) {
    const p: ts.Node = n.parent;
    if (tsm.isBlock(p) || tsm.isSourceFile(p) || tsm.isCaseClause(p) || tsm.isDefaultClause(p)) {
      const list = (p as ts.Block).statements;
      for (let i = list.indexOf(n as ts.Statement) + 1; i >= 1 && i < list.length; i++) if (containsAwaitedOperation(tsm, list[i]!, checker)) return true;
    }
    n = p;
  }
  return false;
}

function containsAwaitedOperation(tsm: TS, root: ts.Node, checker: ts.TypeChecker | undefined): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || (n !== root && tsm.isFunctionLike(n))) return;
    if (tsm.isAwaitExpression(n)) {
      const x = skipOuterExpressions(tsm, n.expression);
      if (tsm.isCallExpression(x) && getDurableOperationCall(tsm, x, checker)) {
        found = true;
        return;
      }
    }
    tsm.forEachChild(n, visit);
  };
  visit(root);
  return found;
}

/** `items.forEach(async (x) => { … operation … })`: the receiver, when the callback starts operations. */
function floatingForEach(tsm: TS, call: ts.CallExpression, checker: ts.TypeChecker | undefined): ts.Expression | undefined {
  const callee = skipOuterExpressions(tsm, call.expression);
  if (!tsm.isPropertyAccessExpression(callee) || callee.name.text !== 'forEach') return undefined;
  const fn = call.arguments[0] ? skipOuterExpressions(tsm, call.arguments[0]) : undefined;
  if (!fn || !(tsm.isArrowFunction(fn) || tsm.isFunctionExpression(fn)) || !fn.modifiers?.some((m) => m.kind === tsm.SyntaxKind.AsyncKeyword)) return undefined;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (tsm.isCallExpression(n) && getDurableOperationCall(tsm, n, checker)) {
      found = true;
      return;
    }
    tsm.forEachChild(n, visit);
  };
  visit(fn.body);
  return found ? callee.expression : undefined;
}

/** Is the value of `expr` awaited, returned, passed on, `.then`-ed or stored in a variable used later? */
export function isPromiseUsed(tsm: TS, expr: ts.Expression): boolean {
  let n: ts.Node = expr;
  for (let i = 0; i < 100; i++) {
    const p: ts.Node | undefined = n.parent;
    if (!p) return true;
    if (tsm.isParenthesizedExpression(p) || tsm.isAsExpression(p) || tsm.isNonNullExpression(p) || tsm.isSatisfiesExpression(p) || tsm.isTypeAssertionExpression(p)) {
      n = p;
      continue;
    }
    if (tsm.isConditionalExpression(p)) {
      if (p.condition === n) return true;
      n = p;
      continue;
    }
    if (tsm.isBinaryExpression(p)) {
      const k = p.operatorToken.kind;
      if (k === tsm.SyntaxKind.CommaToken) {
        if (p.left === n) return false;
        n = p;
        continue;
      }
      if (k === tsm.SyntaxKind.BarBarToken || k === tsm.SyntaxKind.AmpersandAmpersandToken || k === tsm.SyntaxKind.QuestionQuestionToken) {
        n = p;
        continue;
      }
      if (k === tsm.SyntaxKind.EqualsToken && p.right === n) {
        if (tsm.isIdentifier(p.left)) {
          const decl = findBinding(tsm, p.left);
          return decl ? isReferencedElsewhere(tsm, decl, p.left.text, p.left) : true;
        }
        return true;
      }
      return true;
    }
    if (tsm.isArrayLiteralExpression(p) || tsm.isSpreadElement(p)) {
      n = p;
      continue;
    }
    if (tsm.isPropertyAssignment(p) || tsm.isShorthandPropertyAssignment(p)) {
      if (!p.parent) return true;
      n = p.parent;
      continue;
    }
    if (tsm.isVariableDeclaration(p)) {
      if (p.initializer !== n) return true;
      if (!tsm.isIdentifier(p.name)) return true;
      return isReferencedElsewhere(tsm, p, p.name.text, p.name);
    }
    if (tsm.isExpressionStatement(p) || tsm.isVoidExpression(p)) return false;
    return true;
  }
  return true;
}

function isReferencedElsewhere(tsm: TS, decl: ts.Node, name: string, except: ts.Node): boolean {
  // Search the function (or file) that declares the variable.
  let scope: ts.Node | undefined = decl.parent;
  while (scope && !isFunctionWithBody(tsm, scope) && !tsm.isSourceFile(scope)) scope = scope.parent;
  if (!scope) return true;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (tsm.isIdentifier(n) && n.text === name && n !== except && !(tsm.isVariableDeclaration(n.parent) && n.parent.name === n)) {
      // Writes (`x = …`) do not use the promise; property names (`a.x`) are not references.
      const par = n.parent;
      const isWrite = par && tsm.isBinaryExpression(par) && par.left === n && par.operatorToken.kind === tsm.SyntaxKind.EqualsToken;
      const isPropName = par && tsm.isPropertyAccessExpression(par) && par.name === n;
      if (!isWrite && !isPropName && findBinding(tsm, n) === decl) {
        found = true;
        return;
      }
    }
    tsm.forEachChild(n, visit);
  };
  visit(scope);
  return found;
}
