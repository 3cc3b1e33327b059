// Runs in node (e2e tier): `npm start` as a person runs it: it prints a loopback URL opening samples/, that
// VS Code answers and shows the workspace with Durable Lens installed, and Ctrl+C stops everything.
import * as assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as http from 'http';
import * as path from 'path';
import { REPO_ROOT } from './harness';

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('npm start', function () {
  this.timeout(300_000);
  let child: ChildProcess | undefined;

  after(function () {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints the URL of a VS Code on 127.0.0.1 with samples/ open, and stops on Ctrl+C', async function () {
    child = spawn(process.execPath, [path.join(REPO_ROOT, 'test', 'harness', 'start.js'), '--no-build'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /http:\/\/127\.0\.0\.1:(\d+)\/\?folder=(\S+)/.exec(output);
        if (m) {
          clearInterval(timer);
          resolve(m[0]);
        } else if (child!.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`npm start exited (${child!.exitCode}):\n${output.slice(-3000)}`));
        }
      }, 200);
    });
    assert.strictEqual(decodeURIComponent(new URL(url).searchParams.get('folder')!), path.join(REPO_ROOT, 'samples'));
    assert.match(output, /plugin package included/, 'the .vsix was verified');
    assert.match(output, /installed durable-lens\.vsix/, 'the .vsix was installed into code-server');
    const origin = new URL(url).origin;
    assert.strictEqual(await get(`${origin}/healthz`), 200);
    assert.strictEqual(await get(url), 200);

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    assert.strictEqual(await exited, 0, output.slice(-2000));
    await assert.rejects(get(`${origin}/healthz`), 'code-server is gone after Ctrl+C');
  });
});
