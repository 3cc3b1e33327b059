// Core (pure): what a call in the code records and what the SDK compares on replay (Type, Name, SubType), how the
// code names an operation or a parallel branch, and which recorded kinds a call can have produced.
import type { OperationContextNode, OperationNode } from '../analysis/operationTree';
import type { RecordedOperation } from './record';

/** What the SDK records for a call of this kind (SDK 2.x): the Type and SubType it compares on replay. */
export function codeShape(kind: OperationNode['kind']): { type: string; subType: string } {
  switch (kind) {
    case 'step':
      return { type: 'STEP', subType: 'Step' };
    case 'wait':
      return { type: 'WAIT', subType: 'Wait' };
    case 'waitForCallback':
      return { type: 'CONTEXT', subType: 'WaitForCallback' };
    case 'createCallback':
      return { type: 'CALLBACK', subType: 'Callback' };
    case 'waitForCondition':
      return { type: 'STEP', subType: 'WaitForCondition' };
    case 'invoke':
      return { type: 'CHAINED_INVOKE', subType: 'ChainedInvoke' };
    case 'parallel':
      return { type: 'CONTEXT', subType: 'Parallel' };
    case 'map':
      return { type: 'CONTEXT', subType: 'Map' };
    default:
      // runInChildContext and the promise combinators (SDK 2.x wraps them in a child context)
      return { type: 'CONTEXT', subType: 'RunInChildContext' };
  }
}

const COMBINATOR = new Set(['promise.all', 'promise.allSettled', 'promise.any', 'promise.race']);

/** How the code names an operation: a fixed value, a pattern (template literal), or anything (computed). */
export type CodeName = { readonly kind: 'none' } | { readonly kind: 'fixed'; readonly value: string } | { readonly kind: 'pattern'; readonly re: RegExp } | { readonly kind: 'any' };

const nameCache = new WeakMap<OperationNode, CodeName>();

export function codeName(node: OperationNode): CodeName {
  let n = nameCache.get(node);
  if (n) return n;
  n = readCodeName(node);
  nameCache.set(node, n);
  return n;
}

function readCodeName(node: OperationNode): CodeName {
  if (node.nameValue !== undefined) return { kind: 'fixed', value: node.nameValue };
  if (node.name === null) return { kind: 'none' };
  let raw: string;
  try {
    raw = node.op.nameArg ? node.op.nameArg.getText().trim() : '';
  } catch {
    raw = '';
  }
  while (raw.startsWith('(') && raw.endsWith(')')) raw = raw.slice(1, -1).trim();
  const q = raw[0];
  if ((q === "'" || q === '"') && raw.endsWith(q)) return { kind: 'fixed', value: node.name };
  if (q === '`') {
    // name is the template without its backticks; each ${…} may be anything at run time.
    const parts = node.name.split(/\$\{(?:[^{}]|\{[^{}]*\})*\}/);
    if (parts.length === 1) return { kind: 'fixed', value: node.name };
    return { kind: 'pattern', re: new RegExp(`^${parts.map(escapeRe).join('[\\s\\S]*')}$`) };
  }
  return { kind: 'any' };
}

function escapeRe(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** Could the code's call have recorded this name? (A computed name could record any.) */
export function nameFits(recorded: string | undefined, node: OperationNode): boolean {
  const n = codeName(node);
  switch (n.kind) {
    case 'none':
      return recorded === undefined;
    case 'fixed':
      return recorded === n.value;
    case 'pattern':
      return recorded !== undefined && n.re.test(recorded);
    default:
      return true;
  }
}

/**
 * How the SDK names parallel branch `index`: the `name` written in `{ name, func }`, else `parallel-branch-<i>`
 * (checked with SDK 2.4: a renamed branch of an unfinished parallel fails its replay). Read from the branch object.
 */
export function branchName(ctx: OperationContextNode): CodeName {
  if (ctx.name === null || ctx.name === undefined) return { kind: 'fixed', value: `parallel-branch-${ctx.index ?? 0}` };
  let raw = '';
  try {
    // fn's parent is the `func:` property (or the method itself) inside the branch's object literal.
    const obj = ctx.fn && (ctx.fn.parent as { properties?: unknown } | undefined)?.properties ? ctx.fn.parent : ctx.fn?.parent?.parent;
    const props = ((obj as unknown as { properties?: readonly { name?: { getText(): string }; initializer?: { getText(): string } }[] }) ?? {}).properties ?? [];
    const p = props.find((x) => x.name?.getText() === 'name');
    raw = p?.initializer?.getText().trim() ?? '';
  } catch {
    raw = '';
  }
  const q = raw[0];
  if ((q === "'" || q === '"') && raw.endsWith(q)) return { kind: 'fixed', value: ctx.name };
  if (q === '`') {
    const parts = ctx.name.split(/\$\{(?:[^{}]|\{[^{}]*\})*\}/);
    return parts.length === 1 ? { kind: 'fixed', value: ctx.name } : { kind: 'pattern', re: new RegExp(`^${parts.map(escapeRe).join('[\\s\\S]*')}$`) };
  }
  return { kind: 'any' };
}

export function codeNameFits(recorded: string | undefined, n: CodeName): boolean {
  switch (n.kind) {
    case 'none':
      return recorded === undefined;
    case 'fixed':
      return recorded === n.value;
    case 'pattern':
      return recorded !== undefined && n.re.test(recorded);
    default:
      return true;
  }
}

/** 0: the recorded kind; small: another reading the history allows (a combinator); Infinity: another kind. */
export function kindCost(r: RecordedOperation, node: OperationNode): number {
  if (r.kind === node.kind) return 0;
  if (r.kindCandidates?.includes(node.kind)) return 0.25;
  // A combinator the history's heuristics did not recognise: an empty child context (2.x) or a step (1.x).
  if (COMBINATOR.has(node.kind) && r.children.length === 0) {
    if (r.type === 'CONTEXT' && (r.subType === 'RunInChildContext' || r.subType === undefined)) return 0.5;
    if (r.type === 'STEP' && (r.subType === 'Step' || r.subType === undefined)) return 0.75;
  }
  return Infinity;
}

/**
 * Would the SDK accept this recorded operation at this call on replay? It compares Type, then Name, then
 * SubType (validateReplayConsistency), and not at all for waitForCondition. A computed name is given the
 * benefit of the doubt. A combinator in a 1.x history (a STEP) is compared as the 1.x SDK would.
 */
export function replayAccepts(r: RecordedOperation, node: OperationNode): boolean {
  if (node.kind === 'waitForCondition') return true;
  const s = codeShape(node.kind);
  if (COMBINATOR.has(node.kind) && r.type === 'STEP' && (r.subType === 'Step' || r.subType === undefined)) return nameFits(r.name, node);
  if (r.type !== s.type) return false;
  if (!nameFits(r.name, node)) return false;
  return r.subType === undefined || r.subType === s.subType;
}
