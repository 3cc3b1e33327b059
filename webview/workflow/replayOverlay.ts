// Runs in the workflow webview (browser): the replay overlay on the drawn diagram — state classes toggled on the
// SVG node groups mermaid drew (never a re-render), count badges as SVG text, a legend — while the host steps
// through a recorded execution. Everything shown comes from the host as data and is written with textContent.
import type { ReplayNodeView, ReplayOverlay } from '../../src/extension/workflow/protocol';

const SVG_NS = 'http://www.w3.org/2000/svg';
const STATE_CLASSES = ['dl-rs-notStarted', 'dl-rs-running', 'dl-rs-waiting', 'dl-rs-succeeded', 'dl-rs-failed', 'dl-rs-retrying'];
const EXTRA_CLASSES = ['dl-rw-timer', 'dl-rw-callback', 'dl-rw-invoke', 'dl-rw-retry', 'dl-rs-retried'];

/**
 * The stroke (and fill) of each state, set on the shapes inline with !important: mermaid writes the classDef
 * styles of a node's kind inline with !important, which beats any stylesheet rule (the state classes alone
 * toggled, but no stroke changed on screen). The original values are put back when the state goes.
 */
type ShapeProp = 'stroke' | 'stroke-width' | 'stroke-dasharray' | 'fill';
const SHAPE_PROPS: readonly ShapeProp[] = ['stroke', 'stroke-width', 'stroke-dasharray', 'fill'];
const STATE_STYLE: Record<ReplayNodeView['state'], Partial<Record<ShapeProp, string>>> = {
  notStarted: {},
  succeeded: { stroke: 'var(--vscode-testing-iconPassed, #388a34)', 'stroke-width': '2.5px' },
  failed: { stroke: 'var(--vscode-testing-iconFailed, #e51400)', 'stroke-width': '3.5px', fill: 'var(--vscode-inputValidation-errorBackground, rgba(229, 20, 0, 0.12))' },
  running: { stroke: 'var(--vscode-debugIcon-startForeground, #388a34)', 'stroke-width': '3px', 'stroke-dasharray': '8 3' },
  waiting: { stroke: 'var(--vscode-testing-iconQueued, #cca700)', 'stroke-width': '3px', 'stroke-dasharray': '4 3' },
  retrying: { stroke: 'var(--vscode-editorWarning-foreground, #bf8803)', 'stroke-width': '3px', 'stroke-dasharray': '10 3 2 3' },
};

/** The legend's entries: class and words (no colour-only meaning: each state also has its own stroke pattern). */
const LEGEND: ReadonlyArray<readonly [string, string]> = [
  ['notStarted', 'not started'],
  ['running', 'running'],
  ['waiting', 'waiting (timer, callback, invoke)'],
  ['retrying', 'retrying'],
  ['succeeded', 'succeeded'],
  ['failed', 'failed'],
];

