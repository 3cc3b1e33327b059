// Core (pure): finds the durable functions of one file — handlers in every shape users write, and durable
// helpers (functions taking a DurableContext). Memoised per source file (and per checker when given).
import type * as ts from 'typescript';
import type { DurableFunction, TS } from './model';
import { syntaxKinds } from './syntaxKinds';
import { findBinding, functionName, isFunctionWithBody, skipOuterExpressions, fileNameOf } from './scope';
import { isDurableContextAnnotation, isDurableContextType, isDurableHandlerAnnotation, isWithDurableExecutionCall, mayContainDurableCode } from './sdk';
import { CALLBACK_METHOD_NAMES, mayBeOperationMethod } from './operations/kinds';
import { reportInternalError } from '../errors';

interface FileEntry {
  plain?: Map<ts.Node, DurableFunction>;
  byChecker?: WeakMap<ts.TypeChecker, Map<ts.Node, DurableFunction>>;
}
const cache = new WeakMap<ts.SourceFile, FileEntry>();

/**
 * Every handler and durable helper declared in `sourceFile`. Handlers: the function given to
 * `withDurableExecution` (inline, or a named function/const of this file), and variables typed
 * `DurableExecutionHandler`/`DurableHandler`. Helpers: functions with a parameter typed `DurableContext`
 * (by annotation, JSDoc in JS, or by type when a checker is given). Never throws.
 */
export function findDurableFunctions(tsm: TS, sourceFile: ts.SourceFile, checker?: ts.TypeChecker): DurableFunction[] {
  return [...durableFunctionMap(tsm, sourceFile, checker).values()];
}

const refsCache = new WeakMap<ts.SourceFile, ts.Expression[]>();

/** Arguments of `withDurableExecution(x)` that are not functions of this file (imported handlers). */
export function handlerReferences(tsm: TS, sourceFile: ts.SourceFile): readonly ts.Expression[] {
  if (!refsCache.has(sourceFile)) durableFunctionMap(tsm, sourceFile);
  return refsCache.get(sourceFile) ?? [];
}

/** The durable function record for a function node, if it is one. */
export function durableFunctionOf(tsm: TS, fn: ts.Node, checker?: ts.TypeChecker): DurableFunction | undefined {
  const sf = fn.getSourceFile?.();
  if (!sf) return undefined;
  return durableFunctionMap(tsm, sf, checker).get(fn);
}

export function durableFunctionMap(tsm: TS, sourceFile: ts.SourceFile, checker?: ts.TypeChecker): Map<ts.Node, DurableFunction> {
  let entry = cache.get(sourceFile);
  if (!entry) {
    entry = {};
    cache.set(sourceFile, entry);
  }
  if (!checker) {
    if (!entry.plain) entry.plain = compute(tsm, sourceFile, undefined);
    return entry.plain;
  }
  let seen = filesByChecker.get(checker);
  if (!seen) {
    seen = new Set();
    filesByChecker.set(checker, seen);
  }
  seen.add(sourceFile);
  if (!entry.byChecker) entry.byChecker = new WeakMap();
  let m = entry.byChecker.get(checker);
  if (!m) {
    m = compute(tsm, sourceFile, checker);
    entry.byChecker.set(checker, m);
  }
  return m;
}

const atomsCache = new WeakMap<ts.SourceFile, Int32Array>();
const callEndsCache = new WeakMap<ts.SourceFile, Int32Array>();

/** Sorted offsets (last character) of every call and `new` in the file, from the same scan; undefined before it. */
export function callEnds(sourceFile: ts.SourceFile): Int32Array | undefined {
  return callEndsCache.get(sourceFile);
}

/** Is any offset of the sorted list in [from, to)? */
export function anyInRange(list: Int32Array | undefined, from: number, to: number): boolean {
  if (!list || list.length === 0) return false;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length && list[lo]! < to;
}

/**
 * Sorted offsets (each the last character of the node) of what can matter to a workflow walk, found by the
 * same scan: returns, throws, breaks, continues, `await x`, calls of plain names and element accesses, and
 * member calls named like an operation. Undefined when the scan has not completed on the file.
 */
export function workflowAtoms(sourceFile: ts.SourceFile): Int32Array | undefined {
  return atomsCache.get(sourceFile);
}

const filesByChecker = new WeakMap<ts.TypeChecker, Set<ts.SourceFile>>();

/**
 * The files scanned for durable functions with this checker (the Program's files that may hold durable
 * code, once the replay model or a walker has looked): where the callers of a helper in another file are.
 */
export function filesAnalysedWith(checker: ts.TypeChecker): Iterable<ts.SourceFile> {
  return filesByChecker.get(checker) ?? [];
}

const propertyCallsCache = new WeakMap<ts.SourceFile, readonly ts.CallExpression[]>();

/**
 * Every call of the form `<expr>.<name>(…)` in the file, in tree order (pre-order), collected by the same
 * walk that finds the durable functions; undefined when that walk has not completed on this file. Lets the
 * workflow's safety net look at operation candidates without walking the handler once more.
 */
