// Core (pure): renders one inferred workflow handler as Mermaid flowchart text — subgraphs for child
// contexts, parallel branches and map items, a shape and class per kind, every label escaped.
import type { NodeKind, WorkflowHandler, WorkflowNode } from './graph';
import { OPERATION_KIND_SET as OPERATION_KINDS } from '../analysis/operations/kinds';

export interface MermaidOptions {
  readonly direction?: 'TD' | 'LR';
  /**
   * Extra classes per graph node id, e.g. `{ 'step:charge': [DIAGNOSTIC_CLASS] }`. Class names must match
   * /^[A-Za-z][\w-]*$/ (others are ignored). The two built-in ones have classDefs in the output.
   */
  readonly classes?: Readonly<Record<string, readonly string[]>>;
  /** Show each node's detail (step options, timeouts, invoke target) as a second label line. Default true. */
  readonly details?: boolean;
}

export interface MermaidResult {
  readonly text: string;
  /** Mermaid node id (n0, n1, …) → graph node id. */
  readonly nodeIds: Record<string, string>;
  /** Mermaid subgraph id (sg0, …) → graph id of the node the subgraph belongs to. */
  readonly subgraphIds: Record<string, string>;
}

/** Marks a node that carries replay-safety diagnostics. */
export const DIAGNOSTIC_CLASS = 'dl-diagnostic';
/** Marks the node under the editor cursor (or the current step of an execution). */
export const CURRENT_CLASS = 'dl-current';


/** Opening and closing brackets of each kind's shape around a quoted label. */
const SHAPES: Record<NodeKind, readonly [string, string]> = {
  start: ['([', '])'],
  end: ['([', '])'],
  step: ['[', ']'],
  wait: ['((', '))'],
  waitForCallback: ['[/', '/]'],
  createCallback: ['[\\', '\\]'],
  waitForCondition: ['>', ']'],
  invoke: ['[[', ']]'],
  runInChildContext: ['[(', ')]'],
  parallel: ['[/', '\\]'],
  map: ['[\\', '/]'],
  'promise.all': ['(', ')'],
  'promise.allSettled': ['(', ')'],
  'promise.any': ['(', ')'],
  'promise.race': ['(', ')'],
  decision: ['{', '}'],
  loop: ['{{', '}}'],
  catch: ['(((', ')))'],
  branch: ['([', '])'],
  dynamic: ['[', ']'],
};

/** Styles per class; neutral enough for light and dark themes (the webview may override them with CSS). */
const CLASS_DEFS: ReadonlyArray<readonly [string, string]> = [
  ['k-start', 'fill:#e8f5e9,stroke:#2e7d32,color:#1b1b1b'],
  ['k-end', 'fill:#eceff1,stroke:#455a64,color:#1b1b1b'],
  ['k-step', 'fill:#e3f2fd,stroke:#1565c0,color:#1b1b1b'],
  ['k-wait', 'fill:#fff8e1,stroke:#f9a825,color:#1b1b1b'],
  ['k-waitForCallback', 'fill:#fce4ec,stroke:#ad1457,color:#1b1b1b'],
  ['k-createCallback', 'fill:#fce4ec,stroke:#c2185b,color:#1b1b1b'],
  ['k-callbackAwait', 'fill:#fff0f5,stroke:#c2185b,stroke-dasharray:4 3,color:#1b1b1b'],
  ['k-waitForCondition', 'fill:#fff3e0,stroke:#ef6c00,color:#1b1b1b'],
  ['k-invoke', 'fill:#ede7f6,stroke:#4527a0,color:#1b1b1b'],
  ['k-runInChildContext', 'fill:#e0f2f1,stroke:#00695c,color:#1b1b1b'],
  ['k-parallel', 'fill:#e8eaf6,stroke:#283593,color:#1b1b1b'],
  ['k-map', 'fill:#e1f5fe,stroke:#0277bd,color:#1b1b1b'],
  ['k-promise-all', 'fill:#f3e5f5,stroke:#6a1b9a,color:#1b1b1b'],
  ['k-promise-allSettled', 'fill:#f3e5f5,stroke:#8e24aa,color:#1b1b1b'],
  ['k-promise-any', 'fill:#f3e5f5,stroke:#ab47bc,color:#1b1b1b'],
  ['k-promise-race', 'fill:#f3e5f5,stroke:#4a148c,stroke-dasharray:2 2,color:#1b1b1b'],
  ['k-decision', 'fill:#fffde7,stroke:#9e9d24,color:#1b1b1b'],
  ['k-loop', 'fill:#f1f8e9,stroke:#558b2f,color:#1b1b1b'],
  ['k-catch', 'fill:#ffebee,stroke:#c62828,color:#1b1b1b'],
  ['k-branch', 'fill:#fafafa,stroke:#757575,color:#1b1b1b'],
  ['k-dynamic', 'fill:#fafafa,stroke:#616161,stroke-dasharray:5 4,color:#1b1b1b'],
  [DIAGNOSTIC_CLASS, 'stroke:#d32f2f,stroke-width:3px'],
  [CURRENT_CLASS, 'stroke:#ff6f00,stroke-width:4px'],
];

