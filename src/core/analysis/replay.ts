// Core (pure): the replay/checkpoint scope model — which functions run on every replay and which run once
// inside a checkpointed callback — following calls into helpers in the same file and, with a Program,
// across files. Incremental across Programs (ReplayIndex: per-file facts, per-root-file walks, reverse index).
import type * as ts from 'typescript';
import type { DurableFunction, TS } from './model';
import { durableFunctionMap, handlerReferences } from './handlers';
import { CHECKPOINTED_METHODS, CHILD_CONTEXT_METHODS, DurableOperationCall, getDurableOperationCall, operationOfCallback } from './operations';
import { findBinding, functionName, isFunctionWithBody, skipOuterExpressions } from './scope';
import { mayContainDurableCode } from './sdk';
import { reportInternalError } from '../errors';

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
  /** How the walk first came here (absent on a root): the region making the call and the call's node. */
  readonly from?: RegionLink;
  /**
   * Other places of the same walk that reach this function in this mode (a function is walked once per
   * mode and walk, so without these only the first caller, and the first handler, would be known).
   */
  readonly alsoFrom?: readonly RegionLink[];
}

/** One edge of the walk: code in `parent` reaches the region through `node`. */
export interface RegionLink {
  readonly parent: Region;
  /** The callee of the call (`newOrderId` in `newOrderId()`), or the callback or function reference passed. */
  readonly node: ts.Node;
  /** The name the call site uses (`newOrderId`), for messages. */
  readonly name: string;
}

export interface ReplayModel {
  readonly regionsByFile: Map<ts.SourceFile, Region[]>;
}

/** Helper call chains longer than this are not followed (a guard against pathological code). */
export const MAX_CALL_DEPTH = 16;

/**
 * Files longer than this are not analysed (generated or minified code nobody edits as a handler): the
 * editor shows one note at the top of such a file and the CLI prints one line; both skip it the same way,
 * as a checked file, as a root of the model and as a helper followed into.
 */
export const MAX_ANALYSED_CHARS = 1_000_000;

export function isTooLarge(sf: ts.SourceFile): boolean {
  return sf.text.length > MAX_ANALYSED_CHARS;
}

/**
 * The incremental model of one project, held by the caller across Programs (the tsserver plugin keeps one
 * per language service). See docs/architecture.md, "What a keystroke recomputes".
 *
 * - Per file, keyed by the SourceFile object (tsserver and createProgram's oldProgram reuse the object of
 *   an unchanged file): whether it may hold durable code and its durable functions (the roots).
 * - Per root file, a *unit*: the regions walked from that file's handlers and helpers, with the files the
 *   walk read (the functions it entered and the files its imports resolved through) and their SourceFiles.
 * - A reverse index, file → units that read it. A new Program marks stale only the units of the files whose
 *   SourceFile changed and the units that read those files; they are walked again, lazily, when a file is
 *   checked. Adding or removing a file (module resolution may change anywhere) rebuilds every unit.
 */
export interface ReplayIndex {
  /** Regions whose function lies in `sf`, for `program` (the index follows it to this Program first). */
  regionsOf(tsm: TS, program: ts.Program, sf: ts.SourceFile): Region[];
  /**
   * Every region of the walks that read `sf` (in any file, not deduplicated: the same function appears once
   * per walk that entered it). With the links (`from`, `alsoFrom`) these say which calls in `sf` lead to
   * code in other files, and which handlers reach a function.
   */
  regionsReading(tsm: TS, program: ts.Program, sf: ts.SourceFile): Region[];
  /** Counters for tests and benchmarks: what the last Programs cost. */
  readonly stats: ReplayIndexStats;
}

export interface ReplayIndexStats {
  /** Programs seen, and how many of them forced a full rebuild (files added or removed). */
  programs: number;
  fullRebuilds: number;
  /** Units (root files) walked since the index was created. */
  unitsWalked: number;
  /** Units walked for the last Program. */
  unitsWalkedLastProgram: number;
}

