// Runs in the VS Code extension host (integration tier): the workflow panel opened by its command and
// CodeLens, the host <-> webview protocol round trip (render, rendered, snapshot request), live updates,
// parse errors, cursor highlight, handler selection and diagnostics marks.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { WorkflowStateResult } from '../../src/extension/workflow/register';
import { lensDiagnostics, lineOf, openSample, revertAll, sampleUri, waitFor } from './vscodeTestUtils';

/** Polls an async probe until it returns something truthy. */
async function until<T>(what: string, probe: () => Promise<T | undefined | false | null | ''>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

const SHOW = 'durableLens.showWorkflow';
const STATE = 'durableLens.workflow.state';

function state(withSnapshot = false): Thenable<WorkflowStateResult | undefined> {
  return vscode.commands.executeCommand<WorkflowStateResult | undefined>(STATE, withSnapshot);
}

/** Waits until the webview confirmed the newest render the host sent and `check` holds on a fresh snapshot. */
async function settled(what: string, check: (s: WorkflowStateResult) => boolean, timeoutMs = 60_000): Promise<WorkflowStateResult> {
  const deadline = Date.now() + timeoutMs;
  let last: WorkflowStateResult | undefined;
  for (;;) {
    try {
      last = await state(true);
    } catch {
      last = undefined; // the page is (re)loading: the snapshot request has nobody to answer it yet
    }
    if (last && last.rendered && last.rendered.seq === last.sentSeq && last.snapshot && last.snapshot.seq === last.sentSeq && check(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last state: ${JSON.stringify(last && { ...last, mermaid: last.mermaid.slice(0, 300) })}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

function workflowTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('durableLens.workflow'));
}

async function closePanel(): Promise<void> {
  for (const tab of workflowTabs()) await vscode.window.tabGroups.close(tab);
  await until('the workflow panel to close', async () => (await state()) === undefined, 10_000).catch(() => undefined);
}

describe('workflow panel', function () {
  this.timeout(120_000);
  const originals = new Map<string, string>();
  const tmpFiles: string[] = [];

  before(() => {
    for (const rel of ['order-saga/src/handler.ts', 'fan-out/src/handler.ts']) {
      const file = sampleUri(rel).fsPath;
      originals.set(file, fs.readFileSync(file, 'utf8'));
    }
  });

  afterEach(async () => {
    await closePanel();
    await revertAll(originals);
  });

  after(() => {
    for (const f of tmpFiles) fs.rmSync(f, { force: true });
  });

  it('Show Workflow opens one panel and the webview draws the order saga', async () => {
    await openSample('order-saga/src/handler.ts');
    await vscode.commands.executeCommand(SHOW);
    const s = await settled('the order saga diagram', (x) => (x.snapshot?.nodeCount ?? 0) > 0);
    assert.strictEqual(s.handler, 'handler');
    assert.deepStrictEqual(s.handlers, ['handler']);
    const labels = s.snapshot!.labels.join('\n');
    for (const expected of ['step: reserve-inventory', 'waitForCallback: payment-approval', 'step: charge-payment', 'wait: cancellation-window', 'step: refund-payment']) {
      assert.ok(labels.includes(expected), `missing ${expected} in:\n${labels}`);
    }
    // The host's count (from the 'rendered' notification) and the webview's snapshot agree.
    assert.strictEqual(s.rendered!.nodeCount, s.snapshot!.nodeCount);
    assert.ok(s.mermaid.startsWith('flowchart TD'), s.mermaid.slice(0, 80));

    // Running the command again reveals the same panel instead of opening a second one.
    await vscode.commands.executeCommand(SHOW);
    await settled('the diagram after a second Show Workflow', (x) => (x.snapshot?.nodeCount ?? 0) > 0);
    assert.strictEqual(workflowTabs().length, 1, 'one workflow panel');
  });

  it('editing updates the diagram; code that does not parse keeps the last good diagram with a note', async () => {
    const editor = await openSample('order-saga/src/handler.ts');
    await vscode.commands.executeCommand(SHOW);
    const before = await settled('the first diagram', (x) => (x.snapshot?.nodeCount ?? 0) > 0);
    const line = lineOf(editor.document.getText(), "const stage = process.env.STAGE ?? 'dev';");
    await editor.edit((b) => b.insert(new vscode.Position(line + 1, 0), "  await context.step('added-by-test', async () => 1);\n"));
    const after = await settled('the added step', (x) => x.snapshot!.labels.some((l) => l.includes('step: added-by-test')));
    assert.strictEqual(after.snapshot!.nodeCount, before.snapshot!.nodeCount + 1);
    assert.strictEqual(after.parseError, null);

    await editor.edit((b) => b.insert(new vscode.Position(line + 1, 0), '  const broken = (;\n'));
    const broken = await until('the parse error note', async () => {
      const s = await state(true);
      return s?.parseError && s.snapshot?.note ? s : undefined;
    });
    assert.match(broken.parseError!, /does not parse \(line \d+\)/);
    assert.match(broken.snapshot!.note!, /last good diagram/);
    assert.ok(broken.snapshot!.labels.some((l) => l.includes('step: added-by-test')), 'the last good diagram stays');
    assert.strictEqual(broken.snapshot!.nodeCount, after.snapshot!.nodeCount);
  });

  it('moving the cursor highlights the node under it', async () => {
    const editor = await openSample('order-saga/src/handler.ts');
    await vscode.commands.executeCommand(SHOW);
    await settled('the diagram', (x) => (x.snapshot?.nodeCount ?? 0) > 0);
    await vscode.window.showTextDocument(editor.document, editor.viewColumn);
    const line = lineOf(editor.document.getText(), "'charge-payment'");
    editor.selection = new vscode.Selection(line, 6, line, 6);
    const s = await until('the highlight to follow the cursor', async () => {
      const x = await state(true);
      return x?.highlight?.includes('charge-payment') && x.snapshot?.highlighted === x.highlight ? x : undefined;
    });
    assert.ok(s.highlight!.startsWith('step:charge-payment'), s.highlight!);
  });

  it('the CodeLens offers Show workflow for each handler, and the picker switches handlers', async () => {
    const file = path.join(os.tmpdir(), `dl-two-handlers-${process.pid}.ts`);
    tmpFiles.push(file);
    fs.writeFileSync(
      file,
      [
        "import { withDurableExecution, type DurableContext } from '@aws/durable-execution-sdk-js';",
        'export const first = withDurableExecution(async (event: unknown, context: DurableContext) => {',
        "  await context.step('first-step', async () => 1);",
        '});',
        'export const second = withDurableExecution(async (event: unknown, context: DurableContext) => {',
        "  await context.wait('second-wait', { seconds: 5 });",
        "  await context.step('second-step', async () => 2);",
        '});',
        '',
      ].join('\n')
    );
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lenses = await until('the CodeLenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      const ours = (l ?? []).filter((x) => x.command?.command === SHOW);
      return ours.length === 2 ? ours : undefined;
    });
    assert.deepStrictEqual(
      lenses.map((l) => [l.range.start.line, l.command!.title, l.command!.arguments?.[1]]),
      [
        [1, 'Show workflow', 'first'],
        [4, 'Show workflow', 'second'],
      ]
    );
    // What the CodeLens runs: the command with (uri, handler).
    await vscode.commands.executeCommand(SHOW, ...(lenses[1]!.command!.arguments ?? []));
    const s = await settled('the second handler', (x) => x.handler === 'second' && x.snapshot!.labels.some((l) => l.includes('step: second-step')));
    assert.deepStrictEqual(s.handlers, ['first', 'second']);
    assert.ok(!s.snapshot!.labels.some((l) => l.includes('first-step')));
    await vscode.commands.executeCommand(SHOW, uri, 'first');
    await settled('the first handler', (x) => x.handler === 'first' && x.snapshot!.labels.some((l) => l.includes('step: first-step')));
  });

  it('nodes carrying replay-safety diagnostics are marked', async () => {
    const editor = await openSample('fan-out/src/handler.ts');
    const uri = editor.document.uri;
    // The deliberate mistakes (samples/README.md): parent-context-in-child at 49:22 is the check step's
    // call, closure-mutation-in-step at 53:9 is inside the record-result step, floating-durable-promise
    // at 95:3 is the settle-cdn wait. Each marks the innermost node holding it.
    await waitFor('durable-lens diagnostics on fan-out', () => lensDiagnostics(uri).length >= 3, 90_000);
    await vscode.commands.executeCommand(SHOW, uri);
    const s = await settled('the marks', (x) => x.marks.length >= 3 && x.snapshot!.marked.length === x.marks.length);
    for (const expected of ['map:verify-thumbnails/branch/step:check-', 'map:verify-thumbnails/branch/step:record-result', 'wait:settle-cdn']) {
      assert.ok(s.marks.some((id) => id.startsWith(expected)), `expected ${expected}… to be marked, got ${s.marks.join(', ')}`);
    }
    assert.ok(!s.marks.some((id) => id.includes('step:load-manifest')), 'a clean step is not marked');
    assert.deepStrictEqual([...s.snapshot!.marked].sort(), [...s.marks].sort());
  });
});
