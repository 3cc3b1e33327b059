// Pure: the "wrap in <ctx>.step" quick fix for non-deterministic calls, I/O and env reads in replayed code.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { canAwaitAt, climbToCall, isWriteTarget, needsParensForAwait, textOf, toKebab, type QuickFix } from './fixModel';

export const WRAP_IN_STEP = 'durableLens.wrapInStep';

/** Warning carried by every fix that adds an operation: ids are positional (see DURABLE-API.md). */
export const SHIFTS_IDS_WARNING = 'adds an operation: later operation ids shift, executions already in flight may fail to replay';

/**
 * Replaces the flagged expression E (or `await E`) with `await ctx.step("name", async () => E)`.
 * Offered only where `await` is legal and the expression is read, not written.
 */
export function wrapInStepFix(ts: TS, sf: ts.SourceFile, node: ts.Node, ctx: string): QuickFix | undefined {
  let expr: ts.Node = climbToCall(ts, node) ?? climbReads(ts, node);
  if (!ts.isExpression(expr as ts.Node) || ts.isIdentifier(expr) && expr.text === ctx) return undefined;
  let body: ts.Node = expr;
  if (expr.parent && ts.isAwaitExpression(expr.parent)) expr = expr.parent;
  if (isWriteTarget(ts, expr) || !canAwaitAt(ts, expr)) return undefined;
  if (ts.isAwaitExpression(body)) body = body.expression;
  let bodyText = textOf(sf, body);
  if (ts.isObjectLiteralExpression(body)) bodyText = `(${bodyText})`;
  const name = stepName(ts, expr, body);
  let newText = `await ${ctx}.step(${JSON.stringify(name)}, async () => ${bodyText})`;
  if (needsParensForAwait(ts, expr)) newText = `(${newText})`;
  const start = expr.getStart(sf);
  return {
    fixName: WRAP_IN_STEP,
    description: `Wrap in ${ctx}.step("${name}") (${SHIFTS_IDS_WARNING})`,
    edits: [{ start, length: expr.end - start, newText }],
  };
}

/** For reads such as `process.env.X`: climb to the outermost property access of the chain. */
function climbReads(ts: TS, node: ts.Node): ts.Node {
  let n = node;
  while (n.parent && (ts.isPropertyAccessExpression(n.parent) || ts.isElementAccessExpression(n.parent)) && n.parent.expression === n) n = n.parent;
  return n;
}

/** A readable step name: the variable it initialises, else what is called (`Get` for `send(new GetCommand())`). */
function stepName(ts: TS, expr: ts.Node, body: ts.Node): string {
  let p = expr.parent;
  while (p && (ts.isParenthesizedExpression(p) || ts.isAsExpression(p))) p = p.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return toKebab(p.name.text);
  if (ts.isCallExpression(body) || ts.isNewExpression(body)) {
    const callee = body.expression;
    const last = lastName(ts, callee);
    const arg = body.arguments?.[0];
    if (last === 'send' && arg && ts.isNewExpression(arg)) {
      const cmd = lastName(ts, arg.expression);
      if (cmd) return toKebab(cmd.replace(/Command$/, ''));
    }
    if (ts.isNewExpression(body) && last) return toKebab(`new ${last}`);
    if (ts.isPropertyAccessExpression(callee) && last && /^(now|random)$/.test(last)) return toKebab(`${lastName(ts, callee.expression) ?? ''} ${last}`);
    if (last) return toKebab(last);
  }
  if (ts.isPropertyAccessExpression(body)) return toKebab(`read ${body.name.text}`);
  if (ts.isElementAccessExpression(body) && ts.isStringLiteralLike(body.argumentExpression)) return toKebab(`read ${body.argumentExpression.text}`);
  return 'step';
}

function lastName(ts: TS, e: ts.Expression): string | undefined {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}
