// Core (pure): recognises durable operation calls (`ctx.step(...)`, `ctx.promise.all(...)`, `child.map(...)`)
// on a known durable context, and finds the context variable in scope of any node (for quick fixes).
import type * as ts from 'typescript';
import type { TS } from './model';
import type { OperationKind } from '../workflow/graph';
import { callbackHost, durableFunctionOf } from './handlers';
import { findBinding, isFunctionWithBody, skipOuterExpressions } from './scope';
import { isDurableContextAnnotation, isDurableContextType, isDurableHandlerAnnotation } from './sdk';

/** The SDK method names are the operation kinds of the graph contract: one list. */
export type DurableOperationMethod = OperationKind;

export interface DurableOperationCall {
  readonly method: DurableOperationMethod;
  readonly call: ts.CallExpression;
  /** The receiver: `ctx` in `ctx.step(...)` and in `ctx.promise.all(...)`. */
  readonly contextExpression: ts.Expression;
  /** The optional name argument (first argument), when present. */
  readonly nameArg?: ts.Expression;
  /** The function the SDK calls (step fn, child fn, map fn, submitter, check), or the parallel branches array. */
  readonly callbackArg?: ts.Expression;
  /** map: the items; promise.*: the array of promises. */
  readonly itemsArg?: ts.Expression;
}

const DIRECT_METHODS = new Set(['step', 'wait', 'waitForCallback', 'createCallback', 'waitForCondition', 'invoke', 'runInChildContext', 'parallel', 'map']);
const PROMISE_METHODS = new Set(['all', 'allSettled', 'any', 'race']);

/** Callback kinds: whose code is checkpointed (runs once) and whose is replayed in a child context. */
export const CHECKPOINTED_METHODS: ReadonlySet<DurableOperationMethod> = new Set<DurableOperationMethod>(['step', 'waitForCallback', 'waitForCondition']);
export const CHILD_CONTEXT_METHODS: ReadonlySet<DurableOperationMethod> = new Set<DurableOperationMethod>(['runInChildContext', 'map', 'parallel']);

function isStringish(tsm: TS, e: ts.Expression | undefined): boolean {
  if (!e) return false;
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isStringLiteral(x) || tsm.isNoSubstitutionTemplateLiteral(x) || tsm.isTemplateExpression(x)) return true;
  if (tsm.isIdentifier(x) && x.text === 'undefined') return true;
  if (tsm.isBinaryExpression(x) && x.operatorToken.kind === tsm.SyntaxKind.PlusToken) return isStringish(tsm, x.left) || isStringish(tsm, x.right);
  return false;
}

function isFunctionish(tsm: TS, e: ts.Expression | undefined): boolean {
  if (!e) return false;
  const x = skipOuterExpressions(tsm, e);
  return tsm.isArrowFunction(x) || tsm.isFunctionExpression(x) || tsm.isIdentifier(x) || tsm.isPropertyAccessExpression(x) || tsm.isCallExpression(x);
}

/**
 * The durable operation a call performs, when its receiver is a known durable context: a handler's or
 * helper's context parameter, the context parameter of a runInChildContext/map/parallel callback, an alias
 * of one of those, or (with a checker) anything typed DurableContext. Never throws.
 */
export function getDurableOperationCall(tsm: TS, call: ts.CallExpression, checker?: ts.TypeChecker): DurableOperationCall | undefined {
  // Cheap syntactic gate first: most calls are not `<x>.<operation>(...)`.
  const callee = call.expression;
  if (!callee || !tsm.isPropertyAccessExpression(callee)) return undefined;
  const name = callee.name.text;
  if (!DIRECT_METHODS.has(name) && !PROMISE_METHODS.has(name)) return undefined;
  // `array.map(x => …)`: a durable map never takes a function first.
  if (name === 'map' && call.arguments.length > 0 && isInlineFunction(tsm, call.arguments[0]!)) return undefined;
  const memo = memoFor(checker);
  if (memo.has(call)) return memo.get(call) ?? undefined;
  let result: DurableOperationCall | undefined;
  try {
    result = opCall(tsm, call, checker, 0);
  } catch {
    result = undefined;
  }
  memo.set(call, result ?? null);
  return result;
}

