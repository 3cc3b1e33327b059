// Runs in the extension host: answering a callback an execution or local run waits on — which callback, the
// success result (JSON checked before it is sent), the failure message — and sending it to AWS or the local run.
import * as vscode from 'vscode';
import type { DurableLambdaClient } from '../../aws/lambdaClient';
import type { PendingCallback } from '../../core/history/record';
import type { LocalRun } from '../../local/types';
import { checkCallbackPayload } from './executionProtocol';
import { labelText } from './format';

export type CallbackKind = 'success' | 'failure' | 'heartbeat';

/** What a callback is sent to: a deployed (or local endpoint) execution, or a local run still going. */
export type CallbackTarget = { kind: 'aws'; arn: string; label: string } | { kind: 'local'; run: LocalRun; label: string };

/** Answers programmatic callers (tests, other commands) give instead of the prompts. */
export interface CallbackAnswers {
  readonly callbackId?: string;
  readonly payload?: string;
  readonly errorType?: string;
  readonly errorMessage?: string;
}

/**
 * Asks which callback and what to send, then sends it. Returns the callback's label once sent, undefined when the
 * user cancelled or nothing waits; a failure to send throws for the caller to report.
 */
export async function answerCallback(kind: CallbackKind, target: CallbackTarget, answers: CallbackAnswers, client: () => Promise<DurableLambdaClient>): Promise<string | undefined> {
  const pending = await pendingCallbacks(target, client);
  let callback = answers.callbackId ? pending.find((p) => p.callbackId === answers.callbackId || p.operationId === answers.callbackId) ?? { callbackId: answers.callbackId, operationId: answers.callbackId, name: undefined } : undefined;
  if (!callback) {
    if (pending.length === 0) {
      void vscode.window.showInformationMessage(`Durable Lens: ${target.label} is not waiting on a callback.`);
      return undefined;
    }
    if (pending.length === 1) callback = pending[0];
    else {
      const pick = await vscode.window.showQuickPick(
        pending.map((p) => ({ label: labelText(p.name ?? '(unnamed callback)'), description: labelText(p.callbackId, 60), p })),
        { title: 'Durable Lens: which callback?' }
      );
      callback = pick?.p;
    }
  }
  if (!callback) return undefined;
  const { callbackId, operationId } = callback;
  const name = labelText(callback.name ?? callbackId, 60);
  const send = (aws: (c: DurableLambdaClient) => Promise<void>, local: (r: LocalRun) => Promise<void>) => sendCallback(target, client, aws, local);
  if (kind === 'success') {
    const json = await successResult(name, answers.payload);
    if (json === undefined) return undefined;
    await send((c) => c.sendCallbackSuccess(callbackId, json), (r) => r.sendCallbackSuccess(operationId, json));
  } else if (kind === 'failure') {
    const message = answers.errorMessage !== undefined ? answers.errorMessage : await promptCallbackFailure(name);
    if (message === undefined) return undefined;
    const failure = { type: answers.errorType ?? 'CallbackFailure', message };
    await send((c) => c.sendCallbackFailure(callbackId, failure), (r) => r.sendCallbackFailure(operationId, failure));
  } else {
    await send((c) => c.sendCallbackHeartbeat(callbackId), (r) => r.sendCallbackHeartbeat(operationId));
  }
  return name;
}

/** The result JSON to complete a callback with: the one given (checked), else typed and checked as typed; undefined when refused or cancelled. */
async function successResult(name: string, payload: string | undefined): Promise<string | undefined> {
  if (payload !== undefined) {
    const check = checkCallbackPayload(payload);
    if (!check.ok) {
      void vscode.window.showErrorMessage(`Durable Lens: ${check.message}`);
      return undefined;
    }
    return check.json;
  }
  const typed = await promptCallbackResult(name);
  if (typed === undefined) return undefined;
  const check = checkCallbackPayload(typed);
  return check.ok ? check.json : undefined;
}

/** Asks for the result to complete a callback with, as JSON checked while it is typed; undefined when cancelled. */
export function promptCallbackResult(name: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: `Durable Lens: complete callback ${name}`,
    prompt: 'The result as JSON (checked before it is sent; empty sends null)',
    value: '{}',
    validateInput: (v) => {
      const c = checkCallbackPayload(v);
      return c.ok ? undefined : c.message;
    },
  });
}

/** Asks for the error message to fail a callback with; undefined when cancelled. */
export function promptCallbackFailure(name: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({ title: `Durable Lens: fail callback ${name}`, prompt: 'Error message', value: 'Rejected from VS Code' });
}

async function sendCallback(target: CallbackTarget, client: () => Promise<DurableLambdaClient>, aws: (c: DurableLambdaClient) => Promise<void>, local: (r: LocalRun) => Promise<void>): Promise<void> {
  await vscode.window.withProgress({ location: { viewId: 'durableLens.executions' } }, async () => {
    if (target.kind === 'local') await local(target.run);
    else await aws(await client());
  });
}

async function pendingCallbacks(target: CallbackTarget, client: () => Promise<DurableLambdaClient>): Promise<readonly PendingCallback[]> {
  if (target.kind === 'local') return target.run.waitingOn.map((w) => ({ operationId: w.operationId, callbackId: w.callbackId, name: w.name }));
  const c = await client();
  const raw: unknown[] = [];
  for await (const page of c.getHistory(target.arn, { includeExecutionData: false })) raw.push(...page);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { normalizeEvents } = require('../../core/history/events') as typeof import('../../core/history/events');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildExecutionRecord } = require('../../core/history/record') as typeof import('../../core/history/record');
  return buildExecutionRecord(normalizeEvents(raw).events).pendingCallbacks;
}
