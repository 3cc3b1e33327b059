// Runs in node (e2e tier): the AWS side of the Durable Functions view in a real VS Code (code-server, packaged
// .vsix, headless Chromium) against the loopback Lambda server through the real SDK client (durableLens.aws.endpoint,
// static test keys in code-server's environment): AWS → a durable function → its executions, one opened.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Page } from 'playwright-core';
import { FIXTURE_FUNCTION, startLambdaServer, TEST_CREDENTIALS, type LambdaServer } from '../support/lambdaServer';
import { copyWorkspace, extensionLog, setSideBarWidth, showActivity, sideBarRows, startVsCode, waitUntil, type VsCodeSession } from './harness';

async function openedExecutionFrame(page: Page, timeoutMs = 90_000): Promise<Frame> {
  let found: Frame | undefined;
  await waitUntil('an execution view with its summary', async () => {
    for (const f of page.frames()) {
      if ((await f.$('#execution #summary dt').catch(() => null)) && (await f.$('#execution #operations .vlist-row').catch(() => null))) {
        found = f;
        return true;
      }
    }
    return false;
  }, timeoutMs);
  return found!;
}

describe('e2e: AWS executions in the Durable Functions view (code-server, loopback Lambda endpoint)', function () {
  this.timeout(600_000);
  let vs: VsCodeSession | undefined;
  let server: LambdaServer;
  let workspace: string;

  before(async function () {
    server = await startLambdaServer({ functions: [{ name: 'image-batch', runtime: 'nodejs22.x' }] });
    workspace = copyWorkspace();
    const aws = path.join(workspace, '.aws-empty');
    fs.mkdirSync(aws);
    fs.writeFileSync(path.join(aws, 'config'), '');
    fs.writeFileSync(path.join(aws, 'credentials'), '');
    vs = await startVsCode({
      workspace,
      settings: { 'durableLens.aws.endpoint': server.endpoint },
      env: {
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_REGION: 'us-east-1',
        AWS_CONFIG_FILE: path.join(aws, 'config'),
        AWS_SHARED_CREDENTIALS_FILE: path.join(aws, 'credentials'),
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
  });

  after(async function () {
    if (this.currentTest?.state === 'failed' && vs) console.log(extensionLog(vs, 120));
    await vs?.close();
    await server?.close();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('expands AWS → a function → its executions through the real SDK client, and opens one', async function () {
    const { page } = vs!;
    await showActivity(page, 'Durable Functions');
    const fnRow = page.locator('.part.sidebar .monaco-list-row', { hasText: FIXTURE_FUNCTION }).first();
    await fnRow.waitFor({ state: 'visible', timeout: 120_000 }).catch(async (err: unknown) => {
      throw new Error(`${String(err)}\n${JSON.stringify(await sideBarRows(page), null, 1)}`);
    });
    const before = await sideBarRows(page);
    assert.ok(before.some((r) => /AWS/.test(r.text) && r.text.includes(server.endpoint.replace(/^https?:\/\//, '').split('/')[0]!)), `the AWS node shows the endpoint in use: ${JSON.stringify(before)}`);
    assert.ok(before.some((r) => r.text.includes('image-batch')), 'both durable functions listed');
    await setSideBarWidth(page, 520);
    await fnRow.click();

    // The executions come from ListDurableExecutionsByFunction: rows with a status icon, a name and a start time.
    const executionRows = async () => (await sideBarRows(page)).filter((r) => /codicon-(pass|error|sync|watch|debug-stop|bell)/.test(r.icon) && /\d\d:\d\d/.test(r.text));
    await waitUntil('executions under the function', async () => (await executionRows()).length >= 10, 90_000, async () => JSON.stringify(await sideBarRows(page), null, 1));
    assert.ok(server.requests.some((r) => r.operation === 'ListDurableExecutionsByFunction'), 'listed through the Lambda API');
    const rows = await executionRows();
    assert.ok(rows.some((r) => /codicon-pass/.test(r.icon)) && rows.some((r) => /codicon-error/.test(r.icon)), `succeeded and failed executions tell apart: ${JSON.stringify(rows.map((r) => r.icon))}`);
    await vs!.screenshot('executions-tree');

    // Open the first succeeded one: the execution view reads its whole history.
    // parallel-basic (a recorded fixture) has branches to show; any succeeded one will do if it is not listed.
    const wanted = rows.some((r) => /^parallel-basic\b/.test(r.text)) ? 'parallel-basic' : rows.find((r) => /codicon-pass/.test(r.icon))!.text.split(/\s/)[0]!;
    await page.locator('.part.sidebar .monaco-list-row', { hasText: wanted }).first().click();
    const frame = await openedExecutionFrame(page);
    assert.ok(server.requests.some((r) => r.operation === 'GetDurableExecutionHistory'), 'history read through the Lambda API');
    assert.match(await frame.$eval('.status-holder', (e) => e.textContent ?? ''), /SUCCEEDED/);
    assert.strictEqual(await frame.$eval('#execution h1.title', (e) => (e.textContent ?? '').trim()), wanted, 'the execution clicked is the one shown');
    const ops = await frame.$$eval('#operations .vlist-row', (r) => r.length);
    assert.ok(ops >= 1, `operations drawn: ${ops}`);
    await vs!.screenshot('execution-view');
  });
});
