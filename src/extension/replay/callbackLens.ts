// Extension host: the callback actions at the waiting call site while stepping — CodeLenses "Send callback
// success… / failure… / Heartbeat" on the waitForCallback/createCallback the execution waits on, when the session's
// source can complete callbacks — and the commands they run (same payload check as the executions view).
import * as vscode from 'vscode';
import type { PendingCallback } from '../../core/history/record';
import { checkCallbackPayload } from '../executions/executionProtocol';
import { promptCallbackFailure, promptCallbackResult } from '../executions/callbackPrompts';
import { nodeOfOperation } from './replayStates';
import { activeReplaySession, onDidChangeActiveReplaySession, type ReplaySession } from './session';

export const CALLBACK_COMMANDS = {
  success: 'durableLens.replay.sendCallbackSuccess',
  failure: 'durableLens.replay.sendCallbackFailure',
  heartbeat: 'durableLens.replay.sendCallbackHeartbeat',
} as const;

/** What the commands take instead of prompting (tests, other commands). */
export interface CallbackActionArgs {
  readonly sessionId: string;
  readonly callbackId: string;
  readonly payload?: string;
  readonly errorType?: string;
  readonly errorMessage?: string;
}

/** A typed failure of a callback action (one message for the user; the detail goes to the Output channel). */
export class CallbackActionError extends Error {
  constructor(
    readonly reason: 'no-session' | 'not-supported' | 'not-waiting' | 'bad-payload' | 'send-failed',
    message: string
  ) {
    super(message);
  }
}

function labelOf(p: PendingCallback): string {
  const name = (p.name ?? p.callbackId).replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return name.length > 60 ? `${name.slice(0, 59)}\u2026` : name;
}

/** The pending callbacks whose call site is in `file`, with the 0-based line. */
export function waitingSites(session: ReplaySession, file: string): { callback: PendingCallback; line: number }[] {
  const out: { callback: PendingCallback; line: number }[] = [];
  const key = vscode.Uri.file(file).toString();
  for (const p of session.record.pendingCallbacks) {
    const node = nodeOfOperation(session, p.operationId);
    if (!node || vscode.Uri.file(node.file).toString() !== key) continue;
    if (node.kind !== 'waitForCallback' && node.kind !== 'createCallback') continue;
    out.push({ callback: p, line: node.line - 1 });
  }
  return out;
}

