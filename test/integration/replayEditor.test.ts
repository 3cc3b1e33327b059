// Runs in the VS Code extension host (integration tier): the editor and the diagram while a replay session steps.
// A session of the test's own (the ReplaySession interface over the real mapping and stepper of a checked-in
// recording) is made active; moved through several positions it puts the current-line highlight and inline value
// on the right line of the right file (a helper in another file too), earlier results stay dimmer, the setting
// switches inline values off and on without a reload, the workflow panel's nodes take the states, a CodeLens offers
// the callback actions only while the execution waits on one and completing it calls the source, and everything
// is cleared when stepping ends.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as vscode from 'vscode';
import { findDurableFunctions } from '../../src/core/analysis/handlers';
import { operationTree } from '../../src/core/analysis/operationTree';
import { parseHistoryText, type HistoryEvent } from '../../src/core/history/events';
import { mapHistory } from '../../src/core/history/mapping';
import type { HistoryMapping } from '../../src/core/history/mappingTypes';
import { buildExecutionRecord, type ExecutionRecord } from '../../src/core/history/record';
import { buildStepper, type Stepper } from '../../src/core/history/stepper';
import type { OperationStateAt, StepPosition } from '../../src/core/history/stepperTypes';
import type { CallbackFailure, ExecutionSource } from '../../src/extension/executions/source';
import { hoverFor, type ReplayEditorInternals } from '../../src/extension/replay/editorDecorations';
import { inlineText } from '../../src/extension/replay/replayStates';
import type { ReplayMove, ReplaySession } from '../../src/extension/replay/session';
import type { WorkflowStateResult } from '../../src/extension/workflow/register';
import { lineOf, revertAll, waitFor } from './vscodeTestUtils';

const root = path.resolve(__dirname, '..', '..', '..');
const EXPENSE = path.join(root, 'samples', 'expense-approval', 'src', 'handler.ts');
const EXPENSE_RECORDING = path.join(root, 'samples', 'expense-approval', 'recordings', 'approved.history.json');
const HELPER_HANDLER = path.join(root, 'test', 'fixtures', 'mapping', 'handlers', 'helperTwice.ts');
const HELPER_FILE = path.join(root, 'test', 'fixtures', 'mapping', 'handlers', 'helpers', 'shipping.ts');
const HELPER_RECORDING = path.join(root, 'test', 'fixtures', 'mapping', 'handlers', 'helperTwice.history.json');

/** A source that can complete callbacks and remembers what it was asked (the test's stand-in for a local run). */
class RecordingSource implements ExecutionSource {
  readonly key = 'test:replay-editor';
  readonly title = 'replay editor test';
  readonly kind = 'local' as const;
  readonly calls: string[] = [];
  async load() {
    return { events: [] as HistoryEvent[], running: true };
  }
  async sendCallbackSuccess(callbackId: string, json: string): Promise<void> {
    this.calls.push(`success ${callbackId} ${json}`);
  }
  async sendCallbackFailure(callbackId: string, failure: CallbackFailure): Promise<void> {
    this.calls.push(`failure ${callbackId} ${failure.type}: ${failure.message}`);
  }
  async sendCallbackHeartbeat(callbackId: string): Promise<void> {
    this.calls.push(`heartbeat ${callbackId}`);
  }
}

/** The ReplaySession interface over the real stepper (S's panel owns the real one). */
class TestSession implements ReplaySession {
  private readonly moved = new vscode.EventEmitter<ReplayMove>();
  private readonly recordChanged = new vscode.EventEmitter<void>();
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidMove = this.moved.event;
  readonly onDidChangeRecord = this.recordChanged.event;
  readonly onDidDispose = this.disposed.event;
  private readonly stepper: Stepper;

  constructor(
    readonly id: string,
    readonly label: string,
    readonly record: ExecutionRecord,
    readonly mapping: HistoryMapping,
    readonly handlerFile: string,
    readonly source: ExecutionSource | undefined
  ) {
    this.stepper = buildStepper(record);
  }
  get position(): StepPosition {
    return this.stepper.position;
  }
  stateOf(operationId: string): OperationStateAt | undefined {
    return this.stepper.stateOf(operationId);
  }
  allStates(): ReadonlyMap<string, OperationStateAt> {
    return this.stepper.allStates();
  }
  moveTo(eventIndex: number): void {
    const m = this.stepper.moveTo(eventIndex);
    this.moved.fire({ position: m.position, changed: m.changed });
  }
  dispose(): void {
    this.disposed.fire();
  }
}

