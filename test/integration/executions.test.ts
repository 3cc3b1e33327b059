// Runs in the VS Code extension host (integration tier): the Durable Functions view against the loopback Lambda
// server through the real SDK client (durableLens.aws.endpoint, static test keys in the environment): functions and
// executions with "Load more" paging, the status filter, stop and callback commands and the requests they send,
// SAM-local mode (welcome state, Open Execution by ARN, remembered ARNs), hostile names as text, history files
// that cannot be read, and a local run of a handler that waits on its callback and is completed from the command.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ExecutionsInternals } from '../../src/extension/executions/register';
import type { Node } from '../../src/extension/executions/tree';
import type { LocalRun } from '../../src/local/types';
import { FIXTURE_FUNCTION, startLambdaServer, TEST_CREDENTIALS, type LambdaServer } from '../support/lambdaServer';
import { describeDiagnostics, lensDiagnostics, samplesRoot, waitFor } from './vscodeTestUtils';

const HOSTILE_NAME = '<img src=x onerror=alert(1)>[run](command:workbench.action.terminal.new)**b**';
const BULK_FUNCTION = 'bulk-orders';
const BULK_COUNT = 120;

async function internals(): Promise<ExecutionsInternals> {
  const ext = vscode.extensions.getExtension('durable-lens.durable-lens');
  await ext?.activate();
  const i = await vscode.commands.executeCommand<ExecutionsInternals>('durableLens.executions.internals');
  assert.ok(i, 'the executions internals command answered nothing');
  return i;
}

