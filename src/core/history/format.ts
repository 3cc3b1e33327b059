// Runs anywhere (pure core): renders an execution record for the CLI: a terminal-safe text table of the
// operation tree, the contract's JSON ({execution, operations, events}) and a Mermaid flowchart of the tree.
import { escapeLabel } from '../workflow/mermaid';
import { errorPreview, payloadPreview, type ExecutionRecord, type RecordedError, type RecordedOperation, type RecordedPayload } from './record';

/**
 * Untrusted text made safe for a terminal: control characters (C0, DEL, C1: escape sequences, bells,
 * carriage returns) and bidirectional/invisible format characters become U+FFFD, line breaks and tabs a space.
 */
export function terminalSafe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\t\n\r]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\u061c\ufeff]/g, '\ufffd');
}

/** Characters as a terminal counts them (code points; wide characters are not measured). */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) n--;
  }
  return n;
}

function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const chars = Array.from(s);
  return chars.length > max ? chars.slice(0, max - 1).join('') + '…' : s;
}

function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  if (m < 60) return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
}

export interface TextOptions {
  /** Width of the result/error column (characters). */
  readonly previewWidth?: number;
  /** Longest name shown before it is cut with `…`. */
  readonly nameWidth?: number;
}

/** What an operation shows in the result column: its error when it has one, its wait or result otherwise. */
function outcome(op: RecordedOperation, width: number): string {
  if (op.status === 'PENDING' && op.retries.length > 0) {
    const last = op.retries[op.retries.length - 1]!;
    return `retry in ${last.nextAttemptDelaySeconds ?? '?'} s${last.error ? ` after ${errorPreview(last.error, width - 20)}` : ''}`;
  }
  if (op.error && op.status !== 'SUCCEEDED') return errorPreview(op.error, width);
  if (op.type === 'WAIT' && op.status === 'STARTED' && op.waitScheduledEnd) return `until ${op.waitScheduledEnd}`;
  if (op.type === 'WAIT' && op.waitSeconds !== undefined && !op.result?.raw) return `${op.waitSeconds} s`;
  if (op.type === 'CALLBACK' && op.status === 'STARTED') return 'waiting for the callback';
  return payloadPreview(op.result, width);
}

function kindLabel(op: RecordedOperation): string {
  return op.kindCandidates && op.kindCandidates.length > 1 ? `${op.kind}?` : op.kind;
}

