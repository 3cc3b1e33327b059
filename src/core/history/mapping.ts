// Core (pure): maps a recorded execution onto a handler's operation tree — the call site of every recorded
// operation (loop iterations, map items, parallel branches, waitForCallback parts), what no longer matches, and
// where the SDK would refuse to resume (replayMismatches); chooseHandler picks the handler a history belongs to.
import type { OperationContextNode, OperationNode, OperationTree } from '../analysis/operationTree';
import { operationIdForPath, recoverPathsDetailed } from './ids';
import { alignContext } from './mappingAlign';
import { branchName, codeNameFits, replayAccepts } from './mappingShapes';
import type { Drift, DriftKind, HandlerChoice, HistoryMapping, OperationMatch, RecordedShape } from './mappingTypes';
import type { ExecutionRecord, RecordedOperation } from './record';

interface Entry {
  readonly rec: RecordedOperation;
  readonly counter: number;
}

/** A drift with the key that puts it in history order. */
interface Keyed {
  readonly drift: Drift;
  readonly at: number;
}

class Mapper {
  readonly matches = new Map<string, OperationMatch>();
  readonly byNode = new Map<OperationNode, string[]>();
  readonly drifts: Keyed[] = [];
  private readonly paths: Map<string, string>;
  private readonly unresolved: Map<string, string>;

  constructor(private readonly record: ExecutionRecord, readonly tree: OperationTree) {
    const r = recoverPathsDetailed(record);
    this.paths = r.paths;
    this.unresolved = new Map(r.unresolved.map((u) => [u.id, u.message]));
  }

  run(): HistoryMapping {
    const top = this.record.roots.filter((r) => r.parentId === undefined);
    this.group(top, this.tree.root, true);
    for (const o of this.record.roots) if (o.parentId !== undefined) this.unmappedTree(o, `its parent ${quote(o.parentId)} is not in the history`);
    // Nothing is left out: anything the walk above did not reach is reported.
    for (const op of this.record.operations) if (!this.matches.has(op.id)) this.unmappedTree(op, 'not reached from the top of the history');
    this.drifts.sort((a, b) => a.at - b.at);
    let matched = 0;
    for (const m of this.matches.values()) if (m.node && !m.drift) matched++;
    return {
      tree: this.tree,
      matches: this.matches,
      byNode: this.byNode,
      drift: this.drifts.map((d) => d.drift),
      fit: { matched, total: this.record.operations.length },
    };
  }

  /** The last counter of the operation's path (depthFromEnd 1: the one before it, a FLAT item's number). */
  private counterOf(rec: RecordedOperation, depthFromEnd = 0): number | undefined {
    const p = this.paths.get(rec.id);
    if (p === undefined) return undefined;
    let end = p.length;
    let dash = p.lastIndexOf('-');
    for (let k = 0; k < depthFromEnd; k++) {
      if (dash < 0) return undefined;
      end = dash;
      dash = p.lastIndexOf('-', end - 1);
    }
    const v = Number(p.slice(dash + 1, end));
    return Number.isInteger(v) && v > 0 ? v : undefined;
  }

  private depth(rec: RecordedOperation): number {
    const p = this.paths.get(rec.id);
    if (p === undefined) return -1;
    let d = 1;
    for (let i = p.indexOf('-'); i >= 0; i = p.indexOf('-', i + 1)) d++;
    return d;
  }

