// Unit tests (node, mocha): rule replay-mismatch, valid and invalid tables with exact positions — the current code
// of a handler against executions recorded with the testing SDK (test/fixtures/mapping, whose verdicts come from
// resuming them with the real SDK) — plus grouping, ambiguity, severities and suppression.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import type { Finding } from '../../../src/core/analysis/model';
import { RULE_CATALOG, RULE_IDS, type SeveritySetting } from '../../../src/core/rules/catalog';
import { clearReplayCaches, recordedExecutionFromText, replayMismatchFindingsForFile, type RecordedExecution } from '../../../src/core/history/replayDiagnostics';
import { MAIN_FILE, REPO_ROOT, createProject, positionOf } from './harness';

const DRIFT = path.join(REPO_ROOT, 'test', 'fixtures', 'mapping', 'drift');
const SHARED = '/work/shared/fixtures/aws-example-histories';

function execution(file: string, label?: string, patch?: (events: unknown[]) => unknown[]): RecordedExecution {
  let text = fs.readFileSync(file, 'utf8');
  if (patch) text = JSON.stringify(patch(JSON.parse(text) as unknown[]));
  const e = recordedExecutionFromText(label ? `/recorded/${label}.history.json` : file, text, '1', 50 * 1024 * 1024);
  return e;
}

/** The recording of test/fixtures/mapping/drift/order.ts: reserve (1), charge (2), then waiting on cool-off (3). */
const ORDER = () => execution(path.join(DRIFT, 'order.history.json'));
/** The same execution, ended: its events and an ExecutionSucceeded. */
const ORDER_ENDED = () =>
  execution(path.join(DRIFT, 'order.history.json'), 'order-ended', (events) => {
    const started = events[0] as { Id: string; EventTimestamp: string };
    return [...events, { EventType: 'ExecutionSucceeded', Id: started.Id, EventId: events.length + 1, EventTimestamp: started.EventTimestamp, ExecutionSucceededDetails: { Result: { Payload: '"done"' } } }];
  });
const NESTED = () => execution(path.join(DRIFT, 'nested.history.json'));

const IMPORT = "import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';";
const ORDER_LINES = [
  "  const reserved = await context.step('reserve', async () => 'reserved');",
  "  const charged = await context.step('charge', async () => `${reserved}, charged`);",
  '  if (event.express) {',
  "    await context.step('express-fee', async () => 5);",
  '  }',
  "  await context.wait('cool-off', { seconds: 1 });",
  "  const shipped = await context.step('ship', async () => `${charged}, shipped`);",
  "  return context.step('notify', async () => `${shipped}, notified`);",
];
/** order.ts with its body lines replaced; body line 1 is line 4 of the file. */
function order(lines: readonly string[] = ORDER_LINES, extra = ''): string {
  return `${IMPORT}\n\nexport async function order(event: { express?: boolean }, context: DurableContext): Promise<string> {\n${lines.join('\n')}\n}\n\nexport const handler = withDurableExecution(order);\n${extra}`;
}
function edit(index: number, ...replacement: string[]): string[] {
  const out = [...ORDER_LINES];
  out.splice(index, 1, ...replacement);
  return out;
}
const NESTED_LINES = [
  "  const prepared = await context.runInChildContext('prepare', async (child) => {",
  "    const a = await child.step('load', async () => 'loaded');",
  "    return child.step('check', async () => `${a}, checked`);",
  '  });',
  "  await context.wait('pause', { seconds: 1 });",
  "  return context.step('finish', async () => `${prepared}, finished`);",
];
function nested(lines: readonly string[] = NESTED_LINES): string {
  return `${IMPORT}\n\nexport async function nested(_event: unknown, context: DurableContext): Promise<string> {\n${lines.join('\n')}\n}\n\nexport const handler = withDurableExecution(nested);\n`;
}
function nestedEdit(index: number, ...replacement: string[]): string[] {
  const out = [...NESTED_LINES];
  out.splice(index, 1, ...replacement);
  return out;
}

