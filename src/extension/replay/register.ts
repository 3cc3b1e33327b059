// Runs in the extension host: registers "Step Through Execution" (from a tree row, the execution view, a
// history file, or an options object in tests) and the stepping commands the keybindings call, once from
// extension.ts. Cheap: the panel, the stepper and the mapping load on first use.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ExecutionSource } from '../executions/source';
import type { CodeHint, ReplayPanel, ReplayPanelState } from './panel';
import { REPLAY_VIEW_TYPE, type ReplaySavedState, type ReplaySnapshot, type StepAction } from './protocol';

export const STEP_THROUGH_COMMAND = 'durableLens.stepThroughExecution';
/** Not contributed: lets tests and bug reports read the panels. */
export const REPLAY_STATE_COMMAND = 'durableLens.replay.state';

/** What tests pass instead of answering prompts. */
export interface StepThroughOptions {
  readonly historyFile?: string;
  readonly source?: ExecutionSource;
  readonly handlerFile?: string;
  readonly handler?: string;
}

const STEP_COMMANDS: readonly [string, StepAction][] = [
  ['durableLens.replay.stepOver', 'stepOver'],
  ['durableLens.replay.stepInto', 'stepInto'],
  ['durableLens.replay.stepOut', 'stepOut'],
  ['durableLens.replay.stepBack', 'stepBack'],
  ['durableLens.replay.nextInvocation', 'nextInvocation'],
  ['durableLens.replay.previousInvocation', 'previousInvocation'],
  ['durableLens.replay.nextFailure', 'nextProblem'],
  ['durableLens.replay.previousFailure', 'previousProblem'],
];

type PanelModule = typeof import('./panel');

