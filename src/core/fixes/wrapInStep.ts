// Pure: the "wrap in <ctx>.step" quick fix for non-deterministic calls, I/O and env reads in replayed code.
// The fixed code must behave as the original on its first run: a step result comes back through JSON.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { classifyType } from '../rules/lossy-step-result';
import {
  canAwaitAt,
  climbToCall,
  indentAt,
  isWriteTarget,
  kebabToCamel,
  needsParensForAwait,
  quoted,
  textOf,
  toKebab,
  unusedName,
  type FixStyle,
  type QuickFix,
} from './fixModel';

export const WRAP_IN_STEP = 'durableLens.wrapInStep';

/** Said in the title of every fix that adds an operation: ids are positional (see DURABLE-API.md). */
export const SHIFTS_IDS_WARNING = 'later operation ids shift';

/** How the value crosses the checkpoint: what the step returns, and how the result is turned back. */
interface Carried {
  readonly inner: string;
  readonly outer: (stepCall: string) => string;
  /** The outer text is a call or `new` already: it needs no parentheses as a receiver or operand. */
  readonly wrapped: boolean;
}

/**
 * Replaces the flagged expression E (or `await E`) with a step that runs it once. The step returns only
 * what JSON carries unchanged: E itself when its value is a number, string or plain data (known by the
 * call, or by its type), `Date.now()` rebuilt into `new Date(…)` for a Date, base64 rebuilt into a Buffer,
 * nothing when the value is not used. Anything else (a fetch Response, an SDK stream) is not offered: a
 * step would hand back something else. In arithmetic and templates the step is hoisted into a `const`
 * before the statement when that runs it at the same moment; otherwise it is inlined.
 */
export function wrapInStepFix(ts: TS, sf: ts.SourceFile, node: ts.Node, ctx: string, style: FixStyle, checker?: ts.TypeChecker): QuickFix | undefined {
  let expr: ts.Node = climbToCall(ts, node) ?? climbReads(ts, node);
  if (!ts.isExpression(expr as ts.Node) || (ts.isIdentifier(expr) && expr.text === ctx)) return undefined;
  let body = expr as ts.Expression;
  if (expr.parent && ts.isAwaitExpression(expr.parent)) expr = expr.parent;
  if (isWriteTarget(ts, expr) || !canAwaitAt(ts, expr)) return undefined;
  if (ts.isAwaitExpression(body)) body = body.expression;
  const bodyText = ts.isObjectLiteralExpression(body) ? `(${textOf(sf, body)})` : textOf(sf, body);
  const start = expr.getStart(sf);
  const description = `Wrap in ${ctx}.step (${SHIFTS_IDS_WARNING})`;

  if (isDiscarded(ts, expr)) {
    const name = stepName(ts, expr, body);
    return {
      fixName: WRAP_IN_STEP,
      description,
      edits: [{ start, length: expr.end - start, newText: `await ${ctx}.step(${quoted(style, name)}, async () => { await ${bodyText}; })` }],
    };
  }
  const carried = carriedValue(ts, body, bodyText, style, checker);
  if (!carried) return undefined;

  const statement = hoistTarget(ts, expr);
  if (statement) {
    const name = calleeStepName(ts, body);
    const local = unusedName(ts, sf, kebabToCamel(name));
    const at = statement.getStart(sf);
    const decl = `const ${local} = ${carried.outer(`await ${ctx}.step(${quoted(style, name)}, async () => ${carried.inner})`)};${style.newLine}${indentAt(sf, at)}`;
    return {
      fixName: WRAP_IN_STEP,
      description,
      edits: [
        { start: at, length: 0, newText: decl },
        { start, length: expr.end - start, newText: local },
      ],
    };
  }
  const name = stepName(ts, expr, body);
  let newText = carried.outer(`await ${ctx}.step(${quoted(style, name)}, async () => ${carried.inner})`);
  if (!carried.wrapped && needsParensForAwait(ts, expr)) newText = `(${newText})`;
  return { fixName: WRAP_IN_STEP, description, edits: [{ start, length: expr.end - start, newText }] };
}

/** The value of `expr` is thrown away: a statement of its own (or `void`). */
function isDiscarded(ts: TS, expr: ts.Node): boolean {
  let p = expr.parent;
  while (p && ts.isParenthesizedExpression(p)) p = p.parent;
  return !!p && (ts.isExpressionStatement(p) || ts.isVoidExpression(p));
}

const identity = (s: string): string => s;