/** The CLI's text output: a summary of the execution, then the operations as an indented tree. */
export function renderText(record: ExecutionRecord, options: TextOptions = {}): string {
  const previewWidth = options.previewWidth ?? 60;
  const nameWidth = options.nameWidth ?? 40;
  const ex = record.execution;
  const safe = (s: string | undefined): string => (s === undefined ? '' : terminalSafe(s));
  const lines: string[] = [];
  const title = [ex.name ?? ex.executionId ?? 'execution', ex.functionName ? `of ${ex.functionName}${ex.version ? `:${ex.version}` : ''}` : undefined].filter(Boolean).join(' ');
  lines.push(`Execution ${safe(clip(title, 120))}: ${safe(ex.status)}`);
  if (ex.arn) lines.push(`  ARN       ${safe(ex.arn)}`);
  const when = [ex.startedAt ? `started ${ex.startedAt}` : undefined, ex.endedAt ? `ended ${ex.endedAt}` : undefined].filter(Boolean).join(', ') + (ex.durationMs !== undefined ? ` (${formatDuration(ex.durationMs)})` : '');
  if (when) lines.push(`  Time      ${when}`);
  lines.push(`  Events    ${record.events.length} in ${record.invocations.length} invocation${record.invocations.length === 1 ? '' : 's'}, ${record.operations.length} operation${record.operations.length === 1 ? '' : 's'}`);
  if (ex.input) lines.push(`  Input     ${safe(payloadPreview(ex.input, 100))}`);
  if (ex.result) lines.push(`  Result    ${safe(payloadPreview(ex.result, 100))}`);
  if (ex.error) lines.push(`  Error     ${safe(errorPreview(ex.error, 100))}`);
  for (const c of record.pendingCallbacks) lines.push(`  Waiting   callback ${safe(c.callbackId)}${c.name ? ` (${safe(clip(c.name, 60))})` : ''}`);
  lines.push('');

  const rows: string[][] = [];
  const walk = (ops: readonly RecordedOperation[], prefix: string, depth: number): void => {
    ops.forEach((op, i) => {
      const last = i === ops.length - 1;
      const branch = depth === 0 ? '' : last ? '└─ ' : '├─ ';
      const name = op.name === undefined ? '(unnamed)' : safe(clip(op.name, nameWidth));
      rows.push([prefix + branch + kindLabel(op), name, op.status, String(op.attempts), formatDuration(op.durationMs), safe(outcome(op, previewWidth))]);
      if (depth < 100) walk(op.children, depth === 0 ? prefix : prefix + (last ? '   ' : '│  '), depth + 1);
    });
  };
  walk(record.roots, '', 0);
  if (rows.length === 0) lines.push('No operations recorded.');
  else {
    const header = ['OPERATION', 'NAME', 'STATUS', 'ATTEMPTS', 'DURATION', 'RESULT / ERROR'];
    // A loop, not Math.max(...rows): a history can have more operations than a call has room for arguments.
    const widths = header.map((h) => h.length);
    for (const r of rows) for (let c = 0; c < r.length; c++) widths[c] = Math.max(widths[c]!, codePoints(r[c]!));
    const pad = (cells: readonly string[]): string =>
      cells
        .map((cell, c) => (c === cells.length - 1 ? cell : cell + ' '.repeat(Math.max(0, widths[c]! - codePoints(cell)))))
        .join('  ')
        .trimEnd();
    lines.push(pad(header));
    for (const r of rows) lines.push(pad(r));
  }
  if (record.problems.length > 0) {
    lines.push('');
    lines.push(`${record.problems.length} problem${record.problems.length === 1 ? '' : 's'} in the history:`);
    for (const p of record.problems.slice(0, 50)) lines.push(`  - ${safe(clip(p, 200))}`);
    if (record.problems.length > 50) lines.push(`  … and ${record.problems.length - 50} more`);
  }
  return lines.join('\n') + '\n';
}

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

function payloadJson(p: RecordedPayload | undefined): { payload: string | null; truncated: boolean } | null {
  return p ? { payload: p.raw ?? null, truncated: p.truncated } : null;
}

function errorJson(e: RecordedError | undefined): Record<string, unknown> | null {
  return e ? { type: e.type ?? null, message: e.message ?? null, data: e.data ?? null, stackTrace: e.stackTrace ?? null, truncated: e.truncated ?? false } : null;
}

/**
 * The contract's JSON for `history --format json`: `execution` (free form), `operations` with exactly the
 * contract's fields (`source` null until the mapping to code fills it) and the events as ISO-timestamped
 * history events.
 */
export function historyJson(record: ExecutionRecord, sourceOf?: (op: RecordedOperation) => SourceLocation | null): unknown {
  const ex = record.execution;
  return {
    execution: {
      arn: ex.arn ?? null,
      name: ex.name ?? null,
      functionName: ex.functionName ?? null,
      version: ex.version ?? null,
      executionId: ex.executionId ?? null,
      status: ex.status,
      startedAt: ex.startedAt ?? null,
      endedAt: ex.endedAt ?? null,
      durationMs: ex.durationMs ?? null,
      input: payloadJson(ex.input),
      result: payloadJson(ex.result),
      error: errorJson(ex.error),
      invocations: record.invocations.length,
      pendingCallbacks: record.pendingCallbacks.map((c) => ({ operationId: c.operationId, callbackId: c.callbackId, name: c.name ?? null })),
      problems: record.problems,
    },
    operations: record.operations.map((op) => ({
      id: op.id,
      parentId: op.parentId ?? null,
      name: op.name ?? null,
      kind: op.kind,
      status: op.status,
      attempts: op.attempts,
      startedAt: op.startedAt ?? null,
      endedAt: op.endedAt ?? null,
      source: sourceOf ? sourceOf(op) : null,
    })),
    events: record.events,
  };
}