// Shapes: mermaid draws a vertex as `.label-container` (a rect, polygon or path, or a group of paths) and a
// subgraph as a rect. Inline styles from the classDefs set fill/stroke, hence !important.
// A copy of a node (an end drawn again where a path leaves) is styled like the node: NODE matches both.
const NODE = ':is(.dl-node, .dl-replay-copy)';
const SHAPE = (cls: string) => `${NODE}.${cls} > .label-container, ${NODE}.${cls} > .label-container path, ${NODE}.${cls}.cluster > rect`;
const CSS = `
${SHAPE('dl-rs-succeeded')} { stroke: var(--vscode-testing-iconPassed, #388a34) !important; stroke-width: 2.5px !important; }
${SHAPE('dl-rs-failed')} { stroke: var(--vscode-testing-iconFailed, #e51400) !important; stroke-width: 3.5px !important; }
${SHAPE('dl-rs-running')} { stroke: var(--vscode-debugIcon-startForeground, #388a34) !important; stroke-width: 3px !important; stroke-dasharray: 8 3 !important; }
${SHAPE('dl-rs-waiting')} { stroke: var(--vscode-testing-iconQueued, #cca700) !important; stroke-width: 3px !important; stroke-dasharray: 4 3 !important; }
${SHAPE('dl-rs-retrying')} { stroke: var(--vscode-editorWarning-foreground, #bf8803) !important; stroke-width: 3px !important; stroke-dasharray: 10 3 2 3 !important; }
${NODE}.dl-rs-notStarted { opacity: 0.45; }
${NODE}.dl-rs-failed > .label-container { fill: var(--vscode-inputValidation-errorBackground, rgba(229, 20, 0, 0.12)) !important; }
#canvas svg.dl-replaying .dl-node.dl-replay-current > .label-container,
#canvas svg.dl-replaying .dl-node.dl-replay-current.cluster > rect {
  filter: drop-shadow(0 0 3px var(--vscode-debugIcon-breakpointCurrentStackframeForeground, #ffcc00))
    drop-shadow(0 0 2px var(--vscode-debugIcon-breakpointCurrentStackframeForeground, #ffcc00));
}
.dl-replay-badge rect { fill: var(--vscode-badge-background, #616161); stroke: var(--vscode-contrastBorder, transparent); }
.dl-replay-badge text { fill: var(--vscode-badge-foreground, #ffffff); font: 600 11px var(--vscode-font-family, sans-serif); }
body.vscode-high-contrast ${SHAPE('dl-rs-succeeded')}, body.vscode-high-contrast ${SHAPE('dl-rs-failed')},
body.vscode-high-contrast ${SHAPE('dl-rs-running')}, body.vscode-high-contrast ${SHAPE('dl-rs-waiting')},
body.vscode-high-contrast ${SHAPE('dl-rs-retrying')} { stroke-width: 4px !important; }
body.vscode-high-contrast ${NODE}.dl-rs-notStarted { opacity: 0.6; }
#dl-replay-legend { position: fixed; left: 8px; bottom: 8px; padding: 4px 8px; display: flex; flex-wrap: wrap; gap: 4px 10px;
  align-items: center; font-size: 11px; background: var(--vscode-editorWidget-background, #f3f3f3);
  color: var(--vscode-editorWidget-foreground, inherit); border: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, #c8c8c8));
  border-radius: 3px; z-index: 5; max-width: calc(100% - 32px); }
#dl-replay-legend[hidden] { display: none; }
#dl-replay-legend .dl-legend-title { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 24em; }
#dl-replay-legend .dl-legend-item { display: inline-flex; align-items: center; gap: 4px; }
#dl-replay-legend svg { width: 22px; height: 12px; }
#dl-replay-legend svg rect { fill: transparent; stroke: var(--vscode-foreground, #616161); stroke-width: 2px; }
#dl-replay-legend .dl-lg-succeeded rect { stroke: var(--vscode-testing-iconPassed, #388a34); stroke-width: 2.5px; }
#dl-replay-legend .dl-lg-failed rect { stroke: var(--vscode-testing-iconFailed, #e51400); stroke-width: 3px; }
#dl-replay-legend .dl-lg-running rect { stroke: var(--vscode-debugIcon-startForeground, #388a34); stroke-dasharray: 8 3; }
#dl-replay-legend .dl-lg-waiting rect { stroke: var(--vscode-testing-iconQueued, #cca700); stroke-dasharray: 4 3; }
#dl-replay-legend .dl-lg-retrying rect { stroke: var(--vscode-editorWarning-foreground, #bf8803); stroke-dasharray: 10 3 2 3; }
#dl-replay-legend .dl-lg-notStarted { opacity: 0.45; }
`;

interface Applied {
  readonly signature: string;
  readonly badge: string | undefined;
  readonly title: string | undefined;
}

export interface OverlayResult {
  readonly ms: number;
  /** Node groups whose classes, badge or title changed. */
  readonly changed: number;
}

/** The overlay on one page: survives redraws (re-applied to the new SVG) and relabels (same groups). */
export class ReplayOverlayView {
  private overlay: ReplayOverlay | null = null;
  private readonly applied = new Map<string, Applied>();
  private readonly badges = new Map<string, SVGGElement>();
  private current: string | null = null;
  /** Other drawings of a bound node group in this SVG (end copies), found once per drawing. */
  private copies: Map<SVGGElement, SVGGElement[]> | null = null;
  private svg: SVGSVGElement | null = null;
  /** Inline values of the shape properties before a state was painted over them, by shape element. */
  private readonly originals = new WeakMap<Element, Map<ShapeProp, [string, string]>>();
  private layer: SVGGElement | null = null;
  private readonly legend: HTMLElement;
  private readonly legendTitle: HTMLElement;

