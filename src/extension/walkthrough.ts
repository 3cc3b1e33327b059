// Runs in the VS Code extension host: the "first ten minutes" walkthrough's commands (each opens the sample file a
// step is about and does the step's first move) and the context keys that tick a step off when the user did it.
import * as path from 'path';
import * as vscode from 'vscode';
import { ruleByCode } from '../core/rules/catalog';
import { listRuns } from '../local/runStore';
import { isDurableLensSource } from '../core/diagnosticSource';

/** `publisher.name#id` of the walkthrough in package.json. */
export const WALKTHROUGH_ID = 'durable-lens.durable-lens#durableLens.firstTenMinutes';

/** Every command the walkthrough's steps link to that this file registers (the meta test checks package.json). */
export const WALKTHROUGH_COMMANDS = {
  open: 'durableLens.walkthrough.open',
  openFinding: 'durableLens.walkthrough.openFinding',
  showWorkflow: 'durableLens.walkthrough.showWorkflow',
  runLocally: 'durableLens.walkthrough.runLocally',
  showRuns: 'durableLens.walkthrough.showRuns',
  stepThrough: 'durableLens.walkthrough.stepThrough',
  breakIt: 'durableLens.walkthrough.breakIt',
} as const;

/** Context keys the steps' completionEvents wait on (onContext:…). */
export const WALKTHROUGH_CONTEXT = {
  findingFixed: 'durableLens.walkthrough.findingFixed',
  replayMismatchSeen: 'durableLens.walkthrough.replayMismatchSeen',
} as const;

/** The sample files the steps open, relative to the samples folder (the workspace `npm start` opens). */
export const WALKTHROUGH_SAMPLES = {
  finding: 'genai-agent/src/handler.ts',
  expense: 'expense-approval/src/handler.ts',
  claim: 'expense-approval/events/claim.json',
  recording: 'expense-approval/recordings/approved.history.json',
} as const;

/** The step the last step inserts before `manager-approval`: a new operation that shifts every later id. */
export const INSERTED_STEP = "  const budget = await context.step('check-budget', async () => ({ withinBudget: totalCents <= 100_000 }));\n";

/** The stepper's command (replay/register.ts); by name, so the walkthrough loads nothing of the stepper. */
const STEP_THROUGH_COMMAND = 'durableLens.stepThroughExecution';

/** Why a walkthrough command could not do its step; shown once, as one message. */
export class WalkthroughError extends Error {
  constructor(readonly reason: 'noSample' | 'noAnchor' | 'badEvent', message: string) {
    super(message);
    this.name = 'WalkthroughError';
  }
}

export function registerWalkthrough(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const guarded = (name: string, run: () => Thenable<unknown>) => async () => {
    try {
      await run();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.error(`walkthrough ${name}: ${err instanceof Error ? (err.stack ?? message) : message}`);
      void vscode.window.showErrorMessage(`Durable Lens: ${message}`);
    }
  };
  const watcher = new WalkthroughProgress();
  context.subscriptions.push(
    watcher,
    vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.open, () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false)),
    vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.openFinding, guarded('openFinding', () => openFinding())),
    vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.showWorkflow, guarded('showWorkflow', async () => {
      const editor = await openSample(WALKTHROUGH_SAMPLES.expense, /export const handler/);
      await vscode.commands.executeCommand('durableLens.showWorkflow', editor.document.uri);
    })),
    vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.runLocally, guarded('runLocally', () => runLocally())),
    vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.showRuns, guarded('showRuns', () => vscode.commands.executeCommand('durableLens.executions.focus'))),
    vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.stepThrough, guarded('stepThrough', () => stepThrough())),
    vscode.commands.registerCommand(WALKTHROUGH_COMMANDS.breakIt, guarded('breakIt', () => breakIt())),
  );
}

