// Pure: which quick fixes a finding gets (the registry of fixes by rule); each fix is plain text edits.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { findNodeForSpan, type ContextLookup, type FixTarget, type QuickFix } from './fixModel';
import { wrapInStepFix } from './wrapInStep';
import { replaceSleepFix } from './replaceSleep';
import { addAwaitFix, consoleToLoggerFix, durableCombinatorFix, useOwnContextFix } from './contextFixes';
import { suppressFix } from './suppress';

/**
 * The fixes for one finding, most specific first; the suppression comment is always last. Fixes that need
 * a context are offered only when one is in scope at the finding (`contextAt`).
 */
export function getQuickFixes(
  ts: TS,
  sf: ts.SourceFile,
  finding: FixTarget,
  contextAt: ContextLookup,
  onError: (error: unknown) => void = () => undefined
): QuickFix[] {
  // One fix failing on odd syntax must not take the others (or the editor's light bulb) with it.
  const safe = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      onError(e);
      return undefined;
    }
  };
  const fixes: (QuickFix | undefined)[] = [];
  const node = findNodeForSpan(ts, sf, finding.start, finding.end);
  if (node) {
    const ctx = safe(() => contextAt(node));
    switch (finding.rule) {
      case 'nondeterministic-call':
      case 'io-outside-step':
      case 'env-read-outside-step':
        if (ctx) fixes.push(safe(() => wrapInStepFix(ts, sf, node, ctx)));
        break;
      case 'non-durable-timer':
        if (ctx) fixes.push(safe(() => replaceSleepFix(ts, sf, node, ctx)));
        break;
      case 'parent-context-in-child':
        fixes.push(safe(() => useOwnContextFix(ts, sf, node)));
        break;
      case 'floating-durable-promise':
        fixes.push(safe(() => addAwaitFix(ts, sf, node)));
        break;
      case 'replayed-side-effect-log':
        if (ctx) fixes.push(safe(() => consoleToLoggerFix(ts, sf, node, ctx)));
        break;
      case 'native-promise-combinator':
        if (ctx) fixes.push(safe(() => durableCombinatorFix(ts, sf, node, ctx)));
        break;
      default:
        break;
    }
  }
  fixes.push(safe(() => suppressFix(ts, sf, finding.rule, finding.start)));
  return fixes.filter((f): f is QuickFix => f !== undefined);
}
