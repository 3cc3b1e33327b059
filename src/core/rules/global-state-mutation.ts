// Core (pure): rule global-state-mutation — replayed code mutating module-level state.
import { isGlobalReference, findBinding } from '../analysis/scope';
import { originOf } from '../analysis/origins';
import { docsPath, isModuleLevelVariable, mutationAt, Rule } from './rule';

const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window']);

export const globalStateMutation: Rule = {
  meta: {
    id: 'global-state-mutation',
    messages: {
      mutation: 'Replayed code changes module-level `{{name}}`: a warm container keeps the change between invocations and replays, a cold one starts fresh, so replays can see different values. Keep the state in local variables or step results.',
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
      if (m.kind === 'mutating call' && originOf(tsm, m.root, c.checker)?.kind === 'module') return;
      c.report(m.node, 'mutation', { name: m.root.text });
    };
  },
};