  /** The recorded operations of one context instance onto the tree context (undefined: the code has none). */
  private group(recs: readonly RecordedOperation[], ctx: OperationContextNode | undefined, replayed: boolean, counters?: ReadonlyMap<RecordedOperation, number>): void {
    const entries: Entry[] = [];
    for (const rec of recs) {
      const counter = counters ? counters.get(rec) : this.counterOf(rec);
      if (counter === undefined) this.unmappedTree(rec, this.unresolved.get(rec.id) ?? 'its path is unknown');
      else entries.push({ rec, counter });
    }
    if (entries.length === 0) return;
    if (!ctx) {
      for (const e of entries) this.unmappedTree(e.rec, 'the code has no context here that the analysis can follow');
      return;
    }
    entries.sort((a, b) => a.counter - b.counter);
    const { aligned, inserted } = alignContext(entries, ctx);
    for (const a of aligned) {
      const breaks = replayed && a.atId !== undefined && !replayAccepts(a.rec, a.atId);
      let kind: DriftKind | undefined;
      switch (a.how) {
        case 'match':
          if (breaks || (a.newCounter !== undefined && a.newCounter !== a.counter)) kind = 'reordered';
          break;
        case 'dropped':
          kind = 'removed';
          break;
        default:
          kind = a.how;
      }
      const drift = kind ? this.driftFor(kind, a.rec, a.node, a.atId, breaks, a.counter, a.newCounter, a.how === 'dropped' ? 'dropped' : undefined) : undefined;
      this.put({
        operationId: a.rec.id,
        path: this.paths.get(a.rec.id),
        node: a.node,
        role: 'operation',
        ...(a.iteration !== undefined ? { iteration: a.iteration } : {}),
        ...(drift ? { drift } : {}),
      });
      if (a.rec.children.length > 0) {
        const fits = a.node && (a.how === 'match' || a.how === 'renamed' || a.how === 'reordered');
        if (fits) this.inside(a.rec, a.node!, replayed && !completed(a.rec));
        else for (const c of a.rec.children) this.unmappedTree(c, a.node ? `its parent (${describe(a.rec.kind, a.rec.name)}) is now ${describe(a.node.kind, nameOf(a.node))} in the code` : `its parent (${describe(a.rec.kind, a.rec.name)}) is no longer in the code`);
      }
    }
    for (const ins of inserted) {
      const takes = ins.takes;
      const breaks = replayed && takes !== undefined && !replayAccepts(takes, ins.node);
      const where = takes ? this.paths.get(takes.id) : undefined;
      const message = ins.loopTrips !== undefined
        ? `The loop around ${describe(ins.node.kind, nameOf(ins.node))} now runs ${ins.loopTrips} times: an extra run of it takes operation ${where ?? ins.counter}${takes ? `, where the recording has ${describe(takes.kind, takes.name)}` : ''}${breaks ? '; resuming this execution fails there' : ''}`
        : takes
        ? `The code now has ${describe(ins.node.kind, nameOf(ins.node))} as operation ${where ?? ins.counter}, where the recording has ${describe(takes.kind, takes.name)}: later operations in its context move up one number${breaks ? '; resuming this execution fails there' : ''}`
        : `The code now has ${describe(ins.node.kind, nameOf(ins.node))} before recorded operations of its context: later numbers shift`;
      const d: Drift = {
        kind: 'inserted',
        ...(takes ? { operationId: takes.id, recorded: shape(takes) } : {}),
        ...(where ? { path: where } : {}),
        node: ins.node,
        ...(breaks ? { replayNode: ins.node } : {}),
        breaksReplay: breaks,
        message,
      };
      // Before the operation whose number it takes: the cause first.
      this.drifts.push({ drift: d, at: (takes?.eventIndices[0] ?? Number.MAX_SAFE_INTEGER) - 0.5 });
    }
  }

