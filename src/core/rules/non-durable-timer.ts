// Core (pure): rule non-durable-timer — setTimeout/setInterval/setImmediate and timers/promises in replayed code.
import { classifyCall } from '../analysis/origins';
import { calleeLabel, docsPath, Rule } from './rule';

export const nonDurableTimer: Rule = {
  meta: {
    id: 'non-durable-timer',
    messages: {
      timer: '{{call}} is an in-memory timer: the function is not suspended while it waits and the wait starts again on every replay. Use await {{ctx}}.wait({ seconds: … }).',
    },
    docs: docsPath('non-durable-timer'),
  },
  modes: ['replayed'],
  create() {
    return (node, c) => {
      const tsm = c.ts;
      if (!tsm.isCallExpression(node)) return;
      const known = classifyCall(tsm, node, c.checker);
      if (!known || known.category !== 'timer') return;
      c.report(node, 'timer', { call: calleeLabel(tsm, node, c.sourceFile) });
    };
  },
};