function mapped(file: string, recording: string, cutAfter?: (e: HistoryEvent) => boolean): { record: ExecutionRecord; mapping: HistoryMapping } {
  const program = ts.createProgram([file], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, skipLibCheck: true, noEmit: true });
  const sf = program.getSourceFile(file);
  assert.ok(sf, `${file} is in the program`);
  const fn = findDurableFunctions(ts, sf, program.getTypeChecker()).find((f) => f.name === 'handler') ?? findDurableFunctions(ts, sf, program.getTypeChecker())[0];
  assert.ok(fn, `a durable handler in ${file}`);
  const tree = operationTree(ts, fn, program.getTypeChecker());
  let events = parseHistoryText(fs.readFileSync(recording, 'utf8')).events;
  if (cutAfter) events = events.slice(0, events.findIndex(cutAfter) + 1);
  const record = buildExecutionRecord(events);
  return { record, mapping: mapHistory(record, tree) };
}

async function internals(): Promise<ReplayEditorInternals> {
  await vscode.extensions.getExtension('durable-lens.durable-lens')?.activate();
  const i = await vscode.commands.executeCommand<ReplayEditorInternals>('durableLens.replay.editorInternals');
  assert.ok(i, 'the replay editor internals command answered nothing');
  return i;
}

function eventIndex(record: ExecutionRecord, type: string, name?: string, from = 0): number {
  const i = record.events.findIndex((e, k) => k >= from && e.EventType === type && (name === undefined || e.Name === name));
  assert.ok(i >= 0, `no ${type} ${name ?? ''} event`);
  return i;
}

function textOf(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

async function open(file: string, column = vscode.ViewColumn.One): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(file)), { viewColumn: column, preview: false });
}

function shownIn(i: ReplayEditorInternals, file: string) {
  return i.decorations.shown.get(vscode.Uri.file(file).toString());
}

async function lenses(file: string): Promise<vscode.CodeLens[]> {
  const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.Uri.file(file), 10)) ?? [];
  return all.filter((l) => l.command?.command.startsWith('durableLens.replay.'));
}

