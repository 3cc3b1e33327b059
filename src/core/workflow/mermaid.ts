// Core (pure): renders one inferred workflow handler as Mermaid flowchart text — subgraphs for child
// contexts, parallel branches and map items, a shape and class per kind, every label escaped.
import type { HelperGroup, NodeKind, WorkflowHandler, WorkflowNode } from './graph';
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
  ['k-fail', 'fill:#ffebee,stroke:#c62828,stroke-width:2px,color:#1b1b1b'],
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
export function kindClass(node: Pick<WorkflowNode, 'kind' | 'awaitOf' | 'name'>): string {
  if (node.awaitOf) return 'k-callbackAwait';
  // The failure end (an `end` with a name): the end where uncaught errors go.
  if (node.kind === 'end' && node.name !== null) return 'k-fail';
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
      return n.name ?? 'end';
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

/** Characters per line of a node label and of an edge label before it wraps (Mermaid does not wrap plain labels). */
const NODE_WIDTH = 24;
const DECISION_WIDTH = 22;
const EDGE_WIDTH = 20;
/** Subgraph keys of helper groups start with a character no node id has. */
const GROUP_KEY = '\u0001';

/**
 * Breaks text into lines of at most `width` characters at spaces, and a word longer than that after a `-`,
 * `.`, `_`, `/` or `:` (else anywhere): Mermaid draws a plain label as one line as wide as its text, and wide
 * labels on neighbouring nodes and edges overlap. Joined back, the lines are the text (spaces collapsed).
 */
export function wrapLabel(s: string, width: number): string[] {
  const out: string[] = [];
  for (const para of s.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/)) {
      if (word === '') continue;
      const pieces = word.length <= width ? [word] : splitWord(word, width);
      pieces.forEach((p, i) => {
        const sep = i === 0 ? ' ' : '';
        if (line === '') line = p;
        else if (line.length + sep.length + p.length <= width) line += sep + p;
        else {
          out.push(line);
          line = p;
        }
      });
    }
    out.push(line);
  }
  return out;
}

function splitWord(w: string, width: number): string[] {
  const out: string[] = [];
  let rest = w;
  while (rest.length > width) {
    let cut = -1;
    for (let i = Math.min(width, rest.length) - 1; i > width / 3; i--) {
      if ('-._/:'.includes(rest[i]!)) {
        cut = i + 1;
        break;
      }
    }
    if (cut < 0) cut = width;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) out.push(rest);
  return out;
}

