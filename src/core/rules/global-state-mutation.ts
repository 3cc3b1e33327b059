// Core (pure): rule global-state-mutation — replayed code mutating module-level state.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { findBinding, isGlobalReference, skipOuterExpressions } from '../analysis/scope';
import { originOf } from '../analysis/origins';
import { docsPath, isModuleLevelVariable, mutationAt, Rule } from './rule';

/**
 * Memoised initialisation (`client ??= new X()`, `if (!client) client = new X()`): idempotent, so every
 * replay sees the same value whether the container is warm or cold.
 */
function isLazyInit(tsm: TS, node: ts.Node, name: string): boolean {
  if (!tsm.isBinaryExpression(node) || !tsm.isIdentifier(skipOuterExpressions(tsm, node.left))) return false;
  const op = node.operatorToken.kind;
  if (op === tsm.SyntaxKind.QuestionQuestionEqualsToken || op === tsm.SyntaxKind.BarBarEqualsToken) return true;
  if (op !== tsm.SyntaxKind.EqualsToken) return false;
  // `x = x ?? …` / `x = x || …`
  const right = skipOuterExpressions(tsm, node.right);
  if (tsm.isBinaryExpression(right) && (right.operatorToken.kind === tsm.SyntaxKind.QuestionQuestionToken || right.operatorToken.kind === tsm.SyntaxKind.BarBarToken)) {
    const l = skipOuterExpressions(tsm, right.left);
    if (tsm.isIdentifier(l) && l.text === name) return true;
  }
  // `if (!x) x = …` (also `x === undefined`, `x == null`, `!x || …`)
  let n: ts.Node | undefined = node.parent;
  for (let i = 0; n && i < 4 && !tsm.isIfStatement(n); i++) n = n.parent;
  if (!n || !tsm.isIfStatement(n)) return false;
  return testsAbsent(tsm, n.expression, name);
}

function testsAbsent(tsm: TS, e: ts.Expression, name: string): boolean {
  const x = skipOuterExpressions(tsm, e);
  if (tsm.isPrefixUnaryExpression(x) && x.operator === tsm.SyntaxKind.ExclamationToken) {
    const o = skipOuterExpressions(tsm, x.operand);
    return tsm.isIdentifier(o) && o.text === name;
  }
  if (tsm.isBinaryExpression(x)) {
    const k = x.operatorToken.kind;
    if (k === tsm.SyntaxKind.BarBarToken || k === tsm.SyntaxKind.AmpersandAmpersandToken) return testsAbsent(tsm, x.left, name) || testsAbsent(tsm, x.right, name);
    if (k === tsm.SyntaxKind.EqualsEqualsEqualsToken || k === tsm.SyntaxKind.EqualsEqualsToken) {
      const l = skipOuterExpressions(tsm, x.left);
      const r = skipOuterExpressions(tsm, x.right);
      const isName = (y: ts.Expression): boolean => tsm.isIdentifier(y) && y.text === name;
      const isEmpty = (y: ts.Expression): boolean => y.kind === tsm.SyntaxKind.NullKeyword || (tsm.isIdentifier(y) && y.text === 'undefined');
      return (isName(l) && isEmpty(r)) || (isName(r) && isEmpty(l));
    }
  }
  return false;
}

const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window']);

export const globalStateMutation: Rule = {
  meta: {
    id: 'global-state-mutation',
    messages: {
      mutation: 'Replayed code changes module-level {{name}}: a warm container keeps the change between invocations and replays, a cold one starts fresh, so replays can see different values. Keep the state in local variables or step results.',
    },
    docs: docsPath('global-state-mutation'),
  },
  modes: ['replayed'],
  create() {
    return (node, c) => {
      const tsm = c.ts;
      const m = mutationAt(tsm, node, c.checker);
      if (!m) return;
      const decl = findBinding(tsm, m.root);
      if (!decl) {
        if (GLOBAL_OBJECTS.has(m.root.text) && isGlobalReference(tsm, m.root)) c.report(m.node, 'mutation', { name: m.root.text });
        return;
      }
      if (!isModuleLevelVariable(tsm, decl)) return;
      if (isLazyInit(tsm, m.node, m.root.text)) return;
      if (m.kind === 'mutating call' && originOf(tsm, m.root, c.checker)?.kind === 'module') return;
      c.report(m.node, 'mutation', { name: m.root.text });
    };
  },
};
