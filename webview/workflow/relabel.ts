// Runs in the workflow webview: relabels a drawn mermaid SVG in place when only labels changed, so a
// keystroke that renames a step costs a few DOM writes instead of a full layout. Sizes are adjusted
// locally (label box, the node's shape scaled about its centre); the caller lays the graph out again
// once typing pauses, which puts everything back where mermaid would.
import { mermaidEdgeId, type LabelChange } from '../../src/core/workflow/labelDiff';

export interface RelabelResult {
  /** Every change found its element and was applied. False: the caller should redraw in full. */
  readonly ok: boolean;
  /** Some label changed size, so the layout is approximate until the next full draw. */
  readonly resized: boolean;
}

/**
 * Applies label changes to `svg` (drawn by mermaid from the text before the change). `svgId` is the id
 * mermaid gave the SVG; mermaid prefixes vertex and subgraph element ids with it.
 */
export function relabel(svg: SVGSVGElement, changes: readonly LabelChange[]): RelabelResult {
  const prefix = `${svg.id}-`;
  let resized = false;
  // Find every target first: a change that cannot be placed means a full draw, with nothing half-done.
  const targets: Array<{ change: LabelChange; group: Element; label: Element; node: Element | null }> = [];
  for (const change of changes) {
    const o = change.owner;
    let group: Element | null = null;
    let node: Element | null = null;
    if (o.kind === 'node') {
      node = findVertex(svg, prefix, o.id);
      group = node?.querySelector(':scope > g.label') ?? null;
    } else if (o.kind === 'subgraph') {
      group = svg.querySelector(`[id="${cssString(prefix + o.id)}"] > g.cluster-label`);
    } else {
      group = svg.querySelector(`g.edgeLabel > g.label[data-id="${cssString(mermaidEdgeId(o.from, o.to, o.nth))}"]`);
    }
    const label = group?.querySelector('foreignObject span.nodeLabel, foreignObject span.edgeLabel') ?? null;
    if (!group || !label) return { ok: false, resized: false };
    targets.push({ change, group, label, node });
  }
  for (const t of targets) {
    const fo = t.group.querySelector(':scope > foreignObject');
    const box = fo?.firstElementChild as HTMLElement | null;
    if (!fo || !box) return { ok: false, resized };
    setLines(t.label, t.change.lines);
    // Sizes are taken against what mermaid drew, kept on the first relabel, so repeated edits do not drift.
    const fod = (fo as SVGElement).dataset;
    if (fod.dlW0 === undefined) {
      fod.dlW0 = fo.getAttribute('width') ?? '0';
      fod.dlH0 = fo.getAttribute('height') ?? '0';
      fod.dlT0 = t.group.getAttribute('transform') ?? '';
    }
    const w0 = Number(fod.dlW0) || 0;
    const h0 = Number(fod.dlH0) || 0;
    const [w, h] = measure(fo, box);
    if (Math.abs(w - w0) >= 0.5 || Math.abs(h - h0) >= 0.5) resized = true;
    fo.setAttribute('width', String(w));
    fo.setAttribute('height', String(h));
    if (t.change.owner.kind === 'subgraph') {
      // Cluster labels sit centred on the cluster's top edge: keep the centre.
      const [x, y] = translateOf(fod.dlT0 ?? '');
      t.group.setAttribute('transform', `translate(${x - (w - w0) / 2}, ${y})`);
    } else {
      // Vertex and edge labels are centred on their group's origin.
      t.group.setAttribute('transform', `translate(${-w / 2}, ${-h / 2})`);
      if (t.node) growShape(t.node, w - w0, h - h0);
    }
  }
  if (resized) growViewBox(svg);
  return { ok: true, resized };
}

/**
 * A label grown in place can reach past what mermaid framed (a narrow graph while its first step is typed):
 * the SVG's viewBox, and its size at 1x (width/height are the viewBox's, see the full draw), grow to hold the
 * drawing, so nothing is cut off until the next full layout. They never shrink here: the full draw frames again.
 */
function growViewBox(svg: SVGSVGElement): void {
  const vb = svg.viewBox?.baseVal;
  if (!vb || vb.width <= 0 || vb.height <= 0) return;
  let content: DOMRect;
  try {
    content = svg.getBBox();
  } catch {
    // Not rendered (display: none): nothing is drawn to be cut off.
    return;
  }
  const margin = 8;
  const x0 = Math.min(vb.x, content.x - margin);
  const y0 = Math.min(vb.y, content.y - margin);
  const x1 = Math.max(vb.x + vb.width, content.x + content.width + margin);
  const y1 = Math.max(vb.y + vb.height, content.y + content.height + margin);
  if (x0 === vb.x && y0 === vb.y && x1 === vb.x + vb.width && y1 === vb.y + vb.height) return;
  const sx = Number(svg.getAttribute('width')) / vb.width || 1;
  const sy = Number(svg.getAttribute('height')) / vb.height || 1;
  svg.setAttribute('viewBox', `${x0} ${y0} ${x1 - x0} ${y1 - y0}`);
  svg.setAttribute('width', String((x1 - x0) * sx));
  svg.setAttribute('height', String((y1 - y0) * sy));
}

