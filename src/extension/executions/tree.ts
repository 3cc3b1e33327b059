// Runs in the extension host: the "Durable Functions" tree — Local runs (saved and live) and AWS (profile,
// region, endpoint) -> durable functions (paged) -> executions (paged, filtered), or the remembered ARNs of an
// endpoint without a list API. Pages load lazily and yield between pages so a long list never blocks the host.
import * as path from 'path';
import * as vscode from 'vscode';
import type { DurableFunctionSummary, ExecutionSummary, ListExecutionsOptions } from '../../aws/lambdaClient';
import type { AwsError } from '../../aws/errors';
import type { LocalRun } from '../../local/types';
import type { ListedRun } from '../../local/runStore';
import { awsClientModule, type AwsConnection, type RememberedArn } from './connection';
import { displayStatus, durationMs, escapeMarkdown, formatDuration, formatTime, isLive, labelText, STATUS_ICONS, type DisplayStatus } from './format';
import type { LocalRuns } from './localRuns';

/** Executions per request and per "Load more". */
export const EXECUTION_PAGE_SIZE = 50;
/** Functions shown before "Load more". */
export const FUNCTION_PAGE_SIZE = 50;
/** How long the roots wait for AWS before showing without knowing whether it has anything. */
const ROOTS_WAIT_MS = 1500;
/** Executions shown flat under a function; older ones are grouped this many at a time. */
export const GROUP_SIZE = 200;

export type AwsState = 'unknown' | 'loading' | 'ok' | 'noCredentials' | 'noFunctions' | 'noListApi' | 'error';

export interface ExecutionFilter {
  readonly statuses?: readonly string[];
  /** Hours back from now; undefined = any time. */
  readonly sinceHours?: number;
  readonly name?: string;
}

export type Node =
  | { readonly type: 'localRuns' }
  | { readonly type: 'localRun'; readonly id: string; readonly listed?: ListedRun; readonly live?: LocalRun }
  | { readonly type: 'aws' }
  | { readonly type: 'function'; readonly fn: DurableFunctionSummary }
  | { readonly type: 'execution'; readonly execution: ExecutionSummary }
  /** Older executions of a long list, GROUP_SIZE at a time, so a refresh never renders thousands of rows. */
  | { readonly type: 'group'; readonly fn: string; readonly start: number; readonly end: number }
  | { readonly type: 'loadMore'; readonly target: 'functions' | string }
  | { readonly type: 'remembered'; readonly entry: RememberedArn }
  | { readonly type: 'message'; readonly text: string; readonly detail?: string; readonly icon: string; readonly command?: vscode.Command };

interface FunctionList {
  items: DurableFunctionSummary[];
  iterator?: AsyncIterator<DurableFunctionSummary>;
  done: boolean;
  error?: AwsError | Error;
}

interface ExecutionList {
  items: ExecutionSummary[];
  nextMarker?: string;
  done: boolean;
  loading?: Promise<void>;
  error?: AwsError | Error;
}

/** Yields to the event loop (lets the host handle other messages between pages). */
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