export class CallbackLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const session = activeReplaySession();
    const source = session?.source;
    if (!session || !source || document.uri.scheme !== 'file') return [];
    const lenses: vscode.CodeLens[] = [];
    for (const { callback, line } of waitingSites(session, document.uri.fsPath)) {
      if (line < 0 || line >= document.lineCount) continue;
      const range = document.lineAt(line).range;
      const args: CallbackActionArgs = { sessionId: session.id, callbackId: callback.callbackId };
      const name = labelOf(callback);
      if (source.sendCallbackSuccess) lenses.push(new vscode.CodeLens(range, { title: 'Send callback success\u2026', tooltip: `Complete the callback ${name} with a JSON result`, command: CALLBACK_COMMANDS.success, arguments: [args] }));
      if (source.sendCallbackFailure) lenses.push(new vscode.CodeLens(range, { title: 'Send callback failure\u2026', tooltip: `Fail the callback ${name}`, command: CALLBACK_COMMANDS.failure, arguments: [args] }));
      if (source.sendCallbackHeartbeat) lenses.push(new vscode.CodeLens(range, { title: 'Heartbeat', tooltip: `Send a heartbeat for the callback ${name}`, command: CALLBACK_COMMANDS.heartbeat, arguments: [args] }));
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function sessionFor(args: CallbackActionArgs | undefined): { session: ReplaySession; callback: PendingCallback } {
  const session = activeReplaySession();
  if (!session || !args || args.sessionId !== session.id) throw new CallbackActionError('no-session', 'That replay session has ended; step through the execution again.');
  const callback = session.record.pendingCallbacks.find((p) => p.callbackId === args.callbackId);
  if (!callback) throw new CallbackActionError('not-waiting', 'The execution is no longer waiting on that callback.');
  return { session, callback };
}

/** Runs one callback action; returns whether it was sent. Prompts unless the arguments carry the answer. */
export async function runCallbackAction(kind: 'success' | 'failure' | 'heartbeat', args: CallbackActionArgs | undefined, log: vscode.LogOutputChannel): Promise<boolean> {
  try {
    const { session, callback } = sessionFor(args);
    const source = session.source;
    const name = labelOf(callback);
    if (kind === 'success') {
      if (!source?.sendCallbackSuccess) throw new CallbackActionError('not-supported', `${session.label} cannot complete callbacks from here.`);
      let text = args?.payload;
      if (text === undefined) {
        text = await promptCallbackResult(name);
        if (text === undefined) return false;
      }
      const check = checkCallbackPayload(text);
      if (!check.ok) throw new CallbackActionError('bad-payload', check.message);
      await send(() => source.sendCallbackSuccess!(callback.callbackId, check.json));
    } else if (kind === 'failure') {
      if (!source?.sendCallbackFailure) throw new CallbackActionError('not-supported', `${session.label} cannot fail callbacks from here.`);
      let message = args?.errorMessage;
      if (message === undefined) {
        message = await promptCallbackFailure(name);
        if (message === undefined) return false;
      }
      const failure = { type: args?.errorType ?? 'CallbackFailure', message };
      await send(() => source.sendCallbackFailure!(callback.callbackId, failure));
    } else {
      if (!source?.sendCallbackHeartbeat) throw new CallbackActionError('not-supported', `${session.label} cannot send callback heartbeats from here.`);
      await send(() => source.sendCallbackHeartbeat!(callback.callbackId));
    }
    vscode.window.setStatusBarMessage(`Durable Lens: callback ${kind} sent for ${name}`, 5000);
    log.info(`replay: callback ${kind} sent for ${callback.callbackId}`);
    return true;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log.warn(`replay: callback ${kind} not sent: ${message}${err instanceof Error && err.stack ? `\n${err.stack}` : ''}`);
    void vscode.window.showErrorMessage(`Durable Lens: the callback ${kind} was not sent: ${message}`);
    return false;
  }
}

async function send(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof CallbackActionError) throw err;
    // Sources reject with a `reason` and a user-facing message already.
    throw new CallbackActionError('send-failed', err instanceof Error ? err.message : String(err));
  }
}

/** Registers the lens and its commands; the lens follows the active session and its record. */
export function registerCallbackLens(log: vscode.LogOutputChannel): vscode.Disposable {
  const provider = new CallbackLensProvider();
  let sessionSubscriptions: vscode.Disposable[] = [];
  const follow = (s: ReplaySession | undefined) => {
    for (const d of sessionSubscriptions) d.dispose();
    sessionSubscriptions = s ? [s.onDidChangeRecord(() => provider.refresh()), s.onDidDispose(() => provider.refresh())] : [];
    provider.refresh();
  };
  follow(activeReplaySession());
  const selector: vscode.DocumentSelector = [
    { scheme: 'file', language: 'typescript' },
    { scheme: 'file', language: 'typescriptreact' },
    { scheme: 'file', language: 'javascript' },
    { scheme: 'file', language: 'javascriptreact' },
  ];
  const disposables = [
    provider,
    vscode.languages.registerCodeLensProvider(selector, provider),
    onDidChangeActiveReplaySession(follow),
    vscode.commands.registerCommand(CALLBACK_COMMANDS.success, (args?: CallbackActionArgs) => runCallbackAction('success', args, log)),
    vscode.commands.registerCommand(CALLBACK_COMMANDS.failure, (args?: CallbackActionArgs) => runCallbackAction('failure', args, log)),
    vscode.commands.registerCommand(CALLBACK_COMMANDS.heartbeat, (args?: CallbackActionArgs) => runCallbackAction('heartbeat', args, log)),
  ];
  return {
    dispose: () => {
      for (const d of sessionSubscriptions) d.dispose();
      for (const d of disposables) d.dispose();
    },
  };
}
