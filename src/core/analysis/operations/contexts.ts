// Core (pure): recognises durable contexts: typed or untyped parameters (untyped ones from their call sites,
// in this file and in the other files of the Program), destructured parameters, aliases, object fields
// (`deps.ctx`), class fields (`this.ctx`), child/item/branch contexts, and bindings learnt by a walker.
import type * as ts from 'typescript';
import type { TS } from '../model';
import { callbackHost, durableFunctionOf, filesAnalysedWith } from '../handlers';
import { findBinding, isFunctionWithBody, skipOuterExpressions, fileNameOf } from '../scope';
import { isDurableContextAnnotation, isDurableContextType, isDurableHandlerAnnotation } from '../sdk';
import { CHILD_CONTEXT_KINDS } from './kinds';
// A cycle by design: a child callback's context is known from the operation it is passed to.
import { getDurableOperationCall } from '../operations';
import { reportInternalError } from '../../errors';

const MAX_DEPTH = 8;

/** `x.name` or `x["name"]` → 'name'. */
export function memberName(tsm: TS, e: ts.Expression): string | undefined {
  if (tsm.isPropertyAccessExpression(e)) return tsm.isIdentifier(e.name) ? e.name.text : undefined;
  if (tsm.isElementAccessExpression(e)) {
    const a = e.argumentExpression;
    if (a && (tsm.isStringLiteral(a) || tsm.isNoSubstitutionTemplateLiteral(a))) return a.text;
  }
  return undefined;
}

/** The object of a member access (`x` in `x.name`/`x["name"]`). */
export function memberObject(tsm: TS, e: ts.Expression): ts.Expression | undefined {
  return tsm.isPropertyAccessExpression(e) || tsm.isElementAccessExpression(e) ? e.expression : undefined;
}

// ---------- bindings learnt by walkers ----------

let generation = 0;
const learntParams = new WeakMap<ts.ParameterDeclaration, true | Set<string>>();

/** Bumped whenever a binding is learnt: negative memo entries older than this are asked again. */
export function contextGeneration(): number {
  return generation;
}

/**
 * A walker that follows `call` into `target` tells the recogniser which of the target's parameters receive
 * a context there (`helper(ctx)`, `helper({ ctx })`), so their uses are recognised wherever they are asked
 * about (across files, without a checker). Returns true when any parameter receives one.
 */
export function learnContextArguments(tsm: TS, call: ts.CallExpression | ts.NewExpression, target: ts.SignatureDeclaration, checker: ts.TypeChecker | undefined): boolean {
  let any = false;
  const args = call.arguments ?? [];
  target.parameters.forEach((p, i) => {
    const a = args[i];
    if (!a || p.dotDotDotToken) return;
    const x = skipOuterExpressions(tsm, a);
    if (isContextExpression(tsm, x, checker, 1)) {
      any = true;
      if (learntParams.get(p) !== true) {
        learntParams.set(p, true);
        generation++;
      }
      return;
    }
    if (tsm.isObjectLiteralExpression(x)) {
      for (const prop of contextPropertiesOf(tsm, x, checker, 1)) {
        any = true;
        let s = learntParams.get(p);
        if (s === true) continue;
        if (!s) {
          s = new Set();
          learntParams.set(p, s);
        }
        if (!s.has(prop)) {
          s.add(prop);
          generation++;
        }
      }
    }
  });
  return any;
}

/** Property names under which an object literal carries a durable context (`{ ctx }`, `{ context: c }`). */
export function contextPropertiesOf(tsm: TS, o: ts.ObjectLiteralExpression, checker: ts.TypeChecker | undefined, depth = 0): string[] {
  const out: string[] = [];
  for (const p of o.properties) {
    if (tsm.isShorthandPropertyAssignment(p)) {
      if (isContextExpression(tsm, p.name, checker, depth + 1)) out.push(p.name.text);
    } else if (tsm.isPropertyAssignment(p) && (tsm.isIdentifier(p.name) || tsm.isStringLiteral(p.name))) {
      const v = skipOuterExpressions(tsm, p.initializer);
      if ((tsm.isIdentifier(v) || tsm.isPropertyAccessExpression(v) || v.kind === tsm.SyntaxKind.ThisKeyword) && isContextExpression(tsm, v, checker, depth + 1)) out.push(p.name.text);
    }
  }
  return out;
}

