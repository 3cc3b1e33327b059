// Runs in the VS Code extension host: the "Open Rule Documentation" command (docs/rules/<id>.md ships in the .vsix).
import * as vscode from 'vscode';
import { RULE_CATALOG, RULE_IDS, isRuleId, type RuleId } from '../core/rules/catalog';
import { isDurableLensSource } from '../core/diagnosticSource';

export function ruleDocUri(extensionUri: vscode.Uri, rule: RuleId): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'docs', 'rules', `${rule}.md`);
}

/** The rule id from a command argument: a plain id, or a diagnostic's code object/number from a code action. */
function ruleFromArg(arg: unknown): RuleId | undefined {
  if (typeof arg === 'string' && isRuleId(arg)) return arg;
  const code = typeof arg === 'number' ? arg : typeof arg === 'object' && arg !== null ? Number((arg as { code?: unknown }).code) : NaN;
  return RULE_IDS.find((id) => RULE_CATALOG[id].code === code);
}

export async function openRuleDocumentation(extensionUri: vscode.Uri, log: vscode.LogOutputChannel, arg?: unknown): Promise<void> {
  let rule = ruleFromArg(arg);
  if (!rule) {
    const picked = await vscode.window.showQuickPick(
      RULE_IDS.map((id) => ({ label: id, description: RULE_CATALOG[id].defaultSeverity, detail: RULE_CATALOG[id].summary })),
      { title: 'Durable Lens: rule documentation', matchOnDetail: true },
    );
    if (!picked) return;
    rule = picked.label as RuleId;
  }
  const uri = ruleDocUri(extensionUri, rule);
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    log.error(`rule documentation missing: ${uri.toString()}`);
    void vscode.window.showErrorMessage(`Durable Lens: no documentation found for rule ${rule}.`);
    return;
  }
  await vscode.commands.executeCommand('markdown.showPreview', uri);
}


/**
 * Ctrl+. on a Durable Lens diagnostic also offers its rule page (tsserver diagnostics cannot carry a link).
 * Cheap to register: it only reads the diagnostics VS Code passes in.
 */
export class RuleDocumentationActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(_doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const rules = new Set<RuleId>();
    for (const d of context.diagnostics) {
      if (!isDurableLensSource(d.source)) continue;
      const rule = ruleFromArg(typeof d.code === 'object' && d.code !== null ? d.code.value : d.code);
      if (rule) rules.add(rule);
    }
    // No `diagnostics` on the action: VS Code sorts actions that carry diagnostics first, and the rule page
    // must come after every real fix (Ctrl+. then Enter applies the fix, never opens a page).
    return [...rules].map((rule) => {
      const action = new vscode.CodeAction(`Show documentation for ${rule}`, vscode.CodeActionKind.QuickFix);
      action.command = { command: 'durableLens.openRuleDocumentation', title: `Show documentation for ${rule}`, arguments: [rule] };
      return action;
    });
  }
}

export const DOCUMENT_SELECTOR: vscode.DocumentSelector = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'].map((language) => ({ language }));
