// Core (pure): which user function a call runs — local declarations and closures, methods of classes and of
// local object literals, JavaScript `exports.x = function`, and (with a checker) imports and other files.
import type * as ts from 'typescript';
import type { TS } from '../model';
import { resolveLocalFunction } from '../handlers';
import { findBinding, isFunctionWithBody, skipOuterExpressions, fileNameOf } from '../scope';
import { reportInternalError } from '../../errors';

/**
 * The function a callee names: local declarations and closures, `this.method`, `obj.method` of a local
 * object literal, `new Shipper(ctx).ship`, `shipper.ship` with `const shipper = new Shipper(ctx)`, and
 * (with a checker) imports and other files. Declaration files are never followed (no body).
 */
export function resolveCallee(tsm: TS, callee: ts.Expression, checker: ts.TypeChecker | undefined): ts.FunctionLikeDeclaration | undefined {
  const x = skipOuterExpressions(tsm, callee);
  if (tsm.isIdentifier(x)) {
    const local = resolveLocalFunction(tsm, x);
    if (local) return local;
  } else if (tsm.isPropertyAccessExpression(x)) {
    const obj = skipOuterExpressions(tsm, x.expression);
    const cls = classOf(tsm, obj);
    if (cls) {
      const m = cls.members.find((mem) => mem.name && tsm.isIdentifier(mem.name) && mem.name.text === x.name.text);
      if (m && isFunctionWithBody(tsm, m)) return m;
      if (m && tsm.isPropertyDeclaration(m) && m.initializer && isFunctionWithBody(tsm, skipOuterExpressions(tsm, m.initializer))) return skipOuterExpressions(tsm, m.initializer) as ts.FunctionLikeDeclaration;
    } else if (tsm.isIdentifier(obj)) {
      const decl = findBinding(tsm, obj);
      if (decl && tsm.isVariableDeclaration(decl) && decl.initializer) {
        const init = skipOuterExpressions(tsm, decl.initializer);
        if (tsm.isObjectLiteralExpression(init)) {
          const p = init.properties.find((pp) => pp.name && (tsm.isIdentifier(pp.name) || tsm.isStringLiteral(pp.name)) && pp.name.text === x.name.text);
          if (p && isFunctionWithBody(tsm, p)) return p;
          if (p && tsm.isPropertyAssignment(p) && isFunctionWithBody(tsm, skipOuterExpressions(tsm, p.initializer))) return skipOuterExpressions(tsm, p.initializer) as ts.FunctionLikeDeclaration;
        }
      }
    }
  } else {
    return undefined;
  }
  if (!checker) return undefined;
  try {
    let sym = checker.getSymbolAtLocation(tsm.isPropertyAccessExpression(x) ? x.name : x);
    if (sym && sym.flags & tsm.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
    const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
    if (!decl || decl.getSourceFile().isDeclarationFile) return undefined;
    if (isFunctionWithBody(tsm, decl)) return decl;
    // JavaScript `exports.notify = async function (…) {…}` / `module.exports.notify = …`
    const assigned = tsm.isPropertyAccessExpression(decl) && decl.parent && tsm.isBinaryExpression(decl.parent) ? decl.parent : tsm.isBinaryExpression(decl) ? decl : undefined;
    if (assigned && assigned.operatorToken.kind === tsm.SyntaxKind.EqualsToken) {
      const right = skipOuterExpressions(tsm, assigned.right);
      if (isFunctionWithBody(tsm, right)) return right;
    }
    if ((tsm.isVariableDeclaration(decl) || tsm.isPropertyAssignment(decl) || tsm.isPropertyDeclaration(decl)) && decl.initializer) {
      const init = skipOuterExpressions(tsm, decl.initializer);
      if (isFunctionWithBody(tsm, init)) return init;
    }
  } catch (e) {
    reportInternalError(e, 'operations', fileNameOf(x));
    return undefined;
  }
  return undefined;
}

/** The class of `this` (in a method), of `new C(…)`, or of a local `const c = new C(…)`. */
function classOf(tsm: TS, obj: ts.Expression): ts.ClassLikeDeclaration | undefined {
  if (obj.kind === tsm.SyntaxKind.ThisKeyword) {
    let n: ts.Node | undefined = obj.parent;
    while (n) {
      if (tsm.isClassLike(n)) return n;
      if (tsm.isFunctionDeclaration(n) || tsm.isFunctionExpression(n)) return undefined;
      n = n.parent;
    }
    return undefined;
  }
  let ne: ts.Expression | undefined = obj;
  if (tsm.isIdentifier(obj)) {
    const d = findBinding(tsm, obj);
    ne = d && tsm.isVariableDeclaration(d) && d.initializer ? skipOuterExpressions(tsm, d.initializer) : undefined;
    if (ne && tsm.isAwaitExpression(ne)) ne = undefined;
  }
  if (ne && tsm.isNewExpression(ne) && tsm.isIdentifier(ne.expression)) {
    const d = findBinding(tsm, ne.expression);
    if (d && tsm.isClassDeclaration(d)) return d;
  }
  return undefined;
}
