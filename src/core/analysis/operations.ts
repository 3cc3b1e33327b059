// Core (pure): the ONE recogniser of durable operation calls (`ctx.step(...)`, `ctx["step"](...)`,
// `this.ctx.promise.all(...)`, `deps.ctx.map(...)`): which call is an operation, of which kind, with which
// name, callback and items; the context recognition itself is in operations/contexts.ts.
import type * as ts from 'typescript';
import type { TS } from './model';
import { callbackHost } from './handlers';
import { findBinding, isFunctionWithBody, skipOuterExpressions, fileNameOf } from './scope';
import { CHECKPOINTED_KINDS, CHILD_CONTEXT_KINDS, CONTEXT_METHODS, PROMISE_METHODS, type OperationKind } from './operations/kinds';
import { contextGeneration, isContextExpression, isContextParameter, memberName, memberObject } from './operations/contexts';
import { reportInternalError } from '../errors';
import { syntaxKinds } from './syntaxKinds';

export { isContextExpression, isContextParameter, learnContextArguments } from './operations/contexts';

/** The SDK method names are the operation kinds of the graph contract: one table (operations/kinds.ts). */
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

/** Callback kinds: whose code is checkpointed (runs once) and whose is replayed in a child context. */
export const CHECKPOINTED_METHODS: ReadonlySet<DurableOperationMethod> = CHECKPOINTED_KINDS;
export const CHILD_CONTEXT_METHODS: ReadonlySet<DurableOperationMethod> = CHILD_CONTEXT_KINDS;

/**
 * The durable operation a call performs, when its receiver is a known durable context: a handler's or
 * helper's context parameter (typed, or untyped and given a context at a call site), a child-context, map
 * item or parallel branch context, an alias, an object field (`deps.ctx`), a class field (`this.ctx`), or
 * (with a checker) anything typed DurableContext. Method by name or by literal (`ctx["step"]`). Never throws.
 */
export function getDurableOperationCall(tsm: TS, call: ts.CallExpression, checker?: ts.TypeChecker): DurableOperationCall | undefined {
  // Cheap syntactic gate first: most calls are not `<x>.<operation>(...)`.
  const callee = call.expression;
  if (!callee) return undefined;
  const k = callee.kind;
  const K = syntaxKinds(tsm);
  if (k !== K.PropertyAccessExpression && k !== K.ElementAccessExpression) return undefined;
  const name = memberName(tsm, callee);
  if (name === undefined || (!CONTEXT_METHODS.has(name) && !PROMISE_METHODS.has(name))) return undefined;
  // `array.map(x => …)`: a durable map never takes a function first.
  if (name === 'map' && call.arguments.length > 0 && isInlineFunction(tsm, call.arguments[0]!)) return undefined;
  const memo = memoFor(checker);
  const known = memo.get(call);
  // A negative answer holds until a context binding is learnt somewhere (see learnContextArguments).
  if (known !== undefined && (typeof known !== 'number' || known === contextGeneration())) return typeof known === 'number' ? undefined : known;
  let result: DurableOperationCall | undefined;
  try {
    result = opCall(tsm, call, checker);
  } catch (e) {
    reportInternalError(e, 'operations', fileNameOf(call));
    result = undefined;
  }
  memo.set(call, result ?? contextGeneration());
  return result;
}

function isInlineFunction(tsm: TS, e: ts.Expression): boolean {
  const x = skipOuterExpressions(tsm, e);
  return tsm.isArrowFunction(x) || tsm.isFunctionExpression(x);
}

/** Per-checker memo of operation calls (rules, the scope model, the tree and the diagram ask about the same calls). */
type Memo = WeakMap<ts.Node, DurableOperationCall | number>;
const plainMemo: Memo = new WeakMap();
const checkerMemo = new WeakMap<ts.TypeChecker, Memo>();
function memoFor(checker: ts.TypeChecker | undefined): Memo {
  if (!checker) return plainMemo;
  let m = checkerMemo.get(checker);
  if (!m) {
    m = new WeakMap();
    checkerMemo.set(checker, m);
  }
  return m;
}

/** The operation kind a callee names and its receiver, before the receiver is checked. */
export function operationCallee(tsm: TS, callee: ts.Expression): { kind: OperationKind; receiver: ts.Expression } | undefined {
  const name = memberName(tsm, callee);
  if (name === undefined) return undefined;
  const obj = memberObject(tsm, callee)!;
  const direct = CONTEXT_METHODS.get(name);
  if (direct) return { kind: direct, receiver: obj };
  const combinator = PROMISE_METHODS.get(name);
  if (combinator) {
    const inner = skipOuterExpressions(tsm, obj);
    if (memberName(tsm, inner) === 'promise') return { kind: combinator, receiver: memberObject(tsm, inner)! };
  }
  return undefined;
}