  /** The children of a recorded context whose call site is `node`. */
  private inside(rec: RecordedOperation, node: OperationNode, replayed: boolean): void {
    const children = rec.children;
    switch (node.kind) {
      case 'runInChildContext':
        return this.group(children, node.children[0], replayed);
      case 'map':
      case 'parallel': {
        const myDepth = this.depth(rec);
        const flat = new Map<number, { recs: RecordedOperation[]; counters: Map<RecordedOperation, number> }>();
        for (const c of children) {
          const d = this.depth(c);
          const counter = this.counterOf(c);
          if (d === myDepth + 1 && counter !== undefined && (c.kind === 'map.item' || c.kind === 'parallel.branch')) {
            const index = counter - 1;
            const role = node.kind === 'map' ? 'item' : 'branch';
            let ctx: OperationContextNode | undefined;
            let drift: Drift | undefined;
            if (node.kind === 'map') ctx = node.children[0];
            else {
              // The branch now at this index is the one the SDK compares (by name) on replay; the recorded
              // branch itself may have moved (found by its name).
              const atIndex = node.children.find((x) => x.index === index);
              const named = node.children.find((x) => branchName(x).kind === 'fixed' && codeNameFits(c.name, branchName(x)));
              ctx = atIndex && codeNameFits(c.name, branchName(atIndex)) ? atIndex : (named ?? atIndex);
              const breaks = replayed && atIndex !== undefined && !codeNameFits(c.name, branchName(atIndex));
              const now = (x: OperationContextNode): string => { const b = branchName(x); return b.kind === 'fixed' ? quote(b.value) : 'a computed name'; };
              const fails = breaks && atIndex ? `: resuming this execution fails there, the SDK finds the branch named ${now(atIndex)} as operation ${this.paths.get(c.id) ?? counter}` : '';
              const was = `Branch ${index + 1} of ${describe(node.kind, nameOf(node))} (recorded as ${quote(c.name)})`;
              let kind: DriftKind | undefined;
              let message = '';
              if (!ctx) [kind, message] = ['removed', `${was} is no longer in the code`];
              else if (ctx !== atIndex) [kind, message] = ['reordered', `${was} is now branch ${(ctx.index ?? 0) + 1}${fails}`];
              else if (breaks) [kind, message] = ['renamed', `${was} is now named ${now(ctx)}${fails}`];
              if (kind) {
                const path = this.paths.get(c.id);
                drift = { kind, operationId: c.id, ...(path ? { path } : {}), recorded: shape(c), node, ...(breaks ? { replayNode: node } : {}), breaksReplay: breaks, message };
              }
            }
            this.put({ operationId: c.id, path: this.paths.get(c.id), node, role, index, ...(drift ? { drift } : {}) });
            if (ctx) this.group(c.children, ctx, replayed && !completed(c));
            else for (const g of c.children) this.unmappedTree(g, `its ${role} is no longer in the code`);
          } else if (d === myDepth + 2) {
            // FLAT nesting: the item context is not recorded; the path says which item (P-i-k).
            const item = this.counterOf(c, 1);
            const k = this.counterOf(c);
            if (item === undefined || k === undefined) {
              this.unmappedTree(c, 'its item is unknown');
              continue;
            }
            let g = flat.get(item);
            if (!g) flat.set(item, (g = { recs: [], counters: new Map() }));
            g.recs.push(c);
            g.counters.set(c, k);
          } else this.unmappedTree(c, `${describe(c.kind, c.name)} is not an item or branch of ${describe(node.kind, nameOf(node))}`);
        }
        for (const [item, g] of flat) {
          const ctx = node.kind === 'map' ? node.children[0] : node.children.find((x) => x.index === item - 1);
          this.group(g.recs, ctx, replayed, g.counters);
        }
        return;
      }
      case 'waitForCallback':
        for (const c of children) {
          const role = c.kind === 'waitForCallback.callback' ? 'callback' : c.kind === 'waitForCallback.submitter' ? 'submitter' : undefined;
          if (role) this.put({ operationId: c.id, path: this.paths.get(c.id), node, role });
          else this.unmappedTree(c, `${describe(c.kind, c.name)} is not a part of ${describe(node.kind, nameOf(node))}`);
        }
        return;
      default:
        for (const c of children) this.unmappedTree(c, `${describe(node.kind, nameOf(node))} does not start operations of its own`);
    }
  }

  private put(m: OperationMatch): void {
    this.matches.set(m.operationId, m);
    if (m.node) {
      const list = this.byNode.get(m.node);
      if (list) list.push(m.operationId);
      else this.byNode.set(m.node, [m.operationId]);
    }
    if (m.drift) this.drifts.push({ drift: m.drift, at: this.record.byId.get(m.operationId)?.eventIndices[0] ?? Number.MAX_SAFE_INTEGER });
  }

