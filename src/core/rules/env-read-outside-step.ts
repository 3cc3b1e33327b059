// Core (pure): rule env-read-outside-step — process.env read in replayed code inside a handler.
import type * as ts from 'typescript';
import { isGlobalReference, skipOuterExpressions } from '../analysis/scope';
import { docsPath, label, Rule } from './rule';

export const envReadOutsideStep: Rule = {
  meta: {
    id: 'env-read-outside-step',
    messages: {
      env: '{{expr}} is read on every replay, and a replay can run in a new version or configuration: read it once at module level (cold start) or inside a step.',
    },
    docs: docsPath('env-read-outside-step'),
  },
  modes: ['replayed'],
  create() {
    return (node, c) => {
      const tsm = c.ts;
      if (!tsm.isPropertyAccessExpression(node) || node.name.text !== 'env') return;
      const obj = skipOuterExpressions(tsm, node.expression);
      if (!tsm.isIdentifier(obj) || obj.text !== 'process' || !isGlobalReference(tsm, obj)) return;
      // Report `process.env.X` / `process.env['X']` as a whole when a variable is named.
      let target: ts.Node = node;
      const p = node.parent;
      if (p && (tsm.isPropertyAccessExpression(p) || tsm.isElementAccessExpression(p)) && p.expression === node) target = p;
      // A write (`process.env.X = …`) is not a read.
      const q = target.parent;
      if (q && tsm.isBinaryExpression(q) && q.left === target && q.operatorToken.kind === tsm.SyntaxKind.EqualsToken) return;
      c.report(target, 'env', { expr: label(target, c.sourceFile) });
    };
  },
};
