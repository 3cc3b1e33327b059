// Runs in the extension host (loaded on the first executions command): the commands of the executions
// views — open (by node, ARN or history file), run locally, stop, callbacks, copy ARN, console, export,
// delete, generate test, open handler, filter, load more — each failure one clear message, the detail logged.
// The callback prompts are in callbackPrompts.ts.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { AwsError } from '../../aws/errors';
import type { HistoryEvent } from '../../core/history/events';
import type { LocalRun } from '../../local/types';
import { awsClientModule, type AwsConnection } from './connection';
import { answerCallback, type CallbackAnswers, type CallbackKind } from './callbackPrompts';
import { labelText } from './format';
import { runStore, workspaceRoot, type LocalRuns } from './localRuns';
import type { ExecutionSource } from './source';
import { matchFunction, parseFunctionSourcesSetting, resolveSourceFile, SourceLinkError, bareFunctionName, type FunctionSource } from './sourceLink';
import { parseCdkAssembly } from './sourceLinkCdk';
import { parseSamTemplate } from './sourceLinkSam';
import { awsExecutionSource, fileSource, localRunSource } from './sources';
import { describeError, describeFilter, type ExecutionsTree, type ExecutionFilter, type Node } from './tree';

/** A history file bigger than this is refused before it is read (one message, nothing loads). */
export const MAX_HISTORY_FILE_BYTES = 50 * 1024 * 1024;


export interface CommandDeps {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly connection: AwsConnection;
  readonly tree: ExecutionsTree;
  readonly localRuns: LocalRuns;
  readonly view?: vscode.TreeView<Node>;
  /** Registers the execution panel (serializer, payload documents) if that has not happened yet. */
  readonly registerPanel?: () => void;
}

/** Options programmatic callers (tests, other commands) pass instead of answering prompts. */
export interface NoPromptOptions extends CallbackAnswers {
  readonly confirmed?: boolean;
  readonly file?: string;
  readonly event?: unknown;
}

export class ExecutionCommands {
  /** The last error messages shown, newest last (tests and bug reports read them; never payloads). */
  readonly shown: string[] = [];

  constructor(private readonly d: CommandDeps) {}

  private get log(): vscode.LogOutputChannel {
    return this.d.log;
  }

  // ---- opening ----

  private showSource(source: ExecutionSource): unknown {
    this.d.registerPanel?.();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const panel = require('./executionPanel') as typeof import('./executionPanel');
    return panel.showExecution(this.d.context, this.log, source);
  }

  async openExecution(node?: Node): Promise<ExecutionSource | undefined> {
    const source = await this.sourceOf(node);
    if (!source) return undefined;
    this.showSource(source);
    return source;
  }

  async openByArn(arnArg?: unknown): Promise<ExecutionSource | undefined> {
    let arn = typeof arnArg === 'string' ? arnArg.trim() : undefined;
    if (!arn) {
      arn = (
        await vscode.window.showInputBox({
          title: 'Durable Lens: Open Execution by ARN',
          placeHolder: 'arn:aws:lambda:REGION:ACCOUNT:function:NAME:VERSION/durable-execution/NAME/ID (or the id sam local printed)',
          validateInput: (v) => (awsClientModule().parseExecutionArn(v) ? undefined : 'Not a durable execution ARN (…:function:NAME:VERSION/durable-execution/NAME/ID) or a sam local id (UUID/UUID)'),
        })
      )?.trim();
    }
    if (!arn) return undefined;
    const parsed = awsClientModule().parseExecutionArn(arn);
    if (!parsed) {
      void vscode.window.showErrorMessage(`Durable Lens: "${labelText(arn, 80)}" is not a durable execution ARN.`);
      return undefined;
    }
    await this.d.connection.rememberArn(arn, parsed.name);
    this.d.tree.rememberedChanged();
    const source = this.awsSource(arn, parsed.name, parsed.kind === 'aws' ? parsed.functionName : undefined);
    this.showSource(source);
    return source;
  }

