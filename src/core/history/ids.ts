// Runs anywhere (pure core): the SDK's operation ids (first 16 hex of md5 of the operation's path, "3-1-2"),
// a small md5 without Node's crypto, and recovering each recorded operation's path from its Id and ParentId.
import type { ExecutionRecord, RecordedOperation } from './record';

// md5 per RFC 1321 over the UTF-8 bytes of the text.
const S: readonly number[] = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21];
const K: Int32Array = (() => {
  const k = new Int32Array(64);
  for (let i = 0; i < 64; i++) k[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) | 0;
  return k;
})();

function utf8(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // a lone surrogate encodes as U+FFFD, as TextEncoder does
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

const HEX = '0123456789abcdef';

/** One block, reused for short ASCII text (every operation path): no allocation per hash. */
const ONE_BLOCK = new Int32Array(16);

/** md5 of the UTF-8 text, as 32 lowercase hex characters. */
export function md5Hex(text: string): string {
  let words: Int32Array;
  if (text.length <= 55 && /^[\x00-\x7f]*$/.test(text)) {
    words = ONE_BLOCK;
    words.fill(0);
    const n = text.length;
    for (let i = 0; i < n; i++) words[i >> 2]! |= text.charCodeAt(i) << ((i % 4) * 8);
    words[n >> 2]! |= 0x80 << ((n % 4) * 8);
    words[14] = n * 8;
  } else {
    const bytes = utf8(text);
    const bitLen = bytes.length * 8;
    words = new Int32Array((((bytes.length + 8) >> 6) + 1) * 16);
    for (let i = 0; i < bytes.length; i++) words[i >> 2]! |= bytes[i]! << ((i % 4) * 8);
    words[bytes.length >> 2]! |= 0x80 << ((bytes.length % 4) * 8);
    words[words.length - 2] = bitLen | 0;
    words[words.length - 1] = Math.floor(bitLen / 0x100000000) | 0;
  }
  let a0 = 0x67452301 | 0;
  let b0 = 0xefcdab89 | 0;
  let c0 = 0x98badcfe | 0;
  let d0 = 0x10325476 | 0;
  for (let off = 0; off < words.length; off += 16) {
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      const t = d;
      d = c;
      c = b;
      const x = (a + f + K[i]! + words[off + g]!) | 0;
      b = (b + ((x << S[i]!) | (x >>> (32 - S[i]!)))) | 0;
      a = t;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }
  return wordHex(a0) + wordHex(b0) + wordHex(c0) + wordHex(d0);
}

/** A word's four bytes, least significant first (md5's byte order), as hex. */
function wordHex(w: number): string {
  let hex = '';
  for (let j = 0; j < 4; j++) {
    const byte = (w >>> (j * 8)) & 255;
    hex += HEX[byte >> 4]! + HEX[byte & 15]!;
  }
  return hex;
}

/** The SDK's operation `Id` for a path such as "3-1-2". */
export function operationIdForPath(path: string): string {
  return md5Hex(path).slice(0, 16);
}

export interface RecoveredPaths {
  /** Id -> path ("3-1-2"). */
  readonly paths: Map<string, string>;
  /** Ids whose path was not found within the search bounds (a message each). */
  readonly unresolved: { id: string; message: string }[];
}

/** How far counters are tried past the number of recorded siblings (ids a context took without recording them). */
const SLACK = 64;
/** Cap on hashes per recovery, so a hostile history cannot make the search run away. */
const MAX_HASHES = 100_000;

/**
 * Each operation's path from its Id and ParentId: children of a context are numbered 1..n under the
 * context's path (`P-i`), so counters are tried under the parent's path until the hash matches. Item
 * contexts that a FLAT map or parallel does not record leave their children at `P-i-k`: tried as well.
 * Returns a Map of Id -> path; the ids not found are listed in `unresolved` (see recoverPathsDetailed).
 */
export function recoverPaths(record: Pick<ExecutionRecord, 'roots' | 'operations'>): Map<string, string> {
  return recoverPathsDetailed(record).paths;
}

export function recoverPathsDetailed(record: Pick<ExecutionRecord, 'roots' | 'operations'>): RecoveredPaths {
  const paths = new Map<string, string>();
  const unresolved: { id: string; message: string }[] = [];
  // Finding every recorded id costs about one hash each; the budget bounds only the searching for missing ones.
  let budget = MAX_HASHES + 2 * record.operations.length;
  const resolveGroup = (prefix: string, children: readonly RecordedOperation[], flat: boolean): void => {
    if (children.length === 0) return;
    const want = new Map<string, RecordedOperation>();
    for (const c of children) want.set(c.id, c);
    const limit = children.length + SLACK;
    for (let i = 1; i <= limit && want.size > 0 && budget > 0; i++) {
      const p = prefix ? `${prefix}-${i}` : String(i);
      budget--;
      const id = operationIdForPath(p);
      const hit = want.get(id);
      if (hit) {
        paths.set(id, p);
        want.delete(id);
      }
    }
    if (want.size > 0 && flat) {
      // FLAT nesting (map and parallel only): the unrecorded item context i sits between, so try P-i-k.
      const kLimit = Math.min(want.size, 192) + SLACK;
      for (let i = 1; i <= limit && want.size > 0 && budget > 0; i++) {
        for (let k = 1; k <= kLimit && want.size > 0 && budget > 0; k++) {
          const p = prefix ? `${prefix}-${i}-${k}` : `${i}-${k}`;
          budget--;
          const id = operationIdForPath(p);
          const hit = want.get(id);
          if (hit) {
            paths.set(id, p);
            want.delete(id);
          }
        }
      }
    }
    for (const c of want.values()) {
      unresolved.push({ id: c.id, message: budget <= 0 ? `operation ${c.id}: path search stopped (too many operations to search)` : `operation ${c.id}: no path under ${prefix ? `"${prefix}"` : 'the top level'} gives this id (counters 1..${limit} tried)` });
    }
    for (const c of children) {
      const p = paths.get(c.id);
      if (p !== undefined) resolveGroup(p, c.children, c.kind === 'map' || c.kind === 'parallel');
      else markUnresolved(c.children);
    }
  };
  const markUnresolved = (children: readonly RecordedOperation[]): void => {
    for (const c of children) {
      unresolved.push({ id: c.id, message: `operation ${c.id}: its parent's path is unknown` });
      markUnresolved(c.children);
    }
  };
  // Roots whose ParentId names an operation missing from the history cannot be placed.
  const topLevel = record.roots.filter((r) => r.parentId === undefined);
  const orphans = record.roots.filter((r) => r.parentId !== undefined);
  resolveGroup('', topLevel, false);
  for (const o of orphans) {
    unresolved.push({ id: o.id, message: `operation ${o.id}: its parent ${o.parentId} is not in the history` });
    markUnresolved(o.children);
  }
  return { paths, unresolved };
}
