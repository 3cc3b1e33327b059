// Core (pure): rule parent-context-in-child — an outer context used inside a child-context, map or parallel callback.
import type * as ts from 'typescript';
import { CHECKPOINTED_METHODS, CHILD_CONTEXT_METHODS, getDurableOperationCall, operationOfCallback } from '../analysis/operations';
import { findBinding, skipOuterExpressions } from '../analysis/scope';
import { docsPath, Rule } from './rule';

export const parentContextInChild: Rule = {
  meta: {
    id: 'parent-context-in-child',
    messages: {
      parent: '{{outer}} is the outer context: inside this {{host}} callback the SDK rejects it at run time. Use the callback\'s own context{{inner}}.',
    },
    docs: docsPath('parent-context-in-child'),
  },
  modes: ['replayed', 'checkpointed'],
  create() {
    return (node, c) => {
      const tsm = c.ts;
      if (!tsm.isCallExpression(node)) return;
      const op = getDurableOperationCall(tsm, node, c.checker);
      if (!op) return;
      const recv = skipOuterExpressions(tsm, op.contextExpression);
      if (!tsm.isIdentifier(recv)) return;
      const decl = findBinding(tsm, recv);
      if (!decl || !tsm.isParameter(decl)) return;
      const owner = decl.parent;
      // Walk outwards from the call to the function that owns the context; a child callback in between
      // means the outer context crosses into the child.
      let n: ts.Node | undefined = node.parent;
      for (let i = 0; n && i < 1000; i++, n = n.parent) {
        if (n === owner) return;
        if (!tsm.isFunctionLike(n)) continue;
        const host = operationOfCallback(tsm, n, c.checker);
        if (!host) continue;
        if (CHECKPOINTED_METHODS.has(host.method)) return; // durable-op-in-step's case
        if (CHILD_CONTEXT_METHODS.has(host.method)) {
          const own = n.parameters[0];
          const inner = own && tsm.isIdentifier(own.name) ? ` ${own.name.text}` : ' (add a context parameter to the callback)';
          c.report(recv, 'parent', { outer: recv.text, host: host.method, inner });
          return;
        }
      }
    };
  },
};
