// Core (pure): lining up the recorded operations of ONE context instance with the code's operations of the
// matching tree context (greedy, bounded lookahead, O(recorded + code)), rebuilding the run the current code makes.
import type { OperationContextNode, OperationNode, StructureNode } from '../analysis/operationTree';
import type { RecordedOperation } from './record';
import { kindCost, nameFits } from './mappingShapes';

/** `dropped`: a run of a loop that the current code no longer makes (its trip count changed). */
export type AlignHow = 'match' | 'renamed' | 'kind-changed' | 'removed' | 'reordered' | 'dropped';

export interface Aligned {
  readonly rec: RecordedOperation;
  /** The counter the recording gave it within this context instance (1-based). */
  readonly counter: number;
  readonly how: AlignHow;
  readonly node: OperationNode | undefined;
  readonly iteration?: number;
  /** The call that takes this recorded operation's number when the current code replays this context. */
  readonly atId: OperationNode | undefined;
  /** The number the current code gives `node` in this run (undefined when not run in sequence). */
  readonly newCounter?: number;
}

export interface AlignResult {
  readonly aligned: Aligned[];
  /** Code operations the code runs here that the recording does not have (before recorded ones), with the number they take. */
  readonly inserted: { node: OperationNode; counter: number; takes: RecordedOperation | undefined; loopTrips?: number }[];
}

interface Slot {
  readonly node: OperationNode;
  /** On a path the run may not take (branch, loop, catch, try after a throw): skipping it is free. */
  readonly optional: boolean;
  /** Enclosing loops, innermost first. */
  readonly loops: readonly StructureNode[];
  /** Inside a branch, catch or try (not counting loops). */
  readonly branchy: boolean;
}

/** A loop whose trip count the code fixes (`for (let i = 0; i < 3; i++)`, `for (const x of [a, b])`), not nested. */
interface StaticLoop {
  readonly trips: number;
  /** Its first call (runs once per trip) and the calls that run on every trip, in order. */
  readonly first: number;
  readonly body: readonly number[];
}

interface Slots {
  slots: Slot[];
  loopStart: Map<StructureNode, number>;
  byKey: Map<string, number[]>;
  staticLoops: Map<StructureNode, StaticLoop>;
}

const slotCache = new WeakMap<OperationContextNode, Slots>();

function slotsOf(ctx: OperationContextNode): Slots {
  let s = slotCache.get(ctx);
  if (s) return s;
  const ops = ctx.operations.filter((o) => o.order !== undefined && !o.unreached).sort((a, b) => a.order! - b.order!);
  const slots: Slot[] = [];
  const loopStart = new Map<StructureNode, number>();
  const byKey = new Map<string, number[]>();
  ops.forEach((node, i) => {
    let optional = false;
    let branchy = false;
    const loops: StructureNode[] = [];
    for (let p = node.parent; p; p = p.parent) {
      if ('type' in p) continue; // an enclosing operation (a combinator's argument): same path
      if (p.kind !== 'finally') optional = true;
      if (p.kind !== 'finally' && p.kind !== 'loop') branchy = true;
      if (p.kind === 'loop') {
        loops.push(p);
        if (!loopStart.has(p)) loopStart.set(p, i);
      }
    }
    slots.push({ node, optional, loops, branchy });
    const key = `${node.kind}\u0000${node.nameValue ?? node.name ?? ''}`;
    const list = byKey.get(key);
    if (list) list.push(i);
    else byKey.set(key, [i]);
  });
  const staticLoops = new Map<StructureNode, StaticLoop>();
  for (const [loop, first] of loopStart) {
    const members: number[] = [];
    for (let i = first; i < slots.length; i++) if (slots[i]!.loops.includes(loop)) members.push(i);
    if (members.some((i) => slots[i]!.loops.length !== 1)) continue;
    if (slots[first]!.branchy) continue;
    const trips = staticTrips(loop);
    if (trips === undefined) continue;
    staticLoops.set(loop, { trips, first, body: members.filter((i) => !slots[i]!.branchy) });
  }
  s = { slots, loopStart, byKey, staticLoops };
  slotCache.set(ctx, s);
  return s;
}

const IDENT = '[A-Za-z_$][\\w$]*';
const FOR_INIT = new RegExp(`^(?:let|var)\\s+(${IDENT})\\s*=\\s*(\\d+)$`);
const FOR_COND = new RegExp(`^(${IDENT})\\s*(<=|<)\\s*(\\d+)$`);

/**
 * How many times a loop runs when the code alone says so: a counting `for` over number literals or a
 * `for … of` an array literal, with no break, continue or assignment to the counter in its body. Read from
 * the text (core has no `typescript` module to ask); anything else is unknown.
 */