interface FileFacts {
  /** Handlers first, then helpers, in source order; empty for files without durable code. */
  readonly roots: readonly DurableFunction[];
  readonly map: ReadonlyMap<ts.Node, DurableFunction>;
  readonly durable: boolean;
}

interface Unit {
  readonly file: string;
  readonly regions: readonly Region[];
  /** Every file the walk read, with the SourceFile it read (the unit is valid while they are unchanged). */
  readonly deps: ReadonlyMap<string, ts.SourceFile>;
}

const factsCache = new WeakMap<ts.SourceFile, FileFacts>();

function factsOf(tsm: TS, program: ts.Program | undefined, sf: ts.SourceFile, checker: ts.TypeChecker | undefined): FileFacts {
  let f = factsCache.get(sf);
  if (f) return f;
  const durable = isUserFile(program, sf) && !isTooLarge(sf) && mayContainDurableCode(sf);
  let map: ReadonlyMap<ts.Node, DurableFunction> = new Map();
  if (durable) {
    try {
      map = durableFunctionMap(tsm, sf, checker);
    } catch (e) {
      reportInternalError(e, 'replay-model', sf.fileName);
    }
  }
  const all = [...map.values()];
  f = { durable, map, roots: [...all.filter((d) => d.kind === 'handler'), ...all.filter((d) => d.kind === 'helper')] };
  factsCache.set(sf, f);
  return f;
}

export function createReplayIndex(): ReplayIndex {
  return new Index();
}

class Index implements ReplayIndex {
  readonly stats: ReplayIndexStats = { programs: 0, fullRebuilds: 0, unitsWalked: 0, unitsWalkedLastProgram: 0 };
  private program: ts.Program | undefined;
  private checker: ts.TypeChecker | undefined;
  /** User files of the current Program, in its order. */
  private files = new Map<string, ts.SourceFile>();
  private order = new Map<string, number>();
  private units = new Map<string, Unit>();
  /** Durable files of the current Program whose unit is not walked yet. */
  private missing = new Set<string>();
  private readers = new Map<string, Set<string>>();

