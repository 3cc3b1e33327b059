// Core (pure): rule durable-op-in-step — a durable operation (or a durable helper) called from checkpointed code.
import { durableFunctionMap } from '../analysis/handlers';
import { getDurableOperationCall } from '../analysis/operations';
import { resolveFunction } from '../analysis/replay';
import { docsPath, label, Rule } from './rule';

export const durableOpInStep: Rule = {
  meta: {
    id: 'durable-op-in-step',
    messages: {
      op: '{{call}} is a durable operation inside a {{host}} callback, which the SDK rejects at run time: move it out of the callback, or use runInChildContext to group operations.',
      helper: '{{call}} runs durable operations (it takes a DurableContext) inside a {{host}} callback, which the SDK rejects at run time: call it outside the callback.',
    },
    docs: docsPath('durable-op-in-step'),
  },
  modes: ['checkpointed'],
  create() {
    return (node, c) => {
      const tsm = c.ts;
      if (!tsm.isCallExpression(node)) return;
      const host = c.region.op?.method ?? 'step';
      const op = getDurableOperationCall(tsm, node, c.checker);
      if (op) {
        c.report(node, 'op', { call: `${label(op.contextExpression, c.sourceFile, 24)}.${op.method}(…)`, host });
        return;
      }
      const target = resolveFunction(tsm, node.expression, c.checker, undefined);
      if (target && durableFunctionMap(tsm, target.getSourceFile(), c.checker).get(target)?.kind === 'helper') {
        c.report(node, 'helper', { call: `${label(node.expression, c.sourceFile, 40)}(…)`, host });
      }
    };
  },
};
