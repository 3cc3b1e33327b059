// Pure: the "replace the sleep with <ctx>.wait" quick fix for promise-wrapped setTimeout and timers/promises.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { canAwaitAt, needsParensForAwait, textOf, type QuickFix } from './fixModel';
import { SHIFTS_IDS_WARNING } from './wrapInStep';

export const REPLACE_SLEEP = 'durableLens.replaceSleepWithWait';

const TIMERS_PROMISES = new Set(['timers/promises', 'node:timers/promises']);

/**
 * Finds the awaited sleep around the flagged timer — `await new Promise(r => setTimeout(r, ms))` or
 * `await setTimeout(ms)` from timers/promises — and replaces it with `await ctx.wait({ seconds })`
 * (the SDK's Duration; a wait is at least one second, so milliseconds round up).
 */
export function replaceSleepFix(ts: TS, sf: ts.SourceFile, node: ts.Node, ctx: string): QuickFix | undefined {
  const sleeps = timersPromisesSleepNames(ts, sf);
  let n: ts.Node | undefined = node;
  for (let depth = 0; n && depth < 10; depth++, n = n.parent) {
    if (!ts.isAwaitExpression(n)) continue;
    const ms = sleepDuration(ts, n.expression, sleeps);
    if (!ms || !canAwaitAt(ts, n)) return undefined;
    const constant = evalNumber(ts, ms);
    const seconds = constant !== undefined ? String(Math.max(1, Math.ceil(constant / 1000))) : `Math.ceil(${parenthesize(ts, sf, ms)} / 1000)`;
    let newText = `await ${ctx}.wait({ seconds: ${seconds} })`;
    if (needsParensForAwait(ts, n)) newText = `(${newText})`;
    const start = n.getStart(sf);
    const rounded = constant !== undefined && constant % 1000 !== 0 ? ', rounded up to whole seconds' : '';
    return {
      fixName: REPLACE_SLEEP,
      description: `Replace the sleep with ${ctx}.wait({ seconds: ${seconds} })${rounded} (${SHIFTS_IDS_WARNING})`,
      edits: [{ start, length: n.end - start, newText }],
    };
  }
  return undefined;
}

/** The milliseconds expression of a recognised sleep, or undefined. */
function sleepDuration(ts: TS, e: ts.Expression, sleeps: { names: Set<string>; namespaces: Set<string> }): ts.Expression | undefined {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isCallExpression(e)) {
    const c = e.expression;
    const isSleep =
      (ts.isIdentifier(c) && sleeps.names.has(c.text)) ||
      (ts.isPropertyAccessExpression(c) && ts.isIdentifier(c.expression) && sleeps.namespaces.has(c.expression.text) && c.name.text === 'setTimeout');
    return isSleep ? e.arguments[0] : undefined;
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
    const resolves =
      (ts.isIdentifier(cb) && cb.text === resolve.text) ||
      ((ts.isArrowFunction(cb) || ts.isFunctionExpression(cb)) && cb.parameters.length === 0 && callsOnly(ts, cb.body, resolve.text));
    if (!resolves) return undefined;
    return call.arguments[1] ?? ts.factory.createNumericLiteral(0);
  }
  return undefined;
}

function callsOnly(ts: TS, body: ts.ConciseBody, fn: string): boolean {
  let e: ts.Node | undefined = body;
  if (ts.isBlock(body)) {
    if (body.statements.length !== 1 || !ts.isExpressionStatement(body.statements[0])) return false;
    e = body.statements[0].expression;
  }
  return !!e && ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === fn;
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
