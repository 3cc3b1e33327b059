// Core (pure): syntactic name resolution inside one file — which declaration an identifier refers to —
// so that rules work without a type checker (imports unresolved) and stay cheap when one exists.
import type * as ts from 'typescript';
import type { TS } from './model';
import { syntaxKinds } from './syntaxKinds';

/** Names declared directly by one scope container, built once per container. */
const scopeCache = new WeakMap<ts.Node, Map<string, ts.Node>>();

/** Binding-producing declaration for `name` in `container` (not looking outward), or undefined. */
function declaredIn(tsm: TS, container: ts.Node, name: string): ts.Node | undefined {
  if (!isScopeContainer(tsm, container)) return undefined;
  let map = scopeCache.get(container);
  if (!map) {
    map = buildScope(tsm, container);
    scopeCache.set(container, map);
  }
  return map.get(name);
}

function isScopeContainer(tsm: TS, n: ts.Node): boolean {
  return containerKinds(tsm)[n.kind] === 1;
}

let containerTable: { readonly tsm: TS; readonly table: Uint8Array } | undefined;

/** 1 at the kinds that declare names (a table: findBinding asks it for every ancestor of every identifier). */
function containerKinds(tsm: TS): Uint8Array {
  if (containerTable?.tsm === tsm) return containerTable.table;
  const K = syntaxKinds(tsm);
  const kinds = [
    K.SourceFile,
    K.ModuleBlock,
    K.Block,
    K.CaseBlock,
    K.ForStatement,
    K.ForOfStatement,
    K.ForInStatement,
    K.CatchClause,
    K.FunctionDeclaration,
    K.FunctionExpression,
    K.ArrowFunction,
    K.MethodDeclaration,
    K.Constructor,
    K.GetAccessor,
    K.SetAccessor,
    K.ClassExpression,
  ];
  const table = new Uint8Array(Math.max(...kinds) + 1);
  for (const k of kinds) table[k] = 1;
  containerTable = { tsm, table };
  return table;
}

function addBindingName(tsm: TS, map: Map<string, ts.Node>, name: ts.BindingName | undefined, decl: ts.Node): void {
  if (!name) return;
  if (tsm.isIdentifier(name)) {
    if (!map.has(name.text)) map.set(name.text, decl);
    return;
  }
  for (const el of name.elements) {
    if (tsm.isBindingElement(el)) addBindingName(tsm, map, el.name, el);
  }
}

function addStatements(tsm: TS, map: Map<string, ts.Node>, statements: readonly ts.Statement[], functionScope: boolean): void {
  // Hoisted `var`s are searched for in nested statements only when the text has the keyword at all: walking
  // every statement of a long handler body cost more than the rest of its name lookups together.
  if (functionScope && !mentionsVar(statements)) functionScope = false;
  for (const st of statements) {
    if (tsm.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) addBindingName(tsm, map, d.name, d);
    } else if ((tsm.isFunctionDeclaration(st) || tsm.isClassDeclaration(st) || tsm.isEnumDeclaration(st)) && st.name) {
      if (!map.has(st.name.text)) map.set(st.name.text, st);
    } else if (tsm.isImportDeclaration(st) && st.importClause) {
      const clause = st.importClause;
      if (clause.name) map.set(clause.name.text, clause);
      const nb = clause.namedBindings;
      if (nb && tsm.isNamespaceImport(nb)) map.set(nb.name.text, nb);
      else if (nb && tsm.isNamedImports(nb)) for (const el of nb.elements) map.set(el.name.text, el);
    } else if (tsm.isImportEqualsDeclaration(st)) {
      map.set(st.name.text, st);
    } else if (functionScope) {
      // `var` declared in nested blocks is hoisted to the function: collect it without entering functions.
      collectHoistedVars(tsm, map, st);
    }
  }
}

