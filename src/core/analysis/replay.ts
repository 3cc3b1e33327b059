// Core (pure): the replay/checkpoint scope model — which functions run on every replay and which run once
// inside a checkpointed callback — following calls into helpers in the same file and, with a Program,
// across files. Memoised per Program (or per SourceFile in syntax-only mode); cycles and depth bounded.
import type * as ts from 'typescript';
import type { DurableFunction, TS } from './model';
import { durableFunctionMap, handlerReferences } from './handlers';
import { CHECKPOINTED_METHODS, CHILD_CONTEXT_METHODS, DurableOperationCall, getDurableOperationCall, operationOfCallback } from './operations';
import { findBinding, functionName, isFunctionWithBody, skipOuterExpressions } from './scope';
import { mayContainDurableCode } from './sdk';

export type Mode = 'replayed' | 'checkpointed';

/** One function body walked in one mode; nested callbacks of operations are regions of their own. */
export interface Region {
  readonly fn: ts.FunctionLikeDeclaration;
  readonly mode: Mode;
  /** The durable function (handler first, else helper) from which this code is reached. */
  readonly root: DurableFunction;
  /** Names from the root to this function: ['processOrder', 'chargeCard', 'newId']. */
  readonly via: readonly string[];
  /** Set when `fn` is the callback of an operation (a step function, a child-context body…). */
  readonly op?: DurableOperationCall;
}

export interface ReplayModel {
  readonly regionsByFile: Map<ts.SourceFile, Region[]>;
}

/** Helper call chains longer than this are not followed (a guard against pathological code). */
export const MAX_CALL_DEPTH = 16;

const byProgram = new WeakMap<ts.Program, ReplayModel>();
const byFile = new WeakMap<ts.SourceFile, ReplayModel>();

/**
 * The model for a Program (all its user files), or for one file alone when `program` is undefined.
 * Never throws; on internal failure, the regions found so far are kept.
 */
export function getReplayModel(tsm: TS, program: ts.Program | undefined, sourceFile: ts.SourceFile): ReplayModel {
  if (program) {
    let m = byProgram.get(program);
    if (!m) {
      m = build(tsm, program, [sourceFile]);
      byProgram.set(program, m);
    }
    return m;
  }
  let m = byFile.get(sourceFile);
  if (!m) {
    m = build(tsm, undefined, [sourceFile]);
    byFile.set(sourceFile, m);
  }
  return m;
}

export function isUserFile(program: ts.Program | undefined, sf: ts.SourceFile): boolean {
  if (sf.isDeclarationFile) return false;
  if (/[\\/]node_modules[\\/]/.test(sf.fileName)) return false;
  if (program) {
    try {
      if (program.isSourceFileFromExternalLibrary(sf)) return false;
    } catch {
      // older hosts: fall back to the path test above
    }
  }
  return true;
}

function build(tsm: TS, program: ts.Program | undefined, files: ts.SourceFile[]): ReplayModel {
  const regionsByFile = new Map<ts.SourceFile, Region[]>();
  let checker: ts.TypeChecker | undefined;
  try {
    checker = program?.getTypeChecker();
  } catch {
    checker = undefined;
  }
  const seen = new Map<ts.Node, Set<Mode>>();
  const queue: Region[] = [];
  const enqueue = (r: Region): void => {
    let modes = seen.get(r.fn);
    if (!modes) {
      modes = new Set();
      seen.set(r.fn, modes);
    }
    if (modes.has(r.mode)) return;
    modes.add(r.mode);
    queue.push(r);
    const sf = r.fn.getSourceFile();
    let list = regionsByFile.get(sf);
    if (!list) {
      list = [];
      regionsByFile.set(sf, list);
    }
    list.push(r);
  };

  const sources = program ? program.getSourceFiles().filter((sf) => isUserFile(program, sf) && mayContainDurableCode(sf)) : files;
  const handlers: DurableFunction[] = [];
  const helpers: DurableFunction[] = [];
  for (const sf of sources) {
    try {
      for (const df of durableFunctionMap(tsm, sf, checker).values()) (df.kind === 'handler' ? handlers : helpers).push(df);
      if (checker) {
        // withDurableExecution(importedFn): the handler body lives in another file.
        for (const ref of handlerReferences(tsm, sf)) {
          const target = resolveFunction(tsm, ref, checker, program);
          if (target) {
            const p = target.parameters[1];
            handlers.push({ kind: 'handler', name: functionName(tsm, target), node: target, contextParam: p && tsm.isIdentifier(p.name) ? p.name.text : undefined, sourceFile: target.getSourceFile() });
          }
        }
      }
    } catch {
      // a broken file contributes nothing
    }
  }

  const drain = (): void => {
    while (queue.length > 0) {
      const r = queue.shift()!;
      try {
        walkRegion(tsm, r, checker, program, enqueue);
      } catch {
        // keep the rest of the model
      }
    }
  };
  // Handlers first and to completion, so a helper reached from a handler is attributed to it.
  for (const h of handlers) enqueue({ fn: h.node, mode: 'replayed', root: h, via: [h.name] });
  drain();
  for (const h of helpers) enqueue({ fn: h.node, mode: 'replayed', root: h, via: [h.name] });
  drain();
  return { regionsByFile };
}

