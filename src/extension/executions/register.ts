// Runs in the extension host: registers the executions features — the "Durable Functions" tree, the AWS status
// bar item and every executions command — called once from extension.ts. Cheap on purpose: the AWS SDK, the
// testing SDK, the history model and the command bodies load on first use.
import * as vscode from 'vscode';
import type { ExecutionCommands, NoPromptOptions } from './commands';
import { AwsConnection } from './connection';
import { EXECUTION_VIEW_TYPE } from './executionProtocol';
import { LocalRuns } from './localRuns';
import { ExecutionsTree, type ExecutionFilter, type Node } from './tree';

export const EXECUTIONS_VIEW_ID = 'durableLens.executions';
/** Not in the palette: lets the integration tests reach the tree and commands. */
export const EXECUTIONS_INTERNALS_COMMAND = 'durableLens.executions.internals';

export interface ExecutionsInternals {
  readonly tree: ExecutionsTree;
  readonly connection: AwsConnection;
  readonly localRuns: LocalRuns;
  readonly view: vscode.TreeView<Node>;
  commands(): ExecutionCommands;
}

export function registerExecutionFeatures(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const t0 = performance.now();
  const connection = new AwsConnection(context, log);
  const localRuns = new LocalRuns(context, log);
  const tree = new ExecutionsTree(connection, localRuns, log);
  const view = vscode.window.createTreeView(EXECUTIONS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  void vscode.commands.executeCommand('setContext', 'durableLens.aws.state', 'unknown');

  let commands: ExecutionCommands | undefined;
  const cmds = (): ExecutionCommands => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    commands ??= new (require('./commands') as typeof import('./commands')).ExecutionCommands({ context, log, connection, tree, localRuns, view, registerPanel });
    return commands;
  };
  /** Every command body runs guarded: a bug in one shows one message instead of an unhandled rejection. */
  const reg = (id: string, f: (...args: never[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await (f as (...a: unknown[]) => unknown)(...args);
      } catch (err) {
        cmds().fail(`${id.replace('durableLens.', '')} failed`, err);
        return undefined;
      }
    });

  const node = (a: unknown): Node | undefined => (a && typeof a === 'object' && 'type' in a ? (a as Node) : undefined);
  const opts = (a: unknown): NoPromptOptions => (a && typeof a === 'object' ? (a as NoPromptOptions) : {});

  // The panel module (history model, view model, webview host) costs ~10 ms to load: at activation only when an
  // execution panel is about to be restored, else shortly after (VS Code keeps a restored panel until its
  // serializer registers) or on the first open, whichever comes first.
  const t1 = performance.now();
  let panelRegistered = false;
  const registerPanel = (): void => {
    if (panelRegistered) return;
    panelRegistered = true;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('./executionPanel') as typeof import('./executionPanel')).registerExecutionPanel(context, log, { resolveSource: (key) => cmds().sourceForKey(key) });
  };
  const restoring = vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(EXECUTION_VIEW_TYPE)));
  if (restoring) registerPanel();
  else {
    const timer = setTimeout(() => {
      try {
        registerPanel();
      } catch (err) {
        log.error(`execution panel failed to register: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }, 3000);
    context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }
  const t2 = performance.now();

  context.subscriptions.push(
    connection,
    localRuns,
    tree,
    view,
    reg('durableLens.refresh', () => {
      localRuns.invalidate();
      tree.refresh();
    }),
    reg('durableLens.selectAwsProfile', () => connection.pick()),
    reg('durableLens.openExecutionByArn', (arn?: unknown) => cmds().openByArn(arn)),
    reg('durableLens.openExecution', (n?: unknown) => cmds().openExecution(node(n) ?? (view.selection[0] as Node | undefined))),
    reg('durableLens.openHistoryFile', (uri?: unknown) => cmds().openHistoryFile(uri)),
    reg('durableLens.runHandlerLocally', (uri?: unknown, handler?: unknown, o?: unknown) => cmds().runHandlerLocally(uri, handler, opts(o))),
    reg('durableLens.stopExecution', (n?: unknown, o?: unknown) => cmds().stop(node(n) ?? view.selection[0], opts(o))),
    reg('durableLens.sendCallbackSuccess', (n?: unknown, o?: unknown) => cmds().callback('success', node(n) ?? view.selection[0], opts(o))),
    reg('durableLens.sendCallbackFailure', (n?: unknown, o?: unknown) => cmds().callback('failure', node(n) ?? view.selection[0], opts(o))),
    reg('durableLens.sendCallbackHeartbeat', (n?: unknown, o?: unknown) => cmds().callback('heartbeat', node(n) ?? view.selection[0], opts(o))),
    reg('durableLens.copyArn', (n?: unknown) => cmds().copyArn(node(n) ?? view.selection[0])),
    reg('durableLens.openInConsole', (n?: unknown) => cmds().openInConsole(node(n) ?? view.selection[0])),
    reg('durableLens.exportHistory', (n?: unknown, o?: unknown) => cmds().exportHistory(node(n) ?? view.selection[0], opts(o))),
    reg('durableLens.deleteRun', (n?: unknown, o?: unknown) => cmds().deleteRun(node(n) ?? view.selection[0], opts(o))),
    reg('durableLens.generateTest', (n?: unknown, o?: unknown) => cmds().generateTest(node(n) ?? view.selection[0], opts(o))),
    reg('durableLens.openHandler', (n?: unknown) => cmds().openHandler(node(n) ?? view.selection[0])),
    reg('durableLens.filterExecutions', (n?: unknown, preset?: unknown) => cmds().filter(node(n) ?? view.selection[0], preset as ExecutionFilter | undefined)),
    reg('durableLens.clearExecutionFilter', (n?: unknown) => cmds().filter(node(n) ?? view.selection[0], {})),
    reg('durableLens.loadMore', (n?: unknown) => cmds().loadMore(node(n))),
    reg('durableLens.fixCredentials', () => cmds().fixCredentials()),
    reg('durableLens.forgetExecution', (n?: unknown) => cmds().forgetArn(node(n) ?? view.selection[0])),
    vscode.commands.registerCommand(EXECUTIONS_INTERNALS_COMMAND, (): ExecutionsInternals => ({ tree, connection, localRuns, view, commands: cmds }))
  );
  log.info(`executions: registered in ${(performance.now() - t0).toFixed(1)} ms (view and status bar ${(t1 - t0).toFixed(1)} ms, execution panel ${restoring ? `${(t2 - t1).toFixed(1)} ms` : 'deferred'})`);
}
