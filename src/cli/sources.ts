// Runs in the CLI: finds the script files under a folder, for `check` (folders given as arguments) and for
// `graph` (invoke targets beside the handler). One walk, one set of rules, one stable order.
import * as fs from 'fs';
import * as path from 'path';

/** Extensions of the files the CLI analyses. Case-sensitive, as TypeScript treats them. */
export const SOURCE_EXTENSIONS: readonly string[] = ['.ts', '.tsx', '.js', '.mjs', '.cjs'];

/**
 * Folders never entered: dependencies and build or coverage output (compiled copies of the sources would
 * report every finding twice). Folders whose name starts with a dot (.git, .vscode-test, …) are skipped too.
 */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['node_modules', 'out', 'dist', 'build', 'coverage']);

export interface SourceWalkOptions {
  /** How many folder levels below `dir` to enter (0: only `dir` itself). Unlimited by default. */
  readonly maxDepth?: number;
}

/** A script file the CLI analyses: one of SOURCE_EXTENSIONS, and not a declaration file (.d.ts, .d.mts, .d.cts). */
export function isSourceFile(file: string): boolean {
  return SOURCE_EXTENSIONS.some((e) => file.endsWith(e)) && !/\.d\.[mc]?ts$/.test(file);
}

/** A folder the walk does not enter. The folder the walk starts from is always entered, whatever its name. */
export function isSkippedFolder(name: string): boolean {
  return name.startsWith('.') || SKIPPED_FOLDERS.has(name);
}

/**
 * Source files under `dir`, depth first, entries of each folder in code-unit order of their names (the same on
 * every machine and file system), so output built from them is deterministic. Symbolic links are not followed,
 * to files or folders: a link cannot loop the walk or report a file twice. Unreadable folders are passed over.
 * Lazy, so a caller with a budget can stop early.
 */
export function* walkSources(dir: string, options: SourceWalkOptions = {}): Generator<string> {
  const maxDepth = options.maxDepth ?? Infinity;
  function* walk(d: string, depth: number): Generator<string> {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      // Dirent describes the entry itself (lstat): a symbolic link is neither a file nor a directory here.
      if (e.isDirectory()) {
        if (depth < maxDepth && !isSkippedFolder(e.name)) yield* walk(path.join(d, e.name), depth + 1);
      } else if (!e.isSymbolicLink() && isSourceFile(e.name)) {
        // Regular files, and also a FIFO, socket or device with a source name: reading it reports it (a
        // CI run must not pass because `handler.ts` turned out not to be a file), and it is never opened.
        yield path.join(d, e.name);
      }
    }
  }
  yield* walk(dir, 0);
}

/** All source files under `dir` (see walkSources). */
export function listSources(dir: string, options: SourceWalkOptions = {}): string[] {
  return [...walkSources(dir, options)];
}
