// Pure: the "ignore this rule on this line" quick fix (a suppression comment whose reason the user types).
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import type { RuleId } from '../rules/catalog';
import type { QuickFix } from './fixModel';

export const SUPPRESS = 'durableLens.suppress';
export const SUPPRESSION_DIRECTIVE = 'durable-lens-ignore-next-line';
/**
 * The comment ends in `-- ` for the reason: a tsserver code fix is plain text (no snippet placeholder to tab
 * over, no cursor), and made-up reason text would be kept by whoever does not read it. An empty reason
 * still suppresses; the empty `-- ` shows where the reason goes.
 */
export const REASON_SEPARATOR = '-- ';

/** Inserts `// durable-lens-ignore-next-line <rule> -- ` above the line of `start`, same indentation. */
export function suppressFix(ts: TS, sf: ts.SourceFile, rule: RuleId, start: number, newLine?: string): QuickFix | undefined {
  const text = sf.text;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (insideLiteralText(ts, sf, lineStart)) return undefined;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const eol = newLine ?? (text.includes('\r\n') ? '\r\n' : '\n');
  return {
    fixName: SUPPRESS,
    description: `Ignore ${rule} on this line`,
    edits: [{ start: lineStart, length: 0, newText: `${indent}// ${SUPPRESSION_DIRECTIVE} ${rule} ${REASON_SEPARATOR}${eol}` }],
  };
}

/** A line start inside a multi-line template, string or JSX text: a comment inserted there would be content. */
function insideLiteralText(ts: TS, sf: ts.SourceFile, pos: number): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || node.getStart(sf) >= pos || node.end <= pos) return;
    if (ts.isTemplateLiteral(node) || ts.isStringLiteral(node) || ts.isJsxElement(node) || ts.isJsxFragment(node) || ts.isJsxText(node)) {
      found = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return found;
}