type Mode = 'program' | 'syntax';

interface ValidCase {
  readonly name: string;
  readonly code: string;
  readonly executions: () => readonly RecordedExecution[];
  readonly severity?: SeveritySetting;
  readonly modes?: readonly Mode[];
}
interface ExpectedError {
  /** Where: the line (1-based) and the text the diagnostic covers, which must start there. */
  readonly line: number;
  readonly text: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message?: readonly string[];
}
interface InvalidCase extends ValidCase {
  readonly errors: readonly ExpectedError[];
}

function run(c: ValidCase, mode: Mode): { findings: Finding[]; sf: ts.SourceFile } {
  clearReplayCaches();
  let program: ts.Program | undefined;
  let sf: ts.SourceFile;
  if (mode === 'syntax') sf = ts.createSourceFile(MAIN_FILE, c.code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  else {
    program = createProject({ [MAIN_FILE]: c.code }, true);
    sf = program.getSourceFile(MAIN_FILE)!;
  }
  const errors: string[] = [];
  const findings = replayMismatchFindingsForFile(ts, program, sf, c.executions(), { ...(c.severity ? { severity: c.severity } : {}), onError: (e) => errors.push(e.message) });
  assert.deepStrictEqual(errors, [], 'no internal errors');
  return { findings, sf };
}

/** Table test in the shape of the other rules' (harness.ts ruleTester), with the executions each case checks against. */
function ruleTester(rule: 'replay-mismatch', cases: { valid: readonly ValidCase[]; invalid: readonly InvalidCase[] }): void {
  describe(rule, () => {
    describe('valid', () => {
      for (const c of cases.valid) {
        for (const mode of c.modes ?? (['program', 'syntax'] as const)) {
          it(`${c.name} [${mode}]`, () => {
            const { findings, sf } = run(c, mode);
            assert.deepStrictEqual(findings.map((f) => ({ ...positionOf(sf, f), message: f.message })), [], 'expected no findings');
          });
        }
      }
    });
    describe('invalid', () => {
      for (const c of cases.invalid) {
        for (const mode of c.modes ?? (['program', 'syntax'] as const)) {
          it(`${c.name} [${mode}]`, () => {
            const { findings, sf } = run(c, mode);
            const lines = c.code.split('\n');
            const expected = c.errors.map((e) => {
              const column = lines[e.line - 1]!.indexOf(e.text) + 1;
              assert.ok(column > 0, `test bug: ${JSON.stringify(e.text)} is not on line ${e.line}`);
              return { line: e.line, column, endLine: e.line, endColumn: column + e.text.length, severity: e.severity };
            });
            assert.deepStrictEqual(
              findings.map((f) => ({ ...positionOf(sf, f), severity: f.severity })),
              expected,
              findings.map((f) => f.message).join('\n'),
            );
            for (const f of findings) assert.strictEqual(f.rule, 'replay-mismatch');
            c.errors.forEach((e, i) => {
              for (const p of e.message ?? []) assert.ok(findings[i]!.message.includes(p), `message ${JSON.stringify(findings[i]!.message)} should contain ${JSON.stringify(p)}`);
            });
          });
        }
      }
    });
  });
}

const FAILS = 'would fail with NonDeterministicExecutionError';

ruleTester('replay-mismatch', {
  valid: [
    { name: 'the code as recorded', code: order(), executions: () => [ORDER()] },
    {
      name: 'an edit inside a step body (checkpointed code is not re-run)',
      code: order(edit(1, "  const charged = await context.step('charge', async () => `${reserved}, charged twice`.toUpperCase());")),
      executions: () => [ORDER()],
    },
    {
      name: 'an edit in a branch the execution did not take',
      code: order(edit(3, "    await context.step('express-fee-v2', async () => 7);\n    await context.wait({ seconds: 2 });")),
      executions: () => [ORDER()],
    },
    {
      name: 'an operation added after the last recorded one',
      code: order(edit(5, "  await context.wait('cool-off', { seconds: 1 });", "  await context.step('audit', async () => 'audited');")),
      executions: () => [ORDER()],
    },
    {
      name: 'a step renamed inside a completed child context (the child is not re-run)',
      code: nested(nestedEdit(1, "    const a = await child.step('load-all', async () => 'loaded');")),
      executions: () => [NESTED()],
    },
    {
      name: 'a step inserted inside a completed child context',
      code: nested(nestedEdit(1, "    await child.step('warm-up', async () => 0);", "    const a = await child.step('load', async () => 'loaded');")),
      executions: () => [NESTED()],
    },
    {
      name: 'a history of another handler is not checked against this one',
      code: order(edit(0, "  await context.step('validate', async () => true);", ORDER_LINES[0]!)),
      executions: () => [execution(path.join(SHARED, 'step__named__step-named.history.json'))],
    },
    {
      name: 'suppressed with durable-lens-ignore-next-line',
      code: order(edit(0, '  // durable-lens-ignore-next-line replay-mismatch -- the executions in flight are drained first', "  await context.step('validate', async () => true);", ORDER_LINES[0]!)),
      executions: () => [ORDER()],
    },
    {
      name: 'the rule set to off',
      code: order(edit(0, "  await context.step('validate', async () => true);", ORDER_LINES[0]!)),
      executions: () => [ORDER()],
      severity: 'off',
    },
    { name: 'no recorded executions', code: order(edit(0, "  await context.step('validate', async () => true);", ORDER_LINES[0]!)), executions: () => [] },
  ],
  invalid: [
    {
      name: 'a step inserted before the recorded ones shifts every later number',
      code: order(edit(0, "  await context.step('validate', async () => true);", ORDER_LINES[0]!)),
      executions: () => [ORDER()],
      errors: [{ line: 4, text: "context.step('validate'", severity: 'error', message: ['"validate"', '"reserve"', '"order"', '(running)', FAILS] }],
    },
    {
      name: 'a recorded step renamed',
      code: order(edit(1, "  const charged = await context.step('charge-card', async () => `${reserved}, charged`);")),
      executions: () => [ORDER()],
      errors: [{ line: 5, text: "context.step('charge-card'", severity: 'error', message: ['"charge-card"', '"charge"', FAILS] }],
    },
    {
      name: 'a recorded step changed into a wait',
      code: order(edit(1, "  await context.wait('charge', { seconds: 1 });", '  const charged = `${reserved}, charged`;')),
      executions: () => [ORDER()],
      errors: [{ line: 5, text: "context.wait('charge'", severity: 'error', message: [FAILS] }],
    },
    {
      name: 'a recorded step removed in the middle: the next call takes its number',
      code: order(edit(1, '  const charged = `${reserved}, charged`;')),
      executions: () => [ORDER()],
      errors: [{ line: 9, text: "context.wait('cool-off'", severity: 'error', message: [FAILS] }],
    },
    {
      name: 'the last recorded operation removed: the next call takes its number',
      code: order(edit(5)),
      executions: () => [ORDER()],
      errors: [{ line: 9, text: "context.step('ship'", severity: 'error', message: ['"cool-off"', FAILS] }],
    },
    {
      name: 'a completed child context renamed',
      code: nested(nestedEdit(0, "  const prepared = await context.runInChildContext('prepare-all', async (child) => {")),
      executions: () => [NESTED()],
      errors: [{ line: 4, text: "context.runInChildContext('prepare-all'", severity: 'error', message: ['"prepare-all"', '"prepare"', FAILS] }],
    },
    {
      name: 'an execution that has ended is a warning',
      code: order(edit(0, "  await context.step('validate', async () => true);", ORDER_LINES[0]!)),
      executions: () => [ORDER_ENDED()],
      errors: [{ line: 4, text: "context.step('validate'", severity: 'warning', message: ['"order-ended"', 'has ended (succeeded)', 'NonDeterministicExecutionError'] }],
    },
    {
      name: 'the severity setting is for running executions; ended ones one level lower',
      code: order(edit(0, "  await context.step('validate', async () => true);", ORDER_LINES[0]!)),
      executions: () => [ORDER_ENDED()],
      severity: 'warning',
      errors: [{ line: 4, text: "context.step('validate'", severity: 'info' }],
    },
    {
      name: 'many executions breaking at one call: one diagnostic naming the first three (running first) and the count',
      code: order(edit(0, "  await context.step('validate', async () => true);", ORDER_LINES[0]!)),
      executions: () => [ORDER_ENDED(), ...['run-e', 'run-a', 'run-d', 'run-c', 'run-b'].map((l) => execution(path.join(DRIFT, 'order.history.json'), l))],
      errors: [{ line: 4, text: "context.step('validate'", severity: 'error', message: ['6 recorded executions', '"run-a" (running), "run-b" (running), "run-c" (running) and 3 more', 'First: The code now has step "validate"'] }],
    },
    {
      name: 'executions that fit two handlers equally: reported once, at the first handler, not checked',
      code: order(undefined, `\nexport async function order2(event: { express?: boolean }, context: DurableContext): Promise<string> {\n${ORDER_LINES.join('\n')}\n}\nexport const handler2 = withDurableExecution(order2);\n`),
      executions: () => [ORDER(), execution(path.join(DRIFT, 'order.history.json'), 'second')],
      errors: [{ line: 3, text: 'export async function order(event: { express?: boolean }, context: DurableContext): Promise<string> ', severity: 'info', message: ['2 recorded executions', 'order', 'order2', '"second"'] }],
    },
  ],
});

describe('replay-mismatch: the settings entry, catalogue entry, doc page and table test exist together', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default?: string; enum?: string[] }> } } };
  it('every rule of the catalogue has a durableLens.rules.<id> setting whose default is the catalogue default', () => {
    for (const id of RULE_IDS) {
      const setting = manifest.contributes.configuration.properties[`durableLens.rules.${id}`];
      assert.ok(setting, `no setting durableLens.rules.${id}`);
      assert.strictEqual(setting.default, RULE_CATALOG[id].defaultSeverity, id);
      assert.deepStrictEqual(setting.enum, ['off', 'info', 'warning', 'error'], id);
    }
  });
});

