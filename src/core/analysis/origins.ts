// Core (pure): where a called expression comes from — a global (`Date.now`), an export of a module
// (`uuid.v4`, `fs.readFile`) or a value made from one (`client.send`) — and what the known-modules table
// says about it. Syntactic first (import specifiers decide); the checker only for the ambiguous cases.
import type * as ts from 'typescript';
import type { TS } from './model';
import { Category, GLOBAL_APIS, GLOBAL_OBJECT_NAMES, moduleEntries, packageOfFileName } from './knownModules';
import { findBinding, skipOuterExpressions, fileNameOf } from './scope';
import { importOriginOfDeclaration } from './sdk';
import { reportInternalError } from '../errors';

export type Origin =
  | { readonly kind: 'global'; readonly path: readonly string[] }
  | { readonly kind: 'module'; readonly module: string; readonly path: readonly string[]; readonly instance: boolean };

const MAX_DEPTH = 12;
const FACTORY = /^(create|connect|init|open|from|build|new|customAlphabet|customRandom|monotonicFactory|factory|db$|database$|collection$|model$|table$|bucket$|pool$|client$|getClient|getConnection|getPool|getDb|getDatabase|promise$|duplicate$|default$)/i;

/** The origin of an expression, or undefined when it is local code, a literal or unknown. */
export function originOf(tsm: TS, expr: ts.Expression, checker?: ts.TypeChecker, depth = 0): Origin | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const x = skipOuterExpressions(tsm, expr);
  if (tsm.isIdentifier(x)) return identifierOrigin(tsm, x, checker, depth);
  if (tsm.isPropertyAccessExpression(x)) {
    if (x.expression.kind === tsm.SyntaxKind.ThisKeyword) return checker ? typeOrigin(tsm, x, checker) : undefined;
    const base = originOf(tsm, x.expression, checker, depth + 1);
    if (!base) return objectFieldOrigin(tsm, x, checker, depth);
    if (base.kind === 'global') return { kind: 'global', path: [...base.path, x.name.text] };
    return { ...base, path: [...base.path, x.name.text] };
  }
  if (tsm.isElementAccessExpression(x) && tsm.isStringLiteral(x.argumentExpression)) {
    const base = originOf(tsm, x.expression, checker, depth + 1);
    if (!base) return undefined;
    if (base.kind === 'global') return { kind: 'global', path: [...base.path, x.argumentExpression.text] };
    return { ...base, path: [...base.path, x.argumentExpression.text] };
  }
  if (tsm.isNewExpression(x)) {
    // A value made by a module (a client, a pool) carries the module along.
    const base = originOf(tsm, x.expression, checker, depth + 1);
    if (base && base.kind === 'module') return { ...base, instance: true };
    return undefined;
  }
  if (tsm.isCallExpression(x)) {
    // Only factories (createClient(), knex(cfg), client.db('x'), customAlphabet()) make an instance; the
    // result of an ordinary call is data (`const { data } = await axios.get()`), not a client.
    const base = originOf(tsm, x.expression, checker, depth + 1);
    if (base && base.kind === 'module') {
      const last = base.path[base.path.length - 1];
      if (last === undefined || FACTORY.test(last)) return { ...base, instance: true };
    }
    return undefined;
  }
  if (tsm.isAwaitExpression(x)) return originOf(tsm, x.expression, checker, depth + 1);
  return undefined;
}

/**
 * A function value stored in a local object literal: `const clock = { now: Date.now }` then `clock.now()`,
 * or `{ newId }` with `newId` imported from uuid.
 */