function walkRegion(tsm: TS, r: Region, checker: ts.TypeChecker | undefined, program: ts.Program | undefined, enqueue: (r: Region) => void): void {
  const body = r.fn.body;
  if (!body) return;
  const follow = (target: ts.FunctionLikeDeclaration | undefined, mode: Mode, name: string, op?: DurableOperationCall): void => {
    if (!target || r.via.length >= MAX_CALL_DEPTH) return;
    const sf = target.getSourceFile();
    if (!isUserFile(program, sf)) return;
    if (!program && sf !== r.fn.getSourceFile()) return;
    // A durable helper called from checkpointed code is reported at the call (durable-op-in-step) instead.
    if (mode === 'checkpointed' && durableFunctionMap(tsm, sf, checker).has(target)) return;
    enqueue({ fn: target, mode, root: r.root, via: [...r.via, name], ...(op ? { op } : {}) });
  };
  const visit = (node: ts.Node): void => {
    if (node !== r.fn && tsm.isFunctionLike(node)) {
      if (isFunctionWithBody(tsm, node)) {
        const op = operationOfCallback(tsm, node, checker);
        if (op && CHECKPOINTED_METHODS.has(op.method)) {
          enqueue({ fn: node, mode: 'checkpointed', root: r.root, via: r.via, op });
          return;
        }
        if (op && CHILD_CONTEXT_METHODS.has(op.method)) {
          enqueue({ fn: node, mode: r.mode, root: r.root, via: r.via, op });
          return;
        }
      }
      // Other nested functions belong to the enclosing code (they usually run where they are defined).
      tsm.forEachChild(node, visit);
      return;
    }
    if (tsm.isCallExpression(node)) {
      const op = getDurableOperationCall(tsm, node, checker);
      if (op) {
        // Callbacks passed by reference: ctx.step('charge', charge), ctx.map(items, processItem).
        const refs: ts.Expression[] = [];
        if (op.callbackArg) {
          const cb = skipOuterExpressions(tsm, op.callbackArg);
          if (tsm.isArrayLiteralExpression(cb)) refs.push(...cb.elements);
          else refs.push(cb);
        }
        for (const ref of refs) {
          const x = skipOuterExpressions(tsm, ref);
          if (isFunctionWithBody(tsm, x)) continue; // inline: handled as a nested function
          const target = resolveFunction(tsm, x, checker, program);
          const mode: Mode = CHECKPOINTED_METHODS.has(op.method) ? 'checkpointed' : r.mode;
          if (target) follow(target, mode, functionName(tsm, target), op);
        }
      } else {
        const target = resolveFunction(tsm, node.expression, checker, program);
        if (target && target !== r.fn) follow(target, r.mode, calleeName(tsm, node.expression, target));
        // Functions passed by reference to ordinary calls: items.forEach(handleItem).
        for (const a of node.arguments) {
          const x = skipOuterExpressions(tsm, a);
          if (tsm.isIdentifier(x)) {
            const t = resolveFunction(tsm, x, undefined, program);
            if (t && t !== r.fn) follow(t, r.mode, x.text);
          }
        }
      }
    }
    tsm.forEachChild(node, visit);
  };
  tsm.forEachChild(body, visit);
  if (!tsm.isBlock(body)) visit(body);
}

function calleeName(tsm: TS, callee: ts.Expression, target: ts.Node): string {
  const x = skipOuterExpressions(tsm, callee);
  if (tsm.isIdentifier(x)) return x.text;
  if (tsm.isPropertyAccessExpression(x)) return x.name.text;
  return functionName(tsm, target);
}

/**
 * The function declaration (with a body) a callee or function reference names: same-file syntactically
 * (declarations, `const f = () => …`, `obj.method` of a local object literal, `this.method`), other files
 * through the checker (imports, re-exports, namespace members, class methods).
 */