describe('replay: the editor and the diagram follow the stepping session', function () {
  this.timeout(120_000);
  let i: ReplayEditorInternals;
  const originals = new Map<string, string>();

  before(async () => {
    i = await internals();
    for (const f of [EXPENSE, HELPER_HANDLER, HELPER_FILE]) originals.set(f, textOf(f));
  });
  afterEach(async () => {
    i.setActiveReplaySession(undefined);
    await vscode.workspace.getConfiguration('durableLens').update('replay.inlineValues', undefined, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await revertAll(originals);
  });

  it('moves the current line and its inline value through the expense-approval run; earlier results stay dimmer; cleared at the end', async () => {
    const { record, mapping } = mapped(EXPENSE, EXPENSE_RECORDING);
    assert.strictEqual(mapping.fit.matched, mapping.fit.total);
    const text = textOf(EXPENSE);
    const validateLine = lineOf(text, "context.step('validate-claim'");
    const mapLine = lineOf(text, "context.map('price-items'");
    const callbackLine = lineOf(text, 'context.waitForCallback<Approval>(');
    const waitLine = lineOf(text, "context.wait('settlement-delay'");
    await open(EXPENSE);
    const session = new TestSession('editor-1', 'approved.history.json', record, mapping, EXPENSE, undefined);
    i.setActiveReplaySession(session);

    session.moveTo(eventIndex(record, 'StepSucceeded', 'validate-claim'));
    let shown = await waitFor('the validate-claim line', () => shownIn(i, EXPENSE)?.current?.line === validateLine && shownIn(i, EXPENSE));
    assert.strictEqual(shown.current!.text, '\u2192 {"claimId":"EXP-2026-0142","itemCount":3}');

    session.moveTo(eventIndex(record, 'CallbackStarted'));
    shown = await waitFor('the waiting callback line', () => shownIn(i, EXPENSE)?.current?.line === callbackLine && shownIn(i, EXPENSE));
    assert.strictEqual(shown.current!.text, '\u23f3 waiting on callback');
    const earlier = new Map(shown.values.filter((v) => !v.current).map((v) => [v.line, v.text]));
    assert.strictEqual(earlier.get(validateLine), '\u2192 {"claimId":"EXP-2026-0142","itemCount":3}', 'the earlier step keeps its result');
    assert.ok(earlier.get(mapLine)?.startsWith('\u2192 '), `the map shows its result: ${earlier.get(mapLine)}`);
    assert.ok(earlier.get(mapLine)!.length <= 80, 'inline values are cut to 80 characters');
    assert.ok(!earlier.has(waitLine), 'a later operation shows nothing yet');

    session.moveTo(eventIndex(record, 'WaitSucceeded', 'settlement-delay'));
    shown = await waitFor('the wait line', () => shownIn(i, EXPENSE)?.current?.line === waitLine && shownIn(i, EXPENSE));
    const waitText: string = shownIn(i, EXPENSE)!.current!.text;
    assert.ok(waitText.startsWith('\u2713 waited 5s'), waitText);
    const afterCallback = new Map(shown.values.map((v) => [v.line, v.text]));
    const approval = afterCallback.get(callbackLine) ?? '';
    assert.ok(approval.startsWith('\u2192 ') && approval.includes('lee.manager@example.com'), `the callback's result after its line: ${approval}`);

    // Back to before the first event: no current line, no values.
    session.moveTo(-1);
    await waitFor('nothing at the start', () => {
      const s = shownIn(i, EXPENSE);
      return s && s.current === undefined && s.values.length === 0;
    });

    // The setting takes effect without a reload: values off, the current line stays.
    session.moveTo(eventIndex(record, 'CallbackStarted'));
    await waitFor('values back', () => (shownIn(i, EXPENSE)?.values.length ?? 0) > 1);
    await vscode.workspace.getConfiguration('durableLens').update('replay.inlineValues', false, vscode.ConfigurationTarget.Global);
    shown = await waitFor('inline values off', () => shownIn(i, EXPENSE)?.values.length === 0 && shownIn(i, EXPENSE));
    assert.strictEqual(shown.current?.line, callbackLine, 'the current line is still highlighted');
    await vscode.workspace.getConfiguration('durableLens').update('replay.inlineValues', true, vscode.ConfigurationTarget.Global);
    await waitFor('inline values on again', () => (shownIn(i, EXPENSE)?.values.length ?? 0) > 1);

    // The session ends: everything is cleared.
    session.dispose();
    await waitFor('decorations cleared', () => !shownIn(i, EXPENSE));
  });

  it('follows the run into a helper in another file: that file is opened and its line decorated', async () => {
    const { record, mapping } = mapped(HELPER_HANDLER, HELPER_RECORDING);
    const helperText = textOf(HELPER_FILE);
    const labelLine = lineOf(helperText, 'context.step(`label-${parcel}`');
    const settleLine = lineOf(helperText, 'context.wait({ seconds: 1 })');
    const summaryLine = lineOf(textOf(HELPER_HANDLER), "context.step('summary'");
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await open(HELPER_HANDLER);
    const session = new TestSession('editor-2', 'helperTwice', record, mapping, HELPER_HANDLER, undefined);
    i.setActiveReplaySession(session);

    session.moveTo(eventIndex(record, 'StepSucceeded', 'label-p1'));
    // The helper's file is not open: the current operation's file is opened and decorated.
    let shown = await waitFor('the helper line', () => shownIn(i, HELPER_FILE)?.current?.line === labelLine && shownIn(i, HELPER_FILE), 30_000);
    assert.strictEqual(shown.current!.text, '\u2192 "label for p1"');
    assert.ok(vscode.window.visibleTextEditors.some((e) => e.document.uri.fsPath === HELPER_FILE), 'the helper file is shown');

    // The second call of the helper: the same line, now the second run's result.
    session.moveTo(eventIndex(record, 'StepSucceeded', 'label-p2'));
    shown = await waitFor('the second run', () => shownIn(i, HELPER_FILE)?.current?.text.startsWith('\u2192 "label for p2"') && shownIn(i, HELPER_FILE));
    assert.strictEqual(shown.current!.line, labelLine);
    assert.ok(shown.current!.text.includes('(run 2)'), shown.current!.text);
    assert.ok(shown.values.some((v) => v.line === settleLine && v.text.startsWith('\u2713')), 'the first wait is done');

    session.moveTo(eventIndex(record, 'StepSucceeded', 'summary'));
    await waitFor('the summary step in the handler file', () => {
      const s = shownIn(i, HELPER_HANDLER);
      return s?.current?.line === summaryLine && s.current.text === '\u2192 "label for p1, label for p2"';
    }, 30_000);
    assert.strictEqual(shownIn(i, HELPER_FILE)?.current, undefined, 'the helper file no longer has the current line');
    session.dispose();
  });

  it('offers the callback actions at the waiting waitForCallback only while it waits, and completing it calls the source', async () => {
    const waitingRun = mapped(EXPENSE, EXPENSE_RECORDING, (e) => e.EventType === 'CallbackStarted');
    assert.strictEqual(waitingRun.record.pendingCallbacks.length, 1, 'the cut recording waits on the approval callback');
    const callbackId = waitingRun.record.pendingCallbacks[0]!.callbackId;
    const callbackLine = lineOf(textOf(EXPENSE), 'context.waitForCallback<Approval>(');
    await open(EXPENSE);
    const source = new RecordingSource();

    // Not stepping: no lens.
    assert.deepStrictEqual(await lenses(EXPENSE), []);

    const session = new TestSession('callback-1', 'local run', waitingRun.record, waitingRun.mapping, EXPENSE, source);
    i.setActiveReplaySession(session);
    session.moveTo(waitingRun.record.events.length - 1);
    let shown: vscode.CodeLens[] = [];
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      shown = await lenses(EXPENSE);
      if (shown.length === 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepStrictEqual(
      shown.map((l) => [l.range.start.line, l.command!.title]),
      [
        [callbackLine, 'Send callback success\u2026'],
        [callbackLine, 'Send callback failure\u2026'],
        [callbackLine, 'Heartbeat'],
      ]
    );

    // Running a lens: the same payload check as the executions view, then the source.
    const success = shown[0]!.command!;
    const args = (success.arguments as [Record<string, unknown>])[0];
    assert.strictEqual(await vscode.commands.executeCommand(success.command, { ...args, payload: '{approved: true' }), false, 'invalid JSON is refused');
    assert.deepStrictEqual(source.calls, []);
    assert.strictEqual(await vscode.commands.executeCommand(success.command, { ...args, payload: ' {"approved":true,"approver":"me"} ' }), true);
    assert.strictEqual(await vscode.commands.executeCommand(shown[1]!.command!.command, { ...(shown[1]!.command!.arguments as [Record<string, unknown>])[0], errorMessage: 'no budget' }), true);
    assert.strictEqual(await vscode.commands.executeCommand(shown[2]!.command!.command, (shown[2]!.command!.arguments as [Record<string, unknown>])[0]), true);
    assert.deepStrictEqual(source.calls, [`success ${callbackId} {"approved":true,"approver":"me"}`, `failure ${callbackId} CallbackFailure: no budget`, `heartbeat ${callbackId}`]);

    // The whole run (the callback completed): no lens.
    const finished = mapped(EXPENSE, EXPENSE_RECORDING);
    const ended = new TestSession('callback-2', 'local run', finished.record, finished.mapping, EXPENSE, source);
    i.setActiveReplaySession(ended);
    ended.moveTo(eventIndex(finished.record, 'CallbackStarted'));
    assert.deepStrictEqual(await lenses(EXPENSE), [], 'no callback waits in the finished run');
    // An action for a session that is no longer active is refused, and the source is not called.
    assert.strictEqual(await vscode.commands.executeCommand(success.command, { ...args, payload: '{}' }), false);
    assert.strictEqual(source.calls.length, 3);
    ended.dispose();
    session.dispose();
  });

  it('a step retried until it failed: the retry and the failure inline on its line', async () => {
    const { record, mapping } = mapped(EXPENSE, path.join(root, 'samples', 'expense-approval', 'recordings', 'invalid-claim.history.json'));
    const validateLine = lineOf(textOf(EXPENSE), "context.step('validate-claim'");
    await open(EXPENSE);
    const session = new TestSession('retry-1', 'invalid-claim', record, mapping, EXPENSE, undefined);
    i.setActiveReplaySession(session);
    session.moveTo(eventIndex(record, 'StepFailed', 'validate-claim'));
    let shown = await waitFor('the first retry', () => shownIn(i, EXPENSE)?.current?.line === validateLine && shownIn(i, EXPENSE));
    // Attempt 1 failed; attempt 2 follows after the recorded delay. The step failed for good after 6 attempts.
    assert.match(shown.current!.text, /^retry 2\/6 in \d+s after Error: "Conference ticket"/);
    session.moveTo(record.events.length - 1);
    shown = await waitFor('the failure', () => shownIn(i, EXPENSE)?.values.some((v) => v.line === validateLine && v.text.startsWith('\u2717')) && shownIn(i, EXPENSE));
    assert.strictEqual(shown.values.find((v) => v.line === validateLine)!.text, '\u2717 Error: "Conference ticket" has no positive amountCents');
    session.dispose();
  });

  it('the hover shows the details as untrusted markdown: hostile names as text, payloads fenced so they cannot break out', () => {
    const { record } = mapped(EXPENSE, EXPENSE_RECORDING);
    const op = record.byId.get(record.events[eventIndex(record, 'StepSucceeded', 'validate-claim')]!.Id!)!;
    const hostileName = '<img src=x onerror=alert(1)>[run](command:workbench.action.terminal.new)**b**';
    const payload = '{"note":"```\\n</code>[x](command:evil) ````"}';
    const md = hoverFor(
      { operationId: op.id, state: 'succeeded', attempts: 1, result: { raw: payload, truncated: false } },
      { ...op, name: hostileName },
      `run ${hostileName}`
    );
    assert.strictEqual(md.isTrusted, false);
    assert.ok(!md.supportHtml);
    assert.ok(!/(^|[^\\])<img/.test(md.value), `the name's markup is escaped: ${md.value}`);
    assert.ok(md.value.includes('\\<img src\\=x'), 'and still shown as written');
    assert.ok(!md.value.includes('](command:workbench'), 'no link from the name');
    // The payload sits inside a fence longer than any run of backticks in it.
    const fence = /^(`{5,})json$/m.exec(md.value);
    assert.ok(fence, md.value);
    const body = md.value.slice(md.value.indexOf(fence[0]) + fence[0].length);
    assert.ok(body.includes('[x](command:evil)'), 'the payload is shown verbatim inside the fence');
    assert.ok(body.indexOf(fence[1]!) > body.indexOf('command:evil'), 'the fence closes after the payload');
    const line = inlineText({ operationId: op.id, state: 'failed', attempts: 1, error: { type: 'CardDeclined', message: 'insufficient funds\nsecond line' + 'x'.repeat(200) } }, op);
    assert.ok(line.startsWith('\u2717 CardDeclined: insufficient funds second line'), line);
    assert.ok(line.length <= 80, `cut to 80: ${line.length}`);
  });

  it('styles the workflow panel nodes by state at each position and clears them when stepping ends', async () => {
    const { record, mapping } = mapped(EXPENSE, EXPENSE_RECORDING);
    await open(EXPENSE);
    await vscode.commands.executeCommand('durableLens.showWorkflow');
    const settled = async (what: string, check: (s: WorkflowStateResult) => boolean) => {
      const deadline = Date.now() + 60_000;
      let last: WorkflowStateResult | undefined;
      for (;;) {
        last = await Promise.resolve(vscode.commands.executeCommand<WorkflowStateResult | undefined>('durableLens.workflow.state', true)).catch(() => undefined);
        if (last?.snapshot && check(last)) return last;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last?.snapshot?.replay)}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    };
    await settled('the diagram', (s) => s.handler === 'handler' && (s.snapshot?.nodeCount ?? 0) > 5);
    const session = new TestSession('diagram-1', 'approved.history.json', record, mapping, EXPENSE, undefined);
    i.setActiveReplaySession(session);
    session.moveTo(eventIndex(record, 'CallbackStarted'));
    const waiting = await settled('the waiting node', (s) => s.snapshot?.replay?.states['waitForCallback:manager-approval'] === 'waiting');
    const replay = waiting.snapshot!.replay!;
    assert.strictEqual(replay.states['step:validate-claim'], 'succeeded');
    assert.strictEqual(replay.states['wait:settlement-delay'], 'notStarted');
    assert.strictEqual(replay.badges['map:price-items'], '3/3');
    assert.strictEqual(replay.current, 'waitForCallback:manager-approval');
    assert.strictEqual(waiting.snapshot!.highlighted, 'waitForCallback:manager-approval');
    const applied = i.diagram()?.applied ?? [];
    assert.ok(applied.length > 0, 'the webview reported the overlay applied');
    assert.ok(applied.every((a) => a.ms < 100), `the webview's time per move: ${applied.map((a) => a.ms.toFixed(1)).join(', ')} ms`);

    // A click on a node moves the stepper to that operation's next event, then the one after.
    assert.ok(i.clickNode('wait:settlement-delay'));
    assert.strictEqual(session.position.eventIndex, eventIndex(record, 'WaitStarted', 'settlement-delay'));
    await settled('the wait running', (s) => s.snapshot?.replay?.current === 'wait:settlement-delay');
    assert.ok(i.clickNode('wait:settlement-delay'));
    assert.strictEqual(session.position.eventIndex, eventIndex(record, 'WaitSucceeded', 'settlement-delay'));
    // A node the recording never reached (the decision) does not move it.
    const before = session.position.eventIndex;
    assert.strictEqual(i.clickNode('if:!approval?.approved'), false);
    assert.strictEqual(session.position.eventIndex, before);

    session.dispose();
    await settled('the overlay cleared', (s) => s.snapshot?.replay === null || s.snapshot?.replay === undefined);
  });
});
