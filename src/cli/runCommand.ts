// Runs in the CLI: the `run` command (see the contract in DESIGN.md): runs a handler locally with the AWS
// testing SDK in a child process and prints its history (or writes it, fixture format, with --out).
// Exit 0 the execution succeeded, 1 it failed, 2 bad usage or the run could not finish.
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import { normalizeEvents } from '../core/history/events';
import { renderText, terminalSafe } from '../core/history/format';
import { buildExecutionRecord } from '../core/history/record';
import { startLocalRun } from '../local/localRunner';
import { exportHistory } from '../local/runStore';
import type { InvokeTargetSpec } from '../local/protocol';
import type { LocalRunResult } from '../local/types';
import type { CliIo } from './io';

const RUN_USAGE =
  'Usage: durable-lens run FILE [--handler NAME] [--event JSON | --event-file F] [--out HISTORY.json] [--no-skip-time]\n' +
  '                        [--callback-result JSON] [--invoke-targets JSON] [--timeout SECONDS] [--verbose]\n';

export class RunUsageError extends Error {
  readonly reason = 'usage' as const;
}

export interface RunArgs {
  readonly file: string;
  readonly handler: string | undefined;
  readonly event: unknown;
  readonly out: string | undefined;
  readonly skipTime: boolean;
  /** Sent as the success result of every callback the run waits on; without it a waiting run ends. */
  readonly callbackResult: string | undefined;
  readonly timeoutMs: number;
  /** Same shape as the setting durableLens.local.invokeTargets; files relative to the project folder. */
  readonly invokeTargets: Readonly<Record<string, InvokeTargetSpec>> | undefined;
  readonly verbose: boolean;
}

function parseInvokeTargets(text: string): Record<string, InvokeTargetSpec> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new RunUsageError(`--invoke-targets is not valid JSON: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new RunUsageError('--invoke-targets must be an object: {"name": "file.ts#export" | {"response": …}}');
  for (const [name, spec] of Object.entries(v as Record<string, unknown>)) {
    const ok = typeof spec === 'string' ? spec.trim() !== '' : !!spec && typeof spec === 'object' && !Array.isArray(spec) && 'response' in spec;
    if (!ok) throw new RunUsageError(`--invoke-targets: "${name}" must be "file.ts#export" or {"response": …}`);
  }
  return v as Record<string, InvokeTargetSpec>;
}

export function parseRunArgs(argv: readonly string[], cwd: string): RunArgs {
  const files: string[] = [];
  let handler: string | undefined;
  let eventText: string | undefined;
  let eventFile: string | undefined;
  let out: string | undefined;
  let skipTime = true;
  let callbackResult: string | undefined;
  let timeoutMs = 300_000;
  let invokeTargets: Record<string, InvokeTargetSpec> | undefined;
  let verbose = false;
  const value = (i: number, name: string): string => {
    const v = argv[i + 1];
    if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new RunUsageError(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case '--handler':
        handler = value(i++, a);
        break;
      case '--event':
        eventText = value(i++, a);
        break;
      case '--event-file':
        eventFile = value(i++, a);
        break;
      case '--out':
        out = value(i++, a);
        break;
      case '--no-skip-time':
        skipTime = false;
        break;
      case '--callback-result':
        callbackResult = value(i++, a);
        try {
          JSON.parse(callbackResult);
        } catch (e) {
          throw new RunUsageError(`--callback-result is not valid JSON: ${(e as Error).message}`);
        }
        break;
      case '--timeout': {
        const t = Number(value(i++, a));
        if (!Number.isFinite(t) || t <= 0) throw new RunUsageError('--timeout needs a number of seconds above 0');
        timeoutMs = Math.round(t * 1000);
        break;
      }
      case '--invoke-targets':
        invokeTargets = parseInvokeTargets(value(i++, a));
        break;
      case '--verbose':
        verbose = true;
        break;
      default:
        if (a.startsWith('--')) throw new RunUsageError(`unknown option ${a}`);
        files.push(a);
    }
  }
  if (files.length !== 1) throw new RunUsageError(files.length ? `run takes one handler file (got ${files.length})` : 'run needs a handler FILE');
  if (eventText !== undefined && eventFile !== undefined) throw new RunUsageError('give --event or --event-file, not both');
  let event: unknown = {};
  if (eventText !== undefined) {
    try {
      event = JSON.parse(eventText);
    } catch (e) {
      throw new RunUsageError(`--event is not valid JSON: ${(e as Error).message}`);
    }
  } else if (eventFile !== undefined) {
    const f = path.resolve(cwd, eventFile);
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch (e) {
      throw new RunUsageError(`cannot read --event-file ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      event = JSON.parse(text);
    } catch (e) {
      throw new RunUsageError(`--event-file ${f} is not valid JSON: ${(e as Error).message}`);
    }
  }
  return { file: path.resolve(cwd, files[0]!), handler, event, out: out === undefined ? undefined : path.resolve(cwd, out), skipTime, callbackResult, timeoutMs, invokeTargets, verbose };
}

