// Runs in the extension host: the "Show workflow" CodeLens above each durable handler.
import type * as ts from 'typescript';
import * as vscode from 'vscode';
import { findDurableFunctions } from '../../core/analysis/handlers';
import type { TS } from '../../core/analysis/model';
import { loadTypeScript } from './typescriptLoader';

export const SHOW_WORKFLOW_COMMAND = 'durableLens.showWorkflow';
export const RUN_LOCALLY_COMMAND = 'durableLens.runHandlerLocally';

/** Cheap text test first: TypeScript is loaded only for files that mention the SDK. */
export function mayHaveHandlers(text: string): boolean {
  return /withDurableExecution|DurableContext|DurableHandler|DurableExecutionHandler|durable-execution-sdk/.test(text);
}

/** Handlers of a file (name and the line of their declaration), from syntax alone: fast enough per keystroke. */
export function handlerLines(tsm: TS, fileName: string, text: string): Array<{ name: string; line: number }> {
  const sf = tsm.createSourceFile(fileName, text, tsm.ScriptTarget.Latest, true);
  return findDurableFunctions(tsm, sf)
    .filter((f) => f.kind === 'handler')
    .map((f) => ({ name: f.name, line: sf.getLineAndCharacterOfPosition(statementOf(tsm, f.node).getStart(sf)).line }));
}

/** The statement declaring a handler (`export const handler = withDurableExecution(...)`), for the lens line. */
function statementOf(tsm: TS, node: ts.Node): ts.Node {
  let n: ts.Node = node;
  for (let i = 0; i < 8 && n.parent && !tsm.isSourceFile(n.parent); i++) {
    if (tsm.isVariableStatement(n) || tsm.isFunctionDeclaration(n) || tsm.isExportAssignment(n)) return n;
    n = n.parent;
  }
  return tsm.isVariableStatement(n) || tsm.isFunctionDeclaration(n) || tsm.isExportAssignment(n) ? n : node;
}

export class WorkflowCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private failedOnce = false;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('durableLens.codeLens.enable')) this.changed.fire();
    });
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration('durableLens', document.uri).get<boolean>('codeLens.enable', true)) return [];
    const text = document.getText();
    if (!mayHaveHandlers(text)) return [];
    try {
      const { ts } = loadTypeScript(document.uri.scheme === 'file' ? document.uri.fsPath : undefined, this.log);
      return handlerLines(ts, document.uri.fsPath || document.uri.path, text).flatMap((h) => [
        new vscode.CodeLens(new vscode.Range(h.line, 0, h.line, 0), {
          title: 'Show workflow',
          tooltip: `Show the workflow of ${h.name} as a diagram`,
          command: SHOW_WORKFLOW_COMMAND,
          arguments: [document.uri, h.name],
        }),
        // The executions feature's lens (src/extension/executions): run this handler with the testing SDK.
        ...(document.uri.scheme === 'file'
          ? [new vscode.CodeLens(new vscode.Range(h.line, 0, h.line, 0), { title: 'Run locally', tooltip: `Run ${h.name} locally with the AWS testing SDK`, command: RUN_LOCALLY_COMMAND, arguments: [document.uri, h.name] })]
          : []),
      ]);
    } catch (err) {
      // Say it once: a missing TypeScript would otherwise log on every keystroke.
      if (!this.failedOnce) this.log.warn(`workflow CodeLens unavailable: ${err instanceof Error ? err.message : String(err)}`);
      this.failedOnce = true;
      return [];
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
