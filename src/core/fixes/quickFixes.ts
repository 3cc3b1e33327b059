// Pure: which quick fixes a finding gets (the registry of fixes by rule), in menu order; plain text edits.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { findNodeForSpan, fixStyle, type ContextLookup, type FixOptions, type FixTarget, type QuickFix } from './fixModel';
import { carryJsonValueFix } from './carryJsonValue';
import { wrapInStepFix } from './wrapInStep';
import { replaceSleepFix } from './replaceSleep';
import { addAwaitFix, consoleToLoggerFix, durableCombinatorFix, useOwnContextFix } from './contextFixes';
import { suppressFix } from './suppress';

/**
 * The fixes for one finding: the real fix first and marked preferred, the suppression comment last. Fixes
 * that need a context are offered only when one is in scope at the finding (`contextAt`). `options` carries
 * the user's quote and newline preferences and the checker (types make more fixes provably safe).
 */
export function getQuickFixes(
  ts: TS,
  sf: ts.SourceFile,
  finding: FixTarget,
  contextAt: ContextLookup,
  onError: (error: unknown) => void = () => undefined,
  options?: FixOptions
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
  const style = fixStyle(ts, sf, options);
  const checker = options?.checker;
  const node = findNodeForSpan(ts, sf, finding.start, finding.end);
  if (node) {
    const ctx = safe(() => contextAt(node));
    switch (finding.rule) {
      case 'nondeterministic-call':
      case 'io-outside-step':
      case 'env-read-outside-step':
        if (ctx) fixes.push(safe(() => wrapInStepFix(ts, sf, node, ctx, style, checker)));
        break;
      case 'non-durable-timer':
        if (ctx) fixes.push(safe(() => replaceSleepFix(ts, sf, node, ctx, style)));
        break;
      case 'parent-context-in-child':
        fixes.push(safe(() => useOwnContextFix(ts, sf, node)));
        break;
      case 'floating-durable-promise':
        fixes.push(safe(() => addAwaitFix(ts, sf, node, checker)));
        break;
      case 'replayed-side-effect-log':
        if (ctx) fixes.push(safe(() => consoleToLoggerFix(ts, sf, node, ctx)));
        break;
      case 'native-promise-combinator':
        if (ctx) fixes.push(safe(() => durableCombinatorFix(ts, sf, node, ctx, checker)));
        break;
      case 'lossy-step-result':
        fixes.push(safe(() => carryJsonValueFix(ts, sf, node, checker)));
        break;
      default:
        break;
    }
  }
  const real = fixes.filter((f): f is QuickFix => f !== undefined);
  const ordered: QuickFix[] = real.map((f, i) => (i === 0 ? { ...f, preferred: true } : f));
  const suppress = safe(() => suppressFix(ts, sf, finding.rule, finding.start, style.newLine));
  if (suppress) ordered.push(suppress);
  return ordered;
}