  private awsSource(arn: string, name?: string, functionName?: string): ExecutionSource {
    const conn = this.d.connection;
    return awsExecutionSource({
      arn,
      name,
      client: () => conn.client(),
      includeExecutionData: () => conn.includeExecutionData,
      consoleUrl: conn.endpoint ? undefined : awsClientModule().consoleUrl(arn),
      openHandler: functionName ? async () => void (await this.openHandlerFor(functionName)) : undefined,
      onAction: () => {
        if (functionName) this.d.tree.refreshFunction(functionName);
      },
    });
  }

  /** A panel restored after a reload asks for its source by key: `local:<run id>` or an execution ARN. */
  async sourceForKey(key: string): Promise<ExecutionSource | undefined> {
    if (key.startsWith('local:')) return this.localSource(key.slice('local:'.length));
    if (key.startsWith('file:')) return undefined; // the panel reads history files back itself
    const p = awsClientModule().parseExecutionArn(key);
    return p ? this.awsSource(key, p.name, p.kind === 'aws' ? p.functionName : undefined) : undefined;
  }

  private async sourceOf(node?: Node): Promise<ExecutionSource | undefined> {
    if (!node) return undefined;
    if (node.type === 'execution') return this.awsSource(node.execution.arn, node.execution.name, node.execution.functionName);
    if (node.type === 'remembered') {
      const p = awsClientModule().parseExecutionArn(node.entry.arn);
      return this.awsSource(node.entry.arn, node.entry.name, p?.kind === 'aws' ? p.functionName : undefined);
    }
    if (node.type === 'localRun') return this.localSource(node.id);
    return undefined;
  }

  private localSource(id: string): ExecutionSource | undefined {
    const root = workspaceRoot();
    if (!root) return undefined;
    const live = this.d.localRuns.get(id);
    let handler: { file: string; exportName?: string } | undefined;
    try {
      const saved = runStore().loadRun(root, id);
      handler = { file: saved.handlerFile, exportName: saved.handlerExport };
    } catch {
      handler = undefined; // a live run may not be saved yet; load() reports a missing file itself
    }
    return localRunSource({
      id,
      live,
      loadSaved: () => runStore().loadRun(root, id),
      openHandler: handler ? async () => void (await openAt(handler.file, handler.exportName ?? live?.handlerExport)) : undefined,
    });
  }

