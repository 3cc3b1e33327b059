// Runs in mocha (node): the harness of the CLI tests — the built CLI (dist/cli.js) run as a process, a command run
// in this process with its output captured, and temporary projects removed after the describe block that made them.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { CliIo } from '../../../src/cli/io';

export const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

/** One diagnostic of `check --format json` (the contract's fields). */
export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: string;
  message: string;
}

export interface CliOutput {
  /** The exit code; null when the process was killed (the timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** dist/cli.js as a process, waited for synchronously; `env` is added to this process's environment. */
export function runCli(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliOutput {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, encoding: 'utf8', env: { ...process.env, ...opts.env }, timeout: 60000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * dist/cli.js as a process without blocking this one (for tests whose loopback server, or local run, lives in this
 * process); `env` is the whole environment of the process, this one's when not given.
 */
export function spawnCli(args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliOutput> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { env: opts.env ?? process.env, cwd: opts.cwd ?? ROOT, timeout: 60000 });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A CLI command (main, runCheckCommand, …) run in this process, its output captured; no colour unless asked. */
export async function runInProcess(
  command: (args: string[], io: CliIo) => Promise<number>,
  args: string[],
  opts: { cwd?: string; color?: boolean } = {}
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (s) => void (stdout += s), err: (s) => void (stderr += s), cwd: opts.cwd ?? ROOT, color: opts.color ?? false };
  const code = await command(args, io);
  return { code, stdout, stderr };
}

/**
 * A maker of temporary projects (file name to text) for the describe block it is called in, all removed after it.
 * With `linkNodeModules` a project sees this repository's node_modules (the SDK's types resolve).
 */
export function tempProjects(prefix: string, options: { linkNodeModules?: boolean } = {}): (files?: Record<string, string>) => string {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  return (files = {}) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    if (options.linkNodeModules) fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
  };
}