  regionsOf(tsm: TS, program: ts.Program, sf: ts.SourceFile): Region[] {
    this.sync(tsm, program);
    if (this.missing.size > 0) this.walkMissing(tsm);
    const unitFiles = [...(this.readers.get(sf.fileName) ?? [])];
    unitFiles.sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0));
    const units = unitFiles.map((u) => this.units.get(u)).filter((u): u is Unit => u !== undefined);
    // Handler-rooted regions first, so code reached from a handler is attributed to it (as one global walk would).
    const out: Region[] = [];
    const seen = new Map<ts.Node, Set<Mode>>();
    for (const pass of ['handler', 'helper'] as const) {
      for (const u of units) {
        for (const r of u.regions) {
          if (r.root.kind !== pass || r.fn.getSourceFile() !== sf) continue;
          let modes = seen.get(r.fn);
          if (!modes) seen.set(r.fn, (modes = new Set()));
          if (modes.has(r.mode)) continue;
          modes.add(r.mode);
          out.push(r);
        }
      }
    }
    return out;
  }

  regionsReading(tsm: TS, program: ts.Program, sf: ts.SourceFile): Region[] {
    this.sync(tsm, program);
    if (this.missing.size > 0) this.walkMissing(tsm);
    const unitFiles = [...(this.readers.get(sf.fileName) ?? [])];
    unitFiles.sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0));
    const out: Region[] = [];
    for (const u of unitFiles) out.push(...(this.units.get(u)?.regions ?? []));
    return out;
  }

  private sync(tsm: TS, program: ts.Program): void {
    if (program === this.program) return;
    this.stats.programs++;
    this.stats.unitsWalkedLastProgram = 0;
    const first = this.program === undefined;
    this.program = program;
    try {
      this.checker = program.getTypeChecker();
    } catch (e) {
      reportInternalError(e, 'replay-model', undefined);
      this.checker = undefined;
    }
    const files = new Map<string, ts.SourceFile>();
    const order = new Map<string, number>();
    for (const sf of program.getSourceFiles()) {
      if (!isUserFile(program, sf)) continue;
      order.set(sf.fileName, order.size);
      files.set(sf.fileName, sf);
    }
    let structural = first || files.size !== this.files.size;
    const changed: string[] = [];
    if (!structural) {
      for (const [name, sf] of files) {
        const old = this.files.get(name);
        if (old === undefined) {
          structural = true;
          break;
        }
        if (old !== sf) changed.push(name);
      }
    }
    this.files = files;
    this.order = order;
    if (structural) {
      if (!first) this.stats.fullRebuilds++;
      this.units.clear();
      this.readers.clear();
      this.missing.clear();
      for (const [name, sf] of files) if (factsOf(tsm, program, sf, this.checker).durable) this.missing.add(name);
      return;
    }
    for (const name of changed) {
      const stale = new Set<string>(this.readers.get(name) ?? []);
      stale.add(name);
      for (const u of stale) this.drop(u);
    }
    for (const name of changed) if (factsOf(tsm, program, files.get(name)!, this.checker).durable) this.missing.add(name);
  }

  private drop(unitFile: string): void {
    const u = this.units.get(unitFile);
    if (!u) return;
    this.units.delete(unitFile);
    for (const dep of u.deps.keys()) this.readers.get(dep)?.delete(unitFile);
    if (this.files.has(unitFile)) this.missing.add(unitFile);
  }

  private walkMissing(tsm: TS): void {
    const program = this.program!;
    for (const name of [...this.missing]) {
      this.missing.delete(name);
      const sf = this.files.get(name);
      if (!sf) continue;
      const unit = walkUnit(tsm, program, this.checker, sf);
      this.stats.unitsWalked++;
      this.stats.unitsWalkedLastProgram++;
      this.units.set(name, unit);
      for (const dep of unit.deps.keys()) {
        let set = this.readers.get(dep);
        if (!set) this.readers.set(dep, (set = new Set()));
        set.add(name);
      }
    }
  }
}

/** The regions walked from one file's roots (its handlers, then its helpers), and the files the walk read. */
function walkUnit(tsm: TS, program: ts.Program, checker: ts.TypeChecker | undefined, sf: ts.SourceFile): Unit {
  const deps = new Map<string, ts.SourceFile>([[sf.fileName, sf]]);
  const regions = walkRoots(tsm, program, checker, [sf], deps);
  return { file: sf.fileName, regions, deps };
}

const byProgram = new WeakMap<ts.Program, ReplayIndex>();
const byFile = new WeakMap<ts.SourceFile, ReplayModel>();

/** The regions of `sourceFile`: through `index` when given, else a fresh index per Program, or the file alone. */
export function regionsOfFile(tsm: TS, program: ts.Program | undefined, sourceFile: ts.SourceFile, index?: ReplayIndex): Region[] {
  if (!program) return getReplayModel(tsm, undefined, sourceFile).regionsByFile.get(sourceFile) ?? [];
  let ix = index ?? byProgram.get(program);
  if (!ix) byProgram.set(program, (ix = createReplayIndex()));
  return ix.regionsOf(tsm, program, sourceFile);
}

/** index.regionsReading through the same index regionsOfFile uses; [] without a Program (one file, no other files). */
export function regionsReadingFile(tsm: TS, program: ts.Program | undefined, sourceFile: ts.SourceFile, index?: ReplayIndex): Region[] {
  if (!program) return getReplayModel(tsm, undefined, sourceFile).regionsByFile.get(sourceFile) ?? [];
  let ix = index ?? byProgram.get(program);
  if (!ix) byProgram.set(program, (ix = createReplayIndex()));
  return ix.regionsReading(tsm, program, sourceFile);
}