/** Clipped, wrapped and escaped: ready to go between the quotes of a label. */
function wrapped(s: string, width: number): string {
  const text = clip(s);
  if (text.length <= width && !text.includes('\n')) return escapeLabel(text);
  return wrapLabel(text, width).map(escapeLabel).join('\n');
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

  // Which nodes own a subgraph: branches (holding themselves) and operations with children. Helper
  // expansions own one too (keyed apart from node ids): their nodes drawn under the helper's name.
  const hasChildren = new Set<string>();
  for (const n of nodes) if (n.parent !== null && byId.has(n.parent)) hasChildren.add(n.parent);
  const ownsSubgraph = (n: WorkflowNode): boolean => n.kind === 'branch' || (OPERATION_KINDS.has(n.kind) && hasChildren.has(n.id) && !n.awaitOf);
  const groups = new Map<string, HelperGroup>();
  for (const g of handler.helpers ?? []) groups.set(g.id, g);
  const groupKey = (id: string): string => GROUP_KEY + id;
  /** Is the group `inner` the group `g` or nested in it? */
  const within = (inner: string | undefined, g: string): boolean => {
    for (let x = inner, guard = 0; x !== undefined && guard < 1000; guard++) {
      if (x === g) return true;
      const o = groups.get(x)?.outer;
      x = o === null ? undefined : o;
    }
    return false;
  };
  /** The innermost of a subgraph owner `c` and the helper group `g` of whatever is placed. */
  const pick = (c: string | null, g: string | undefined): string | null => {
    if (g === undefined || !groups.has(g)) return c;
    if (c === null) return groupKey(g);
    return within(byId.get(c)?.helper, g) ? c : groupKey(g);
  };
  /** The first subgraph owner from `start` up its parent chain (null: top level). */
  const ownerFrom = (start: string | null): string | null => {
    let p = start !== null ? byId.get(start) : undefined;
    for (let guard = 0; p && guard < 10000; guard++) {
      if (ownsSubgraph(p)) return p.id;
      p = p.parent !== null ? byId.get(p.parent) : undefined;
    }
    return null;
  };
  const containerMemo = new Map<string, string | null>();
  /** The subgraph a node is drawn in (null: top level). */
  const containerOf = (n: WorkflowNode): string | null => {
    if (containerMemo.has(n.id)) return containerMemo.get(n.id)!;
    const result = n.kind === 'branch' ? n.id : pick(ownerFrom(n.parent), n.helper);
    containerMemo.set(n.id, result);
    return result;
  };
  /** Where a subgraph itself sits: the container of its owner, seen from the owner's parent for branches. */
  const parentContainer = (key: string): string | null => {
    if (key.startsWith(GROUP_KEY)) {
      const g = groups.get(key.slice(GROUP_KEY.length))!;
      return pick(ownerFrom(g.parent), g.outer ?? undefined);
    }
    const owner = byId.get(key)!;
    if (owner.kind === 'branch') return pick(ownerFrom(owner.parent), owner.helper);
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
    if (!owner.startsWith(GROUP_KEY)) subgraphIds[sid] = owner;
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
    // A diamond grows with its label's width and height together: conditions wrap narrower.
    let label = wrapped(nodeLabel(n), n.kind === 'decision' ? DECISION_WIDTH : NODE_WIDTH);
    // The detail on the lines below: newlines inside the quoted label (no HTML, so nothing to sanitise).
    if (showDetails && n.detail) label += '\n' + wrapped(n.detail.replace(/; /g, '\n'), NODE_WIDTH);
    return `${mid.get(n.id)}${open}"${label}"${close}`;
  };
  const emit = (container: string | null, indent: string, depth: number): void => {
    for (const it of items.get(container) ?? []) {
      if ('node' in it) lines.push(indent + nodeLine(it.node));
      else if (depth < 200) {
        // A node's subgraph has no title: the node (the operation, the branch) already carries the label,
        // and the same text twice reads as two things. A helper's group is titled with the helper's name.
        const title = it.sub.startsWith(GROUP_KEY) ? wrapped(groups.get(it.sub.slice(GROUP_KEY.length))!.name, NODE_WIDTH) : ' ';
        lines.push(`${indent}subgraph ${subIds.get(it.sub)}["${title}"]`);
        emit(it.sub, indent + '  ', depth + 1);
        lines.push(`${indent}end`);
      }
    }
  };
  emit(null, '  ', 0);

  // An early return or an uncaught error ends at its own copy of the end it reaches, drawn next to where it
  // leaves: one shared end pulls every such path down to the bottom of the drawing and across it (the order
  // saga's catch path ran down a column of its own beside the main path, and its labels met at the end).
  const copies = new Map<string, string>();
  const copyLines: string[] = [];
  // An end that only such paths reach (the failure end) is drawn only as its copies: the first takes its id.
  const keptIn = new Set<string>();
  for (const e of handler.edges) if (e.kind !== 'exit' && e.kind !== 'error') keptIn.add(e.to);
  const firstTaken = new Set<string>();
  const copyIds = new Set<string>();
  const copyOf = (e: (typeof handler.edges)[number], b: string): string => {
    const target = byId.get(e.to);
    if (!target || target.kind !== 'end' || (e.kind !== 'exit' && e.kind !== 'error')) return b;
    const key = e.from + '\u0000' + e.to;
    let c = copies.get(key);
    if (!c) {
      if (!keptIn.has(e.to) && !firstTaken.has(e.to)) {
        firstTaken.add(e.to);
        c = b;
      } else {
        // Numbered after the graph's own nodes (n0…n<length-1>), so the copy is an ordinary vertex id.
        c = `n${nodes.length + copyLines.length}`;
        copyIds.add(c);
        nodeIds[c] = target.id;
        copyLines.push('  ' + nodeLine(target).replace(/^n\d+/, c));
      }
      copies.set(key, c);
    }
    return c;
  };
  const edgeEnds = handler.edges.map((e) => {
    const a = mid.get(e.from);
    const b = mid.get(e.to);
    return a && b ? { a, b: copyOf(e, b) } : undefined;
  });
  lines.push(...copyLines);

  const errorLinks: number[] = [];
  const exitLinks: number[] = [];
  let linkIndex = 0;
  for (let i = 0; i < handler.edges.length; i++) {
    const e = handler.edges[i]!;
    const ends = edgeEnds[i];
    if (!ends) continue;
    const { a, b } = ends;
    const dashed = e.kind === 'error' || e.kind === 'exit';
    const arrow = dashed ? '-.->' : '-->';
    lines.push(e.label !== null && e.label !== '' ? `  ${a} ${arrow}|"${wrapped(e.label, EDGE_WIDTH)}"| ${b}` : `  ${a} ${arrow} ${b}`);
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
    // The first drawing of each id only (mid and nodeIds were filled from it).
    if (!m || byId.get(n.id) !== n) continue;
    addClass(kindClass(n), m);
  }
  for (const [key, c] of copies) if (copyIds.has(c)) addClass(kindClass(byId.get(key.slice(key.indexOf('\u0000') + 1))!), c);
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