export function propertyCalls(sourceFile: ts.SourceFile): readonly ts.CallExpression[] | undefined {
  return propertyCallsCache.get(sourceFile);
}

function compute(tsm: TS, sf: ts.SourceFile, checker: ts.TypeChecker | undefined): Map<ts.Node, DurableFunction> {
  const result = new Map<ts.Node, DurableFunction>();
  const refs: ts.Expression[] = [];
  refsCache.set(sf, refs);
  if (!mayContainDurableCode(sf)) return result;
  const calls: ts.CallExpression[] = [];
  // Names under which withDurableExecution may be called in this file (aliases of the import).
  const wrapperNames = new Set(['withDurableExecution']);
  for (const st of sf.statements) {
    if (tsm.isImportDeclaration(st) && st.importClause?.namedBindings && tsm.isNamedImports(st.importClause.namedBindings)) {
      for (const el of st.importClause.namedBindings.elements) if ((el.propertyName ?? el.name).text === 'withDurableExecution') wrapperNames.add(el.name.text);
    } else if (tsm.isVariableStatement(st)) {
      // const { withDurableExecution: wde } = require('@aws/durable-execution-sdk-js')
      for (const d of st.declarationList.declarations) {
        if (!tsm.isObjectBindingPattern(d.name)) continue;
        for (const el of d.name.elements) {
          const prop = el.propertyName ?? el.name;
          if (tsm.isIdentifier(prop) && prop.text === 'withDurableExecution' && tsm.isIdentifier(el.name)) wrapperNames.add(el.name.text);
        }
      }
    }
  }
  const mayBeWrapper = (callee: ts.Expression): boolean => {
    const x = skipOuterExpressions(tsm, callee);
    if (tsm.isIdentifier(x)) return wrapperNames.has(x.text);
    return tsm.isPropertyAccessExpression(x) && x.name.text === 'withDurableExecution';
  };
  try {
    const addHandler = (fn: ts.FunctionLikeDeclaration, name: string): void => {
      const p = fn.parameters[1];
      const contextParam = p && tsm.isIdentifier(p.name) ? p.name.text : undefined;
      result.set(fn, { kind: 'handler', name, node: fn, contextParam, sourceFile: sf });
    };
    const atoms: number[] = [];
    const allCalls: number[] = [];
    const K = syntaxKinds(tsm);
    const forEachChild = tsm.forEachChild;
    // One switch on the kind per node: this scan sees every node of every durable file (see syntaxKinds).
    const visit = (node: ts.Node): void => {
      switch (node.kind) {
        case K.Identifier:
        case K.StringLiteral:
        case K.NumericLiteral:
          return;
        case K.NewExpression:
          allCalls.push(node.end - 1);
          break;
        case K.CallExpression: {
          const call = node as ts.CallExpression;
          allCalls.push(node.end - 1);
          const ek = call.expression.kind;
          if (ek === K.PropertyAccessExpression || ek === K.ElementAccessExpression) calls.push(call);
          const c = skipOuterExpressions(tsm, call.expression);
          if (c.kind === K.Identifier || c.kind === K.ElementAccessExpression || (c.kind === K.PropertyAccessExpression && mayBeOperationMethod((c as ts.PropertyAccessExpression).name.text))) atoms.push(node.end - 1);
          if (call.arguments.length > 0 && mayBeWrapper(call.expression) && isWithDurableExecutionCall(tsm, call)) {
            const target = resolveLocalFunction(tsm, call.arguments[0]!);
            const arg0 = skipOuterExpressions(tsm, call.arguments[0]!);
            if (target) addHandler(target, tsm.isIdentifier(arg0) ? arg0.text : handlerName(tsm, call, target));
            else refs.push(call.arguments[0]!);
          }
          break;
        }
        case K.ReturnStatement:
        case K.ThrowStatement:
        case K.BreakStatement:
        case K.ContinueStatement:
          atoms.push(node.end - 1);
          break;
        case K.AwaitExpression:
          if (skipOuterExpressions(tsm, (node as ts.AwaitExpression).expression).kind === K.Identifier) atoms.push(node.end - 1);
          break;
        case K.VariableDeclaration: {
          const d = node as ts.VariableDeclaration;
          if (d.initializer && isDurableHandlerAnnotation(tsm, d)) {
            const init = skipOuterExpressions(tsm, d.initializer);
            if (isFunctionWithBody(tsm, init) && tsm.isIdentifier(d.name)) addHandler(init, d.name.text);
          }
          break;
        }
        default:
          if (isFunctionWithBody(tsm, node) && !result.has(node) && !isOperationCallback(tsm, node)) {
            const idx = node.parameters.findIndex((p) => isDurableContextAnnotation(tsm, p) || (checker !== undefined && typedAsContext(tsm, checker, p)));
            if (idx >= 0) {
              const p = node.parameters[idx]!;
              result.set(node, { kind: 'helper', name: functionName(tsm, node), node, contextParam: tsm.isIdentifier(p.name) ? p.name.text : undefined, sourceFile: sf });
            }
          }
          break;
      }
      forEachChild(node, visit);
    };
    visit(sf);
    propertyCallsCache.set(sf, calls);
    atomsCache.set(sf, Int32Array.from(atoms).sort());
    callEndsCache.set(sf, Int32Array.from(allCalls).sort());
  } catch (e) {
    reportInternalError(e, 'handlers', sf.fileName);
    // Broken code: return what was found so far rather than failing the caller.
  }
  return result;
}

