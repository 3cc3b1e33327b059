// Core (pure): the diagram's graph under construction — nodes with stable ids, edges, dangling exits, and
// structure nodes drawn tentatively and removed again when nothing durable happens inside them.
import type * as ts from 'typescript';
import type { TS } from '../analysis/model';
import { syntaxKinds, type Kinds } from '../analysis/syntaxKinds';
import type { HelperGroup, NodeKind, WorkflowEdge, WorkflowNode } from './graph';
import type { InvokeTargetResolver } from './invokeTargets';
import { summarize } from './summary';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type MNode = Mutable<WorkflowNode>;
export type EdgeKind = NonNullable<WorkflowEdge['kind']>;

/** A dangling edge waiting for the next node: where it comes from and its label. */
export interface Exit {
  readonly from: string;
  readonly label: string | null;
  readonly kind?: EdgeKind;
}

/** Id namespace: ids are `path/kind:name#ordinal` so an edit elsewhere does not renumber a node. */
export interface Scope {
  readonly path: string;
  readonly parent: string | null;
  readonly counters: Map<string, number>;
}

export interface JumpFrame {
  readonly kind: 'loop' | 'switch';
  readonly label: string | undefined;
  readonly target: string;
  readonly breaks: Exit[];
  readonly continues: Exit[];
  /** Jumps that target this frame (they count as effects, but not against the frame's own node). */
  jumps: number;
}

export interface Tentative {
  readonly id: string;
  readonly scope: Scope;
  readonly key: string;
  readonly nodes: number;
  readonly edges: number;
  readonly afterConnect: number;
  readonly effects: number;
  readonly log: number;
}

/** One function body being walked: the handler, a helper expansion, or an SDK callback. */
export interface FnCtx {
  readonly sf: ts.SourceFile;
  readonly isHandler: boolean;
  readonly body: ts.Node | undefined;
  /** Exits of `return` statements (not the handler: those go to the end). */
  readonly returns: Exit[];
  readonly jumps: JumpFrame[];
  /** Innermost catch target (inherited: an error in a callback or helper reaches the caller's catch). */
  readonly catchTarget: string | undefined;
  /** createCallback promise variables → the createCallback node id (inherited by closures). */
  readonly callbacks: Map<string, string>;
  /** Functions being expanded (recursion guard), outermost first. */
  readonly stack: readonly ts.Node[];
  /** Inside a checkpointed callback (step/waitForCallback submitter/waitForCondition check). */
  readonly checkpointed: boolean;
  /** Inside a try (or catch) that has a finally: returns and uncaught throws run the finally first. */
  readonly finallyJumps?: { readonly returns: Exit[]; readonly throws: Exit[] };
  /**
   * Where an operation's failure goes when no catch is nearer: the innermost finally's incoming error paths
   * (inherited by callbacks and helpers, like catchTarget).
   */
  readonly finallyErrors?: Exit[];
}

export const END = 'end';
export const START = 'start';
/** The failure end: an `end` node named `fails`, where uncaught errors leave the handler. */
export const FAIL = 'fail';
export const FAIL_NAME = 'fails';

/** The graph being built, and what every walker of the handler shares (the checker, the invoke resolver). */
export abstract class FlowGraph {
  protected readonly nodes: MNode[] = [];
  protected readonly edges: Mutable<WorkflowEdge>[] = [];
  protected readonly ids = new Set<string>();
  protected readonly visited = new Set<ts.CallExpression>();
  /** Bumped whenever something observable is recorded outside nodes/edges (jumps, returns). */
  protected effects = 0;
  protected readonly counterLog: Array<[Map<string, number>, string]> = [];
  /** The file of the code being walked (a helper may be in another file than the handler). */
  protected currentFile: ts.SourceFile | undefined;
  /** The helper expansion being walked (its nodes are grouped under the helper's name), if any. */
  protected helperGroup: string | undefined;
  protected readonly helperGroups: Mutable<HelperGroup>[] = [];
  /** Syntax kinds as numbers: the walks dispatch on `n.kind` (see syntaxKinds). */
  protected readonly K: Kinds;

  constructor(
    protected readonly ts: TS,
    protected readonly lazyChecker: () => ts.TypeChecker | undefined,
    protected readonly typeAware: boolean,
    protected readonly resolver: InvokeTargetResolver | undefined,
    protected readonly maxDepth: number
  ) {
    this.K = syntaxKinds(ts);
  }

  /** The checker for type questions (contexts by type, invoke overloads), when type-aware. */
  protected get checker(): ts.TypeChecker | undefined {
    return this.typeAware ? this.lazyChecker() : undefined;
  }

