// Core (pure): compares two Mermaid texts written by renderMermaid. When only labels differ (the usual
// keystroke: a step renamed, a condition edited) it lists the changed labels and who owns them, so the
// webview can relabel the drawn SVG in place instead of laying the whole graph out again.

/** What a label belongs to, in Mermaid's own ids. */
export type LabelOwner =
  | { readonly kind: 'node'; readonly id: string }
  | { readonly kind: 'subgraph'; readonly id: string }
  /** `nth`: 0 for the first edge between the pair, 1 for the second, … in the order of the text. */
  | { readonly kind: 'edge'; readonly from: string; readonly to: string; readonly nth: number };

export interface LabelChange {
  readonly owner: LabelOwner;
  /** The new label as shown: entities decoded, one entry per line. Untrusted: set as text only. */
  readonly lines: readonly string[];
}

interface Parsed {
  /** The text with every label emptied: equal keys mean the same vertices, subgraphs, edges and classes. */
  readonly key: string;
  readonly labels: readonly string[];
  readonly owners: readonly LabelOwner[];
}

const NODE_LINE = /^\s*(n\d+)[[\](){}/\\>]+""[[\](){}/\\]+$/;
const SUBGRAPH_LINE = /^\s*subgraph\s+(sg\d+)\[""\]$/;
const EDGE_LINE = /^\s*(n\d+)\s+(?:-->|-\.->)(\|""\|)?\s+(n\d+)$/;

/**
 * Splits renderMermaid output into its label-free shape and its labels. Returns undefined for text it
 * does not recognise (hand-written Mermaid, a quote inside a label): the caller then redraws in full.
 */
export function parseLabels(text: string): Parsed | undefined {
  // Labels are the only quoted strings, and escapeLabel turns `"` inside them into `#34;`.
  const parts = text.split('"');
  if (parts.length % 2 === 0) return undefined;
  const labels: string[] = [];
  const outside: string[] = [];
  for (let i = 0; i < parts.length; i++) (i % 2 === 0 ? outside : labels).push(parts[i]!);
  const key = outside.join('""');
  const owners: LabelOwner[] = [];
  const pairs = new Map<string, number>();
  for (const line of key.split('\n')) {
    const quotes = line.split('""').length - 1;
    const edge = EDGE_LINE.exec(line);
    if (edge) {
      const pair = `${edge[1]}\u0000${edge[3]}`;
      const nth = pairs.get(pair) ?? 0;
      pairs.set(pair, nth + 1);
      if (edge[2]) owners.push({ kind: 'edge', from: edge[1]!, to: edge[3]!, nth });
      continue;
    }
    if (quotes === 0) continue;
    const node = quotes === 1 ? NODE_LINE.exec(line) : null;
    if (node) {
      owners.push({ kind: 'node', id: node[1]! });
      continue;
    }
    const sub = quotes === 1 ? SUBGRAPH_LINE.exec(line) : null;
    if (sub) {
      owners.push({ kind: 'subgraph', id: sub[1]! });
      continue;
    }
    return undefined;
  }
  if (owners.length !== labels.length) return undefined;
  return { key, labels, owners };
}

/**
 * The labels that changed from `before` to `after`, or undefined when anything else changed (a vertex,
 * an edge, a subgraph, a shape, a class, the direction) or either text is not renderMermaid's.
 * An empty list means the texts draw the same picture.
 */
export function labelChanges(before: string, after: string): LabelChange[] | undefined {
  if (before === after) return [];
  const a = parseLabels(before);
  const b = parseLabels(after);
  if (!a || !b || a.key !== b.key) return undefined;
  const changes: LabelChange[] = [];
  for (let i = 0; i < b.labels.length; i++) {
    if (a.labels[i] !== b.labels[i]) changes.push({ owner: b.owners[i]!, lines: decodeLabel(b.labels[i]!) });
  }
  return changes;
}

/** Mermaid's reading of an escaped label: `#60;` is `<`, `#9731;` is ☃, a newline starts a new line. */
export function decodeLabel(label: string): string[] {
  // mermaid trims the label as a whole before drawing it.
  return label.trim().split('\n').map((line) =>
    line.replace(/#(\d{1,7});/g, (whole, code: string) => {
      const cp = Number(code);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : whole;
    })
  );
}

/** Mermaid's edge id for the nth edge between two vertices (its counter skips 1: 0, 2, 3, …). */
export function mermaidEdgeId(from: string, to: string, nth: number): string {
  return `L_${from}_${to}_${nth === 0 ? 0 : nth + 1}`;
}
