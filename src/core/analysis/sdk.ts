// Core (pure): recognises the durable execution SDK — by import specifier (works with no node_modules) and
// by type when a checker resolves it. Also where imported names come from, for the known-modules table.
import type * as ts from 'typescript';
import type { TS } from './model';
import { findBinding, requireSpecifier, skipOuterExpressions, fileNameOf } from './scope';
import { reportInternalError } from '../errors';

export const SDK_MODULE = '@aws/durable-execution-sdk-js';

export function isSdkSpecifier(spec: string): boolean {
  return spec === SDK_MODULE || spec.startsWith(SDK_MODULE + '/');
}

/** Where a local name comes from: `module` as written, `imported` the export name ('*' = the module itself). */
export interface ImportOrigin {
  readonly module: string;
  readonly imported: string;
}

/**
 * The import origin of a binding declaration returned by findBinding: import clauses and specifiers,
 * `import x = require()`, `const x = require('m')`, `const { a: b } = require('m')`, `const x = require('m').a`.
 */
export function importOriginOfDeclaration(tsm: TS, decl: ts.Node): ImportOrigin | undefined {
  if (tsm.isImportSpecifier(decl)) {
    const mod = decl.parent?.parent?.parent?.moduleSpecifier;
    if (mod && tsm.isStringLiteral(mod)) return { module: mod.text, imported: (decl.propertyName ?? decl.name).text };
    return undefined;
  }
  if (tsm.isImportClause(decl)) {
    const mod = decl.parent?.moduleSpecifier;
    // A default import: with esModuleInterop the module object for CommonJS packages, so treat as '*'.
    if (mod && tsm.isStringLiteral(mod)) return { module: mod.text, imported: '*' };
    return undefined;
  }
  if (tsm.isNamespaceImport(decl)) {
    const mod = decl.parent?.parent?.moduleSpecifier;
    if (mod && tsm.isStringLiteral(mod)) return { module: mod.text, imported: '*' };
    return undefined;
  }
  if (tsm.isImportEqualsDeclaration(decl)) {
    const ref = decl.moduleReference;
    if (tsm.isExternalModuleReference(ref) && tsm.isStringLiteral(ref.expression)) return { module: ref.expression.text, imported: '*' };
    return undefined;
  }
  if (tsm.isVariableDeclaration(decl) && tsm.isIdentifier(decl.name) && decl.initializer) {
    const init = skipOuterExpressions(tsm, decl.initializer);
    const spec = requireSpecifier(tsm, init);
    if (spec) return { module: spec, imported: '*' };
    if (tsm.isPropertyAccessExpression(init)) {
      const inner = requireSpecifier(tsm, init.expression);
      if (inner) return { module: inner, imported: init.name.text === 'default' ? '*' : init.name.text };
    }
    if (tsm.isAwaitExpression(init)) {
      const dyn = dynamicImportSpecifier(tsm, init.expression);
      if (dyn) return { module: dyn, imported: '*' };
    }
    return undefined;
  }
  if (tsm.isBindingElement(decl) && decl.parent && tsm.isObjectBindingPattern(decl.parent)) {
    const vd = decl.parent.parent;
    if (vd && tsm.isVariableDeclaration(vd) && vd.initializer) {
      let init = skipOuterExpressions(tsm, vd.initializer);
      if (tsm.isAwaitExpression(init)) init = init.expression;
      const spec = requireSpecifier(tsm, init) ?? dynamicImportSpecifier(tsm, init);
      const prop = decl.propertyName ?? decl.name;
      if (spec && tsm.isIdentifier(prop)) return { module: spec, imported: prop.text };
    }
  }
  return undefined;
}

function dynamicImportSpecifier(tsm: TS, e: ts.Expression): string | undefined {
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isCallExpression(x) && x.expression.kind === tsm.SyntaxKind.ImportKeyword) {
    const a = x.arguments[0];
    if (a && tsm.isStringLiteral(a)) return a.text;
  }
  return undefined;
}

/** The import origin of an identifier in an expression, or undefined when it is not an import. */
export function importOriginOfIdentifier(tsm: TS, id: ts.Identifier): ImportOrigin | undefined {
  const decl = findBinding(tsm, id);
  return decl ? importOriginOfDeclaration(tsm, decl) : undefined;
}

/**
 * The SDK export an expression names (`withDurableExecution`, `sdk.withDurableExecution`,
 * an alias `wde`), or the plain name when it is not imported at all (broken or JS-global code).
 * Returns undefined when the expression is a local declaration of something else.
 */
