// Pure: the lossy-step-result quick fix: the step returns what JSON carries and the value is rebuilt where
// the result is awaited (a Date from its time, a Set or Map from an array).
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { getDurableOperationCall } from '../analysis/operations';
import { skipOuterExpressions } from '../analysis/scope';
import { classifyExpression, returnedExpressions } from '../rules/lossy-step-result';
import { textOf, type QuickFix } from './fixModel';

export const CARRY_JSON_VALUE = 'durableLens.carryJsonValue';

const REBUILT = { date: 'Date', set: 'Set', map: 'Map' } as const;

/**
 * For a step or child context whose one returned expression R is a Date, Set or Map and whose result is
 * awaited right there: R becomes `Date.now()` / `R.getTime()` / `[...R]`, and `await op` becomes
 * `new Date(await op)` / `new Set(…)` / `new Map(…)`. Old checkpoints still rebuild: `new Date` takes the
 * ISO string a Date was stored as. Anything else (several returns, a result passed on) is not offered.
 */
export function carryJsonValueFix(ts: TS, sf: ts.SourceFile, node: ts.Node, checker?: ts.TypeChecker): QuickFix | undefined {
  if (!ts.isExpression(node)) return undefined;
  let fn: ts.Node | undefined = node.parent;
  while (fn && !ts.isFunctionLike(fn)) fn = fn.parent;
  if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || !fn.parent || !ts.isCallExpression(fn.parent)) return undefined;
  const op = getDurableOperationCall(ts, fn.parent, checker);
  if (!op || (op.method !== 'step' && op.method !== 'runInChildContext') || op.callbackArg !== fn) return undefined;
  const returned = returnedExpressions(ts, fn);
  if (returned.length !== 1 || returned[0] !== node) return undefined;
  let awaited: ts.Node = op.call;
  while (awaited.parent && ts.isParenthesizedExpression(awaited.parent)) awaited = awaited.parent;
  if (!awaited.parent || !ts.isAwaitExpression(awaited.parent)) return undefined;
  const use = awaited.parent;
  const loss = classifyExpression(ts, node, checker, fn, 0);
  if (!loss || loss.path || (loss.kind !== 'date' && loss.kind !== 'set' && loss.kind !== 'map') || !/^an? (Date|Set|Map)$/.test(loss.what)) return undefined;
  const x = skipOuterExpressions(ts, node);
  const text = textOf(sf, node);
  const receiver = ts.isIdentifier(x) || ts.isCallExpression(x) || ts.isPropertyAccessExpression(x) ? text : `(${text})`;
  let inner: string;
  if (loss.kind === 'date') inner = ts.isNewExpression(x) && !x.arguments?.length ? 'Date.now()' : `${receiver}.getTime()`;
  else inner = `[...${text}]`;
  const rebuilt = REBUILT[loss.kind];
  const start = node.getStart(sf);
  return {
    fixName: CARRY_JSON_VALUE,
    description: loss.kind === 'date' ? `Return ${inner === 'Date.now()' ? 'Date.now()' : 'getTime()'} and rebuild the Date` : `Return an array and rebuild the ${rebuilt}`,
    edits: [
      { start: use.getStart(sf), length: 0, newText: `new ${rebuilt}(` },
      { start, length: node.end - start, newText: inner },
      { start: use.end, length: 0, newText: ')' },
    ],
  };
}
