// Runs inside tsserver: the recorded executions the replay-mismatch rule checks — history files read from the
// configured folders (local runs, the history folder, fetched running executions), parsed once per file
// version, bounded in count and bytes — and their findings turned into diagnostics. Never throws into tsserver.
import type * as ts from 'typescript';
import type { LensConfig, TS } from '../core/analysis/model';
import { effectiveSeverity } from '../core/config/projectConfig';
import { isAbsolutePath, joinPath, recordedExecutionFromText, replayMismatchFindingsForFile, type RecordedExecution } from '../core/history/replayDiagnostics';
import { RULE_CATALOG } from '../core/rules/catalog';

/** The file system as tsserver's host gives it (`ts.sys` / `serverHost`). */
export interface HistoryHost {
  readDirectory(path: string, extensions?: readonly string[], exclude?: readonly string[], include?: readonly string[], depth?: number): string[];
  readFile(path: string): string | undefined;
  getModifiedTime?(path: string): Date | undefined;
  getFileSize?(path: string): number;
  directoryExists(path: string): boolean;
}

export interface HistoryLimits {
  /** Newest files first; the rest are left out (and the log says so once). */
  readonly maxFiles: number;
  readonly maxFileBytes: number;
  readonly maxTotalBytes: number;
  /** Folders are listed again at most this often (a new local run shows within it). */
  readonly recheckMs: number;
}

export const DEFAULT_HISTORY_LIMITS: HistoryLimits = { maxFiles: 200, maxFileBytes: 5 * 1024 * 1024, maxTotalBytes: 64 * 1024 * 1024, recheckMs: 2000 };

interface Parsed {
  readonly version: string;
  readonly execution: RecordedExecution | undefined;
}

/** Parsed files by path, shared by every project of the server; an entry is reused while its version (mtime+size) holds. */
const parsedCache = new Map<string, Parsed>();
const MAX_PARSED = 1000;

/**
 * The recorded executions in a set of folders. Listing is throttled (recheckMs); each file is parsed once per
 * version; a bad file is one line in the log (once per version), never an exception.
 */
export class HistoryStore {
  private folders: readonly string[] = [];
  private checkedAt = -Infinity;
  private list: readonly RecordedExecution[] = [];
  private readonly told = new Set<string>();

