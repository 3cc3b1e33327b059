// Pure: the "replace the sleep with <ctx>.wait" quick fix for promise-wrapped setTimeout and timers/promises.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { canAwaitAt, needsParensForAwait, quoted, textOf, toKebab, type FixStyle, type QuickFix } from './fixModel';
import { SHIFTS_IDS_WARNING } from './wrapInStep';

export const REPLACE_SLEEP = 'durableLens.replaceSleepWithWait';

const TIMERS_PROMISES = new Set(['timers/promises', 'node:timers/promises']);

interface Sleep {
  /** The milliseconds expression. */
  readonly ms: ts.Expression;
  /** The sleep resolves with a value (`setTimeout(ms, value)`, `resolve(x)`): a wait resolves with none. */
  readonly yieldsValue: boolean;
}

/**
 * Finds the awaited sleep around the flagged timer — `await new Promise(r => setTimeout(r, ms))` or
 * `await setTimeout(ms)` from timers/promises — and replaces it with a named `await ctx.wait(name,
 * { seconds })` (the SDK's Duration; a wait is at least one second, so milliseconds round up). Not offered
 * when the code uses a value the sleep resolves with.
 */
export function replaceSleepFix(ts: TS, sf: ts.SourceFile, node: ts.Node, ctx: string, style: FixStyle): QuickFix | undefined {
  const sleeps = timersPromisesSleepNames(ts, sf);
  let n: ts.Node | undefined = node;
  for (let depth = 0; n && depth < 10; depth++, n = n.parent) {
    if (!ts.isAwaitExpression(n)) continue;
    const sleep = sleepDuration(ts, n.expression, sleeps);
    if (!sleep || !canAwaitAt(ts, n)) return undefined;
    if (sleep.yieldsValue && !isDiscarded(ts, n)) return undefined;
    const ms = sleep.ms;
    const constant = evalNumber(ts, ms);
    const seconds = constant !== undefined ? String(Math.max(1, Math.ceil(constant / 1000))) : `Math.max(1, Math.ceil(${parenthesize(ts, sf, ms)} / 1000))`;
    const name = constant !== undefined ? `wait-${seconds}s` : toKebab(`wait ${durationName(ts, ms) ?? ''}`);
    let newText = `await ${ctx}.wait(${quoted(style, name)}, { seconds: ${seconds} })`;
    if (needsParensForAwait(ts, n)) newText = `(${newText})`;
    const start = n.getStart(sf);
    return {
      fixName: REPLACE_SLEEP,
      description: `Replace with ${ctx}.wait (${SHIFTS_IDS_WARNING})`,
      edits: [{ start, length: n.end - start, newText }],
    };
  }
  return undefined;
}

function isDiscarded(ts: TS, expr: ts.Node): boolean {
  let p = expr.parent;
  while (p && ts.isParenthesizedExpression(p)) p = p.parent;
  return !!p && (ts.isExpressionStatement(p) || ts.isVoidExpression(p));
}

/** `delayMs` in `event.delayMs * 2`: the first name in a computed duration, for the wait's name. */
function durationName(ts: TS, e: ts.Expression): string | undefined {
  if (ts.isIdentifier(e)) return e.text.replace(/Ms$|Millis(econds)?$/i, '');
  if (ts.isPropertyAccessExpression(e)) return e.name.text.replace(/Ms$|Millis(econds)?$/i, '');
  let found: string | undefined;
  ts.forEachChild(e, (c) => {
    if (!found && ts.isExpression(c)) found = durationName(ts, c);
  });
  return found;
}