const SAFE_CLASS = /^[A-Za-z][\w-]*$/;

/** The class for a node kind: `k-step`, `k-promise-all`, … (`k-callbackAwait` for an awaited callback). */
export function kindClass(node: Pick<WorkflowNode, 'kind' | 'awaitOf'>): string {
  if (node.awaitOf) return 'k-callbackAwait';
  return 'k-' + node.kind.replace('.', '-');
}

/**
 * Escapes text so Mermaid shows it literally inside a `"…"` label: only letters, digits, spaces and a few
 * harmless punctuation marks pass through; everything else becomes a `#code;` entity (which Mermaid turns
 * into an HTML character reference, so `<script>` shows as text and `"`, `]`, `-->`, `%%`, `:::` or
 * backticks cannot end the label). Control and bidi-format characters become U+FFFD.
 */
export function escapeLabel(s: string): string {
  if (PLAIN.test(s)) return s;
  // Runs of characters that pass unchanged are copied as slices, not a char at a time: appending per char
  // builds a string as deep as it is long, which the final join then has to flatten (a tenth of the render).
  let out = '';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string;
    let width = 1;
    if (c < 128) {
      // ASCII (nearly every label: `step: name` has a colon): a table lookup, not two Unicode regexes per char.
      if (ASCII_SAFE[c]) continue;
      rep = ASCII_ESCAPES[c]!;
    } else {
      const cp = s.codePointAt(i)!;
      if (cp > 0xffff) width = 2;
      const ch = String.fromCodePoint(cp);
      if (SAFE_CHAR.test(ch)) {
        i += width - 1;
        continue;
      }
      rep = INVISIBLE.test(ch) ? '#65533;' : `#${cp};`;
    }
    if (run < i) out += s.slice(run, i);
    out += rep;
    i += width - 1;
    run = i + 1;
  }
  if (run === 0) return s; // nothing needed escaping (non-ASCII letters only)
  return run < s.length ? out + s.slice(run) : out;
}

const PLAIN = /^[A-Za-z0-9 _.,/@+=?!-]*$/;
const SAFE_CHAR = /^[\p{L}\p{N} _.,/@+=?!-]$/u;
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]$/u;
/** What escapeLabel writes for each ASCII character (same rules as for the others). */
const ASCII_ESCAPES: readonly string[] = Array.from({ length: 128 }, (_, c) => {
  const ch = String.fromCharCode(c);
  if (SAFE_CHAR.test(ch)) return ch;
  if (ch === '\n' || ch === '\r' || ch === '\t') return ' ';
  if (INVISIBLE.test(ch)) return '#65533;';
  return `#${c};`;
});
const ASCII_SAFE: readonly boolean[] = ASCII_ESCAPES.map((e, c) => e === String.fromCharCode(c));

const MAX_LABEL = 120;

function clip(s: string): string {
  if (s.length <= MAX_LABEL) return s;
  const chars = Array.from(s);
  return chars.length > MAX_LABEL ? chars.slice(0, MAX_LABEL - 1).join('') + '…' : s;
}

/** The visible label of a node (unescaped). */
export function nodeLabel(n: WorkflowNode): string {
  switch (n.kind) {
    case 'start':
      return 'start';
    case 'end':
      return 'end';
    case 'branch':
    case 'decision':
    case 'loop':
    case 'catch':
      return n.name ?? n.kind;
    case 'dynamic':
      return n.name !== null ? `dynamic: ${n.name}` : 'dynamic';
    default:
      if (n.awaitOf) return n.name !== null ? `await callback: ${n.name}` : 'await callback';
      return n.name !== null ? `${n.kind}: ${n.name}` : n.kind;
  }
}

function quoted(s: string): string {
  return `"${escapeLabel(clip(s))}"`;
}