  constructor(
    private readonly host: HistoryHost,
    private readonly log: (message: string) => void,
    private readonly limits: HistoryLimits = DEFAULT_HISTORY_LIMITS,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Absolute folder paths; the next call to executions() lists them. */
  setFolders(folders: readonly string[]): void {
    const next = [...new Set(folders.filter((f) => typeof f === 'string' && f !== ''))];
    if (next.join('\n') === this.folders.join('\n')) return;
    this.folders = next;
    this.checkedAt = -Infinity;
  }

  /** The next executions() lists the folders again (the editor said something changed in them). */
  rescan(): void {
    this.checkedAt = -Infinity;
  }

  get folderList(): readonly string[] {
    return this.folders;
  }

  /** The executions now (the same array object while nothing changed). */
  executions(): readonly RecordedExecution[] {
    if (this.folders.length === 0) return (this.list = []);
    const now = this.now();
    if (now - this.checkedAt < this.limits.recheckMs) return this.list;
    this.checkedAt = now;
    try {
      const next = this.scan();
      const same = next.length === this.list.length && next.every((e, i) => e === this.list[i]);
      if (!same) this.list = next;
    } catch (e) {
      this.note(`could not list the history folders: ${e instanceof Error ? e.message : String(e)}`);
    }
    return this.list;
  }

  private note(message: string): void {
    if (this.told.has(message)) return;
    this.told.add(message);
    if (this.told.size > 500) this.told.clear();
    try {
      this.log(`replay-mismatch: ${message}`);
    } catch {
      // The logger failing must not reach tsserver.
    }
  }

  private scan(): RecordedExecution[] {
    const files: { path: string; mtime: number; size: number }[] = [];
    for (const folder of this.folders) {
      let names: string[] = [];
      try {
        if (!this.host.directoryExists(folder)) continue;
        names = this.host.readDirectory(folder, ['.json'], undefined, undefined, 2);
      } catch (e) {
        this.note(`could not list ${folder}: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      for (const p of names) {
        if (p.endsWith('.tmp') || !/\.json$/i.test(p)) continue;
        let mtime = 0;
        let size = 0;
        try {
          mtime = this.host.getModifiedTime?.(p)?.getTime() ?? 0;
          size = this.host.getFileSize?.(p) ?? 0;
        } catch {
          // Gone between listing and stat: the next listing will not show it.
          continue;
        }
        files.push({ path: p, mtime, size });
      }
    }
    files.sort((a, b) => b.mtime - a.mtime || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const out: RecordedExecution[] = [];
    let bytes = 0;
    let skipped = 0;
    for (const f of files) {
      if (out.length >= this.limits.maxFiles || bytes + f.size > this.limits.maxTotalBytes) {
        skipped++;
        continue;
      }
      if (f.size > this.limits.maxFileBytes) {
        this.note(`${f.path} is left out: ${f.size.toLocaleString('en-US')} bytes, over the ${this.limits.maxFileBytes.toLocaleString('en-US')}-byte limit per history`);
        continue;
      }
      const e = this.read(f.path, `${f.mtime}:${f.size}`);
      if (!e) continue;
      bytes += f.size;
      out.push(e);
    }
    if (skipped > 0) this.note(`${skipped} older history files are left out (at most ${this.limits.maxFiles} files and ${this.limits.maxTotalBytes.toLocaleString('en-US')} bytes are checked)`);
    return out;
  }

  private read(file: string, version: string): RecordedExecution | undefined {
    const hit = parsedCache.get(file);
    if (hit && hit.version === version) return hit.execution;
    let execution: RecordedExecution | undefined;
    try {
      const text = this.host.readFile(file);
      if (text === undefined) throw new Error('it could not be read');
      execution = recordedExecutionFromText(file, text, version, this.limits.maxFileBytes);
    } catch (e) {
      this.note(`${file} is not checked: ${e instanceof Error ? e.message : String(e)}`);
      execution = undefined;
    }
    parsedCache.set(file, { version, execution });
    if (parsedCache.size > MAX_PARSED) parsedCache.delete(parsedCache.keys().next().value as string);
    return execution;
  }
}

/**
 * The folders named in a configuration object (configurePlugin's `historyFolders`, or a tsconfig plugin entry's,
 * relative to `baseDir`). Anything else is a problem to log, not an error.
 */
export function historyFoldersOf(raw: unknown, baseDir?: string): { folders: string[]; problems: string[] } {
  const problems: string[] = [];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { folders: [], problems };
  const value = (raw as Record<string, unknown>).historyFolders;
  if (value === undefined) return { folders: [], problems };
  if (!Array.isArray(value)) return { folders: [], problems: ['"historyFolders" must be an array of folder paths'] };
  const folders: string[] = [];
  for (const v of value) {
    if (typeof v !== 'string' || v.trim() === '') {
      problems.push(`"historyFolders": ${JSON.stringify(v)} is not a folder path`);
      continue;
    }
    folders.push(isAbsolutePath(v) || baseDir === undefined ? v : joinPath(baseDir, v));
  }
  return { folders, problems };
}

/** The replay-mismatch diagnostics of one file, ready to append to TypeScript's semantic diagnostics. */
export function replayMismatchDiagnostics(
  tsm: TS,
  store: HistoryStore | undefined,
  program: ts.Program | undefined,
  sf: ts.SourceFile,
  config: LensConfig,
  log: (message: string) => void,
  toDiagnostic: (f: { start: number; end: number; message: string; severity: 'error' | 'warning' | 'info' }) => ts.Diagnostic,
): ts.Diagnostic[] {
  if (!store) return [];
  const severity = effectiveSeverity(config, 'replay-mismatch');
  if (severity === 'off') return [];
  const executions = store.executions();
  if (executions.length === 0) return [];
  const findings = replayMismatchFindingsForFile(tsm, program, sf, executions, {
    severity,
    onError: (e) => log(`replay-mismatch: internal error on ${e.file ?? sf.fileName}: ${e.message}${e.detail ? `\n${e.detail}` : ''}`),
  });
  return findings.map((f) => toDiagnostic({ start: f.start, end: f.end, message: f.message, severity: f.severity }));
}

export const REPLAY_MISMATCH_CODE = RULE_CATALOG['replay-mismatch'].code;