  constructor(private readonly doc: Document) {
    const style = doc.createElement('style');
    style.id = 'dl-replay-style';
    style.textContent = CSS;
    doc.head.append(style);
    this.legend = doc.createElement('div');
    this.legend.id = 'dl-replay-legend';
    this.legend.setAttribute('role', 'note');
    this.legend.setAttribute('aria-label', 'Replay states');
    this.legend.hidden = true;
    this.legendTitle = doc.createElement('span');
    this.legendTitle.className = 'dl-legend-title';
    this.legend.append(this.legendTitle);
    for (const [state, words] of LEGEND) {
      const item = doc.createElement('span');
      item.className = `dl-legend-item dl-lg-${state}`;
      const swatch = doc.createElementNS(SVG_NS, 'svg');
      swatch.setAttribute('viewBox', '0 0 22 12');
      swatch.setAttribute('aria-hidden', 'true');
      const r = doc.createElementNS(SVG_NS, 'rect');
      r.setAttribute('x', '2');
      r.setAttribute('y', '2');
      r.setAttribute('width', '18');
      r.setAttribute('height', '8');
      r.setAttribute('rx', '2');
      swatch.append(r);
      const label = doc.createElement('span');
      label.textContent = words;
      item.append(swatch, label);
      this.legend.append(item);
    }
    doc.body.append(this.legend);
  }

  get active(): ReplayOverlay | null {
    return this.overlay;
  }

  /**
   * Applies `overlay` (null: stepping ended) to the node groups drawn now. Only nodes whose state changed are
   * touched, so a move costs O(changes) DOM work.
   */
  set(overlay: ReplayOverlay | null, svg: SVGSVGElement | null, elements: ReadonlyMap<string, SVGGElement>): OverlayResult {
    const t0 = performance.now();
    if (svg !== this.svg) this.forgetDrawing(svg);
    this.overlay = overlay;
    this.copies ??= findCopies(svg, elements);
    let changed = 0;
    const wanted = new Map<string, ReplayNodeView>();
    for (const n of overlay?.nodes ?? []) wanted.set(n.nodeId, n);
    // Nodes the overlay no longer mentions go back to how mermaid drew them.
    for (const id of Array.from(this.applied.keys())) {
      if (wanted.has(id)) continue;
      const g = elements.get(id);
      if (g) this.clearNode(g, id);
      this.applied.delete(id);
      changed++;
    }
    for (const [id, n] of wanted) {
      const g = elements.get(id);
      if (!g) continue;
      if (this.applyNode(g, id, n)) changed++;
    }
    const current = overlay?.current ?? null;
    if (current !== this.current) {
      if (this.current) elements.get(this.current)?.classList.remove('dl-replay-current');
      this.current = current;
    }
    if (current) elements.get(current)?.classList.add('dl-replay-current');
    svg?.classList.toggle('dl-replaying', overlay !== null);
    this.legend.hidden = overlay === null;
    this.legendTitle.textContent = overlay ? `Stepping: ${overlay.label}` : '';
    return { ms: performance.now() - t0, changed };
  }

  /** The SVG was drawn again (new groups): everything is applied afresh to it. */
  redrawn(svg: SVGSVGElement | null, elements: ReadonlyMap<string, SVGGElement>): OverlayResult | undefined {
    if (!this.overlay) {
      this.forgetDrawing(svg);
      return undefined;
    }
    this.forgetDrawing(svg);
    return this.set(this.overlay, svg, elements);
  }

  /**
   * After a relabel: the same SVG groups under a new node map (ids may have moved): cleared and applied afresh,
   * so no group keeps the state of the node it stood for before.
   */
  rebound(svg: SVGSVGElement | null, elements: ReadonlyMap<string, SVGGElement>): void {
    if (!this.overlay) return;
    for (const g of elements.values()) {
      g.classList.remove(...STATE_CLASSES, ...EXTRA_CLASSES, 'dl-replay-current');
      this.paint(g, null);
    }
    for (const list of this.copies?.values() ?? []) for (const c of list) this.clearCopy(c);
    for (const b of this.badges.values()) b.remove();
    this.forgetDrawing(svg);
    this.set(this.overlay, svg, elements);
  }

