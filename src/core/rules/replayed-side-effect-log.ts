// Core (pure): rule replayed-side-effect-log — console.* in replayed code logs again on every replay.
import { isGlobalReference, skipOuterExpressions } from '../analysis/scope';
import { docsPath, Rule } from './rule';

export const replayedSideEffectLog: Rule = {
  meta: {
    id: 'replayed-side-effect-log',
    messages: {
      log: '`console.{{method}}` in replayed code logs again on every replay: use `{{ctx}}.logger.{{loggerMethod}}` (replay-aware) or log inside a step.',
    },
    docs: docsPath('replayed-side-effect-log'),
  },
  modes: ['replayed'],
  create() {
    return (node, c) => {
      const tsm = c.ts;
      if (!tsm.isCallExpression(node)) return;
      const callee = skipOuterExpressions(tsm, node.expression);
      if (!tsm.isPropertyAccessExpression(callee)) return;
      const obj = skipOuterExpressions(tsm, callee.expression);
      if (!tsm.isIdentifier(obj) || obj.text !== 'console' || !isGlobalReference(tsm, obj)) return;
      const method = callee.name.text;
      const loggerMethod = ['info', 'warn', 'error', 'debug'].includes(method) ? method : 'info';
      c.report(node, 'log', { method, loggerMethod });
    };
  },
};
