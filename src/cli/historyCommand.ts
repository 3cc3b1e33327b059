// Runs in the CLI: the `history` command (see the contract in DESIGN.md): one execution from a history file
// or from Lambda (--arn), shown as a text tree, the contract's JSON or Mermaid. Exit 0 shown, 2 on failure.
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_MAX_HISTORY_BYTES, HistoryFileError, normalizeEvents, parseHistoryText, tooLargeMessage, type HistoryEvent } from '../core/history/events';
import { historyJson, renderHistoryMermaid, renderText, terminalSafe, terminalSafeJson } from '../core/history/format';
import { buildExecutionRecord, toError, type ExecutionRecord, type ExecutionSummary, type RecordedOperation } from '../core/history/record';
import type { TS } from '../core/analysis/model';
import { findDurableFunctions } from '../core/analysis/handlers';
import { operationTree } from '../core/analysis/operationTree';
import { chooseHandler, mapHistory } from '../core/history/mapping';
import type { HistoryMapping } from '../core/history/mappingTypes';
import { buildProgram, displayPath } from './graphCommand';
import { loadTypeScript } from './loadTypeScript';
import { readSourceText } from './sourceText';
import { isAwsFailure, lambdaClientFor, parseAwsOptions, reportAwsFailure } from './awsOptions';
import { UsageError } from './checkCommand';
import type { CliIo } from './io';

export type HistoryFormat = 'text' | 'json' | 'mermaid';

export interface HistoryArgs {
  readonly file: string | undefined;
  readonly arn: string | undefined;
  readonly region: string | undefined;
  readonly profile: string | undefined;
  readonly endpoint: string | undefined;
  readonly source: string | undefined;
  readonly format: HistoryFormat;
  readonly includeExecutionData: boolean;
  readonly verbose: boolean;
}

export class HistoryUsageError extends Error {
  readonly reason = 'usage' as const;
}

/** A failure with one message for the user (reason says which kind); `detail` goes out only with --verbose. */
export class HistoryFailure extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly detail?: string
  ) {
    super(message);
  }
}

const HISTORY_USAGE =
  'Usage: durable-lens history [--source FILE] [--format text|json|mermaid] (HISTORY.json | --arn ARN [--region R] [--profile P] [--endpoint URL] [--no-payloads]) [--verbose]\n';

export function parseHistoryArgs(argv: readonly string[]): HistoryArgs {
  let aws: ReturnType<typeof parseAwsOptions>['aws'];
  let args: string[];
  try {
    ({ aws, rest: args } = parseAwsOptions(argv));
  } catch (e) {
    if (e instanceof UsageError) throw new HistoryUsageError(e.message);
    throw e;
  }
  const { region, profile, endpoint } = aws;
  const files: string[] = [];
  let arn: string | undefined;
  let source: string | undefined;
  let format: HistoryFormat = 'text';
  let includeExecutionData = true;
  let verbose = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (name: string): string => {
      const eq = a.indexOf('=');
      if (eq > 0 && a.startsWith('--')) {
        const v = a.slice(eq + 1);
        if (v === '') throw new HistoryUsageError(`${name} needs a value`);
        return v;
      }
      const v = args[++i];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new HistoryUsageError(`${name} needs a value`);
      return v;
    };
    const is = (name: string): boolean => a === name || a.startsWith(`${name}=`);
    if (is('--format')) {
      const f = value('--format');
      if (f !== 'text' && f !== 'json' && f !== 'mermaid') throw new HistoryUsageError(`unknown format "${terminalSafe(f)}" (text, json or mermaid)`);
      format = f;
    } else if (is('--arn')) arn = value('--arn');
    else if (is('--source')) source = value('--source');
    else if (a === '--no-payloads') includeExecutionData = false;
    else if (a === '--verbose') verbose = true;
    else if (a === '--') files.push(...args.slice(i + 1)), (i = args.length);
    else if (a.startsWith('-') && a !== '-') throw new HistoryUsageError(`unknown option ${terminalSafe(a)}`);
    else files.push(a);
  }
  if (files.length > 1) throw new HistoryUsageError('history takes one HISTORY.json');
  if (files.length === 1 && arn !== undefined) throw new HistoryUsageError('give either a HISTORY.json or --arn, not both');
  if (files.length === 0 && arn === undefined) throw new HistoryUsageError('history needs a HISTORY.json or --arn ARN');
  if (arn === undefined && (region !== undefined || profile !== undefined || endpoint !== undefined)) throw new HistoryUsageError('--region, --profile and --endpoint go with --arn');
  if (arn === undefined && !includeExecutionData) throw new HistoryUsageError('--no-payloads goes with --arn');
  if (arn !== undefined && (/\s/.test(arn) || !/^arn:|^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(arn))) {
    throw new HistoryUsageError(`--arn: "${clipArg(arn)}" is not a durable execution ARN (arn:aws:lambda:REGION:ACCOUNT:function:FUNCTION:VERSION/durable-execution/NAME/ID, or the NAME/ID that sam local prints)`);
  }
  return { file: files[0], arn, region, profile, endpoint, source, format, includeExecutionData, verbose };
}

