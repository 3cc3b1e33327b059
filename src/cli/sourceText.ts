// Runs in the CLI: reads and parses one source file the way every command does (check and graph agree),
// turning what is not readable source text into one typed problem: not a regular file (a FIFO would block
// the read forever), unreadable, binary, or nested deeper than the parser can take.
import * as fs from 'fs';
import type * as ts from 'typescript';
import type { TS } from '../core/analysis/model';
import { isStackOverflow } from '../core/errors';

export type SourceProblemReason = 'missing' | 'not-a-file' | 'unreadable' | 'binary' | 'too-deep' | 'parse-failed';

export interface SourceProblem {
  readonly reason: SourceProblemReason;
  readonly file: string;
  /** One line, without the file name: "is a FIFO, not a regular file". */
  readonly message: string;
  /** The errno code when a system call failed (ENOENT, EACCES, …). */
  readonly code?: string;
}

/** The file system calls used here, injectable so tests can make a read fail the way chmod 000 does. */
export interface SourceFs {
  statSync(file: string): fs.Stats;
  readFileSync(file: string): Buffer;
}

export const nodeSourceFs: SourceFs = {
  statSync: (f) => fs.statSync(f),
  readFileSync: (f) => fs.readFileSync(f),
};

export type ReadResult = { readonly text: string } | { readonly problem: SourceProblem };

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * The text of a source file, decoded as TypeScript's own `sys.readFile` does (a UTF-8 BOM dropped, UTF-16
 * LE/BE by their BOM), or the problem that keeps it from being source text. Stats before opening: opening
 * a FIFO blocks until a writer comes.
 */
export function readSourceText(file: string, sfs: SourceFs = nodeSourceFs): ReadResult {
  let st: fs.Stats;
  try {
    st = sfs.statSync(file);
  } catch (e) {
    return { problem: errnoProblem(file, e) };
  }
  if (!st.isFile()) {
    const kind = kindOf(st);
    return { problem: { reason: 'not-a-file', file, message: `is ${kind}, not a source file` } };
  }
  let buf: Buffer;
  try {
    buf = sfs.readFileSync(file);
  } catch (e) {
    return { problem: errnoProblem(file, e) };
  }
  const text = decode(buf);
  if (text.includes('\u0000')) return { problem: { reason: 'binary', file, message: 'is a binary file (it contains NUL bytes), not source text' } };
  return { text };
}

function errnoProblem(file: string, e: unknown): SourceProblem {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return { reason: 'missing', file, message: 'does not exist', code };
  if (code === 'EISDIR') return { reason: 'not-a-file', file, message: 'is a directory, not a source file', code };
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : e instanceof Error ? e.message.split('\n')[0] : String(e);
  return { reason: 'unreadable', file, message: `cannot be read (${code ? `${code}: ` : ''}${why})`, ...(code ? { code } : {}) };
}

export function decode(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    // Node has no UTF-16BE decoder: swap each pair of bytes, then read it as UTF-16LE.
    const body = Buffer.from(buf.subarray(2, buf.length - ((buf.length - 2) % 2)));
    body.swap16();
    return body.toString('utf16le');
  }
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  return buf.toString('utf8');
}

/** Parses source text; the parser's own stack overflow on deep nesting becomes a problem, not a crash. */
export function parseSource(tsm: TS, file: string, text: string, languageVersion: ts.ScriptTarget | ts.CreateSourceFileOptions, scriptKind?: ts.ScriptKind): { sourceFile: ts.SourceFile } | { problem: SourceProblem } {
  try {
    return { sourceFile: tsm.createSourceFile(file, text, languageVersion, true, scriptKind) };
  } catch (e) {
    if (isStackOverflow(e)) return { problem: { reason: 'too-deep', file, message: 'nests deeper than the TypeScript parser can take (maximum call stack size exceeded)' } };
    return { problem: { reason: 'parse-failed', file, message: `cannot be parsed (${e instanceof Error ? e.message.split('\n')[0] : String(e)})` } };
  }
}

/**
 * Deepest syntax nesting the CLI analyses. Past it, TypeScript's binder (run for every file when the checker
 * is created) or a recursive walk of the analysis overflows the stack at a depth that depends on the
 * machine, so the outcome would vary from run to run; such a file is reported and left out instead.
 * Hand-written code stays far below (a few dozen levels).
 */
export const MAX_NESTING_DEPTH = 1000;

/** The depth of the deepest node, counted without recursion; stops counting once past `limit`. */
export function nestingDepth(tsm: TS, sf: ts.SourceFile, limit = MAX_NESTING_DEPTH): number {
  let max = 0;
  const stack: [ts.Node, number][] = [[sf, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) {
      max = depth;
      if (max > limit) return max;
    }
    tsm.forEachChild(node, (child) => {
      stack.push([child, depth + 1]);
    });
  }
  return max;
}