// ---------- expressions ----------

/** Is `expr` a durable context (see getDurableOperationCall)? */
export function isContextExpression(tsm: TS, expr: ts.Expression, checker: ts.TypeChecker | undefined, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const x = skipOuterExpressions(tsm, expr);
  if (tsm.isIdentifier(x)) {
    const decl = findBinding(tsm, x);
    if (decl && syntacticContextBinding(tsm, decl, checker, depth)) return true;
  } else if (tsm.isPropertyAccessExpression(x) || tsm.isElementAccessExpression(x)) {
    const name = memberName(tsm, x);
    if (name !== undefined) {
      const obj = skipOuterExpressions(tsm, x.expression);
      if (obj.kind === tsm.SyntaxKind.ThisKeyword) {
        const cls = enclosingClass(tsm, obj);
        if (cls && classFieldIsContext(tsm, cls, name, checker, depth)) return true;
      } else if (propertyIsContext(tsm, obj, name, checker, depth)) return true;
    }
  }
  if (checker && isTypeQueryCandidate(tsm, x) && !syntacticallyNotContext(tsm, x)) {
    // Only reached when the syntax is not conclusive (a field, an untyped parameter of a wrapper, …).
    try {
      return isDurableContextType(checker.getTypeAtLocation(x));
    } catch (e) {
      reportInternalError(e, 'contexts', fileNameOf(x));
      return false;
    }
  }
  return false;
}

function syntacticContextBinding(tsm: TS, decl: ts.Node, checker: ts.TypeChecker | undefined, depth: number): boolean {
  if (tsm.isParameter(decl)) {
    const fn = decl.parent;
    return !!fn && tsm.isFunctionLike(fn) && isContextParameter(tsm, fn, fn.parameters.indexOf(decl), checker, depth);
  }
  if (tsm.isVariableDeclaration(decl)) {
    if (!decl.initializer) return false;
    const init = skipOuterExpressions(tsm, decl.initializer);
    // `const c = ctx;`, `const c = this.ctx;`, `const c = deps.ctx;`
    if (tsm.isIdentifier(init) || tsm.isPropertyAccessExpression(init) || tsm.isElementAccessExpression(init)) return isContextExpression(tsm, init, checker, depth + 1);
    return false;
  }
  if (tsm.isBindingElement(decl) && decl.parent && tsm.isObjectBindingPattern(decl.parent)) {
    const prop = decl.propertyName ?? decl.name;
    const name = tsm.isIdentifier(prop) || tsm.isStringLiteral(prop) ? prop.text : undefined;
    if (name === undefined) return false;
    const holder = decl.parent.parent;
    // `const { ctx } = deps;`
    if (tsm.isVariableDeclaration(holder) && holder.initializer) return propertyIsContext(tsm, skipOuterExpressions(tsm, holder.initializer), name, checker, depth + 1);
    // `async function helper({ ctx, order }) {…}`
    if (tsm.isParameter(holder) && holder.parent && tsm.isFunctionLike(holder.parent)) {
      const fn = holder.parent;
      const idx = fn.parameters.indexOf(holder);
      if (typeLiteralMemberIsContext(tsm, holder.type, name)) return true;
      return parameterPropertyIsContext(tsm, fn, idx, name, checker, depth + 1);
    }
  }
  return false;
}

/** `obj.name` where `obj` holds a context under `name`: a parameter given `{ name: ctx }`, a local object literal. */
function propertyIsContext(tsm: TS, obj: ts.Expression, name: string, checker: ts.TypeChecker | undefined, depth: number): boolean {
  if (depth > MAX_DEPTH || !tsm.isIdentifier(obj)) return false;
  const decl = findBinding(tsm, obj);
  if (!decl) return false;
  if (tsm.isParameter(decl) && decl.parent && tsm.isFunctionLike(decl.parent)) {
    if (typeLiteralMemberIsContext(tsm, decl.type, name)) return true;
    return parameterPropertyIsContext(tsm, decl.parent, decl.parent.parameters.indexOf(decl), name, checker, depth + 1);
  }
  if (tsm.isVariableDeclaration(decl) && decl.initializer) {
    const init = skipOuterExpressions(tsm, decl.initializer);
    if (tsm.isObjectLiteralExpression(init)) return contextPropertiesOf(tsm, init, checker, depth + 1).includes(name);
  }
  return false;
}

