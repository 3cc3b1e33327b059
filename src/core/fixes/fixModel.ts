// Pure: the shape of a quick fix (plain text edits, so the plugin, the CLI and tests can all apply them)
// and the syntax helpers the fixes share. Receives the `typescript` module; never imports its own.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import type { RuleId } from '../rules/catalog';

export interface TextEdit {
  /** Offset into the file text. */
  readonly start: number;
  /** Characters replaced (0 for an insertion). */
  readonly length: number;
  readonly newText: string;
}

export interface QuickFix {
  /** Stable id of the kind of fix (`durableLens.wrapInStep`); see tsFixName for what tsserver reports. */
  readonly fixName: string;
  /** Short title shown in the editor's light-bulb menu. */
  readonly description: string;
  readonly edits: readonly TextEdit[];
  /** The real fix of the finding: listed first and the one Ctrl+. then Enter (and Auto Fix) applies. */
  readonly preferred?: boolean;
}

/**
 * VS Code's TypeScript extension marks a tsserver fix preferred only by its `fixName`, from a fixed table of
 * TypeScript's own names (typescript-language-features quickFix.ts `preferredFixes`), and sorts preferred
 * fixes first among those for a diagnostic. A plugin cannot set isPreferred itself, so the preferred fix is
 * reported under one of those names; `addMissingAwait` (priority 2, no "only one" restriction) is the
 * closest in meaning and exists in every VS Code since 1.40. Its only other use there is telemetry.
 */
export const VSCODE_PREFERRED_FIX_NAME = 'addMissingAwait';

/** The `fixName` to report to tsserver clients for a fix. */
export function tsFixName(fix: QuickFix): string {
  return fix.preferred ? VSCODE_PREFERRED_FIX_NAME : fix.fixName;
}

/** What the editor tells tsserver about the user's style (UserPreferences, FormatCodeSettings), and the checker. */
export interface FixOptions {
  readonly checker?: ts.TypeChecker;
  /** UserPreferences.quotePreference: 'auto' (or absent) follows the file. */
  readonly quotePreference?: 'auto' | 'double' | 'single';
  /** FormatCodeSettings.newLineCharacter; absent: the file's own. */
  readonly newLineCharacter?: string;
}

/** The style a fix writes in: the user's preference, else the file's own. */
export interface FixStyle {
  readonly quote: '"' | "'";
  readonly newLine: string;
}

export function fixStyle(ts: TS, sf: ts.SourceFile, options: FixOptions | undefined): FixStyle {
  const newLine = options?.newLineCharacter === '\n' || options?.newLineCharacter === '\r\n' ? options.newLineCharacter : sf.text.includes('\r\n') ? '\r\n' : '\n';
  const pref = options?.quotePreference;
  if (pref === 'single') return { quote: "'", newLine };
  if (pref === 'double') return { quote: '"', newLine };
  return { quote: fileQuote(ts, sf), newLine };
}

/** As TypeScript's own fixes decide: the quotes of the first import or require specifier, else of the first string. */
function fileQuote(ts: TS, sf: ts.SourceFile): '"' | "'" {
  let found: '"' | "'" | undefined;
  const fromLiteral = (lit: ts.Node): void => {
    const c = sf.text.charAt(lit.getStart(sf));
    if (c === '"' || c === "'") found = c;
  };
  for (const st of sf.statements) {
    if ((ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) fromLiteral(st.moduleSpecifier);
    if (found) return found;
  }
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isStringLiteral(n)) fromLiteral(n);
    else ts.forEachChild(n, visit);
  };
  visit(sf);
  return found ?? '"';
}

