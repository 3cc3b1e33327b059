// Core (pure): the one index of rules — every rule id of the catalogue mapped to its rule file.
import type { RuleId } from './catalog';
import { RULE_IDS } from './catalog';
import type { Rule } from './rule';
import { closureMutationInStep } from './closure-mutation-in-step';
import { durableOpInStep } from './durable-op-in-step';
import { envReadOutsideStep } from './env-read-outside-step';
import { floatingDurablePromise } from './floating-durable-promise';
import { globalStateMutation } from './global-state-mutation';
import { ioOutsideStep } from './io-outside-step';
import { lossyStepResult } from './lossy-step-result';
import { nativePromiseCombinator } from './native-promise-combinator';
import { nonDurableTimer } from './non-durable-timer';
import { nondeterministicCall } from './nondeterministic-call';
import { parentContextInChild } from './parent-context-in-child';
import { replayedSideEffectLog } from './replayed-side-effect-log';
import { replayMismatch } from './replay-mismatch';

export const RULES: Readonly<Record<RuleId, Rule>> = {
  'nondeterministic-call': nondeterministicCall,
  'io-outside-step': ioOutsideStep,
  'non-durable-timer': nonDurableTimer,
  'durable-op-in-step': durableOpInStep,
  'parent-context-in-child': parentContextInChild,
  'closure-mutation-in-step': closureMutationInStep,
  'floating-durable-promise': floatingDurablePromise,
  'env-read-outside-step': envReadOutsideStep,
  'global-state-mutation': globalStateMutation,
  'replayed-side-effect-log': replayedSideEffectLog,
  'native-promise-combinator': nativePromiseCombinator,
  'lossy-step-result': lossyStepResult,
  'replay-mismatch': replayMismatch,
};

/** Rules in catalogue order. */
export function allRules(): Rule[] {
  return RULE_IDS.map((id) => RULES[id]);
}