/** `{ ctx: DurableContext; … }` written as the parameter's type. */
function typeLiteralMemberIsContext(tsm: TS, t: ts.TypeNode | undefined, name: string): boolean {
  if (!t || !tsm.isTypeLiteralNode(t)) return false;
  for (const m of t.members) {
    if (tsm.isPropertySignature(m) && m.name && (tsm.isIdentifier(m.name) || tsm.isStringLiteral(m.name)) && m.name.text === name && m.type) {
      const fake = { type: m.type, flags: 0 } as unknown as ts.ParameterDeclaration;
      if (isDurableContextAnnotation(tsm, fake)) return true;
    }
  }
  return false;
}

const classFieldCache = new WeakMap<ts.Node, Map<string, boolean>>();

/** A class field holding a context: `constructor(private ctx: DurableContext)`, `ctx: DurableContext;`, `this.ctx = context`. */
function classFieldIsContext(tsm: TS, cls: ts.ClassLikeDeclaration, name: string, checker: ts.TypeChecker | undefined, depth: number): boolean {
  let m = classFieldCache.get(cls);
  if (!m) {
    m = new Map();
    classFieldCache.set(cls, m);
  }
  const known = m.get(name);
  if (known) return true;
  m.set(name, false); // recursion guard; only positive answers are kept (a binding may be learnt later)
  let found = false;
  for (const member of cls.members) {
    if (found) break;
    if (tsm.isPropertyDeclaration(member) && member.name && tsm.isIdentifier(member.name) && member.name.text === name) {
      if (member.type && isDurableContextAnnotation(tsm, member as unknown as ts.ParameterDeclaration)) found = true;
      else if (member.initializer && isContextExpression(tsm, member.initializer, checker, depth + 1)) found = true;
    } else if (tsm.isConstructorDeclaration(member)) {
      member.parameters.forEach((p, i) => {
        if (!found && tsm.isIdentifier(p.name) && p.name.text === name && tsm.getModifiers?.(p)?.length && isContextParameter(tsm, member, i, checker, depth + 1)) found = true;
      });
      if (!found && member.body) {
        for (const st of member.body.statements) {
          if (!tsm.isExpressionStatement(st) || !tsm.isBinaryExpression(st.expression) || st.expression.operatorToken.kind !== tsm.SyntaxKind.EqualsToken) continue;
          const left = st.expression.left;
          if (tsm.isPropertyAccessExpression(left) && left.expression.kind === tsm.SyntaxKind.ThisKeyword && left.name.text === name && isContextExpression(tsm, st.expression.right, checker, depth + 1)) {
            found = true;
            break;
          }
        }
      }
    }
  }
  if (found) m.set(name, true);
  else m.delete(name);
  return found;
}