function mentionsVar(statements: readonly ts.Statement[]): boolean {
  if (statements.length === 0) return false;
  const text = fileTextOf(statements[0]!);
  if (text === undefined) return true;
  // substring of a long string is a slice (no copy): the search stays within these statements.
  return text.substring(statements[0]!.pos, statements[statements.length - 1]!.end).includes('var');
}

/** The source text a parsed node belongs to; undefined for a synthesized node. */
function fileTextOf(node: ts.Node): string | undefined {
  let n: ts.Node = node;
  for (let i = 0; n.parent && i < 100000; i++) n = n.parent;
  const text = (n as { text?: unknown }).text;
  return typeof text === 'string' && (n as { fileName?: unknown }).fileName !== undefined ? text : undefined;
}

function collectHoistedVars(tsm: TS, map: Map<string, ts.Node>, node: ts.Node, depth = 0): void {
  if (depth > 50 || tsm.isFunctionLike(node) || tsm.isClassLike(node)) return;
  if (tsm.isVariableDeclarationList(node) && !(node.flags & (tsm.NodeFlags.Let | tsm.NodeFlags.Const))) {
    for (const d of node.declarations) addBindingName(tsm, map, d.name, d);
    return;
  }
  // Only statement-level children can hold a `var` list: expressions reach statements only through functions
  // and classes, which stop the search anyway. Not descending into them keeps this from walking every
  // expression of a function body the first time a name in it is resolved.
  tsm.forEachChild(node, (c) => {
    if (mayHoldVar(tsm, c.kind)) collectHoistedVars(tsm, map, c, depth + 1);
  });
}

function mayHoldVar(tsm: TS, k: ts.SyntaxKind): boolean {
  const K = syntaxKinds(tsm);
  return (
    (k >= K.FirstStatement && k <= K.LastStatement) ||
    k === K.Block ||
    k === K.VariableDeclarationList ||
    k === K.CaseBlock ||
    k === K.CaseClause ||
    k === K.DefaultClause ||
    k === K.CatchClause ||
    k === K.ModuleDeclaration ||
    k === K.ModuleBlock
  );
}

function buildScope(tsm: TS, container: ts.Node): Map<string, ts.Node> {
  const map = new Map<string, ts.Node>();
  if (tsm.isSourceFile(container) || tsm.isModuleBlock(container)) {
    addStatements(tsm, map, container.statements, true);
  } else if (tsm.isBlock(container)) {
    const fnBody = container.parent && tsm.isFunctionLike(container.parent);
    addStatements(tsm, map, container.statements, !!fnBody);
  } else if (tsm.isCaseBlock(container)) {
    for (const clause of container.clauses) addStatements(tsm, map, clause.statements, false);
  } else if (tsm.isFunctionLike(container)) {
    for (const p of container.parameters) addBindingName(tsm, map, p.name, p);
    // A named function expression can call itself by name.
    if ((tsm.isFunctionExpression(container) || tsm.isClassExpression(container)) && container.name) {
      if (!map.has(container.name.text)) map.set(container.name.text, container);
    }
  } else if (tsm.isForStatement(container) || tsm.isForOfStatement(container) || tsm.isForInStatement(container)) {
    const init = container.initializer;
    if (init && tsm.isVariableDeclarationList(init)) for (const d of init.declarations) addBindingName(tsm, map, d.name, d);
  } else if (tsm.isCatchClause(container)) {
    const d = container.variableDeclaration;
    if (d) addBindingName(tsm, map, d.name, d);
  }
  return map;
}

/**
 * The declaration an identifier refers to within its own file: a parameter, variable declaration, binding
 * element, function/class declaration, or import clause/specifier. Undefined means "not declared in this
 * file" (a global, or broken code).
 */
export function findBinding(tsm: TS, id: ts.Identifier): ts.Node | undefined {
  const name = id.text;
  const containers = containerKinds(tsm);
  let node: ts.Node | undefined = id.parent;
  let depth = 0;
  while (node && depth++ < 500) {
    if (containers[node.kind] === 1) {
      const d = declaredIn(tsm, node, name);
      if (d) return d;
    }
    node = node.parent;
  }
  return undefined;
}

