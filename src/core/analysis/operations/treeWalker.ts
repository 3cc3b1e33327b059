// Core (pure): the walker that builds one handler's operation tree (operationTree.ts is its entry and cache):
// follows the handler's body, its helpers and the callbacks of operations, frame by frame (context, enclosing
// structure, loop/branch), numbering each operation as the SDK would within its context.
import type * as ts from 'typescript';
import type { DurableFunction, TS } from '../model';
import { anyInRange, callEnds, propertyCalls, resolveLocalFunction } from '../handlers';
import { getDurableOperationCall, learnContextArguments, operationNameText, operationNameValue, type DurableOperationCall } from '../operations';
import { contextPropertiesOf, isContextExpression, memberName } from './contexts';
import { COMBINATOR_KINDS, mayBeOperationMethod, type OperationKind } from './kinds';
import { functionName, isFunctionWithBody, skipOuterExpressions, fileNameOf } from '../scope';
import { resolveCallee } from './callees';
import type { ContextKind, Enclosing, OperationContextNode, OperationNode, OperationTree, StructureNode } from './treeTypes';
import { reportInternalError } from '../../errors';
import { syntaxKinds, type Kinds } from '../syntaxKinds';

interface Frame {
  readonly context: Ctx;
  readonly parent: Enclosing | null;
  readonly repeatable: boolean;
  /** On a path taken only sometimes (a branch, a loop, a catch): later numbers in the context are not definite. */
  readonly conditional: boolean;
  readonly via: readonly string[];
  readonly stack: readonly ts.Node[];
}

interface Ctx extends OperationContextNode {
  definite: boolean;
  counter: number;
}

