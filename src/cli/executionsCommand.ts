// Runs in the CLI: the `executions` command (contract in DESIGN.md): executions of one durable function from Lambda (or an emulator endpoint), newest first, as text or JSON.
import type { ExecutionSummary } from '../aws/lambdaClient';
import { isAwsFailure, lambdaClientFor, parseAwsOptions, reportAwsFailure, type AwsCliOptions } from './awsOptions';
import { UsageError } from './checkCommand';
import type { CliIo } from './io';

export const EXECUTIONS_USAGE =
  'executions FUNCTION [--status S]… [--since ISO] [--until ISO] [--name N] [--max N] [--format text|json] [--region R] [--profile P] [--endpoint URL]';

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'STOPPED'] as const;
/** Without --max: enough for a terminal, and one request. */
export const DEFAULT_MAX = 100;

export interface ExecutionsArgs {
  functionName: string;
  statuses: string[];
  since?: Date;
  until?: Date;
  name?: string;
  max: number;
  format: 'text' | 'json';
  verbose: boolean;
  aws: AwsCliOptions;
}

const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseTime(name: string, v: string): Date {
  const d = new Date(v);
  if (!ISO.test(v) || isNaN(d.getTime())) throw new UsageError(`${name}: "${printable(v)}" is not an ISO 8601 time (e.g. 2026-12-01T09:00:00Z)`);
  return d;
}

function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return t.length > 80 ? `${t.slice(0, 80)}…` : t;
}

export function parseExecutionsArgs(argv: readonly string[]): ExecutionsArgs {
  const { aws, rest } = parseAwsOptions(argv);
  const positional: string[] = [];
  const statuses: string[] = [];
  let since: Date | undefined;
  let until: Date | undefined;
  let name: string | undefined;
  let max: number | undefined;
  let format: 'text' | 'json' = 'text';
  let verbose = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      if (eq > 0) return a.slice(eq + 1);
      const v = rest[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      i++;
      return v;
    };
    switch (flag) {
      case '--status':
        for (const s of value().split(',')) {
          const up = s.trim().toUpperCase().replace(/-/g, '_');
          if (!(STATUSES as readonly string[]).includes(up)) throw new UsageError(`--status: "${printable(s)}" is not one of ${STATUSES.join(', ')}`);
          if (!statuses.includes(up)) statuses.push(up);
        }
        break;
      case '--since':
        since = parseTime('--since', value());
        break;
      case '--until':
        until = parseTime('--until', value());
        break;
      case '--name':
        name = value();
        if (name === '') throw new UsageError('--name needs a value');
        break;
      case '--max': {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new UsageError(`--max: "${printable(v)}" is not a positive whole number`);
        max = n;
        break;
      }
      case '--format': {
        const f = value();
        if (f !== 'text' && f !== 'json') throw new UsageError(`--format: "${printable(f)}" is not text or json`);
        format = f;
        break;
      }
      case '--verbose':
        verbose = true;
        break;
      case '--':
        positional.push(...rest.slice(i + 1));
        i = rest.length;
        break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`executions: unknown option ${printable(a)}`);
        positional.push(a);
    }
  }
  if (positional.length === 0) throw new UsageError('executions needs a FUNCTION (a durable function name or ARN)');
  if (positional.length > 1) throw new UsageError(`executions takes one FUNCTION, got ${positional.length}: ${positional.map(printable).join(' ')}`);
  const functionName = positional[0].trim();
  if (functionName === '' || /[\s\u0000-\u001f]/.test(functionName)) throw new UsageError(`executions: "${printable(positional[0])}" is not a function name or ARN`);
  if (since && until && since.getTime() > until.getTime()) throw new UsageError('--since is later than --until');
  return { functionName, statuses, since, until, name, max: max ?? DEFAULT_MAX, format, verbose, aws };
}

export interface ExecutionJson {
  arn: string;
  name: string;
  function: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
}

/** The JSON contract: exactly these fields, in this order; ISO timestamps; `endedAt` null while running. */
export function executionJson(x: ExecutionSummary): ExecutionJson {
  return {
    arn: x.arn,
    name: x.name,
    function: x.functionName,
    status: x.status,
    startedAt: x.startedAt.toISOString(),
    endedAt: x.endedAt ? x.endedAt.toISOString() : null,
  };
}

function duration(x: ExecutionSummary): string {
  if (!x.endedAt) return 'running';
  const ms = x.endedAt.getTime() - x.startedAt.getTime();
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

const ANSI: Record<string, string> = { SUCCEEDED: '\x1b[32m', FAILED: '\x1b[31m', TIMED_OUT: '\x1b[31m', STOPPED: '\x1b[33m', RUNNING: '\x1b[36m' };

/** Names and ARNs come from whoever started the execution: no escape sequences reach the terminal. */
function safe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

export function renderExecutionsText(functionName: string, list: readonly ExecutionSummary[], color: boolean, more: boolean): string {
  if (list.length === 0) return `No executions of ${safe(functionName)} match.\n`;
  const rows = list.map((x) => [x.status, x.startedAt.toISOString(), duration(x), safe(x.name), safe(x.arn)]);
  const head = ['STATUS', 'STARTED', 'DURATION', 'NAME', 'ARN'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[], st?: string) =>
    r
      .map((c, i) => {
        const cell = i === r.length - 1 ? c : c.padEnd(widths[i]);
        return i === 0 && color && st && ANSI[st] ? `${ANSI[st]}${cell}\x1b[0m` : cell;
      })
      .join('  ')
      .trimEnd();
  const out = [line(head), ...rows.map((r, i) => line(r, list[i].status))];
  out.push(`${list.length} execution${list.length === 1 ? '' : 's'}${more ? ' (more exist: raise --max or narrow with --status/--since/--until)' : ''}`);
  return out.join('\n') + '\n';
}

export async function runExecutionsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  // main.ts takes --verbose off the command line for every command and sets io.verbose.
  const parsed = parseExecutionsArgs(argv);
  const args = io.verbose ? { ...parsed, verbose: true } : parsed;
  const warnings: string[] = [];
  const client = lambdaClientFor(args.aws, warnings);
  const list: ExecutionSummary[] = [];
  let more = false;
  try {
    const pages = client.listExecutionPages(args.functionName, {
      statuses: args.statuses,
      startedAfter: args.since,
      startedBefore: args.until,
      name: args.name,
      pageSize: Math.min(args.max, 1000),
    });
    outer: for await (const page of pages) {
      for (const x of page.executions) {
        if (list.length >= args.max) {
          more = true;
          break outer;
        }
        list.push(x);
      }
      if (list.length >= args.max) {
        more = !!page.nextMarker;
        break;
      }
    }
  } catch (e) {
    // An endpoint without the list API (SAM local) gets its own message there, pointing to `history --arn`.
    if (isAwsFailure(e)) return reportAwsFailure('executions', e, io, args.verbose, warnings);
    throw e;
  } finally {
    client.dispose();
  }
  if (args.format === 'json') io.out(JSON.stringify({ executions: list.map(executionJson) }, null, 2) + '\n');
  else io.out(renderExecutionsText(args.functionName, list, io.color, more));
  return 0;
}