  async openHistoryFile(uriArg?: unknown): Promise<ExecutionSource | undefined> {
    let uri = uriArg instanceof vscode.Uri ? uriArg : typeof uriArg === 'string' ? vscode.Uri.file(uriArg) : undefined;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({
        canSelectMany: false,
        title: 'Durable Lens: Open History File',
        filters: { 'Execution history': ['json'] },
        defaultUri: this.historyFolder(),
      });
      uri = picked?.[0];
    }
    if (!uri) return undefined;
    const name = path.basename(uri.fsPath);
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const history = require('../../core/history/events') as typeof import('../../core/history/events');
      if (stat.size > MAX_HISTORY_FILE_BYTES) throw new history.HistoryFileError('tooLarge', history.tooLargeMessage(stat.size, MAX_HISTORY_FILE_BYTES));
      const text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
      const parsed = history.parseHistoryText(text, MAX_HISTORY_FILE_BYTES);
      if (parsed.problems.length) this.log.warn(`history file ${name}: ${parsed.problems.length} problem(s): ${parsed.problems.slice(0, 5).join('; ')}`);
      if (parsed.nextMarker) void vscode.window.showWarningMessage(`Durable Lens: ${name} holds only the first page of its history (it has a NextMarker).`);
      const source = fileSource(`file:${uri.toString()}`, name, parsed.events, parsed.execution);
      this.showSource(source);
      return source;
    } catch (err) {
      this.fail(`Cannot open ${name}`, err);
      return undefined;
    }
  }

  private historyFolder(): vscode.Uri | undefined {
    const root = workspaceRoot();
    if (!root) return undefined;
    const folder = vscode.workspace.getConfiguration('durableLens').get<string>('history.folder', '.durable-lens/histories');
    const abs = path.resolve(root, folder);
    return fs.existsSync(abs) ? vscode.Uri.file(abs) : vscode.Uri.file(root);
  }

  // ---- local runs ----

  async runHandlerLocally(uriArg?: unknown, handlerArg?: unknown, options: NoPromptOptions = {}): Promise<LocalRun | undefined> {
    try {
      const target = await this.pickHandler(uriArg, handlerArg);
      if (!target) return undefined;
      return await vscode.window.withProgress({ location: { viewId: 'durableLens.executions' } }, () =>
        this.d.localRuns.start({ handlerFile: target.file, handlerExport: target.exportName, event: options.event })
      );
    } catch (err) {
      this.fail('The local run did not start', err);
      return undefined;
    }
  }

  private async pickHandler(uriArg: unknown, handlerArg: unknown): Promise<{ file: string; exportName?: string } | undefined> {
    let uri = uriArg instanceof vscode.Uri ? uriArg : typeof uriArg === 'string' ? vscode.Uri.file(uriArg) : undefined;
    if (!uri) {
      const active = vscode.window.activeTextEditor?.document;
      if (active && /^(typescript|javascript)(react)?$/.test(active.languageId) && /withDurableExecution/.test(active.getText())) uri = active.uri;
    }
    if (!uri) {
      const files = await vscode.workspace.findFiles('**/*.{ts,mts,js,mjs}', '{**/node_modules/**,**/dist/**,**/out/**,**/*.d.ts}', 2000);
      const candidates: vscode.Uri[] = [];
      for (const f of files) {
        if (candidates.length >= 200) break;
        try {
          const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(f));
          if (text.includes('withDurableExecution')) candidates.push(f);
        } catch {
          // unreadable files are simply not offered
        }
      }
      if (candidates.length === 0) {
        void vscode.window.showInformationMessage('Durable Lens: no file with a durable handler (withDurableExecution) in this workspace.');
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(
        candidates.map((c) => ({ label: vscode.workspace.asRelativePath(c), uri: c })),
        { title: 'Durable Lens: Run Handler Locally', placeHolder: 'Which handler file?' }
      );
      uri = pick?.uri;
    }
    if (!uri) return undefined;
    let exportName = typeof handlerArg === 'string' && handlerArg ? handlerArg : undefined;
    if (!exportName) {
      const names = await handlerNames(uri, this.log);
      if (names.length > 1) {
        const pick = await vscode.window.showQuickPick(names, { title: 'Durable Lens: which handler?' });
        if (!pick) return undefined;
        exportName = pick;
      } else exportName = names[0];
    }
    return { file: uri.fsPath, exportName };
  }

  async deleteRun(node?: Node, options: NoPromptOptions = {}): Promise<boolean> {
    const root = workspaceRoot();
    if (!node || node.type !== 'localRun' || !root) return false;
    if (this.d.localRuns.get(node.id)) {
      void vscode.window.showWarningMessage('Durable Lens: the run is still going: stop it first.');
      return false;
    }
    if (!options.confirmed) {
      const ok = await vscode.window.showWarningMessage(`Delete local run ${node.id}? Its saved history goes too.`, { modal: true }, 'Delete');
      if (ok !== 'Delete') return false;
    }
    try {
      runStore().deleteRun(root, node.id);
      this.d.localRuns.invalidate();
      return true;
    } catch (err) {
      this.fail('Cannot delete the run', err);
      return false;
    }
  }

  // ---- actions on an execution or run ----

  async stop(node?: Node, options: NoPromptOptions = {}): Promise<boolean> {
    const target = this.actionTarget(node);
    if (!target) return false;
    if (!options.confirmed) {
      const ok = await vscode.window.showWarningMessage(`Stop ${target.label}? A stopped execution cannot be resumed.`, { modal: true }, 'Stop');
      if (ok !== 'Stop') return false;
    }
    try {
      await vscode.window.withProgress({ location: { viewId: 'durableLens.executions' } }, async () => {
        if (target.kind === 'local') {
          target.run.cancel();
          await target.run.done;
        } else {
          await (await this.d.connection.client()).stopExecution(target.arn);
        }
      });
      vscode.window.setStatusBarMessage(`Durable Lens: stopped ${target.label}`, 5000);
      this.refreshAfterAction(target);
      return true;
    } catch (err) {
      this.fail(`Cannot stop ${target.label}`, err);
      return false;
    }
  }

  async callback(kind: CallbackKind, node?: Node, options: NoPromptOptions = {}): Promise<boolean> {
    const target = this.actionTarget(node);
    if (!target) return false;
    try {
      const name = await answerCallback(kind, target, options, () => this.d.connection.client());
      if (name === undefined) return false;
      vscode.window.setStatusBarMessage(`Durable Lens: callback ${kind} sent for ${name}`, 5000);
      this.refreshAfterAction(target);
      return true;
    } catch (err) {
      this.fail(`The callback ${kind} was not sent`, err);
      return false;
    }
  }

  private actionTarget(node?: Node): ActionTarget | undefined {
    if (!node) {
      void vscode.window.showInformationMessage('Durable Lens: pick an execution or a running local run in the Durable Functions view.');
      return undefined;
    }
    if (node.type === 'execution') return { kind: 'aws', arn: node.execution.arn, label: labelText(node.execution.name || node.execution.arn, 80), functionName: node.execution.functionName };
    if (node.type === 'remembered') return { kind: 'aws', arn: node.entry.arn, label: labelText(node.entry.name || node.entry.arn, 80) };
    if (node.type === 'localRun') {
      const run = this.d.localRuns.get(node.id);
      if (!run) {
        void vscode.window.showInformationMessage(`Durable Lens: local run ${node.id} has ended.`);
        return undefined;
      }
      return { kind: 'local', run, label: `local run ${node.id}` };
    }
    return undefined;
  }

  private refreshAfterAction(target: ActionTarget): void {
    if (target.kind === 'aws' && target.functionName) this.d.tree.refreshFunction(target.functionName);
    if (target.kind === 'local') this.d.localRuns.invalidate();
  }

  async copyArn(node?: Node): Promise<string | undefined> {
    const arn = node?.type === 'execution' ? node.execution.arn : node?.type === 'remembered' ? node.entry.arn : node?.type === 'function' ? node.fn.arn : undefined;
    if (!arn) return undefined;
    await vscode.env.clipboard.writeText(arn);
    vscode.window.setStatusBarMessage('Durable Lens: ARN copied', 3000);
    return arn;
  }

  async openInConsole(node?: Node): Promise<boolean> {
    const arn = node?.type === 'execution' ? node.execution.arn : node?.type === 'remembered' ? node.entry.arn : undefined;
    if (!arn) return false;
    const url = awsClientModule().consoleUrl(arn);
    if (!url) {
      void vscode.window.showInformationMessage('Durable Lens: this execution has no AWS console page (a local endpoint id).');
      return false;
    }
    return vscode.env.openExternal(vscode.Uri.parse(url));
  }

  /** Saves the history as `<name>.history.json` (the SDK's fixture format: a plain array of events). */
  async exportHistory(node?: Node, options: NoPromptOptions = {}): Promise<string | undefined> {
    try {
      const events = await this.eventsOf(node);
      if (!events) return undefined;
      const root = workspaceRoot();
      const folder = vscode.workspace.getConfiguration('durableLens').get<string>('history.folder', '.durable-lens/histories');
      const base = `${safeFileName(events.name)}.history.json`;
      let file = options.file;
      if (!file) {
        const defaultUri = root ? vscode.Uri.file(path.resolve(root, folder, base)) : undefined;
        const picked = await vscode.window.showSaveDialog({ title: 'Durable Lens: Export History', defaultUri, filters: { 'Execution history': ['json'] } });
        file = picked?.fsPath;
      }
      if (!file) return undefined;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { serializeHistory } = require('../../core/history/events') as typeof import('../../core/history/events');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      runStore().writeFileAtomic(file, serializeHistory(events.events));
      vscode.window.setStatusBarMessage(`Durable Lens: history exported to ${path.basename(file)}`, 5000);
      return file;
    } catch (err) {
      this.fail('The history was not exported', err);
      return undefined;
    }
  }

  private async eventsOf(node?: Node): Promise<{ events: HistoryEvent[]; name: string; handlerFile?: string; handlerExport?: string; input?: unknown } | undefined> {
    const source = await this.sourceOf(node);
    if (!source) {
      void vscode.window.showInformationMessage('Durable Lens: pick an execution or a local run in the Durable Functions view.');
      return undefined;
    }
    const snap = await vscode.window.withProgress({ location: { viewId: 'durableLens.executions' } }, () => source.load());
    const name = node?.type === 'execution' ? node.execution.name : node?.type === 'localRun' ? node.id : node?.type === 'remembered' ? node.entry.name ?? 'execution' : 'execution';
    let handlerFile: string | undefined;
    let handlerExport: string | undefined;
    if (node?.type === 'localRun' && node.listed?.ok) {
      handlerFile = node.listed.run.handlerFile;
      handlerExport = node.listed.run.handlerExport;
    }
    return { events: snap.events, name: name || 'execution', handlerFile, handlerExport };
  }

  async generateTest(node?: Node, options: NoPromptOptions = {}): Promise<string | undefined> {
    try {
      const events = await this.eventsOf(node);
      if (!events) return undefined;
      let handlerFile = events.handlerFile;
      let handlerExport = events.handlerExport;
      if (!handlerFile && node?.type === 'execution') {
        const linked = await this.linkFunction(node.execution.functionName);
        if (linked) {
          handlerFile = linked.file;
          handlerExport = linked.exportName;
        }
      }
      if (!handlerFile) {
        void vscode.window.showInformationMessage('Durable Lens: the handler of this execution is unknown: link it with durableLens.functionSources or a SAM/CDK template first.');
        return undefined;
      }
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const gen = require('../../local/generateTest') as typeof import('../../local/generateTest');
      let out = options.file;
      if (!out) {
        const picked = await vscode.window.showSaveDialog({
          title: 'Durable Lens: Generate Test from Execution',
          defaultUri: vscode.Uri.file(gen.defaultTestFileFor(handlerFile)),
          filters: { 'Test file': [path.extname(handlerFile).replace(/^\./, '') || 'ts'] },
        });
        out = picked?.fsPath;
      }
      if (!out) return undefined;
      gen.writeGeneratedTest({ events: events.events, handlerFile, handlerExport, testFile: out, skipTime: true });
      await vscode.window.showTextDocument(vscode.Uri.file(out));
      return out;
    } catch (err) {
      this.fail('No test was generated', err);
      return undefined;
    }
  }

  // ---- source linking ----

  async openHandler(node?: Node): Promise<boolean> {
    if (!node) return false;
    if (node.type === 'localRun') {
      const saved = node.listed?.ok ? node.listed.run : undefined;
      if (!saved) return false;
      await openAt(saved.handlerFile, saved.handlerExport ?? node.live?.handlerExport);
      return true;
    }
    const fn = node.type === 'function' ? node.fn.name : node.type === 'execution' ? node.execution.functionName : undefined;
    if (!fn) return false;
    return this.openHandlerFor(fn);
  }

  private async openHandlerFor(functionName: string): Promise<boolean> {
    const linked = await this.linkFunction(functionName);
    if (!linked) return false;
    await openAt(linked.file, linked.exportName);
    return true;
  }

  /** The handler file of a deployed function: setting, then SAM templates, then CDK output; a quick pick when ambiguous. */
  async linkFunction(functionName: string): Promise<{ file: string; exportName: string } | undefined> {
    const root = workspaceRoot();
    if (!root) return undefined;
    const sources = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Durable Lens: finding the handler' }, () => this.functionSources(root));
    const matches = matchFunction(functionName, sources)
      .map((s) => ({ s, file: resolveSourceFile(s, fs.existsSync) }))
      .filter((m): m is { s: FunctionSource; file: string } => !!m.file);
    if (matches.length === 0) {
      const choice = await vscode.window.showInformationMessage(
        `Durable Lens: no handler found for ${labelText(bareFunctionName(functionName), 80)} (looked in durableLens.functionSources, SAM templates and cdk.out).`,
        'Set durableLens.functionSources'
      );
      if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'durableLens.functionSources');
      return undefined;
    }
    let chosen = matches[0];
    if (matches.length > 1) {
      const pick = await vscode.window.showQuickPick(
        matches.map((m) => ({ label: vscode.workspace.asRelativePath(m.file), description: `${m.s.origin} ${m.s.logicalId}`, detail: vscode.workspace.asRelativePath(m.s.definedIn), m })),
        { title: `Durable Lens: which handler is ${labelText(bareFunctionName(functionName), 60)}?` }
      );
      if (!pick) return undefined;
      chosen = pick.m;
    }
    return { file: chosen.file, exportName: chosen.s.exportName };
  }

  private async functionSources(root: string): Promise<FunctionSource[]> {
    const out: FunctionSource[] = [];
    const setting = parseFunctionSourcesSetting(vscode.workspace.getConfiguration('durableLens').get('functionSources'), root);
    for (const p of setting.problems) this.log.warn(p);
    out.push(...setting.sources);
    const templates = await vscode.workspace.findFiles('**/{template,samconfig-template}.{yaml,yml,json}', '{**/node_modules/**,**/.aws-sam/**,**/cdk.out/**}', 20);
    for (const t of templates) {
      try {
        out.push(...parseSamTemplate(fs.readFileSync(t.fsPath, 'utf8'), t.fsPath));
      } catch (err) {
        this.log.warn(`source link: ${err instanceof SourceLinkError ? err.message : describeError(err)}`);
      }
    }
    const manifests = await vscode.workspace.findFiles('**/cdk.out/manifest.json', '**/node_modules/**', 5);
    for (const m of manifests) {
      try {
        out.push(...parseCdkAssembly(path.dirname(m.fsPath), (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined)));
      } catch (err) {
        this.log.warn(`source link: ${err instanceof SourceLinkError ? err.message : describeError(err)}`);
      }
    }
    return out;
  }

  // ---- tree ----

  async filter(node?: Node, preset?: ExecutionFilter): Promise<ExecutionFilter | undefined> {
    if (!node || node.type !== 'function') return undefined;
    const fn = node.fn.name;
    if (preset) {
      this.d.tree.setFilter(fn, preset);
      return preset;
    }
    const current = this.d.tree.filterOf(fn);
    const statuses = await vscode.window.showQuickPick(
      ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'STOPPED'].map((s) => ({ label: s, picked: current.statuses?.includes(s) ?? false })),
      { title: `Durable Lens: executions of ${labelText(fn, 60)} with status (none = all)`, canPickMany: true }
    );
    if (!statuses) return undefined;
    const ranges = [
      { label: 'Any time', hours: undefined },
      { label: 'Last hour', hours: 1 },
      { label: 'Last 24 hours', hours: 24 },
      { label: 'Last 7 days', hours: 24 * 7 },
      { label: 'Last 30 days', hours: 24 * 30 },
    ];
    const range = await vscode.window.showQuickPick(ranges, { title: 'Durable Lens: started in' });
    if (!range) return undefined;
    const f: ExecutionFilter = { statuses: statuses.map((s) => s.label), sinceHours: range.hours };
    this.d.tree.setFilter(fn, f);
    vscode.window.setStatusBarMessage(`Durable Lens: ${labelText(fn, 40)}: ${describeFilter(f) || 'no filter'}`, 4000);
    return f;
  }

  async loadMore(node?: Node): Promise<number> {
    if (!node || node.type !== 'loadMore') return 0;
    return vscode.window.withProgress({ location: { viewId: 'durableLens.executions' } }, async () => {
      if (node.target === 'functions') {
        await this.d.tree.loadMoreFunctions();
        return this.d.tree.loadedFunctions().length;
      }
      return this.d.tree.loadMoreExecutions(node.target);
    });
  }

  async fixCredentials(): Promise<void> {
    const { profile } = await this.d.connection.current();
    const cmd = `aws sso login --profile ${profile}`;
    const choice = await vscode.window.showInformationMessage(
      `Durable Lens: sign in for profile "${profile}" with \`${cmd}\` (SSO), or run \`aws configure --profile ${profile}\` for access keys, then Refresh.`,
      'Run in Terminal',
      'Copy Command',
      'Select Another Profile'
    );
    if (choice === 'Run in Terminal') {
      const term = vscode.window.createTerminal('AWS sign-in');
      term.show();
      term.sendText(cmd);
    } else if (choice === 'Copy Command') {
      await vscode.env.clipboard.writeText(cmd);
    } else if (choice === 'Select Another Profile') {
      await this.d.connection.pick();
    }
  }

  async forgetArn(node?: Node): Promise<void> {
    if (node?.type !== 'remembered') return;
    await this.d.connection.forgetArn(node.entry.arn);
    this.d.tree.rememberedChanged();
  }

  /** One message with the AwsError's action as a button where there is something to do; the detail in the log. */
  fail(what: string, err: unknown): void {
    this.log.error(`${what}: ${describeError(err)}`);
    const e = err as Partial<AwsError> & { message?: string };
    const message = `Durable Lens: ${what}: ${e?.message ?? String(err)}`;
    this.shown.push(message);
    if (this.shown.length > 20) this.shown.shift();
    const buttons: string[] = [];
    if (e.reason === 'credentialsMissing' || e.reason === 'credentialsExpired') buttons.push('Fix Credentials', 'Select Profile');
    else if (e.reason === 'unsupported') buttons.push('Open Execution by ARN');
    else if (e.reason === 'network') buttons.push('Open Settings');
    else if (e.reason === 'markerExpired') buttons.push('Refresh');
    buttons.push('Show Log');
    void vscode.window.showErrorMessage(message, ...buttons).then((b) => {
      if (b === 'Fix Credentials') void vscode.commands.executeCommand('durableLens.fixCredentials');
      else if (b === 'Select Profile') void vscode.commands.executeCommand('durableLens.selectAwsProfile');
      else if (b === 'Open Execution by ARN') void vscode.commands.executeCommand('durableLens.openExecutionByArn');
      else if (b === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'durableLens.aws.endpoint');
      else if (b === 'Refresh') void vscode.commands.executeCommand('durableLens.refresh');
      else if (b === 'Show Log') this.log.show(true);
    });
  }
}

