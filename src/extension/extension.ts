// Runs in the VS Code extension host: activation (kept cheap), the Output channel, commands, and the bridge that
// forwards settings to the tsserver plugin. Diagnostics and quick fixes themselves come from the plugin.
import * as vscode from 'vscode';
import { PluginConfigForwarder } from './pluginConfig';
import { DOCUMENT_SELECTOR, RuleDocumentationActions, openRuleDocumentation } from './ruleDocs';
import { registerWorkflowFeatures } from './workflow/register';
import { registerExecutionFeatures } from './executions/register';
import { registerReplayFeatures } from './replay/register';
import { registerReplayEditorFeatures } from './replay/editorDecorations';
import { registerWalkthrough } from './walkthrough';
import { registerReplayMismatchSources } from './replayMismatchSources';

/** What activate returns: used by the integration tests and by other extensions that want to check on us. */
export interface DurableLensApi {
  /** Wall time of activate() itself, in milliseconds. */
  readonly activationMs: number;
  /** Resolves once the current settings have been handed to the tsserver plugin (or forwarding failed). */
  readonly configured: Promise<unknown>;
  readonly forwarder: PluginConfigForwarder;
}

export function activate(context: vscode.ExtensionContext): DurableLensApi {
  const t0 = performance.now();
  const log = vscode.window.createOutputChannel('Durable Lens', { log: true });
  context.subscriptions.push(log);

  const forwarder = new PluginConfigForwarder(log);
  context.subscriptions.push(
    forwarder,
    vscode.commands.registerCommand('durableLens.showOutput', () => log.show(true)),
    vscode.commands.registerCommand('durableLens.openRuleDocumentation', (arg?: unknown) => openRuleDocumentation(context.extensionUri, log, arg)),
    vscode.languages.registerCodeActionsProvider(DOCUMENT_SELECTOR, new RuleDocumentationActions(), { providedCodeActionKinds: RuleDocumentationActions.kinds }),
  );

  try {
    registerWorkflowFeatures(context, log);
  } catch (err) {
    // One feature failing to register must not take the diagnostics down with it.
    log.error(`workflow features failed to register: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  try {
    registerExecutionFeatures(context, log);
  } catch (err) {
    log.error(`executions features failed to register: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  try {
    registerReplayFeatures(context, log);
  } catch (err) {
    log.error(`replay features failed to register: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  try {
    registerReplayEditorFeatures(context, log);
  } catch (err) {
    log.error(`replay editor features failed to register: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  try {
    registerWalkthrough(context, log);
  } catch (err) {
    log.error(`walkthrough failed to register: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }

  try {
    registerReplayMismatchSources(context, log, forwarder);
  } catch (err) {
    log.error(`replay-mismatch sources failed to register: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }

  // Not awaited: activating the TypeScript extension can take a while, and activation must stay cheap.
  const configured = forwarder.push('activation');
  const activationMs = performance.now() - t0;
  log.info(`Durable Lens ${String(context.extension.packageJSON.version)} activated in ${activationMs.toFixed(1)} ms`);
  return { activationMs, configured, forwarder };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
