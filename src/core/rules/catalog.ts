// Pure data, shared by every runtime: the rule ids (part of the public contract), default severities,
// the stable numeric diagnostic codes and one-line summaries. The rule registry maps these to rule files.

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

export const RULE_IDS = [
  'nondeterministic-call',
  'io-outside-step',
  'non-durable-timer',
  'durable-op-in-step',
  'parent-context-in-child',
  'closure-mutation-in-step',
  'floating-durable-promise',
  'env-read-outside-step',
  'global-state-mutation',
  'replayed-side-effect-log',
  'native-promise-combinator',
  'lossy-step-result',
  'replay-mismatch',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export interface RuleInfo {
  readonly id: RuleId;
  /** Stable tsserver diagnostic code; never renumber. */
  readonly code: number;
  readonly defaultSeverity: Severity;
  readonly summary: string;
}

export const RULE_CATALOG: Readonly<Record<RuleId, RuleInfo>> = {
  'nondeterministic-call': { id: 'nondeterministic-call', code: 91001, defaultSeverity: 'error', summary: 'Time, randomness or id generation in replayed code returns a different value on every replay.' },
  'io-outside-step': { id: 'io-outside-step', code: 91002, defaultSeverity: 'error', summary: 'Network, file, process, database or AWS SDK calls in replayed code run again on every replay.' },
  'non-durable-timer': { id: 'non-durable-timer', code: 91003, defaultSeverity: 'error', summary: 'setTimeout/setInterval/setImmediate and timers/promises sleeps do not survive a suspension: use context.wait.' },
  'durable-op-in-step': { id: 'durable-op-in-step', code: 91004, defaultSeverity: 'error', summary: 'A durable operation inside a checkpointed callback is rejected by the SDK at run time.' },
  'parent-context-in-child': { id: 'parent-context-in-child', code: 91005, defaultSeverity: 'error', summary: 'An outer context used inside a child-context, map or parallel callback: use the callback’s own context.' },
  'closure-mutation-in-step': { id: 'closure-mutation-in-step', code: 91006, defaultSeverity: 'error', summary: 'A checkpointed callback mutating a captured variable: on replay the callback does not run, so the mutation is lost.' },
  'floating-durable-promise': { id: 'floating-durable-promise', code: 91007, defaultSeverity: 'error', summary: 'A durable operation whose promise is never awaited never runs.' },
  'env-read-outside-step': { id: 'env-read-outside-step', code: 91008, defaultSeverity: 'warning', summary: 'process.env read in replayed code can differ between invocations (a new version or configuration).' },
  'global-state-mutation': { id: 'global-state-mutation', code: 91009, defaultSeverity: 'warning', summary: 'Replayed code mutating module-level state: a warm container keeps it between invocations, a cold one does not.' },
  'replayed-side-effect-log': { id: 'replayed-side-effect-log', code: 91010, defaultSeverity: 'info', summary: 'console.* in replayed code logs again on every replay: use context.logger or log inside a step.' },
  'native-promise-combinator': { id: 'native-promise-combinator', code: 91011, defaultSeverity: 'info', summary: 'Promise.all/race/any/allSettled over durable operations: use context.promise.* or parallel.' },
  'lossy-step-result': { id: 'lossy-step-result', code: 91012, defaultSeverity: 'error', summary: 'A step, waitForCallback or child-context result its checkpoint changes: a Date comes back a string, a Set, Map, class instance, function or BigInt as a plain object or not at all.' },
  'replay-mismatch': { id: 'replay-mismatch', code: 91013, defaultSeverity: 'error', summary: 'A recorded execution no longer matches the code: resuming it would fail with NonDeterministicExecutionError (an error for a running execution, a warning for one that has ended).' },
};

export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value);
}

export function ruleByCode(code: number): RuleInfo | undefined {
  return RULE_IDS.map((id) => RULE_CATALOG[id]).find((r) => r.code === code);
}
