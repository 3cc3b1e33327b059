// Core (pure): rule lossy-step-result — a step, child-context or waitForCallback result its checkpoint changes.
// Also exports the JSON-safety classifier the wrap-in-step quick fix uses to stay behaviour-preserving.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { getDurableOperationCall, type DurableOperationCall } from '../analysis/operations';
import { findBinding, isFunctionWithBody, skipOuterExpressions, fileNameOf } from '../analysis/scope';
import { docsPath, Rule } from './rule';
import { reportInternalError } from '../errors';

/** What JSON (the default serdes) does to a value; undefined means it survives unchanged. */
export type LossKind = 'date' | 'set' | 'map' | 'class' | 'function' | 'bigint' | 'buffer' | 'error' | 'regexp';

export interface Loss {
  readonly kind: LossKind;
  /** What the value is, for messages: `a Date`, `a Set`, `an Order instance`. */
  readonly what: string;
  /** Where in the result: '' for the result itself, `.items[].at` for a nested one. */
  readonly path: string;
}

/** `is a Date`, or `has a Date at result.items[].at`. */
export function describeLoss(loss: Loss): string {
  return loss.path ? `has ${loss.what} at result${loss.path}` : `is ${loss.what}`;
}

const BECOMES: Readonly<Record<LossKind, string>> = {
  date: 'as an ISO string',
  set: 'as an empty object',
  map: 'as an empty object',
  class: 'as a plain object without its prototype or methods',
  function: 'as undefined',
  bigint: 'not at all: JSON cannot serialize a BigInt, so the operation fails',
  buffer: 'as a plain object of bytes',
  error: 'as an empty object',
  regexp: 'as an empty object',
};

const ADVICE: Readonly<Record<LossKind, string>> = {
  date: 'return toISOString() or getTime() and rebuild it with new Date(...) where it is used',
  set: 'return [...set] and rebuild it with new Set(...)',
  map: 'return [...map] and rebuild it with new Map(...)',
  class: 'return plain data and rebuild the instance where it is used',
  function: 'return data, not a function',
  bigint: 'return it as a string and rebuild it with BigInt(...)',
  buffer: "return toString('base64') and rebuild it with Buffer.from(..., 'base64')",
  error: 'return { name, message } instead',
  regexp: 'return its source and rebuild it with new RegExp(...)',
};

const STEP_LIKE = new Set(['step', 'runInChildContext', 'map', 'parallel']);

export const lossyStepResult: Rule = {
  meta: {
    id: 'lossy-step-result',
    messages: {
      result:
        'The {{op}} result {{what}}: it passes through the checkpoint as JSON, on the first run too, and comes back {{becomes}}. Fix: {{advice}}, or give the {{op}} a serdes.',
      callback:
        'waitForCallback returns the raw string the callback was completed with, not {{type}}: parse it (JSON.parse) where it is used, or give waitForCallback a serdes that deserializes it.',
    },
    docs: docsPath('lossy-step-result'),
  },
  modes: ['replayed'],
  create() {
    let defaults: { steps: boolean; callbacks: boolean } | undefined;
    return (node, c) => {
      const tsm = c.ts;
      if (!tsm.isCallExpression(node)) return;
      const op = getDurableOperationCall(tsm, node, c.checker);
      if (!op) return;
      const isStep = STEP_LIKE.has(op.method);
      if (!isStep && op.method !== 'waitForCallback') return;
      defaults ??= contextSerdesDefaults(tsm, c.sourceFile);
      if (hasSerdes(tsm, configArgument(op))) return;
      if (isStep) {
        if (defaults.steps) return;
        const report = (at: ts.Node, loss: Loss): void => c.report(at, 'result', { op: opLabel(op.method), what: describeLoss(loss), becomes: BECOMES[loss.kind], advice: ADVICE[loss.kind] });
        for (const fn of callbacksOf(tsm, op)) {
          for (const ret of returnedExpressions(tsm, fn)) {
            const loss = classifyExpression(tsm, ret, c.checker, fn, 0);
            if (loss) report(ret, loss);
          }
        }
        const ref = referencedCallback(tsm, op);
        if (ref) {
          const loss = classifyReference(tsm, ref, c.checker);
          if (loss) report(ref, loss);
        }
        return;
      }
      if (defaults.callbacks) return;
      const bad = callbackResultType(tsm, op, c.checker, c.sourceFile);
      if (bad) c.report(bad.node, 'callback', { type: bad.type });
    };
  },
};