function clipArg(s: string): string {
  const t = terminalSafe(s);
  return t.length > 80 ? `${t.slice(0, 80)}…` : t;
}

export async function runHistoryCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let args: HistoryArgs;
  try {
    args = parseHistoryArgs(argv);
    // main.ts takes --verbose off the command line for every command and sets io.verbose.
    if (io.verbose) args = { ...args, verbose: true };
  } catch (e) {
    io.err(`durable-lens history: ${(e as Error).message}\n${HISTORY_USAGE}`);
    return 2;
  }
  try {
    // Read first: a wrong --source is a usage error before any history is fetched.
    const code = args.source !== undefined ? loadSource(args.source, io.cwd) : undefined;
    let events: HistoryEvent[];
    let problems: string[];
    let summary: Partial<ExecutionSummary> | undefined;
    if (args.file !== undefined) {
      const parsed = readHistoryFile(path.resolve(io.cwd, args.file), args.file);
      events = parsed.events;
      problems = parsed.problems;
      summary = parsed.execution ? summaryFromExecution(parsed.execution) : undefined;
    } else {
      const fetched = await fetchHistory(args);
      events = fetched.events;
      problems = fetched.problems;
      summary = fetched.summary;
    }
    const record = buildExecutionRecord(events, summary);
    record.problems.unshift(...problems);
    const mapped = code ? mapOntoSource(record, code, io.cwd) : undefined;
    const sourceOf = mapped?.sourceOf;
    if (args.format === 'json') {
      const json = historyJson(record, sourceOf) as Record<string, unknown>;
      io.out(terminalSafeJson(mapped ? { ...json, mapping: mapped.json } : json) + '\n');
    } else if (args.format === 'mermaid') {
      io.out(renderHistoryMermaid(record));
      if (record.problems.length > 0) io.err(`durable-lens history: ${record.problems.length} problem${record.problems.length === 1 ? '' : 's'} in the history (see --format text or json)\n`);
    } else io.out(renderText(record) + (mapped ? sourceSection(record, mapped) : ''));
    if (mapped) for (const n of mapped.notes) io.err(`durable-lens history: ${terminalSafe(n)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof HistoryFailure) {
      io.err(`durable-lens history: ${e.message}\n${args.verbose && e.detail ? `${e.detail}\n` : ''}`);
      return 2;
    }
    if (e instanceof HistoryFileError) {
      io.err(`durable-lens history: ${terminalSafe(args.file ?? '')}: ${e.message}\n`);
      return 2;
    }
    if (args.arn !== undefined && isAwsFailure(e)) return reportAwsFailure('history', e, io, args.verbose);
    io.err(`durable-lens history: unexpected failure: ${e instanceof Error ? e.message : String(e)}\n${args.verbose && e instanceof Error && e.stack ? `${e.stack}\n` : '(--verbose shows the detail)\n'}`);
    return 2;
  }
}

/**
 * Reads a history file without trusting the path: opened non-blocking (a FIFO does not hang us), refused
 * unless a regular file, refused by its size before reading a byte when too large.
 */
export function readHistoryFile(abs: string, shown: string, maxBytes: number = DEFAULT_MAX_HISTORY_BYTES): ReturnType<typeof parseHistoryText> {
  const name = terminalSafe(shown);
  let fd: number;
  try {
    fd = fs.openSync(abs, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new HistoryFailure('notFound', `no such file: ${name}`);
    if (code === 'EISDIR') throw new HistoryFailure('notAFile', `${name} is a folder, not a history file`);
    if (code === 'EACCES' || code === 'EPERM') throw new HistoryFailure('denied', `cannot read ${name}: permission denied`);
    throw new HistoryFailure('unreadable', `cannot read ${name}${code ? ` (${code})` : ''}`, (e as Error).stack);
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new HistoryFailure('notAFile', `${name} is a folder, not a history file`);
    if (!st.isFile()) throw new HistoryFailure('notAFile', `${name} is not a regular file (a pipe, socket or device): save the history to a file first`);
    if (st.size > maxBytes) throw new HistoryFailure('tooLarge', `${name}: ${tooLargeMessage(st.size, maxBytes)}`);
    if (st.size === 0) throw new HistoryFileError('empty', 'the history file is empty');
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = fs.readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return parseHistoryText(buf.toString('utf8', 0, off), maxBytes);
  } finally {
    fs.closeSync(fd);
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Summary fields from an execution as GetDurableExecution (or SAM's `execution get` JSON, or our client) gives it. */
export function summaryFromExecution(x: Readonly<Record<string, unknown>>): Partial<ExecutionSummary> {
  const out: Partial<ExecutionSummary> = {};
  const arn = str(x.DurableExecutionArn) ?? str(x.arn);
  if (arn) out.arn = arn;
  const name = str(x.DurableExecutionName) ?? str(x.name);
  if (name) out.name = name;
  const fn = str(x.FunctionArn) ?? str(x.functionName) ?? str(x.function);
  if (fn) out.functionName = fn.startsWith('arn:') ? (/:function:([^:]+)/.exec(fn)?.[1] ?? fn) : fn;
  const version = str(x.Version) ?? str(x.version);
  if (version) out.version = version;
  const status = str(x.Status) ?? str(x.status);
  if (status) out.status = status;
  const input = str(x.InputPayload) ?? (typeof x.input === 'string' ? x.input : undefined);
  if (input !== undefined) out.input = { raw: input, truncated: false };
  const result = str(x.Result) ?? (typeof x.result === 'string' ? x.result : undefined);
  if (result !== undefined) out.result = { raw: result, truncated: false };
  const err = (x.Error ?? x.error) as Record<string, unknown> | undefined;
  if (err && typeof err === 'object') {
    const e = toError({ Payload: err as never });
    if (e) out.error = e;
  }
  const ts = normalizeEvents([{ EventType: 'ExecutionStarted', EventId: 1, EventTimestamp: x.StartTimestamp ?? x.startedAt }, { EventType: 'ExecutionStarted', EventId: 2, EventTimestamp: x.EndTimestamp ?? x.endedAt }]).events;
  if (ts[0]!.EventTimestamp) out.startedAt = ts[0]!.EventTimestamp;
  if (ts[1]!.EventTimestamp) out.endedAt = ts[1]!.EventTimestamp;
  return out;
}

interface FetchedHistory {
  events: HistoryEvent[];
  problems: string[];
  summary: Partial<ExecutionSummary> | undefined;
}

async function fetchHistory(args: HistoryArgs): Promise<FetchedHistory> {
  // The AWS SDK loads here, so a file-only run never pays for it.
  const client = lambdaClientFor({ region: args.region, profile: args.profile, endpoint: args.endpoint });
  const arn = args.arn!;
  try {
    const [execution, raw] = await Promise.all([
      client.getExecution(arn, { includeExecutionData: args.includeExecutionData }),
      (async () => {
        const all: unknown[] = [];
        for await (const page of client.getHistory(arn, { includeExecutionData: args.includeExecutionData })) for (const e of page) all.push(e);
        return all;
      })(),
    ]);
    const { events, problems } = normalizeEvents(raw);
    const summary = summaryFromExecution(execution as unknown as Record<string, unknown>);
    summary.arn ??= arn;
    return { events, problems, summary };
  } finally {
    client.dispose();
  }
}

// ---------- --source: the recorded operations onto the handler's code ----------

interface LoadedSource {
  readonly file: string;
  readonly shown: string;
  readonly ts: TS;
  readonly trees: ReturnType<typeof operationTree>[];
}

/** The handlers of the --source file as operation trees (a Program rooted at it, so helpers in other files expand). */
function loadSource(source: string, cwd: string): LoadedSource {
  const abs = path.resolve(cwd, source);
  const shown = terminalSafe(source);
  const read = readSourceText(abs);
  if ('problem' in read) {
    const p = read.problem;
    if (p.reason === 'missing') throw new HistoryFailure('usage', `--source: no such file: ${shown}`);
    throw new HistoryFailure('usage', p.code && p.reason !== 'not-a-file' ? `--source: cannot read ${shown} (${p.code})` : `--source: cannot read ${shown}: it ${p.message}`);
  }
  let tsm: TS;
  try {
    tsm = loadTypeScript(path.dirname(abs)).ts;
  } catch (e) {
    throw new HistoryFailure('noTypeScript', `--source: ${(e as Error).message}`);
  }
  let program: ReturnType<typeof buildProgram>;
  try {
    program = buildProgram(tsm, abs, read.text);
  } catch (e) {
    throw new HistoryFailure('sourceFailed', `--source: cannot build a program for ${shown}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const sf = program.getSourceFile(abs);
  if (!sf) throw new HistoryFailure('sourceFailed', `--source: ${shown} could not be parsed`);
  // Every file is scanned first, so helpers in other files know the handlers that call them.
  for (const f of program.getSourceFiles()) if (!f.isDeclarationFile && f !== sf) findDurableFunctions(tsm, f, undefined);
  const handlers = findDurableFunctions(tsm, sf, undefined);
  const own = handlers.filter((h) => h.kind === 'handler');
  const chosen = own.length > 0 ? own : handlers;
  const trees = chosen.map((h) => operationTree(tsm, h, undefined, () => program.getTypeChecker()));
  return { file: abs, shown: displayPath(cwd, abs), ts: tsm, trees };
}

interface MappedSource {
  readonly sourceOf: (op: RecordedOperation) => { file: string; line: number; column: number } | null;
  readonly json: unknown;
  readonly notes: string[];
  readonly mapping: HistoryMapping | undefined;
}

function mapOntoSource(record: ExecutionRecord, code: LoadedSource, cwd: string): MappedSource {
  const notes: string[] = [];
  const named = (m: HistoryMapping): string => `${m.tree.handler.name} (${displayPath(cwd, m.tree.handler.sourceFile.fileName)}:${lineOf(m)})`;
  let mapping: HistoryMapping | undefined;
  let choice: 'fits' | 'ambiguous' | 'none' = 'none';
  let candidates: HistoryMapping[] = [];
  if (code.trees.length === 0) notes.push(`--source: no durable handler in ${code.shown}; "source" is null`);
  else if (code.trees.length === 1) {
    mapping = mapHistory(record, code.trees[0]!);
    const fitting = chooseHandler(record, [mapping]);
    choice = fitting.kind;
    if (fitting.kind === 'none') notes.push(`the history does not fit ${named(mapping)}: ${mapping.fit.matched} of ${mapping.fit.total} operations match; the sources shown are those that do`);
  } else {
    const c = chooseHandler(record, code.trees);
    choice = c.kind;
    if (c.kind === 'fits') mapping = c.mapping;
    else if (c.kind === 'ambiguous') {
      candidates = [...c.candidates];
      mapping = c.candidates[0];
      notes.push(`the history fits ${c.candidates.length} handlers in ${code.shown} about equally (${c.candidates.map(named).join(', ')}); mapped onto the first`);
    } else {
      mapping = c.best;
      notes.push(`the history fits none of the ${code.trees.length} handlers in ${code.shown}${c.best ? ` (best: ${named(c.best)}, ${c.best.fit.matched} of ${c.best.fit.total} operations); the sources shown are those that match` : ''}`);
    }
  }
  const where = (node: { file: string; line: number; column: number }): { file: string; line: number; column: number } => ({ file: displayPath(cwd, node.file), line: node.line, column: node.column });
  const sourceOf = (op: RecordedOperation): { file: string; line: number; column: number } | null => {
    const n = mapping?.matches.get(op.id)?.node;
    return n ? where(n) : null;
  };
  // Against a handler the history does not fit, a list of differences would say nothing.
  if (mapping && choice !== 'none') {
    const drift = mapping.drift.filter((d) => d.kind !== 'unmapped');
    const unmapped = mapping.drift.length - drift.length;
    const breaking = drift.filter((d) => d.breaksReplay).length;
    if (drift.length > 0) {
      notes.push(`the code has changed since this execution was recorded (${drift.length} difference${drift.length === 1 ? '' : 's'}; ${breaking > 0 ? 'resuming the execution with this code fails at the first that says so' : 'resuming the execution with this code still works'}):`);
      for (const d of drift.slice(0, 50)) notes.push(`  ${d.path ?? '-'}: ${d.message}`);
      if (drift.length > 50) notes.push(`  … and ${drift.length - 50} more (see --format json, "mapping")`);
    }
    if (unmapped > 0) notes.push(`${unmapped} operation${unmapped === 1 ? ' is' : 's are'} not matched to the code (their "source" is null; see --format json, "mapping")`);
  }
  const json = {
    file: code.shown,
    handler: mapping ? mapping.tree.handler.name : null,
    line: mapping ? lineOf(mapping) : null,
    fits: choice,
    candidates: candidates.map((m) => ({ handler: m.tree.handler.name, file: displayPath(cwd, m.tree.handler.sourceFile.fileName), line: lineOf(m) })),
    matched: mapping?.fit.matched ?? 0,
    total: mapping?.fit.total ?? record.operations.length,
    drift: (mapping?.drift ?? []).map((d) => ({
      kind: d.kind,
      operationId: d.operationId ?? null,
      path: d.path ?? null,
      breaksReplay: d.breaksReplay,
      message: d.message,
      source: d.replayNode ?? d.node ? where((d.replayNode ?? d.node)!) : null,
    })),
  };
  return { sourceOf, json, notes, mapping };
}

function lineOf(m: HistoryMapping): number {
  const h = m.tree.handler;
  return h.sourceFile.getLineAndCharacterOfPosition(h.node.getStart(h.sourceFile)).line + 1;
}

/** The text format's `file:line` of each operation, in the table's order. */
function sourceSection(record: ExecutionRecord, mapped: MappedSource): string {
  const rows: string[][] = [];
  const walk = (ops: readonly RecordedOperation[], depth: number): void => {
    for (const op of ops) {
      const m = mapped.mapping?.matches.get(op.id);
      const s = mapped.sourceOf(op);
      const label = `${'  '.repeat(Math.min(depth, 40))}${op.kind}${op.name === undefined ? '' : ` ${JSON.stringify(op.name.length > 40 ? op.name.slice(0, 39) + '…' : op.name)}`}`;
      const extra = m?.index !== undefined ? ` [${m.role === 'branch' ? 'branch' : 'item'} ${m.index}]` : m?.iteration !== undefined ? ` [run ${m.iteration + 1}]` : m?.role === 'callback' || m?.role === 'submitter' ? ` [${m.role}]` : '';
      rows.push([terminalSafe(label), s ? `${terminalSafe(s.file)}:${s.line}${extra}${m?.drift ? ` (${m.drift.kind})` : ''}` : `-${m?.drift ? ` (${m.drift.kind})` : ''}`]);
      if (depth < 100) walk(op.children, depth + 1);
    }
  };
  walk(record.roots, 0);
  if (rows.length === 0) return '';
  let w = 'OPERATION'.length;
  for (const r of rows) w = Math.max(w, [...r[0]!].length);
  const line = (a: string, b: string): string => `${a}${' '.repeat(w - [...a].length)}  ${b}`;
  return `\n${line('OPERATION', 'SOURCE')}\n${rows.map((r) => line(r[0]!, r[1]!)).join('\n')}\n`;
}