/** Renders a handler's workflow as Mermaid flowchart text. Deterministic: same graph, same text. */
export function renderMermaid(handler: WorkflowHandler, options: MermaidOptions = {}): MermaidResult {
  const direction = options.direction === 'LR' ? 'LR' : 'TD';
  const showDetails = options.details !== false;
  const nodes = handler.nodes;
  const byId = new Map<string, WorkflowNode>();
  const mid = new Map<string, string>();
  const nodeIds: Record<string, string> = {};
  nodes.forEach((n, i) => {
    if (byId.has(n.id)) return;
    byId.set(n.id, n);
    mid.set(n.id, 'n' + i);
    nodeIds['n' + i] = n.id;
  });

  // Which nodes own a subgraph: branches (holding themselves) and operations with children.
  const hasChildren = new Set<string>();
  for (const n of nodes) if (n.parent !== null && byId.has(n.parent)) hasChildren.add(n.parent);
  const ownsSubgraph = (n: WorkflowNode): boolean => n.kind === 'branch' || (OPERATION_KINDS.has(n.kind) && hasChildren.has(n.id) && !n.awaitOf);
  const containerMemo = new Map<string, string | null>();
  /** The subgraph owner a node is drawn in (null: top level). */
  const containerOf = (n: WorkflowNode): string | null => {
    if (containerMemo.has(n.id)) return containerMemo.get(n.id)!;
    let result: string | null = null;
    if (n.kind === 'branch') result = n.id;
    else {
      let p = n.parent !== null ? byId.get(n.parent) : undefined;
      for (let guard = 0; p && guard < 10000; guard++) {
        if (ownsSubgraph(p)) {
          result = p.id;
          break;
        }
        p = p.parent !== null ? byId.get(p.parent) : undefined;
      }
    }
    containerMemo.set(n.id, result);
    return result;
  };
  /** Where a subgraph itself sits: the container of its owner, seen from the owner's parent for branches. */
  const parentContainer = (ownerId: string): string | null => {
    const owner = byId.get(ownerId)!;
    if (owner.kind === 'branch') {
      const p = owner.parent !== null ? byId.get(owner.parent) : undefined;
      if (!p) return null;
      return ownsSubgraph(p) ? p.id : containerOf(p);
    }
    return containerOf(owner);
  };

  type Item = { node: WorkflowNode } | { sub: string };
  const items = new Map<string | null, Item[]>([[null, []]]);
  const subIds = new Map<string, string>();
  const subgraphIds: Record<string, string> = {};
  const ensureSub = (owner: string, depth = 0): void => {
    if (items.has(owner) || depth > 10000) return;
    // The enclosing subgraph first, so ids count from the outside in.
    const pc = parentContainer(owner);
    if (pc !== null && pc !== owner) ensureSub(pc, depth + 1);
    items.set(owner, []);
    const sid = 'sg' + subIds.size;
    subIds.set(owner, sid);
    subgraphIds[sid] = owner;
    items.get(pc === owner ? null : pc)!.push({ sub: owner });
  };
  for (const n of nodes) {
    if (byId.get(n.id) !== n) continue;
    const c = containerOf(n);
    if (c !== null) ensureSub(c);
    items.get(c)!.push({ node: n });
  }

  const lines: string[] = [`flowchart ${direction}`];
  const nodeLine = (n: WorkflowNode): string => {
    const [open, close] = SHAPES[n.kind] ?? SHAPES.dynamic;
    let label = escapeLabel(clip(nodeLabel(n)));
    // A second line for the detail: a newline inside the quoted label (no HTML, so nothing to sanitise).
    if (showDetails && n.detail) label += '\n' + escapeLabel(clip(n.detail));
    return `${mid.get(n.id)}${open}"${label}"${close}`;
  };
  const emit = (container: string | null, indent: string, depth: number): void => {
    for (const it of items.get(container) ?? []) {
      if ('node' in it) lines.push(indent + nodeLine(it.node));
      else if (depth < 200) {
        const owner = byId.get(it.sub)!;
        lines.push(`${indent}subgraph ${subIds.get(it.sub)}[${quoted(nodeLabel(owner))}]`);
        emit(it.sub, indent + '  ', depth + 1);
        lines.push(`${indent}end`);
      }
    }
  };
  emit(null, '  ', 0);

  const errorLinks: number[] = [];
  const exitLinks: number[] = [];
  let linkIndex = 0;
  for (const e of handler.edges) {
    const a = mid.get(e.from);
    const b = mid.get(e.to);
    if (!a || !b) continue;
    const dashed = e.kind === 'error' || e.kind === 'exit';
    const arrow = dashed ? '-.->' : '-->';
    lines.push(e.label !== null && e.label !== '' ? `  ${a} ${arrow}|${quoted(e.label)}| ${b}` : `  ${a} ${arrow} ${b}`);
    if (e.kind === 'error') errorLinks.push(linkIndex);
    else if (e.kind === 'exit') exitLinks.push(linkIndex);
    linkIndex++;
  }
  if (errorLinks.length) lines.push(`  linkStyle ${errorLinks.join(',')} stroke:#c62828,stroke-width:1.5px`);
  if (exitLinks.length) lines.push(`  linkStyle ${exitLinks.join(',')} stroke:#757575`);

  const byClass = new Map<string, string[]>();
  const addClass = (cls: string, m: string): void => {
    let l = byClass.get(cls);
    if (!l) byClass.set(cls, (l = []));
    l.push(m);
  };
  for (const n of nodes) {
    const m = mid.get(n.id);
    if (!m || nodeIds[m] !== n.id || byId.get(n.id) !== n) continue;
    addClass(kindClass(n), m);
  }
  if (options.classes) {
    for (const id of Object.keys(options.classes).sort()) {
      const m = mid.get(id);
      if (!m) continue;
      for (const cls of options.classes[id] ?? []) if (SAFE_CLASS.test(cls)) addClass(cls, m);
    }
  }
  // Styles for the classes in use, plus the two markers (always defined: the webview may toggle them).
  for (const [name, style] of CLASS_DEFS) if (byClass.has(name) || name === DIAGNOSTIC_CLASS || name === CURRENT_CLASS) lines.push(`  classDef ${name} ${style}`);
  for (const [cls, ms] of byClass) lines.push(`  class ${ms.join(',')} ${cls}`);
  return { text: lines.join('\n') + '\n', nodeIds, subgraphIds };
}