function opCall(tsm: TS, call: ts.CallExpression, checker: ts.TypeChecker | undefined): DurableOperationCall | undefined {
  const oc = operationCallee(tsm, call.expression);
  if (!oc) return undefined;
  if (!isContextExpression(tsm, oc.receiver, checker)) return undefined;
  return splitArgs(tsm, oc.kind, call, oc.receiver, checker);
}

// ---------- arguments by role ----------

function isStringish(tsm: TS, e: ts.Expression | undefined): boolean {
  if (!e) return false;
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isStringLiteral(x) || tsm.isNoSubstitutionTemplateLiteral(x) || tsm.isTemplateExpression(x)) return true;
  if (tsm.isIdentifier(x) && x.text === 'undefined') return true;
  if (tsm.isBinaryExpression(x) && x.operatorToken.kind === tsm.SyntaxKind.PlusToken) return isStringish(tsm, x.left) || isStringish(tsm, x.right);
  return false;
}

/**
 * Is an argument a function? true: an inline function, a local function (declaration or `const f = () =>`),
 * or (checker) a callable value. false: a literal, an object or array, a call result (`getName()`), a value
 * that is a string. undefined: cannot say (an unresolved import or parameter without a checker).
 */
function functionArg(tsm: TS, e: ts.Expression | undefined, checker: ts.TypeChecker | undefined): boolean | undefined {
  if (!e) return false;
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isArrowFunction(x) || tsm.isFunctionExpression(x)) return true;
  if (tsm.isStringLiteral(x) || tsm.isNoSubstitutionTemplateLiteral(x) || tsm.isTemplateExpression(x) || tsm.isNumericLiteral(x)) return false;
  if (tsm.isObjectLiteralExpression(x) || tsm.isArrayLiteralExpression(x) || tsm.isBinaryExpression(x)) return false;
  if (checker && (tsm.isIdentifier(x) || tsm.isPropertyAccessExpression(x) || tsm.isCallExpression(x) || tsm.isElementAccessExpression(x))) {
    try {
      const t = checker.getTypeAtLocation(x);
      if (!(t.flags & tsm.TypeFlags.Any) && !(t.flags & tsm.TypeFlags.Unknown)) return t.getCallSignatures().length > 0;
    } catch (e) {
      reportInternalError(e, 'operations', fileNameOf(x));
      // fall through to the syntax
    }
  }
  if (tsm.isCallExpression(x)) return false;
  if (tsm.isIdentifier(x)) {
    const d = findBinding(tsm, x);
    if (!d) return undefined;
    if (isFunctionWithBody(tsm, d)) return true;
    if (tsm.isVariableDeclaration(d)) {
      if (!d.initializer) return undefined;
      const init = skipOuterExpressions(tsm, d.initializer);
      if (isFunctionWithBody(tsm, init)) return true;
      if (tsm.isStringLiteral(init) || tsm.isNoSubstitutionTemplateLiteral(init) || tsm.isTemplateExpression(init) || tsm.isCallExpression(init) || tsm.isBinaryExpression(init) || tsm.isObjectLiteralExpression(init) || tsm.isArrayLiteralExpression(init)) return false;
      return undefined;
    }
    if (tsm.isParameter(d) && d.type) return tsm.isFunctionTypeNode(d.type);
    return undefined;
  }
  if (tsm.isPropertyAccessExpression(x)) {
    // `obj.name` of a local object literal: a method, or data.
    const o = skipOuterExpressions(tsm, x.expression);
    if (tsm.isIdentifier(o)) {
      const d = findBinding(tsm, o);
      if (d && tsm.isVariableDeclaration(d) && d.initializer) {
        const init = skipOuterExpressions(tsm, d.initializer);
        if (tsm.isObjectLiteralExpression(init)) {
          const p = init.properties.find((pp) => pp.name && tsm.isIdentifier(pp.name) && pp.name.text === x.name.text);
          if (p && tsm.isMethodDeclaration(p)) return true;
          if (p && tsm.isPropertyAssignment(p)) return isFunctionWithBody(tsm, skipOuterExpressions(tsm, p.initializer));
        }
      }
    }
    return undefined;
  }
  return undefined;
}

/** Upper-case constants and `...Name` variables read as names when nothing else decides. */
function looksLikeName(tsm: TS, e: ts.Expression): boolean {
  const x = skipOuterExpressions(tsm, e);
  const id = tsm.isIdentifier(x) ? x.text : tsm.isPropertyAccessExpression(x) ? x.name.text : undefined;
  return id !== undefined && (/^[A-Z][A-Z0-9_]*$/.test(id) || /(name|Name|label|Label|key|Key|id|Id)$/.test(id));
}

