// Core (pure): the diagram's nodes for durable operations — options summaries, invoke targets, and the
// contexts they open (child bodies, map items, parallel branches, combinator inputs, checkpointed callbacks).
import type * as ts from 'typescript';
import { resolveLocalFunction } from '../analysis/handlers';
import { operationNameText, type DurableOperationCall } from '../analysis/operations';
import { resolveCallee } from '../analysis/operationTree';
import { isFunctionWithBody, skipOuterExpressions } from '../analysis/scope';
import { baseName, joinDetail, safe, text, type Exit, type FnCtx, type MNode, type Scope } from './flowGraph';
import { FlowStatements } from './flowStatements';
import { concurrencyOptionsText, durationText, invokeTargetText, stepOptionsText, summarize, waitForCallbackOptionsText, waitForConditionOptionsText } from './summary';

export abstract class FlowOperations extends FlowStatements {
  /** An operation that fails: to the nearest catch, else through the nearest finally (which then rethrows). */
  protected errorEdge(id: string, ctx: FnCtx): void {
    if (ctx.catchTarget) this.edge(id, ctx.catchTarget, 'error', 'error');
    else if (ctx.finallyErrors) ctx.finallyErrors.push({ from: id, label: 'error', kind: 'error' });
  }

  protected walkOperation(op: DurableOperationCall, fr: Exit[], scope: Scope, ctx: FnCtx): Exit[] {
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
        // Concurrency and completion in words (`at most 5 at once; completes after 2 successes`).
        detail = joinDetail(op.itemsArg ? `items: ${text(t, op.itemsArg, ctx.sf)}` : undefined, concurrencyOptionsText(t, configArg, ctx.sf));
        break;
      case 'parallel':
        detail = concurrencyOptionsText(t, configArg, ctx.sf);
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

  protected resolveFunctionArg(e: ts.Expression): ts.FunctionLikeDeclaration | undefined {
    const x = skipOuterExpressions(this.ts, e);
    if (isFunctionWithBody(this.ts, x)) return x;
    const local = resolveLocalFunction(this.ts, x);
    if (local) return local;
    // Following an import needs symbols, not types: the checker is used even when not type-aware.
    return resolveCallee(this.ts, x, this.lazyChecker());
  }

  protected dynamicChild(parent: string, scope: Scope, at: ts.Node, ctx: FnCtx, why: string): Exit[] {
    const id = this.add(scope, 'dynamic', null, at, ctx, 'dynamic', why);
    this.edge(parent, id, null, undefined);
    return [{ from: id, label: null }];
  }

  protected walkParallel(id: string, inner: Scope, branchesArg: ts.Expression | undefined, call: ts.CallExpression, ctx: FnCtx): Exit[] {
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

  protected walkCombinator(id: string, inner: Scope, items: ts.Expression | undefined, ctx: FnCtx): Exit[] {
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
}
