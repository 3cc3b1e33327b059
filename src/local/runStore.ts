// Runs in the extension host and the CLI: local runs saved under <workspace>/.durable-lens/runs/<id>.json.
// Writes are atomic (temp file + rename) so a crash never leaves half a file.
import * as fs from 'fs';
import * as path from 'path';
import { normalizeEvents, serializeHistory } from '../core/history/events';
import type { LocalHistoryEvent } from './protocol';
import type { SavedRun } from './types';

export const RUNS_DIR = path.join('.durable-lens', 'runs');

export type ListedRun = { readonly ok: true; readonly file: string; readonly run: SavedRun } | { readonly ok: false; readonly file: string; readonly id: string; readonly message: string };

export class RunStoreError extends Error {
  constructor(
    readonly reason: 'not-found' | 'unreadable' | 'write-failed' | 'bad-id',
    message: string
  ) {
    super(message);
  }
}

export function runsDir(workspaceRoot: string): string {
  return path.join(workspaceRoot, RUNS_DIR);
}

/** Ids become file names: only a safe alphabet, so an id from anywhere cannot point outside the folder. */
export function isValidRunId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,128}$/.test(id);
}

export function runFile(workspaceRoot: string, id: string): string {
  if (!isValidRunId(id)) throw new RunStoreError('bad-id', `"${id}" is not a valid run id`);
  return path.join(runsDir(workspaceRoot), `${id}.json`);
}

export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // The temp file is already gone or the folder is unwritable: the original error says which.
    }
    throw new RunStoreError('write-failed', `could not write ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function saveRun(workspaceRoot: string, run: SavedRun): string {
  const file = runFile(workspaceRoot, run.id);
  writeFileAtomic(file, JSON.stringify(run, null, 1) + '\n');
  return file;
}

function checkSaved(value: unknown, id: string): SavedRun {
  const v = value as Partial<SavedRun> | null;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a run object');
  if (v.version !== 1) throw new Error(`unsupported version ${JSON.stringify(v.version)}`);
  if (v.id !== id) throw new Error(`id ${JSON.stringify(v.id)} does not match the file name`);
  if (typeof v.handlerFile !== 'string') throw new Error('handlerFile missing');
  if (typeof v.startedAt !== 'string') throw new Error('startedAt missing');
  if (typeof v.status !== 'string') throw new Error('status missing');
  if (!Array.isArray(v.events)) throw new Error('events missing');
  return v as SavedRun;
}

export function loadRun(workspaceRoot: string, id: string): SavedRun {
  const file = runFile(workspaceRoot, id);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new RunStoreError('not-found', `no saved run ${id}`);
    throw new RunStoreError('unreadable', `could not read ${file}: ${(e as Error).message}`);
  }
  try {
    return checkSaved(JSON.parse(text), id);
  } catch (e) {
    throw new RunStoreError('unreadable', `${file} is not a readable run file: ${(e as Error).message}`);
  }
}

/** Newest first (ids are time-sortable; startedAt breaks ties). Unreadable files are listed, never thrown. */
export function listRuns(workspaceRoot: string): ListedRun[] {
  const dir = runsDir(workspaceRoot);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new RunStoreError('unreadable', `could not list ${dir}: ${(e as Error).message}`);
  }
  const out: ListedRun[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const id = name.slice(0, -'.json'.length);
    const file = path.join(dir, name);
    if (!isValidRunId(id)) continue;
    try {
      out.push({ ok: true, file, run: loadRun(workspaceRoot, id) });
    } catch (e) {
      out.push({ ok: false, file, id, message: (e as Error).message });
    }
  }
  const key = (r: ListedRun) => (r.ok ? r.run.startedAt : '');
  out.sort((a, b) => (key(b) < key(a) ? -1 : key(b) > key(a) ? 1 : (b.ok ? b.run.id : b.id).localeCompare(a.ok ? a.run.id : a.id)));
  return out;
}

export function deleteRun(workspaceRoot: string, id: string): void {
  const file = runFile(workspaceRoot, id);
  try {
    fs.unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new RunStoreError('not-found', `no saved run ${id}`);
    throw new RunStoreError('write-failed', `could not delete ${file}: ${(e as Error).message}`);
  }
}

/** The SDK's fixture format: a plain array of events (the history model's one serializer). */
export function serializeEvents(events: readonly LocalHistoryEvent[]): string {
  return serializeHistory(normalizeEvents(events).events);
}

export function exportHistory(run: Pick<SavedRun, 'events'>, file: string): void {
  writeFileAtomic(file, serializeEvents(run.events));
}
