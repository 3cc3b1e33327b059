// Core (pure): rule nondeterministic-call — time, randomness and id generation in replayed code.
import type * as ts from 'typescript';
import { classifyCall } from '../analysis/origins';
import { calleeLabel, docsPath, Rule } from './rule';

export const nondeterministicCall: Rule = {
  meta: {
    id: 'nondeterministic-call',
    messages: {
      nondeterministic: '{{call}} returns {{what}}, a different value on every replay: compute it inside a step (await {{ctx}}.step(...)) so the value is checkpointed.',
    },
    docs: docsPath('nondeterministic-call'),
  },
  modes: ['replayed'],
  create() {
    return (node, c) => {
      const tsm = c.ts;
      if (!tsm.isCallExpression(node) && !tsm.isNewExpression(node)) return;
      const known = classifyCall(tsm, node as ts.CallExpression | ts.NewExpression, c.checker);
      if (!known || known.category !== 'nondeterministic') return;
      c.report(node, 'nondeterministic', { call: calleeLabel(tsm, node as ts.CallExpression | ts.NewExpression, c.sourceFile), what: known.what });
    };
  },
};