function staticTrips(loop: StructureNode): number | undefined {
  const n = loop.node as unknown as Record<string, { getText?: () => string; elements?: readonly unknown[] } | undefined>;
  const text = (x: { getText?: () => string } | undefined): string | undefined => {
    try {
      return x?.getText?.().replace(/\s+/g, ' ').trim();
    } catch {
      return undefined;
    }
  };
  const body = text(n.statement);
  if (body === undefined || /\b(?:break|continue)\b/.test(body)) return undefined;
  if ('incrementor' in n && 'condition' in n) {
    const init = FOR_INIT.exec(text(n.initializer) ?? '');
    const cond = FOR_COND.exec(text(n.condition) ?? '');
    if (!init || !cond || init[1] !== cond[1]) return undefined;
    const v = init[1]!;
    const inc = text(n.incrementor);
    if (inc !== `${v}++` && inc !== `++${v}` && inc !== `${v} += 1` && inc !== `${v}+=1`) return undefined;
    if (new RegExp(`(?:\\+\\+|--)\\s*${v.replace('$', '\\$')}\\b|\\b${v.replace('$', '\\$')}\\s*(?:\\+\\+|--|[-+*/%]?=(?!=))`).test(body)) return undefined;
    const from = Number(init[2]);
    const to = Number(cond[3]) + (cond[2] === '<=' ? 1 : 0);
    return Math.max(0, to - from);
  }
  if ('awaitModifier' in n && 'expression' in n) {
    const arr = n.expression;
    if (!arr || !Array.isArray(arr.elements)) return undefined;
    if (/\.\.\./.test(text(arr) ?? '...')) return undefined;
    return arr.elements.length;
  }
  return undefined;
}

/** How far ahead the code is searched for the next recorded operation. */
const WINDOW = 24;
const RENAMED_COST = 2.5;
const MAX_SKIP_COST = 4;

const KIND_CHANGED_COST = 2;
/** Pairing a recorded operation that does not fit with a call on a path the run may not have taken: doubtful. */
const OPTIONAL_MISFIT = 1;

/** 0 fits; more: renamed or changed kind (same name) at that call; Infinity: unrelated. */
function cost(r: RecordedOperation, slot: Slot): number {
  const node = slot.node;
  const k = kindCost(r, node);
  const named = nameFits(r.name, node);
  if (k === Infinity) {
    if (!named) return Infinity;
    return KIND_CHANGED_COST + (r.name === undefined ? 0.75 : 0) + (slot.optional ? OPTIONAL_MISFIT : 0);
  }
  if (named) return k;
  return k + RENAMED_COST + (slot.optional ? OPTIONAL_MISFIT : 0);
}

/**
 * Lines up one context instance. `recs` are its recorded operations with their counters, in counter order.
 * Each recorded operation is matched with the next code operation that fits within a window (skipping
 * operations on paths not taken for free, skipping one that always runs at a cost: it was inserted), or
 * with the start of an enclosing loop (the next iteration); else it was renamed, changed kind, removed or
 * moved. The current code's run is rebuilt alongside, so each recorded number knows the call now taking it.
 */