function objectFieldOrigin(tsm: TS, x: ts.PropertyAccessExpression, checker: ts.TypeChecker | undefined, depth: number): Origin | undefined {
  const obj = skipOuterExpressions(tsm, x.expression);
  if (!tsm.isIdentifier(obj)) return undefined;
  const decl = findBinding(tsm, obj);
  if (!decl || !tsm.isVariableDeclaration(decl) || !decl.initializer) return undefined;
  const init = skipOuterExpressions(tsm, decl.initializer);
  if (!tsm.isObjectLiteralExpression(init)) return undefined;
  for (const p of init.properties) {
    if (!p.name || !(tsm.isIdentifier(p.name) || tsm.isStringLiteral(p.name)) || p.name.text !== x.name.text) continue;
    if (tsm.isPropertyAssignment(p)) return originOf(tsm, p.initializer, checker, depth + 1);
    if (tsm.isShorthandPropertyAssignment(p)) return originOf(tsm, p.name, checker, depth + 1);
    return undefined;
  }
  return undefined;
}

function identifierOrigin(tsm: TS, id: ts.Identifier, checker: ts.TypeChecker | undefined, depth: number): Origin | undefined {
  const decl = findBinding(tsm, id);
  if (!decl) {
    if (id.text === 'undefined' || id.text === 'require') return undefined;
    return GLOBAL_OBJECT_NAMES.has(id.text) ? { kind: 'global', path: [] } : { kind: 'global', path: [id.text] };
  }
  const imp = importOriginOfDeclaration(tsm, decl);
  if (imp) {
    if (moduleEntries(imp.module).length > 0) return { kind: 'module', module: imp.module, path: imp.imported === '*' ? [] : [imp.imported], instance: false };
    // A local module re-exporting a package (`export { v4 as newId } from 'uuid'`): ask the checker.
    if (checker && (imp.module.startsWith('.') || imp.module.startsWith('/'))) return aliasOrigin(tsm, id, checker);
    return undefined;
  }
  if (tsm.isVariableDeclaration(decl)) {
    // `let client: DynamoDBClient | undefined;` assigned lazily: the annotation says what it holds.
    const annotated = annotationOrigin(tsm, decl.type);
    if (annotated) return annotated;
    if (!decl.initializer) return undefined;
    // `let` may be reassigned; still the best guess, as initial values are what code usually keeps.
    const init = skipOuterExpressions(tsm, decl.initializer);
    const o = originOf(tsm, decl.initializer, checker, depth + 1);
    if (o && o.kind === 'module' && (tsm.isCallExpression(init) || tsm.isNewExpression(init))) return { ...o, instance: true };
    // A client made by a local factory (`const s3 = makeS3()`): what the factory returns, or its type.
    if (!o && tsm.isCallExpression(init) && tsm.isIdentifier(skipOuterExpressions(tsm, init.expression))) {
      const f = factoryReturnOrigin(tsm, skipOuterExpressions(tsm, init.expression) as ts.Identifier, checker, depth + 1);
      if (f) return f;
    }
    if (!o && checker && tsm.isCallExpression(init) && tsm.isIdentifier(skipOuterExpressions(tsm, init.expression)) && tsm.isIdentifier(decl.name)) return typeOrigin(tsm, decl.name, checker);
    return o;
  }
  if (tsm.isBindingElement(decl)) {
    // `const { randomUUID } = crypto` / `const { data } = await axios.get(...)`
    const pattern = decl.parent;
    const vd = pattern?.parent;
    if (pattern && tsm.isObjectBindingPattern(pattern) && vd && tsm.isVariableDeclaration(vd) && vd.initializer) {
      const base = originOf(tsm, vd.initializer, checker, depth + 1);
      const prop = decl.propertyName ?? decl.name;
      if (base && tsm.isIdentifier(prop)) {
        if (base.kind === 'global') return { kind: 'global', path: [...base.path, prop.text] };
        return { ...base, path: [...base.path, prop.text] };
      }
    }
    return undefined;
  }
  if (tsm.isParameter(decl)) {
    const t = decl.type;
    const annotated = annotationOrigin(tsm, t);
    if (annotated) return annotated;
    // By type only where a client could plausibly come in: a named function's parameter, annotated with a
    // type reference or not at all (callback parameters and literal/keyword types are data).
    if (!checker) return undefined;
    if (t && !tsm.isTypeReferenceNode(t)) return undefined;
    if (t && tsm.isTypeReferenceNode(t) && /^(DurableContext|Array|ReadonlyArray|Record|Map|Set|Promise|Partial|Readonly|Date|Error)$/.test(tsm.isIdentifier(t.typeName) ? t.typeName.text : t.typeName.right.text)) return undefined;
    const fn = decl.parent;
    if (!t && fn && (tsm.isArrowFunction(fn) || tsm.isFunctionExpression(fn))) return undefined;
    return typeOrigin(tsm, id, checker);
  }
  return undefined;
}

