// Runs in the VS Code extension host (integration tests): waiting for diagnostics, opening sample files, and
// reverting anything a test changed so samples/ is never left modified.
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'durable-lens.durable-lens';
export const SOURCE = 'durable-lens';

export function samplesRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration suite must run with samples/ open as the workspace folder');
  return folder.uri;
}

export function sampleUri(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(samplesRoot(), ...relative.split('/'));
}

/** 0-based line of the first line containing `needle` after the line containing `after` (samples mark mistakes). */
export function lineOf(text: string, needle: string, after?: string): number {
  const lines = text.split(/\r?\n/);
  const start = after === undefined ? 0 : lines.findIndex((l) => l.includes(after));
  assert.ok(start >= 0, `marker not found: ${after}`);
  const line = lines.findIndex((l, i) => i >= start && l.includes(needle));
  assert.ok(line >= 0, `text not found: ${needle}`);
  return line;
}

export function lensDiagnostics(uri: vscode.Uri, code?: number): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => (d.source === SOURCE || d.source?.startsWith(`${SOURCE}/`) === true) && (code === undefined || diagnosticCode(d) === code));
}

export function diagnosticCode(d: vscode.Diagnostic): number | undefined {
  const code = typeof d.code === 'object' && d.code !== null ? d.code.value : d.code;
  return code === undefined ? undefined : Number(code);
}

export function describeDiagnostics(uri: vscode.Uri): string {
  return (
    vscode.languages
      .getDiagnostics(uri)
      .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} [${d.source} ${String(diagnosticCode(d))}] ${d.message}`)
      .join('\n') || '(none)'
  );
}

/** Polls until `predicate` holds; diagnostics arrive asynchronously from tsserver. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000, detail?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `\n${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function openSample(relative: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(sampleUri(relative));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Reverts every open editor (unsaved changes dropped) and checks the files on disk were never touched. */
export async function revertAll(originals: Map<string, string>): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.isDirty) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  for (const [file, text] of originals) {
    if (fs.readFileSync(file, 'utf8') !== text) {
      fs.writeFileSync(file, text); // never leave samples/ modified, even if a test saved by mistake
      throw new Error(`${file} was modified on disk by a test; restored`);
    }
  }
}
