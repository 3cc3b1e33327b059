// Core (pure): the `source` of the diagnostics the editor shows. It carries the rule id, so the Problems view
// shows `durable-lens/<rule>(code)` beside even a message it cuts off, and the hover the same after the message
// (a tsserver diagnostic's code must be a number; `source` is the one text field shown beside it).
import { RULE_IDS, type RuleId } from './rules/catalog';

/** The source of notes that are not one rule's finding (a file skipped), and the prefix of every rule's. */
export const DIAGNOSTIC_SOURCE = 'durable-lens';

const RULES: ReadonlySet<string> = new Set(RULE_IDS);

/** `durable-lens/<rule>`: the source of a rule's finding. */
export function diagnosticSource(rule: RuleId): string {
  return `${DIAGNOSTIC_SOURCE}/${rule}`;
}

/** Is this one of ours (a rule's finding or a note)? Users filter on the prefix; the Problems filter is a substring. */
export function isDurableLensSource(source: string | undefined): boolean {
  return source === DIAGNOSTIC_SOURCE || (source !== undefined && source.startsWith(`${DIAGNOSTIC_SOURCE}/`));
}

/** The rule a source names, when it names one. */
export function ruleOfSource(source: string | undefined): RuleId | undefined {
  if (source === undefined || !source.startsWith(`${DIAGNOSTIC_SOURCE}/`)) return undefined;
  const id = source.slice(DIAGNOSTIC_SOURCE.length + 1);
  return RULES.has(id) ? (id as RuleId) : undefined;
}