export function resolveFunction(tsm: TS, expr: ts.Expression, checker: ts.TypeChecker | undefined, program: ts.Program | undefined): ts.FunctionLikeDeclaration | undefined {
  const x = skipOuterExpressions(tsm, expr);
  if (tsm.isIdentifier(x)) {
    const decl = findBinding(tsm, x);
    if (decl) {
      const local = functionOfDeclaration(tsm, decl);
      if (local) return local;
      const isImport = tsm.isImportSpecifier(decl) || tsm.isImportClause(decl) || tsm.isImportEqualsDeclaration(decl) || tsm.isBindingElement(decl) || tsm.isVariableDeclaration(decl);
      if (!isImport || !checker) return undefined;
    } else if (!checker) {
      return undefined;
    } else {
      return undefined; // a global: never user code worth following
    }
  } else if (tsm.isPropertyAccessExpression(x)) {
    if (x.expression.kind === tsm.SyntaxKind.ThisKeyword) {
      const cls = enclosingClass(tsm, x);
      const m = cls?.members.find((mem) => mem.name && tsm.isIdentifier(mem.name) && mem.name.text === x.name.text);
      if (m) return functionOfDeclaration(tsm, m);
    } else if (tsm.isIdentifier(x.expression)) {
      const decl = findBinding(tsm, x.expression);
      if (decl && tsm.isVariableDeclaration(decl) && decl.initializer) {
        const init = skipOuterExpressions(tsm, decl.initializer);
        if (tsm.isObjectLiteralExpression(init)) {
          const prop = init.properties.find((p) => p.name && (tsm.isIdentifier(p.name) || tsm.isStringLiteral(p.name)) && p.name.text === x.name.text);
          if (prop) return functionOfDeclaration(tsm, prop);
        }
      }
      if (!decl) return undefined; // Math.max, JSON.parse, console.log…
      if (!mayHoldUserFunctions(tsm, decl)) return undefined;
    } else if (!mayHoldUserFunctions(tsm, undefined, x.expression)) {
      return undefined;
    }
    if (!checker) return undefined;
  } else {
    return undefined;
  }
  try {
    let sym = checker.getSymbolAtLocation(tsm.isPropertyAccessExpression(x) ? x.name : x);
    if (sym && sym.flags & tsm.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
    const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
    if (!decl) return undefined;
    const sf = decl.getSourceFile();
    if (!isUserFile(program, sf)) return undefined;
    return functionOfDeclaration(tsm, decl);
  } catch {
    return undefined;
  }
}

/**
 * Could a method called on this receiver be user code worth asking the checker about? Data parameters
 * (untyped callback parameters, literal or keyword types) and durable contexts are not; imports,
 * instances and type-referenced parameters may be. Keeps the checker off most `items.map(...)` calls.
 */
function mayHoldUserFunctions(tsm: TS, decl: ts.Node | undefined, receiver?: ts.Expression): boolean {
  if (receiver) {
    let root: ts.Expression = skipOuterExpressions(tsm, receiver);
    for (let i = 0; i < 20 && (tsm.isPropertyAccessExpression(root) || tsm.isElementAccessExpression(root)); i++) root = skipOuterExpressions(tsm, root.expression);
    // `a.b().c()`: methods of call results are library code or data, and asking costs a full inference.
    if (tsm.isCallExpression(root)) return false;
    if (root.kind === tsm.SyntaxKind.ThisKeyword || tsm.isNewExpression(root)) return true;
    if (!tsm.isIdentifier(root)) return false;
    const d = findBinding(tsm, root);
    return d !== undefined && mayHoldUserFunctions(tsm, d);
  }
  if (!decl) return false;
  if (tsm.isParameter(decl)) {
    const t = decl.type;
    if (!t) {
      const fn = decl.parent;
      return !(fn && (tsm.isArrowFunction(fn) || tsm.isFunctionExpression(fn)));
    }
    if (!tsm.isTypeReferenceNode(t)) return false;
    const name = tsm.isIdentifier(t.typeName) ? t.typeName.text : t.typeName.right.text;
    return name !== 'DurableContext' && !/^(Array|ReadonlyArray|Record|Map|Set|Promise|Partial|Readonly)$/.test(name);
  }
  if (tsm.isVariableDeclaration(decl) && decl.initializer && !decl.type) {
    // Instances of user classes and aliases may have user methods; call and await results are data
    // or library objects (whose methods live in declaration files).
    const init = skipOuterExpressions(tsm, decl.initializer);
    return tsm.isNewExpression(init) || tsm.isIdentifier(init) || tsm.isPropertyAccessExpression(init) || tsm.isObjectLiteralExpression(init);
  }
  return true;
}

function enclosingClass(tsm: TS, node: ts.Node): ts.ClassLikeDeclaration | undefined {
  let n: ts.Node | undefined = node.parent;
  while (n) {
    if (tsm.isClassLike(n)) return n;
    n = n.parent;
  }
  return undefined;
}

function functionOfDeclaration(tsm: TS, decl: ts.Node): ts.FunctionLikeDeclaration | undefined {
  if (isFunctionWithBody(tsm, decl)) return decl;
  if ((tsm.isVariableDeclaration(decl) || tsm.isPropertyAssignment(decl) || tsm.isPropertyDeclaration(decl)) && decl.initializer) {
    const init = skipOuterExpressions(tsm, decl.initializer);
    if (isFunctionWithBody(tsm, init)) return init;
  }
  return undefined;
}