/**
 * The label's natural size, laid out the way mermaid does it: on one line, or wrapped at the box's
 * max-width when one line would be wider. offsetWidth/Height are layout sizes, so the viewport's zoom
 * transform does not affect them.
 */
function measure(fo: Element, box: HTMLElement): [number, number] {
  // Room to grow first: inside a narrower foreignObject the box would be measured squeezed.
  fo.setAttribute('width', '100000');
  fo.setAttribute('height', '100000');
  const max = parseFloat(box.dataset.dlMaxWidth ?? box.style.maxWidth);
  box.dataset.dlMaxWidth = String(max);
  box.style.display = 'table-cell';
  box.style.whiteSpace = 'nowrap';
  box.style.removeProperty('width');
  box.style.removeProperty('max-width');
  const natural = box.offsetWidth;
  if (max > 0) box.style.maxWidth = `${max}px`;
  if (max > 0 && natural > max) {
    box.style.display = 'table';
    box.style.whiteSpace = 'break-spaces';
    box.style.width = `${max}px`;
  }
  return [box.offsetWidth, box.offsetHeight];
}

function findVertex(svg: SVGSVGElement, prefix: string, mermaidId: string): Element | null {
  const byData = svg.querySelector(`g.node[data-id="${cssString(mermaidId)}"]`);
  if (byData) return byData;
  // mermaid 11 names vertex groups `<svgId>-flowchart-<vertexId>-<n>`.
  const start = `${prefix}flowchart-${mermaidId}-`;
  for (const g of Array.from(svg.querySelectorAll('g.node'))) {
    if (g.id.startsWith(start) && /^\d+$/.test(g.id.slice(start.length))) return g;
  }
  return null;
}

/** Replaces the label's text with `lines`, separated by <br>: DOM nodes only, never markup. */
function setLines(label: Element, lines: readonly string[]): void {
  const target = label.querySelector(':scope > p') ?? label;
  const parts: Node[] = [];
  lines.forEach((line, i) => {
    if (i > 0) parts.push(document.createElement('br'));
    parts.push(document.createTextNode(line));
  });
  target.replaceChildren(...parts);
}

/** Widens (or narrows) a vertex's outline by the label's change since mermaid drew it, about its centre. */
function growShape(node: Element, dw: number, dh: number): void {
  const shape = node.querySelector(':scope > .label-container, :scope > g.label-container, :scope > rect, :scope > polygon, :scope > path');
  if (!(shape instanceof SVGGraphicsElement)) return;
  const d = shape.dataset;
  if (shape instanceof SVGRectElement && !shape.hasAttribute('transform')) {
    if (d.dlX0 === undefined) {
      d.dlX0 = String(shape.x.baseVal.value);
      d.dlY0 = String(shape.y.baseVal.value);
      d.dlW0 = String(shape.width.baseVal.value);
      d.dlH0 = String(shape.height.baseVal.value);
    }
    shape.setAttribute('x', String(Number(d.dlX0) - dw / 2));
    shape.setAttribute('y', String(Number(d.dlY0) - dh / 2));
    shape.setAttribute('width', String(Math.max(1, Number(d.dlW0) + dw)));
    shape.setAttribute('height', String(Math.max(1, Number(d.dlH0) + dh)));
    return;
  }
  // Other outlines (diamond, hexagon, parallelogram, circle, paths): scale them about the centre. The
  // original transform (mermaid centres the outline with a translate) stays innermost.
  const box = shape.getBBox();
  if (box.width <= 0 || box.height <= 0) return;
  const sx = Math.max(0.1, (box.width + dw) / box.width);
  const sy = Math.max(0.1, (box.height + dh) / box.height);
  const base = d.dlTransform ?? shape.getAttribute('transform') ?? '';
  d.dlTransform = base;
  shape.setAttribute('transform', `scale(${sx}, ${sy}) ${base}`.trim());
  shape.style.setProperty('vector-effect', 'non-scaling-stroke');
}

function translateOf(transform: string): [number, number] {
  const m = /translate\(\s*(-?[\d.e+-]+)[ ,]+(-?[\d.e+-]+)\s*\)/.exec(transform);
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

/** Escapes a value for a double-quoted CSS attribute selector. */
function cssString(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}
