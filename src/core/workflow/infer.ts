// Core (pure): infers the workflow graph of each durable handler in a file from its code — operations,
// decisions, loops, catch regions, child contexts, parallel branches, map items, helpers expanded in place.
import type * as ts from 'typescript';
import type { DurableFunction, TS } from '../analysis/model';
import { anyInRange, findDurableFunctions, workflowAtoms } from '../analysis/handlers';
import { isContextExpression, type DurableOperationCall } from '../analysis/operations';
import { operationTree, resolveCallee, type OperationTree } from '../analysis/operationTree';
import { memberName } from '../analysis/operations/contexts';
import { mayBeOperationMethod, PROMISE_METHODS } from '../analysis/operations/kinds';
import { functionName, isFunctionWithBody, skipOuterExpressions } from '../analysis/scope';
import type { WorkflowGraph, WorkflowHandler } from './graph';
import { copyMap, ctxWith, END, FAIL, FAIL_NAME, joinDetail, START, text, isAsyncFunction, type Exit, type FnCtx, type Scope } from './flowGraph';
import { FlowOperations } from './flowOperations';
import { summarize } from './summary';
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
    handlers.push(new Builder(tsm, lazyChecker, typeAware, resolver, options.maxHelperDepth ?? 12, program ? followerFor(program) : undefined).run(fn));
  }
  return { handlers };
}

/** The workflow of one handler. Never throws: a failure inside degrades to a 'dynamic' node. */
export function inferHandler(tsm: TS, fn: DurableFunction, checker: ts.TypeChecker | undefined, resolver: InvokeTargetResolver | undefined, options: InferOptions = {}): WorkflowHandler {
  const b = new Builder(tsm, () => checker, options.typeAware !== false, resolver, options.maxHelperDepth ?? 12, checker ? followerOf(checker) : undefined);
  return b.run(fn);
}
/** Sorted end-1 offsets of these calls, per file. */
function atomsOf(calls: readonly ts.Node[]): Map<ts.SourceFile, Int32Array> {
  const by = new Map<ts.SourceFile, number[]>();
  for (const c of calls) {
    const sf = c.getSourceFile();
    let l = by.get(sf);
    if (!l) by.set(sf, (l = []));
    l.push(c.end - 1);
  }
  const out = new Map<ts.SourceFile, Int32Array>();
  for (const [sf, l] of by) out.set(sf, Int32Array.from(l).sort());
  return out;
}

const followers = new WeakMap<object, () => ts.TypeChecker | undefined>();

/** One follower per Program: the operation tree's memo key stays the same from one inference to the next. */
function followerFor(program: ts.Program): () => ts.TypeChecker | undefined {
  let f = followers.get(program);
  if (!f) {
    f = () => {
      try {
        return program.getTypeChecker();
      } catch {
        return undefined;
      }
    };
    followers.set(program, f);
  }
  return f;
}

function followerOf(checker: ts.TypeChecker): () => ts.TypeChecker | undefined {
  let f = followers.get(checker);
  if (!f) {
    f = () => checker;
    followers.set(checker, f);
  }
  return f;
}

class Builder extends FlowOperations {
  /** Gives the tree a checker to follow calls into other files (stable per Program; none without one). */
  private follow: (() => ts.TypeChecker | undefined) | undefined;

  constructor(tsm: TS, lazyChecker: () => ts.TypeChecker | undefined, typeAware: boolean, resolver: InvokeTargetResolver | undefined, maxDepth: number, follow: (() => ts.TypeChecker | undefined) | undefined) {
    super(tsm, lazyChecker, typeAware, resolver, maxDepth);
    this.follow = follow;
  }

  /** Pre-check results per statement (interesting or not). */
  private readonly memo = new Map<ts.Node, boolean>();
  private readonly interestingChild = (c: ts.Node): true | undefined => (this.interesting(c) ? true : undefined);
  /** The handler's operations and the helper calls that start them: what the diagram draws. */
  private tree!: OperationTree;
  /** Where the tree's operations, helper calls and context hand-overs are, per file (see interesting). */
  private treeAtoms = new Map<ts.SourceFile, Int32Array>();

