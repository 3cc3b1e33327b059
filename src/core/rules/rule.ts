// Core (pure): the shape every rule file exports (meta + create) and the helpers rules share
// (mutation detection, labels). The registry lists the rules; check.ts runs them over regions.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import type { Mode, Region } from '../analysis/replay';
import { findBinding, skipOuterExpressions, fileNameOf } from '../analysis/scope';
import type { RuleId } from './catalog';
import { reportInternalError } from '../errors';

export interface RuleMeta {
  readonly id: RuleId;
  /** Message templates by message id; `{{name}}` placeholders are filled from report data. */
  readonly messages: Readonly<Record<string, string>>;
  /** Repository-relative path of the rule's documentation page. */
  readonly docs: string;
}

export interface RuleContext {
  readonly ts: TS;
  readonly checker: ts.TypeChecker | undefined;
  readonly sourceFile: ts.SourceFile;
  readonly region: Region;
  report(node: ts.Node, messageId: string, data?: Readonly<Record<string, string>>): void;
}

/** Called for every node of every region (of an accepted mode) in the file being checked. */
export type RuleVisitor = (node: ts.Node, context: RuleContext) => void;

export interface Rule {
  readonly meta: RuleMeta;
  /** The kinds of code the rule looks at. */
  readonly modes: readonly Mode[];
  /** A fresh visitor per checked file (rules may keep per-file state in the closure). */
  create(): RuleVisitor;
}

export function docsPath(id: RuleId): string {
  return `docs/rules/${id}.md`;
}