const ARRAY_ITERATORS = new Set(['map', 'forEach', 'flatMap', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex']);
const MAX_HELPER_DEPTH = 12;

export class TreeWalker {
  private readonly all: OperationNode[] = [];
  private readonly byCall = new Map<ts.CallExpression, OperationNode[]>();
  private readonly helperCalls = new Map<ts.CallExpression | ts.NewExpression, ts.FunctionLikeDeclaration>();
  private readonly contextCalls = new Set<ts.CallExpression>();
  /** Combinators stored in a variable: numbered at their first await. */
  private readonly pending = new Map<ts.Node, { node: OperationNode; frame: Frame }>();
  private readonly candidates = new WeakMap<ts.Node, boolean>();
  /** The frame for children visited through forEachChild (one shared callback: no closure per node). */
  private frame!: Frame;
  private readonly child = (c: ts.Node): void => this.visit(c, this.frame);
  private readonly K: Kinds;

  constructor(private readonly ts: TS, private readonly checker: ts.TypeChecker | undefined, private readonly followWith: (() => ts.TypeChecker | undefined) | undefined) {
    this.K = syntaxKinds(ts);
  }

  /** The checker for following calls into other files (symbols only). */
  private follower(): ts.TypeChecker | undefined {
    if (this.checker) return this.checker;
    try {
      return this.followWith?.();
    } catch (e) {
      reportInternalError(e, 'operation-tree', undefined);
      return undefined;
    }
  }

  run(handler: DurableFunction): OperationTree {
    const root = newCtx('root', null, handler.node, false);
    const frame: Frame = { context: root, parent: null, repeatable: false, conditional: false, via: [], stack: [handler.node] };
    try {
      this.body(handler.node, frame);
    } catch (e) {
      reportInternalError(e, 'operation-tree', fileNameOf(handler.node));
      // odd code: keep what was found
    }
    try {
      this.safetyNet(handler.node, frame);
    } catch (e) {
      reportInternalError(e, 'operation-tree', fileNameOf(handler.node));
      // keep what was found
    }
    return { handler, root, operations: this.all, byCall: this.byCall, helperCalls: this.helperCalls, contextCalls: this.contextCalls };
  }

  /** The call offsets of the file the frame's code is in (the stack's last function). */
  private endsFor(f: Frame): Int32Array | undefined {
    const top = f.stack[f.stack.length - 1];
    if (top !== this.lastTop) {
      this.lastTop = top;
      this.lastEnds = top ? callEnds(top.getSourceFile()) : undefined;
    }
    return this.lastEnds;
  }
  private lastTop: ts.Node | undefined;
  private lastEnds: Int32Array | undefined;

  /** The file of a call made in the frame's code (the stack's last function), without walking up from the call. */
  private fileOf(f: Frame, call: ts.Node): ts.SourceFile {
    const top = f.stack[f.stack.length - 1];
    if (!top) return call.getSourceFile();
    if (top !== this.lastFileTop) {
      this.lastFileTop = top;
      this.lastFile = top.getSourceFile();
    }
    return this.lastFile!;
  }
  private lastFileTop: ts.Node | undefined;
  private lastFile: ts.SourceFile | undefined;

  private body(fn: ts.FunctionLikeDeclaration, f: Frame): void {
    if (!fn.body) return;
    if (this.ts.isBlock(fn.body)) for (const st of fn.body.statements) this.visit(st, f);
    else this.visit(fn.body, f);
  }

  private visit(n: ts.Node, f: Frame): void {
    const t = this.ts;
    const K = this.K;
    const k = n.kind;
    if (k === K.Identifier || k === K.StringLiteral || k === K.NumericLiteral || (k >= K.FirstTypeNode && k <= K.LastTypeNode)) return;
    // Only calls start operations: a subtree without one is skipped (unless a stored combinator may be awaited there).
    if (this.pending.size === 0) {
      const ends = this.endsFor(f);
      if (ends && !anyInRange(ends, n.pos, n.end)) return;
    }
    // Kinds compared as numbers (see syntaxKinds): this runs for every node on the way to an operation.
    switch (k) {
      case K.FunctionDeclaration:
      case K.ClassDeclaration:
      case K.InterfaceDeclaration:
      case K.TypeAliasDeclaration:
      case K.ImportDeclaration:
      case K.ClassExpression:
      case K.MethodDeclaration:
        return;
      case K.VariableDeclaration: {
        const d = n as ts.VariableDeclaration;
        if (!d.initializer) break;
        const ik = skipOuterExpressions(t, d.initializer).kind;
        // A function stored in a variable runs where it is called.
        if (ik === K.ArrowFunction || ik === K.FunctionExpression) return;
        this.visit(d.initializer, f);
        return;
      }
      case K.CallExpression:
        return this.call(n as ts.CallExpression, f);
      case K.AwaitExpression: {
        const e = (n as ts.AwaitExpression).expression;
        this.visit(e, f);
        this.awaited(e);
        return;
      }
      case K.ExpressionStatement:
        return this.visit((n as ts.ExpressionStatement).expression, f);
      case K.Block:
        for (const st of (n as ts.Block).statements) this.visit(st, f);
        return;
      case K.IfStatement:
      case K.ConditionalExpression:
      case K.BinaryExpression:
      case K.SwitchStatement:
      case K.ForStatement:
      case K.ForOfStatement:
      case K.ForInStatement:
      case K.WhileStatement:
      case K.DoStatement:
      case K.TryStatement:
      case K.ArrowFunction:
      case K.FunctionExpression:
        return this.structured(n, f);
      default:
        break;
    }
    this.children(n, f);
  }

  /** Branches, loops, try and function values: the frames they open. */
  private structured(n: ts.Node, f: Frame): void {
    const t = this.ts;
    if (t.isIfStatement(n)) {
      this.visit(n.expression, f);
      const cond = (): string => `if ${label(t, n.expression)}`;
      this.visit(n.thenStatement, this.structure(f, 'branch', cond, n, 'yes'));
      if (n.elseStatement) this.visit(n.elseStatement, this.structure(f, 'branch', cond, n, 'no'));
      return;
    }
    if (t.isConditionalExpression(n)) {
      this.visit(n.condition, f);
      const cond = (): string => `${label(t, n.condition)} ?`;
      this.visit(n.whenTrue, this.structure(f, 'branch', cond, n, 'yes'));
      this.visit(n.whenFalse, this.structure(f, 'branch', cond, n, 'no'));
      return;
    }
    if (t.isBinaryExpression(n)) {
      const op = n.operatorToken.kind;
      if (op === t.SyntaxKind.AmpersandAmpersandToken || op === t.SyntaxKind.BarBarToken || op === t.SyntaxKind.QuestionQuestionToken) {
        this.visit(n.left, f);
        const sym = op === t.SyntaxKind.AmpersandAmpersandToken ? '&&' : op === t.SyntaxKind.BarBarToken ? '||' : '??';
        this.visit(n.right, this.structure(f, 'branch', () => `${label(t, n.left)} ${sym}`, n, sym === '&&' ? 'yes' : sym === '||' ? 'no' : 'nullish'));
        return;
      }
    }
    if (t.isSwitchStatement(n)) {
      this.visit(n.expression, f);
      const subject = (): string => `switch ${label(t, n.expression)}`;
      for (const c of n.caseBlock.clauses) {
        const path = t.isDefaultClause(c) ? 'default' : `case ${label(t, c.expression)}`;
        const inner = this.structure(f, 'branch', subject, n, path);
        if (t.isCaseClause(c)) this.visit(c.expression, inner);
        for (const st of c.statements) this.visit(st, inner);
      }
      return;
    }
    if (t.isForStatement(n) || t.isForOfStatement(n) || t.isForInStatement(n) || t.isWhileStatement(n) || t.isDoStatement(n)) {
      if (t.isForOfStatement(n) || t.isForInStatement(n)) this.visit(n.expression, f);
      if (t.isForStatement(n) && n.initializer) this.visit(n.initializer, f);
      const inner = this.structure(f, 'loop', () => loopLabel(t, n), n);
      if (t.isForStatement(n)) {
        if (n.condition) this.visit(n.condition, inner);
        this.visit(n.statement, inner);
        if (n.incrementor) this.visit(n.incrementor, inner);
      } else if (t.isWhileStatement(n)) {
        this.visit(n.expression, inner);
        this.visit(n.statement, inner);
      } else if (t.isDoStatement(n)) {
        this.visit(n.statement, inner);
        this.visit(n.expression, inner);
      } else {
        this.visit(n.statement, inner);
      }
      return;
    }
    if (t.isTryStatement(n)) {
      const tf: Frame = { ...f, parent: new Structure('try', () => 'try', n, f.parent) };
      for (const st of n.tryBlock.statements) this.visit(st, tf);
      if (n.catchClause) {
        const cc = n.catchClause;
        const cf = this.structure(f, 'catch', () => (cc.variableDeclaration ? `catch (${label(t, cc.variableDeclaration.name)})` : 'catch'), cc);
        for (const st of n.catchClause.block.statements) this.visit(st, cf);
      }
      if (n.finallyBlock) {
        const ff: Frame = { ...f, parent: new Structure('finally', () => 'finally', n.finallyBlock, f.parent) };
        for (const st of n.finallyBlock.statements) this.visit(st, ff);
      }
      return;
    }
    if (t.isArrowFunction(n) || t.isFunctionExpression(n)) {
      // A function value in an unknown place (an argument of some library call): its operations run in
      // the current context when it is called; shown where it is written so they are never lost.
      if (!f.stack.includes(n)) this.body(n, { ...f, stack: [...f.stack, n] });
      return;
    }
    this.children(n, f);
  }

  private children(n: ts.Node, f: Frame): void {
    const prev = this.frame;
    this.frame = f;
    this.ts.forEachChild(n, this.child);
    this.frame = prev;
  }

  private structure(f: Frame, kind: StructureNode['kind'], text: () => string, node: ts.Node, path?: string, floating?: boolean): Frame {
    const s = new Structure(kind, text, node, f.parent, path, floating);
    return { context: f.context, parent: s, repeatable: f.repeatable || kind === 'loop', conditional: f.conditional || kind !== 'finally', via: f.via, stack: f.stack };
  }

  // ---------- calls ----------

  private call(call: ts.CallExpression, f: Frame): void {
    const t = this.ts;
    const op = getDurableOperationCall(t, call, this.checker);
    if (op) return this.operation(op, f);
    const callee = skipOuterExpressions(t, call.expression);
    // `c.then(…)` on a stored combinator: numbered now.
    if (t.isPropertyAccessExpression(callee) && callee.name.text === 'then') this.awaited(callee.expression);
    // items.forEach(async (x) => …), items.map(x => ctx.step(…)): the callback runs once per element.
    const iter = memberName(t, callee);
    if (iter !== undefined && ARRAY_ITERATORS.has(iter) && t.isPropertyAccessExpression(callee)) {
      const fnArg = call.arguments.find((a) => isFunctionWithBody(t, skipOuterExpressions(t, a)));
      if (fnArg) {
        this.visit(callee.expression, f);
        for (const a of call.arguments) if (a !== fnArg) this.visit(a, f);
        const fn = skipOuterExpressions(t, fnArg) as ts.FunctionLikeDeclaration;
        const floating = iter === 'forEach' && isAsync(t, fn);
        this.body(fn, this.structure(f, 'loop', () => `${label(t, callee.expression)}.${iter}`, call, undefined, floating));
        return;
      }
    }
    const target = this.helperTarget(call, f);
    if (target) {
      this.visit(call.expression, f);
      for (const a of call.arguments) if (!isFunctionWithBody(t, skipOuterExpressions(t, a))) this.visit(a, f);
      this.helperCalls.set(call, target);
      learnContextArguments(t, call, target, this.checker);
      this.body(target, { ...f, via: [...f.via, functionName(t, target)], stack: [...f.stack, target] });
      return;
    }
    this.children(call, f);
  }

  /** The user function a call runs, when it can start operations (given a context, or holding operation calls). */
  private helperTarget(call: ts.CallExpression, f: Frame): ts.FunctionLikeDeclaration | undefined {
    if (f.stack.length > MAX_HELPER_DEPTH) return undefined;
    const t = this.ts;
    const callee = skipOuterExpressions(t, call.expression);
    const passes = call.arguments.some((a) => {
      const x = skipOuterExpressions(t, a);
      return isContextExpression(t, x, this.checker) || (t.isObjectLiteralExpression(x) && contextPropertiesOf(t, x, this.checker).length > 0);
    });
    if (passes) this.contextCalls.add(call);
    const target = resolveCallee(t, callee, passes ? this.follower() : undefined);
    if (!target || !target.body || f.stack.includes(target)) return undefined;
    return passes || this.hasCandidates(target, 0) ? target : undefined;
  }

  /** Syntactic: could running `fn` start an operation (an operation-named member call, or a local function that could)? */
  private hasCandidates(fn: ts.FunctionLikeDeclaration, depth: number): boolean {
    const known = this.candidates.get(fn);
    if (known !== undefined) return known;
    this.candidates.set(fn, false);
    const t = this.ts;
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (t.isCallExpression(n)) {
        const c = skipOuterExpressions(t, n.expression);
        const name = memberName(t, c);
        if (name !== undefined && mayBeOperationMethod(name)) found = true;
        else if (depth < 4 && (t.isIdentifier(c) || t.isPropertyAccessExpression(c))) {
          const target = resolveCallee(t, c, undefined);
          if (target && target !== fn && this.hasCandidates(target, depth + 1)) found = true;
        }
      }
      if (!found) t.forEachChild(n, visit);
    };
    if (fn.body) visit(fn.body);
    this.candidates.set(fn, found);
    return found;
  }

  // ---------- operations ----------

  private operation(op: DurableOperationCall, f: Frame): void {
    const t = this.ts;
    const call = op.call;
    // Arguments are evaluated before the call: operations inside them take their numbers first.
    for (const a of call.arguments) {
      if (a === op.callbackArg) continue;
      if (isFunctionWithBody(t, skipOuterExpressions(t, a))) continue;
      this.visit(a, f);
    }
    const deferred = COMBINATOR_KINDS.has(op.method) && storedIn(t, call) !== undefined;
    const node = this.add(op, f, !deferred);
    if (deferred) this.pending.set(storedIn(t, call)!, { node, frame: f });
    const cb = op.callbackArg;
    switch (op.method) {
      case 'runInChildContext': {
        const fn = cb ? this.functionArg(cb) : undefined;
        this.openContext(node, 'child', fn, f, false);
        break;
      }
      case 'map': {
        const fn = cb ? this.functionArg(cb) : undefined;
        this.openContext(node, 'item', fn, f, true);
        break;
      }
      case 'parallel': {
        const arr = cb ? skipOuterExpressions(t, cb) : undefined;
        if (arr && t.isArrayLiteralExpression(arr)) {
          arr.elements.forEach((el, i) => {
            const x = skipOuterExpressions(t, el);
            let fnExpr: ts.Node | undefined = x;
            let bname: string | null = null;
            if (t.isObjectLiteralExpression(x)) {
              fnExpr = undefined;
              for (const p of x.properties) {
                if (t.isPropertyAssignment(p) && t.isIdentifier(p.name) && p.name.text === 'name') bname = operationNameText(t, p.initializer, p.getSourceFile());
                else if (t.isPropertyAssignment(p) && t.isIdentifier(p.name) && p.name.text === 'func') fnExpr = p.initializer;
                else if (t.isShorthandPropertyAssignment(p) && p.name.text === 'func') fnExpr = p.name;
                else if (t.isMethodDeclaration(p) && t.isIdentifier(p.name) && p.name.text === 'func') fnExpr = p;
              }
            }
            const fn = fnExpr ? (t.isMethodDeclaration(fnExpr) ? fnExpr : this.functionArg(fnExpr as ts.Expression)) : undefined;
            this.openContext(node, 'branch', fn, f, false, i, bname);
          });
        }
        break;
      }
      case 'step':
      case 'waitForCallback':
      case 'waitForCondition': {
        // Checkpointed code: the SDK rejects operations in it; found all the same so none is lost.
        const fn = cb ? this.functionArg(cb) : undefined;
        if (op.method === 'waitForCallback' || (fn && this.hasCandidates(fn, 0))) this.openContext(node, 'callback', fn, f, false);
        break;
      }
      default:
        break;
    }
  }

  private add(op: DurableOperationCall, f: Frame, numbered: boolean): OperationNode {
    const t = this.ts;
    const call = op.call;
    const sf = this.fileOf(f, call);
    const start = call.getStart(sf);
    const lc = sf.getLineAndCharacterOfPosition(start);
    const ctx = f.context;
    const nameArg = op.nameArg;
    // A literal is its own value: the constant lookup (a binding search) is only for other names.
    const literal = nameArg !== undefined && (nameArg.kind === this.K.StringLiteral || nameArg.kind === this.K.NoSubstitutionTemplateLiteral);
    const name = nameArg ? (literal ? (nameArg as ts.StringLiteral).text : operationNameText(t, nameArg, sf)) : null;
    const value = nameArg && !literal ? operationNameValue(t, nameArg, this.checker) : undefined;
    let order: number | undefined;
    let sdkNumber: number | undefined;
    if (numbered) {
      order = ++ctx.counter;
      if (f.conditional || f.repeatable) ctx.definite = false;
      sdkNumber = ctx.definite ? order : undefined;
    }
    const node: OperationNode = {
      type: 'operation',
      kind: op.method,
      name,
      ...(value !== undefined && value !== name ? { nameValue: value } : {}),
      call,
      op,
      file: sf.fileName,
      start,
      end: call.end,
      line: lc.line + 1,
      column: lc.character + 1,
      context: ctx,
      parent: f.parent,
      order,
      sdkNumber,
      repeatable: f.repeatable,
      via: f.via,
      children: [],
    };
    if (numbered) ctx.operations.push(node);
    this.all.push(node);
    const list = this.byCall.get(call);
    if (list) list.push(node);
    else this.byCall.set(call, [node]);
    return node;
  }

  /** A stored combinator awaited (or `.then`-ed) here takes its number now. */
  private awaited(e: ts.Expression): void {
    if (this.pending.size === 0) return;
    const x = skipOuterExpressions(this.ts, e);
    if (!this.ts.isIdentifier(x)) return;
    for (const [decl, p] of this.pending) {
      if (!this.ts.isVariableDeclaration(decl) || !this.ts.isIdentifier(decl.name) || decl.name.text !== x.text) continue;
      this.pending.delete(decl);
      const ctx = p.node.context as Ctx;
      const order = ++ctx.counter;
      if (p.frame.conditional || p.frame.repeatable) ctx.definite = false;
      Object.assign(p.node, { order, sdkNumber: ctx.definite ? order : undefined });
      ctx.operations.push(p.node);
      return;
    }
  }

  private openContext(owner: OperationNode, kind: ContextKind, fn: ts.FunctionLikeDeclaration | undefined, f: Frame, repeatable: boolean, index?: number, name?: string | null): void {
    const ctx = newCtx(kind, owner, fn, repeatable, index, name);
    owner.children.push(ctx);
    if (!fn || f.stack.includes(fn)) return;
    this.body(fn, { context: ctx, parent: null, repeatable: false, conditional: false, via: [], stack: [...f.stack, fn] });
  }

  private functionArg(e: ts.Expression): ts.FunctionLikeDeclaration | undefined {
    const t = this.ts;
    const x = skipOuterExpressions(t, e);
    if (isFunctionWithBody(t, x)) return x;
    return resolveLocalFunction(t, x) ?? resolveCallee(t, x, this.follower());
  }

  /** Operations in the handler that the walk did not reach (in a function never called) are kept, unnumbered. */
  private safetyNet(fn: ts.FunctionLikeDeclaration, f: Frame): void {
    const t = this.ts;
    const found = (n: ts.CallExpression): void => {
      if (this.byCall.has(n)) return;
      const op = getDurableOperationCall(t, n, this.checker);
      if (op) Object.assign(this.add(op, { ...f, conditional: true }, false), { unreached: true });
    };
    const body = fn.body;
    if (!body) return;
    // The file's `x.name(…)` calls are already listed in tree order by the scan that found the handler.
    const listed = propertyCalls(fn.getSourceFile());
    if (listed) {
      for (const n of listed) if (n.pos >= body.pos && n.end <= body.end) found(n);
      return;
    }
    const visit = (n: ts.Node): void => {
      if (t.isCallExpression(n)) found(n);
      t.forEachChild(n, visit);
    };
    visit(body);
  }
}

/** A structure node whose label is read only when asked for (most are never shown). */
class Structure implements StructureNode {
  private text: string | undefined;
  readonly path?: string;
  readonly floating?: boolean;
  constructor(readonly kind: StructureNode['kind'], private readonly make: () => string, readonly node: ts.Node, readonly parent: Enclosing | null, path?: string, floating?: boolean) {
    if (path !== undefined) this.path = path;
    if (floating) this.floating = floating;
  }
  get label(): string {
    if (this.text === undefined) this.text = this.make();
    return this.text;
  }
}

function newCtx(kind: ContextKind, owner: OperationNode | null, fn: ts.FunctionLikeDeclaration | undefined, repeatable: boolean, index?: number, name?: string | null): Ctx {
  return { kind, owner, fn, repeatable, operations: [], definite: true, counter: 0, ...(index !== undefined ? { index } : {}), ...(name !== undefined ? { name } : {}) };
}

/** The variable a call's value is stored in (`const c = ctx.promise.all(…)`), when it is not awaited at once. */
function storedIn(tsm: TS, call: ts.CallExpression): ts.VariableDeclaration | undefined {
  let n: ts.Node = call;
  while (n.parent && (tsm.isParenthesizedExpression(n.parent) || tsm.isAsExpression(n.parent) || tsm.isNonNullExpression(n.parent))) n = n.parent;
  const p = n.parent;
  return p && tsm.isVariableDeclaration(p) && p.initializer === n && tsm.isIdentifier(p.name) ? p : undefined;
}

function isAsync(tsm: TS, fn: ts.FunctionLikeDeclaration): boolean {
  return !!tsm.getModifiers?.(fn as ts.HasModifiers)?.some((m) => m.kind === tsm.SyntaxKind.AsyncKeyword);
}

function label(tsm: TS, n: ts.Node | undefined): string {
  if (!n) return '';
  try {
    const s = n.getText().replace(/\s+/g, ' ');
    return s.length > 60 ? s.slice(0, 59) + '…' : s;
  } catch {
    // A node without source text (synthesized by a transform) has no label to show: '?' says so.
    return '?';
  }
}

function loopLabel(tsm: TS, st: ts.IterationStatement): string {
  if (tsm.isForOfStatement(st) || tsm.isForInStatement(st)) return `for ${tsm.isForOfStatement(st) && st.awaitModifier ? 'await ' : ''}${label(tsm, st.initializer)} ${tsm.isForOfStatement(st) ? 'of' : 'in'} ${label(tsm, st.expression)}`;
  if (tsm.isForStatement(st)) return `for ${st.condition ? label(tsm, st.condition) : 'ever'}`;
  if (tsm.isWhileStatement(st)) return `while ${label(tsm, st.expression)}`;
  return `do … while ${label(tsm, (st as ts.DoStatement).expression)}`;
}
