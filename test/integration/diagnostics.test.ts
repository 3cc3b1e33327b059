// Runs in the VS Code extension host: replay-safety diagnostics from the tsserver plugin as VS Code shows them
// on samples/ (getDiagnostics), a quick fix applied through the API, and settings applied without a reload.
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { RULE_CATALOG } from '../../src/core/rules/catalog';
import type { DurableLensApi } from '../../src/extension/extension';
import { EXTENSION_ID, describeDiagnostics, diagnosticCode, lensDiagnostics, lineOf, openSample, revertAll, sampleUri, waitFor } from './vscodeTestUtils';

const AGENT = 'genai-agent/src/handler.ts';
const SAGA = 'order-saga/src/handler.ts';
const SETTINGS = '.vscode/settings.json';
const LOG_CODE = RULE_CATALOG['replayed-side-effect-log'].code;
const TIMER_CODE = RULE_CATALOG['non-durable-timer'].code;
const NONDET_CODE = RULE_CATALOG['nondeterministic-call'].code;

describe('diagnostics in a real VS Code', function () {
  this.timeout(300_000);
  const originals = new Map<string, string>();
  let settingsOriginal = '';
  let api: DurableLensApi;

  before(async function () {
    settingsOriginal = fs.readFileSync(sampleUri(SETTINGS).fsPath, 'utf8');
    for (const rel of [AGENT, SAGA]) originals.set(sampleUri(rel).fsPath, fs.readFileSync(sampleUri(rel).fsPath, 'utf8'));
    const ext = vscode.extensions.getExtension<DurableLensApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    api = await ext.activate();
  });

  afterEach(async function () {
    const config = vscode.workspace.getConfiguration('durableLens');
    await config.update('rules.non-durable-timer', undefined, vscode.ConfigurationTarget.Global);
    await config.update('enable', undefined, vscode.ConfigurationTarget.Global);
    if (config.inspect('enable')?.workspaceValue === false) await config.update('enable', true, vscode.ConfigurationTarget.Workspace);
    // VS Code rewrites the settings file when a test switches a workspace setting: put back the exact text.
    if (fs.readFileSync(sampleUri(SETTINGS).fsPath, 'utf8') !== settingsOriginal) fs.writeFileSync(sampleUri(SETTINGS).fsPath, settingsOriginal);
    await revertAll(originals);
  });

  it('activates quickly and hands the settings to the tsserver plugin', async function () {
    // The figure shows in the harness output (the extension host's console is not visible under code-server).
    this.test!.title += ` [activate() ${api.activationMs.toFixed(1)} ms]`;
    // The 50 ms budget is measured by bench/activation.ts; a test's timing is the machine's load as much as
    // the code (121 ms was seen at load 9). Ten times the budget still catches what breaks it: an SDK or the
    // analysis loaded at activation instead of on first use.
    assert.ok(api.activationMs <= 500, `activate() took ${api.activationMs.toFixed(1)} ms (budget 50 ms, bench/activation.ts)`);
    const sent = await api.configured;
    // Nothing set by the user: nothing forced on the plugin (a durable-lens.json "enabled": false still counts).
    assert.deepStrictEqual(sent, { rules: {} });
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['durableLens.showOutput', 'durableLens.openRuleDocumentation']) assert.ok(commands.includes(id), `command ${id} missing`);
  });

  it('reports replay-safety mistakes at their lines with source durable-lens', async function () {
    const editor = await openSample(AGENT);
    const text = editor.document.getText();
    const uri = editor.document.uri;
    const logLine = lineOf(text, 'console.log(', 'deliberate: replayed-side-effect-log');
    const timerLine = lineOf(text, 'setTimeout(', 'deliberate: non-durable-timer');
    await waitFor('the console.log and setTimeout diagnostics', () => lensDiagnostics(uri, LOG_CODE).length > 0 && lensDiagnostics(uri, TIMER_CODE).length > 0, 90_000, () => describeDiagnostics(uri));
    const log = lensDiagnostics(uri, LOG_CODE);
    assert.deepStrictEqual(log.map((d) => d.range.start.line), [logLine], describeDiagnostics(uri));
    // 'info' rules arrive as tsserver suggestions: VS Code shows them as hints (it maps a tsserver 'message' to Error).
    assert.strictEqual(log[0].severity, vscode.DiagnosticSeverity.Hint);
    assert.strictEqual(text.slice(editor.document.offsetAt(log[0].range.start)).startsWith('console.log'), true, 'the range starts at console.log');
    const timer = lensDiagnostics(uri, TIMER_CODE);
    assert.deepStrictEqual(timer.map((d) => d.range.start.line), [timerLine], describeDiagnostics(uri));
    assert.strictEqual(timer[0].severity, vscode.DiagnosticSeverity.Error);

    const saga = await openSample(SAGA);
    const sagaLine = lineOf(saga.document.getText(), 'randomUUID', 'deliberate: nondeterministic-call');
    await waitFor('the randomUUID diagnostic', () => lensDiagnostics(saga.document.uri, NONDET_CODE).some((d) => d.range.start.line === sagaLine), 60_000, () => describeDiagnostics(saga.document.uri));
  });

  it('applies the console.log -> context.logger quick fix through the API and the diagnostic goes away', async function () {
    const editor = await openSample(AGENT);
    const uri = editor.document.uri;
    const diagnostic = await waitFor('the console.log diagnostic', () => lensDiagnostics(uri, LOG_CODE)[0], 90_000, () => describeDiagnostics(uri));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value, 50);
    const titles = actions.map((a) => a.title);
    const fix = actions.find((a) => /logger/i.test(a.title) && a.edit);
    assert.ok(fix, `no logger quick fix among: ${JSON.stringify(titles)}`);
    assert.ok(titles.includes('Show documentation for replayed-side-effect-log'), `no documentation action among: ${JSON.stringify(titles)}`);
    assert.strictEqual(titles[titles.length - 1], 'Show documentation for replayed-side-effect-log', `the rule page comes after every fix: ${JSON.stringify(titles)}`);
    assert.strictEqual(actions[0], fix, `the real fix comes first: ${JSON.stringify(titles)}`);
    // Marked preferred by VS Code's TypeScript extension (our fixName is one of its preferred ones): Ctrl+. then
    // Enter, and "Auto Fix", apply it; the other actions are not preferred.
    assert.strictEqual(fix.isPreferred, true, `the real fix is preferred: ${JSON.stringify(actions.map((a) => [a.title, a.isPreferred]))}`);
    assert.ok(actions.slice(1).every((a) => !a.isPreferred), `only the real fix is preferred: ${JSON.stringify(actions.map((a) => [a.title, a.isPreferred]))}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit!), 'applyEdit refused the fix');
    if (fix.command) await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    const line = editor.document.lineAt(diagnostic.range.start.line).text;
    assert.match(line, /context\.logger\.\w+\(/, `the line now reads: ${line}`);
    await waitFor('the console.log diagnostic to disappear', () => lensDiagnostics(uri, LOG_CODE).length === 0, 60_000, () => describeDiagnostics(uri));
    assert.ok(lensDiagnostics(uri, TIMER_CODE).length > 0, 'other diagnostics stay');
  });

  it('applies the sleep -> context.wait quick fix through the API and the error goes away', async function () {
    const editor = await openSample(AGENT);
    const uri = editor.document.uri;
    const diagnostic = await waitFor('the setTimeout diagnostic', () => lensDiagnostics(uri, TIMER_CODE)[0], 90_000, () => describeDiagnostics(uri));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value, 50);
    const fix = actions.find((a) => /wait/i.test(a.title) && a.edit);
    assert.ok(fix, `no context.wait quick fix among: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.match(fix.title, /shift/i, 'the title warns that adding an operation shifts later operation ids');
    assert.ok(await vscode.workspace.applyEdit(fix.edit!), 'applyEdit refused the fix');
    if (fix.command) await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    assert.match(editor.document.getText(), /await context\.wait\(/);
    assert.ok(!/setTimeout\(resolve, 5_000\)/.test(editor.document.getText()), 'the sleep is gone');
    await waitFor('the setTimeout diagnostic to disappear', () => lensDiagnostics(uri, TIMER_CODE).length === 0, 60_000, () => describeDiagnostics(uri));
  });

  it('turns a rule off and back on from settings without a reload', async function () {
    const editor = await openSample(AGENT);
    const uri = editor.document.uri;
    await waitFor('the setTimeout diagnostic', () => lensDiagnostics(uri, TIMER_CODE).length > 0, 90_000, () => describeDiagnostics(uri));
    const config = vscode.workspace.getConfiguration('durableLens');
    await config.update('rules.non-durable-timer', 'off', vscode.ConfigurationTarget.Global);
    await waitFor('non-durable-timer to be switched off', () => lensDiagnostics(uri, TIMER_CODE).length === 0, 60_000, () => describeDiagnostics(uri));
    assert.ok(lensDiagnostics(uri, LOG_CODE).length > 0, 'other rules keep reporting');
    assert.strictEqual(api.forwarder.current?.rules?.['non-durable-timer'], 'off');

    await config.update('rules.non-durable-timer', 'warning', vscode.ConfigurationTarget.Global);
    const back = await waitFor('non-durable-timer back as a warning', () => lensDiagnostics(uri, TIMER_CODE)[0], 60_000, () => describeDiagnostics(uri));
    assert.strictEqual(back.severity, vscode.DiagnosticSeverity.Warning);
  });

  it('durableLens.enable=false removes every durable-lens diagnostic, true brings them back', async function () {
    const editor = await openSample(AGENT);
    const uri = editor.document.uri;
    await waitFor('diagnostics', () => lensDiagnostics(uri).length > 0, 90_000, () => describeDiagnostics(uri));
    // samples/.vscode/settings.json sets it (workspace beats user): switch it where a person would, in the workspace.
    const config = vscode.workspace.getConfiguration('durableLens');
    const target = config.inspect('enable')?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await config.update('enable', false, target);
    await waitFor('no durable-lens diagnostics', () => lensDiagnostics(uri).length === 0, 60_000, () => describeDiagnostics(uri));
    await config.update('enable', target === vscode.ConfigurationTarget.Workspace ? true : undefined, target);
    await waitFor('durable-lens diagnostics back', () => lensDiagnostics(uri).length > 0, 60_000, () => describeDiagnostics(uri));
  });

  it('"Open Rule Documentation" opens the rule page shipped with the extension', async function () {
    await vscode.commands.executeCommand('durableLens.openRuleDocumentation', 'non-durable-timer');
    const tab = await waitFor(
      'a tab showing non-durable-timer.md',
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.includes('non-durable-timer')),
      30_000,
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label).join(', '),
    );
    assert.ok(tab.label.includes('non-durable-timer'));
  });

  it('reads diagnostic codes as the catalogue numbers', async function () {
    const editor = await openSample(AGENT);
    const uri = editor.document.uri;
    await waitFor('diagnostics', () => lensDiagnostics(uri).length > 0, 90_000, () => describeDiagnostics(uri));
    const known = new Set(Object.values(RULE_CATALOG).map((r) => r.code));
    for (const d of lensDiagnostics(uri)) assert.ok(known.has(diagnosticCode(d)!), `unknown code ${String(diagnosticCode(d))}: ${d.message}`);
  });
});