function enclosingClass(tsm: TS, node: ts.Node): ts.ClassLikeDeclaration | undefined {
  let n: ts.Node | undefined = node.parent;
  while (n) {
    if (tsm.isClassLike(n)) return n;
    // `this` inside a plain function is not the class instance.
    if (tsm.isFunctionDeclaration(n) || tsm.isFunctionExpression(n)) return undefined;
    n = n.parent;
  }
  return undefined;
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

// ---------- parameters ----------

type ParamMemo = WeakMap<ts.Node, Map<string, boolean | number>>;
const plainParamMemo: ParamMemo = new WeakMap();
const checkerParamMemo = new WeakMap<ts.TypeChecker, ParamMemo>();

function paramMemo(checker: ts.TypeChecker | undefined): ParamMemo {
  if (!checker) return plainParamMemo;
  let m = checkerParamMemo.get(checker);
  if (!m) {
    m = new WeakMap();
    checkerParamMemo.set(checker, m);
  }
  return m;
}

/** Is parameter `index` of `fn` a durable context? Memoised per (checker, function); negatives until a binding is learnt. */
export function isContextParameter(tsm: TS, fn: ts.SignatureDeclaration, index: number, checker: ts.TypeChecker | undefined, depth = 0): boolean {
  return memoParam(tsm, fn, index, '', checker, depth);
}

/** Is `param.name` (or the destructured `{ name }`) of parameter `index` of `fn` a durable context? */
function parameterPropertyIsContext(tsm: TS, fn: ts.SignatureDeclaration, index: number, name: string, checker: ts.TypeChecker | undefined, depth: number): boolean {
  return memoParam(tsm, fn, index, name, checker, depth);
}

function memoParam(tsm: TS, fn: ts.SignatureDeclaration, index: number, prop: string, checker: ts.TypeChecker | undefined, depth: number): boolean {
  if (index < 0) return false;
  const memo = paramMemo(checker);
  let m = memo.get(fn);
  if (!m) {
    m = new Map();
    memo.set(fn, m);
  }
  const key = prop ? `${index}.${prop}` : String(index);
  const known = m.get(key);
  if (known === true || known === false) return known;
  if (typeof known === 'number' && known === generation) return false;
  m.set(key, false); // guards recursion through call sites and callback hosts
  let value = false;
  try {
    value = prop ? computeParameterProperty(tsm, fn, index, prop, checker, depth) : computeContextParameter(tsm, fn, index, checker, depth);
  } catch (e) {
    reportInternalError(e, 'contexts', fileNameOf(fn));
    value = false;
  }
  // Syntactic positives are final; negatives hold until the next learnt binding.
  m.set(key, value ? true : generation);
  return value;
}

function computeContextParameter(tsm: TS, fn: ts.SignatureDeclaration, index: number, checker: ts.TypeChecker | undefined, depth: number): boolean {
  const p = fn.parameters[index];
  if (!p) return false;
  if (!tsm.isIdentifier(p.name)) return false;
  if (learntParams.get(p) === true) return true;
  if (isDurableContextAnnotation(tsm, p)) return true;
  const df = durableFunctionOf(tsm, fn, checker);
  if (df && df.kind === 'handler' && index === 1) return true;
  if (index === 1 && fn.parent && tsm.isVariableDeclaration(fn.parent) && isDurableHandlerAnnotation(tsm, fn.parent)) return true;
  if (index === 0 && isFunctionWithBody(tsm, fn)) {
    const host = callbackHost(tsm, fn);
    if (host) {
      const kind = getDurableOperationCall(tsm, host, checker)?.method;
      if (kind && CHILD_CONTEXT_KINDS.has(kind)) return true;
    }
  }
  // An untyped parameter of a function that is called with a context (JS helpers, classes):
  // `async function charge(context, amount) {…}` … `charge(ctx, 5)`, `new Shipper(context)`.
  if (!p.type && depth < 4) return receivesAtCallSites(tsm, fn, index, undefined, checker, depth);
  return false;
}

function computeParameterProperty(tsm: TS, fn: ts.SignatureDeclaration, index: number, prop: string, checker: ts.TypeChecker | undefined, depth: number): boolean {
  const p = fn.parameters[index];
  if (!p) return false;
  const learnt = learntParams.get(p);
  if (learnt instanceof Set && learnt.has(prop)) return true;
  if (typeLiteralMemberIsContext(tsm, p.type, prop)) return true;
  if (depth < 5) return receivesAtCallSites(tsm, fn, index, prop, checker, depth);
  return false;
}

// ---------- call sites ----------

interface CallSites {
  /** `name(…)` and `x.name(…)` calls by the callee's last name. */
  readonly calls: Map<string, (ts.CallExpression | ts.NewExpression)[]>;
}
const callSiteCache = new WeakMap<ts.SourceFile, CallSites>();

/** Calls in a file by callee name (built once per file): `f(…)`, `o.f(…)`, `new C(…)` (as `new C`). */
function callSitesOf(tsm: TS, sf: ts.SourceFile): CallSites {
  let cs = callSiteCache.get(sf);
  if (cs) return cs;
  const calls = new Map<string, (ts.CallExpression | ts.NewExpression)[]>();
  const add = (k: string, n: ts.CallExpression | ts.NewExpression): void => {
    const list = calls.get(k);
    if (list) list.push(n);
    else calls.set(k, [n]);
  };
  const visit = (n: ts.Node): void => {
    if (tsm.isCallExpression(n) && n.arguments.length > 0) {
      const c = n.expression;
      if (tsm.isIdentifier(c)) add(c.text, n);
      else if (tsm.isPropertyAccessExpression(c)) add(c.name.text, n);
    } else if (tsm.isNewExpression(n) && n.arguments && n.arguments.length > 0) {
      const c = n.expression;
      if (tsm.isIdentifier(c)) add('new ' + c.text, n);
      else if (tsm.isPropertyAccessExpression(c)) add('new ' + c.name.text, n);
    }
    tsm.forEachChild(n, visit);
  };
  visit(sf);
  cs = { calls };
  callSiteCache.set(sf, cs);
  return cs;
}

/** The name calls use for `fn`, and the declaration their callee resolves to. */
function callableName(tsm: TS, fn: ts.SignatureDeclaration): { key: string; decl: ts.Node; method: boolean } | undefined {
  if (tsm.isFunctionDeclaration(fn) && fn.name) return { key: fn.name.text, decl: fn, method: false };
  if ((tsm.isArrowFunction(fn) || tsm.isFunctionExpression(fn)) && fn.parent && tsm.isVariableDeclaration(fn.parent) && tsm.isIdentifier(fn.parent.name)) return { key: fn.parent.name.text, decl: fn.parent, method: false };
  if (tsm.isMethodDeclaration(fn) && tsm.isIdentifier(fn.name)) return { key: fn.name.text, decl: fn, method: true };
  // JavaScript `exports.notify = async function (…) {…}`: callers name the property.
  if ((tsm.isArrowFunction(fn) || tsm.isFunctionExpression(fn)) && fn.parent && tsm.isBinaryExpression(fn.parent) && fn.parent.right === fn && tsm.isPropertyAccessExpression(fn.parent.left)) return { key: fn.parent.left.name.text, decl: fn.parent.left, method: false };
  if (tsm.isConstructorDeclaration(fn) && fn.parent && tsm.isClassDeclaration(fn.parent) && fn.parent.name) return { key: 'new ' + fn.parent.name.text, decl: fn.parent, method: false };
  return undefined;
}

function receivesAtCallSites(tsm: TS, fn: ts.SignatureDeclaration, index: number, prop: string | undefined, checker: ts.TypeChecker | undefined, depth: number): boolean {
  const named = callableName(tsm, fn);
  if (!named) return false;
  const own = fn.getSourceFile();
  const passes = (call: ts.CallExpression | ts.NewExpression): boolean => {
    const arg = call.arguments?.[index];
    if (!arg) return false;
    const x = skipOuterExpressions(tsm, arg);
    if (prop === undefined) return isContextExpression(tsm, x, checker, depth + 1);
    return tsm.isObjectLiteralExpression(x) && contextPropertiesOf(tsm, x, checker, depth + 1).includes(prop);
  };
  for (const call of callSitesOf(tsm, own).calls.get(named.key) ?? []) {
    const callee = skipOuterExpressions(tsm, call.expression);
    // A plain call must name this very function; a method call is taken by its name in the same file.
    if (tsm.isIdentifier(callee) && findBinding(tsm, callee) !== named.decl && !(checker && resolvesTo(tsm, callee, named.decl, checker))) continue;
    if (passes(call)) return true;
  }
  // Other files of the Program (those the durable-function scan has seen with this checker): the callers
  // of an exported helper are usually handler files.
  if (!checker) return false;
  for (const sf of filesAnalysedWith(checker)) {
    if (sf === own) continue;
    for (const call of callSitesOf(tsm, sf).calls.get(named.key) ?? []) {
      const callee = skipOuterExpressions(tsm, call.expression);
      const at = tsm.isPropertyAccessExpression(callee) ? callee.name : callee;
      if (!resolvesTo(tsm, at, named.decl, checker)) continue;
      if (passes(call)) return true;
    }
  }
  return false;
}

function resolvesTo(tsm: TS, at: ts.Node, decl: ts.Node, checker: ts.TypeChecker): boolean {
  try {
    let sym = checker.getSymbolAtLocation(at);
    if (sym && sym.flags & tsm.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
    return !!sym && (sym.valueDeclaration === decl || (sym.declarations ?? []).includes(decl as ts.Declaration));
  } catch (e) {
    reportInternalError(e, 'contexts', fileNameOf(at));
    return false;
  }
}