/**
 * `(name, fn, …)` or `(fn, …)`: a first argument that is not a function is the name. Decided by the first
 * argument when it can be (a string, a function, a call result), then by the second (a function after it
 * makes the first a name; an options object after it makes the first the function).
 */
function firstIsName(tsm: TS, args: ts.NodeArray<ts.Expression>, checker: ts.TypeChecker | undefined, fnAt: number): boolean {
  const a0 = args[0];
  if (!a0) return false;
  if (isStringish(tsm, a0)) return true;
  if (args.length <= fnAt) return false;
  const f0 = functionArg(tsm, a0, checker);
  if (f0 === true) return false;
  if (f0 === false) return true;
  const f1 = functionArg(tsm, args[fnAt], checker);
  if (f1 === true) return true;
  if (tsm.isObjectLiteralExpression(skipOuterExpressions(tsm, args[fnAt]!))) return false;
  return looksLikeName(tsm, a0);
}

/**
 * The call's arguments by role, as a complete record. Each shape is one object literal (same keys, same
 * order): spreading a partial result into another literal went through V8's slow generic clone.
 */
function splitArgs(tsm: TS, method: DurableOperationMethod, call: ts.CallExpression, contextExpression: ts.Expression, checker: ts.TypeChecker | undefined): DurableOperationCall {
  const args = call.arguments;
  const a0 = args[0];
  const a1 = args[1];
  switch (method) {
    case 'step':
    case 'runInChildContext':
    case 'waitForCallback':
      return firstIsName(tsm, args, checker, 1) ? { nameArg: a0, callbackArg: a1, method, call, contextExpression } : { callbackArg: a0, method, call, contextExpression };
    case 'waitForCondition': {
      const named = args.length >= 3 || firstIsName(tsm, args, checker, 1) && functionArg(tsm, a1, checker) === true;
      return named ? { nameArg: a0, callbackArg: a1, method, call, contextExpression } : { callbackArg: a0, method, call, contextExpression };
    }
    case 'wait':
      return args.length >= 2 ? { nameArg: a0, method, call, contextExpression } : { method, call, contextExpression };
    case 'createCallback': {
      const named = isStringish(tsm, a0) || args.length >= 2 || (a0 !== undefined && !tsm.isObjectLiteralExpression(skipOuterExpressions(tsm, a0)) && (functionArg(tsm, a0, checker) === false && !isObjectValue(tsm, a0)));
      return named ? { nameArg: a0, method, call, contextExpression } : { method, call, contextExpression };
    }
    case 'invoke':
      return invokeNamed(tsm, call, checker) ? { nameArg: a0, method, call, contextExpression } : { method, call, contextExpression };
    case 'map': {
      const named = isStringish(tsm, a0) || (args.length >= 3 && functionArg(tsm, a1, checker) !== true && (functionArg(tsm, args[2], checker) === true || !isFunctionishSyntax(tsm, a1)));
      return named ? { nameArg: a0, itemsArg: a1, callbackArg: args[2], method, call, contextExpression } : { itemsArg: a0, callbackArg: a1, method, call, contextExpression };
    }
    case 'parallel': {
      const x0 = a0 ? skipOuterExpressions(tsm, a0) : undefined;
      const named = !(x0 && tsm.isArrayLiteralExpression(x0)) && (isStringish(tsm, a0) || (a1 !== undefined && tsm.isArrayLiteralExpression(skipOuterExpressions(tsm, a1))) || (a1 !== undefined && !tsm.isObjectLiteralExpression(skipOuterExpressions(tsm, a1))));
      return named ? { nameArg: a0, callbackArg: a1, method, call, contextExpression } : { callbackArg: a0, method, call, contextExpression };
    }
    default: {
      // promise.all / allSettled / any / race
      const named = args.length >= 2 || isStringish(tsm, a0);
      return named ? { nameArg: a0, itemsArg: a1, method, call, contextExpression } : { itemsArg: a0, method, call, contextExpression };
    }
  }
}

function isFunctionishSyntax(tsm: TS, e: ts.Expression | undefined): boolean {
  if (!e) return false;
  const x = skipOuterExpressions(tsm, e);
  return tsm.isArrowFunction(x) || tsm.isFunctionExpression(x) || tsm.isIdentifier(x) || tsm.isPropertyAccessExpression(x);
}

function isObjectValue(tsm: TS, e: ts.Expression): boolean {
  const x = skipOuterExpressions(tsm, e);
  if (!tsm.isIdentifier(x)) return false;
  const d = findBinding(tsm, x);
  return !!d && tsm.isVariableDeclaration(d) && !!d.initializer && tsm.isObjectLiteralExpression(skipOuterExpressions(tsm, d.initializer));
}

