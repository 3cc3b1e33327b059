// Runs in the VS Code extension host: registration point for the workflow diagram features. Placeholder until
// the diagram work lands; extension.ts calls it once at activation.
import type * as vscode from 'vscode';

export function registerWorkflowFeatures(_context: vscode.ExtensionContext, _log: vscode.LogOutputChannel): void {
  // Nothing yet.
}
