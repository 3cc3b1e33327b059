// Runs in the CLI: `check --against-history DIR` — reads the history files under DIR and checks each recorded
// execution against the handler it fits among the checked files (core's replay-mismatch), for checkCommand.
import * as fs from 'fs';
import * as path from 'path';
import type * as ts from 'typescript';
import type { Finding, TS } from '../core/analysis/model';
import type { OperationTree } from '../core/analysis/operationTree';
import type { SeveritySetting } from '../core/rules/catalog';
import { handlerTrees, recordedExecutionFromText, replayMismatchFindings, type RecordedExecution } from '../core/history/replayDiagnostics';
import { describeAnalysisError } from '../core/errors';

/** A history file bigger than this is left out (with a note): CI should not stall on a stray dump. */
export const MAX_HISTORY_FILE_BYTES = 50 * 1024 * 1024;
/** At most this many files are read (a folder of many thousands is more likely a mistake than a wish). */
export const MAX_HISTORY_FILES = 5000;

export class AgainstHistoryError extends Error {
  constructor(
    readonly reason: 'not-found' | 'not-a-folder' | 'unreadable',
    message: string,
  ) {
    super(message);
    this.name = 'AgainstHistoryError';
  }
}

export interface AgainstHistoryResult {
  readonly findings: Finding[];
  /** One line each: files left out and why, executions that fit no handler; for stderr, not failures. */
  readonly notes: string[];
  /** Internal failures (exit 2). */
  readonly failures: string[];
  readonly executions: number;
}

/** The `.json` files under `dir`, sorted, depth-limited (hidden folders and node_modules skipped). */
export function historyFiles(dir: string, maxDepth = 4): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new AgainstHistoryError('not-found', `--against-history: no such folder: ${dir}`);
  }
  if (!stat.isDirectory()) {
    // One file is fine too: the folder is the common case, a single history the obvious next one.
    if (/\.json$/i.test(dir)) return [dir];
    throw new AgainstHistoryError('not-a-folder', `--against-history: ${dir} is not a folder of history files`);
  }
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch (e) {
      if (d === dir) throw new AgainstHistoryError('unreadable', `--against-history: cannot read ${dir}: ${(e as Error).message}`);
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (depth < maxDepth && !e.name.startsWith('.') && e.name !== 'node_modules') walk(p, depth + 1);
      } else if (e.isFile() && /\.json$/i.test(e.name)) out.push(p);
    }
  };
  walk(dir, 0);
  return out;
}

/**
 * Reads every history under `dir` and returns the replay-mismatch findings against the handlers of `sourceFiles`.
 * A file that is not a history is a note, never a failure: a history folder often holds other JSON too.
 */
export function checkAgainstHistory(
  tsm: TS,
  program: ts.Program,
  sourceFiles: readonly ts.SourceFile[],
  dir: string,
  severity: SeveritySetting | undefined,
  shown: (file: string) => string,
): AgainstHistoryResult {
  const notes: string[] = [];
  const failures: string[] = [];
  const files = historyFiles(dir);
  if (files.length > MAX_HISTORY_FILES) notes.push(`${files.length - MAX_HISTORY_FILES} history files under ${shown(dir)} are left out (at most ${MAX_HISTORY_FILES} are read)`);
  const executions: RecordedExecution[] = [];
  for (const file of files.slice(0, MAX_HISTORY_FILES)) {
    try {
      const size = fs.statSync(file).size;
      if (size > MAX_HISTORY_FILE_BYTES) {
        notes.push(`${shown(file)} is left out: ${size.toLocaleString('en-US')} bytes, over the ${MAX_HISTORY_FILE_BYTES.toLocaleString('en-US')}-byte limit`);
        continue;
      }
      const text = fs.readFileSync(file, 'utf8');
      const e = recordedExecutionFromText(file, text, String(size), MAX_HISTORY_FILE_BYTES);
      executions.push({ ...e, label: e.label });
    } catch (e) {
      notes.push(`${shown(file)} is not checked: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  let checker: ts.TypeChecker | undefined;
  try {
    checker = program.getTypeChecker();
  } catch {
    checker = undefined;
  }
  const trees: OperationTree[] = [];
  for (const sf of sourceFiles) trees.push(...handlerTrees(tsm, sf, checker));
  if (executions.length > 0 && trees.length === 0) notes.push(`no durable handler in the checked files to check the ${executions.length} recorded execution(s) under ${shown(dir)} against`);
  const findings = replayMismatchFindings(tsm, trees, executions, {
    ...(severity ? { severity } : {}),
    onError: (e) => failures.push(`internal error: ${describeAnalysisError(e, shown)}; replay-mismatch findings may be missing`),
  });
  return { findings, notes, failures, executions: executions.length };
}