/** The folder of the nearest package.json above the file (the user's project), else the file's folder. */
export function projectRootOf(file: string): string {
  let dir = path.dirname(file);
  for (let i = 0; i < 64; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.dirname(file);
}

/** lib/typescript.js: the project's own, else the one shipped with durable-lens. */
export function typeScriptPathFor(projectDir: string): string {
  try {
    return createRequire(path.join(projectDir, '__durable_lens__.js')).resolve('typescript');
  } catch {
    // Not installed in the project: ours below.
  }
  return createRequire(__filename).resolve('typescript');
}

/** dist/localRunner.js beside dist/cli.js; from a tsc build (out/src/cli), out/src/local/child.js. */
export function runnerScriptPath(): string {
  const candidates = [path.join(__dirname, 'localRunner.js'), path.join(__dirname, '..', 'local', 'child.js')];
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[0]!;
}

const NOT_STARTED = new Set(['handler-not-found', 'load-failed', 'bad-invoke-target', 'sdk-missing', 'spawn-failed']);
const EXIT_BY_STATUS: Record<string, number> = { succeeded: 0, failed: 1, timedOut: 2, crashed: 2, cancelled: 2 };

export async function runRunCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let args: RunArgs;
  try {
    args = parseRunArgs(argv, io.cwd);
    // main.ts takes --verbose off the command line for every command and sets io.verbose.
    if (io.verbose) args = { ...args, verbose: true };
  } catch (e) {
    if (e instanceof RunUsageError) {
      io.err(`durable-lens run: ${e.message}\n${RUN_USAGE}`);
      return 2;
    }
    throw e;
  }
  if (!fs.existsSync(args.file)) {
    io.err(`durable-lens run: handler file not found: ${args.file}\n`);
    return 2;
  }
  const root = projectRootOf(args.file);
  let typescriptPath: string;
  try {
    typescriptPath = typeScriptPathFor(root);
  } catch {
    typescriptPath = '';
  }
  const waitingMessages: string[] = [];
  const answered = new Set<string>();
  const run = startLocalRun({
    handlerFile: args.file,
    handlerExport: args.handler,
    event: args.event,
    skipTime: args.skipTime,
    invokeTargets: args.invokeTargets,
    typescriptPath,
    workspaceRoot: root,
    timeoutMs: args.timeoutMs,
    runnerScript: runnerScriptPath(),
    save: false,
    // The handler's own console output goes to stderr: stdout is the history.
    onOutput: (_stream, text) => io.err(text),
  });
  run.onDidChange((r) => {
    if (r.status !== 'waiting') return;
    for (const c of r.waitingOn) {
      if (answered.has(c.callbackId)) continue;
      answered.add(c.callbackId);
      const label = `callback ${terminalSafe(c.callbackId)}${c.name ? ` (${terminalSafe(c.name)})` : ''}`;
      if (args.callbackResult !== undefined) {
        io.err(`durable-lens run: completing ${label} with --callback-result\n`);
        run.sendCallbackSuccess(c.operationId, args.callbackResult).catch((e: Error) => {
          io.err(`durable-lens run: could not complete ${label}: ${e.message}\n`);
          run.cancel();
        });
      } else {
        waitingMessages.push(label);
        run.cancel();
      }
    }
  });
  const result = await run.done;
  if (waitingMessages.length) {
    io.err(
      `durable-lens run: the execution waits on ${waitingMessages.join(', ')}; the CLI cannot complete a callback interactively. ` +
        'Run again with --callback-result JSON to complete every callback with that result (or use the Durable Lens view in VS Code).\n'
    );
  }
  return report(result, args, io, waitingMessages.length > 0);
}

function report(result: LocalRunResult, args: RunArgs, io: CliIo, endedWaiting: boolean): number {
  const events = normalizeEvents(result.events).events;
  if (args.out) {
    try {
      exportHistory({ events: result.events }, args.out);
    } catch (e) {
      io.err(`durable-lens run: could not write ${args.out}: ${(e as Error).message}\n`);
      return 2;
    }
    io.out(`${terminalSafe(result.status)}: ${events.length} events written to ${args.out}\n`);
  } else if (events.length) {
    io.out(renderText(buildExecutionRecord(events)));
  }
  // A handler that could not be loaded or chosen is bad input (2), not a failed execution (1).
  const notStarted = result.error && NOT_STARTED.has(result.error.reason);
  const code = notStarted ? 2 : (EXIT_BY_STATUS[result.status] ?? 2);
  if (result.status === 'succeeded') return 0;
  if (result.error && !(endedWaiting && result.status === 'cancelled')) {
    const e = result.error;
    const head = notStarted
      ? ''
      : result.status === 'failed' && e.reason === 'handler-error'
        ? `the execution failed: ${e.errorType ? `${e.errorType}: ` : ''}`
        : `the run ${statusWord(result.status)}: `;
    io.err(`durable-lens run: ${terminalSafe(head + e.message)}\n`);
    if (args.verbose && e.stackTrace?.length) io.err(e.stackTrace.map((l) => terminalSafe(l)).join('\n') + '\n');
  }
  return code;
}

function statusWord(status: string): string {
  return status === 'timedOut' ? 'timed out' : status === 'crashed' ? 'crashed' : status === 'cancelled' ? 'was cancelled' : 'failed';
}
