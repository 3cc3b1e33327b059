// Core (pure): rule floating-durable-promise — a durable operation whose lazy promise is never awaited.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { getDurableOperationCall } from '../analysis/operations';
import { findBinding, isFunctionWithBody } from '../analysis/scope';
import { docsPath, label, Rule } from './rule';

export const floatingDurablePromise: Rule = {
  meta: {
    id: 'floating-durable-promise',
    messages: {
      floating: '`{{call}}` returns a lazy DurablePromise that is never awaited, so the operation never runs: add `await` (or return it, or pass it to `{{ctx}}.promise.all`).',
    },
    docs: docsPath('floating-durable-promise'),
  },
  modes: ['replayed', 'checkpointed'],
  create() {
    return (node, c) => {
      const tsm = c.ts;
      if (!tsm.isCallExpression(node)) return;
      const op = getDurableOperationCall(tsm, node, c.checker);
      if (!op || isPromiseUsed(tsm, node)) return;
      c.report(node, 'floating', { call: `${label(op.contextExpression, c.sourceFile, 24)}.${op.method}(…)` });
    };
  },
};

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