  /** After an interrupted walk: no edge or parent may point at a node that is not in the graph. */
  protected sanitize(): void {
    const present = new Set(this.nodes.map((n) => n.id));
    if (present.size === this.ids.size && this.edges.every((e) => present.has(e.from) && present.has(e.to))) return;
    for (const n of this.nodes) if (n.parent !== null && !present.has(n.parent)) n.parent = null;
    const kept = this.edges.filter((e) => present.has(e.from) && present.has(e.to));
    this.edges.length = 0;
    this.edges.push(...kept);
  }

  protected pos(sf: ts.SourceFile, n: ts.Node): { line: number; column: number } {
    const lc = sf.getLineAndCharacterOfPosition(n.getStart(sf));
    return { line: lc.line + 1, column: lc.character + 1 };
  }

  protected range(sf: ts.SourceFile, n: ts.Node): { column: number; start: number; end: number } {
    const start = n.getStart(sf);
    return { column: sf.getLineAndCharacterOfPosition(start).character + 1, start, end: n.end };
  }

  /** Adds a node under `scope`; `key` names its slot (kind plus name for operations, a keyword for structure). */
  protected add(scope: Scope, kind: NodeKind, name: string | null, at: ts.Node, ctx: FnCtx, key: string, detail?: string, extra?: Partial<MNode>): string {
    const n = this.bump(scope, key);
    let id = (scope.path ? scope.path + '/' : '') + key + (n > 0 ? '#' + n : '');
    if (this.ids.has(id)) {
      // Only when a name itself contains the separators; keep ids unique.
      let k = 2;
      while (this.ids.has(id + '~' + k)) k++;
      id = id + '~' + k;
    }
    this.ids.add(id);
    const sf = ctx.sf;
    const start = at.getStart(sf);
    const lc = sf.getLineAndCharacterOfPosition(start);
    const node: MNode = { id, kind, name, line: lc.line + 1, parent: scope.parent, file: sf.fileName, column: lc.character + 1, start, end: at.end };
    if (detail) node.detail = detail;
    if (extra) Object.assign(node, extra);
    if (this.helperGroup !== undefined) node.helper = this.helperGroup;
    this.nodes.push(node);
    return id;
  }

  protected edge(from: string, to: string, label: string | null, kind: EdgeKind | undefined): void {
    const e: Mutable<WorkflowEdge> = { from, to, label };
    if (kind && kind !== 'normal') e.kind = kind;
    this.edges.push(e);
  }

  /** Joins every dangling exit to `to`; exits from the same node merge their labels into one edge. */
  protected connect(exits: readonly Exit[], to: string): Exit[] {
    if (exits.length === 1) {
      const x = exits[0]!;
      this.edge(x.from, to, x.label, x.kind);
    } else if (exits.length > 1) {
      const merged = new Map<string, { from: string; labels: string[]; unlabelled: boolean; kind: EdgeKind | undefined }>();
      for (const x of exits) {
        const k = x.from + '\u0000' + (x.kind ?? 'normal');
        let m = merged.get(k);
        if (!m) {
          m = { from: x.from, labels: [], unlabelled: false, kind: x.kind };
          merged.set(k, m);
        }
        if (x.label === null) m.unlabelled = true;
        else if (!m.labels.includes(x.label)) m.labels.push(x.label);
      }
      for (const m of merged.values()) this.edge(m.from, to, m.labels.length && !m.unlabelled ? m.labels.join(', ') : m.labels.length ? m.labels.join(', ') : null, m.kind);
    }
    return [{ from: to, label: null }];
  }

  /** Takes the next ordinal for `key` in the scope, logged so a rollback can give it back. */
  protected bump(scope: Scope, key: string): number {
    const n = scope.counters.get(key) ?? 0;
    scope.counters.set(key, n + 1);
    this.counterLog.push([scope.counters, key]);
    return n;
  }

  protected unbumpTo(length: number): void {
    while (this.counterLog.length > length) {
      const [m, k] = this.counterLog.pop()!;
      m.set(k, (m.get(k) ?? 1) - 1);
    }
  }

  protected child(scope: Scope, segment: string, parent: string | null): Scope {
    return { path: (scope.path ? scope.path + '/' : '') + segment, parent, counters: new Map() };
  }

  /** A scope keyed under a node, whose nodes have that node as parent. */
  protected under(id: string, parent: string | null = id): Scope {
    return { path: id, parent, counters: new Map() };
  }