export class ExecutionsTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private functions?: FunctionList;
  private functionsLoading?: Promise<void>;
  private readonly executions = new Map<string, ExecutionList>();
  private readonly functionNodes = new Map<string, Node & { type: 'function' }>();
  private readonly filters = new Map<string, ExecutionFilter>();
  private state: AwsState = 'unknown';
  private readonly disposables: vscode.Disposable[] = [];
  private readonly rootNodes = { localRuns: { type: 'localRuns' } as const, aws: { type: 'aws' } as const };
  private generation = 0;
  private readonly nodeCache = new WeakMap<ExecutionSummary, Node & { type: 'execution' }>();
  private readonly itemCache = new WeakMap<Node, vscode.TreeItem>();
  private readonly groupCache = new Map<string, Node>();

  constructor(
    private readonly connection: AwsConnection,
    private readonly localRuns: LocalRuns,
    private readonly log: vscode.LogOutputChannel
  ) {
    this.disposables.push(
      connection.onDidChange(() => this.refresh()),
      localRuns.onDidChange(() => this.changed.fire(undefined))
    );
  }

  get awsState(): AwsState {
    return this.state;
  }

  filterOf(fn: string): ExecutionFilter {
    return this.filters.get(fn) ?? {};
  }

  setFilter(fn: string, filter: ExecutionFilter): void {
    this.filters.set(fn, filter);
    this.executions.delete(fn);
    this.changed.fire(this.functionNodes.get(fn));
  }

  /** Drops everything loaded from AWS: the next expand loads page one again. */
  refresh(): void {
    this.generation++;
    this.functions = undefined;
    this.functionsLoading = undefined;
    this.executions.clear();
    this.functionNodes.clear();
    this.groupCache.clear();
    this.setState('unknown');
    this.changed.fire(undefined);
  }

  /** The remembered ARNs changed: only the AWS node (and the roots, for the welcome) need asking again. */
  rememberedChanged(): void {
    this.changed.fire(undefined);
  }

  refreshFunction(fn: string): void {
    this.executions.delete(fn);
    this.changed.fire(this.functionNodes.get(fn));
  }

  private setState(s: AwsState): void {
    if (this.state === s) return;
    this.state = s;
    void vscode.commands.executeCommand('setContext', 'durableLens.aws.state', s);
  }

  // ---- TreeDataProvider ----

  async getChildren(node?: Node): Promise<Node[]> {
    try {
      if (!node) return await this.roots();
      switch (node.type) {
        case 'localRuns':
          return this.localRunNodes();
        case 'aws':
          return await this.awsChildren();
        case 'function':
          return await this.executionNodes(node.fn.name);
        case 'group':
          return (this.executions.get(node.fn)?.items.slice(node.start, node.end) ?? []).map((execution) => this.executionNode(execution));
        default:
          return [];
      }
    } catch (err) {
      this.log.error(`executions view: ${describeError(err)}`);
      return [{ type: 'message', text: errorText(err), icon: 'warning' }];
    }
  }

  getParent(node: Node): Node | undefined {
    switch (node.type) {
      case 'localRun':
        return this.rootNodes.localRuns;
      case 'function':
      case 'remembered':
        return this.rootNodes.aws;
      case 'group':
        return this.functionNodes.get(node.fn);
      case 'execution':
        return this.functionNodes.get(node.execution.functionName);
      default:
        return undefined;
    }
  }

  private async roots(): Promise<Node[]> {
    const runs = this.localRuns.list();
    // An empty tree is what makes VS Code show the welcome view for the AWS problem (viewsWelcome `when` on
    // durableLens.aws.state); with local runs to show, the problem is a message under the AWS node instead.
    // A slow or dead endpoint must not hold the local runs back: after a moment the roots show anyway, and the
    // roots are asked again once the first page (or its failure) is in.
    await Promise.race([this.ensureFunctions(), new Promise((r) => setTimeout(r, ROOTS_WAIT_MS))]);
    const awsProblem = this.state === 'noCredentials' || this.state === 'noFunctions' || (this.state === 'noListApi' && this.connection.rememberedArns().length === 0);
    if (runs.length === 0 && awsProblem) return [];
    return [this.rootNodes.localRuns, this.rootNodes.aws];
  }

  private localRunNodes(): Node[] {
    const runs = this.localRuns.list();
    if (runs.length === 0) return [{ type: 'message', text: 'No local runs yet', detail: 'Run a handler with "Run locally" above it', icon: 'info', command: { command: 'durableLens.runHandlerLocally', title: 'Run Handler Locally' } }];
    return runs;
  }

  private async awsChildren(): Promise<Node[]> {
    await this.ensureFunctions();
    const list = this.functions;
    if (this.state === 'noListApi') {
      const remembered: Node[] = this.connection.rememberedArns().map((entry) => ({ type: 'remembered', entry }));
      return [...remembered, { type: 'message', text: 'Open Execution by ARN…', detail: 'this endpoint has no list API', icon: 'go-to-file', command: { command: 'durableLens.openExecutionByArn', title: 'Open Execution by ARN' } }];
    }
    if (!list) return [];
    if (list.error) {
      const e = list.error as Partial<AwsError>;
      const action = actionCommand(e);
      return [{ type: 'message', text: errorText(list.error), icon: 'error', ...(action ? { command: action } : {}) }];
    }
    const nodes: Node[] = list.items.map((fn) => this.functionNode(fn));
    if (nodes.length === 0) return [{ type: 'message', text: 'No durable functions in this region', detail: this.connection.describe(), icon: 'info', command: { command: 'durableLens.selectAwsProfile', title: 'Select AWS Profile/Region' } }];
    if (!list.done) nodes.push({ type: 'loadMore', target: 'functions' });
    return nodes;
  }

  private functionNode(fn: DurableFunctionSummary): Node & { type: 'function' } {
    let n = this.functionNodes.get(fn.name);
    if (!n) {
      n = { type: 'function', fn };
      this.functionNodes.set(fn.name, n);
    }
    return n;
  }

  /** First page of functions (once per connection); the result decides the AWS state. */
  private async ensureFunctions(): Promise<void> {
    if (this.functions) return;
    if (!this.functionsLoading) {
      const gen = this.generation;
      this.setState('loading');
      this.functionsLoading = (async () => {
        const list: FunctionList = { items: [], done: false };
        try {
          const client = await this.connection.client();
          list.iterator = client.listDurableFunctions()[Symbol.asyncIterator]();
          await this.pullFunctions(list);
        } catch (err) {
          list.error = err as Error;
          list.done = true;
        }
        if (gen !== this.generation) return;
        this.functions = list;
        this.setState(stateOf(list));
        this.changed.fire(undefined);
        if (list.error) this.log.warn(`AWS: listing functions failed: ${describeError(list.error)}`);
      })();
    }
    await this.functionsLoading;
  }

  private async pullFunctions(list: FunctionList): Promise<void> {
    const it = list.iterator;
    if (!it) return;
    const want = list.items.length + FUNCTION_PAGE_SIZE;
    while (list.items.length < want) {
      const r = await it.next();
      if (r.done) {
        list.done = true;
        return;
      }
      list.items.push(r.value);
    }
  }

  async loadMoreFunctions(): Promise<void> {
    const list = this.functions;
    if (!list || list.done) return;
    try {
      await this.pullFunctions(list);
    } catch (err) {
      list.error = err as Error;
      list.done = true;
    }
    this.changed.fire(this.rootNodes.aws);
  }

  private async executionNodes(fn: string): Promise<Node[]> {
    let list = this.executions.get(fn);
    if (!list) {
      list = { items: [], done: false };
      this.executions.set(fn, list);
      await this.loadExecutionPage(fn, list);
    } else if (list.loading) {
      await list.loading;
    }
    const nodes: Node[] = list.items.slice(0, GROUP_SIZE).map((execution) => this.executionNode(execution));
    for (let start = GROUP_SIZE; start < list.items.length; start += GROUP_SIZE) {
      nodes.push(this.groupNode(fn, start, Math.min(start + GROUP_SIZE, list.items.length)));
    }
    if (list.error) {
      const action = actionCommand(list.error as Partial<AwsError>);
      nodes.push({ type: 'message', text: errorText(list.error), icon: 'error', ...(action ? { command: action } : {}) });
    } else if (nodes.length === 0) {
      const f = this.filterOf(fn);
      nodes.push({ type: 'message', text: f.statuses?.length || f.sinceHours || f.name ? 'No executions match the filter' : 'No executions', icon: 'info' });
    }
    if (!list.done && !list.error) nodes.push({ type: 'loadMore', target: fn });
    return nodes;
  }

  /** Node objects are kept per execution: VS Code asks again for every child on each refresh of the parent. */
  private executionNode(execution: ExecutionSummary): Node & { type: 'execution' } {
    let n = this.nodeCache.get(execution);
    if (!n) {
      n = { type: 'execution', execution };
      this.nodeCache.set(execution, n);
    }
    return n;
  }

  private groupNode(fn: string, start: number, end: number): Node {
    const key = `${fn}\u0000${start}\u0000${end}`;
    let n = this.groupCache.get(key);
    if (!n) {
      n = { type: 'group', fn, start, end };
      this.groupCache.set(key, n);
    }
    return n;
  }

  /** One API page; the list is extended in place. */
  private loadExecutionPage(fn: string, list: ExecutionList): Promise<void> {
    if (list.loading) return list.loading;
    const gen = this.generation;
    list.loading = (async () => {
      try {
        const client = await this.connection.client();
        const f = this.filterOf(fn);
        const options: ListExecutionsOptions = {
          pageSize: EXECUTION_PAGE_SIZE,
          ...(list.nextMarker ? { marker: list.nextMarker } : {}),
          ...(f.statuses?.length ? { statuses: f.statuses } : {}),
          ...(f.sinceHours ? { startedAfter: new Date(Date.now() - f.sinceHours * 3600_000) } : {}),
          ...(f.name ? { name: f.name } : {}),
        };
        const it = client.listExecutionPages(fn, options)[Symbol.asyncIterator]();
        const r = await it.next();
        // Only one page per call: the next "Load more" resumes from the marker.
        await it.return?.();
        if (gen !== this.generation) return;
        if (r.done) {
          list.done = true;
        } else {
          for (const x of r.value.executions) list.items.push(x);
          list.nextMarker = r.value.nextMarker;
          list.done = !r.value.nextMarker;
        }
      } catch (err) {
        list.error = err as Error;
        this.log.warn(`AWS: listing executions of ${fn} failed: ${describeError(err)}`);
      } finally {
        list.loading = undefined;
      }
      await yieldToLoop();
    })();
    return list.loading;
  }

  /** "Load more…" under a function: the next page, then only that function's node refreshes. */
  async loadMoreExecutions(fn: string): Promise<number> {
    const list = this.executions.get(fn);
    if (!list || list.done) return list?.items.length ?? 0;
    await this.loadExecutionPage(fn, list);
    this.changed.fire(this.functionNodes.get(fn));
    return list.items.length;
  }

  /** For tests and the bench: what is loaded under a function. */
  loadedExecutions(fn: string): { items: readonly ExecutionSummary[]; done: boolean; error?: Error } {
    const list = this.executions.get(fn);
    return { items: list?.items ?? [], done: list?.done ?? false, error: list?.error };
  }

  loadedFunctions(): readonly DurableFunctionSummary[] {
    return this.functions?.items ?? [];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }

  // ---- TreeItems ----

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.type) {
      case 'localRuns': {
        const item = new vscode.TreeItem('Local runs', vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'localRuns';
        item.contextValue = 'localRuns';
        item.iconPath = new vscode.ThemeIcon('beaker');
        return item;
      }
      case 'aws': {
        const item = new vscode.TreeItem('AWS', vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'aws';
        item.description = this.connection.describe();
        item.contextValue = `aws.${this.state}`;
        item.iconPath = new vscode.ThemeIcon('cloud');
        item.tooltip = markdown((md) => {
          md.appendMarkdown(`**AWS**  \nprofile · region${this.connection.endpoint ? ' · endpoint' : ''}: ${escapeMarkdown(this.connection.describe())}`);
        });
        return item;
      }
      case 'function':
        return this.functionItem(node.fn);
      case 'execution': {
        // Built once per execution: a refresh after "Load more" asks for every row again.
        let item = this.itemCache.get(node);
        if (!item) {
          item = executionItem(node.execution, false);
          this.itemCache.set(node, item);
        }
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(`Older: ${node.start + 1}–${node.end}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `group:${node.fn}:${node.start}`;
        item.iconPath = new vscode.ThemeIcon('history');
        item.contextValue = 'group';
        return item;
      }
      case 'localRun':
        return localRunItem(node);
      case 'loadMore': {
        const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
        item.id = `loadMore:${node.target}:${node.target === 'functions' ? this.functions?.items.length : this.executions.get(node.target)?.items.length}`;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.contextValue = 'loadMore';
        item.command = { command: 'durableLens.loadMore', title: 'Load more', arguments: [node] };
        return item;
      }
      case 'remembered': {
        const e = node.entry;
        const item = new vscode.TreeItem(labelText(e.name || e.arn), vscode.TreeItemCollapsibleState.None);
        item.id = `remembered:${e.arn}`;
        item.description = `opened ${formatTime(e.openedAt)}`;
        item.iconPath = new vscode.ThemeIcon('history');
        item.contextValue = 'remembered';
        item.tooltip = markdown((md) => md.appendMarkdown(`**Execution** (remembered)  \n${escapeMarkdown(e.arn)}`));
        item.command = { command: 'durableLens.openExecution', title: 'Open Execution', arguments: [node] };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(labelText(node.text, 200), vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.description = node.detail ? labelText(node.detail) : undefined;
        item.tooltip = markdown((md) => md.appendMarkdown(escapeMarkdown(node.text, 4000)));
        item.contextValue = 'message';
        if (node.command) item.command = node.command;
        return item;
      }
    }
  }

  /** Tooltips of executions are built on hover only (thousands of rows would pay for them up front). */
  resolveTreeItem(item: vscode.TreeItem, node: Node): vscode.TreeItem {
    if (node.type === 'execution' && !item.tooltip) item.tooltip = executionTooltip(node.execution);
    return item;
  }

  private functionItem(fn: DurableFunctionSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(labelText(fn.name), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `function:${fn.arn}`;
    const f = this.filterOf(fn.name);
    const filtered = !!(f.statuses?.length || f.sinceHours || f.name);
    item.description = [fn.runtime, filtered ? `filter: ${describeFilter(f)}` : undefined].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon('symbol-function');
    item.contextValue = filtered ? 'function.filtered' : 'function';
    item.tooltip = markdown((md) => {
      md.appendMarkdown(`**${escapeMarkdown(fn.name)}**  \n`);
      md.appendMarkdown(`${escapeMarkdown(fn.arn)}  \n`);
      if (fn.runtime) md.appendMarkdown(`runtime ${escapeMarkdown(fn.runtime)}  \n`);
      if (fn.handler) md.appendMarkdown(`handler ${escapeMarkdown(fn.handler)}  \n`);
      if (fn.retentionPeriodInDays !== undefined) md.appendMarkdown(`history kept ${fn.retentionPeriodInDays} days  \n`);
      if (filtered) md.appendMarkdown(`filter: ${escapeMarkdown(describeFilter(f))}`);
    });
    return item;
  }
}

export function executionItem(x: ExecutionSummary, withTooltip = true): vscode.TreeItem {
  const status = displayStatus(x.status);
  const item = new vscode.TreeItem(labelText(x.name || x.arn), vscode.TreeItemCollapsibleState.None);
  item.id = `execution:${x.arn}`;
  const d = formatDuration(durationMs(x.startedAt, x.endedAt));
  item.description = [formatTime(x.startedAt), d].filter(Boolean).join(' · ');
  item.iconPath = statusIcon(status);
  item.contextValue = `execution.${status}`;
  if (withTooltip) item.tooltip = executionTooltip(x);
  item.command = { command: 'durableLens.openExecution', title: 'Open Execution', arguments: [{ type: 'execution', execution: x }] };
  return item;
}

export function executionTooltip(x: ExecutionSummary): vscode.MarkdownString {
  const d = formatDuration(durationMs(x.startedAt, x.endedAt));
  return markdown((md) => {
    md.appendMarkdown(`**${escapeMarkdown(x.name || '(unnamed)')}**  \n`);
    md.appendMarkdown(`status ${escapeMarkdown(x.status)}  \n`);
    md.appendMarkdown(`started ${escapeMarkdown(formatTime(x.startedAt))}${x.endedAt ? `, ended ${escapeMarkdown(formatTime(x.endedAt))}` : ''}${d ? ` (${escapeMarkdown(d)})` : ''}  \n`);
    md.appendMarkdown(escapeMarkdown(x.arn));
  });
}

function localRunItem(node: Node & { type: 'localRun' }): vscode.TreeItem {
  const live = node.live;
  const saved = node.listed?.ok ? node.listed.run : undefined;
  if (!live && node.listed && !node.listed.ok) {
    const item = new vscode.TreeItem(labelText(node.id), vscode.TreeItemCollapsibleState.None);
    item.id = `localRun:${node.id}`;
    item.description = 'unreadable';
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.contextValue = 'localRun.unreadable';
    item.tooltip = markdown((md) => md.appendMarkdown(escapeMarkdown(node.listed && !node.listed.ok ? node.listed.message : '')));
    return item;
  }
  const handlerFile = saved?.handlerFile ?? '';
  const handlerExport = live?.handlerExport ?? saved?.handlerExport;
  let status: DisplayStatus = displayStatus(live?.status ?? saved?.status);
  // A file that says running with no process behind it: the window closed or crashed during the run.
  const interrupted = !live && isLive(status);
  if (interrupted) status = 'CRASHED';
  const startedAt = live?.startedAt ?? saved?.startedAt;
  const endedAt = live ? undefined : saved?.endedAt;
  // Workspace-relative: several projects of one workspace each have a handler.ts.
  const shownFile = handlerFile ? vscode.workspace.asRelativePath(handlerFile, false) : 'handler';
  const label = `${shownFile}${handlerExport ? `#${handlerExport}` : ''}`;
  const item = new vscode.TreeItem(labelText(label), vscode.TreeItemCollapsibleState.None);
  item.id = `localRun:${node.id}`;
  const d = formatDuration(durationMs(startedAt, endedAt));
  const waiting = live?.waitingOn.length ? `waiting on ${live.waitingOn.length === 1 ? labelText(live.waitingOn[0].name ?? 'a callback', 40) : `${live.waitingOn.length} callbacks`}` : undefined;
  // What the run waits on comes first: a narrow side bar cuts the description's end, and it is what to act on.
  item.description = [waiting, formatTime(startedAt), interrupted ? 'interrupted' : d].filter(Boolean).join(' · ');
  item.iconPath = statusIcon(status);
  item.contextValue = `localRun.${isLive(status) && live ? (status === 'WAITING' ? 'waiting' : 'running') : 'ended'}`;
  item.tooltip = markdown((md) => {
    md.appendMarkdown(`**Local run** ${escapeMarkdown(node.id)}  \n`);
    md.appendMarkdown(`handler ${escapeMarkdown(label)}  \n`);
    if (handlerFile) md.appendMarkdown(`${escapeMarkdown(handlerFile)}  \n`);
    md.appendMarkdown(`status ${escapeMarkdown(live?.status ?? saved?.status ?? 'unknown')}  \n`);
    md.appendMarkdown(`started ${escapeMarkdown(formatTime(startedAt))}${d ? ` (${escapeMarkdown(d)})` : ''}`);
    const err = saved?.error;
    if (err) md.appendMarkdown(`  \nerror ${escapeMarkdown(err.message, 500)}`);
  });
  item.command = { command: 'durableLens.openExecution', title: 'Open Run', arguments: [node] };
  return item;
}

export function statusIcon(status: DisplayStatus): vscode.ThemeIcon {
  const s = STATUS_ICONS[status];
  return new vscode.ThemeIcon(s.icon, new vscode.ThemeColor(s.color));
}

/** Markdown that never runs anything: untrusted, no HTML, no command links (every value escaped by the caller). */
export function markdown(build: (md: vscode.MarkdownString) => void): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', false);
  md.isTrusted = false;
  md.supportHtml = false;
  build(md);
  return md;
}

export function describeFilter(f: ExecutionFilter): string {
  const parts: string[] = [];
  if (f.statuses?.length) parts.push(f.statuses.join('|'));
  if (f.sinceHours) parts.push(f.sinceHours >= 24 ? `last ${Math.round(f.sinceHours / 24)} d` : `last ${f.sinceHours} h`);
  if (f.name) parts.push(`name ${f.name}`);
  return parts.join(', ');
}

function stateOf(list: FunctionList): AwsState {
  const reason = (list.error as Partial<AwsError> | undefined)?.reason;
  if (reason === 'credentialsMissing' || reason === 'credentialsExpired') return 'noCredentials';
  if (reason === 'unsupported') return 'noListApi';
  if (list.error) return 'error';
  return list.items.length === 0 ? 'noFunctions' : 'ok';
}

/** The action button of an AwsError as a tree command, when it is something we can do. */
function actionCommand(e: Partial<AwsError>): vscode.Command | undefined {
  if (e.reason === 'credentialsMissing' || e.reason === 'credentialsExpired') return { command: 'durableLens.fixCredentials', title: 'Fix credentials' };
  if (e.reason === 'unsupported') return { command: 'durableLens.openExecutionByArn', title: 'Open Execution by ARN' };
  if (e.reason === 'markerExpired' || e.reason === 'network' || e.reason === 'throttled') return { command: 'durableLens.refresh', title: 'Refresh' };
  if (e.reason === 'invalidInput' && /region/i.test(e.message ?? '')) return { command: 'durableLens.selectAwsProfile', title: 'Select AWS Profile/Region' };
  return undefined;
}

export function errorText(err: unknown): string {
  const e = err as Partial<AwsError> | undefined;
  // The client's wording is the CLI's ("Pass --region"); in VS Code the region comes from the status bar picker.
  if (e?.reason === 'invalidInput' && /region/i.test(e.message ?? '')) return 'No AWS region selected: click to pick a profile and region (or set AWS_REGION, or a region in ~/.aws/config).';
  return err instanceof Error ? err.message : String(err);
}

/** For the log: the message, and the AwsError's code/status (never credentials or payloads: AwsError has none). */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Partial<AwsError>;
  const extra = [e.reason, e.code, e.httpStatus, e.requestId && `request ${e.requestId}`, e.detail].filter(Boolean).join(', ');
  return `${err.message}${extra ? ` [${extra}]` : ''}`;
}

/** Not used at activation: keeps `awsClientModule` referenced for code that needs ARN helpers. */
export function parseArn(arn: string): ReturnType<typeof import('../../aws/lambdaClient').parseExecutionArn> {
  return awsClientModule().parseExecutionArn(arn);
}