  /** What the overlay shows now, by node id (tests and the snapshot). */
  snapshot(elements: ReadonlyMap<string, SVGGElement>): { states: Record<string, string>; badges: Record<string, string>; current: string | null } | null {
    if (!this.overlay) return null;
    const states: Record<string, string> = {};
    const badges: Record<string, string> = {};
    for (const [id, g] of elements) {
      const cls = STATE_CLASSES.find((c) => g.classList.contains(c));
      if (cls) states[id] = cls.slice('dl-rs-'.length) + (g.classList.contains('dl-rs-retried') ? '+retried' : '');
      const b = this.badges.get(id);
      if (b?.isConnected) badges[id] = b.textContent ?? '';
    }
    const current = this.current && elements.get(this.current)?.classList.contains('dl-replay-current') ? this.current : null;
    return { states, badges, current };
  }

  private forgetDrawing(svg: SVGSVGElement | null): void {
    this.svg = svg;
    this.layer = null;
    this.applied.clear();
    this.badges.clear();
    this.current = null;
    this.copies = null;
  }

  private applyNode(g: SVGGElement, id: string, n: ReplayNodeView): boolean {
    const classes = [`dl-rs-${n.state}`];
    if (n.waitingOn) classes.push(`dl-rw-${n.waitingOn}`);
    if (n.retried) classes.push('dl-rs-retried');
    const signature = classes.join(' ');
    const before = this.applied.get(id);
    if (before && before.signature === signature && before.badge === n.badge && before.title === n.title) return false;
    const copies = this.copies?.get(g) ?? [];
    if (!before || before.signature !== signature) {
      for (const x of [g, ...copies]) {
        x.classList.remove(...STATE_CLASSES, ...EXTRA_CLASSES);
        x.classList.add(...classes);
        this.paint(x, n.state);
      }
    }
    if (!before || before.title !== n.title) for (const x of [g, ...copies]) this.setTitle(x, id, n.title);
    if (!before || before.badge !== n.badge) this.setBadge(g, id, n.badge);
    this.applied.set(id, { signature, badge: n.badge, title: n.title });
    return true;
  }

  private clearNode(g: SVGGElement, id: string): void {
    g.classList.remove(...STATE_CLASSES, ...EXTRA_CLASSES, 'dl-replay-current');
    this.paint(g, null);
    this.setTitle(g, id, undefined);
    this.setBadge(g, id, undefined);
    for (const c of this.copies?.get(g) ?? []) this.clearCopy(c);
  }

  private clearCopy(c: SVGGElement): void {
    c.classList.remove(...STATE_CLASSES, ...EXTRA_CLASSES, 'dl-replay-current');
    this.paint(c, null);
    c.removeAttribute('aria-description');
  }

  /** Paints `state` on the node group's shapes (null: puts back how mermaid drew them). */
  private paint(g: SVGGElement, state: ReplayNodeView['state'] | null): void {
    const want = state ? STATE_STYLE[state] : {};
    const contrast = this.doc.body.classList.contains('vscode-high-contrast');
    for (const shape of shapesOf(g)) {
      const style = (shape as SVGElement).style;
      let saved = this.originals.get(shape);
      if (!saved && state === null) continue;
      if (!saved) {
        saved = new Map(SHAPE_PROPS.map((p) => [p, [style.getPropertyValue(p), style.getPropertyPriority(p)]]));
        this.originals.set(shape, saved);
      }
      for (const p of SHAPE_PROPS) {
        let v = want[p];
        if (v !== undefined && p === 'stroke-width' && contrast) v = '4px';
        if (v !== undefined) style.setProperty(p, v, 'important');
        else {
          const [value, priority] = saved.get(p)!;
          if (value) style.setProperty(p, value, priority);
          else style.removeProperty(p);
        }
      }
      if (state === null) this.originals.delete(shape);
    }
  }

  /**
   * The state in words for screen readers. Not a <title> child: it would become part of the node's text, which
   * the snapshot and the relabel read as the label.
   */
  private setTitle(g: SVGGElement, _id: string, text: string | undefined): void {
    if (text === undefined) g.removeAttribute('aria-description');
    else g.setAttribute('aria-description', `Replay: ${text}`);
  }

  /** The badge layer: one group on top of the drawing, so badges are not part of any node's label text. */
  private badgeLayer(g: SVGGElement): SVGGElement | null {
    const svg = g.ownerSVGElement;
    if (!svg) return null;
    if (this.layer && this.layer.isConnected && this.layer.ownerSVGElement === svg) return this.layer;
    const layer = this.doc.createElementNS(SVG_NS, 'g') as SVGGElement;
    layer.classList.add('dl-replay-badges');
    layer.setAttribute('aria-hidden', 'true');
    svg.append(layer);
    this.layer = layer;
    return layer;
  }