export function registerReplayFeatures(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  let mod: PanelModule | undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const panels = (): PanelModule => (mod ??= require('./panel') as PanelModule);
  const active = (): ReplayPanel | undefined => (mod ? mod.activeReplayPanel() : undefined);
  const guarded = (id: string, f: (...args: unknown[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await f(...args);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log.error(`${id} failed: ${err instanceof Error ? (err.stack ?? message) : message}`);
        void vscode.window.showErrorMessage(`Durable Lens: ${message}`);
        return undefined;
      }
    });

  context.subscriptions.push(
    guarded(STEP_THROUGH_COMMAND, async (arg?: unknown) => {
      const target = await resolveTarget(arg, log);
      if (!target) return undefined;
      const panel = panels().showReplay(context, log, target.source, target.hint);
      await panel.loaded;
      return panel.state;
    }),
    ...STEP_COMMANDS.map(([id, action]) => guarded(id, () => active()?.step(action))),
    guarded('durableLens.replay.continue', () => active()?.continue()),
    guarded('durableLens.replay.togglePlay', () => active()?.togglePlay()),
    guarded('durableLens.replay.stop', () => active()?.stop()),
    guarded('durableLens.replay.moveTo', (i?: unknown) => active()?.moveTo(Number(i))),
    vscode.commands.registerCommand(REPLAY_STATE_COMMAND, async (withSnapshot?: unknown): Promise<(ReplayPanelState & { snapshot?: ReplaySnapshot })[]> => {
      if (!mod) return [];
      const out: (ReplayPanelState & { snapshot?: ReplaySnapshot })[] = [];
      for (const p of mod.replayPanels()) {
        const st = p.state;
        out.push({ ...st, ...(withSnapshot === true && st.ready ? { snapshot: await p.snapshot().catch(() => undefined) } : {}) });
      }
      return out;
    }),
    // A replay panel open at a reload comes back on the same execution at the same event (the page's saved state).
    vscode.window.registerWebviewPanelSerializer(REPLAY_VIEW_TYPE, {
      deserializeWebviewPanel: async (webviewPanel, state) => {
        try {
          const saved = (state && typeof state === 'object' ? state : {}) as ReplaySavedState;
          const target = await restoredTarget(saved, log);
          const at = typeof saved.eventIndex === 'number' && Number.isInteger(saved.eventIndex) ? saved.eventIndex : undefined;
          panels().reviveReplay(context, log, webviewPanel, target.source, target.hint, at);
        } catch (err) {
          log.error(`replay: restoring a panel failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
          webviewPanel.dispose();
        }
      },
    }),
    { dispose: () => mod?.replayPanels().forEach((p) => p.dispose()) }
  );
}

/** A source that cannot be loaded (its run, file or workspace is gone): loading it says why, in the panel. */
function unavailableSource(key: string, title: string, message: string): ExecutionSource {
  return {
    key,
    title,
    kind: 'file',
    load: async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { ReplayPanelError } = require('./panel') as typeof import('./panel');
      throw new ReplayPanelError('unavailable', message);
    },
  };
}

/** The execution and code a restored panel saved; never prompts (a reload is not the moment for a quick pick). */
async function restoredTarget(saved: ReplaySavedState, log: vscode.LogOutputChannel): Promise<Target> {
  const key = typeof saved.key === 'string' && saved.key ? saved.key : undefined;
  const title = typeof saved.title === 'string' && saved.title ? saved.title : 'the execution';
  let source: ExecutionSource | undefined;
  if (!key) source = unavailableSource('restored:none', title, 'This replay panel saved nothing to restore: open the execution again with "Step Through Execution".');
  else if (key.startsWith('file:')) {
    const uri = vscode.Uri.parse(key.slice('file:'.length), true);
    if (uri.scheme === 'file' && !fs.existsSync(uri.fsPath)) {
      source = unavailableSource(key, path.basename(uri.fsPath), `The history file ${vscode.workspace.asRelativePath(uri)} no longer exists (deleted or moved): there is nothing to step through. Open another history with "Step Through Execution".`);
    } else {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      source = (require('../executions/executionPanel') as typeof import('../executions/executionPanel')).historyFileSource(uri);
    }
  } else {
    try {
      source = await (await internals())?.commands().sourceForKey(key);
    } catch (err) {
      log.warn(`replay: the execution ${key} cannot be restored: ${err instanceof Error ? err.message : String(err)}`);
    }
    source ??= unavailableSource(key, title, `The execution ${title} cannot be loaded after the reload (its local run was deleted, or there is no workspace folder): open it again from the Executions view.`);
  }
  const file = typeof saved.handlerFile === 'string' ? saved.handlerFile : undefined;
  if (file && fs.existsSync(file)) return { source, hint: { kind: 'file', file, handler: typeof saved.handler === 'string' ? saved.handler : undefined } };
  return { source, hint: await hintFor(source, log, false) };
}

interface Target {
  readonly source: ExecutionSource;
  readonly hint: CodeHint;
}

interface ExecutionsInternalsLike {
  commands(): {
    sourceForKey(key: string): Promise<ExecutionSource | undefined>;
    linkFunction(functionName: string): Promise<{ file: string; exportName: string } | undefined>;
  };
}

async function internals(): Promise<ExecutionsInternalsLike | undefined> {
  try {
    return (await vscode.commands.executeCommand('durableLens.executions.internals')) as ExecutionsInternalsLike | undefined;
  } catch {
    return undefined;
  }
}

function isOptions(a: unknown): a is StepThroughOptions {
  return !!a && typeof a === 'object' && !(a instanceof vscode.Uri) && !('type' in a) && ('historyFile' in a || 'source' in a || 'handlerFile' in a || 'handler' in a);
}

/** The execution and where its code is, from whatever the command was invoked on. */
async function resolveTarget(arg: unknown, log: vscode.LogOutputChannel): Promise<Target | undefined> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const execPanel = require('../executions/executionPanel') as typeof import('../executions/executionPanel');
  if (isOptions(arg)) {
    const source = arg.source ?? (arg.historyFile ? execPanel.historyFileSource(vscode.Uri.file(arg.historyFile)) : undefined);
    if (!source) throw Object.assign(new Error('Step Through Execution needs a history file or an execution.'), { reason: 'noExecution' });
    if (arg.handlerFile) return { source, hint: { kind: 'file', file: arg.handlerFile, handler: arg.handler } };
    // Tests never answer a quick pick: search the open documents and the setting only.
    return { source, hint: await hintFor(source, log, false) };
  }
  if (arg instanceof vscode.Uri) {
    const source = execPanel.historyFileSource(arg);
    return { source, hint: await hintFor(source, log, true) };
  }
  const node = arg && typeof arg === 'object' && 'type' in arg ? (arg as { type: string; id?: string; execution?: { arn: string }; entry?: { arn: string }; listed?: { ok: boolean; run?: { handlerFile: string; handlerExport?: string } } }) : undefined;
  if (node) {
    const key = node.type === 'localRun' ? `local:${node.id}` : node.type === 'execution' ? node.execution?.arn : node.type === 'remembered' ? node.entry?.arn : undefined;
    if (!key) throw Object.assign(new Error('Pick an execution or a local run to step through.'), { reason: 'noExecution' });
    const source = await (await internals())?.commands().sourceForKey(key);
    if (!source) throw Object.assign(new Error('That execution cannot be loaded (no workspace folder, or the run was deleted).'), { reason: 'noExecution' });
    const saved = node.type === 'localRun' && node.listed?.ok ? node.listed.run : undefined;
    if (saved) return { source, hint: { kind: 'file', file: saved.handlerFile, handler: saved.handlerExport } };
    return { source, hint: await hintFor(source, log, true) };
  }
  // The command palette: a history file.
  const active = vscode.window.activeTextEditor?.document.uri;
  let uri = active && /\.history\.json$/i.test(active.path) ? active : undefined;
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, title: 'Durable Lens: Step Through Execution', openLabel: 'Step Through', filters: { 'Execution history': ['json'] } });
    uri = picked?.[0];
  }
  if (!uri) return undefined;
  const source = execPanel.historyFileSource(uri);
  return { source, hint: await hintFor(source, log, true) };
}

/** Where the code of an execution is: a local run knows its file; AWS links the function; else search. */
async function hintFor(source: ExecutionSource, log: vscode.LogOutputChannel, mayAsk: boolean): Promise<CodeHint> {
  if (source.kind === 'local') {
    const id = source.key.startsWith('local:') ? source.key.slice('local:'.length) : undefined;
    const root = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
    if (id && root) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const saved = (require('../../local/runStore') as typeof import('../../local/runStore')).loadRun(root, id);
        return { kind: 'file', file: saved.handlerFile, handler: saved.handlerExport };
      } catch (err) {
        log.info(`replay: the local run ${id} has no saved handler: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  if (source.kind === 'aws' && source.arn) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fn = (require('../../core/history/record') as typeof import('../../core/history/record')).parseExecutionArn(source.arn).functionName;
    if (fn) {
      return {
        kind: 'search',
        resolve: async () => {
          const linked = await (await internals())?.commands().linkFunction(fn);
          if (linked) return { file: linked.file, handler: linked.exportName };
          return searchHint(mayAsk, `No handler source is linked to the function ${fn} (set durableLens.functionSources, or add a SAM/CDK template).`);
        },
      };
    }
  }
  return { kind: 'search', resolve: () => searchHint(mayAsk) };
}

/** Candidates for a history without a known handler: open documents and the setting, else a quick pick. */
async function searchHint(mayAsk: boolean, why?: string): Promise<{ files: string[] } | { file: string } | { none: string }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const code = require('./handlerCode') as typeof import('./handlerCode');
  const files = new Set(code.openHandlerDocuments());
  const root = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
  if (root) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const link = require('../executions/sourceLink') as typeof import('../executions/sourceLink');
    const setting = link.parseFunctionSourcesSetting(vscode.workspace.getConfiguration('durableLens').get('functionSources'), root);
    for (const s of setting.sources) {
      const f = s.files.find((x) => fs.existsSync(x));
      if (f) files.add(f);
    }
  }
  if (files.size > 0) return { files: [...files] };
  if (!mayAsk) return { none: why ?? 'No handler code: no open document imports the durable SDK and durableLens.functionSources names none.' };
  const found = await code.workspaceHandlerFiles();
  if (found.length === 0) return { none: why ?? 'No file in the workspace imports @aws/durable-execution-sdk-js.' };
  const pick = await vscode.window.showQuickPick(
    found.map((f) => ({ label: path.basename(f), description: vscode.workspace.asRelativePath(f), file: f })),
    { title: 'Durable Lens: Which handler produced this execution?', placeHolder: 'Pick the handler file (Esc: step without code)', ignoreFocusOut: true }
  );
  return pick ? { file: pick.file } : { none: why ?? 'No handler file was picked: stepping without code.' };
}