export function sdkExportName(tsm: TS, e: ts.Expression): string | undefined {
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isIdentifier(x)) {
    const decl = findBinding(tsm, x);
    if (!decl) return x.text;
    const origin = importOriginOfDeclaration(tsm, decl);
    // Imported from the SDK, or re-exported through a local module under the same name.
    if (origin && origin.imported !== '*') return isSdkSpecifier(origin.module) || origin.imported === x.text ? origin.imported : undefined;
    return undefined;
  }
  if (tsm.isPropertyAccessExpression(x) && tsm.isIdentifier(x.expression)) {
    const decl = findBinding(tsm, x.expression);
    const origin = decl ? importOriginOfDeclaration(tsm, decl) : undefined;
    if (origin && origin.imported === '*') return x.name.text;
  }
  return undefined;
}

/** `withDurableExecution(...)`, however imported. */
export function isWithDurableExecutionCall(tsm: TS, call: ts.CallExpression): boolean {
  return sdkExportName(tsm, call.expression) === 'withDurableExecution';
}

const CONTEXT_TYPE_NAMES = new Set(['DurableContext']);
const HANDLER_TYPE_NAMES = new Set(['DurableExecutionHandler', 'DurableHandler']);

/** The SDK type a type annotation names, when it is a reference to an SDK type (or unresolved by that name). */
function typeNodeSdkName(tsm: TS, typeNode: ts.TypeNode | undefined): string | undefined {
  if (!typeNode) return undefined;
  if (tsm.isParenthesizedTypeNode(typeNode)) return typeNodeSdkName(tsm, typeNode.type);
  if (tsm.isUnionTypeNode(typeNode) || tsm.isIntersectionTypeNode(typeNode)) {
    for (const t of typeNode.types) {
      const n = typeNodeSdkName(tsm, t);
      if (n) return n;
    }
    return undefined;
  }
  if (tsm.isImportTypeNode(typeNode)) {
    // JSDoc / TS: import('@aws/durable-execution-sdk-js').DurableContext
    const arg = typeNode.argument;
    const lit = tsm.isLiteralTypeNode(arg) ? arg.literal : undefined;
    const q = typeNode.qualifier;
    if (lit && tsm.isStringLiteral(lit) && isSdkSpecifier(lit.text) && q) return tsm.isIdentifier(q) ? q.text : q.right.text;
    return undefined;
  }
  if (!tsm.isTypeReferenceNode(typeNode)) return undefined;
  const tn = typeNode.typeName;
  if (tsm.isIdentifier(tn)) {
    const decl = findBinding(tsm, tn);
    if (!decl) return tn.text;
    const origin = importOriginOfDeclaration(tsm, decl);
    if (origin && origin.imported !== '*' && (isSdkSpecifier(origin.module) || origin.imported === tn.text)) return origin.imported;
    return undefined;
  }
  if (tsm.isQualifiedName(tn) && tsm.isIdentifier(tn.left)) {
    const decl = findBinding(tsm, tn.left);
    const origin = decl ? importOriginOfDeclaration(tsm, decl) : undefined;
    if (origin && origin.imported === '*' && isSdkSpecifier(origin.module)) return tn.right.text;
  }
  return undefined;
}

function annotationOf(tsm: TS, node: ts.ParameterDeclaration | ts.VariableDeclaration): ts.TypeNode | undefined {
  if (node.type) return node.type;
  // JS files only (JSDoc lookups are costly): `@param {DurableContext} ctx` / `@type {DurableExecutionHandler}`.
  if (!(node.flags & tsm.NodeFlags.JavaScriptFile)) return undefined;
  try {
    return tsm.getJSDocType(node);
  } catch (e) {
    reportInternalError(e, 'sdk', fileNameOf(node));
    return undefined;
  }
}

/** A parameter annotated `DurableContext` (imported from the SDK, via namespace, or unresolved by name). */
export function isDurableContextAnnotation(tsm: TS, param: ts.ParameterDeclaration): boolean {
  const n = typeNodeSdkName(tsm, annotationOf(tsm, param));
  return n !== undefined && CONTEXT_TYPE_NAMES.has(n);
}

/** A variable annotated `DurableExecutionHandler` / `DurableHandler`. */
export function isDurableHandlerAnnotation(tsm: TS, decl: ts.VariableDeclaration): boolean {
  const n = typeNodeSdkName(tsm, annotationOf(tsm, decl));
  return n !== undefined && HANDLER_TYPE_NAMES.has(n);
}

/** Type-based check: the type (or a union/intersection member) is the SDK's DurableContext. */
export function isDurableContextType(type: ts.Type | undefined, depth = 0): boolean {
  if (!type || depth > 3) return false;
  const sym = type.aliasSymbol ?? type.getSymbol();
  if (sym && CONTEXT_TYPE_NAMES.has(sym.getName())) return true;
  if (type.isUnionOrIntersection()) return type.types.some((t) => isDurableContextType(t, depth + 1));
  return false;
}

/** Cheap pre-filter: could this file contain durable code at all? */
export function mayContainDurableCode(sf: ts.SourceFile): boolean {
  const t = sf.text;
  return t.includes('withDurableExecution') || t.includes('DurableContext') || t.includes('DurableHandler') || t.includes('DurableExecutionHandler') || t.includes('durable-execution-sdk');
}