export function alignContext(recs: readonly { rec: RecordedOperation; counter: number }[], ctx: OperationContextNode): AlignResult {
  const { slots, loopStart, byKey, staticLoops } = slotsOf(ctx);
  const n = slots.length;
  const run: (number | -1)[] = []; // slot index per new number (−1: an id taken by something unrecorded)
  const newCounterOf = new Map<number, number>(); // index into `aligned` -> its new number
  const skippedDefinite: number[] = [];
  const claimed = new Set<number>();
  const iterations = new Map<number, number>();
  const aligned: { rec: RecordedOperation; counter: number; how: AlignHow; slot: number }[] = [];
  let p = 0;
  let last = -1;
  let prevCounter = 0;
  // A loop whose trip count the code fixes: the trip the recording is in, and whether the code still makes it.
  let inLoop: StructureNode | undefined;
  let trip = 0;
  const loopInserted: { slot: number; counter: number; trips: number }[] = [];
  const leaveLoop = (): void => {
    const info = inLoop ? staticLoops.get(inLoop) : undefined;
    if (info) for (let t = trip; t < info.trips; t++) for (const b of info.body) loopInserted.push({ slot: b, counter: emit(b), trips: info.trips });
    inLoop = undefined;
    trip = 0;
  };

  /** The recorded operation fits the first call from `s` on, skipping only calls on paths not taken. */
  const fitsWithoutSkipping = (r: RecordedOperation, s: number): boolean => {
    for (let q = s; q < n && q < s + WINDOW; q++) {
      if (cost(r, slots[q]!) === 0) return true;
      if (!slots[q]!.optional) return false;
    }
    return false;
  };
  const emit = (slot: number): number => {
    run.push(slot);
    return run.length;
  };

  for (let i = 0; i < recs.length; i++) {
    const { rec, counter } = recs[i]!;
    const gap = Math.max(0, counter - prevCounter - 1);
    prevCounter = counter;
    // Where the next operation may come from: onwards, or the top of an enclosing loop (the next iteration).
    const starts: number[] = [p];
    if (last >= 0) for (const l of slots[last]!.loops) {
      const s = loopStart.get(l)!;
      if (s <= last && !starts.includes(s)) starts.push(s);
    }
    let best: { q: number; s: number; c: number; skipped: number } | undefined;
    for (const s of starts) {
      let skipCost = 0;
      let free = gap;
      for (let q = s; q < n && q < s + WINDOW; q++) {
        const c = cost(rec, slots[q]!);
        // A call that does not fit (renamed, changed kind) only counts where the recorded one was: not past calls that run.
        if (c !== Infinity && (c === 0 || c < 1 || skipCost === 0)) {
          const total = skipCost + c + (s !== p ? 0.01 : 0);
          if (!best || total < best.c || (total === best.c && q - s < best.skipped)) best = { q, s, c: total, skipped: q - s };
          if (c === 0 && skipCost === 0) break;
        }
        if (!slots[q]!.optional) {
          if (free > 0) free--;
          else skipCost++;
        }
        if (skipCost > MAX_SKIP_COST) break;
      }
    }
    const next = recs[i + 1]?.rec;
    const nextFitsHere = next !== undefined && starts.some((s) => fitsWithoutSkipping(next, s));
    // Not a good fit while the next recorded operation fits right here: this one is gone.
    if (best && best.c >= 1 && nextFitsHere) best = undefined;
    if (best) {
      const loop = slots[best.q]!.loops[0];
      const fixed = loop && staticLoops.has(loop) ? loop : undefined;
      if (inLoop && fixed !== inLoop) leaveLoop();
      if (fixed) {
        if (fixed !== inLoop) {
          inLoop = fixed;
          trip = 1;
        } else if (best.q <= last) trip++;
        if (trip > staticLoops.get(fixed)!.trips) {
          // The code now stops the loop earlier: this run of it is not made any more.
          aligned.push({ rec, counter, how: 'dropped', slot: best.q });
          for (let g = 0; g < gap; g++) run.push(-1);
          last = best.q;
          p = best.q + 1;
          continue;
        }
      }
      // Operations skipped that always run took numbers (the unrecorded ids of a gap first, then inserted ones).
      let free = gap;
      for (let q = best.s; q < best.q; q++) {
        if (slots[q]!.optional) continue;
        emit(q);
        if (free > 0) free--;
        else skippedDefinite.push(q);
      }
      for (; free > 0; free--) run.push(-1);
      const node = slots[best.q]!.node;
      const how: AlignHow = kindCost(rec, node) === Infinity ? 'kind-changed' : nameFits(rec.name, node) ? 'match' : 'renamed';
      newCounterOf.set(aligned.length, emit(best.q));
      aligned.push({ rec, counter, how, slot: best.q });
      claimed.add(best.q);
      last = best.q;
      p = best.q + 1;
      continue;
    }
    for (let g = 0; g < gap; g++) run.push(-1);
    // Moved: the same kind and name elsewhere in the context (not explained by a loop).
    const moved = (byKey.get(`${rec.kind}\u0000${rec.name ?? ''}`) ?? []).find((q) => !claimed.has(q) && nameFits(rec.name, slots[q]!.node));
    if (moved !== undefined) {
      aligned.push({ rec, counter, how: 'reordered', slot: moved });
      claimed.add(moved);
      continue;
    }
    aligned.push({ rec, counter, how: 'removed', slot: -1 });
  }

  // After the last recorded operation the code goes on with the calls that always run: those take the
  // numbers of recorded operations that are gone (a removed last operation breaks only if something follows).
  for (let q = p; q < n && run.length < prevCounter; q++) if (!slots[q]!.optional && !claimed.has(q)) run.push(q);
  const out: Aligned[] = aligned.map((a, i) => {
    const at = run[a.counter - 1];
    const node = a.slot >= 0 ? slots[a.slot]!.node : undefined;
    let iteration: number | undefined;
    if (node && a.how !== 'reordered') {
      const k = iterations.get(a.slot) ?? 0;
      iterations.set(a.slot, k + 1);
      if (node.repeatable || k > 0) iteration = k;
    }
    const nc = newCounterOf.get(i);
    return {
      rec: a.rec,
      counter: a.counter,
      how: a.how,
      node,
      ...(iteration !== undefined ? { iteration } : {}),
      atId: at !== undefined && at >= 0 ? slots[at]!.node : undefined,
      ...(nc !== undefined ? { newCounter: nc } : {}),
    };
  });
  const byCounter = new Map<number, RecordedOperation>();
  for (const r of recs) byCounter.set(r.counter, r.rec);
  const inserted: AlignResult['inserted'] = [];
  for (const l of loopInserted) inserted.push({ node: slots[l.slot]!.node, counter: l.counter, takes: byCounter.get(l.counter), loopTrips: l.trips });
  for (const q of skippedDefinite) {
    if (claimed.has(q)) continue;
    const counter = run.indexOf(q) + 1;
    inserted.push({ node: slots[q]!.node, counter, takes: byCounter.get(counter) });
  }
  return { aligned: out, inserted };
}