  private unmappedTree(rec: RecordedOperation, why: string): void {
    if (this.matches.has(rec.id)) return;
    const path = this.paths.get(rec.id);
    const drift: Drift = {
      kind: 'unmapped',
      operationId: rec.id,
      ...(path ? { path } : {}),
      recorded: shape(rec),
      breaksReplay: false,
      message: `${cap(describe(rec.kind, rec.name))}${path ? ` (operation ${path})` : ''} is not matched to the code: ${asData(why)}`,
    };
    this.put({ operationId: rec.id, path, node: undefined, drift });
    for (const c of rec.children) this.unmappedTree(c, `its parent ${describe(rec.kind, rec.name)} is not matched to the code`);
  }

  private driftFor(kind: DriftKind, rec: RecordedOperation, node: OperationNode | undefined, atId: OperationNode | undefined, breaks: boolean, counter: number, newCounter: number | undefined, text?: string): Drift {
    const path = this.paths.get(rec.id);
    const was = describe(rec.kind, rec.name);
    const at = `(operation ${path ?? String(counter)})`;
    const fails = breaks && atId ? `: resuming this execution fails there, the SDK finds ${describe(atId.kind, nameOf(atId))} as operation ${path ?? String(counter)}` : '';
    let message: string;
    switch (kind) {
      case 'renamed':
        message = `${cap(was)} ${at} ${node && nameOf(node) === undefined ? 'has no name' : `is now named ${node ? quote(nameOf(node)) : 'otherwise'}`} in the code${fails}`;
        break;
      case 'kind-changed':
        message = `${cap(was)} ${at} is now ${node ? describe(node.kind, nameOf(node)) : 'another operation'} in the code${fails}`;
        break;
      case 'removed':
        if (text === 'dropped') {
          message = `${cap(was)} ${at} is a run of a loop that the code now stops before${fails}`;
          break;
        }
        message = text ?? `${cap(was)} ${at} is no longer in the code${fails || (atId ? '' : ' (nothing runs at its number now, so resuming does not notice)')}`;
        break;
      case 'reordered':
        message =
          newCounter !== undefined && newCounter !== counter
            ? `${cap(was)} ${at} now takes number ${newCounter} in its context (operations before it were added or removed)${fails}`
            : newCounter === undefined
              ? `${cap(was)} ${at} is at another place in its context in the code${fails}`
              : `${cap(was)} ${at} no longer matches what the code records${fails}`;
        break;
      default:
        message = text ?? `${cap(was)} ${at} does not match the code`;
    }
    return {
      kind,
      operationId: rec.id,
      ...(path ? { path } : {}),
      recorded: shape(rec),
      ...(node ? { node } : {}),
      ...(breaks && atId ? { replayNode: atId } : {}),
      breaksReplay: breaks,
      message,
    };
  }
}

function completed(rec: RecordedOperation): boolean {
  return rec.status === 'SUCCEEDED' || rec.status === 'FAILED';
}

function shape(rec: RecordedOperation): RecordedShape {
  return { kind: rec.kind, type: rec.type, subType: rec.subType, name: rec.name };
}

function nameOf(node: OperationNode): string | undefined {
  return node.nameValue ?? node.name ?? undefined;
}

/**
 * A name as data: cut to 60 characters, then JSON-quoted. Besides the control characters JSON escapes, DEL, C1,
 * bidirectional and invisible format characters are written as \uXXXX, so a name cannot reorder or hide text.
 */