/** Calls whose results are numbers, strings or arrays of numbers: JSON gives them back unchanged. */
const SAFE_METHODS: Readonly<Record<string, ReadonlySet<string>>> = {
  Date: new Set(['now', 'parse']),
  performance: new Set(['now']),
  Math: new Set(['random']),
  crypto: new Set(['randomUUID', 'randomInt']),
  webcrypto: new Set(['randomUUID']),
  uuid: new Set(['v1', 'v4', 'v6', 'v7']),
  process: new Set(['hrtime', 'uptime']),
};
const SAFE_FUNCTIONS = new Set(['Date', 'randomUUID', 'randomInt', 'uuid', 'v1', 'v4', 'v6', 'v7', 'uuidv4', 'uuidV4', 'nanoid', 'ulid', 'cuid', 'createId']);

function carriedValue(ts: TS, body: ts.Expression, bodyText: string, style: FixStyle, checker: ts.TypeChecker | undefined): Carried | undefined {
  const plain: Carried = { inner: bodyText, outer: identity, wrapped: false };
  if (ts.isNewExpression(body) && ts.isIdentifier(body.expression) && body.expression.text === 'Date' && !body.arguments?.length) {
    return { inner: 'Date.now()', outer: (s) => `new Date(${s})`, wrapped: true };
  }
  if (isEnvRead(ts, body)) return plain;
  if (ts.isCallExpression(body)) {
    const callee = body.expression;
    if (ts.isIdentifier(callee) && SAFE_FUNCTIONS.has(callee.text)) return plain;
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const owner = callee.expression;
      const ownerName = ts.isIdentifier(owner) ? owner.text : ts.isPropertyAccessExpression(owner) ? owner.name.text : undefined;
      if (method === 'bigint' && ownerName === 'hrtime') return { inner: `${bodyText}.toString()`, outer: (s) => `BigInt(${s})`, wrapped: true };
      if (ownerName && SAFE_METHODS[ownerName]?.has(method)) return plain;
    }
    const last = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    if (last === 'randomBytes' && body.arguments.length === 1) {
      const b64 = quoted(style, 'base64');
      return { inner: `${bodyText}.toString(${b64})`, outer: (s) => `Buffer.from(${s}, ${b64})`, wrapped: true };
    }
  }
  if (!checker) return undefined;
  try {
    let type = checker.getTypeAtLocation(body);
    type = checker.getAwaitedType(type) ?? type;
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
    const loss = classifyType(ts, checker, type, 0, new Set());
    if (!loss) return plain;
    if (loss.kind === 'date' && !loss.path) {
      const receiver = ts.isIdentifier(body) || ts.isCallExpression(body) || ts.isPropertyAccessExpression(body) ? bodyText : `(${bodyText})`;
      return { inner: `${receiver}.getTime()`, outer: (s) => `new Date(${s})`, wrapped: true };
    }
  } catch {
    // No type: not known to be safe.
  }
  return undefined;
}

function isEnvRead(ts: TS, e: ts.Expression): boolean {
  if (!(ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e))) return false;
  const o = e.expression;
  return ts.isPropertyAccessExpression(o) && o.name.text === 'env' && ts.isIdentifier(o.expression) && o.expression.text === 'process';
}

/**
 * The statement to hoist a step into a `const` before, when `expr` is an operand of arithmetic, a
 * comparison, a unary operator or a template, and hoisting evaluates it at the same moment: on every path
 * through the statement (not behind `&&`, `?:`, `?.` or in a loop condition), with nothing evaluated before
 * it in the statement that could have an effect, and using no binding the statement itself declares.
 */