async function setEndpoint(endpoint: string): Promise<void> {
  await vscode.workspace.getConfiguration('durableLens').update('aws.endpoint', endpoint, vscode.ConfigurationTarget.Global);
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

function fnNode(nodes: Node[], name: string): Node & { type: 'function' } {
  const n = nodes.find((x): x is Node & { type: 'function' } => x.type === 'function' && x.fn.name === name);
  assert.ok(n, `function ${name} not in the tree: ${nodes.map((x) => (x.type === 'function' ? x.fn.name : x.type)).join(', ')}`);
  return n;
}

describe('executions view', function () {
  this.timeout(120_000);
  let server: LambdaServer;
  let sam: LambdaServer | undefined;
  let i: ExecutionsInternals;
  const savedEnv: Record<string, string | undefined> = {};
  let tmp: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dl-exec-'));
    // Static test keys and an empty AWS config: the real credential chain, nothing from the machine.
    const env: Record<string, string> = {
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_CONFIG_FILE: path.join(tmp, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(tmp, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    for (const [k, v] of Object.entries(env)) {
      savedEnv[k] = process.env[k];
      process.env[k] = v;
    }
    savedEnv.AWS_PROFILE = process.env.AWS_PROFILE;
    delete process.env.AWS_PROFILE;
    fs.writeFileSync(env.AWS_CONFIG_FILE, '');
    // A static-key profile for the picker test, written before the SDK reads (and caches) the file.
    fs.writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE, `[dev]\naws_access_key_id = ${TEST_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${TEST_CREDENTIALS.secretAccessKey}\n`);
    // Cut after the callback started: executions still RUNNING and waiting on it.
    const waiting = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'history', 'wait-for-callback.history.json'), 'utf8')) as Array<{ EventType: string }>).slice(0, 5);
    assert.ok(waiting.some((e) => e.EventType === 'CallbackStarted'));
    const hostileEvents = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'history', 'hostile-names.history.json'), 'utf8'));
    const now = Date.now();
    server = await startLambdaServer({
      histories: [
        { functionName: 'hostile-fn', name: HOSTILE_NAME, events: hostileEvents },
        { functionName: 'approvals', name: 'approval-1', id: '11111111-1111-4111-8111-111111111111', events: waiting },
        // Its own callback id: the server closes callbacks by id.
        { functionName: 'approvals', name: 'approval-2', id: '22222222-2222-4222-8222-222222222222', events: JSON.parse(JSON.stringify(waiting).replace(/"CallbackId":"([^"]+)"/g, '"CallbackId":"$1-2"')) },
      ],
      executions: Array.from({ length: BULK_COUNT }, (_, k) => ({
        functionName: BULK_FUNCTION,
        name: `order-${String(k).padStart(4, '0')}`,
        status: k % 3 === 0 ? 'FAILED' : 'SUCCEEDED',
        startedAt: new Date(now - k * 60_000),
        endedAt: new Date(now - k * 60_000 + 1500),
      })),
    });
    i = await internals();
    await i.connection.set({});
    await setEndpoint(server.endpoint);
    i.tree.refresh();
    await until('the tree to list functions', async () => {
      await i.tree.getChildren();
      return i.tree.awsState === 'ok';
    });
  });

  after(async () => {
    await setEndpoint('');
    await server?.close();
    await sam?.close();
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lists durable functions and their executions, newest first, with "Load more" paging', async () => {
    const roots = await i.tree.getChildren();
    assert.deepStrictEqual(roots.map((r) => r.type), ['localRuns', 'aws']);
    const awsItem = i.tree.getTreeItem(roots[1]);
    assert.ok(String(awsItem.description).includes(server.endpoint), `the AWS node names the endpoint: ${String(awsItem.description)}`);
    const fns = await i.tree.getChildren(roots[1]);
    const bulk = fnNode(fns, BULK_FUNCTION);
    fnNode(fns, FIXTURE_FUNCTION);
    let children = await i.tree.getChildren(bulk);
    assert.strictEqual(children.filter((c) => c.type === 'execution').length, 50);
    const first = children[0];
    assert.ok(first.type === 'execution');
    assert.strictEqual(first.execution.name, 'order-0000', 'newest first');
    const item = i.tree.getTreeItem(first);
    // order-0000 is one of the FAILED thirds.
    assert.strictEqual(first.execution.status, 'FAILED');
    const icon = item.iconPath as vscode.ThemeIcon;
    assert.ok(icon.id === 'error' && icon.color, `status icon with a theme colour: ${JSON.stringify(icon)}`);
    assert.match(String(item.description), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d · 1\.5 s$/);
    for (let page = 2; ; page++) {
      const more = children.find((c) => c.type === 'loadMore');
      if (!more) break;
      const count = await vscode.commands.executeCommand<number>('durableLens.loadMore', more);
      assert.strictEqual(count, Math.min(page * 50, BULK_COUNT));
      children = await i.tree.getChildren(bulk);
      assert.ok(page < 10, 'paging must end');
    }
    const names = children.filter((c): c is Node & { type: 'execution' } => c.type === 'execution').map((c) => c.execution.name);
    assert.strictEqual(names.length, BULK_COUNT);
    assert.strictEqual(new Set(names).size, BULK_COUNT, 'no execution twice');
    const lists = server.requests.filter((r) => r.operation === 'ListDurableExecutionsByFunction' && r.path.includes(BULK_FUNCTION));
    assert.ok(lists.length >= 3 && lists.slice(1).every((r) => (r.query.Marker ?? []).length === 1), 'later pages send the marker');
    assert.ok(lists.every((r) => r.signed), 'requests are SigV4-signed with the static test keys');
  });

  it('filters executions by status (sent to the API) and clears the filter', async () => {
    const bulk = fnNode(await i.tree.getChildren({ type: 'aws' }), BULK_FUNCTION);
    await vscode.commands.executeCommand('durableLens.filterExecutions', bulk, { statuses: ['FAILED'] });
    const children = await i.tree.getChildren(bulk);
    const execs = children.filter((c): c is Node & { type: 'execution' } => c.type === 'execution');
    assert.strictEqual(execs.length, 40);
    assert.ok(execs.every((e) => e.execution.status === 'FAILED'));
    const last = server.requests.filter((r) => r.operation === 'ListDurableExecutionsByFunction').at(-1);
    assert.deepStrictEqual(last?.query.Statuses, ['FAILED']);
    assert.match(String(i.tree.getTreeItem(bulk).description), /filter: FAILED/);
    await vscode.commands.executeCommand('durableLens.clearExecutionFilter', bulk);
    assert.strictEqual((await i.tree.getChildren(bulk)).filter((c) => c.type === 'execution').length, 50);
  });

  it('stop (confirmed) and callback success, failure and heartbeat send the right requests', async () => {
    const withCallbacks = server.executions.filter((x) => x.status === 'RUNNING' && server.openCallbacks(x.arn).length > 0);
    assert.ok(withCallbacks.length >= 1, 'the fixtures include a running execution waiting on a callback');
    const x = withCallbacks[0];
    const node: Node = { type: 'execution', execution: { arn: x.arn, name: x.name, functionName: x.functionName, status: 'RUNNING', startedAt: new Date(x.startedAt * 1000) } };
    const [callbackId] = server.openCallbacks(x.arn);

    // A payload that is not JSON is refused before anything is sent.
    const before = server.requests.length;
    const refused = await vscode.commands.executeCommand<boolean>('durableLens.sendCallbackSuccess', node, { payload: '{approved: yes', callbackId });
    assert.strictEqual(refused, false);
    assert.ok(!server.requests.slice(before).some((r) => r.operation === 'SendDurableExecutionCallbackSuccess'));

    assert.strictEqual(await vscode.commands.executeCommand<boolean>('durableLens.sendCallbackHeartbeat', node, { callbackId }), true);
    const hb = server.requests.filter((r) => r.operation === 'SendDurableExecutionCallbackHeartbeat').at(-1);
    assert.ok(hb?.path.endsWith(`/durable-execution-callbacks/${callbackId}/heartbeat`), hb?.path);

    assert.strictEqual(await vscode.commands.executeCommand<boolean>('durableLens.sendCallbackSuccess', node, { payload: ' {"approved": true} ' }), true);
    const ok = server.requests.filter((r) => r.operation === 'SendDurableExecutionCallbackSuccess').at(-1);
    assert.ok(ok?.path.endsWith(`/durable-execution-callbacks/${callbackId}/succeed`), ok?.path);
    assert.strictEqual(ok?.body, '{"approved": true}');
    assert.ok(!server.openCallbacks(x.arn).includes(callbackId), 'the server closed the callback');

    // Failure on the other waiting execution; then stop.
    const other = server.executions.find((y) => y.arn !== x.arn && y.status === 'RUNNING' && server.openCallbacks(y.arn).length > 0);
    assert.ok(other, 'a second execution waiting on a callback');
    {
      const otherNode: Node = { type: 'execution', execution: { arn: other.arn, name: other.name, functionName: other.functionName, status: 'RUNNING', startedAt: new Date(other.startedAt * 1000) } };
      const [otherId] = server.openCallbacks(other.arn);
      assert.strictEqual(await vscode.commands.executeCommand<boolean>('durableLens.sendCallbackFailure', otherNode, { callbackId: otherId, errorType: 'Rejected', errorMessage: 'no' }), true);
      const fail = server.requests.filter((r) => r.operation === 'SendDurableExecutionCallbackFailure').at(-1);
      assert.ok(fail?.path.endsWith(`/${otherId}/fail`));
      assert.deepStrictEqual(JSON.parse(fail?.body ?? "null"), { ErrorMessage: 'no', ErrorType: 'Rejected' });
    }
    const running = server.executions.find((y) => y.status === 'RUNNING');
    assert.ok(running, 'a running execution to stop');
    const runningNode: Node = { type: 'execution', execution: { arn: running.arn, name: running.name, functionName: running.functionName, status: 'RUNNING', startedAt: new Date(running.startedAt * 1000) } };
    assert.strictEqual(await vscode.commands.executeCommand<boolean>('durableLens.stopExecution', runningNode, { confirmed: true }), true);
    const stop = server.requests.filter((r) => r.operation === 'StopDurableExecution').at(-1);
    assert.strictEqual(stop?.path, `/2025-12-01/durable-executions/${running.arn}/stop`);
    assert.strictEqual(server.execution(running.arn)?.status, 'STOPPED');
  });

  it('shows hostile execution names as text in labels and tooltips', async () => {
    const hostile = fnNode(await i.tree.getChildren({ type: 'aws' }), 'hostile-fn');
    const [x] = (await i.tree.getChildren(hostile)).filter((c) => c.type === 'execution');
    assert.ok(x);
    const item = i.tree.resolveTreeItem(i.tree.getTreeItem(x), x);
    assert.strictEqual(item.label, HOSTILE_NAME, 'the label is the name itself, as plain text');
    const md = item.tooltip as vscode.MarkdownString;
    assert.ok(md instanceof vscode.MarkdownString);
    assert.strictEqual(md.isTrusted, false);
    assert.ok(!md.supportHtml);
    assert.ok(!md.value.includes('<img'), md.value);
    assert.ok(!/(^|[^\\])\[run\]/.test(md.value), md.value);
    assert.ok(!md.value.includes('](command:'), md.value);
  });

  it('opens an execution from the tree in the execution panel (history fetched across pages)', async () => {
    const fixtures = fnNode(await i.tree.getChildren({ type: 'aws' }), FIXTURE_FUNCTION);
    const [x] = (await i.tree.getChildren(fixtures)).filter((c) => c.type === 'execution');
    assert.ok(x && x.type === 'execution');
    const before = server.requests.length;
    const source = await vscode.commands.executeCommand<{ key: string; load(): Promise<{ events: unknown[] }> }>('durableLens.openExecution', x);
    assert.strictEqual(source?.key, x.execution.arn);
    await until('the panel to fetch the history', async () => server.requests.slice(before).some((r) => r.operation === 'GetDurableExecutionHistory'));
    const snap = await source.load();
    assert.ok(snap.events.length > 0);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Check Running Executions fetches the running executions of the linked function; an edit that would break one is a replay-mismatch error naming it', async () => {
    // The expense-approval sample's recording cut while it waits on manager-approval: a RUNNING execution.
    const recorded = JSON.parse(fs.readFileSync(path.join(samplesRoot().fsPath, 'expense-approval', 'recordings', 'approved.history.json'), 'utf8')) as Array<{ EventType: string }>;
    const waitingAt = recorded.findIndex((e) => e.EventType === 'CallbackStarted');
    assert.ok(waitingAt > 0);
    // Up to the invocation that ended waiting, without the callback's answer.
    const ended = recorded.findIndex((e, k) => k > waitingAt && e.EventType === 'InvocationCompleted');
    const running = recorded.slice(0, ended + 1).filter((e) => e.EventType !== 'CallbackSucceeded');
    server.addHistory({ functionName: 'expense-approvals', name: 'claim-running-1', events: running });
    const handler = vscode.Uri.file(path.join(samplesRoot().fsPath, 'expense-approval', 'src', 'handler.ts'));
    const result = await vscode.commands.executeCommand<{ functionName: string; folder: string; count: number }>('durableLens.checkRunningExecutions', handler, { functionName: 'expense-approvals' });
    assert.ok(result, 'the command answered');
    assert.strictEqual(result.count, 1);
    const files = fs.readdirSync(result.folder);
    assert.strictEqual(files.length, 1, files.join(', '));
    assert.match(fs.readFileSync(path.join(result.folder, files[0]!), 'utf8'), /claim-running-1[\s\S]*manager-approval/);

    // The user inserts a step before the one the execution waits on: resuming it would fail there.
    const doc = await vscode.workspace.openTextDocument(handler);
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('context.waitForCallback'));
    assert.ok(line > 0);
    try {
      await editor.edit((b) => b.insert(new vscode.Position(line, 0), "  await context.step('check-budget', async () => true);\n"));
      const found = await waitFor('a replay-mismatch error on the inserted step', () => lensDiagnostics(handler, 91013).find((d) => d.severity === vscode.DiagnosticSeverity.Error && d.range.start.line === line), 60_000, () => describeDiagnostics(handler));
      assert.match(found.message, /claim-running-1/);
      assert.match(found.message, /check-budget/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('a malformed or 100 MB history file gives one clear message and opens nothing', async () => {
    const cmds = i.commands();
    const bad = path.join(tmp, 'bad.history.json');
    fs.writeFileSync(bad, '[{"EventType": "ExecutionStarted",');
    const shownBefore = cmds.shown.length;
    assert.strictEqual(await vscode.commands.executeCommand('durableLens.openHistoryFile', vscode.Uri.file(bad)), undefined);
    assert.strictEqual(cmds.shown.length, shownBefore + 1);
    assert.match(cmds.shown.at(-1) ?? '', /Cannot open bad\.history\.json: the history file is not valid JSON/);
    const huge = path.join(tmp, 'huge.history.json');
    fs.writeFileSync(huge, '');
    fs.truncateSync(huge, 100 * 1024 * 1024); // sparse: costs no disk
    assert.strictEqual(await vscode.commands.executeCommand('durableLens.openHistoryFile', vscode.Uri.file(huge)), undefined);
    assert.strictEqual(cmds.shown.length, shownBefore + 2);
    assert.match(cmds.shown.at(-1) ?? '', /100 MB, over the 50 MB limit/);
    // A good file still opens afterwards.
    const good = path.join(tmp, 'good.history.json');
    fs.copyFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'history', 'wait-for-callback.history.json'), good);
    const source = await vscode.commands.executeCommand<{ kind: string }>('durableLens.openHistoryFile', vscode.Uri.file(good));
    assert.strictEqual(source?.kind, 'file');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('an endpoint without a list API (SAM local) shows its welcome state and works through Open Execution by ARN', async () => {
    sam = await startLambdaServer({ mode: 'sam' });
    await setEndpoint(sam.endpoint);
    await until('the SAM-local state', async () => {
      await i.tree.getChildren();
      return i.tree.awsState === 'noListApi';
    });
    const manifest = vscode.extensions.getExtension('durable-lens.durable-lens')?.packageJSON as { contributes: { viewsWelcome: Array<{ when: string; contents: string }> } };
    const welcome = manifest.contributes.viewsWelcome.find((w) => w.when === 'durableLens.aws.state == noListApi');
    assert.ok(welcome?.contents.includes('command:durableLens.openExecutionByArn'), 'the welcome offers Open Execution by ARN');
    if (i.localRuns.list().length === 0) assert.deepStrictEqual(await i.tree.getChildren(), [], 'an empty tree is what shows the welcome view');
    const x = sam.executions[0];
    const source = await vscode.commands.executeCommand<{ key: string }>('durableLens.openExecutionByArn', x.arn);
    assert.strictEqual(source?.key, x.arn);
    await until('the history request', async () => sam!.requests.some((r) => r.operation === 'GetDurableExecutionHistory'));
    const awsChildren = await i.tree.getChildren({ type: 'aws' });
    const remembered = awsChildren.find((c) => c.type === 'remembered' && c.entry.arn === x.arn);
    assert.ok(remembered, 'the opened ARN is remembered under AWS');
    assert.ok(awsChildren.some((c) => c.type === 'message' && c.command?.command === 'durableLens.openExecutionByArn'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('durableLens.forgetExecution', remembered);
    await setEndpoint(server.endpoint);
  });

  it('without credentials the view is empty for its welcome, and the AWS error says what to do', async () => {
    const keys = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      await i.connection.set({});
      await until('the no-credentials state', async () => {
        await i.tree.getChildren();
        return i.tree.awsState === 'noCredentials';
      });
      const manifest = vscode.extensions.getExtension('durable-lens.durable-lens')?.packageJSON as { contributes: { viewsWelcome: Array<{ when: string; contents: string }> } };
      const welcome = manifest.contributes.viewsWelcome.find((w) => w.when === 'durableLens.aws.state == noCredentials');
      assert.ok(welcome?.contents.includes('aws sso login --profile') && welcome.contents.includes('command:durableLens.fixCredentials'));
      if (i.localRuns.list().length === 0) assert.deepStrictEqual(await i.tree.getChildren(), []);
      const [message] = await i.tree.getChildren({ type: 'aws' });
      assert.ok(message.type === 'message', JSON.stringify(message));
      assert.match(message.text, /No AWS credentials/);
      assert.match(message.text, /aws configure|aws sso login/);
      assert.strictEqual(message.command?.command, 'durableLens.fixCredentials');
    } finally {
      process.env.AWS_ACCESS_KEY_ID = keys.id;
      process.env.AWS_SECRET_ACCESS_KEY = keys.secret;
      await i.connection.set({});
    }
    await until('the functions again', async () => {
      await i.tree.getChildren();
      return i.tree.awsState === 'ok';
    });
  });

  it('a profile and region picked for the workspace apply at once: status bar, AWS node, signed requests', async () => {
    try {
      await i.connection.set({ profile: 'dev', region: 'eu-west-2' });
      const before = server.requests.length;
      await until('the tree to list with the new profile', async () => {
        const [first] = await i.tree.getChildren({ type: 'aws' });
        if (i.tree.awsState !== 'ok') throw new Error(`state ${i.tree.awsState}: ${first?.type === 'message' ? first.text : ''}`);
        return server.requests.slice(before).some((r) => r.operation === 'ListFunctions');
      });
      assert.strictEqual(i.connection.describe(), `dev · eu-west-2 · ${server.endpoint}`);
      assert.strictEqual(i.tree.getTreeItem({ type: 'aws' }).description, `dev · eu-west-2 · ${server.endpoint}`);
      const list = server.requests.slice(before).find((r) => r.operation === 'ListFunctions');
      assert.strictEqual(list?.signingRegion, 'eu-west-2');
      assert.deepStrictEqual(i.connection.choice, { profile: 'dev', region: 'eu-west-2' }, 'remembered in the workspace state');
    } finally {
      await i.connection.set({});
    }
    await until('the default chain again', async () => {
      await i.tree.getChildren();
      return i.tree.awsState === 'ok';
    });
  });

  it('Open Handler follows durableLens.functionSources from a function to its export', async () => {
    const config = vscode.workspace.getConfiguration('durableLens');
    await config.update('functionSources', { [BULK_FUNCTION]: 'order-saga/src/handler.ts#handler' }, vscode.ConfigurationTarget.Global);
    try {
      const bulk = fnNode(await i.tree.getChildren({ type: 'aws' }), BULK_FUNCTION);
      assert.strictEqual(await vscode.commands.executeCommand<boolean>('durableLens.openHandler', bulk), true);
      const editor = vscode.window.activeTextEditor;
      assert.ok(editor && editor.document.uri.fsPath.endsWith(path.join('order-saga', 'src', 'handler.ts')), editor?.document.uri.fsPath);
      assert.match(editor.document.lineAt(editor.selection.active.line).text, /export const handler = withDurableExecution/);
    } finally {
      await config.update('functionSources', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  describe('local runs', () => {
    let handlerFile: string;
    let run: LocalRun | undefined;
    const runsDir = () => path.join(samplesRoot().fsPath, '.durable-lens');
    let hadRunsDir = false;

    before(() => {
      hadRunsDir = fs.existsSync(runsDir());
      handlerFile = path.join(samplesRoot().fsPath, 'order-saga', 'src', 'dlTestApproval.ts');
      fs.writeFileSync(
        handlerFile,
        [
          '// Written by the executions integration test; removed after it.',
          "import { withDurableExecution } from '@aws/durable-execution-sdk-js';",
          'export const handler = withDurableExecution(async (event: { orderId: string }, context) => {',
          "  await context.step('reserve', async () => event.orderId);",
          "  const approval = await context.waitForCallback<{ approved: boolean }>('approval', async () => undefined, { timeout: { hours: 1 } });",
          '  // Without a serdes the callback result arrives as the JSON text that was sent.',
          "  const a = (typeof approval === 'string' ? JSON.parse(approval) : approval) as { approved: boolean };",
          "  return await context.step('charge', async () => (a.approved ? 'charged' : 'declined'));",
          '});',
          '',
        ].join('\n')
      );
    });

    after(() => {
      run?.cancel();
      fs.rmSync(handlerFile, { force: true });
      if (!hadRunsDir) fs.rmSync(runsDir(), { recursive: true, force: true });
      else if (run) fs.rmSync(path.join(runsDir(), 'runs', `${run.id}.json`), { force: true });
    });

    it('the CodeLens offers "Run locally" beside "Show workflow" above each handler', async () => {
      const uri = vscode.Uri.file(handlerFile);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const lenses = await until('the CodeLenses', async () => {
        const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
        return l?.some((x) => x.command?.command === 'durableLens.runHandlerLocally') ? l : undefined;
      });
      const run = lenses.find((x) => x.command?.command === 'durableLens.runHandlerLocally');
      const show = lenses.find((x) => x.command?.command === 'durableLens.showWorkflow');
      assert.strictEqual(run?.command?.title, 'Run locally');
      assert.strictEqual(run?.range.start.line, show?.range.start.line);
      assert.strictEqual((run?.command?.arguments?.[0] as vscode.Uri).fsPath, handlerFile);
      assert.strictEqual(run?.command?.arguments?.[1], 'handler');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    it('a run appears under Local runs, waits on its callback, and completing it from the command ends it', async () => {
      run = await vscode.commands.executeCommand<LocalRun>('durableLens.runHandlerLocally', vscode.Uri.file(handlerFile), 'handler', { event: { orderId: 'o-1' } });
      assert.ok(run, `the run did not start: ${i.commands().shown.at(-1) ?? ''}`);
      assert.strictEqual(i.localRuns.rememberedEvent('order-saga/src/dlTestApproval.ts#handler'), '{"orderId":"o-1"}', 'the event is remembered per handler');
      const id = run.id;
      const node = await until('the run to wait on its callback in the tree', async () => {
        const nodes = await i.tree.getChildren({ type: 'localRuns' });
        const n = nodes.find((x) => x.type === 'localRun' && x.id === id);
        return n && i.tree.getTreeItem(n).contextValue === 'localRun.waiting' ? n : undefined;
      }, 60_000);
      const item = i.tree.getTreeItem(node);
      assert.match(String(item.description), /waiting on approval/);
      assert.ok(item.iconPath instanceof vscode.ThemeIcon && item.iconPath.id === 'bell');
      assert.strictEqual(await vscode.commands.executeCommand<boolean>('durableLens.sendCallbackSuccess', node, { payload: '{"approved": true}' }), true);
      const result = await run.done;
      assert.strictEqual(result.status, 'succeeded', JSON.stringify(result.error));
      assert.strictEqual(result.result, 'charged');
      const file = path.join(runsDir(), 'runs', `${id}.json`);
      assert.ok(fs.existsSync(file), 'the run is saved under .durable-lens/runs');
      const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { status: string; events: Array<{ EventType: string }> };
      assert.strictEqual(saved.status, 'succeeded');
      assert.ok(saved.events.some((e) => e.EventType === 'CallbackSucceeded'));
      const ended = await until('the tree to show the ended run', async () => {
        const nodes = await i.tree.getChildren({ type: 'localRuns' });
        const n = nodes.find((x) => x.type === 'localRun' && x.id === id);
        return n && i.tree.getTreeItem(n).contextValue === 'localRun.ended' ? n : undefined;
      });
      assert.ok((i.tree.getTreeItem(ended).iconPath as vscode.ThemeIcon).id === 'pass');
      // Export (the SDK's fixture format) and Generate Test from the saved run.
      const exported = path.join(tmp, 'run.history.json');
      assert.strictEqual(await vscode.commands.executeCommand<string>('durableLens.exportHistory', ended, { file: exported }), exported);
      const array = JSON.parse(fs.readFileSync(exported, 'utf8')) as Array<{ EventType: string }>;
      assert.ok(Array.isArray(array) && array[0].EventType === 'ExecutionStarted' && array.some((e) => e.EventType === 'ExecutionSucceeded'));
      const testFile = path.join(tmp, 'approval.recorded.test.ts');
      assert.strictEqual(await vscode.commands.executeCommand<string>('durableLens.generateTest', ended, { file: testFile }), testFile, i.commands().shown.at(-1));
      assert.match(fs.readFileSync(testFile, 'utf8'), /LocalDurableTestRunner/);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      assert.strictEqual(await vscode.commands.executeCommand<boolean>('durableLens.deleteRun', ended, { confirmed: true }), true);
      assert.ok(!fs.existsSync(file), 'Delete Run removes the file');
    });
  });
});