function typedAsContext(tsm: TS, checker: ts.TypeChecker, p: ts.ParameterDeclaration): boolean {
  // Only annotated parameters: contextually typed ones are operation callbacks, handled elsewhere.
  if (!p.type || !tsm.isTypeReferenceNode(p.type)) return false;
  try {
    return isDurableContextType(checker.getTypeFromTypeNode(p.type));
  } catch (e) {
    reportInternalError(e, 'handlers', fileNameOf(p));
    return false;
  }
}

/** An inline function, or a function declared in this file and referenced by name. */
export function resolveLocalFunction(tsm: TS, arg: ts.Expression): ts.FunctionLikeDeclaration | undefined {
  const x = skipOuterExpressions(tsm, arg);
  if (isFunctionWithBody(tsm, x)) return x;
  if (tsm.isIdentifier(x)) {
    const decl = findBinding(tsm, x);
    if (decl && isFunctionWithBody(tsm, decl)) return decl;
    if (decl && tsm.isVariableDeclaration(decl) && decl.initializer) {
      const init = skipOuterExpressions(tsm, decl.initializer);
      if (isFunctionWithBody(tsm, init)) return init;
    }
  }
  return undefined;
}

function handlerName(tsm: TS, call: ts.CallExpression, fn: ts.FunctionLikeDeclaration): string {
  const own = fn.name;
  if (own && tsm.isIdentifier(own)) return own.text;
  let n: ts.Node = call;
  // Walk out of wrappers like middy(withDurableExecution(...)) or parentheses.
  while (n.parent && (tsm.isCallExpression(n.parent) || tsm.isParenthesizedExpression(n.parent) || tsm.isAsExpression(n.parent))) n = n.parent;
  const p = n.parent;
  if (!p) return '<anonymous>';
  if (tsm.isVariableDeclaration(p) && tsm.isIdentifier(p.name)) return p.name.text;
  if (tsm.isExportAssignment(p)) return 'default';
  if (tsm.isPropertyAssignment(p) && (tsm.isIdentifier(p.name) || tsm.isStringLiteral(p.name))) return p.name.text;
  if (tsm.isBinaryExpression(p) && p.operatorToken.kind === tsm.SyntaxKind.EqualsToken) {
    if (tsm.isPropertyAccessExpression(p.left)) return p.left.name.text === 'exports' ? 'default' : p.left.name.text;
  }
  return '<anonymous>';
}

/**
 * Syntactic: is this function an argument the SDK calls back (`x.step(..., fn)`, `x.map(items, fn)`,
 * a `parallel` branch given directly or as `{ name, func }`)? Used to tell callbacks from helpers.
 */
export function isOperationCallback(tsm: TS, fn: ts.Node): boolean {
  return callbackHost(tsm, fn) !== undefined;
}

/** The call an SDK callback is passed to (see isOperationCallback), unchecked as to the receiver. */
export function callbackHost(tsm: TS, fn: ts.Node): ts.CallExpression | undefined {
  let n: ts.Node = fn;
  while (n.parent && (tsm.isParenthesizedExpression(n.parent) || tsm.isAsExpression(n.parent))) n = n.parent;
  let p = n.parent;
  if (!p) return undefined;
  if (tsm.isPropertyAssignment(p) && tsm.isIdentifier(p.name) && p.name.text === 'func' && p.parent && tsm.isObjectLiteralExpression(p.parent)) {
    p = p.parent.parent;
    if (!p) return undefined;
  }
  if (tsm.isArrayLiteralExpression(p)) {
    const call = p.parent;
    if (call && tsm.isCallExpression(call) && methodName(tsm, call) === 'parallel' && call.arguments.includes(p as ts.Expression)) return call;
    return undefined;
  }
  if (tsm.isCallExpression(p) && p.arguments.includes(n as ts.Expression)) {
    const m = methodName(tsm, p);
    if (m && CALLBACK_METHOD_NAMES.has(m)) return p;
  }
  return undefined;
}

function methodName(tsm: TS, call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (tsm.isPropertyAccessExpression(callee)) return callee.name.text;
  // `ctx["step"](…)`
  if (tsm.isElementAccessExpression(callee) && (tsm.isStringLiteral(callee.argumentExpression) || tsm.isNoSubstitutionTemplateLiteral(callee.argumentExpression))) return callee.argumentExpression.text;
  return undefined;
}