/** The sample file in the open workspace, whichever folder level the samples sit at. */
async function findSample(relative: string): Promise<vscode.Uri> {
  const found = await vscode.workspace.findFiles(`**/${relative}`, '**/node_modules/**', 1);
  if (found[0]) return found[0];
  throw new WalkthroughError(
    'noSample',
    `this step uses the samples (${relative} not found in the workspace). Open the samples/ folder of the Durable Lens repository (File > Open Folder…), or run \`npm start\` in the repository, then try again.`,
  );
}

/** Opens a sample file with the cursor at the first line matching `anchor` (centred, so the step's code is in view). */
async function openSample(relative: string, anchor?: RegExp): Promise<vscode.TextEditor> {
  const uri = await findSample(relative);
  const editor = await vscode.window.showTextDocument(uri, { preview: false, viewColumn: vscode.ViewColumn.One });
  if (anchor) {
    const line = findLine(editor.document, anchor);
    if (line === undefined) throw new WalkthroughError('noAnchor', `${relative} no longer has the code this step is about (${String(anchor)}).`);
    const at = new vscode.Position(line, editor.document.lineAt(line).firstNonWhitespaceCharacterIndex);
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
  }
  return editor;
}

function findLine(doc: vscode.TextDocument, anchor: RegExp): number | undefined {
  for (let i = 0; i < doc.lineCount; i++) if (anchor.test(doc.lineAt(i).text)) return i;
  return undefined;
}

