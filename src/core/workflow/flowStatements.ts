// Core (pure): the diagram's walk over statements and expressions — decisions, switches, loops with their
// break/continue jumps, try/catch/finally paths, returns and throws; calls are left to the subclass.
import type * as ts from 'typescript';
import type { DurableOperationCall } from '../analysis/operations';
import { skipOuterExpressions } from '../analysis/scope';
import { copyMap, ctxWith, END, FAIL, FlowGraph, STRUCTURE_KINDS, text, type Exit, type FnCtx, type JumpFrame, type Scope } from './flowGraph';

export abstract class FlowStatements extends FlowGraph {
  /** Could this subtree matter to the workflow (cheap, syntactic)? */
  protected abstract interesting(n: ts.Node): boolean;
  protected abstract walkCall(call: ts.CallExpression, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[];
  protected abstract opOf(call: ts.CallExpression): DurableOperationCall | undefined;
  protected abstract errorEdge(id: string, ctx: FnCtx): void;

  protected walkFunctionBody(fn: ts.FunctionLikeDeclaration, entry: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    const body = fn.body;
    if (!body) return entry;
    if (this.ts.isBlock(body)) {
      const out = this.walkStatements(body.statements, entry, scope, ctx);
      return ctx.isHandler ? out : [...out, ...ctx.returns];
    }
    const out = this.walkExpr(body as ts.Expression, entry, scope, ctx);
    return out;
  }

  protected walkStatements(list: readonly ts.Statement[], entry: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    let fr = entry;
    for (const st of list) fr = this.walkStatement(st, fr, scope, ctx);
    return fr;
  }

  protected walkStatement(st: ts.Statement, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    const t = this.ts;
    // Plain code (no operation, helper call, return, throw or jump inside) changes nothing in the diagram.
    if (!this.interesting(st)) return fr;
    // The common statements by their kind as a number (see syntaxKinds), the rest below.
    const K = this.K;
    switch (st.kind) {
      case K.Block:
        return this.walkStatements((st as ts.Block).statements, fr, scope, ctx);
      case K.ExpressionStatement:
        return this.walkExpr((st as ts.ExpressionStatement).expression, fr, scope, ctx);
      case K.VariableStatement:
        return this.walkVariables((st as ts.VariableStatement).declarationList, fr, scope, ctx);
      case K.IfStatement:
        return this.walkIf(st as ts.IfStatement, fr, scope, ctx);
      case K.TryStatement:
        return this.walkTry(st as ts.TryStatement, fr, scope, ctx);
      case K.ReturnStatement:
        return this.walkReturn(st as ts.ReturnStatement, fr, scope, ctx);
      default:
        break;
    }
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

  protected walkVariables(list: ts.VariableDeclarationList, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
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
  protected callbackAwait(e: ts.Expression, at: ts.Node, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] | undefined {
    const inner = skipOuterExpressions(this.ts, e);
    if (!this.ts.isIdentifier(inner)) return undefined;
    const cb = ctx.callbacks.get(inner.text);
    if (!cb) return undefined;
    const cbNode = this.nodes.find((n) => n.id === cb);
    const id = this.add(scope, 'createCallback', cbNode?.name ?? null, at, ctx, `await:${cbNode?.name ?? inner.text}`, 'waits for the callback result', { awaitOf: cb });
    this.errorEdge(id, ctx);
    return this.connect(fr, id);
  }

  protected isCallbackPromise(e: ts.Expression, ctx: FnCtx): boolean {
    const x = skipOuterExpressions(this.ts, e);
    return this.ts.isIdentifier(x) && ctx.callbacks.has(x.text);
  }

  protected unwrapCall(e: ts.Expression): ts.CallExpression | undefined {
    let x = skipOuterExpressions(this.ts, e);
    if (this.ts.isAwaitExpression(x)) x = skipOuterExpressions(this.ts, x.expression);
    return this.ts.isCallExpression(x) ? x : undefined;
  }

  protected walkIf(st: ts.IfStatement, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
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

  protected walkSwitch(st: ts.SwitchStatement, fr: Exit[], scope: Scope, ctx: FnCtx, label: string | undefined): Exit[] {
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

  protected walkLoop(st: ts.IterationStatement, fr: Exit[], scope: Scope, ctx: FnCtx, label: string | undefined): Exit[] {
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

  protected walkTry(st: ts.TryStatement, fr: Exit[], scope: Scope, outer: FnCtx): Exit[] {
    const t = this.ts;
    const clause = st.catchClause;
    const fj = st.finallyBlock ? { returns: [] as Exit[], throws: [] as Exit[] } : undefined;
    // With a finally, returns and throws that leave the try or catch block are collected and go through it.
    const ctx: FnCtx = fj ? ctxWith(outer, { finallyJumps: fj, catchTarget: undefined, finallyErrors: fj.throws }) : outer;
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

  protected walkFinally(st: ts.TryStatement, block: ts.Block, out: Exit[], fj: { returns: Exit[]; throws: Exit[] }, scope: Scope, ctx: FnCtx): Exit[] {
    const entry = [...out, ...fj.returns, ...fj.throws];
    const before = this.nodes.length;
    const fin = this.walkStatements(block.statements, entry, scope, ctx);
    const finallyEmpty = this.nodes.length === before && fin.length === entry.length && fin.every((x, i) => x === entry[i]);
    // Paths that were leaving carry on leaving after the finally: from its last nodes, or (when it has no
    // operations) straight from where they left.
    const returning = fj.returns.length ? (finallyEmpty ? fj.returns : fin.map((x) => ({ from: x.from, label: 'return' }))) : [];
    // An error that came in (a throw, a failing operation) leaves again after the finally: its error path.
    const throwing = fj.throws.length ? (finallyEmpty ? fj.throws.map((x) => ({ ...x, label: x.label?.replace(/ ?\(throw\)$/, '') || 'error' })) : fin.map((x) => ({ from: x.from, label: 'error' }))) : [];
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
    if (throwing.length) this.throwFrom(throwing, ctx, true);
    if (finallyEmpty) return out;
    if (out.length) return fin;
    // Every path through the try was leaving: nothing continues after the statement (except a tail return).
    return tail && returning.length ? fin : [];
  }

  protected walkReturn(st: ts.ReturnStatement, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
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
  protected isTail(st: ts.Statement, body: ts.Block): boolean {
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

  /** An uncaught throw: to the nearest catch, through the nearest finally, or to the failure end. `asIs` keeps labels. */
  protected throwFrom(exits: readonly Exit[], ctx: FnCtx, asIs = false): void {
    for (const x of exits) {
      const label = asIs ? x.label : x.label ? `${x.label} (throw)` : 'throw';
      if (ctx.catchTarget) this.edge(x.from, ctx.catchTarget, label, 'error');
      else if (ctx.finallyJumps) ctx.finallyJumps.throws.push({ from: x.from, label, kind: 'error' });
      else this.edge(x.from, FAIL, label, 'error');
    }
    this.effects++;
  }

  protected walkChildren(n: ts.Node, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    const t = this.ts;
    t.forEachChild(n, (c) => {
      if (t.isTypeNode(c) || t.isToken(c)) return;
      if (t.isStatement(c)) fr = this.walkStatement(c, fr, scope, ctx);
      else if (t.isVariableDeclarationList(c)) fr = this.walkVariables(c, fr, scope, ctx);
      else fr = this.walkExpr(c as ts.Expression, fr, scope, ctx);
    });
    return fr;
  }

  protected walkExpr(e: ts.Node, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
    const t = this.ts;
    switch (e.kind) {
      case this.K.Identifier:
      case this.K.StringLiteral:
      case this.K.NumericLiteral:
      case this.K.NoSubstitutionTemplateLiteral:
      case this.K.TrueKeyword:
      case this.K.FalseKeyword:
      case this.K.NullKeyword:
      case this.K.ThisKeyword:
        return fr;
    }
    if (!this.interesting(e)) return fr;
    if (e.kind === this.K.CallExpression) return this.walkCall(e as ts.CallExpression, fr, scope, ctx);
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
  protected walkCallback(fn: ts.FunctionLikeDeclaration, fr: Exit[], scope: Scope, ctx: FnCtx, extra: Partial<FnCtx> = {}): Exit[] {
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
      finallyErrors: 'finallyErrors' in extra ? extra.finallyErrors : ctx.finallyErrors,
    };
    const prev = this.currentFile;
    this.currentFile = inner.sf;
    try {
      return this.walkFunctionBody(fn, fr, scope, inner);
    } finally {
      this.currentFile = prev;
    }
  }
}