type ActionTarget = { kind: 'aws'; arn: string; label: string; functionName?: string } | { kind: 'local'; run: LocalRun; label: string };

/** The handlers a file exports (syntax only, through the workflow feature's finder). */
async function handlerNames(uri: vscode.Uri, log: vscode.LogOutputChannel): Promise<string[]> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handlerLines } = require('../workflow/codeLens') as typeof import('../workflow/codeLens');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadTypeScript } = require('../workflow/typescriptLoader') as typeof import('../workflow/typescriptLoader');
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    return handlerLines(loadTypeScript(uri.fsPath, log).ts, uri.fsPath, text).map((h) => h.name);
  } catch (err) {
    log.warn(`finding handlers in ${uri.fsPath}: ${describeError(err)}`);
    return [];
  }
}

/** Opens a file at the declaration of `exportName` (first match of a few declaration shapes), else at the top. */
export async function openAt(file: string, exportName?: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  let line = 0;
  if (exportName) {
    const name = exportName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(`(export\\s+(const|let|var|async\\s+function|function)\\s+${name}\\b)|(exports\\.${name}\\s*=)|(export\\s*\\{[^}]*\\b${name}\\b)`);
    for (let i = 0; i < doc.lineCount; i++) {
      if (re.test(doc.lineAt(i).text)) {
        line = i;
        break;
      }
    }
  }
  const pos = new vscode.Position(line, 0);
  return vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: false });
}

function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'execution';
}