  private setBadge(g: SVGGElement, id: string, text: string | undefined): void {
    const existing = this.badges.get(id);
    if (text === undefined) {
      existing?.remove();
      this.badges.delete(id);
      return;
    }
    const layer = this.badgeLayer(g);
    if (!layer) return;
    let badge = existing;
    if (!badge || !badge.isConnected) {
      badge = this.doc.createElementNS(SVG_NS, 'g') as SVGGElement;
      badge.classList.add('dl-replay-badge');
      badge.dataset.nodeId = id;
      badge.append(this.doc.createElementNS(SVG_NS, 'rect'), this.doc.createElementNS(SVG_NS, 'text'));
      layer.append(badge);
      this.badges.set(id, badge);
    }
    const label = badge.querySelector('text')!;
    const rect = badge.querySelector('rect')!;
    label.textContent = text;
    // The node's top-right corner in the layer's coordinates (mermaid translates node groups; the layer is not).
    const box = g.getBBox();
    const m = layer.getScreenCTM()?.inverse().multiply(g.getScreenCTM() ?? new DOMMatrix());
    const pt = new DOMPoint(box.x + box.width, box.y).matrixTransform(m ?? new DOMMatrix());
    const width = Math.max(18, label.getComputedTextLength() + 10);
    rect.setAttribute('x', String(-width + 6));
    rect.setAttribute('y', '-9');
    rect.setAttribute('width', String(width));
    rect.setAttribute('height', '16');
    rect.setAttribute('rx', '8');
    label.setAttribute('x', String(-width / 2 + 6));
    label.setAttribute('y', '3');
    label.setAttribute('text-anchor', 'middle');
    badge.setAttribute('transform', `translate(${pt.x.toFixed(1)},${pt.y.toFixed(1)})`);
  }
}

/**
 * The page binds one SVG group per node (the first drawn); an end reached by an early return or an uncaught error
 * is drawn again next to where the path leaves (src/core/workflow/mermaid.ts), as an unbound vertex group with the
 * same kind class and label. Each such group is found here and follows the bound one's state.
 */
function findCopies(svg: SVGSVGElement | null, elements: ReadonlyMap<string, SVGGElement>): Map<SVGGElement, SVGGElement[]> {
  const out = new Map<SVGGElement, SVGGElement[]>();
  if (!svg) return out;
  const bound = new Set(elements.values());
  const unbound = Array.from(svg.querySelectorAll<SVGGElement>('g.node')).filter((g) => !bound.has(g));
  if (unbound.length === 0) return out;
  const byKey = new Map<string, SVGGElement | null>();
  for (const g of bound) {
    const key = copyKey(g);
    // Two bound nodes alike (same kind, same label): a copy could be either's, so neither claims it.
    if (key !== undefined) byKey.set(key, byKey.has(key) ? null : g);
  }
  for (const c of unbound) {
    const key = copyKey(c);
    const g = key === undefined ? undefined : byKey.get(key);
    if (!g) continue;
    c.classList.add('dl-replay-copy');
    let list = out.get(g);
    if (!list) out.set(g, (list = []));
    list.push(c);
  }
  return out;
}

/** Kind class (mermaid writes the classDef names on the group) and label text; undefined for a node with no kind. */
function copyKey(g: SVGGElement): string | undefined {
  if (!g.classList.contains('node')) return undefined;
  const kind = Array.from(g.classList).filter((c) => c.startsWith('k-')).sort().join(' ');
  if (!kind) return undefined;
  return `${kind}\u0000${(g.textContent ?? '').replace(/\s+/g, ' ').trim()}`;
}

/** The shapes mermaid drew for a vertex (its label container, or the paths in it) or a subgraph (its rect). */
function shapesOf(g: SVGGElement): Element[] {
  const out: Element[] = [];
  for (const c of Array.from(g.children)) {
    if (c.classList.contains('label-container')) {
      out.push(c, ...Array.from(c.querySelectorAll('path')));
    } else if (g.classList.contains('cluster') && c.tagName.toLowerCase() === 'rect') out.push(c);
  }
  return out;
}
