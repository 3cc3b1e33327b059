// Runs in the extension host: "Check Running Executions Against This Code" — fetches the running executions of
// the deployed function behind the handler in the editor (through the executions view's AWS connection) into a
// folder under the extension's storage, and adds that folder to the ones replay-mismatch checks.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ExecutionsInternals } from './executions/register';
import type { PluginConfigForwarder } from './pluginConfig';

export const CHECK_RUNNING_COMMAND = 'durableLens.checkRunningExecutions';
const INTERNALS_COMMAND = 'durableLens.executions.internals';
/** At most this many running executions are fetched per function (newest first). */
export const MAX_RUNNING = 50;
const LINKED_KEY = 'durableLens.replayMismatch.linkedFunctions';

/** Why fetching failed; one message to the user, the detail in the Output channel. */
export class RunningExecutionsError extends Error {
  constructor(
    readonly reason: 'no-file' | 'no-connection' | 'cancelled',
    message: string,
  ) {
    super(message);
    this.name = 'RunningExecutionsError';
  }
}

/** A file name from an untrusted execution name: the safe alphabet only, bounded. */
export function safeFileName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^\.+/, '_').slice(0, 100);
  return s === '' ? 'execution' : s;
}

export function registerReplayMismatchSources(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, forwarder: PluginConfigForwarder): void {
  const root = path.join(context.globalStorageUri.fsPath, 'running-executions');
  // Folders fetched in an earlier session are checked again (their executions may still run; the command refreshes them).
  try {
    if (fs.existsSync(root)) for (const d of fs.readdirSync(root)) void forwarder.addHistoryFolder(path.join(root, d));
  } catch (err) {
    log.warn(`replay-mismatch: cannot read ${root}: ${err instanceof Error ? err.message : String(err)}`);
  }
  context.subscriptions.push(
    vscode.commands.registerCommand(CHECK_RUNNING_COMMAND, async (uriArg?: unknown, optionsArg?: unknown) => {
      try {
        // `{ functionName }` links the file to a function without the picker (tests, other extensions).
        const named = typeof optionsArg === 'object' && optionsArg !== null && typeof (optionsArg as { functionName?: unknown }).functionName === 'string' ? (optionsArg as { functionName: string }).functionName : undefined;
        return await checkRunning(context, log, forwarder, root, uriArg instanceof vscode.Uri ? uriArg : undefined, named);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log.error(`replay-mismatch: checking running executions failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
        if (!(err instanceof RunningExecutionsError && err.reason === 'cancelled')) void vscode.window.showErrorMessage(`Durable Lens: running executions were not checked: ${message}`);
        return undefined;
      }
    }),
  );
}

async function checkRunning(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, forwarder: PluginConfigForwarder, root: string, uri: vscode.Uri | undefined, named: string | undefined): Promise<{ functionName: string; folder: string; count: number } | undefined> {
  const file = (uri ?? vscode.window.activeTextEditor?.document.uri)?.fsPath;
  if (!file) throw new RunningExecutionsError('no-file', 'open the handler file first');
  const internals = await vscode.commands.executeCommand<ExecutionsInternals | undefined>(INTERNALS_COMMAND);
  if (!internals) throw new RunningExecutionsError('no-connection', 'the Durable Functions view is not available');
  const client = await internals.connection.client();

  const linked = context.workspaceState.get<Record<string, string>>(LINKED_KEY, {});
  const rel = vscode.workspace.asRelativePath(file);
  let functionName: string | undefined = named ?? linked[file];
  if (!functionName) {
    const names: string[] = [];
    try {
      for await (const f of client.listDurableFunctions()) {
        names.push(f.name);
        if (names.length >= 200) break;
      }
    } catch (err) {
      // An endpoint without the list API (sam local): the name is typed instead.
      log.warn(`replay-mismatch: listing durable functions failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const picked = names.length
      ? (await vscode.window.showQuickPick(names, { title: `Durable Lens: which deployed function runs ${rel}?`, placeHolder: 'Its running executions are checked against this code' }))
      : await vscode.window.showInputBox({ title: `Durable Lens: which deployed function runs ${rel}?`, prompt: 'Function name or ARN' });
    if (!picked) throw new RunningExecutionsError('cancelled', 'no function picked');
    functionName = picked;
    await context.workspaceState.update(LINKED_KEY, { ...linked, [file]: picked });
  }

  const fn: string = functionName;
  const folder = path.join(root, safeFileName(fn));
  const count = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Durable Lens: fetching running executions of ${functionName}`, cancellable: true }, async (_progress, token) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { normalizeEvents, serializeHistory } = require('../core/history/events') as typeof import('../core/history/events');
    const fetched: { name: string; arn: string; text: string }[] = [];
    for await (const e of client.listExecutions(fn, { statuses: ['RUNNING'], pageSize: MAX_RUNNING, signal: abort.signal })) {
      const raw: unknown[] = [];
      for await (const page of client.getHistory(e.arn, { includeExecutionData: false, signal: abort.signal })) raw.push(...page);
      const { events } = normalizeEvents(raw);
      // The API's shape with the execution's name and ARN beside the events (what the plugin's reader names it by).
      const body = JSON.parse(serializeHistory(events)) as unknown[];
      fetched.push({ name: e.name, arn: e.arn, text: JSON.stringify({ DurableExecutionArn: e.arn, DurableExecutionName: e.name, Status: 'RUNNING', Events: body }) });
      if (fetched.length >= MAX_RUNNING) break;
    }
    // Executions that ended since the last fetch are no longer running: the folder holds exactly this fetch.
    fs.rmSync(folder, { recursive: true, force: true });
    fs.mkdirSync(folder, { recursive: true });
    fetched.forEach((f, i) => fs.writeFileSync(path.join(folder, `${String(i).padStart(3, '0')}-${safeFileName(f.name)}.json`), f.text));
    return fetched.length;
  });
  await forwarder.addHistoryFolder(folder);
  await forwarder.push('running executions fetched');
  log.info(`replay-mismatch: ${count} running execution(s) of ${functionName} fetched into ${folder}`);
  void vscode.window.showInformationMessage(
    count === 0
      ? `Durable Lens: ${functionName} has no running executions.`
      : `Durable Lens: ${count} running execution(s) of ${functionName} are checked against ${rel}; a call that would break them shows as a replay-mismatch error.`,
  );
  return { functionName, folder, count };
}
