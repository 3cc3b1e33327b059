// Core (pure): rule io-outside-step — network, file, process, database and AWS SDK calls in replayed code.
import type * as ts from 'typescript';
import { classifyCall } from '../analysis/origins';
import { skipOuterExpressions } from '../analysis/scope';
import { calleeLabel, docsPath, Rule } from './rule';

export const ioOutsideStep: Rule = {
  meta: {
    id: 'io-outside-step',
    messages: {
      io: '{{call}} is {{what}} in replayed code: it runs again on every replay. Move it into a step (await {{ctx}}.step(...)) so it runs once and its result is checkpointed.',
    },
    docs: docsPath('io-outside-step'),
  },
  modes: ['replayed'],
  create() {
    // `client.db().collection().find()`: report the outermost call once, not each link of the chain.
    const covered = new WeakSet<ts.Node>();
    return (node, c) => {
      const tsm = c.ts;
      if (!tsm.isCallExpression(node) || covered.has(node)) return;
      const known = classifyCall(tsm, node, c.checker);
      if (!known || known.category !== 'io') return;
      let x: ts.Expression = node.expression;
      for (let i = 0; i < 50; i++) {
        x = skipOuterExpressions(tsm, x);
        if (tsm.isCallExpression(x)) {
          covered.add(x);
          x = x.expression;
        } else if (tsm.isPropertyAccessExpression(x) || tsm.isElementAccessExpression(x)) x = x.expression;
        else if (tsm.isAwaitExpression(x)) x = x.expression;
        else break;
      }
      c.report(node, 'io', { call: calleeLabel(tsm, node, c.sourceFile), what: known.what });
    };
  },
};