  run(fn: DurableFunction): WorkflowHandler {
    const sf = fn.sourceFile;
    const handlerLine = this.pos(sf, fn.node).line;
    this.nodes.push({ id: START, kind: 'start', name: null, line: handlerLine, parent: null, file: sf.fileName, ...this.range(sf, fn.node) });
    this.ids.add(START);
    this.ids.add(END);
    const scope: Scope = { path: '', parent: null, counters: new Map() };
    try {
      // The tree is memoised per handler node and follower: a stable follower lets the diagram reuse the tree
      // already built for this handler (by the rules, or an earlier inference of an unchanged file).
      this.tree = operationTree(this.ts, fn, this.checker, this.follow);
    } catch {
      this.tree = { handler: fn, root: { kind: 'root', owner: null, fn: fn.node, repeatable: false, operations: [] }, operations: [], byCall: new Map(), helperCalls: new Map(), contextCalls: new Set() };
    }
    this.treeAtoms = atomsOf([...this.tree.byCall.keys(), ...this.tree.helperCalls.keys(), ...this.tree.contextCalls]);
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
      finallyErrors: undefined,
    };
    let exits: Exit[] = [{ from: START, label: null }];
    this.currentFile = sf;
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
    const endAt = { line: endLc.line + 1 || endLine, parent: null, file: sf.fileName, column: endLc.character + 1, start: Math.max(0, endPos - 1), end: endPos };
    this.nodes.push({ id: END, kind: 'end', name: null, ...endAt });
    this.connect(exits, END);
    // Uncaught errors end apart from the normal end: the execution fails there.
    if (this.edges.some((e) => e.to === FAIL)) {
      this.ids.add(FAIL);
      this.nodes.push({ id: FAIL, kind: 'end', name: FAIL_NAME, ...endAt });
    }
    this.sanitize();
    const used = new Set<string>();
    for (const n of this.nodes) if (n.helper !== undefined) used.add(n.helper);
    const helpers = this.helperGroups.filter((g) => used.has(g.id));
    return { name: fn.name, file: sf.fileName, line: handlerLine, nodes: this.nodes, edges: this.edges, ...(helpers.length ? { helpers } : {}) };
  }

  /**
   * Cheap syntactic pre-check: could this subtree matter to the workflow (a call that may be an operation
   * or a helper, an awaited callback promise, a return or throw)? Plain code is skipped without a node.
   */
  protected interesting(n: ts.Node): boolean {
    const t = this.ts;
    const K = this.K;
    const k = n.kind;
    if (k === K.Identifier || k === K.StringLiteral || k === K.NumericLiteral || (k >= K.FirstTypeNode && k <= K.LastTypeNode)) return false;
    // Only statements are memoised: expressions are asked about once or twice, and a memo entry per
    // node would cost more (allocation, GC) than it saves.
    const memoise = k === K.Block || (k >= K.FirstStatement && k <= K.LastStatement) || k === K.CaseBlock;
    if (memoise) {
      const known = this.memo.get(n);
      if (known !== undefined) return known;
    }
    // With the file's scan done, a range lookup answers without walking the subtree: the file's syntactic
    // atoms (returns, throws, jumps, plain calls, operation-named calls) and the tree's call sites.
    const sf = this.currentFile;
    const fileAtoms = sf ? workflowAtoms(sf) : undefined;
    if (fileAtoms && sf) {
      const r = anyInRange(fileAtoms, n.pos, n.end) || anyInRange(this.treeAtoms.get(sf), n.pos, n.end);
      if (memoise) this.memo.set(n, r);
      return r;
    }
    let result = false;
    if (t.isReturnStatement(n) || t.isThrowStatement(n) || t.isBreakStatement(n) || t.isContinueStatement(n)) result = true;
    else if (t.isCallExpression(n)) {
      const c = skipOuterExpressions(t, n.expression);
      if (t.isIdentifier(c) || t.isElementAccessExpression(c)) result = true;
      else if (t.isPropertyAccessExpression(c)) result = mayBeOperationMethod(c.name.text) || this.tree.helperCalls.has(n) || this.tree.byCall.has(n) || this.tree.contextCalls.has(n);
    } else if (t.isAwaitExpression(n) && t.isIdentifier(skipOuterExpressions(t, n.expression))) result = true;
    if (!result) result = t.forEachChild(n, this.interestingChild) === true;
    if (memoise) this.memo.set(n, result);
    return result;
  }

  /** The operation a call is, as the operation tree found it: the diagram discovers no operation of its own. */
  protected opOf(call: ts.CallExpression): DurableOperationCall | undefined {
    const known = this.tree.byCall.get(call);
    return known && known.length > 0 ? known[0]!.op : undefined;
  }

  /** `ctx[method](…)`: is the object a durable context (a call the tree cannot name, drawn as dynamic)? */
  protected isContextArg(e: ts.Expression): boolean {
    return isContextExpression(this.ts, skipOuterExpressions(this.ts, e), this.checker);
  }

  protected walkCall(call: ts.CallExpression, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
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
          // waits for them (floating-durable-promise reports it). Drawn as a fan like a map's items, not a
          // loop: the flow goes on from before it at once, alongside the bodies, which join nothing.
          const tn = this.tentative(scope, 'branch', `${header}, not awaited`, call, ctx, `branch:${header}`, fr);
          this.walkCallback(fn, [{ from: tn.id, label: null }], this.sub(scope, tn.id), ctx);
          if (this.settle(tn)) return fr;
          const node = this.nodes.find((nd) => nd.id === tn.id);
          if (node) node.detail = 'all items at once, nothing waits for them';
          return fr;
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
    // A context handed to code the tree did not follow (it lists those calls); logging it is harmless.
    const handsContext = this.tree.contextCalls.has(call);
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

  protected walkArgs(call: ts.CallExpression, fr: Exit[], scope: Scope, ctx: FnCtx, skipFunctions = false): Exit[] {
    for (const a of call.arguments) {
      if (skipFunctions && isFunctionWithBody(this.ts, skipOuterExpressions(this.ts, a))) continue;
      fr = this.walkExpr(a, fr, scope, ctx);
    }
    return fr;
  }

  protected expandHelper(call: ts.CallExpression, target: ts.FunctionLikeDeclaration, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    const name = functionName(this.ts, target);
    const key = `${name}()`;
    const n = this.bump(scope, key);
    const hScope: Scope = this.child(scope, key + (n > 0 ? '#' + n : ''), scope.parent);
    // A closure declared inside the code being walked sees its createCallback promises too.
    const local = ctx.stack.some((outer) => target !== outer && target.pos >= outer.pos && target.end <= outer.end && target.getSourceFile() === outer.getSourceFile());
    const sf = target.getSourceFile();
    // Its nodes are grouped under the helper's name, once per call site (a helper called twice: two groups).
    const outer = this.helperGroup;
    this.helperGroups.push({ id: hScope.path, name, outer: outer ?? null, parent: scope.parent, line: this.pos(ctx.sf, call).line });
    this.helperGroup = hScope.path;
    try {
      return this.walkCallback(target, fr, hScope, ctx, { sf, stack: [...ctx.stack, target], callbacks: local ? copyMap(ctx.callbacks) : new Map() });
    } finally {
      this.helperGroup = outer;
    }
  }

  /** Every operation the tree has (or the handler holds) that the structure walk did not reach is still shown. */
  protected safetyNet(fn: DurableFunction, scope: Scope, ctx: FnCtx): void {
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
      this.currentFile = island.sf;
      this.walkOperation(op, [], unreached, island);
      const node = this.nodes[before];
      if (node) node.detail = joinDetail(node.detail, 'not reached by the inferred flow (e.g. in a function that is never called)');
    }
  }
}
