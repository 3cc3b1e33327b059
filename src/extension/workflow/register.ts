// Runs in the extension host: registers the workflow diagram features — commands, CodeLens, the panel
// serializer (restores the panel after a reload) — called once from extension.ts. The panel module itself
// is loaded on first use, not at activation.
import * as vscode from 'vscode';
import { SHOW_WORKFLOW_COMMAND, WorkflowCodeLensProvider } from './codeLens';
import { isScriptDocument } from './drawScheduler';
import type { PanelState, WorkflowPanel } from './panel';
import { WORKFLOW_VIEW_TYPE, type ExportFormat, type ViewSnapshot, type WorkflowViewState } from './protocol';

type PanelModule = typeof import('./panel');
let panelModule: PanelModule | undefined;

/**
 * The panel module (with workflow inference and mermaid text) on first use. A plain `require`: webpack keeps
 * the module in dist/extension.js and evaluates it only here, where `import()` would, for a node target, split
 * it into a chunk file loaded asynchronously.
 */
function panels(): PanelModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  panelModule ??= require('./panel') as PanelModule;
  return panelModule;
}

/** The open panel, without loading the module when no panel was ever opened. */
function currentPanel(): WorkflowPanel | undefined {
  return panelModule?.WorkflowPanel.current;
}

export const EXPORT_WORKFLOW_COMMAND = 'durableLens.exportWorkflow';
export const COPY_MERMAID_COMMAND = 'durableLens.copyWorkflowMermaid';
/** Not in the palette: lets tests (and bug reports) read what the panel shows. */
export const WORKFLOW_STATE_COMMAND = 'durableLens.workflow.state';

const SELECTOR: vscode.DocumentSelector = [
  { language: 'typescript' },
  { language: 'typescriptreact' },
  { language: 'javascript' },
  { language: 'javascriptreact' },
];

export interface WorkflowStateResult extends PanelState {
  readonly open: boolean;
  readonly visible: boolean;
  readonly snapshot?: ViewSnapshot;
}

export function registerWorkflowFeatures(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const codeLens = new WorkflowCodeLensProvider(log);
  context.subscriptions.push(
    codeLens,
    vscode.languages.registerCodeLensProvider(SELECTOR, codeLens),
    vscode.commands.registerCommand(SHOW_WORKFLOW_COMMAND, (uri?: unknown, handler?: unknown) => showWorkflow(context, log, uri, handler)),
    vscode.commands.registerCommand(EXPORT_WORKFLOW_COMMAND, (format?: unknown) => exportWorkflow(log, format)),
    vscode.commands.registerCommand(COPY_MERMAID_COMMAND, async () => {
      const text = currentPanel()?.state.mermaid;
      if (!text) return void vscode.window.showInformationMessage('Durable Lens: open a workflow diagram first (Durable Lens: Show Workflow).');
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage('Durable Lens: Mermaid source copied', 3000);
    }),
    vscode.commands.registerCommand(WORKFLOW_STATE_COMMAND, async (withSnapshot?: unknown): Promise<WorkflowStateResult | undefined> => {
      const panel = currentPanel();
      if (!panel) return undefined;
      const snapshot = withSnapshot === true ? await panel.snapshot() : undefined;
      return { ...panel.state, open: true, visible: panel.visible, ...(snapshot ? { snapshot } : {}) };
    }),
    vscode.window.registerWebviewPanelSerializer(WORKFLOW_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        try {
          panels().WorkflowPanel.revive(panel, context, log, (state ?? undefined) as WorkflowViewState | undefined);
        } catch (err) {
          log.error(`workflow: restoring the panel failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
          panel.dispose();
        }
      },
    }),
    { dispose: () => currentPanel()?.dispose() }
  );
}

function showWorkflow(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, uriArg: unknown, handlerArg: unknown): void {
  try {
    const { WorkflowPanel } = panels();
    // From the CodeLens: (uri, handler name); from the editor title button: (uri); from the palette: nothing.
    let uri = uriArg instanceof vscode.Uri ? uriArg : undefined;
    if (!uri) {
      const doc = vscode.window.activeTextEditor?.document;
      if (doc && isScriptDocument(doc)) uri = doc.uri;
    }
    if (!uri && !WorkflowPanel.current) {
      void vscode.window.showInformationMessage('Durable Lens: open a TypeScript or JavaScript file with a durable handler to show its workflow.');
      return;
    }
    WorkflowPanel.show(context, log, uri, typeof handlerArg === 'string' ? handlerArg : null);
  } catch (err) {
    log.error(`workflow: opening the panel failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void vscode.window.showErrorMessage(`Durable Lens: could not open the workflow (${err instanceof Error ? err.message : String(err)}). See the Durable Lens output for details.`);
  }
}

async function exportWorkflow(log: vscode.LogOutputChannel, formatArg: unknown): Promise<boolean> {
  const panel = currentPanel();
  if (!panel) {
    void vscode.window.showInformationMessage('Durable Lens: open a workflow diagram first (Durable Lens: Show Workflow).');
    return false;
  }
  let format: ExportFormat | undefined = formatArg === 'svg' || formatArg === 'png' ? formatArg : undefined;
  if (!format) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'SVG', format: 'svg' as const },
        { label: 'PNG', format: 'png' as const },
      ],
      { placeHolder: 'Export the workflow diagram as' }
    );
    format = pick?.format;
  }
  if (!format) return false;
  try {
    const saved = await panel.exportDiagram(format);
    // The toolbar buttons confirm in the panel; from the palette, the status bar is the only place that says so.
    if (saved) vscode.window.setStatusBarMessage(`Durable Lens: workflow diagram exported as ${format.toUpperCase()}`, 5000);
    return saved;
  } catch (err) {
    log.error(`workflow: export failed: ${err instanceof Error ? err.message : String(err)}`);
    void vscode.window.showErrorMessage(`Durable Lens: export failed: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}