  /**
   * The scope inside a decision, loop or catch: same id namespace (so an operation's id does not depend on
   * the structure around it, and wrapping it in an `if` keeps its id), new parent.
   */
  protected sub(scope: Scope, id: string): Scope {
    return { path: scope.path, parent: id, counters: scope.counters };
  }

  /**
   * Starts a structure node (decision, loop) tentatively: if nothing durable happens inside it (an `if`
   * around plain code), `settle` removes it again so the diagram only shows structure that matters.
   */
  protected tentative(scope: Scope, kind: NodeKind, name: string, at: ts.Node, ctx: FnCtx, key: string, fr: readonly Exit[]): Tentative {
    const nodes = this.nodes.length;
    const edges = this.edges.length;
    const effects = this.effects;
    const log = this.counterLog.length;
    const id = this.add(scope, kind, name, at, ctx, key);
    this.connect(fr, id);
    return { id, scope, key, nodes, edges, afterConnect: this.edges.length, effects, log };
  }

  /**
   * true (and the node removed, with any structure nested in it) when no operation was found under the
   * tentative node and nothing left it (return, throw, a jump to an outer loop).
   */
  protected settle(tn: Tentative, ownJumps = 0): boolean {
    if (this.effects - ownJumps !== tn.effects) return false;
    for (let i = tn.nodes + 1; i < this.nodes.length; i++) if (!STRUCTURE_KINDS.has(this.nodes[i]!.kind)) return false;
    for (let i = tn.nodes; i < this.nodes.length; i++) this.ids.delete(this.nodes[i]!.id);
    this.nodes.length = tn.nodes;
    this.edges.length = tn.edges;
    this.effects = tn.effects;
    this.unbumpTo(tn.log);
    return true;
  }

  /** Back edges to a loop head, so the loop reads as a cycle. */
  protected connectBack(exits: readonly Exit[], to: string): void {
    const seen = new Set<string>();
    for (const x of exits) {
      if (x.from === to) continue; // a path through the body with nothing on it
      const k = x.from + '\u0000' + (x.label ?? '') + '\u0000' + (x.kind ?? '');
      if (seen.has(k)) continue;
      seen.add(k);
      this.edge(x.from, to, x.label, x.kind);
    }
  }
}

/** A copy of `m`; an empty map without going through the iterator protocol (the common case, per callback). */
export function copyMap<K, V>(m: ReadonlyMap<K, V>): Map<K, V> {
  return m.size === 0 ? new Map() : new Map(m);
}

/**
 * `{ ...ctx, ...changes }` as one literal of a fixed shape: spreads of the differently shaped contexts went
 * through V8's slow generic object clone, once per callback, try and helper.
 */
export function ctxWith(ctx: FnCtx, c: Partial<FnCtx>): FnCtx {
  return {
    sf: 'sf' in c ? c.sf! : ctx.sf,
    isHandler: 'isHandler' in c ? c.isHandler! : ctx.isHandler,
    body: 'body' in c ? c.body : ctx.body,
    returns: 'returns' in c ? c.returns! : ctx.returns,
    jumps: 'jumps' in c ? c.jumps! : ctx.jumps,
    catchTarget: 'catchTarget' in c ? c.catchTarget : ctx.catchTarget,
    callbacks: 'callbacks' in c ? c.callbacks! : ctx.callbacks,
    stack: 'stack' in c ? c.stack! : ctx.stack,
    checkpointed: 'checkpointed' in c ? c.checkpointed! : ctx.checkpointed,
    finallyJumps: 'finallyJumps' in c ? c.finallyJumps : ctx.finallyJumps,
    finallyErrors: 'finallyErrors' in c ? c.finallyErrors : ctx.finallyErrors,
  };
}

export const STRUCTURE_KINDS: ReadonlySet<string> = new Set(['decision', 'loop', 'catch', 'branch']);

export function isAsyncFunction(tsm: TS, fn: ts.FunctionLikeDeclaration): boolean {
  return !!tsm.getModifiers?.(fn as ts.HasModifiers)?.some((m) => m.kind === tsm.SyntaxKind.AsyncKeyword);
}

export function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i >= 0 ? file.slice(i + 1) : file;
}

export function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

export function joinDetail(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return `${a}; ${b}`;
}

/** Compact source text for labels: whitespace collapsed, long text shortened. */
export function text(tsm: TS, n: ts.Node | undefined, sf: ts.SourceFile): string {
  if (!n) return '';
  let s: string;
  try {
    s = n.getText(sf);
  } catch {
    return '?';
  }
  return summarize(s);
}
