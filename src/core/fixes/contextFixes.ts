// Pure: quick fixes that rewrite how a durable context is used: the callback's own context instead of the
// parent's, the missing `await`, console.* to the replay-aware logger, native combinators to ctx.promise.*.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { getDurableOperationCall } from '../analysis/operations';
import { skipOuterExpressions } from '../analysis/scope';
import { canAwaitAt, climbToCall, isFunctionLike, needsParensForAwait, type QuickFix } from './fixModel';
import { SHIFTS_IDS_WARNING } from './wrapInStep';

export const USE_OWN_CONTEXT = 'durableLens.useOwnContext';
export const ADD_AWAIT = 'durableLens.addAwait';
export const CONSOLE_TO_LOGGER = 'durableLens.consoleToLogger';
export const NATIVE_TO_DURABLE_COMBINATOR = 'durableLens.durableCombinator';

/** Name given to a child context parameter the fix has to add. */
const NEW_CHILD_CONTEXT_NAME = 'childContext';

/** Replaces an outer context used inside a child-context, map or parallel callback with the callback's own. */
export function useOwnContextFix(ts: TS, sf: ts.SourceFile, node: ts.Node): QuickFix | undefined {
  const outer = ts.isIdentifier(node) ? node : ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) ? node.expression : undefined;
  if (!outer) return undefined;
  for (let n: ts.Node | undefined = outer.parent; n; n = n.parent) {
    if (!isFunctionLike(ts, n) || !isChildCallback(ts, n)) continue;
    const fn = n as ts.FunctionLikeDeclaration;
    const first = fn.parameters[0];
    const edits = [];
    let own: string;
    if (first) {
      if (!ts.isIdentifier(first.name) || first.name.text === outer.text) return undefined;
      own = first.name.text;
    } else {
      own = NEW_CHILD_CONTEXT_NAME;
      edits.push({ start: fn.parameters.pos, length: 0, newText: own });
    }
    const start = outer.getStart(sf);
    edits.push({ start, length: outer.end - start, newText: own });
    return {
      fixName: USE_OWN_CONTEXT,
      description: `Use ${own} instead of ${outer.text}`,
      edits,
    };
  }
  return undefined;
}

/** A callback whose first parameter is a child context: runInChildContext, map (items, fn), parallel branches. */
export function isChildCallback(ts: TS, fn: ts.Node): boolean {
  let p = fn.parent;
  // parallel([fn, { name, func: fn }]): climb from a named branch to its array, then to the call.
  if (p && ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'func' && ts.isObjectLiteralExpression(p.parent)) p = p.parent.parent;
  if (p && ts.isArrayLiteralExpression(p)) p = p.parent;
  else if (p && ts.isCallExpression(p)) {
    const m = methodName(ts, p);
    if (m === 'runInChildContext') return p.arguments.includes(fn as ts.Expression);
    // Array.prototype.map takes the callback first; ctx.map takes the items first.
    if (m === 'map') return p.arguments.indexOf(fn as ts.Expression) >= 1;
    return false;
  } else return false;
  return !!p && ts.isCallExpression(p) && methodName(ts, p) === 'parallel';
}

function methodName(ts: TS, call: ts.CallExpression): string | undefined {
  return ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : undefined;
}

/**
 * Adds `await` before a durable operation whose promise is never awaited. Only before the operation call
 * itself: an `await` before something that is not a promise (`items.forEach(async …)`) would fix nothing.
 */
export function addAwaitFix(ts: TS, sf: ts.SourceFile, node: ts.Node, checker?: ts.TypeChecker): QuickFix | undefined {
  const call = climbToCall(ts, node) ?? (ts.isCallExpression(node) ? node : undefined);
  if (!call || !ts.isCallExpression(call) || !canAwaitAt(ts, call)) return undefined;
  if (!getDurableOperationCall(ts, call, checker)) return undefined;
  if (call.parent && ts.isAwaitExpression(call.parent)) return undefined;
  const start = call.getStart(sf);
  const edits = needsParensForAwait(ts, call)
    ? [{ start, length: 0, newText: '(await ' }, { start: call.end, length: 0, newText: ')' }]
    : [{ start, length: 0, newText: 'await ' }];
  return { fixName: ADD_AWAIT, description: 'Add await', edits };
}

const LOGGER_LEVEL: Readonly<Record<string, string>> = { log: 'info', info: 'info', warn: 'warn', error: 'error', debug: 'debug', trace: 'debug' };

/** console.log/info/warn/error/debug/trace(...) -> ctx.logger.<level>(...). */
export function consoleToLoggerFix(ts: TS, sf: ts.SourceFile, node: ts.Node, ctx: string): QuickFix | undefined {
  const call = climbToCall(ts, node) ?? node;
  if (!ts.isCallExpression(call)) return undefined;
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression) || callee.expression.text !== 'console') return undefined;
  const method = callee.name.text;
  const level = LOGGER_LEVEL[method];
  if (!level) return undefined;
  const start = callee.getStart(sf);
  return {
    fixName: CONSOLE_TO_LOGGER,
    description: `Use ${ctx}.logger.${level}`,
    edits: [{ start, length: callee.end - start, newText: `${ctx}.logger.${level}` }],
  };
}

/**
 * Not `any`: ctx.promise.any rejects with a PromiseCombinatorError without the `errors` array that
 * Promise.any's AggregateError has (checked with SDK 2.4), so code reading it would change.
 */
const COMBINATORS = new Set(['all', 'allSettled', 'race']);

/**
 * Promise.all/allSettled/race(...) -> ctx.promise.<same>(...), when every element is itself a durable
 * operation (directly, or `items.map((i) => ctx.step(…))`): their values already came through a checkpoint,
 * so the combinator's own checkpoint hands back the same values. Elements that are plain promises (an
 * async callback's result) could hold values JSON changes: not offered.
 */
export function durableCombinatorFix(ts: TS, sf: ts.SourceFile, node: ts.Node, ctx: string, checker?: ts.TypeChecker): QuickFix | undefined {
  const call = climbToCall(ts, node) ?? node;
  if (!ts.isCallExpression(call)) return undefined;
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression) || callee.expression.text !== 'Promise') return undefined;
  const method = callee.name.text;
  if (!COMBINATORS.has(method) || call.arguments.length !== 1 || !allDurable(ts, call.arguments[0]!, checker)) return undefined;
  const start = callee.getStart(sf);
  return {
    fixName: NATIVE_TO_DURABLE_COMBINATOR,
    description: `Use ${ctx}.promise.${method} (${SHIFTS_IDS_WARNING})`,
    edits: [{ start, length: callee.end - start, newText: `${ctx}.promise.${method}` }],
  };
}

function allDurable(ts: TS, arg: ts.Expression, checker: ts.TypeChecker | undefined): boolean {
  const x = skipOuterExpressions(ts, arg);
  const isOp = (e: ts.Expression): boolean => {
    const y = skipOuterExpressions(ts, e);
    return ts.isCallExpression(y) && getDurableOperationCall(ts, y, checker) !== undefined;
  };
  if (ts.isArrayLiteralExpression(x)) return x.elements.length > 0 && x.elements.every((el) => !ts.isSpreadElement(el) && isOp(el));
  if (ts.isCallExpression(x) && ts.isPropertyAccessExpression(x.expression) && x.expression.name.text === 'map' && x.arguments.length >= 1) {
    const cb = skipOuterExpressions(ts, x.arguments[0]!);
    return (ts.isArrowFunction(cb) && !ts.isBlock(cb.body) && isOp(cb.body)) || false;
  }
  return false;
}