function isInlineFunction(tsm: TS, e: ts.Expression): boolean {
  const x = skipOuterExpressions(tsm, e);
  return tsm.isArrowFunction(x) || tsm.isFunctionExpression(x);
}

/** Receivers worth a type query: `ctx`, `this.ctx`, `deps.ctx` — not call results or literals. */
function isTypeQueryCandidate(tsm: TS, x: ts.Expression): boolean {
  let cur = x;
  for (let i = 0; i < 6; i++) {
    if (tsm.isIdentifier(cur) || cur.kind === tsm.SyntaxKind.ThisKeyword) return true;
    if (!tsm.isPropertyAccessExpression(cur)) return false;
    cur = skipOuterExpressions(tsm, cur.expression);
  }
  return false;
}

/** Per-checker memo of operation calls (rules and the scope model ask about the same calls). */
const plainMemo = new WeakMap<ts.Node, DurableOperationCall | null>();
const checkerMemo = new WeakMap<ts.TypeChecker, WeakMap<ts.Node, DurableOperationCall | null>>();
function memoFor(checker: ts.TypeChecker | undefined): WeakMap<ts.Node, DurableOperationCall | null> {
  if (!checker) return plainMemo;
  let m = checkerMemo.get(checker);
  if (!m) {
    m = new WeakMap();
    checkerMemo.set(checker, m);
  }
  return m;
}

function opCall(tsm: TS, call: ts.CallExpression, checker: ts.TypeChecker | undefined, depth: number): DurableOperationCall | undefined {
  const callee = call.expression;
  if (!tsm.isPropertyAccessExpression(callee)) return undefined;
  const name = callee.name.text;
  let method: DurableOperationMethod;
  let receiver: ts.Expression;
  if (DIRECT_METHODS.has(name)) {
    method = name as DurableOperationMethod;
    receiver = callee.expression;
  } else if (PROMISE_METHODS.has(name) && tsm.isPropertyAccessExpression(callee.expression) && callee.expression.name.text === 'promise') {
    method = ('promise.' + name) as DurableOperationMethod;
    receiver = callee.expression.expression;
  } else {
    return undefined;
  }
  if (!isContextExpression(tsm, receiver, checker, depth)) return undefined;
  return splitArgs(tsm, method, call, receiver);
}

/**
 * The call's arguments by role, as a complete record. Each shape is one object literal (same keys, same
 * order as before): spreading a partial result into another literal went through V8's slow generic clone
 * (the shapes vary), which was a tenth of the workflow inference time.
 */
function splitArgs(tsm: TS, method: DurableOperationMethod, call: ts.CallExpression, contextExpression: ts.Expression): DurableOperationCall {
  const args = call.arguments;
  const a0 = args[0];
  const a1 = args[1];
  switch (method) {
    case 'step':
    case 'runInChildContext':
    case 'waitForCallback': {
      const named = isStringish(tsm, a0) || (a1 !== undefined && isFunctionish(tsm, a1) && !isFunctionish(tsm, a0));
      return named ? { nameArg: a0, callbackArg: a1, method, call, contextExpression } : { callbackArg: a0, method, call, contextExpression };
    }
    case 'waitForCondition': {
      const named = isStringish(tsm, a0) || args.length >= 3;
      return named ? { nameArg: a0, callbackArg: a1, method, call, contextExpression } : { callbackArg: a0, method, call, contextExpression };
    }
    case 'wait':
      return args.length >= 2 ? { nameArg: a0, method, call, contextExpression } : { method, call, contextExpression };
    case 'createCallback':
      return isStringish(tsm, a0) ? { nameArg: a0, method, call, contextExpression } : { method, call, contextExpression };
    case 'invoke':
      return a1 !== undefined && isStringish(tsm, a0) && isStringish(tsm, a1) ? { nameArg: a0, method, call, contextExpression } : { method, call, contextExpression };
    case 'map': {
      const named = isStringish(tsm, a0) || (args.length >= 3 && isFunctionish(tsm, args[2]) && !isFunctionish(tsm, a1));
      return named ? { nameArg: a0, itemsArg: a1, callbackArg: args[2], method, call, contextExpression } : { itemsArg: a0, callbackArg: a1, method, call, contextExpression };
    }
    case 'parallel': {
      const named = isStringish(tsm, a0) || (a1 !== undefined && tsm.isArrayLiteralExpression(skipOuterExpressions(tsm, a1)));
      return named ? { nameArg: a0, callbackArg: a1, method, call, contextExpression } : { callbackArg: a0, method, call, contextExpression };
    }
    default: {
      // promise.all / allSettled / any / race
      const named = args.length >= 2 || isStringish(tsm, a0);
      return named ? { nameArg: a0, itemsArg: a1, method, call, contextExpression } : { itemsArg: a0, method, call, contextExpression };
    }
  }
}

