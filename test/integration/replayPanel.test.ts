// Runs in the VS Code extension host (integration tier): "Step Through Execution" over the expense-approval
// sample's recordings — the panel opens mapped onto the handler, the stepping commands the keys call move the
// session (and the webview shows the current event and details), F5 stops at the failure of the invalid claim, the
// handler is found among the open documents when only the history is given, a history that fits no handler is
// still stepped with the reason shown, and an edit inserting a step before recorded ones shows as drift.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ReplayPanelState } from '../../src/extension/replay/panel';
import type { ReplaySnapshot } from '../../src/extension/replay/protocol';
import { revertAll } from './vscodeTestUtils';

const root = path.resolve(__dirname, '..', '..', '..');
const HANDLER = path.join(root, 'samples', 'expense-approval', 'src', 'handler.ts');
const APPROVED = path.join(root, 'samples', 'expense-approval', 'recordings', 'approved.history.json');
const INVALID = path.join(root, 'samples', 'expense-approval', 'recordings', 'invalid-claim.history.json');
const UNRELATED = path.join(root, 'test', 'fixtures', 'history', 'map-flat.history.json');

type State = ReplayPanelState & { snapshot?: ReplaySnapshot };

/** Polls an async probe until it gives a value. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; panels: ${JSON.stringify(await states(true))}; groups: ${JSON.stringify(vscode.window.tabGroups.all.map((g) => ({ column: g.viewColumn, active: g.activeTab?.label, tabs: g.tabs.map((t) => t.label) })))}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function states(withSnapshot = false): Promise<State[]> {
  return (await vscode.commands.executeCommand<State[]>('durableLens.replay.state', withSnapshot)) ?? [];
}

async function panelFor(title: string, withSnapshot = false): Promise<State | undefined> {
  return (await states(withSnapshot)).find((s) => s.title === title);
}

describe('replay panel: Step Through Execution', function () {
  this.timeout(120_000);
  const originals = new Map<string, string>([[HANDLER, fs.readFileSync(HANDLER, 'utf8')]]);

  before(async () => {
    await vscode.extensions.getExtension('durable-lens.durable-lens')?.activate();
    // A fresh window may still open its welcome tab over the first panel: let it, then start from no editors.
    await new Promise((r) => setTimeout(r, 1500));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await revertAll(originals);
  });

  it('opens a recording mapped onto its handler; the step commands move it and the page follows', async () => {
    const st = await vscode.commands.executeCommand<State>('durableLens.stepThroughExecution', { historyFile: APPROVED, handlerFile: HANDLER });
    assert.ok(st, 'the command returns the panel state');
    assert.strictEqual(st.handlerFile, HANDLER);
    assert.strictEqual(st.noCode, null);
    assert.ok(st.eventCount > 10, `events: ${st.eventCount}`);
    assert.deepStrictEqual(st.drift, [], 'the recording matches the sample');
    assert.strictEqual(st.eventIndex, -1);
    assert.ok(st.active, 'the session is the active one the editor and diagram follow');
    await vscode.commands.executeCommand('durableLens.replay.stepInto');
    await vscode.commands.executeCommand('durableLens.replay.stepInto');
    assert.strictEqual((await panelFor('approved.history.json'))?.eventIndex, 1, 'two steps in');
    assert.ok((await panelFor('approved.history.json'))?.visible, 'the panel is showing');
    const s1 = await waitFor('the page shows event 2', async () => {
      const p = await panelFor('approved.history.json', true);
      return p?.snapshot?.eventIndex === 1 ? p : undefined;
    });
    assert.match(s1.snapshot!.currentRowText ?? '', /StepStarted/);
    assert.match(s1.snapshot!.details ?? '', /validate-claim/);
    assert.match(s1.snapshot!.details ?? '', /handler\.ts:\d+/, 'the call site is shown as file:line');
    await vscode.commands.executeCommand('durableLens.replay.stepOver');
    await vscode.commands.executeCommand('durableLens.replay.nextInvocation');
    const after = (await panelFor('approved.history.json'))!;
    assert.ok(after.eventIndex > 2, `moved on: ${after.eventIndex}`);
    // The move's time is reported; its target (a frame, 16 ms) is bench/stepper.ts's figure. Here only a gross
    // bound, so the machine's load cannot fail the test: a move that rebuilt the panel would take far longer.
    assert.ok(after.lastMove && after.lastMove.ms < 250, `a move is timed and quick: ${JSON.stringify(after.lastMove)}`);
    await vscode.commands.executeCommand('durableLens.replay.stepBack');
    assert.strictEqual((await panelFor('approved.history.json'))!.eventIndex, after.eventIndex - 1);
    await vscode.commands.executeCommand('durableLens.replay.stop');
    await waitFor('Shift+F5 closes the panel when not playing', async () => !(await panelFor('approved.history.json')) || undefined);
  });

  it('finds the handler among the open documents; F5 continues to the failure of the invalid claim', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(HANDLER), { preview: false });
    const st = await vscode.commands.executeCommand<State>('durableLens.stepThroughExecution', { historyFile: INVALID });
    assert.strictEqual(st?.handlerFile, HANDLER, `found the open handler: ${st?.noCode}`);
    await vscode.commands.executeCommand('durableLens.replay.continue');
    const p = (await panelFor('invalid-claim.history.json'))!;
    assert.ok(p.eventIndex > 0 && p.operationId, 'stopped at an operation');
    const snap = await waitFor('the page shows the failure', async () => {
      const x = await panelFor('invalid-claim.history.json', true);
      return x?.snapshot?.eventIndex === p.eventIndex ? x.snapshot : undefined;
    });
    assert.match(snap.details ?? '', /StepFailed/);
    assert.match(snap.details ?? '', /retrying|failed/);
    await vscode.commands.executeCommand('durableLens.replay.stop');
  });

  it('a history that fits no handler is still stepped, and the panel says why', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(HANDLER), { preview: false });
    const st = await vscode.commands.executeCommand<State>('durableLens.stepThroughExecution', { historyFile: UNRELATED });
    assert.strictEqual(st?.handlerFile, undefined);
    assert.match(st?.noCode ?? '', /does not fit any handler/);
    await vscode.commands.executeCommand('durableLens.replay.stepInto');
    assert.strictEqual((await panelFor('map-flat.history.json'))!.eventIndex, 0);
    const snap = await waitFor('the page notes the missing code', async () => (await panelFor('map-flat.history.json', true))?.snapshot);
    assert.ok(snap.notes.some((n) => n.startsWith('Stepping without code')), snap.notes.join(' | '));
    await vscode.commands.executeCommand('durableLens.replay.stop');
  });

  it('follows a live execution: new events move a position at the end along and keep one in the middle; plays back', async () => {
    const all = JSON.parse(fs.readFileSync(APPROVED, 'utf8')) as unknown[];
    let shown = 12;
    const listeners = new Set<() => void>();
    const source = {
      key: 'test:live-replay',
      title: 'live replay',
      kind: 'local' as const,
      load: async () => ({ events: all.slice(0, shown), running: shown < all.length }),
      onDidChange(listener: () => void) {
        listeners.add(listener);
        return { dispose: () => listeners.delete(listener) };
      },
    };
    const grow = async (n: number): Promise<void> => {
      shown = n;
      for (const l of listeners) l();
      await waitFor(`${n} events loaded`, async () => ((await panelFor('live replay'))?.eventCount === n ? true : undefined));
    };
    const st = await vscode.commands.executeCommand<State>('durableLens.stepThroughExecution', { source, handlerFile: HANDLER });
    assert.strictEqual(st?.eventCount, 12);
    assert.ok(st.running);
    await vscode.commands.executeCommand('durableLens.replay.moveTo', 11);
    await grow(20);
    assert.strictEqual((await panelFor('live replay'))!.eventIndex, 19, 'at the end: follows the new end');
    await vscode.commands.executeCommand('durableLens.replay.moveTo', 5);
    await grow(26);
    assert.strictEqual((await panelFor('live replay'))!.eventIndex, 5, 'in the middle: the position is kept');
    await grow(all.length);
    assert.strictEqual((await panelFor('live replay'))!.running, false, 'the execution ended');
    await vscode.commands.executeCommand('durableLens.replay.togglePlay');
    const played = await waitFor('playback moves on', async () => {
      const p = await panelFor('live replay');
      return p && p.playing && p.eventIndex >= 7 ? p : undefined;
    });
    assert.ok(played.eventIndex >= 7);
    await vscode.commands.executeCommand('durableLens.replay.togglePlay');
    const stopped = (await panelFor('live replay'))!;
    assert.strictEqual(stopped.playing, false);
    await new Promise((r) => setTimeout(r, 1200));
    assert.strictEqual((await panelFor('live replay'))!.eventIndex, stopped.eventIndex, 'paused: no more moves');
    await vscode.commands.executeCommand('durableLens.replay.stop');
  });

  it('an edit that inserts a step before recorded ones shows as drift, re-mapped as the user types', async () => {
    const doc = await vscode.workspace.openTextDocument(HANDLER);
    await vscode.window.showTextDocument(doc, { preview: false });
    const st = await vscode.commands.executeCommand<State>('durableLens.stepThroughExecution', { historyFile: APPROVED, handlerFile: HANDLER });
    assert.deepStrictEqual(st?.drift, []);
    const at = doc.getText().indexOf("  const checked = await context.step('validate-claim'");
    assert.ok(at > 0);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, doc.positionAt(at), "  await context.step('audit-log', async () => 'logged');\n");
    assert.ok(await vscode.workspace.applyEdit(edit));
    const p = await waitFor('drift after the edit', async () => {
      const x = await panelFor('approved.history.json');
      return x && x.remaps > 0 && x.drift.length > 0 ? x : undefined;
    });
    assert.ok(p.drift.some((d) => /audit-log|inserted|validate-claim/.test(d)), p.drift.join(' | '));
    await vscode.commands.executeCommand('durableLens.replay.stop');
  });
});