/** The genai-agent sample's setTimeout sleep (non-durable-timer), cursor on `setTimeout` so Ctrl+. offers the fix. */
async function openFinding(): Promise<void> {
  const editor = await openSample(WALKTHROUGH_SAMPLES.finding, /setTimeout\(/);
  const line = editor.selection.active.line;
  const column = editor.document.lineAt(line).text.indexOf('setTimeout(');
  const at = new vscode.Position(line, Math.max(0, column));
  editor.selection = new vscode.Selection(at, at);
}

async function runLocally(): Promise<void> {
  const editor = await openSample(WALKTHROUGH_SAMPLES.expense, /export const handler/);
  const eventUri = await findSample(WALKTHROUGH_SAMPLES.claim);
  let event: unknown;
  try {
    event = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(eventUri)));
  } catch (err) {
    throw new WalkthroughError('badEvent', `${WALKTHROUGH_SAMPLES.claim} is not valid JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  // Show the Local runs tree first: the run appears there, waiting on manager-approval.
  await vscode.commands.executeCommand('durableLens.executions.focus');
  await vscode.commands.executeCommand('durableLens.runHandlerLocally', editor.document.uri, 'handler', { event });
}

/**
 * Steps through the expense run: the newest local run of the sample (from the earlier steps; a run still waiting is
 * followed live), else the sample's checked-in recording.
 */
async function stepThrough(): Promise<void> {
  const handler = (await openSample(WALKTHROUGH_SAMPLES.expense, /export const handler/)).document.uri;
  const root = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
  const run = root ? listRuns(root).find((r) => r.ok && path.resolve(r.run.handlerFile) === handler.fsPath) : undefined;
  if (run?.ok) {
    // The shape of a Local runs tree row, which the stepper's command takes from the tree's context menu.
    await vscode.commands.executeCommand(STEP_THROUGH_COMMAND, { type: 'localRun', id: run.run.id, listed: run });
    return;
  }
  const recording = await findSample(WALKTHROUGH_SAMPLES.recording);
  await vscode.commands.executeCommand(STEP_THROUGH_COMMAND, { historyFile: recording.fsPath, handlerFile: handler.fsPath, handler: 'handler' });
}

/** Inserts a step before manager-approval (unsaved; Undo takes it back): recorded runs no longer replay. */
async function breakIt(): Promise<void> {
  const editor = await openSample(WALKTHROUGH_SAMPLES.expense, /const approval = await context\.waitForCallback/);
  const line = editor.selection.active.line;
  if (findLine(editor.document, /context\.step\('check-budget'/) !== undefined) return; // already inserted: nothing to add
  await editor.edit((b) => b.insert(new vscode.Position(line, 0), INSERTED_STEP));
  const at = new vscode.Position(line + 1, editor.document.lineAt(line + 1).firstNonWhitespaceCharacterIndex);
  editor.selection = new vscode.Selection(at, at);
  editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
  await offerRecording(editor.document.uri);
}

/**
 * replay-mismatch checks the executions Durable Lens knows (local runs, the history folder). With none for the
 * sample yet (the run steps skipped), the edit would show nothing: offer the sample's recording, copied into the
 * history folder, as if it had been exported.
 */
async function offerRecording(handler: vscode.Uri): Promise<void> {
  const root = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
  if (!root) return;
  if (listRuns(root).some((r) => r.ok && path.resolve(r.run.handlerFile) === handler.fsPath)) return;
  const setting = vscode.workspace.getConfiguration('durableLens').get<string>('history.folder', '.durable-lens/histories') || '.durable-lens/histories';
  const folder = vscode.Uri.file(path.resolve(root, setting));
  let names: string[] = [];
  try {
    names = (await vscode.workspace.fs.readDirectory(folder)).map(([n]) => n).filter((n) => n.endsWith('.json'));
  } catch {
    // No history folder yet: nothing recorded there.
  }
  if (names.length > 0) return;
  const use = 'Use the sample\'s recording';
  const answer = await vscode.window.showInformationMessage(
    `Durable Lens: no recorded run of ${vscode.workspace.asRelativePath(handler)} yet, so nothing to break. Run it locally (the earlier steps), or use the recording that ships with the sample.`,
    use,
  );
  if (answer !== use) return;
  const recording = await findSample(WALKTHROUGH_SAMPLES.recording);
  await vscode.workspace.fs.createDirectory(folder);
  await vscode.workspace.fs.copy(recording, vscode.Uri.joinPath(folder, 'expense-approval-approved.history.json'), { overwrite: false });
}

/** The rule id of a Durable Lens diagnostic (the plugin's numeric code, or the id itself). */
export function ruleOf(d: vscode.Diagnostic): string | undefined {
  if (!isDurableLensSource(d.source)) return undefined;
  const code = typeof d.code === 'object' && d.code !== null ? d.code.value : d.code;
  if (typeof code === 'string') return code;
  if (typeof code === 'number') return ruleByCode(code)?.id ?? (/replay-mismatch/.test(d.message) ? 'replay-mismatch' : String(code));
  return undefined;
}

/**
 * Ticks steps off from what the editor shows: a Durable Lens finding that goes away from an open document the user
 * edited (the quick fix), and the first `replay-mismatch` diagnostic anywhere. Only reads the changed URIs' diagnostics.
 */
class WalkthroughProgress implements vscode.Disposable {
  /** Per open document: how many Durable Lens findings it had, and at which document version. */
  private readonly seen = new Map<string, { count: number; version: number }>();
  private fixed = false;
  private mismatch = false;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.languages.onDidChangeDiagnostics((e) => {
      if (this.fixed && this.mismatch) return;
      for (const uri of e.uris) this.check(uri);
    });
  }

  private check(uri: vscode.Uri): void {
    const rules = vscode.languages.getDiagnostics(uri).map(ruleOf).filter((r): r is string => r !== undefined);
    if (!this.mismatch && rules.includes('replay-mismatch')) {
      this.mismatch = true;
      void vscode.commands.executeCommand('setContext', WALKTHROUGH_CONTEXT.replayMismatchSeen, true);
    }
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc) {
      // A closed file's diagnostics go away without anything being fixed.
      this.seen.delete(uri.toString());
      return;
    }
    const findings = rules.filter((r) => r !== 'replay-mismatch').length;
    const before = this.seen.get(uri.toString());
    if (!this.fixed && before && findings < before.count && doc.version !== before.version) {
      this.fixed = true;
      void vscode.commands.executeCommand('setContext', WALKTHROUGH_CONTEXT.findingFixed, true);
    }
    this.seen.set(uri.toString(), { count: findings, version: doc.version });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
