// Core (pure): rule replay-mismatch — its meta (id, messages, doc page). It looks at recorded executions, not
// at code regions, so it visits nothing here: src/core/history/replayDiagnostics.ts makes its findings.
import type { Rule } from './rule';
import { docsPath } from './rule';

export const replayMismatch: Rule = {
  meta: {
    id: 'replay-mismatch',
    messages: {
      one: '{{drift}} {{consequence}}',
      // {{consequence}}: running, resuming it would fail with NonDeterministicExecutionError; ended, one like it in flight would.
      many: '{{count}} recorded executions no longer match this call: {{executions}}. Resuming those still in flight would fail with NonDeterministicExecutionError. First: {{drift}}',
      ambiguous:
        '{{count}} recorded executions fit more than one handler equally well ({{handlers}}), so they were not checked: {{executions}}. Keep one handler per history folder or remove the ambiguity.',
    },
    docs: docsPath('replay-mismatch'),
  },
  // The code-region visitor of check.ts has nothing to do for this rule: the comparison needs a history.
  modes: [],
  create: () => () => undefined,
};