/**
 * The whole model for a Program (all its user files; built from scratch: prefer regionsOfFile), or for one
 * file alone when `program` is undefined. Never throws; on internal failure, the regions found so far are kept.
 */
export function getReplayModel(tsm: TS, program: ts.Program | undefined, sourceFile: ts.SourceFile): ReplayModel {
  if (program) {
    const regionsByFile = new Map<ts.SourceFile, Region[]>();
    const checker = safeChecker(program);
    const sources = program.getSourceFiles().filter((f) => factsOf(tsm, program, f, checker).durable);
    for (const r of walkRoots(tsm, program, checker, sources, new Map())) {
      const f = r.fn.getSourceFile();
      let list = regionsByFile.get(f);
      if (!list) regionsByFile.set(f, (list = []));
      list.push(r);
    }
    return { regionsByFile };
  }
  let m = byFile.get(sourceFile);
  if (!m) {
    const regions = walkRoots(tsm, undefined, undefined, [sourceFile], new Map());
    m = { regionsByFile: new Map(regions.length ? [[sourceFile, regions]] : []) };
    byFile.set(sourceFile, m);
  }
  return m;
}

function safeChecker(program: ts.Program): ts.TypeChecker | undefined {
  try {
    return program.getTypeChecker();
  } catch (e) {
    reportInternalError(e, 'replay-model', undefined);
    return undefined;
  }
}

export function isUserFile(program: ts.Program | undefined, sf: ts.SourceFile): boolean {
  if (sf.isDeclarationFile) return false;
  if (/[\\/]node_modules[\\/]/.test(sf.fileName)) return false;
  if (program) {
    try {
      if (program.isSourceFileFromExternalLibrary(sf)) return false;
    } catch {
      // older hosts without this method: the path test above decides
    }
  }
  return true;
}

/** Walks the roots of `sources` (handlers of all first, then helpers), recording the files read into `deps`. */
function walkRoots(tsm: TS, program: ts.Program | undefined, checker: ts.TypeChecker | undefined, sources: readonly ts.SourceFile[], deps: Map<string, ts.SourceFile>): Region[] {
  const regions: Region[] = [];
  const seen = new Map<ts.Node, Map<Mode, Region>>();
  const queue: Region[] = [];
  const enqueue = (r: Region): void => {
    let modes = seen.get(r.fn);
    if (!modes) {
      modes = new Map();
      seen.set(r.fn, modes);
    }
    const known = modes.get(r.mode);
    if (known) {
      // Walked once; remember this caller too (several handlers, or several calls, reach it).
      if (r.from && known !== r.from.parent) ((known as { alsoFrom?: RegionLink[] }).alsoFrom ??= []).push(r.from);
      return;
    }
    modes.set(r.mode, r);
    queue.push(r);
    regions.push(r);
  };
  const handlers: DurableFunction[] = [];
  const helpers: DurableFunction[] = [];
  for (const sf of sources) {
    try {
      if (isTooLarge(sf)) continue;
      const facts = program ? factsOf(tsm, program, sf, checker) : { roots: [...durableFunctionMap(tsm, sf, undefined).values()] };
      for (const df of facts.roots) (df.kind === 'handler' ? handlers : helpers).push(df);
      if (checker) {
        // withDurableExecution(importedFn): the handler body lives in another file.
        for (const ref of handlerReferences(tsm, sf)) {
          const target = resolveFunction(tsm, ref, checker, program, deps);
          if (target) {
            const p = target.parameters[1];
            handlers.push({ kind: 'handler', name: functionName(tsm, target), node: target, contextParam: p && tsm.isIdentifier(p.name) ? p.name.text : undefined, sourceFile: target.getSourceFile() });
          }
        }
      }
    } catch (e) {
      // a broken file contributes nothing, and says so
      reportInternalError(e, 'replay-model', sf.fileName);
    }
  }
  const drain = (): void => {
    while (queue.length > 0) {
      const r = queue.shift()!;
      try {
        walkRegion(tsm, r, checker, program, enqueue, deps);
      } catch (e) {
        // keep the rest of the model
        reportInternalError(e, 'replay-model', r.fn.getSourceFile().fileName);
      }
    }
  };
  // Handlers first and to completion, so a helper reached from a handler is attributed to it.
  for (const h of handlers) enqueue({ fn: h.node, mode: 'replayed', root: h, via: [h.name] });
  drain();
  for (const h of helpers) enqueue({ fn: h.node, mode: 'replayed', root: h, via: [h.name] });
  drain();
  return regions;
}

