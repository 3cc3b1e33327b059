// Core (pure): infers the workflow graph of each durable handler in a file from its code — operations,
// decisions, loops, catch regions, child contexts, parallel branches, map items, helpers expanded in place.
import type * as ts from 'typescript';
import type { DurableFunction, TS } from '../analysis/model';
import { findDurableFunctions, resolveLocalFunction } from '../analysis/handlers';
import { getDurableOperationCall, isContextExpression, operationNameText, type DurableOperationCall } from '../analysis/operations';
import { operationTree, resolveCallee, type OperationTree } from '../analysis/operationTree';
import { memberName } from '../analysis/operations/contexts';
import { mayBeOperationMethod, PROMISE_METHODS } from '../analysis/operations/kinds';
import { functionName, isFunctionWithBody, skipOuterExpressions } from '../analysis/scope';
import type { NodeKind, WorkflowEdge, WorkflowGraph, WorkflowHandler, WorkflowNode } from './graph';
import { durationText, invokeTargetText, stepOptionsText, summarize, waitForCallbackOptionsText, waitForConditionOptionsText } from './summary';
import { invokeResolver, type InvokeTargetResolver } from './invokeTargets';

export interface InferOptions {
  /** Only the handler with this name. */
  readonly handler?: string;
  /** How deep durable helpers are expanded inside each other (default 12). */
  readonly maxHelperDepth?: number;
  /** Finds the workspace handler an `invoke` target names; by default the Program's files are searched. */
  readonly resolveInvokeTarget?: InvokeTargetResolver;
  /**
   * Ask the type checker whether an expression is a DurableContext when the syntax does not say (default
   * true). Only useful when the Program has the SDK's declarations: the CLI's Program skips node_modules,
   * so it turns this off and the checker is only created if an imported helper has to be followed.
   */
  readonly typeAware?: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type MNode = Mutable<WorkflowNode>;
type EdgeKind = NonNullable<WorkflowEdge['kind']>;

/** A dangling edge waiting for the next node: where it comes from and its label. */
interface Exit {
  readonly from: string;
  readonly label: string | null;
  readonly kind?: EdgeKind;
}

/** Id namespace: ids are `path/kind:name#ordinal` so an edit elsewhere does not renumber a node. */
interface Scope {
  readonly path: string;
  readonly parent: string | null;
  readonly counters: Map<string, number>;
}

interface JumpFrame {
  readonly kind: 'loop' | 'switch';
  readonly label: string | undefined;
  readonly target: string;
  readonly breaks: Exit[];
  readonly continues: Exit[];
  /** Jumps that target this frame (they count as effects, but not against the frame's own node). */
  jumps: number;
}

interface Tentative {
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
interface FnCtx {
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
}

const END = 'end';
const START = 'start';
const ARRAY_ITERATORS = new Set(['map', 'forEach', 'flatMap', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex']);

/** Infers one WorkflowHandler per durable handler declared in `sourceFile`. Never throws. */
export function inferWorkflow(tsm: TS, sourceFile: ts.SourceFile, program?: ts.Program, options: InferOptions = {}): WorkflowGraph {
  let checker: ts.TypeChecker | undefined | null = null;
  // Created on first use: building a checker costs more than the inference when nothing needs it.
  const lazyChecker = (): ts.TypeChecker | undefined => {
    if (checker === null) {
      try {
        checker = program?.getTypeChecker();
      } catch {
        checker = undefined;
      }
    }
    return checker;
  };
  const typeAware = options.typeAware !== false;
  let fns: DurableFunction[];
  try {
    fns = findDurableFunctions(tsm, sourceFile, typeAware ? lazyChecker() : undefined).filter((f) => f.kind === 'handler');
  } catch {
    fns = [];
  }
  if (options.handler !== undefined) fns = fns.filter((f) => f.name === options.handler);
  const resolver = options.resolveInvokeTarget ?? (program ? invokeResolver(tsm, program) : undefined);
  const handlers: WorkflowHandler[] = [];
  for (const fn of fns) {
    handlers.push(new Builder(tsm, lazyChecker, typeAware, resolver, options.maxHelperDepth ?? 12).run(fn));
  }
  return { handlers };
}

/** The workflow of one handler. Never throws: a failure inside degrades to a 'dynamic' node. */
export function inferHandler(tsm: TS, fn: DurableFunction, checker: ts.TypeChecker | undefined, resolver: InvokeTargetResolver | undefined, options: InferOptions = {}): WorkflowHandler {
  const b = new Builder(tsm, () => checker, options.typeAware !== false, resolver, options.maxHelperDepth ?? 12);
  return b.run(fn);
}

class Builder {
  private readonly nodes: MNode[] = [];
  private readonly edges: Mutable<WorkflowEdge>[] = [];
  private readonly ids = new Set<string>();
  private readonly visited = new Set<ts.CallExpression>();
  /** Bumped whenever something observable is recorded outside nodes/edges (jumps, returns). */
  private effects = 0;
  /** Pre-check results per statement (interesting or not). */
  private readonly memo = new Map<ts.Node, boolean>();
  private readonly counterLog: Array<[Map<string, number>, string]> = [];
  private readonly interestingChild = (c: ts.Node): true | undefined => (this.interesting(c) ? true : undefined);
  /** The handler's operations and the helper calls that start them: what the diagram draws. */
  private tree!: OperationTree;

  constructor(
    private readonly ts: TS,
    private readonly lazyChecker: () => ts.TypeChecker | undefined,
    private readonly typeAware: boolean,
    private readonly resolver: InvokeTargetResolver | undefined,
    private readonly maxDepth: number
  ) {}

  /** The checker for type questions (contexts by type, invoke overloads), when type-aware. */
  private get checker(): ts.TypeChecker | undefined {
    return this.typeAware ? this.lazyChecker() : undefined;
  }

  run(fn: DurableFunction): WorkflowHandler {
    const sf = fn.sourceFile;
    const handlerLine = this.pos(sf, fn.node).line;
    this.nodes.push({ id: START, kind: 'start', name: null, line: handlerLine, parent: null, file: sf.fileName, ...this.range(sf, fn.node) });
    this.ids.add(START);
    this.ids.add(END);
    const scope: Scope = { path: '', parent: null, counters: new Map() };
    try {
      this.tree = operationTree(this.ts, fn, this.checker, this.lazyChecker);
    } catch {
      this.tree = { handler: fn, root: { kind: 'root', owner: null, fn: fn.node, repeatable: false, operations: [] }, operations: [], byCall: new Map(), helperCalls: new Map() };
    }
    const ctx: FnCtx = {
      sf,
      isHandler: true,
      body: fn.node.body,
      returns: [],
      jumps: [],
      catchTarget: undefined,
      callbacks: new Map(),
      stack: [fn.node],
      checkpointed: false,
      finallyJumps: undefined,
    };
    let exits: Exit[] = [{ from: START, label: null }];
    try {
      exits = this.walkFunctionBody(fn.node, exits, scope, ctx);
    } catch (e) {
      // A shape the walk did not foresee: keep what was found and say so, rather than failing the view.
      const id = this.add(scope, 'dynamic', null, fn.node, ctx, 'dynamic', `inference stopped: ${summarize(String((e as Error)?.message ?? e))}`);
      exits = this.connect(exits, id);
    }
    this.safetyNet(fn, scope, ctx);
    const endLine = this.pos(sf, fn.node).line;
    const endPos = fn.node.end;
    const endLc = sf.getLineAndCharacterOfPosition(endPos);
    this.nodes.push({ id: END, kind: 'end', name: null, line: endLc.line + 1 || endLine, parent: null, file: sf.fileName, column: endLc.character + 1, start: Math.max(0, endPos - 1), end: endPos });
    this.connect(exits, END);
    this.sanitize();
    return { name: fn.name, file: sf.fileName, line: handlerLine, nodes: this.nodes, edges: this.edges };
  }

  /** After an interrupted walk: no edge or parent may point at a node that is not in the graph. */
  private sanitize(): void {
    const present = new Set(this.nodes.map((n) => n.id));
    if (present.size === this.ids.size && this.edges.every((e) => present.has(e.from) && present.has(e.to))) return;
    for (const n of this.nodes) if (n.parent !== null && !present.has(n.parent)) n.parent = null;
    const kept = this.edges.filter((e) => present.has(e.from) && present.has(e.to));
    this.edges.length = 0;
    this.edges.push(...kept);
  }

  // ---------- graph building ----------

  private pos(sf: ts.SourceFile, n: ts.Node): { line: number; column: number } {
    const lc = sf.getLineAndCharacterOfPosition(n.getStart(sf));
    return { line: lc.line + 1, column: lc.character + 1 };
  }

  private range(sf: ts.SourceFile, n: ts.Node): { column: number; start: number; end: number } {
    const start = n.getStart(sf);
    return { column: sf.getLineAndCharacterOfPosition(start).character + 1, start, end: n.end };
  }

  /** Adds a node under `scope`; `key` names its slot (kind plus name for operations, a keyword for structure). */
  private add(scope: Scope, kind: NodeKind, name: string | null, at: ts.Node, ctx: FnCtx, key: string, detail?: string, extra?: Partial<MNode>): string {
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
    this.nodes.push(node);
    return id;
  }

  private edge(from: string, to: string, label: string | null, kind: EdgeKind | undefined): void {
    const e: Mutable<WorkflowEdge> = { from, to, label };
    if (kind && kind !== 'normal') e.kind = kind;
    this.edges.push(e);
  }

  /** Joins every dangling exit to `to`; exits from the same node merge their labels into one edge. */
  private connect(exits: readonly Exit[], to: string): Exit[] {
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
  private bump(scope: Scope, key: string): number {
    const n = scope.counters.get(key) ?? 0;
    scope.counters.set(key, n + 1);
    this.counterLog.push([scope.counters, key]);
    return n;
  }

  private unbumpTo(length: number): void {
    while (this.counterLog.length > length) {
      const [m, k] = this.counterLog.pop()!;
      m.set(k, (m.get(k) ?? 1) - 1);
    }
  }

  private child(scope: Scope, segment: string, parent: string | null): Scope {
    return { path: (scope.path ? scope.path + '/' : '') + segment, parent, counters: new Map() };
  }

  /** A scope keyed under a node, whose nodes have that node as parent. */
  private under(id: string, parent: string | null = id): Scope {
    return { path: id, parent, counters: new Map() };
  }

  /**
   * Starts a structure node (decision, loop) tentatively: if nothing durable happens inside it (an `if`
   * around plain code), `settle` removes it again so the diagram only shows structure that matters.
   */
  private tentative(scope: Scope, kind: NodeKind, name: string, at: ts.Node, ctx: FnCtx, key: string, fr: readonly Exit[]): Tentative {
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
  private settle(tn: Tentative, ownJumps = 0): boolean {
    if (this.effects - ownJumps !== tn.effects) return false;
    for (let i = tn.nodes + 1; i < this.nodes.length; i++) if (!STRUCTURE_KINDS.has(this.nodes[i]!.kind)) return false;
    for (let i = tn.nodes; i < this.nodes.length; i++) this.ids.delete(this.nodes[i]!.id);
    this.nodes.length = tn.nodes;
    this.edges.length = tn.edges;
    this.effects = tn.effects;
    this.unbumpTo(tn.log);
    return true;
  }

  /**
   * Cheap syntactic pre-check: could this subtree matter to the workflow (a call that may be an operation
   * or a helper, an awaited callback promise, a return or throw)? Plain code is skipped without a node.
   */
  private interesting(n: ts.Node): boolean {
    const t = this.ts;
    const k = n.kind;
    if (k === t.SyntaxKind.Identifier || k === t.SyntaxKind.StringLiteral || k === t.SyntaxKind.NumericLiteral || (k >= t.SyntaxKind.FirstTypeNode && k <= t.SyntaxKind.LastTypeNode)) return false;
    // Only statements are memoised: expressions are asked about once or twice, and a memo entry per
    // node would cost more (allocation, GC) than it saves.
    const memoise = k === t.SyntaxKind.Block || (k >= t.SyntaxKind.FirstStatement && k <= t.SyntaxKind.LastStatement) || k === t.SyntaxKind.CaseBlock;
    if (memoise) {
      const known = this.memo.get(n);
      if (known !== undefined) return known;
    }
    let result = false;
    if (t.isReturnStatement(n) || t.isThrowStatement(n) || t.isBreakStatement(n) || t.isContinueStatement(n)) result = true;
    else if (t.isCallExpression(n)) {
      const c = skipOuterExpressions(t, n.expression);
      if (t.isIdentifier(c) || t.isElementAccessExpression(c)) result = true;
      else if (t.isPropertyAccessExpression(c))
        result = mayBeOperationMethod(c.name.text) || this.tree.helperCalls.has(n) || this.tree.byCall.has(n) || n.arguments.some((a) => (t.isIdentifier(a) || t.isObjectLiteralExpression(a)) && this.isContextArg(a));
    } else if (t.isAwaitExpression(n) && t.isIdentifier(skipOuterExpressions(t, n.expression))) result = true;
    if (!result) result = t.forEachChild(n, this.interestingChild) === true;
    if (memoise) this.memo.set(n, result);
    return result;
  }

  // ---------- statements ----------

  private walkFunctionBody(fn: ts.FunctionLikeDeclaration, entry: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    const body = fn.body;
    if (!body) return entry;
    if (this.ts.isBlock(body)) {
      const out = this.walkStatements(body.statements, entry, scope, ctx);
      return ctx.isHandler ? out : [...out, ...ctx.returns];
    }
    const out = this.walkExpr(body as ts.Expression, entry, scope, ctx);
    return out;
  }

  private walkStatements(list: readonly ts.Statement[], entry: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    let fr = entry;
    for (const st of list) fr = this.walkStatement(st, fr, scope, ctx);
    return fr;
  }

  private walkStatement(st: ts.Statement, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    const t = this.ts;
    if (t.isBlock(st)) return this.walkStatements(st.statements, fr, scope, ctx);
    if (t.isExpressionStatement(st)) return this.walkExpr(st.expression, fr, scope, ctx);
    if (t.isVariableStatement(st)) return this.walkVariables(st.declarationList, fr, scope, ctx);
    if (t.isIfStatement(st)) return this.walkIf(st, fr, scope, ctx);
    if (t.isSwitchStatement(st)) return this.walkSwitch(st, fr, scope, ctx, undefined);
    if (t.isForStatement(st) || t.isForOfStatement(st) || t.isForInStatement(st) || t.isWhileStatement(st) || t.isDoStatement(st)) return this.walkLoop(st, fr, scope, ctx, undefined);
    if (t.isLabeledStatement(st)) {
      const inner = st.statement;
      const label = st.label.text;
      if (t.isForStatement(inner) || t.isForOfStatement(inner) || t.isForInStatement(inner) || t.isWhileStatement(inner) || t.isDoStatement(inner)) return this.walkLoop(inner, fr, scope, ctx, label);
      if (t.isSwitchStatement(inner)) return this.walkSwitch(inner, fr, scope, ctx, label);
      return this.walkStatement(inner, fr, scope, ctx);
    }
    if (t.isTryStatement(st)) return this.walkTry(st, fr, scope, ctx);
    if (t.isReturnStatement(st)) return this.walkReturn(st, fr, scope, ctx);
    if (t.isThrowStatement(st)) {
      const out = this.walkExpr(st.expression, fr, scope, ctx);
      this.throwFrom(out, ctx);
      return [];
    }
    if (t.isBreakStatement(st) || t.isContinueStatement(st)) {
      const label = st.label?.text;
      const isBreak = t.isBreakStatement(st);
      for (let i = ctx.jumps.length - 1; i >= 0; i--) {
        const f = ctx.jumps[i]!;
        if (label !== undefined ? f.label === label : isBreak || f.kind === 'loop') {
          // Jumps out of a loop are labelled so the cycle reads right; a switch's own breaks are just its exits.
          const word = isBreak ? 'break' : 'continue';
          const tagged = f.kind === 'loop' ? fr.map((x) => ({ ...x, label: x.label ? `${x.label} (${word})` : word })) : fr;
          if (isBreak) f.breaks.push(...tagged);
          else if (f.kind === 'loop') f.continues.push(...tagged);
          f.jumps++;
          this.effects++;
          return [];
        }
      }
      return fr;
    }
    // Declarations are walked where they are called (helpers) or by the safety net.
    if (t.isFunctionDeclaration(st) || t.isClassDeclaration(st) || t.isInterfaceDeclaration(st) || t.isTypeAliasDeclaration(st) || t.isImportDeclaration(st) || t.isEmptyStatement(st)) return fr;
    return this.walkChildren(st, fr, scope, ctx);
  }

  private walkVariables(list: ts.VariableDeclarationList, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    const t = this.ts;
    for (const d of list.declarations) {
      if (!d.initializer) continue;
      const init = skipOuterExpressions(t, d.initializer);
      // A function stored in a variable runs where it is called: expanded there.
      if (t.isArrowFunction(init) || t.isFunctionExpression(init)) continue;
      const before = this.nodes.length;
      fr = this.walkExpr(d.initializer, fr, scope, ctx);
      // `const [promise, id] = await ctx.createCallback(...)`: remember the promise for where it is awaited.
      if (t.isArrayBindingPattern(d.name)) {
        const first = d.name.elements[0];
        const call = this.unwrapCall(init);
        if (first && t.isBindingElement(first) && t.isIdentifier(first.name) && call) {
          const op = this.opOf(call);
          if (op?.method === 'createCallback') {
            const node = this.nodes.slice(before).find((n) => n.kind === 'createCallback' && n.start === call.getStart(ctx.sf));
            if (node) ctx.callbacks.set(first.name.text, node.id);
          }
        }
      }
    }
    return fr;
  }

  /**
   * Where a createCallback promise is waited for: `await promise`, or the promise handed to a combinator
   * (`ctx.promise.race([promise, …])`, `Promise.race([promise, timer])`). Undefined when `e` is not one.
   */
  private callbackAwait(e: ts.Expression, at: ts.Node, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] | undefined {
    const inner = skipOuterExpressions(this.ts, e);
    if (!this.ts.isIdentifier(inner)) return undefined;
    const cb = ctx.callbacks.get(inner.text);
    if (!cb) return undefined;
    const cbNode = this.nodes.find((n) => n.id === cb);
    const id = this.add(scope, 'createCallback', cbNode?.name ?? null, at, ctx, `await:${cbNode?.name ?? inner.text}`, 'waits for the callback result', { awaitOf: cb });
    this.errorEdge(id, ctx);
    return this.connect(fr, id);
  }

  private isCallbackPromise(e: ts.Expression, ctx: FnCtx): boolean {
    const x = skipOuterExpressions(this.ts, e);
    return this.ts.isIdentifier(x) && ctx.callbacks.has(x.text);
  }

  private unwrapCall(e: ts.Expression): ts.CallExpression | undefined {
    let x = skipOuterExpressions(this.ts, e);
    if (this.ts.isAwaitExpression(x)) x = skipOuterExpressions(this.ts, x.expression);
    return this.ts.isCallExpression(x) ? x : undefined;
  }

  /**
   * The scope inside a decision, loop or catch: same id namespace (so an operation's id does not depend on
   * the structure around it, and wrapping it in an `if` keeps its id), new parent.
   */
  private sub(scope: Scope, id: string): Scope {
    return { path: scope.path, parent: id, counters: scope.counters };
  }

  private walkIf(st: ts.IfStatement, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    fr = this.walkExpr(st.expression, fr, scope, ctx);
    if (!this.interesting(st.thenStatement) && !(st.elseStatement && this.interesting(st.elseStatement))) return fr;
    const cond = text(this.ts, st.expression, ctx.sf);
    const tn = this.tentative(scope, 'decision', `if ${cond}`, st, ctx, `if:${cond}`, fr);
    const id = tn.id;
    const thenOut = this.walkStatement(st.thenStatement, [{ from: id, label: 'yes' }], this.sub(scope, id), ctx);
    const elseOut = st.elseStatement ? this.walkStatement(st.elseStatement, [{ from: id, label: 'no' }], this.sub(scope, id), ctx) : [{ from: id, label: 'no' }];
    const out = [...thenOut, ...elseOut];
    return this.settle(tn) ? fr : out;
  }

  private walkSwitch(st: ts.SwitchStatement, fr: Exit[], scope: Scope, ctx: FnCtx, label: string | undefined): Exit[] {
    fr = this.walkExpr(st.expression, fr, scope, ctx);
    if (!this.interesting(st.caseBlock)) return fr;
    const subject = text(this.ts, st.expression, ctx.sf);
    const tn = this.tentative(scope, 'decision', `switch ${subject}`, st, ctx, `switch:${subject}`, fr);
    const id = tn.id;
    const frame: JumpFrame = { kind: 'switch', label, target: id, breaks: [], continues: [], jumps: 0 };
    ctx.jumps.push(frame);
    let fall: Exit[] = [];
    let hasDefault = false;
    try {
      for (const clause of st.caseBlock.clauses) {
        const isDefault = this.ts.isDefaultClause(clause);
        if (isDefault) hasDefault = true;
        const caseText = isDefault ? 'default' : `case ${text(this.ts, clause.expression, ctx.sf)}`;
        // A case without a break falls through: its exits join the next case's entry.
        let entry: Exit[] = [...fall, { from: id, label: caseText }];
        // A case expression is evaluated when the switch reaches it (rarely an operation, but never lost).
        if (!isDefault && this.interesting(clause.expression)) entry = this.walkExpr(clause.expression, entry, this.sub(scope, id), ctx);
        fall = this.walkStatements(clause.statements, entry, this.sub(scope, id), ctx);
      }
    } finally {
      ctx.jumps.pop();
    }
    const out = [...fall, ...frame.breaks, ...(hasDefault ? [] : [{ from: id, label: 'default' }])];
    return this.settle(tn, frame.jumps) ? fr : out;
  }

  private walkLoop(st: ts.IterationStatement, fr: Exit[], scope: Scope, ctx: FnCtx, label: string | undefined): Exit[] {
    const t = this.ts;
    let header: string;
    let eachLabel = 'repeat';
    if (t.isForOfStatement(st) || t.isForInStatement(st)) {
      fr = this.walkExpr(st.expression, fr, scope, ctx);
      const awaits = t.isForOfStatement(st) && st.awaitModifier ? 'await ' : '';
      header = `for ${awaits}${text(t, st.initializer, ctx.sf)} ${t.isForOfStatement(st) ? 'of' : 'in'} ${text(t, st.expression, ctx.sf)}`;
      eachLabel = 'each';
    } else if (t.isForStatement(st)) {
      if (st.initializer) fr = t.isVariableDeclarationList(st.initializer) ? this.walkVariables(st.initializer, fr, scope, ctx) : this.walkExpr(st.initializer, fr, scope, ctx);
      header = `for ${st.condition ? text(t, st.condition, ctx.sf) : 'ever'}`;
    } else if (t.isWhileStatement(st)) {
      header = `while ${text(t, st.expression, ctx.sf)}`;
    } else {
      header = `do … while ${text(t, (st as ts.DoStatement).expression, ctx.sf)}`;
    }
    const cond = t.isWhileStatement(st) || t.isDoStatement(st) ? st.expression : t.isForStatement(st) ? st.condition : undefined;
    const incr = t.isForStatement(st) ? st.incrementor : undefined;
    if (!this.interesting(st.statement) && !(cond && this.interesting(cond)) && !(incr && this.interesting(incr))) return fr;
    const tn = this.tentative(scope, 'loop', header, st, ctx, `loop:${header}`, fr);
    const id = tn.id;
    const frame: JumpFrame = { kind: 'loop', label, target: id, breaks: [], continues: [], jumps: 0 };
    const inner = this.sub(scope, id);
    ctx.jumps.push(frame);
    let bodyOut: Exit[];
    try {
      let entry: Exit[] = [{ from: id, label: eachLabel }];
      if (cond && !t.isDoStatement(st)) entry = this.walkExpr(cond, entry, inner, ctx);
      bodyOut = this.walkStatement(st.statement, entry, inner, ctx);
      if (incr) bodyOut = this.walkExpr(incr, bodyOut, inner, ctx);
      if (cond && t.isDoStatement(st)) bodyOut = this.walkExpr(cond, bodyOut, inner, ctx);
    } finally {
      ctx.jumps.pop();
    }
    const back = [...bodyOut, ...frame.continues];
    if (this.settle(tn, frame.jumps)) return fr;
    this.connectBack(back, id);
    return [{ from: id, label: 'done' }, ...frame.breaks];
  }

  /** Back edges to a loop head, so the loop reads as a cycle. */
  private connectBack(exits: readonly Exit[], to: string): void {
    const seen = new Set<string>();
    for (const x of exits) {
      if (x.from === to) continue; // a path through the body with nothing on it
      const k = x.from + '\u0000' + (x.label ?? '') + '\u0000' + (x.kind ?? '');
      if (seen.has(k)) continue;
      seen.add(k);
      this.edge(x.from, to, x.label, x.kind);
    }
  }

  private walkTry(st: ts.TryStatement, fr: Exit[], scope: Scope, outer: FnCtx): Exit[] {
    const t = this.ts;
    const clause = st.catchClause;
    const fj = st.finallyBlock ? { returns: [] as Exit[], throws: [] as Exit[] } : undefined;
    // With a finally, returns and throws that leave the try or catch block are collected and go through it.
    const ctx: FnCtx = fj ? ctxWith(outer, { finallyJumps: fj, catchTarget: undefined }) : outer;
    let out: Exit[];
    if (clause && this.interesting(st.tryBlock) || (clause && this.interesting(clause.block))) {
      const c = clause!;
      const name = c.variableDeclaration ? `catch (${text(t, c.variableDeclaration.name, ctx.sf)})` : 'catch';
      // The catch node exists first so operations in the try block can draw their error edge to it; it is
      // moved after them in the node list so the list stays in source order.
      const edgesBefore = this.edges.length;
      const nodesBefore = this.nodes.length;
      const effectsBefore = this.effects;
      const logBefore = this.counterLog.length;
      const id = this.add(scope, 'catch', name, c, ctx, 'catch');
      const catchIndex = this.nodes.length - 1;
      const tryOut = this.walkStatements(st.tryBlock.statements, fr, scope, ctxWith(ctx, { catchTarget: id }));
      const [catchNode] = this.nodes.splice(catchIndex, 1);
      this.nodes.push(catchNode!);
      let errorsIn = false;
      for (let i = edgesBefore; i < this.edges.length && !errorsIn; i++) if (this.edges[i]!.to === id) errorsIn = true;
      if (!errorsIn) {
        // Nothing in the try block is seen failing, but any code there may throw: draw the path from before it.
        for (const x of fr) this.edge(x.from, id, x.label ?? 'error', 'error');
      }
      const catchOut = this.walkStatements(c.block.statements, [{ from: id, label: null }], this.sub(scope, id), ctx);
      out = [...tryOut, ...catchOut];
      let opsAdded = false;
      for (let i = nodesBefore; i < this.nodes.length && !opsAdded; i++) if (!STRUCTURE_KINDS.has(this.nodes[i]!.kind)) opsAdded = true;
      if (!opsAdded && this.effects === effectsBefore) {
        // A try/catch around plain code (it only looked interesting): not part of the workflow.
        for (let i = nodesBefore; i < this.nodes.length; i++) this.ids.delete(this.nodes[i]!.id);
        this.nodes.length = nodesBefore;
        this.edges.length = edgesBefore;
        this.unbumpTo(logBefore);
        out = fr;
      }
    } else {
      out = this.walkStatements(st.tryBlock.statements, fr, scope, ctx);
      if (clause) out = this.walkStatements(clause.block.statements, out, scope, ctx);
    }
    if (st.finallyBlock && fj) out = this.walkFinally(st, st.finallyBlock, out, fj, scope, outer);
    return out;
  }

  private walkFinally(st: ts.TryStatement, block: ts.Block, out: Exit[], fj: { returns: Exit[]; throws: Exit[] }, scope: Scope, ctx: FnCtx): Exit[] {
    const entry = [...out, ...fj.returns, ...fj.throws];
    const before = this.nodes.length;
    const fin = this.walkStatements(block.statements, entry, scope, ctx);
    const finallyEmpty = this.nodes.length === before && fin.length === entry.length && fin.every((x, i) => x === entry[i]);
    // Paths that were leaving carry on leaving after the finally: from its last nodes, or (when it has no
    // operations) straight from where they left.
    const returning = fj.returns.length ? (finallyEmpty ? fj.returns : fin.map((x) => ({ from: x.from, label: 'return' }))) : [];
    const throwing = fj.throws.length ? (finallyEmpty ? fj.throws.map((x) => ({ ...x, label: x.label?.replace(/ ?\(throw\)$/, '') || null })) : fin.map((x) => ({ from: x.from, label: null }))) : [];
    const tail = ctx.isHandler && ctx.body !== undefined && this.ts.isBlock(ctx.body) && this.isTail(st as ts.Statement, ctx.body);
    if (returning.length) {
      if (ctx.finallyJumps) {
        ctx.finallyJumps.returns.push(...returning);
        this.effects++;
      } else if (ctx.isHandler) {
        if (!tail) {
          for (const x of returning) this.edge(x.from, END, x.label ?? 'return', 'exit');
          this.effects++;
        }
      } else {
        ctx.returns.push(...returning);
        this.effects++;
      }
    }
    if (throwing.length) this.throwFrom(throwing, ctx);
    if (finallyEmpty) return out;
    if (out.length) return fin;
    // Every path through the try was leaving: nothing continues after the statement (except a tail return).
    return tail && returning.length ? fin : [];
  }

  private walkReturn(st: ts.ReturnStatement, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    const out = st.expression ? this.walkExpr(st.expression, fr, scope, ctx) : fr;
    if (ctx.finallyJumps) {
      for (const x of out) ctx.finallyJumps.returns.push({ ...x, label: x.label ? `${x.label} (return)` : 'return' });
      this.effects++;
      return [];
    }
    if (ctx.isHandler) {
      // A `return` in tail position (nothing of the handler runs after it) is its normal end, not an early exit.
      if (ctx.body && this.ts.isBlock(ctx.body) && this.isTail(st, ctx.body)) return out;
      for (const x of out) this.edge(x.from, END, x.label ? `${x.label} (return)` : 'return', 'exit');
      this.effects++;
      return [];
    }
    for (const x of out) ctx.returns.push(x.label ? { ...x, label: `${x.label} (return)` } : x);
    this.effects++;
    return [];
  }

  /** Is `st` the last thing to run in `body` on its path (last in each enclosing block, no finally after it)? */
  private isTail(st: ts.Statement, body: ts.Block): boolean {
    const t = this.ts;
    let n: ts.Node = st;
    for (let guard = 0; n !== body && guard < 10000; guard++) {
      const p: ts.Node | undefined = n.parent;
      if (!p) return false;
      if (t.isBlock(p)) {
        if (p.statements[p.statements.length - 1] !== n) return false;
      } else if (t.isIfStatement(p)) {
        if (p.expression === n) return false;
      } else if (t.isTryStatement(p)) {
        if (p.finallyBlock) return false;
      } else if (!t.isCatchClause(p) && !t.isLabeledStatement(p)) {
        return false;
      }
      n = p;
    }
    return n === body;
  }

  private throwFrom(exits: readonly Exit[], ctx: FnCtx): void {
    for (const x of exits) {
      const label = x.label ? `${x.label} (throw)` : 'throw';
      if (ctx.catchTarget) this.edge(x.from, ctx.catchTarget, label, 'error');
      else if (ctx.finallyJumps) ctx.finallyJumps.throws.push({ from: x.from, label, kind: 'error' });
      else this.edge(x.from, END, label, 'exit');
    }
    this.effects++;
  }

  // ---------- expressions ----------

  private walkChildren(n: ts.Node, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    const t = this.ts;
    t.forEachChild(n, (c) => {
      if (t.isTypeNode(c) || t.isToken(c)) return;
      if (t.isStatement(c)) fr = this.walkStatement(c, fr, scope, ctx);
      else if (t.isVariableDeclarationList(c)) fr = this.walkVariables(c, fr, scope, ctx);
      else fr = this.walkExpr(c as ts.Expression, fr, scope, ctx);
    });
    return fr;
  }

  private walkExpr(e: ts.Node, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    const t = this.ts;
    switch (e.kind) {
      case t.SyntaxKind.Identifier:
      case t.SyntaxKind.StringLiteral:
      case t.SyntaxKind.NumericLiteral:
      case t.SyntaxKind.NoSubstitutionTemplateLiteral:
      case t.SyntaxKind.TrueKeyword:
      case t.SyntaxKind.FalseKeyword:
      case t.SyntaxKind.NullKeyword:
      case t.SyntaxKind.ThisKeyword:
        return fr;
    }
    if (t.isCallExpression(e)) return this.walkCall(e, fr, scope, ctx);
    if (t.isAwaitExpression(e)) {
      const awaited = this.callbackAwait(e.expression, e, fr, scope, ctx);
      if (awaited) return awaited;
      return this.walkExpr(e.expression, fr, scope, ctx);
    }
    if (t.isConditionalExpression(e)) {
      fr = this.walkExpr(e.condition, fr, scope, ctx);
      if (!this.interesting(e.whenTrue) && !this.interesting(e.whenFalse)) return fr;
      const cond = text(t, e.condition, ctx.sf);
      const tn = this.tentative(scope, 'decision', `${cond} ?`, e, ctx, `?:${cond}`, fr);
      const a = this.walkExpr(e.whenTrue, [{ from: tn.id, label: 'yes' }], this.sub(scope, tn.id), ctx);
      const b = this.walkExpr(e.whenFalse, [{ from: tn.id, label: 'no' }], this.sub(scope, tn.id), ctx);
      const out = [...a, ...b];
      return this.settle(tn) ? fr : out;
    }
    if (t.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === t.SyntaxKind.AmpersandAmpersandToken || op === t.SyntaxKind.BarBarToken || op === t.SyntaxKind.QuestionQuestionToken) {
        fr = this.walkExpr(e.left, fr, scope, ctx);
        if (!this.interesting(e.right)) return fr;
        const sym = op === t.SyntaxKind.AmpersandAmpersandToken ? '&&' : op === t.SyntaxKind.BarBarToken ? '||' : '??';
        const left = text(t, e.left, ctx.sf);
        const tn = this.tentative(scope, 'decision', `${left} ${sym}`, e, ctx, `${sym}:${left}`, fr);
        const go = sym === '&&' ? 'yes' : sym === '||' ? 'no' : 'nullish';
        const skip = sym === '&&' ? 'no' : sym === '||' ? 'yes' : 'set';
        const a = this.walkExpr(e.right, [{ from: tn.id, label: go }], this.sub(scope, tn.id), ctx);
        const out = [...a, { from: tn.id, label: skip }];
        return this.settle(tn) ? fr : out;
      }
      fr = this.walkExpr(e.left, fr, scope, ctx);
      return this.walkExpr(e.right, fr, scope, ctx);
    }
    if (t.isArrowFunction(e) || t.isFunctionExpression(e)) {
      // A function value in an unknown place (an argument of some library call, an object property):
      // shown inline so that its operations are never lost.
      return this.walkCallback(e, fr, scope, ctx);
    }
    if (t.isFunctionDeclaration(e) || t.isClassDeclaration(e) || t.isClassExpression(e) || t.isMethodDeclaration(e)) return fr;
    return this.walkChildren(e, fr, scope, ctx);
  }

  /** The body of a function run in the current flow (callbacks): its returns become its exits. */
  private walkCallback(fn: ts.FunctionLikeDeclaration, fr: Exit[], scope: Scope, ctx: FnCtx, extra: Partial<FnCtx> = {}): Exit[] {
    // Its returns end the callback (or helper), not the caller's try: a finally there is not on their path.
    // `extra` overrides (sf, stack, callbacks, checkpointed); one fixed-shape literal, no spreads.
    const inner: FnCtx = {
      sf: 'sf' in extra ? extra.sf! : ctx.sf,
      isHandler: 'isHandler' in extra ? extra.isHandler! : false,
      body: 'body' in extra ? extra.body : fn.body,
      returns: 'returns' in extra ? extra.returns! : [],
      jumps: 'jumps' in extra ? extra.jumps! : [],
      catchTarget: 'catchTarget' in extra ? extra.catchTarget : ctx.catchTarget,
      callbacks: 'callbacks' in extra ? extra.callbacks! : copyMap(ctx.callbacks),
      stack: 'stack' in extra ? extra.stack! : ctx.stack,
      checkpointed: 'checkpointed' in extra ? extra.checkpointed! : ctx.checkpointed,
      finallyJumps: 'finallyJumps' in extra ? extra.finallyJumps : undefined,
    };
    return this.walkFunctionBody(fn, fr, scope, inner);
  }

  /** The operation a call is: as the operation tree found it, else as the one recogniser says. */
  private opOf(call: ts.CallExpression): DurableOperationCall | undefined {
    const known = this.tree.byCall.get(call);
    if (known && known.length > 0) return known[0]!.op;
    return getDurableOperationCall(this.ts, call, this.checker);
  }

  /** Is `e` a durable context, or an object literal carrying one (`helper({ ctx })`)? */
  private isContextArg(e: ts.Expression): boolean {
    const t = this.ts;
    const x = skipOuterExpressions(t, e);
    if (isContextExpression(t, x, this.checker)) return true;
    return t.isObjectLiteralExpression(x) && x.properties.some((p) => (t.isShorthandPropertyAssignment(p) && isContextExpression(t, p.name, this.checker)) || (t.isPropertyAssignment(p) && isContextExpression(t, p.initializer, this.checker)));
  }

  private walkCall(call: ts.CallExpression, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    const t = this.ts;
    const op = this.opOf(call);
    if (op) return this.walkOperation(op, fr, scope, ctx);
    const callee = skipOuterExpressions(t, call.expression);
    // ctx['step'](...) and friends: a durable call the walk cannot read.
    if (t.isElementAccessExpression(callee) && memberName(t, callee) === undefined && this.isContextArg(callee.expression)) {
      fr = this.walkArgs(call, fr, scope, ctx);
      const id = this.add(scope, 'dynamic', text(t, callee, ctx.sf), call, ctx, 'dynamic', 'operation chosen at run time');
      this.visited.add(call);
      return this.connect(fr, id);
    }
    // items.map(x => ctx.step(...)), forEach, ...: a loop over the callback body.
    if (t.isPropertyAccessExpression(callee) && ARRAY_ITERATORS.has(callee.name.text)) {
      const fnArg = call.arguments.find((a) => isFunctionWithBody(t, skipOuterExpressions(t, a)));
      if (fnArg) {
        const fn = skipOuterExpressions(t, fnArg) as ts.FunctionLikeDeclaration;
        fr = this.walkExpr(callee.expression, fr, scope, ctx);
        for (const a of call.arguments) if (a !== fnArg) fr = this.walkExpr(a, fr, scope, ctx);
        if (!fn.body || !this.interesting(fn.body)) return fr;
        const header = `${text(t, callee.expression, ctx.sf)}.${callee.name.text}`;
        if (callee.name.text === 'forEach' && isAsyncFunction(t, fn)) {
          // forEach drops the promises its async callback returns: the bodies start together and nothing
          // waits for them, so this is no sequence (floating-durable-promise reports it).
          const tn = this.tentative(scope, 'loop', `${header} (not awaited)`, call, ctx, `loop:${header}`, fr);
          this.walkCallback(fn, [{ from: tn.id, label: 'each, not awaited' }], this.sub(scope, tn.id), ctx);
          if (this.settle(tn)) return fr;
          const node = this.nodes.find((nd) => nd.id === tn.id);
          if (node) node.detail = 'promises dropped: the bodies run concurrently and nothing waits for them';
          return [{ from: tn.id, label: null }];
        }
        const tn = this.tentative(scope, 'loop', header, call, ctx, `loop:${header}`, fr);
        const body = this.walkCallback(fn, [{ from: tn.id, label: 'each' }], this.sub(scope, tn.id), ctx);
        if (this.settle(tn)) return fr;
        this.connectBack(body, tn.id);
        return [{ from: tn.id, label: 'done' }];
      }
    }
    // Promise.all([ctx.step(a), ctx.step(b)]) (native; a rule suggests ctx.promise.all): the operations
    // start together, so each element is a path from the same point rather than one after the other.
    if (t.isPropertyAccessExpression(callee) && t.isIdentifier(callee.expression) && callee.expression.text === 'Promise' && PROMISE_METHODS.has(callee.name.text)) {
      const arr = call.arguments[0] ? skipOuterExpressions(t, call.arguments[0]) : undefined;
      if (arr && t.isArrayLiteralExpression(arr) && arr.elements.length > 1 && (this.interesting(arr) || arr.elements.some((el) => this.isCallbackPromise(el, ctx)))) {
        const out: Exit[] = [];
        for (const el of arr.elements) {
          const before = this.nodes.length;
          const o = this.callbackAwait(el, el, fr, scope, ctx) ?? this.walkExpr(el, fr, scope, ctx);
          // An element that starts nothing (a timer promise, a value) is no path of its own.
          if (this.nodes.length > before) out.push(...o);
        }
        return out.length ? out : fr;
      }
    }
    // A helper the operation tree follows (given the context, or holding operations: a local closure, a
    // class method, an import) is expanded where it is called.
    const target = this.tree.helperCalls.get(call);
    if (target && target.body) {
      fr = this.walkArgs(call, fr, scope, ctx, true);
      return this.expandHelper(call, target, fr, scope, ctx);
    }
    fr = this.walkExpr(call.expression, fr, scope, ctx);
    fr = this.walkArgs(call, fr, scope, ctx);
    // The context itself (not inside an object) handed to code the walk cannot see; logging it is harmless.
    const handsContext = call.arguments.some((a) => isContextExpression(t, skipOuterExpressions(t, a), this.checker));
    if (handsContext && !/^(console\.|JSON\.|String$|Object\.)/.test(callee.getText(ctx.sf))) {
      const resolved = t.isIdentifier(callee) || t.isPropertyAccessExpression(callee) ? resolveCallee(t, callee, this.lazyChecker()) : undefined;
      if (resolved && ctx.stack.includes(resolved)) {
        const name = functionName(t, resolved);
        const id = this.add(scope, 'dynamic', name, call, ctx, `dynamic:${name}()`, `recursive call to ${name}: cut off here`);
        return this.connect(fr, id);
      }
      if (resolved && ctx.stack.length > this.maxDepth) {
        const name = functionName(t, resolved);
        const id = this.add(scope, 'dynamic', name, call, ctx, `dynamic:${name}()`, `helpers nested too deep: ${name} not expanded`);
        return this.connect(fr, id);
      }
      // The context handed to code the walk cannot see: show it rather than silently dropping what it does.
      const name = text(t, callee, ctx.sf);
      const id = this.add(scope, 'dynamic', name, call, ctx, `dynamic:${name}`, `durable context passed to ${name}, not followed`);
      return this.connect(fr, id);
    }
    return fr;
  }

  private walkArgs(call: ts.CallExpression, fr: Exit[], scope: Scope, ctx: FnCtx, skipFunctions = false): Exit[] {
    for (const a of call.arguments) {
      if (skipFunctions && isFunctionWithBody(this.ts, skipOuterExpressions(this.ts, a))) continue;
      fr = this.walkExpr(a, fr, scope, ctx);
    }
    return fr;
  }

  private expandHelper(call: ts.CallExpression, target: ts.FunctionLikeDeclaration, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    const name = functionName(this.ts, target);
    const key = `${name}()`;
    const n = this.bump(scope, key);
    const hScope: Scope = this.child(scope, key + (n > 0 ? '#' + n : ''), scope.parent);
    // A closure declared inside the code being walked sees its createCallback promises too.
    const local = ctx.stack.some((outer) => target !== outer && target.pos >= outer.pos && target.end <= outer.end && target.getSourceFile() === outer.getSourceFile());
    const sf = target.getSourceFile();
    return this.walkCallback(target, fr, hScope, ctx, { sf, stack: [...ctx.stack, target], callbacks: local ? copyMap(ctx.callbacks) : new Map() });
  }

  private errorEdge(id: string, ctx: FnCtx): void {
    if (ctx.catchTarget) this.edge(id, ctx.catchTarget, 'error', 'error');
  }

  // ---------- operations ----------

  private walkOperation(op: DurableOperationCall, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    const t = this.ts;
    const call = op.call;
    this.visited.add(call);
    const kind = op.method;
    const args = call.arguments;
    const name = op.nameArg ? operationNameText(t, op.nameArg, ctx.sf) : null;
    // Arguments evaluated before the call (items, invoke input, names with operations inside) come first.
    for (const a of args) {
      if (a === op.callbackArg || (a === op.itemsArg && kind.startsWith('promise.'))) continue;
      if (isFunctionWithBody(t, skipOuterExpressions(t, a))) continue;
      fr = this.walkExpr(a, fr, scope, ctx);
    }
    let detail: string | undefined;
    let extra: Partial<MNode> | undefined;
    const cbIndex = op.callbackArg ? args.indexOf(op.callbackArg) : -1;
    const configArg = cbIndex >= 0 ? args[cbIndex + 1] : undefined;
    switch (kind) {
      case 'step':
        detail = stepOptionsText(t, configArg, ctx.sf);
        break;
      case 'wait': {
        const d = args[op.nameArg ? 1 : 0];
        detail = d ? durationText(t, d, ctx.sf) : undefined;
        break;
      }
      case 'waitForCallback':
        detail = waitForCallbackOptionsText(t, configArg, ctx.sf);
        break;
      case 'createCallback':
        detail = waitForCallbackOptionsText(t, args[op.nameArg ? 1 : 0], ctx.sf);
        break;
      case 'waitForCondition':
        detail = waitForConditionOptionsText(t, configArg, ctx.sf);
        break;
      case 'invoke': {
        const targetArg = args[op.nameArg ? 1 : 0];
        if (targetArg) {
          const tt = invokeTargetText(t, targetArg, ctx.sf);
          const found = this.resolver && tt.value !== undefined ? safe(() => this.resolver!(tt.value!)) : undefined;
          // The file's base name only: the detail is display text; the full path is in `target`.
          detail = `target: ${tt.display}` + (found ? ` (handler ${found.name} in ${baseName(found.file)}:${found.line})` : '');
          if (found) extra = { target: found };
        }
        break;
      }
      case 'map':
        if (op.itemsArg) detail = `items: ${text(t, op.itemsArg, ctx.sf)}`;
        break;
      default:
        break;
    }
    const id = this.add(scope, kind, name, call, ctx, kind + (name !== null ? ':' + name : ''), ctx.checkpointed ? joinDetail('inside a checkpointed callback: not allowed by the SDK', detail) : detail, extra);
    this.connect(fr, id);
    this.errorEdge(id, ctx);
    const inner = this.under(id);
    const cb = op.callbackArg;
    switch (kind) {
      case 'step':
      case 'waitForCallback':
      case 'waitForCondition': {
        // Checkpointed code: operations in it are mistakes, still shown (inside the operation) rather than lost.
        const fn = cb ? this.resolveFunctionArg(cb) : undefined;
        if (fn && fn.body && this.interesting(fn.body)) this.walkCallback(fn, [{ from: id, label: 'inside' }], inner, ctx, { checkpointed: true, sf: fn.getSourceFile() });
        return [{ from: id, label: null }];
      }
      case 'runInChildContext': {
        const fn = cb ? this.resolveFunctionArg(cb) : undefined;
        if (!fn) return this.dynamicChild(id, inner, call, ctx, cb ? `child function ${text(t, cb, ctx.sf)} not found` : 'no child function');
        const out = this.walkCallback(fn, [{ from: id, label: null }], inner, ctx, { sf: fn.getSourceFile() });
        return out;
      }
      case 'map': {
        const branch = this.add(inner, 'branch', 'each item', cb ?? call, ctx, 'branch');
        this.edge(id, branch, null, undefined);
        const fn = cb ? this.resolveFunctionArg(cb) : undefined;
        const bScope = this.under(branch);
        if (!fn) return this.dynamicChild(branch, bScope, cb ?? call, ctx, cb ? `item function ${text(t, cb, ctx.sf)} not found` : 'no item function');
        return this.walkCallback(fn, [{ from: branch, label: null }], bScope, ctx, { sf: fn.getSourceFile() });
      }
      case 'parallel':
        return this.walkParallel(id, inner, cb, call, ctx);
      case 'promise.all':
      case 'promise.allSettled':
      case 'promise.any':
      case 'promise.race':
        return this.walkCombinator(id, inner, op.itemsArg, ctx);
      default:
        return [{ from: id, label: null }];
    }
  }

  private resolveFunctionArg(e: ts.Expression): ts.FunctionLikeDeclaration | undefined {
    const x = skipOuterExpressions(this.ts, e);
    if (isFunctionWithBody(this.ts, x)) return x;
    const local = resolveLocalFunction(this.ts, x);
    if (local) return local;
    // Following an import needs symbols, not types: the checker is used even when not type-aware.
    return resolveCallee(this.ts, x, this.lazyChecker());
  }

  private dynamicChild(parent: string, scope: Scope, at: ts.Node, ctx: FnCtx, why: string): Exit[] {
    const id = this.add(scope, 'dynamic', null, at, ctx, 'dynamic', why);
    this.edge(parent, id, null, undefined);
    return [{ from: id, label: null }];
  }

  private walkParallel(id: string, inner: Scope, branchesArg: ts.Expression | undefined, call: ts.CallExpression, ctx: FnCtx): Exit[] {
    const t = this.ts;
    const arr = branchesArg ? skipOuterExpressions(t, branchesArg) : undefined;
    if (!arr || !t.isArrayLiteralExpression(arr)) {
      return this.dynamicChild(id, inner, branchesArg ?? call, ctx, branchesArg ? `branches computed at run time: ${text(t, branchesArg, ctx.sf)}` : 'no branches');
    }
    const out: Exit[] = [];
    arr.elements.forEach((el, i) => {
      let fnExpr: ts.Expression | undefined = el;
      let bname: string | null = null;
      const x = skipOuterExpressions(t, el);
      if (t.isObjectLiteralExpression(x)) {
        fnExpr = undefined;
        for (const p of x.properties) {
          if (t.isPropertyAssignment(p) && t.isIdentifier(p.name) && p.name.text === 'name') bname = operationNameText(t, p.initializer, ctx.sf);
          else if (t.isPropertyAssignment(p) && t.isIdentifier(p.name) && p.name.text === 'func') fnExpr = p.initializer;
          else if (t.isShorthandPropertyAssignment(p) && p.name.text === 'func') fnExpr = p.name;
          else if (t.isMethodDeclaration(p) && t.isIdentifier(p.name) && p.name.text === 'func') fnExpr = p as unknown as ts.Expression;
        }
      }
      const label = bname ?? `branch ${i + 1}`;
      const branch = this.add(inner, 'branch', bname ?? label, el, ctx, `branch:${bname ?? i + 1}`);
      this.edge(id, branch, null, undefined);
      const bScope = this.under(branch);
      if (t.isSpreadElement(x)) {
        out.push(...this.dynamicChild(branch, bScope, el, ctx, `branches spread at run time: ${text(t, x.expression, ctx.sf)}`));
        return;
      }
      const fn = fnExpr ? (t.isMethodDeclaration(fnExpr as ts.Node) ? (fnExpr as unknown as ts.FunctionLikeDeclaration) : this.resolveFunctionArg(fnExpr)) : undefined;
      if (!fn) {
        out.push(...this.dynamicChild(branch, bScope, el, ctx, `branch function ${fnExpr ? text(t, fnExpr, ctx.sf) : '(missing)'} not found`));
        return;
      }
      out.push(...this.walkCallback(fn, [{ from: branch, label: null }], bScope, ctx, { sf: fn.getSourceFile() }));
    });
    if (arr.elements.length === 0) out.push({ from: id, label: null });
    return out;
  }

  private walkCombinator(id: string, inner: Scope, items: ts.Expression | undefined, ctx: FnCtx): Exit[] {
    const t = this.ts;
    const entry: Exit[] = [{ from: id, label: null }];
    if (!items) return entry;
    const arr = skipOuterExpressions(t, items);
    const passed: string[] = [];
    let out: Exit[] = [];
    if (t.isArrayLiteralExpression(arr)) {
      for (const el of arr.elements) {
        const before = this.nodes.length;
        const o = this.callbackAwait(el, el, entry, inner, ctx) ?? this.walkExpr(el, entry, inner, ctx);
        if (this.nodes.length === before) passed.push(text(t, el, ctx.sf));
        else out.push(...o);
      }
    } else {
      const before = this.nodes.length;
      const o = this.walkExpr(arr, entry, inner, ctx);
      if (this.nodes.length === before) passed.push(text(t, arr, ctx.sf));
      else out = o;
    }
    if (passed.length) {
      const node = this.nodes.find((n) => n.id === id);
      if (node) node.detail = joinDetail(node.detail, `of ${summarize(passed.join(', '))}`);
    }
    return out.length ? out : entry;
  }

  /** Every operation the tree has (or the handler holds) that the structure walk did not reach is still shown. */
  private safetyNet(fn: DurableFunction, scope: Scope, ctx: FnCtx): void {
    const missed: DurableOperationCall[] = [];
    try {
      for (const o of this.tree.operations) if (!this.visited.has(o.call)) missed.push(o.op);
    } catch {
      return;
    }
    const unreached = this.child(scope, 'unreached', null);
    for (const op of missed) {
      if (this.visited.has(op.call)) continue;
      // Walk it as its own island so its insides are shown too.
      const island: FnCtx = ctxWith(ctx, { returns: [], jumps: [], catchTarget: undefined, sf: op.call.getSourceFile() });
      const before = this.nodes.length;
      this.walkOperation(op, [], unreached, island);
      const node = this.nodes[before];
      if (node) node.detail = joinDetail(node.detail, 'not reached by the inferred flow (e.g. in a function that is never called)');
    }
  }
}

/** A copy of `m`; an empty map without going through the iterator protocol (the common case, per callback). */
function copyMap<K, V>(m: ReadonlyMap<K, V>): Map<K, V> {
  return m.size === 0 ? new Map() : new Map(m);
}

/**
 * `{ ...ctx, ...changes }` as one literal of a fixed shape: spreads of the differently shaped contexts went
 * through V8's slow generic object clone, once per callback, try and helper.
 */
function ctxWith(ctx: FnCtx, c: Partial<FnCtx>): FnCtx {
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
  };
}

const STRUCTURE_KINDS: ReadonlySet<string> = new Set(['decision', 'loop', 'catch', 'branch']);

function isAsyncFunction(tsm: TS, fn: ts.FunctionLikeDeclaration): boolean {
  return !!tsm.getModifiers?.(fn as ts.HasModifiers)?.some((m) => m.kind === tsm.SyntaxKind.AsyncKeyword);
}

function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i >= 0 ? file.slice(i + 1) : file;
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

function joinDetail(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return `${a}; ${b}`;
}

/** Compact source text for labels: whitespace collapsed, long text shortened. */
function text(tsm: TS, n: ts.Node | undefined, sf: ts.SourceFile): string {
  if (!n) return '';
  let s: string;
  try {
    s = n.getText(sf);
  } catch {
    return '?';
  }
  return summarize(s);
}