/** A type annotation naming a class or interface imported from a known module (`DynamoDBClient`, `pg.Pool`). */
function annotationOrigin(tsm: TS, t: ts.TypeNode | undefined): Origin | undefined {
  if (!t) return undefined;
  if (tsm.isUnionTypeNode(t)) {
    for (const m of t.types) {
      const o = annotationOrigin(tsm, m);
      if (o) return o;
    }
    return undefined;
  }
  if (!tsm.isTypeReferenceNode(t)) return undefined;
  const tn = t.typeName;
  const head = tsm.isIdentifier(tn) ? tn : tsm.isQualifiedName(tn) && tsm.isIdentifier(tn.left) ? tn.left : undefined;
  if (!head) return undefined;
  const d = findBinding(tsm, head);
  const imp = d ? importOriginOfDeclaration(tsm, d) : undefined;
  if (!imp || moduleEntries(imp.module).length === 0) return undefined;
  const name = tsm.isIdentifier(tn) ? (imp.imported === '*' ? tn.text : imp.imported) : (tn as ts.QualifiedName).right.text;
  return { kind: 'module', module: imp.module, path: [name], instance: true };
}

function factoryReturnOrigin(tsm: TS, callee: ts.Identifier, checker: ts.TypeChecker | undefined, depth: number): Origin | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const d = findBinding(tsm, callee);
  let fn: ts.Node | undefined = d;
  if (d && tsm.isVariableDeclaration(d) && d.initializer) fn = skipOuterExpressions(tsm, d.initializer);
  if (!fn || !(tsm.isFunctionDeclaration(fn) || tsm.isArrowFunction(fn) || tsm.isFunctionExpression(fn)) || !fn.body) return undefined;
  let ret: ts.Expression | undefined;
  if (!tsm.isBlock(fn.body)) ret = fn.body;
  else {
    const find = (n: ts.Node): void => {
      if (ret || tsm.isFunctionLike(n)) return;
      if (tsm.isReturnStatement(n) && n.expression) ret = n.expression;
      else tsm.forEachChild(n, find);
    };
    tsm.forEachChild(fn.body, find);
  }
  const o = ret ? originOf(tsm, ret, checker, depth + 1) : undefined;
  return o && o.kind === 'module' ? { ...o, instance: true } : undefined;
}

function ambientModuleName(tsm: TS, decl: ts.Node): string | undefined {
  let n: ts.Node | undefined = decl.parent;
  while (n) {
    if (tsm.isModuleDeclaration(n) && tsm.isStringLiteral(n.name)) return n.name.text;
    n = n.parent;
  }
  return undefined;
}

function moduleOfDeclaration(tsm: TS, decl: ts.Node): string | undefined {
  const ambient = ambientModuleName(tsm, decl);
  if (ambient) return ambient;
  return packageOfFileName(decl.getSourceFile().fileName);
}