describe('replay-mismatch caching', () => {
  it('an edit that keeps the operations’ shape reuses the outcome and moves the diagnostic with the code', () => {
    clearReplayCaches();
    const e = [ORDER()];
    const before = order(edit(0, "  await context.step('validate', async () => true);", ORDER_LINES[0]!));
    const sf1 = ts.createSourceFile(MAIN_FILE, before, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const f1 = replayMismatchFindingsForFile(ts, undefined, sf1, e);
    const after = '// a comment line above everything\n' + before;
    const sf2 = ts.createSourceFile(MAIN_FILE, after, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    const f2 = replayMismatchFindingsForFile(ts, undefined, sf2, e);
    assert.strictEqual(f1.length, 1);
    assert.strictEqual(f2.length, 1);
    assert.strictEqual(positionOf(sf2, f2[0]!).line, positionOf(sf1, f1[0]!).line + 1);
    assert.strictEqual(after.slice(f2[0]!.start, f2[0]!.end), "context.step('validate'");
    assert.strictEqual(f2[0]!.message, f1[0]!.message);
  });
  it('a fixed edit removes the diagnostic (the outcome is per shape, not per file)', () => {
    const e = [ORDER()];
    const broken = ts.createSourceFile(MAIN_FILE, order(edit(1, "  const charged = await context.step('charge-card', async () => 1);")), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    assert.strictEqual(replayMismatchFindingsForFile(ts, undefined, broken, e).length, 1);
    const fixed = ts.createSourceFile(MAIN_FILE, order(), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    assert.deepStrictEqual(replayMismatchFindingsForFile(ts, undefined, fixed, e), []);
  });
});