function walkRegion(tsm: TS, r: Region, checker: ts.TypeChecker | undefined, program: ts.Program | undefined, enqueue: (r: Region) => void, deps: Map<string, ts.SourceFile>): void {
  const body = r.fn.body;
  if (!body) return;
  const follow = (target: ts.FunctionLikeDeclaration | undefined, mode: Mode, name: string, at: ts.Node, op?: DurableOperationCall): void => {
    if (!target || r.via.length >= MAX_CALL_DEPTH) return;
    const sf = target.getSourceFile();
    if (!isUserFile(program, sf) || isTooLarge(sf)) return;
    if (!program && sf !== r.fn.getSourceFile()) return;
    deps.set(sf.fileName, sf);
    // A durable helper called from checkpointed code is reported at the call (durable-op-in-step) instead.
    const map = program ? factsOf(tsm, program, sf, checker).map : durableFunctionMap(tsm, sf, checker);
    if (mode === 'checkpointed' && map.has(target)) return;
    enqueue({ fn: target, mode, root: r.root, via: [...r.via, name], from: { parent: r, node: at, name }, ...(op ? { op } : {}) });
  };
  const visit = (node: ts.Node): void => {
    if (node !== r.fn && tsm.isFunctionLike(node)) {
      if (isFunctionWithBody(tsm, node)) {
        const op = operationOfCallback(tsm, node, checker);
        if (op && CHECKPOINTED_METHODS.has(op.method)) {
          enqueue({ fn: node, mode: 'checkpointed', root: r.root, via: r.via, op, from: { parent: r, node, name: op.method } });
          return;
        }
        if (op && CHILD_CONTEXT_METHODS.has(op.method)) {
          enqueue({ fn: node, mode: r.mode, root: r.root, via: r.via, op, from: { parent: r, node, name: op.method } });
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
          const target = resolveFunction(tsm, x, checker, program, deps);
          const mode: Mode = CHECKPOINTED_METHODS.has(op.method) ? 'checkpointed' : r.mode;
          if (target) follow(target, mode, functionName(tsm, target), x, op);
        }
      } else {
        const target = resolveFunction(tsm, node.expression, checker, program, deps);
        if (target && target !== r.fn) follow(target, r.mode, calleeName(tsm, node.expression, target), node.expression);
        // Functions passed by reference to ordinary calls: items.forEach(handleItem).
        for (const a of node.arguments) {
          const x = skipOuterExpressions(tsm, a);
          if (tsm.isIdentifier(x)) {
            const t = resolveFunction(tsm, x, undefined, program, deps);
            if (t && t !== r.fn) follow(t, r.mode, x.text, x);
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
export function resolveFunction(
  tsm: TS,
  expr: ts.Expression,
  checker: ts.TypeChecker | undefined,
  program: ts.Program | undefined,
  /** Receives every file the resolution read (import targets, re-export hops), for the incremental index. */
  deps?: Map<string, ts.SourceFile>
): ts.FunctionLikeDeclaration | undefined {
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
    if (deps) recordModuleOf(tsm, checker, tsm.isPropertyAccessExpression(x) ? x.expression : x, deps);
    if (sym && sym.flags & tsm.SymbolFlags.Alias) sym = deps ? followAliases(tsm, checker, sym, deps) : checker.getAliasedSymbol(sym);
    const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
    if (!decl) return undefined;
    const sf = decl.getSourceFile();
    if (!isUserFile(program, sf)) return undefined;
    deps?.set(sf.fileName, sf);
    return functionOfDeclaration(tsm, decl);
  } catch (e) {
    reportInternalError(e, 'replay-model', x.getSourceFile?.()?.fileName);
    return undefined;
  }
}

/** Follows an import alias hop by hop, recording each file it passes (a re-export file may change alone). */
function followAliases(tsm: TS, checker: ts.TypeChecker, sym: ts.Symbol, deps: Map<string, ts.SourceFile>): ts.Symbol | undefined {
  let cur: ts.Symbol | undefined = sym;
  for (let i = 0; i < 32 && cur && cur.flags & tsm.SymbolFlags.Alias; i++) {
    const next: ts.Symbol | undefined = checker.getImmediateAliasedSymbol(cur);
    if (!next) return checker.getAliasedSymbol(sym);
    for (const d of next.declarations ?? []) {
      const f = d.getSourceFile();
      deps.set(f.fileName, f);
    }
    cur = next;
  }
  return cur && cur.flags & tsm.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : cur;
}

/**
 * The file an imported name's module resolves to, recorded even when the name is not (yet) exported there:
 * when that file gains the export, the walks that looked for it must be redone.
 */
function recordModuleOf(tsm: TS, checker: ts.TypeChecker, e: ts.Expression, deps: Map<string, ts.SourceFile>): void {
  const x = skipOuterExpressions(tsm, e);
  if (!tsm.isIdentifier(x)) return;
  const decl = findBinding(tsm, x);
  if (!decl) return;
  let n: ts.Node | undefined = decl;
  while (n && !tsm.isImportDeclaration(n) && !tsm.isImportEqualsDeclaration(n) && !tsm.isSourceFile(n)) n = n.parent;
  let spec: ts.Expression | undefined;
  if (n && tsm.isImportDeclaration(n)) spec = n.moduleSpecifier;
  else if (n && tsm.isImportEqualsDeclaration(n) && tsm.isExternalModuleReference(n.moduleReference)) spec = n.moduleReference.expression;
  if (!spec) return;
  const mod = checker.getSymbolAtLocation(spec);
  for (const d of mod?.declarations ?? []) {
    const f = d.getSourceFile();
    deps.set(f.fileName, f);
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
    return tsm.isNewExpression(init) || tsm.isIdentifier(init) || tsm.isPropertyAccessExpression(init) || tsm.isObjectLiteralExpression(init) || isRelativeRequire(tsm, init);
  }
  return true;
}

/** `require('./ids')`: a CommonJS module of the user's (its `exports.x = function …` are followed). */
function isRelativeRequire(tsm: TS, e: ts.Expression): boolean {
  if (!tsm.isCallExpression(e) || !tsm.isIdentifier(e.expression) || e.expression.text !== 'require' || e.arguments.length !== 1) return false;
  const a = e.arguments[0]!;
  return tsm.isStringLiteralLike(a) && a.text.startsWith('.');
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
  // CommonJS: the checker declares `exports.newId = function …` (and module.exports.x = …) at the assignment
  // or at its left-hand side.
  const assignment = tsm.isBinaryExpression(decl) ? decl : decl.parent && tsm.isBinaryExpression(decl.parent) && decl.parent.left === decl ? decl.parent : undefined;
  if (assignment && assignment.operatorToken.kind === tsm.SyntaxKind.EqualsToken) {
    const right = skipOuterExpressions(tsm, assignment.right);
    if (isFunctionWithBody(tsm, right)) return right;
  }
  if ((tsm.isVariableDeclaration(decl) || tsm.isPropertyAssignment(decl) || tsm.isPropertyDeclaration(decl)) && decl.initializer) {
    const init = skipOuterExpressions(tsm, decl.initializer);
    if (isFunctionWithBody(tsm, init)) return init;
  }
  return undefined;
}