/**
 * `invoke(name, funcId, input?)` vs `invoke(funcId, input?)`: with the SDK's types the overload chosen says
 * it; else a string first argument followed by a function id (a variable, `process.env.X`, a string) is the
 * name, and an object literal second argument is the input (so the first is the target).
 */
function invokeNamed(tsm: TS, call: ts.CallExpression, checker: ts.TypeChecker | undefined): boolean {
  const [a0, a1] = call.arguments;
  if (!a0 || !a1) return false;
  if (checker) {
    try {
      const first = checker.getResolvedSignature(call)?.parameters[0]?.name;
      if (first === 'name') return true;
      if (first === 'funcId') return false;
    } catch (e) {
      reportInternalError(e, 'operations', fileNameOf(call));
      // fall back to the shape of the arguments
    }
  }
  const x0 = skipOuterExpressions(tsm, a0);
  const x1 = skipOuterExpressions(tsm, a1);
  const stringish = tsm.isStringLiteral(x0) || tsm.isNoSubstitutionTemplateLiteral(x0) || tsm.isTemplateExpression(x0);
  const idLike = tsm.isIdentifier(x1) || tsm.isPropertyAccessExpression(x1) || tsm.isElementAccessExpression(x1) || tsm.isStringLiteral(x1) || tsm.isNoSubstitutionTemplateLiteral(x1) || tsm.isTemplateExpression(x1);
  return stringish && idLike && !(tsm.isIdentifier(x1) && x1.text === 'undefined');
}

// ---------- names ----------

/** An operation's name as written: a string's value, a template literal without its backticks, else the expression. */
export function operationNameText(tsm: TS, e: ts.Expression, sf: ts.SourceFile): string | null {
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isStringLiteral(x) || tsm.isNoSubstitutionTemplateLiteral(x)) return x.text;
  if (tsm.isTemplateExpression(x)) return x.getText(sf).slice(1, -1);
  if (tsm.isIdentifier(x) && x.text === 'undefined') return null;
  if (x.kind === tsm.SyntaxKind.NullKeyword) return null;
  return x.getText(sf);
}

/**
 * The value of a name that is a constant: `const NAME = 'charge'` (also through `as const` objects,
 * `NAMES.charge`), or (checker) any expression whose type is one string literal, across files. Undefined
 * when the name is computed at run time.
 */
export function operationNameValue(tsm: TS, e: ts.Expression, checker?: ts.TypeChecker, depth = 0): string | undefined {
  if (depth > 6) return undefined;
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isStringLiteral(x) || tsm.isNoSubstitutionTemplateLiteral(x)) return x.text;
  if (tsm.isIdentifier(x)) {
    const d = findBinding(tsm, x);
    if (d && tsm.isVariableDeclaration(d) && d.initializer && d.parent && tsm.isVariableDeclarationList(d.parent) && d.parent.flags & tsm.NodeFlags.Const) {
      const v = operationNameValue(tsm, d.initializer, checker, depth + 1);
      if (v !== undefined) return v;
    }
  } else if (tsm.isPropertyAccessExpression(x) && tsm.isIdentifier(x.expression)) {
    const d = findBinding(tsm, x.expression);
    if (d && tsm.isVariableDeclaration(d) && d.initializer && d.parent && tsm.isVariableDeclarationList(d.parent) && d.parent.flags & tsm.NodeFlags.Const) {
      const o = skipOuterExpressions(tsm, d.initializer);
      if (tsm.isObjectLiteralExpression(o)) {
        const p = o.properties.find((pp) => pp.name && (tsm.isIdentifier(pp.name) || tsm.isStringLiteral(pp.name)) && pp.name.text === x.name.text);
        if (p && tsm.isPropertyAssignment(p)) {
          const v = operationNameValue(tsm, p.initializer, checker, depth + 1);
          if (v !== undefined) return v;
        }
      }
    }
  }
  if (checker && (tsm.isIdentifier(x) || tsm.isPropertyAccessExpression(x) || tsm.isElementAccessExpression(x))) {
    try {
      const t = checker.getTypeAtLocation(x);
      if (t.isStringLiteral()) return t.value;
    } catch (e) {
      reportInternalError(e, 'operations', fileNameOf(x));
      // unknown
    }
  }
  return undefined;
}

// ---------- callbacks and scope ----------

/** For a function passed to a durable operation, that operation (and whether the function is its callback). */
export function operationOfCallback(tsm: TS, fn: ts.Node, checker?: ts.TypeChecker): DurableOperationCall | undefined {
  try {
    const host = callbackHost(tsm, fn);
    return host ? getDurableOperationCall(tsm, host, checker) : undefined;
  } catch (e) {
    reportInternalError(e, 'operations', fileNameOf(fn));
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
  } catch (e) {
    reportInternalError(e, 'operations', fileNameOf(node));
    // fall through
  }
  return undefined;
}