/** true when `id` refers to nothing declared in its file (so to a global, when the code is whole). */
export function isGlobalReference(tsm: TS, id: ts.Identifier): boolean {
  return findBinding(tsm, id) === undefined;
}

/** The nearest enclosing function-like node, or undefined at module level. */
export function enclosingFunction(tsm: TS, node: ts.Node): ts.SignatureDeclaration | undefined {
  let n: ts.Node | undefined = node.parent;
  while (n) {
    if (tsm.isFunctionLike(n)) return n;
    n = n.parent;
  }
  return undefined;
}

export function isFunctionWithBody(tsm: TS, node: ts.Node): node is ts.FunctionLikeDeclaration {
  const K = syntaxKinds(tsm);
  switch (node.kind) {
    case K.FunctionDeclaration:
    case K.FunctionExpression:
    case K.ArrowFunction:
    case K.MethodDeclaration:
    case K.GetAccessor:
    case K.SetAccessor:
    case K.Constructor:
      return (node as ts.FunctionLikeDeclaration).body !== undefined;
    default:
      return false;
  }
}

/** A readable name for a function-like node: its own name, or the variable/property it is assigned to. */
export function functionName(tsm: TS, fn: ts.Node): string {
  const own = (fn as { name?: ts.Node }).name;
  if (own && (tsm.isIdentifier(own) || tsm.isStringLiteral(own) || tsm.isPrivateIdentifier(own))) return own.text;
  const p = fn.parent;
  if (p) {
    if (tsm.isVariableDeclaration(p) && tsm.isIdentifier(p.name)) return p.name.text;
    if (tsm.isPropertyAssignment(p) && (tsm.isIdentifier(p.name) || tsm.isStringLiteral(p.name))) return p.name.text;
    if (tsm.isPropertyDeclaration(p) && tsm.isIdentifier(p.name)) return p.name.text;
    if (tsm.isBinaryExpression(p) && tsm.isPropertyAccessExpression(p.left)) return p.left.name.text;
    if (tsm.isExportAssignment(p)) return 'default';
  }
  return '<anonymous>';
}

/** Strips parentheses, `as`, `!`, `satisfies` and type assertions around an expression. */
export function skipOuterExpressions(tsm: TS, e: ts.Expression): ts.Expression {
  const K = syntaxKinds(tsm);
  let cur = e;
  for (let i = 0; i < 20; i++) {
    const k = cur.kind;
    if (k === K.ParenthesizedExpression || k === K.AsExpression || k === K.NonNullExpression || k === K.TypeAssertionExpression || k === K.SatisfiesExpression) {
      cur = (cur as ts.ParenthesizedExpression).expression;
    } else break;
  }
  return cur;
}

/** `require('x')` → 'x'. */
export function requireSpecifier(tsm: TS, e: ts.Expression | undefined): string | undefined {
  if (!e) return undefined;
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isCallExpression(x) && tsm.isIdentifier(x.expression) && x.expression.text === 'require' && x.arguments.length === 1) {
    const a = x.arguments[0];
    if (a && (tsm.isStringLiteral(a) || tsm.isNoSubstitutionTemplateLiteral(a))) return a.text;
  }
  return undefined;
}

/** The file a node comes from, for an error report; undefined for a synthesized node (no source file to name). */
export function fileNameOf(node: ts.Node | undefined): string | undefined {
  let n: ts.Node | undefined = node;
  for (let i = 0; n?.parent && i < 100000; i++) n = n.parent;
  // The root of a parsed node is its SourceFile (without needing the ts module to test the kind).
  const name = (n as { fileName?: unknown } | undefined)?.fileName;
  return typeof name === 'string' ? name : undefined;
}