/** Is `expr` a durable context (see getDurableOperationCall)? */
export function isContextExpression(tsm: TS, expr: ts.Expression, checker: ts.TypeChecker | undefined, depth = 0): boolean {
  if (depth > 8) return false;
  const x = skipOuterExpressions(tsm, expr);
  if (tsm.isIdentifier(x)) {
    const decl = findBinding(tsm, x);
    if (decl && tsm.isParameter(decl) && decl.parent && tsm.isFunctionLike(decl.parent)) {
      const fn = decl.parent;
      const idx = fn.parameters.indexOf(decl);
      if (isContextParameter(tsm, fn, idx, checker, depth)) return true;
    } else if (decl && tsm.isVariableDeclaration(decl) && decl.initializer && tsm.isIdentifier(skipOuterExpressions(tsm, decl.initializer))) {
      // `const c = ctx;`
      if (isContextExpression(tsm, decl.initializer, checker, depth + 1)) return true;
    }
  }
  if (checker && isTypeQueryCandidate(tsm, x) && !syntacticallyNotContext(tsm, x)) {
    // Only reached when the syntax is not conclusive (a field, an untyped parameter of a wrapper, …).
    try {
      return isDurableContextType(checker.getTypeAtLocation(x));
    } catch {
      return false;
    }
  }
  return false;
}

/** Identifiers whose declaration already says they are not a context (literal types, arrays, literals). */
function syntacticallyNotContext(tsm: TS, x: ts.Expression): boolean {
  if (!tsm.isIdentifier(x)) return false;
  const decl = findBinding(tsm, x);
  if (!decl) return true; // a global
  if (tsm.isImportSpecifier(decl) || tsm.isImportClause(decl) || tsm.isNamespaceImport(decl) || tsm.isFunctionDeclaration(decl) || tsm.isClassDeclaration(decl)) return true;
  if (tsm.isParameter(decl)) {
    const t = decl.type;
    if (t && !tsm.isTypeReferenceNode(t)) return true;
    if (t && tsm.isTypeReferenceNode(t) && /^(Array|ReadonlyArray|Record|Map|Set|Promise|Partial|Readonly|string|number)$/.test(tsm.isIdentifier(t.typeName) ? t.typeName.text : t.typeName.right.text)) return true;
  }
  if (tsm.isVariableDeclaration(decl) && decl.initializer && !decl.type) {
    const init = skipOuterExpressions(tsm, decl.initializer);
    // Only aliases (`const c = ctx`, `const c = this.ctx`) can hold a context; results of calls,
    // awaits and literals are data.
    if (!tsm.isIdentifier(init) && !tsm.isPropertyAccessExpression(init)) return true;
  }
  return false;
}

const paramCache = new WeakMap<ts.Node, Map<number, boolean>>();

/** Is parameter `index` of `fn` a durable context? Memoised per function node (syntactic answer). */
export function isContextParameter(tsm: TS, fn: ts.SignatureDeclaration, index: number, checker: ts.TypeChecker | undefined, depth = 0): boolean {
  let m = paramCache.get(fn);
  if (!m) {
    m = new Map();
    paramCache.set(fn, m);
  }
  const known = m.get(index);
  if (known !== undefined) return known;
  m.set(index, false); // guards recursion through the callback host
  const value = computeContextParameter(tsm, fn, index, checker, depth);
  m.set(index, value);
  return value;
}