function aliasOrigin(tsm: TS, id: ts.Identifier, checker: ts.TypeChecker): Origin | undefined {
  try {
    let sym = checker.getSymbolAtLocation(id);
    if (sym && sym.flags & tsm.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
    const decl = sym?.declarations?.[0];
    if (!sym || !decl) return undefined;
    const mod = moduleOfDeclaration(tsm, decl);
    if (mod && moduleEntries(mod).length > 0) return { kind: 'module', module: mod, path: sym.getName() === 'default' || sym.getName() === 'export=' ? [] : [sym.getName()], instance: false };
  } catch (e) {
    reportInternalError(e, 'origins', fileNameOf(id));
    // unresolved: not known
  }
  return undefined;
}

/** A value whose declared type comes from a known package (a client passed in as a parameter, a field). */
function typeOrigin(tsm: TS, node: ts.Node, checker: ts.TypeChecker): Origin | undefined {
  try {
    const type = checker.getTypeAtLocation(node);
    const sym = type.getSymbol() ?? type.aliasSymbol;
    const decl = sym?.declarations?.[0];
    if (!sym || !decl) return undefined;
    const mod = moduleOfDeclaration(tsm, decl);
    if (mod && moduleEntries(mod).length > 0) return { kind: 'module', module: mod, path: [sym.getName()], instance: true };
  } catch (e) {
    reportInternalError(e, 'origins', fileNameOf(node));
    // unresolved: not known
  }
  return undefined;
}

/** What a randomness API returns, for messages. */
const RANDOM_WHAT: Readonly<Record<string, string>> = {
  random: 'a random number',
  randomUUID: 'a random UUID',
  randomBytes: 'random bytes',
  pseudoRandomBytes: 'random bytes',
  randomInt: 'a random integer',
  getRandomValues: 'random values',
  randomFill: 'random values',
  randomFillSync: 'random values',
};

export interface KnownCall {
  readonly category: Category;
  readonly what: string;
}

/** What the table says about calling (or `new`-ing) something of this origin with `argCount` arguments. */
export function classifyOrigin(origin: Origin, form: 'call' | 'new', argCount: number): KnownCall | undefined {
  if (origin.kind === 'global') {
    const p = origin.path;
    for (const g of GLOBAL_APIS) {
      if (g.path.length !== p.length || g.path.some((s, i) => s !== p[i])) continue;
      if (g.form !== 'both' && g.form !== form) continue;
      if (g.zeroArgs && argCount > 0) continue;
      return { category: g.category, what: g.category === 'io' ? 'network access' : g.category === 'timer' ? 'a timer' : (RANDOM_WHAT[p[p.length - 1]!] ?? (p[0] === 'Math' || p[0] === 'crypto' ? 'a random value' : 'the current time')) };
    }
    return undefined;
  }
  const path = origin.path.filter((s) => s !== 'default');
  for (const m of moduleEntries(origin.module)) {
    if (m.zeroArgs && argCount > 0) continue;
    if (form === 'new' && !m.flagNew) continue;
    const last = path[path.length - 1];
    if (m.except && last !== undefined && m.except.includes(last)) continue;
    if (m.except && path[0] !== undefined && m.except.includes(path[0]) && !origin.instance) continue;
    if (origin.instance) {
      if (!m.instances) continue;
      return { category: m.category, what: m.what };
    }
    if (m.only) {
      const head = path[0] ?? 'default';
      if (!m.only.includes(head)) continue;
    }
    // Say what the function really returns (`randomUUID` returns a UUID, not bytes).
    const exact = m.category === 'nondeterministic' && last !== undefined ? RANDOM_WHAT[last] : undefined;
    return { category: m.category, what: exact ?? m.what };
  }
  return undefined;
}

/** Convenience: classify a call or `new` expression. */
export function classifyCall(tsm: TS, node: ts.CallExpression | ts.NewExpression, checker?: ts.TypeChecker): KnownCall | undefined {
  // Three rules ask about every call: answer once per (checker, node).
  let memo = checker ? classifyMemo.get(checker) : plainClassifyMemo;
  if (!memo) {
    memo = new WeakMap();
    classifyMemo.set(checker!, memo);
  }
  if (memo.has(node)) return memo.get(node) ?? undefined;
  let result: KnownCall | undefined;
  try {
    const origin = originOf(tsm, node.expression, checker);
    result = origin ? classifyOrigin(origin, tsm.isNewExpression(node) ? 'new' : 'call', node.arguments?.length ?? 0) : undefined;
  } catch (e) {
    reportInternalError(e, 'origins', fileNameOf(node));
    result = undefined;
  }
  memo.set(node, result ?? null);
  return result;
}

const plainClassifyMemo = new WeakMap<ts.Node, KnownCall | null>();
const classifyMemo = new WeakMap<ts.TypeChecker, WeakMap<ts.Node, KnownCall | null>>();