/**
 * JSON text that is safe to print: besides what JSON.stringify escapes, DEL, C1 controls, line/paragraph
 * separators and bidi/invisible format characters are written as \\uXXXX (the parsed data is the same).
 */
export function terminalSafeJson(value: unknown, indent = 2): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(value, null, indent).replace(/[\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\u061c\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const STATUS_CLASS: Readonly<Record<string, string>> = {
  SUCCEEDED: 's-succeeded',
  FAILED: 's-failed',
  TIMED_OUT: 's-failed',
  STOPPED: 's-stopped',
  CANCELLED: 's-stopped',
  STARTED: 's-running',
  PENDING: 's-pending',
};

const MAX_MERMAID_NODES = 2000;

/**
 * The operation tree as a Mermaid flowchart: the execution, then each operation under its parent (contexts
 * with children as subgraphs), siblings in the order they started, a class per status. Labels are escaped
 * with the workflow diagram's escapeLabel, so names from the history show as text.
 */
export function renderHistoryMermaid(record: ExecutionRecord, direction: 'TD' | 'LR' = 'TD'): string {
  const lines: string[] = [`flowchart ${direction}`];
  const label = (s: string): string => `"${escapeLabel(clip(s, 120))}"`;
  const ex = record.execution;
  lines.push(`  exec([${label(`execution: ${ex.status}`)}])`);
  const ids = new Map<RecordedOperation, string>();
  let count = 0;
  const classes = new Map<string, string[]>();
  const edges: string[] = [];
  const nodeText = (op: RecordedOperation): string => {
    const name = op.name === undefined ? '' : ` ${op.name}`;
    const extra = op.attempts > 1 ? `, ${op.attempts} attempts` : '';
    return `${kindLabel(op)}:${name}\n${op.status}${extra}`;
  };
  const emit = (ops: readonly RecordedOperation[], indent: string, depth: number, from: string): void => {
    let prev = from;
    for (const op of ops) {
      if (count >= MAX_MERMAID_NODES) return;
      const id = `op${count++}`;
      ids.set(op, id);
      const cls = STATUS_CLASS[op.status] ?? 's-unknown';
      let list = classes.get(cls);
      if (!list) classes.set(cls, (list = []));
      list.push(id);
      if (op.children.length > 0 && depth < 50) {
        lines.push(`${indent}subgraph ${id}_g[${label(op.name ?? op.kind)}]`);
        lines.push(`${indent}  ${id}[${label(nodeText(op))}]`);
        emit(op.children, indent + '  ', depth + 1, id);
        lines.push(`${indent}end`);
      } else lines.push(`${indent}${id}[${label(nodeText(op))}]`);
      edges.push(`  ${prev} --> ${id}`);
      // Concurrent children (map items, branches) all hang off their context; sequential ones chain.
      const parallelChildren = op.parent && (op.parent.kind === 'map' || op.parent.kind === 'parallel');
      if (!parallelChildren) prev = id;
    }
  };
  emit(record.roots, '  ', 0, 'exec');
  lines.push(...edges);
  if (count >= MAX_MERMAID_NODES) lines.push(`  more[${label(`… ${record.operations.length - count} more operations not drawn`)}]`);
  lines.push('  classDef s-succeeded stroke:#2e7d32,stroke-width:2px');
  lines.push('  classDef s-failed stroke:#c62828,stroke-width:2px');
  lines.push('  classDef s-stopped stroke:#757575,stroke-dasharray:4 2');
  lines.push('  classDef s-running stroke:#1565c0,stroke-width:2px');
  lines.push('  classDef s-pending stroke:#ef6c00,stroke-dasharray:4 2');
  for (const [cls, members] of classes) if (cls !== 's-unknown') lines.push(`  class ${members.join(',')} ${cls}`);
  return lines.join('\n') + '\n';
}