/** The milliseconds expression of a recognised sleep, or undefined. */
function sleepDuration(ts: TS, e: ts.Expression, sleeps: { names: Set<string>; namespaces: Set<string> }): Sleep | undefined {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isCallExpression(e)) {
    const c = e.expression;
    const isSleep =
      (ts.isIdentifier(c) && sleeps.names.has(c.text)) ||
      (ts.isPropertyAccessExpression(c) && ts.isIdentifier(c.expression) && sleeps.namespaces.has(c.expression.text) && c.name.text === 'setTimeout');
    const ms = e.arguments[0];
    return isSleep && ms ? { ms, yieldsValue: e.arguments.length > 1 } : undefined;
  }
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Promise' && e.arguments?.length === 1) {
    const exec = e.arguments[0];
    if (!(ts.isArrowFunction(exec) || ts.isFunctionExpression(exec))) return undefined;
    const resolve = exec.parameters[0]?.name;
    if (!resolve || !ts.isIdentifier(resolve)) return undefined;
    let call: ts.Node | undefined = exec.body;
    if (ts.isBlock(exec.body)) {
      if (exec.body.statements.length !== 1) return undefined;
      const s = exec.body.statements[0];
      call = ts.isExpressionStatement(s) ? s.expression : ts.isReturnStatement(s) ? s.expression : undefined;
    }
    if (!call || !ts.isCallExpression(call) || !isGlobalSetTimeout(ts, call.expression) || call.arguments.length < 1) return undefined;
    const cb = call.arguments[0];
    const direct = ts.isIdentifier(cb) && cb.text === resolve.text;
    const resolveCall = (ts.isArrowFunction(cb) || ts.isFunctionExpression(cb)) && cb.parameters.length === 0 ? callsOnly(ts, cb.body, resolve.text) : undefined;
    if (!direct && !resolveCall) return undefined;
    const yieldsValue = direct ? call.arguments.length > 2 : resolveCall!.arguments.length > 0;
    return { ms: call.arguments[1] ?? ts.factory.createNumericLiteral(0), yieldsValue };
  }
  return undefined;
}

/** The body is only a call of `fn`: that call, else undefined. */
function callsOnly(ts: TS, body: ts.ConciseBody, fn: string): ts.CallExpression | undefined {
  let e: ts.Node | undefined = body;
  if (ts.isBlock(body)) {
    if (body.statements.length !== 1 || !ts.isExpressionStatement(body.statements[0])) return undefined;
    e = body.statements[0].expression;
  }
  return !!e && ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === fn ? e : undefined;
}

function isGlobalSetTimeout(ts: TS, e: ts.Expression): boolean {
  if (ts.isIdentifier(e)) return e.text === 'setTimeout';
  return ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && ['globalThis', 'global', 'window'].includes(e.expression.text) && e.name.text === 'setTimeout';
}

/** Local names bound to timers/promises' setTimeout (imports and CommonJS requires) and namespace names. */
function timersPromisesSleepNames(ts: TS, sf: ts.SourceFile): { names: Set<string>; namespaces: Set<string> } {
  const names = new Set<string>();
  const namespaces = new Set<string>();
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && TIMERS_PROMISES.has(st.moduleSpecifier.text)) {
      const clause = st.importClause;
      if (clause?.name) namespaces.add(clause.name.text);
      const b = clause?.namedBindings;
      if (b && ts.isNamespaceImport(b)) namespaces.add(b.name.text);
      if (b && ts.isNamedImports(b)) {
        for (const el of b.elements) if ((el.propertyName ?? el.name).text === 'setTimeout') names.add(el.name.text);
      }
    }
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer;
        if (!init || !ts.isCallExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== 'require') continue;
        const arg = init.arguments[0];
        if (!arg || !ts.isStringLiteral(arg) || !TIMERS_PROMISES.has(arg.text)) continue;
        if (ts.isIdentifier(d.name)) namespaces.add(d.name.text);
        else if (ts.isObjectBindingPattern(d.name)) {
          for (const el of d.name.elements) {
            const prop = el.propertyName ?? el.name;
            if (ts.isIdentifier(prop) && prop.text === 'setTimeout' && ts.isIdentifier(el.name)) names.add(el.name.text);
          }
        }
      }
    }
  }
  return { names, namespaces };
}

/** Constant-folds numeric literals and + - * / over them (e.g. `5 * 60 * 1000`). */
function evalNumber(ts: TS, e: ts.Expression): number | undefined {
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (ts.isParenthesizedExpression(e)) return evalNumber(ts, e.expression);
  if (ts.isBinaryExpression(e)) {
    const l = evalNumber(ts, e.left);
    const r = evalNumber(ts, e.right);
    if (l === undefined || r === undefined) return undefined;
    switch (e.operatorToken.kind) {
      case ts.SyntaxKind.PlusToken: return l + r;
      case ts.SyntaxKind.MinusToken: return l - r;
      case ts.SyntaxKind.AsteriskToken: return l * r;
      case ts.SyntaxKind.SlashToken: return r === 0 ? undefined : l / r;
      default: return undefined;
    }
  }
  return undefined;
}

function parenthesize(ts: TS, sf: ts.SourceFile, e: ts.Expression): string {
  const text = textOf(sf, e);
  return ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) || ts.isNumericLiteral(e) || ts.isCallExpression(e) ? text : `(${text})`;
}