export function quote(name: string | undefined): string {
  if (name === undefined) return 'no name';
  const cut = [...name].length > 60 ? [...name].slice(0, 59).join('') + '…' : name;
  return JSON.stringify(cut).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text that carries ids from the history (the path recovery's messages): control and invisible characters escaped. */
function asData(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

function describe(kind: string, name: string | undefined | null): string {
  return name === undefined || name === null ? `unnamed ${kind}` : `${kind} ${quote(name)}`;
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Every recorded operation onto the call site that produced it. Pure, never throws; linear in history and tree. */
export function mapHistory(record: ExecutionRecord, tree: OperationTree): HistoryMapping {
  try {
    return new Mapper(record, tree).run();
  } catch (e) {
    // A bug here must not take the stepper or the rule down: every operation reported unmapped instead.
    const matches = new Map<string, OperationMatch>();
    const drift: Drift[] = [];
    for (const op of record.operations) {
      const d: Drift = { kind: 'unmapped', operationId: op.id, recorded: shape(op), breaksReplay: false, message: `not matched to the code: the mapping failed (${e instanceof Error ? e.message : String(e)})` };
      matches.set(op.id, { operationId: op.id, path: undefined, node: undefined, drift: d });
      drift.push(d);
    }
    return { tree, matches, byNode: new Map(), drift, fit: { matched: 0, total: record.operations.length } };
  }
}

const PRECEDENCE: Readonly<Record<DriftKind, number>> = { 'kind-changed': 0, renamed: 1, inserted: 2, removed: 3, reordered: 4, unmapped: 5 };

/**
 * Where resuming this execution with the current code raises NonDeterministicExecutionError: one drift per
 * recorded id, in history order (the SDK stops at the first it replays), `node` the call to underline: the
 * code operation now at that id.
 */
export function replayMismatches(mapping: HistoryMapping): Drift[] {
  const byId = new Map<string, Drift>();
  const order: string[] = [];
  for (const d of mapping.drift) {
    if (!d.breaksReplay) continue;
    const key = d.operationId ?? `@${order.length}`;
    const prev = byId.get(key);
    const underlined: Drift = { ...d, ...(d.replayNode ?? d.node ? { node: d.replayNode ?? d.node } : {}) };
    if (!prev) {
      byId.set(key, underlined);
      order.push(key);
    } else if (PRECEDENCE[d.kind] < PRECEDENCE[prev.kind]) byId.set(key, underlined);
  }
  return order.map((k) => byId.get(k)!);
}

/**
 * How well a mapping fits: operations matched (a call whose number moved still counts: it is the same call),
 * less half a point per code operation the recording lacks.
 */
function score(m: HistoryMapping, record: ExecutionRecord): number {
  const total = Math.max(1, m.fit.total);
  let matched = m.fit.matched;
  let inserted = 0;
  for (const d of m.drift) {
    if (d.kind === 'inserted') inserted++;
    else if (d.kind === 'reordered' && d.node) matched++;
  }
  return (matched - 0.5 * inserted - neverRecorded(m, record)) / total;
}

/**
 * Top-level operations of the code that a succeeded execution never recorded: a history that is only a prefix of
 * this handler's run belongs elsewhere. Half a point for one whose number does not depend on run-time choices (it
 * must have run), a quarter for one in a loop or branch (it may have been skipped). A running, failed or stopped
 * execution may end before them, so only a succeeded one counts them.
 */
function neverRecorded(m: HistoryMapping, record: ExecutionRecord): number {
  if (record.execution.status !== 'SUCCEEDED') return 0;
  let missing = 0;
  for (const op of m.tree.root.operations) {
    if (op.unreached || op.order === undefined || m.byNode.has(op)) continue;
    missing += op.sdkNumber !== undefined && !record.byId.has(operationIdForPath(String(op.sdkNumber))) ? 0.5 : 0.25;
  }
  return missing;
}

/** Scores closer than this are a tie: the history alone cannot tell the handlers apart. */
const TIE = 0.05;
/** Below this, the history does not belong to the handler. */
const MIN_FIT = 0.5;

/** The handler whose tree the history fits (best fit; near-ties are ambiguous; nothing fitting is none). */
export function chooseHandler(record: ExecutionRecord, candidates: readonly (HistoryMapping | OperationTree)[]): HandlerChoice {
  const mappings = candidates.map((c) => ('matches' in c ? c : mapHistory(record, c)));
  if (mappings.length === 0) return { kind: 'none' };
  const scored = mappings.map((m) => ({ m, s: score(m, record) })).sort((a, b) => b.s - a.s);
  const best = scored[0]!;
  if (best.s < MIN_FIT && record.operations.length > 0) return { kind: 'none', best: best.m };
  const close = scored.filter((x) => best.s - x.s < TIE);
  if (close.length > 1) return { kind: 'ambiguous', candidates: close.map((x) => x.m) };
  return { kind: 'fits', mapping: best.m };
}