function hoistTarget(ts: TS, expr: ts.Node): ts.Statement | undefined {
  let p = expr.parent;
  while (p && ts.isParenthesizedExpression(p)) p = p.parent;
  if (!p) return undefined;
  const K = ts.SyntaxKind;
  const operand =
    (ts.isBinaryExpression(p) && !(p.operatorToken.kind >= K.FirstAssignment && p.operatorToken.kind <= K.LastAssignment) && ![K.CommaToken, K.AmpersandAmpersandToken, K.BarBarToken, K.QuestionQuestionToken].includes(p.operatorToken.kind)) ||
    ts.isPrefixUnaryExpression(p) ||
    ts.isTemplateSpan(p);
  if (!operand) return undefined;
  let child: ts.Node = expr;
  for (let n: ts.Node | undefined = expr.parent; n; child = n, n = n.parent) {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return undefined;
    if (ts.isConditionalExpression(n) && child !== n.condition) return undefined;
    if (ts.isBinaryExpression(n) && n.right === child && [K.AmpersandAmpersandToken, K.BarBarToken, K.QuestionQuestionToken].includes(n.operatorToken.kind)) return undefined;
    if ((ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n) || ts.isCallExpression(n)) && n.questionDotToken) return undefined;
    if (ts.isStatement(n)) {
      const ok =
        ts.isVariableStatement(n) ||
        ts.isExpressionStatement(n) ||
        ts.isReturnStatement(n) ||
        ts.isThrowStatement(n) ||
        (ts.isIfStatement(n) && child === n.expression) ||
        (ts.isSwitchStatement(n) && child === n.expression);
      if (!ok || !n.parent || !(ts.isBlock(n.parent) || ts.isSourceFile(n.parent) || ts.isCaseClause(n.parent) || ts.isDefaultClause(n.parent))) return undefined;
      return evaluatedEarlierHasEffects(ts, n, expr) || usesOwnBindings(ts, n, expr) ? undefined : n;
    }
  }
  return undefined;
}

function evaluatedEarlierHasEffects(ts: TS, statement: ts.Node, expr: ts.Node): boolean {
  const exprStart = expr.getStart();
  let effect = false;
  const visit = (n: ts.Node): void => {
    if (effect || n.getStart() >= exprStart || ts.isFunctionLike(n)) return;
    const isAncestor = n.pos <= expr.pos && n.end >= expr.end;
    if (!isAncestor) {
      if (ts.isCallExpression(n) || ts.isNewExpression(n) || ts.isAwaitExpression(n) || ts.isTaggedTemplateExpression(n) || ts.isYieldExpression(n) || ts.isDeleteExpression(n)) effect = true;
      if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) effect = true;
      if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) effect = true;
      if (effect) return;
    }
    ts.forEachChild(n, visit);
  };
  visit(statement);
  return effect;
}

function usesOwnBindings(ts: TS, statement: ts.Node, expr: ts.Node): boolean {
  if (!ts.isVariableStatement(statement)) return false;
  const names = new Set<string>();
  const collect = (b: ts.BindingName): void => {
    if (ts.isIdentifier(b)) names.add(b.text);
    else for (const el of b.elements) if (!ts.isOmittedExpression(el)) collect(el.name);
  };
  for (const d of statement.declarationList.declarations) collect(d.name);
  let uses = false;
  const visit = (n: ts.Node): void => {
    if (uses) return;
    if (ts.isIdentifier(n) && names.has(n.text)) uses = true;
    ts.forEachChild(n, visit);
  };
  visit(expr);
  return uses;
}

/** For reads such as `process.env.X`: climb to the outermost property access of the chain. */
function climbReads(ts: TS, node: ts.Node): ts.Node {
  let n = node;
  while (n.parent && (ts.isPropertyAccessExpression(n.parent) || ts.isElementAccessExpression(n.parent)) && n.parent.expression === n) n = n.parent;
  return n;
}

/**
 * A readable step name: the variable the expression ends up in (also through `.toISOString()` and the
 * like), else what is called (`get-object` for `send(new GetObjectCommand())`).
 */
export function stepName(ts: TS, expr: ts.Node, body: ts.Node): string {
  let p = expr.parent;
  let through: ts.Node = expr;
  while (
    p &&
    (ts.isParenthesizedExpression(p) ||
      ts.isAsExpression(p) ||
      ts.isAwaitExpression(p) ||
      ((ts.isPropertyAccessExpression(p) || ts.isCallExpression(p)) && p.expression === through))
  ) {
    through = p;
    p = p.parent;
  }
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return toKebab(p.name.text);
  return calleeStepName(ts, body);
}

/** The step name from what is called or read, ignoring where the value goes. */
function calleeStepName(ts: TS, body: ts.Node): string {
  if (ts.isCallExpression(body) || ts.isNewExpression(body)) {
    const callee = body.expression;
    const last = lastName(ts, callee);
    const arg = body.arguments?.[0];
    if (last === 'send' && arg && ts.isNewExpression(arg)) {
      const cmd = lastName(ts, arg.expression);
      if (cmd) return toKebab(cmd.replace(/Command$/, ''));
    }
    if (ts.isNewExpression(body) && last) return toKebab(`new ${last}`);
    if (ts.isPropertyAccessExpression(callee) && last && /^(now|random|bigint)$/.test(last)) return toKebab(`${lastName(ts, callee.expression) ?? ''} ${last}`);
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