/** A string literal in the chosen quotes. */
export function quoted(style: FixStyle, value: string): string {
  const json = JSON.stringify(value);
  if (style.quote === '"') return json;
  return `'${json.slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** What a fix needs to know about a finding: its rule and its span. */
export interface FixTarget {
  readonly rule: RuleId;
  readonly start: number;
  readonly end: number;
}

/** Returns the name of the DurableContext usable at a node (the innermost in scope), if any. */
export type ContextLookup = (node: ts.Node) => string | undefined;

/** Applies non-overlapping edits to a text (used by tests and by callers that preview a fix). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.start + e.length);
  return out;
}

/** The innermost node spanning exactly [start, end), else the innermost node containing the span. */
export function findNodeForSpan(ts: TS, sf: ts.SourceFile, start: number, end: number): ts.Node | undefined {
  let exact: ts.Node | undefined;
  let containing: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    const nodeStart = node.getStart(sf);
    if (nodeStart > start || node.end < end) return;
    containing = node;
    if (nodeStart === start && node.end === end) exact = node;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return exact ?? containing;
}

export function isFunctionLike(ts: TS, node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isConstructorDeclaration(node)
  );
}

/**
 * True when `await` may be written at `node`: the nearest enclosing function is async and the node is not
 * in a parameter list (where `await` is a syntax error even in async functions).
 */
export function canAwaitAt(ts: TS, node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isParameter(n) || ts.isDecorator(n) || ts.isClassStaticBlockDeclaration(n) || ts.isPropertyDeclaration(n)) return false;
    if (isFunctionLike(ts, n)) return (ts.getCombinedModifierFlags(n as ts.Declaration) & ts.ModifierFlags.Async) !== 0;
  }
  return false;
}

/** Climbs from a flagged callee or receiver (`Date.now`, `console`) to the call or `new` using it. */
export function climbToCall(ts: TS, node: ts.Node): ts.Expression | undefined {
  let n: ts.Node = node;
  for (let i = 0; i < 6; i++) {
    if (ts.isCallExpression(n) || ts.isNewExpression(n)) return n;
    const p = n.parent;
    if (!p) return undefined;
    const isReceiver =
      (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p) || ts.isCallExpression(p) || ts.isNewExpression(p)) &&
      p.expression === n;
    if (!isReceiver) return undefined;
    n = p;
  }
  return undefined;
}

/** Whether an `await …` replacing `expr` needs parentheses to keep the meaning of the surrounding code. */
export function needsParensForAwait(ts: TS, expr: ts.Node): boolean {
  const p = expr.parent;
  if (!p) return false;
  if ((ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p) || ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression === expr) return true;
  if (ts.isTaggedTemplateExpression(p) && p.tag === expr) return true;
  if (ts.isNonNullExpression(p) || ts.isPostfixUnaryExpression(p)) return true;
  if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.AsteriskAsteriskToken && p.left === expr) return true;
  return false;
}

/** True when the expression is written to (assignment target, ++/--, delete): it cannot be wrapped. */
export function isWriteTarget(ts: TS, expr: ts.Node): boolean {
  const p = expr.parent;
  if (!p) return false;
  if (ts.isBinaryExpression(p) && p.left === expr && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return true;
  if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken)) return true;
  if (ts.isDeleteExpression(p)) return true;
  if ((ts.isForInStatement(p) || ts.isForOfStatement(p)) && p.initializer === expr) return true;
  return false;
}

export function textOf(sf: ts.SourceFile, node: ts.Node): string {
  return sf.text.slice(node.getStart(sf), node.end);
}

/** camelCase / dotted names to a step-name style `kebab-case`. */
export function toKebab(name: string): string {
  const s = name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  return s || 'step';
}

/** `order-id` -> `orderId`: a variable name for a hoisted step result. */
export function kebabToCamel(name: string): string {
  const s = name.replace(/-+([a-z0-9])/g, (_m, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9_$]/g, '');
  return /^[A-Za-z_$]/.test(s) ? s : `v${s}`;
}

/** `base`, or `base2`, `base3`… : a name no identifier in the file uses yet (so it shadows and breaks nothing). */
export function unusedName(ts: TS, sf: ts.SourceFile, base: string): string {
  const used = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) used.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}${i}`)) return `${base}${i}`;
}

/** The whitespace a line starts with. */
export function indentAt(sf: ts.SourceFile, pos: number): string {
  const lineStart = sf.text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(sf.text.slice(lineStart))![0];
}