/** Short source text of a node for a message: one line, at most `max` characters. */
export function label(node: ts.Node, sf: ts.SourceFile, max = 48): string {
  let t: string;
  try {
    t = node.getText(sf).replace(/\s+/g, ' ');
  } catch {
    // A node without source text (synthesized) has no label: an empty one keeps the message readable.
    t = '';
  }
  // The hover and Problems show plain text, where a backtick shows as itself: a template literal quoted in a
  // message reads with plain quotes.
  if (t.includes('`')) t = t.replace(/`/g, "'");
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

/** `ctx.step` for `ctx.step(...)`; `new Date()` for a `new`; used in messages. */
export function calleeLabel(tsm: TS, node: ts.CallExpression | ts.NewExpression, sf: ts.SourceFile): string {
  if (tsm.isNewExpression(node)) return `new ${label(node.expression, sf, 40)}(${node.arguments && node.arguments.length ? '…' : ''})`;
  return `${label(node.expression, sf, 40)}()`;
}

/** The identifier an access chain starts from (`state` in `state.items[0].count`), if any. */
export function rootIdentifier(tsm: TS, e: ts.Expression): ts.Identifier | undefined {
  let x = skipOuterExpressions(tsm, e);
  for (let i = 0; i < 50; i++) {
    if (tsm.isIdentifier(x)) return x;
    if (tsm.isPropertyAccessExpression(x) || tsm.isElementAccessExpression(x)) x = skipOuterExpressions(tsm, x.expression);
    else return undefined;
  }
  return undefined;
}

export interface Mutation {
  /** The node to report. */
  readonly node: ts.Node;
  /** The variable being changed. */
  readonly root: ts.Identifier;
  readonly kind: 'assignment' | 'update' | 'property write' | 'mutating call';
  readonly method?: string;
}

const ALWAYS_MUTATING = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin']);
/** Names that mutate a Map/Set but are ordinary methods on clients (`redis.set`): need a known collection. */
const COLLECTION_MUTATING = new Set(['set', 'add', 'delete', 'clear']);
const COLLECTION_TYPES = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Array']);

function isAssignmentOperator(tsm: TS, kind: ts.SyntaxKind): boolean {
  return kind >= tsm.SyntaxKind.FirstAssignment && kind <= tsm.SyntaxKind.LastAssignment;
}

/** Is this variable (syntactically, or by type) a Map/Set/array? */
function isKnownCollection(tsm: TS, root: ts.Identifier, checker: ts.TypeChecker | undefined): boolean {
  const decl = findBinding(tsm, root);
  if (decl && tsm.isVariableDeclaration(decl) && decl.initializer) {
    const init = skipOuterExpressions(tsm, decl.initializer);
    if (tsm.isArrayLiteralExpression(init)) return true;
    if (tsm.isNewExpression(init) && tsm.isIdentifier(init.expression) && COLLECTION_TYPES.has(init.expression.text)) return true;
  }
  if (decl && (tsm.isVariableDeclaration(decl) || tsm.isParameter(decl)) && decl.type) {
    const t = decl.type;
    if (tsm.isArrayTypeNode(t)) return true;
    if (tsm.isTypeReferenceNode(t) && tsm.isIdentifier(t.typeName) && COLLECTION_TYPES.has(t.typeName.text)) return true;
  }
  if (checker) {
    try {
      const type = checker.getTypeAtLocation(root);
      const name = (type.getSymbol() ?? type.aliasSymbol)?.getName();
      return name !== undefined && COLLECTION_TYPES.has(name);
    } catch (e) {
      reportInternalError(e, 'rules', fileNameOf(root));
      return false;
    }
  }
  return false;
}

/** A write to a variable or to something reachable from it, at this node; undefined otherwise. */
export function mutationAt(tsm: TS, node: ts.Node, checker: ts.TypeChecker | undefined): Mutation | undefined {
  if (tsm.isBinaryExpression(node) && isAssignmentOperator(tsm, node.operatorToken.kind)) {
    const left = skipOuterExpressions(tsm, node.left);
    if (tsm.isIdentifier(left)) return { node, root: left, kind: 'assignment' };
    if (tsm.isPropertyAccessExpression(left) || tsm.isElementAccessExpression(left)) {
      const root = rootIdentifier(tsm, left.expression);
      if (root) return { node, root, kind: 'property write' };
    }
    return undefined;
  }
  if ((tsm.isPrefixUnaryExpression(node) || tsm.isPostfixUnaryExpression(node)) && (node.operator === tsm.SyntaxKind.PlusPlusToken || node.operator === tsm.SyntaxKind.MinusMinusToken)) {
    const operand = skipOuterExpressions(tsm, node.operand);
    if (tsm.isIdentifier(operand)) return { node, root: operand, kind: 'update' };
    const root = rootIdentifier(tsm, operand);
    if (root) return { node, root, kind: 'property write' };
    return undefined;
  }
  if (tsm.isDeleteExpression(node)) {
    const root = rootIdentifier(tsm, node.expression);
    if (root) return { node, root, kind: 'property write' };
    return undefined;
  }
  if (tsm.isCallExpression(node) && tsm.isPropertyAccessExpression(node.expression)) {
    const method = node.expression.name.text;
    const always = ALWAYS_MUTATING.has(method);
    if (!always && !COLLECTION_MUTATING.has(method)) return undefined;
    const root = rootIdentifier(tsm, node.expression.expression);
    if (!root) return undefined;
    if (!always && !isKnownCollection(tsm, root, checker)) return undefined;
    return { node, root, kind: 'mutating call', method };
  }
  return undefined;
}

/** Is `decl` declared inside `container` (same file, within its text range)? */
export function isDeclaredWithin(decl: ts.Node, container: ts.Node): boolean {
  return decl.getSourceFile() === container.getSourceFile() && decl.pos >= container.pos && decl.end <= container.end;
}

/** Is this declaration at module level (a top-level `let`/`const`/`var`)? */
export function isModuleLevelVariable(tsm: TS, decl: ts.Node): boolean {
  if (!tsm.isVariableDeclaration(decl) && !tsm.isBindingElement(decl)) return false;
  let n: ts.Node | undefined = decl.parent;
  while (n && !tsm.isVariableStatement(n)) {
    if (tsm.isFunctionLike(n) || tsm.isBlock(n) || tsm.isSourceFile(n)) return false;
    n = n.parent;
  }
  return !!n && !!n.parent && (tsm.isSourceFile(n.parent) || tsm.isModuleBlock(n.parent));
}