function computeContextParameter(tsm: TS, fn: ts.SignatureDeclaration, index: number, checker: ts.TypeChecker | undefined, depth: number): boolean {
  const p = fn.parameters[index];
  if (!p) return false;
  if (isDurableContextAnnotation(tsm, p)) return true;
  const df = durableFunctionOf(tsm, fn, checker);
  if (df && df.kind === 'handler' && index === 1) return true;
  if (index === 1 && fn.parent && tsm.isVariableDeclaration(fn.parent) && isDurableHandlerAnnotation(tsm, fn.parent)) return true;
  if (index === 0 && isFunctionWithBody(tsm, fn)) {
    const host = callbackHost(tsm, fn);
    if (host) {
      const op = opCall(tsm, host, checker, depth + 1);
      if (op && CHILD_CONTEXT_METHODS.has(op.method)) return true;
    }
  }
  // An untyped parameter of a local function that is called with a context there (JS helpers):
  // `async function charge(context, amount) {…}` … `charge(ctx, 5)`.
  if (!p.type && depth < 4) return receivesContextAtCallSite(tsm, fn, index, checker, depth);
  return false;
}

const callSiteCache = new WeakMap<ts.SourceFile, Map<string, ts.CallExpression[]>>();

/** Calls of plain identifiers in a file, by callee name (built once per file). */
function callSitesByName(tsm: TS, sf: ts.SourceFile): Map<string, ts.CallExpression[]> {
  let m = callSiteCache.get(sf);
  if (m) return m;
  const map = new Map<string, ts.CallExpression[]>();
  const visit = (n: ts.Node): void => {
    if (tsm.isCallExpression(n) && tsm.isIdentifier(n.expression)) {
      const list = map.get(n.expression.text);
      if (list) list.push(n);
      else map.set(n.expression.text, [n]);
    }
    tsm.forEachChild(n, visit);
  };
  visit(sf);
  callSiteCache.set(sf, map);
  m = map;
  return m;
}

function receivesContextAtCallSite(tsm: TS, fn: ts.SignatureDeclaration, index: number, checker: ts.TypeChecker | undefined, depth: number): boolean {
  let nameNode: ts.Identifier | undefined;
  let declNode: ts.Node = fn;
  if (tsm.isFunctionDeclaration(fn) && fn.name) nameNode = fn.name;
  else if ((tsm.isArrowFunction(fn) || tsm.isFunctionExpression(fn)) && fn.parent && tsm.isVariableDeclaration(fn.parent) && tsm.isIdentifier(fn.parent.name)) {
    nameNode = fn.parent.name;
    declNode = fn.parent;
  }
  if (!nameNode) return false;
  const sf = fn.getSourceFile();
  for (const call of callSitesByName(tsm, sf).get(nameNode.text) ?? []) {
    const arg = call.arguments[index];
    if (!arg || findBinding(tsm, call.expression as ts.Identifier) !== declNode) continue;
    if (isContextExpression(tsm, arg, checker, depth + 1)) return true;
  }
  return false;
}

/** For a function passed to a durable operation, that operation (and whether the function is its callback). */
export function operationOfCallback(tsm: TS, fn: ts.Node, checker?: ts.TypeChecker): DurableOperationCall | undefined {
  try {
    const host = callbackHost(tsm, fn);
    return host ? getDurableOperationCall(tsm, host, checker) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The name of the nearest durable context variable in scope of `node` where durable operations may be
 * started: a child callback's own context, else the handler's or helper's. Step-like callbacks are
 * skipped (their context is not a DurableContext). Used by quick fixes to write `await <ctx>.step(...)`.
 */
export function findContextInScope(tsm: TS, node: ts.Node, checker?: ts.TypeChecker): string | undefined {
  try {
    let n: ts.Node | undefined = node;
    for (let i = 0; n && i < 1000; i++, n = n.parent) {
      if (!tsm.isFunctionLike(n)) continue;
      const fn = n;
      for (let idx = 0; idx < fn.parameters.length; idx++) {
        const p = fn.parameters[idx]!;
        if (tsm.isIdentifier(p.name) && isContextParameter(tsm, fn, idx, checker)) return p.name.text;
      }
    }
  } catch {
    // fall through
  }
  return undefined;
}
