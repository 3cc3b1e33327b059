// Core (pure): rule closure-mutation-in-step — a checkpointed callback, or a child-context, map item or parallel
// branch body (not re-run once complete), mutating a variable captured from outside it.
import { originOf } from '../analysis/origins';
import { CHECKPOINTED_METHODS, CHILD_CONTEXT_METHODS } from '../analysis/operations';
import { findBinding } from '../analysis/scope';
import { docsPath, isDeclaredWithin, mutationAt, Rule } from './rule';

const KIND_TEXT = { assignment: 'assignment to', update: 'update of', 'property write': 'write to a property of', 'mutating call': 'mutating call on' } as const;

export const closureMutationInStep: Rule = {
  meta: {
    id: 'closure-mutation-in-step',
    messages: {
      mutation: 'This {{kind}} {{name}}, captured from outside the {{host}} callback, happens only when the callback runs: once it has completed, replay takes its result from the checkpoint without running it again, so {{name}} keeps its old value. Return the value from the callback instead.',
    },
    docs: docsPath('closure-mutation-in-step'),
  },
  // Checkpointed callbacks, and child-context bodies (replayed regions, but not re-run once complete).
  modes: ['checkpointed', 'replayed'],
  create() {
    return (node, c) => {
      const tsm = c.ts;
      const op = c.region.op;
      if (!op || !(CHECKPOINTED_METHODS.has(op.method) || CHILD_CONTEXT_METHODS.has(op.method))) return;
      // A helper reached from the callback is a region of its own, without `op`: only the callback itself.
      const m = mutationAt(tsm, node, c.checker);
      if (!m) return;
      const decl = findBinding(tsm, m.root);
      if (!decl || isDeclaredWithin(decl, c.region.fn)) return;
      if (tsm.isImportClause(decl) || tsm.isImportSpecifier(decl) || tsm.isNamespaceImport(decl) || tsm.isFunctionDeclaration(decl) || tsm.isClassDeclaration(decl)) return;
      // `redis.set(...)` on a client is I/O (correct inside a step), not a captured mutation.
      if (m.kind === 'mutating call' && originOf(tsm, m.root, c.checker)?.kind === 'module') return;
      c.report(m.node, 'mutation', { kind: m.method ? `call to ${m.method} on` : KIND_TEXT[m.kind], name: m.root.text, host: op.method });
    };
  },
};