function opLabel(method: string): string {
  if (method === 'step') return 'step';
  if (method === 'runInChildContext') return 'child context';
  return method === 'parallel' ? 'parallel branch' : 'map item';
}

/** The operation's config object: the argument after its callback (step, child, map, parallel, waitForCallback). */
function configArgument(op: DurableOperationCall): ts.Expression | undefined {
  if (!op.callbackArg) return undefined;
  const i = op.call.arguments.indexOf(op.callbackArg);
  return i >= 0 ? op.call.arguments[i + 1] : undefined;
}

/** A `serdes` in the config; a config we cannot read (a variable, a spread) counts as having one. */
function hasSerdes(tsm: TS, config: ts.Expression | undefined): boolean {
  if (!config) return false;
  const x = skipOuterExpressions(tsm, config);
  if (tsm.isIdentifier(x) && x.text === 'undefined') return false;
  if (!tsm.isObjectLiteralExpression(x)) return true;
  return x.properties.some((p) => tsm.isSpreadAssignment(p) || (p.name !== undefined && propName(tsm, p.name) === 'serdes'));
}

function propName(tsm: TS, n: ts.PropertyName): string | undefined {
  return tsm.isIdentifier(n) || tsm.isStringLiteral(n) ? n.text : undefined;
}

/** `ctx.configureSerdes({ defaultSerdes, defaultCallbackDeserializer })` anywhere in the file changes the defaults. */
function contextSerdesDefaults(tsm: TS, sf: ts.SourceFile): { steps: boolean; callbacks: boolean } {
  const out = { steps: false, callbacks: false };
  if (!sf.text.includes('configureSerdes')) return out;
  const visit = (n: ts.Node): void => {
    if (tsm.isCallExpression(n) && tsm.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'configureSerdes') {
      const arg = n.arguments[0] && skipOuterExpressions(tsm, n.arguments[0]);
      if (!arg || !tsm.isObjectLiteralExpression(arg) || arg.properties.some((p) => tsm.isSpreadAssignment(p))) {
        out.steps = out.callbacks = true;
      } else {
        for (const p of arg.properties) {
          const name = p.name && propName(tsm, p.name);
          if (name === 'defaultSerdes') out.steps = true;
          if (name === 'defaultCallbackDeserializer') out.callbacks = true;
        }
      }
    }
    tsm.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The functions whose results are checkpointed: the step/child/map function, each parallel branch. */
function callbacksOf(tsm: TS, op: DurableOperationCall): ts.FunctionLikeDeclaration[] {
  const arg = op.callbackArg && skipOuterExpressions(tsm, op.callbackArg);
  if (!arg) return [];
  if (isFunctionWithBody(tsm, arg)) return [arg];
  if (op.method !== 'parallel' || !tsm.isArrayLiteralExpression(arg)) return [];
  const out: ts.FunctionLikeDeclaration[] = [];
  for (const el of arg.elements) {
    let f: ts.Expression = skipOuterExpressions(tsm, el);
    if (tsm.isObjectLiteralExpression(f)) {
      const func = f.properties.find((p) => p.name !== undefined && propName(tsm, p.name) === 'func');
      if (!func || !tsm.isPropertyAssignment(func)) continue;
      f = skipOuterExpressions(tsm, func.initializer);
    }
    if (isFunctionWithBody(tsm, f)) out.push(f);
  }
  return out;
}

/** `ctx.step('load', loadOrder)`: a callback passed by name (step and child context only). */
function referencedCallback(tsm: TS, op: DurableOperationCall): ts.Identifier | ts.PropertyAccessExpression | undefined {
  if (op.method !== 'step' && op.method !== 'runInChildContext') return undefined;
  const arg = op.callbackArg && skipOuterExpressions(tsm, op.callbackArg);
  return arg && (tsm.isIdentifier(arg) || tsm.isPropertyAccessExpression(arg)) ? arg : undefined;
}

/** By the function's declared or inferred return type; without types, by the returns of a same-file function. */
function classifyReference(tsm: TS, ref: ts.Identifier | ts.PropertyAccessExpression, checker: ts.TypeChecker | undefined): Loss | undefined {
  if (checker) {
    try {
      const sig = checker.getTypeAtLocation(ref).getCallSignatures()[0];
      if (sig) {
        const ret = sig.getReturnType();
        const type = checker.getAwaitedType(ret) ?? ret;
        if (!(type.flags & (tsm.TypeFlags.Any | tsm.TypeFlags.Unknown))) return classifyType(tsm, checker, type, 0, new Set());
      }
    } catch (e) {
      reportInternalError(e, 'lossy-step-result', fileNameOf(ref));
      // fall back to syntax
    }
  }
  if (!tsm.isIdentifier(ref)) return undefined;
  const decl = findBinding(tsm, ref);
  let fn: ts.Node | undefined = decl;
  if (decl && tsm.isVariableDeclaration(decl) && decl.initializer) fn = skipOuterExpressions(tsm, decl.initializer);
  if (!fn || !isFunctionWithBody(tsm, fn)) return undefined;
  for (const ret of returnedExpressions(tsm, fn)) {
    const loss = classifySyntax(tsm, ret, fn, 0);
    if (loss) return loss;
  }
  return undefined;
}

/** The expressions a function returns (its expression body, or each `return x`), not those of nested functions. */
export function returnedExpressions(tsm: TS, fn: ts.FunctionLikeDeclaration): ts.Expression[] {
  const body = fn.body;
  if (!body) return [];
  if (!tsm.isBlock(body)) return [body];
  const out: ts.Expression[] = [];
  const visit = (n: ts.Node): void => {
    if (tsm.isFunctionLike(n) || tsm.isClassLike(n)) return;
    if (tsm.isReturnStatement(n) && n.expression) out.push(n.expression);
    tsm.forEachChild(n, visit);
  };
  tsm.forEachChild(body, visit);
  return out;
}

/**
 * What the checkpoint loses of this value: by its type when the checker knows it (not any/unknown), by
 * syntax otherwise (`new Date()`, `new Set()`, a class instance, a function, `10n`, and these inside object
 * and array literals). `scope`: variables declared inside it are followed to their initializer.
 */
export function classifyExpression(tsm: TS, expr: ts.Expression, checker: ts.TypeChecker | undefined, scope: ts.Node | undefined, depth: number): Loss | undefined {
  if (checker) {
    try {
      let type = checker.getTypeAtLocation(expr);
      type = checker.getAwaitedType(type) ?? type;
      if (!(type.flags & (tsm.TypeFlags.Any | tsm.TypeFlags.Unknown))) return classifyType(tsm, checker, type, 0, new Set());
    } catch (e) {
      reportInternalError(e, 'lossy-step-result', fileNameOf(expr));
      // A checker failure on odd code falls back to syntax.
    }
  }
  return classifySyntax(tsm, expr, scope, depth);
}

const SYNTAX_SAFE_NEW = new Set(['Promise', 'Array', 'Object', 'String', 'Number', 'Boolean']);
const BUFFER_NAMES = /^(Buffer|ArrayBuffer|SharedArrayBuffer|DataView|(Big)?(Int|Uint|Float)(8|16|32|64)(Clamped)?Array)$/;

function classifyNewName(name: string): Loss | undefined {
  if (name === 'Date') return { kind: 'date', what: 'a Date', path: '' };
  if (name === 'Set' || name === 'WeakSet') return { kind: 'set', what: `a ${name}`, path: '' };
  if (name === 'Map' || name === 'WeakMap') return { kind: 'map', what: `a ${name}`, path: '' };
  if (name === 'RegExp') return { kind: 'regexp', what: 'a RegExp', path: '' };
  if (BUFFER_NAMES.test(name)) return { kind: 'buffer', what: `a ${name}`, path: '' };
  if (/Error$/.test(name)) return { kind: 'error', what: `an ${name}`, path: '' };
  return { kind: 'class', what: `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} instance`, path: '' };
}

function within(loss: Loss | undefined, segment: string): Loss | undefined {
  return loss && { kind: loss.kind, what: loss.what, path: `${segment}${loss.path}` };
}

function classifySyntax(tsm: TS, e: ts.Expression, scope: ts.Node | undefined, depth: number): Loss | undefined {
  if (depth > 3) return undefined;
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isNewExpression(x)) {
    const callee = skipOuterExpressions(tsm, x.expression);
    const name = tsm.isIdentifier(callee) ? callee.text : tsm.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    if (!name || SYNTAX_SAFE_NEW.has(name)) return undefined;
    return classifyNewName(name);
  }
  if (tsm.isArrowFunction(x) || tsm.isFunctionExpression(x) || tsm.isClassExpression(x)) return { kind: 'function', what: 'a function', path: '' };
  if (tsm.isBigIntLiteral(x)) return { kind: 'bigint', what: 'a BigInt', path: '' };
  if (tsm.isPrefixUnaryExpression(x) && tsm.isBigIntLiteral(x.operand)) return { kind: 'bigint', what: 'a BigInt', path: '' };
  if (tsm.isCallExpression(x)) {
    const callee = skipOuterExpressions(tsm, x.expression);
    if (tsm.isIdentifier(callee) && callee.text === 'BigInt') return { kind: 'bigint', what: 'a BigInt', path: '' };
    if (tsm.isPropertyAccessExpression(callee) && tsm.isIdentifier(callee.expression) && callee.expression.text === 'Buffer' && /^(from|alloc|allocUnsafe|concat)$/.test(callee.name.text)) {
      return { kind: 'buffer', what: 'a Buffer', path: '' };
    }
    return undefined;
  }
  if (tsm.isObjectLiteralExpression(x)) {
    for (const p of x.properties) {
      const name = p.name && propName(tsm, p.name);
      if (tsm.isMethodDeclaration(p) || tsm.isGetAccessorDeclaration(p) || tsm.isSetAccessorDeclaration(p)) return { kind: 'function', what: 'a function', path: `.${name ?? '?'}` };
      if (tsm.isPropertyAssignment(p)) {
        const loss = within(classifySyntax(tsm, p.initializer, scope, depth + 1), `.${name ?? '?'}`);
        if (loss) return loss;
      }
      if (tsm.isShorthandPropertyAssignment(p)) {
        const loss = within(classifySyntax(tsm, p.name, scope, depth + 1), `.${p.name.text}`);
        if (loss) return loss;
      }
    }
    return undefined;
  }
  if (tsm.isArrayLiteralExpression(x)) {
    for (const el of x.elements) {
      if (tsm.isSpreadElement(el) || tsm.isOmittedExpression(el)) continue;
      const loss = within(classifySyntax(tsm, el, scope, depth + 1), '[]');
      if (loss) return loss;
    }
    return undefined;
  }
  if (tsm.isIdentifier(x) && scope) {
    const decl = findBinding(tsm, x);
    if (decl && tsm.isVariableDeclaration(decl) && decl.initializer && decl.pos >= scope.pos && decl.end <= scope.end) {
      const list = decl.parent;
      if (tsm.isVariableDeclarationList(list) && list.flags & tsm.NodeFlags.Const) return classifySyntax(tsm, decl.initializer, scope, depth + 1);
    }
  }
  return undefined;
}

function isLibDeclared(symbol: ts.Symbol | undefined): boolean {
  const d = symbol?.declarations?.[0];
  if (!d) return false;
  const f = d.getSourceFile().fileName;
  return /[\\/]typescript[\\/]lib[\\/]lib\.[^\\/]*\.d\.ts$/.test(f) || /[\\/]@types[\\/]node[\\/]/.test(f) || /[\\/]undici-types[\\/]/.test(f);
}

const LIB_SETS = new Set(['Set', 'ReadonlySet', 'WeakSet']);
const LIB_MAPS = new Set(['Map', 'ReadonlyMap', 'WeakMap']);

/** JSON round trip of a type: undefined when every value of it survives unchanged. */
export function classifyType(tsm: TS, checker: ts.TypeChecker, type: ts.Type, depth: number, seen: Set<ts.Type>): Loss | undefined {
  if (depth > 3 || seen.has(type)) return undefined;
  seen.add(type);
  const F = tsm.TypeFlags;
  if (type.flags & F.BigIntLike) return { kind: 'bigint', what: 'a BigInt', path: '' };
  if (type.flags & (F.Any | F.Unknown)) return undefined;
  if (type.isUnion()) {
    for (const t of type.types) {
      const loss = classifyType(tsm, checker, t, depth, seen);
      if (loss) return loss;
    }
    return undefined;
  }
  if (!(type.flags & F.Object)) return undefined;
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  const name = symbol?.getName();
  if (name && isLibDeclared(symbol)) {
    if (name === 'Date') return { kind: 'date', what: 'a Date', path: '' };
    if (LIB_SETS.has(name)) return { kind: 'set', what: `a ${name}`, path: '' };
    if (LIB_MAPS.has(name)) return { kind: 'map', what: `a ${name}`, path: '' };
    if (name === 'RegExp') return { kind: 'regexp', what: 'a RegExp', path: '' };
    if (BUFFER_NAMES.test(name)) return { kind: 'buffer', what: `a ${name}`, path: '' };
    if (/Error$/.test(name)) return { kind: 'error', what: `an ${name}`, path: '' };
  }
  if (checker.isArrayType(type) || checker.isTupleType(type)) {
    for (const t of checker.getTypeArguments(type as ts.TypeReference)) {
      const loss = within(classifyType(tsm, checker, t, depth + 1, seen), '[]');
      if (loss) return loss;
    }
    return undefined;
  }
  if (type.getCallSignatures().length > 0 && type.getProperties().length === 0) return { kind: 'function', what: 'a function', path: '' };
  // Other library types (a fetch Response, a stream): JSON keeps their data properties at most, never methods.
  if (name && isLibDeclared(symbol)) {
    const hasMethod = type.getProperties().some((p) => {
      if (p.flags & tsm.SymbolFlags.Method) return true;
      // undici's Response (Node's fetch) declares its methods as function-valued properties.
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      return !!decl && checker.getTypeOfSymbolAtLocation(p, decl).getCallSignatures().length > 0;
    });
    return hasMethod ? { kind: 'class', what: `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`, path: '' } : undefined;
  }
  if (symbol && symbol.flags & tsm.SymbolFlags.Class) return classifyNewName(name ?? 'class');
  for (const prop of type.getProperties().slice(0, 40)) {
    const decl = prop.valueDeclaration ?? prop.declarations?.[0];
    if (!decl) continue;
    if (tsm.isMethodDeclaration(decl) || tsm.isMethodSignature(decl)) return { kind: 'function', what: 'a function', path: `.${prop.getName()}` };
    const loss = within(classifyType(tsm, checker, checker.getTypeOfSymbolAtLocation(prop, decl), depth + 1, seen), `.${prop.getName()}`);
    if (loss) return loss;
  }
  return undefined;
}

/** A waitForCallback typed as something other than the raw string it returns (no deserializer given). */
function callbackResultType(tsm: TS, op: DurableOperationCall, checker: ts.TypeChecker | undefined, sf: ts.SourceFile): { node: ts.Node; type: string } | undefined {
  const typeArg = op.call.typeArguments?.[0];
  const calleeName = tsm.isPropertyAccessExpression(op.call.expression) ? op.call.expression.name : op.call.expression;
  if (typeArg) {
    const K = tsm.SyntaxKind;
    if (typeArg.kind === K.StringKeyword || typeArg.kind === K.AnyKeyword || typeArg.kind === K.UnknownKeyword) return undefined;
    if (checker) {
      try {
        const t = checker.getTypeFromTypeNode(typeArg);
        if (t.flags & (tsm.TypeFlags.StringLike | tsm.TypeFlags.Any | tsm.TypeFlags.Unknown)) return undefined;
      } catch (e) {
        reportInternalError(e, 'lossy-step-result', fileNameOf(typeArg));
        // fall through to the written type
      }
    }
    return { node: typeArg, type: sf.text.slice(typeArg.getStart(sf), typeArg.end).replace(/\s+/g, ' ').slice(0, 40) };
  }
  if (!checker) return undefined;
  try {
    const promised = checker.getAwaitedType(checker.getTypeAtLocation(op.call));
    if (!promised) return undefined;
    const F = tsm.TypeFlags;
    if (promised.flags & (F.StringLike | F.Any | F.Unknown | F.Never | F.Void | F.Undefined | F.TypeParameter)) return undefined;
    if (promised.isUnion() && promised.types.every((t) => t.flags & (F.StringLike | F.Undefined | F.Null))) return undefined;
    return { node: calleeName, type: checker.typeToString(promised).slice(0, 40) };
  } catch (e) {
    reportInternalError(e, 'lossy-step-result', fileNameOf(op.call));
    return undefined;
  }
}
