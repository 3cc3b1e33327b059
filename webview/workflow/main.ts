// Runs in the workflow webview (browser): draws the host's Mermaid text with the bundled mermaid, binds
// node clicks and keys, keeps zoom/pan/direction across updates (saved in viewState.ts); snapshot and export
// read out in snapshot.ts.
import '../shared/nonce';
import mermaid from 'mermaid';
import elkLayouts from '@mermaid-js/layout-elk';
import type {
  Direction,
  DiagnosticMark,
  ExportFormat,
  ExportResult,
  HostNotification,
  HostRequests,
  NodeInfo,
  RenderParams,
  SavedView,
  ViewSnapshot,
  WebviewNotification,
  WebviewRequests,
  WorkflowViewState,
} from '../../src/extension/workflow/protocol';
import { ELK_THRESHOLD, READABLE_LABEL_PX } from '../../src/extension/workflow/protocol';
import { HostChannel } from '../shared/host';
import { Viewport } from './viewport';
import { Scrollbars } from './scrollbars';
import { svgSize } from './exporter';
import { relabel } from './relabel';
import { readTheme, themedText, type WebviewTheme } from './theme';
import { labelChanges } from '../../src/core/workflow/labelDiff';
import { ReplayOverlayView } from './replayOverlay';
import { exportDrawing, viewSnapshot } from './snapshot';
import { SavedViewState } from './viewState';

type Channel = HostChannel<WebviewNotification, HostNotification, WebviewRequests, HostRequests, WorkflowViewState>;

mermaid.registerLayoutLoaders(elkLayouts);

const channel: Channel = new HostChannel<WebviewNotification, HostNotification, WebviewRequests, HostRequests, WorkflowViewState>();
const viewState = new SavedViewState(channel.getState(), (state) => channel.setState(state));

function rememberView(t: SavedView): void {
  if (!shown || shown.handler === null) return;
  viewState.remember(shown, t);
}

// ---- DOM (built here so the host's HTML holds no data and the bench page needs nothing else) ----

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const toolbar = el('div', { id: 'toolbar', role: 'toolbar', 'aria-label': 'Workflow diagram' });
const handlerSelect = el('select', { id: 'handler', 'aria-label': 'Handler', title: 'Handler to show' });
const btnZoomIn = el('button', { id: 'zoom-in', title: 'Zoom in (+)', 'aria-label': 'Zoom in' }, '+');
const btnZoomOut = el('button', { id: 'zoom-out', title: 'Zoom out (-)', 'aria-label': 'Zoom out' }, '\u2212');
const btnFit = el('button', { id: 'fit', title: 'Fit to view (0)' }, 'Fit');
const btnDirection = el('button', { id: 'direction', title: 'Switch direction (top-down / left-right)' });
const btnLayout = el('button', { id: 'layout', title: 'Layout engine (auto uses ELK for large graphs)' });
const btnCopy = el('button', { id: 'copy-mermaid', title: 'Copy the Mermaid source' }, 'Copy Mermaid');
const btnSvg = el('button', { id: 'export-svg', title: 'Export as SVG' }, 'SVG');
const btnPng = el('button', { id: 'export-png', title: 'Export as PNG' }, 'PNG');
const status = el('span', { id: 'status', role: 'status', 'aria-live': 'polite' });
toolbar.append(handlerSelect, btnZoomIn, btnZoomOut, btnFit, btnDirection, btnLayout, btnCopy, btnSvg, btnPng, status);

const note = el('div', { id: 'note', role: 'alert' });
note.hidden = true;
const message = el('div', { id: 'message' });
message.hidden = true;
const viewportEl = el('div', { id: 'viewport', tabindex: '-1' });
const canvas = el('div', { id: 'canvas' });
viewportEl.append(canvas);
// mermaid draws (and measures labels) here, out of sight, before the sanitised SVG goes on the canvas.
const renderHost = el('div', { id: 'render-host', 'aria-hidden': 'true' });
document.body.append(toolbar, note, message, viewportEl, renderHost);

const viewport = new Viewport(viewportEl, canvas, (t) => rememberView(t));
// Overlay scrollbars inside #viewport, outside #canvas: never in an export, never over the toolbar.
const scrollbars = new Scrollbars(viewportEl, canvas, viewport);
const replayView = new ReplayOverlayView(document);

// ---- state ----

let latest: RenderParams | undefined; // the newest render the host sent
let shown: RenderParams | undefined; // what the SVG on screen was drawn from
let renderToken = 0; // increases with every draw; a finished draw older than the newest is dropped
let drawing: Promise<void> = Promise.resolve();
let nodesByMermaidId = new Map<string, NodeInfo>();
let elementsByNodeId = new Map<string, SVGGElement>();
let highlighted: string | null = null;
let marks: readonly DiagnosticMark[] = [];
let noteText: string | null = null;
let shownText = '';
let shownElk = false;
/** The SVG was relabelled in place since mermaid drew it: sizes are local guesses until the next draw. */
let approximate = false;
let settleTimer: ReturnType<typeof setTimeout> | undefined;
/** After the last in-place relabel, wait this long for typing to pause before laying the graph out again. */
const SETTLE_MS = 600;

// ---- mermaid ----

/** The VS Code theme's colours, read again when the body's theme class or the colours change. */
let currentTheme: WebviewTheme = readTheme();

function useElk(params: RenderParams): boolean {
  if (viewState.layout === 'elk') return true;
  if (viewState.layout === 'dagre') return false;
  return params.nodes.length > ELK_THRESHOLD;
}

function configure(elk: boolean): void {
  mermaid.initialize({
    startOnLoad: false,
    // strict: labels are sanitised and `click` directives are ignored; we bind clicks ourselves.
    securityLevel: 'strict',
    // 'base' is the one mermaid theme that takes themeVariables: edges, subgraphs and edge labels get the
    // VS Code theme's colours; node colours come from the classDefs (themedText).
    theme: 'base',
    themeVariables: { ...currentTheme.variables },
    maxTextSize: 10_000_000,
    maxEdges: 50_000,
    // A syntax error throws from render (shown in the note) rather than drawing mermaid's bomb picture.
    suppressErrorRendering: true,
    layout: elk ? 'elk' : 'dagre',
    // HTML labels: the renderer escapes names as `#code;` entities, which only HTML labels decode
    // (SVG text labels would show `&#60;` literally). mermaid sanitises them with DOMPurify.
    htmlLabels: true,
    // (Only the top-level htmlLabels: mermaid 11 deprecates flowchart.htmlLabels.)
    flowchart: { useMaxWidth: false },
    fontFamily: String(currentTheme.variables.fontFamily),
  });
}

/**
 * The text mermaid draws for `params`: the host's text in the direction the user picked, with the node
 * colours of the current theme. Both paths (full draw and relabel) compare and draw exactly this.
 */
function preparedText(params: RenderParams): string {
  return themedText(withDirection(params.mermaid, viewState.direction), currentTheme);
}

/** Rewrites the direction of the first `flowchart`/`graph` header; leaves other text alone. */
function withDirection(text: string, dir: Direction): string {
  return text.replace(/^(\s*(?:flowchart|graph)\s+)(?:TD|TB|LR|RL|BT)\b/m, `$1${dir}`);
}

function scheduleDraw(params: RenderParams, keepView: boolean): void {
  const token = ++renderToken;
  // mermaid keeps global state per render: draws run one after another, and a draw that was
  // overtaken while waiting is skipped before it starts.
  drawing = drawing.then(() => (token === renderToken ? draw(params, token, keepView) : undefined)).catch(() => undefined);
}

async function draw(params: RenderParams, token: number, keepView: boolean): Promise<void> {
  const started = performance.now();
  if (params.handler === null || params.mermaid === '') {
    canvas.replaceChildren();
    shown = params;
    shownText = '';
    indexNodes(params);
    showMessage(params.message ?? 'No durable handler in this file.');
    channel.post({ type: 'rendered', seq: params.seq, nodeCount: 0, ms: performance.now() - started, layout: 'dagre' });
    return;
  }
  const elk = useElk(params);
  const text = preparedText(params);
  configure(elk);
  let svgText: string;
  let parsed = started;
  let drawn = started;
  try {
    // No separate mermaid.parse: render parses the text itself and, with suppressErrorRendering,
    // throws the same parse error instead of drawing mermaid's error picture. Parsing twice cost
    // 15-25% of a render (CPU profile of a 300-node graph).
    const out = await mermaid.render(`dl-graph-${token}`, text, renderHost);
    parsed = started;
    drawn = performance.now();
    svgText = out.svg;
  } catch (error) {
    document.getElementById(`dl-graph-${token}`)?.remove();
    document.getElementById(`ddl-graph-${token}`)?.remove();
    if (token !== renderToken) return;
    const msg = error instanceof Error ? error.message : String(error);
    setNote(`The diagram could not be drawn: ${msg.split('\n')[0]}${shown ? ' (showing the last good diagram)' : ''}`);
    channel.post({ type: 'renderError', seq: params.seq, message: msg });
    return;
  }
  if (token !== renderToken) return; // a newer render arrived meanwhile: drop this result
  showMessage(null);
  const sameView = keepView && shown !== undefined && shown.documentUri === params.documentUri && shown.handler === params.handler;
  // The SVG comes from mermaid.render in strict mode (labels sanitised, escaped by our renderer first);
  // no host data is put into markup here, and the CSP forbids inline scripts and handlers anyway.
  canvas.innerHTML = svgText;
  shown = params;
  shownText = text;
  shownElk = elk;
  approximate = false;
  prefetchElk();
  const svg = currentSvg();
  if (svg) {
    const { width, height } = svgSize(svg);
    svg.style.maxWidth = 'none';
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
  }
  indexNodes(params);
  bindNodes();
  marks = params.marks;
  applyMarks();
  replayView.redrawn(currentSvg(), elementsByNodeId);
  // Each handler keeps the zoom the user gave it; one the user has not zoomed or scrolled keeps the default
  // (readable) view, recomputed as the graph changes shape (a graph that grows while typing stays framed).
  const remembered = viewState.viewOf(params);
  if (!sameView && remembered) viewport.set(remembered, false);
  else if (!remembered) fit();
  // A new graph (or direction, or a default view recomputed) may put the cursor's node off screen.
  applyHighlight(params.highlight, !sameView || !remembered);
  viewState.save({ documentUri: params.documentUri, handler: params.handler });
  if (noteText && noteText.startsWith('The diagram could not be drawn')) setNote(null);
  const done = performance.now();
  channel.post({
    type: 'rendered',
    seq: params.seq,
    nodeCount: elementsByNodeId.size,
    ms: done - started,
    layout: elk ? 'elk' : 'dagre',
    mode: 'full',
    phases: { parse: parsed - started, render: drawn - parsed, bind: done - drawn },
  });
}

function currentSvg(): SVGSVGElement | null {
  return canvas.querySelector('svg');
}

/** The default view: fits the graph, but never shrinks labels below READABLE_LABEL_PX (it scrolls instead). */
function fit(): void {
  const svg = currentSvg();
  if (!svg) return;
  const { width, height } = svgSize(svg);
  viewport.fit(width, height, READABLE_LABEL_PX / labelPx());
  // A graph wider than the panel would open on its left edge, which may be a side path: open it on the start.
  const start = shown?.nodes.find((n) => n.kind === 'start');
  const g = start ? elementsByNodeId.get(start.id) : undefined;
  if (g) viewport.centreOn(contentBox(g), width, height);
  // Fit is the user's "back to the default": the handler forgets its zoom.
  if (shown) viewState.forget(shown);
}

/** The labels' font size as mermaid drew them (CSS px, before the zoom); 16 when nothing is drawn yet. */
function labelPx(): number {
  const label = canvas.querySelector('svg g.node .nodeLabel') ?? canvas.querySelector('svg g.node foreignObject div') ?? canvas.querySelector('svg g.node text');
  const px = label ? parseFloat(getComputedStyle(label).fontSize) : NaN;
  return Number.isFinite(px) && px > 0 ? px : 16;
}

// ---- nodes: clicks, keys, marks, highlight ----

function indexNodes(params: RenderParams): void {
  nodesByMermaidId = new Map(params.nodes.map((n) => [n.mermaidId, n]));
  // An operation drawn as a vertex may also own a subgraph: the vertex is what a click should hit.
  elementsByNodeId = new Map();
}

function describe(n: NodeInfo): string {
  const name = n.name === null ? '(unnamed)' : n.name;
  return `${n.kind} ${name}, line ${n.line}${n.file ? ` in ${n.file}` : ''}`;
}

/** The node an SVG group stands for now (looked up at event time: a relabel may change node ids). */
function infoOf(g: Element): NodeInfo | undefined {
  const mid = (g as SVGGElement).dataset.dlMid;
  return mid === undefined ? undefined : nodesByMermaidId.get(mid);
}

function bindNodes(): void {
  const svg = currentSvg();
  if (!svg) return;
  // mermaid 11 names vertex groups `<svgId>-flowchart-<vertexId>-<n>` and subgraph groups
  // `<svgId>-<subgraphId>`; some layouts also set data-id to the vertex id.
  const prefix = `${svg.id}-`;
  const groups = [...Array.from(svg.querySelectorAll<SVGGElement>('g.node')), ...Array.from(svg.querySelectorAll<SVGGElement>('g.cluster'))];
  for (const g of groups) {
    const mid = vertexId(g, prefix);
    const info = nodesByMermaidId.get(mid);
    if (!info || elementsByNodeId.has(info.id)) continue;
    elementsByNodeId.set(info.id, g);
    g.dataset.dlMid = mid;
    g.classList.add('dl-node');
    g.setAttribute('tabindex', '0');
    g.setAttribute('role', 'button');
    g.setAttribute('aria-label', `${describe(info)}: reveal in editor`);
    g.addEventListener('click', (e) => {
      e.stopPropagation();
      const now = infoOf(g);
      if (now) reveal(now.id);
    });
    g.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        e.stopPropagation();
        const now = infoOf(g);
        if (now) reveal(now.id);
      }
    });
  }
}

/** After a relabel: the same SVG groups, with the new node map (ids, names and lines may have moved). */
function rebindNodes(params: RenderParams): void {
  nodesByMermaidId = new Map(params.nodes.map((n) => [n.mermaidId, n]));
  const groups = Array.from(elementsByNodeId.values());
  elementsByNodeId = new Map();
  for (const g of groups) {
    const info = infoOf(g);
    if (!info || elementsByNodeId.has(info.id)) continue;
    elementsByNodeId.set(info.id, g);
    g.setAttribute('aria-label', `${describe(info)}: reveal in editor`);
  }
}

/**
 * Shows `params` by relabelling the SVG on screen when only labels differ from it (the common keystroke).
 * Returns false when a full draw is needed. Synchronous: it also overtakes a draw in progress.
 */
function tryRelabel(params: RenderParams): boolean {
  const started = performance.now();
  if (!shown || !shownText || params.handler === null || params.mermaid === '') return false;
  if (shown.documentUri !== params.documentUri || shown.handler !== params.handler || useElk(params) !== shownElk) return false;
  const svg = currentSvg();
  if (!svg) return false;
  const text = preparedText(params);
  const changes = labelChanges(shownText, text);
  if (!changes) return false;
  const result = relabel(svg, changes);
  if (!result.ok) return false;
  ++renderToken; // any draw queued or under way is older than what is now on screen
  shown = params;
  shownText = text;
  rebindNodes(params);
  replayView.rebound(svg, elementsByNodeId);
  marks = params.marks;
  applyMarks();
  applyHighlight(params.highlight, false);
  if (noteText && noteText.startsWith('The diagram could not be drawn')) setNote(null);
  if (result.resized) {
    approximate = true;
    // The drawing may now overflow the panel: the bars follow at once, not a frame later from the resize observer.
    scrollbars.update();
  }
  if (approximate) scheduleSettle();
  channel.post({ type: 'rendered', seq: params.seq, nodeCount: elementsByNodeId.size, ms: performance.now() - started, layout: shownElk ? 'elk' : 'dagre', mode: 'relabel' });
  return true;
}

/** Lays the relabelled graph out properly once typing pauses (every relabel pushes this back). */
function scheduleSettle(): void {
  if (settleTimer) clearTimeout(settleTimer);
  settleTimer = setTimeout(() => {
    settleTimer = undefined;
    if (approximate && latest) scheduleDraw(latest, true);
  }, SETTLE_MS);
}

function vertexId(g: Element, prefix: string): string {
  const dataId = g.getAttribute('data-id');
  if (dataId) return dataId;
  const id = g.id.startsWith(prefix) ? g.id.slice(prefix.length) : g.id;
  if (g.classList.contains('cluster')) return id;
  const m = /^flowchart-(.+)-\d+$/.exec(id);
  return m ? m[1] : id;
}

function reveal(nodeId: string): void {
  applyHighlight(nodeId, false);
  channel.post({ type: 'nodeClicked', nodeId });
}

function applyMarks(): void {
  for (const g of elementsByNodeId.values()) {
    g.classList.remove('dl-mark-error', 'dl-mark-warning', 'dl-mark-info');
    g.querySelector(':scope > title.dl-mark-title')?.remove();
  }
  for (const m of marks) {
    const g = elementsByNodeId.get(m.nodeId);
    if (!g) continue;
    g.classList.add(`dl-mark-${m.severity}`);
    const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    title.classList.add('dl-mark-title');
    title.textContent = m.messages.join('\n'); // untrusted text: textContent only
    g.insertBefore(title, g.firstChild);
    const info = shown?.nodes.find((n) => n.id === m.nodeId);
    if (info) g.setAttribute('aria-label', `${describe(info)}, ${m.severity}: ${m.messages.join('; ')}`);
  }
}

function applyHighlight(nodeId: string | null, revealInView: boolean): void {
  if (highlighted) elementsByNodeId.get(highlighted)?.classList.remove('dl-highlight');
  highlighted = nodeId;
  const g = nodeId ? elementsByNodeId.get(nodeId) : undefined;
  if (!g) return;
  g.classList.add('dl-highlight');
  if (revealInView) {
    const svg = currentSvg();
    if (!svg) return;
    viewport.ensureVisible(contentBox(g));
  }
}

/** A drawn element's box in content (unzoomed canvas) coordinates. */
function contentBox(g: Element): { x: number; y: number; width: number; height: number } {
  // getBBox is in the node's user space; mermaid translates node groups, so use screen rects instead.
  const nodeRect = g.getBoundingClientRect();
  const canvasRect = canvas.getBoundingClientRect();
  const { zoom } = viewport.transform;
  return { x: (nodeRect.left - canvasRect.left) / zoom, y: (nodeRect.top - canvasRect.top) / zoom, width: nodeRect.width / zoom, height: nodeRect.height / zoom };
}

// ---- notes and messages (text only) ----

function setNote(text: string | null): void {
  noteText = text;
  note.textContent = text ?? '';
  note.hidden = text === null;
}

function showMessage(text: string | null): void {
  message.textContent = text ?? '';
  message.hidden = text === null;
  viewportEl.hidden = text !== null;
}

function flash(text: string): void {
  status.textContent = text;
  setTimeout(() => {
    if (status.textContent === text) status.textContent = '';
  }, 3000);
}

// ---- handler picker, direction, layout ----

function fillHandlers(params: RenderParams): void {
  const key = params.handlers.map((h) => `${h.name}:${h.line}`).join('\u0000');
  if (key !== handlerSelect.dataset.key) {
    handlerSelect.dataset.key = key;
    handlerSelect.replaceChildren(
      ...params.handlers.map((h) => {
        const o = el('option', { value: h.name }, `${h.name} (line ${h.line})`);
        return o;
      })
    );
  }
  handlerSelect.value = params.handler ?? '';
  handlerSelect.hidden = params.handlers.length === 0;
  handlerSelect.disabled = params.handlers.length < 2;
}

function updateButtons(): void {
  btnDirection.textContent = viewState.direction === 'LR' ? 'Left\u2192right' : 'Top\u2193down';
  btnLayout.textContent = `Layout: ${viewState.layout}`;
}

handlerSelect.addEventListener('change', () => {
  viewState.save({ handler: handlerSelect.value });
  channel.post({ type: 'selectHandler', name: handlerSelect.value });
});
btnZoomIn.addEventListener('click', () => viewport.zoomBy(1.25));
btnZoomOut.addEventListener('click', () => viewport.zoomBy(0.8));
btnFit.addEventListener('click', () => fit());
btnDirection.addEventListener('click', () => {
  viewState.save({ direction: viewState.direction === 'LR' ? 'TD' : 'LR' });
  updateButtons();
  if (latest) scheduleDraw(latest, false);
});
btnLayout.addEventListener('click', () => {
  const next = viewState.layout === 'auto' ? 'elk' : viewState.layout === 'elk' ? 'dagre' : 'auto';
  viewState.save({ layout: next });
  updateButtons();
  if (latest) scheduleDraw(latest, false);
});
// The host's text (as `durable-lens graph` prints it, in the chosen direction), not the one themed for this
// panel: pasted into a document it reads the same for everyone, in a light or a dark page.
btnCopy.addEventListener('click', () => channel.post({ type: 'copyMermaid', text: shown && shownText ? withDirection(shown.mermaid, viewState.direction) : '' }));
btnSvg.addEventListener('click', () => void exportFromToolbar('svg'));
btnPng.addEventListener('click', () => void exportFromToolbar('png'));

document.addEventListener('keydown', (e) => {
  const target = e.target as HTMLElement | null;
  if (target && (target.tagName === 'SELECT' || target.tagName === 'INPUT')) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  // The scrolling keys while the diagram (or one of its nodes, or nothing in particular) has the focus; on a
  // toolbar button they stay the button's.
  const inDiagram = !target || target === document.body || target === document.documentElement || viewportEl.contains(target);
  if (inDiagram && !viewportEl.hidden && scrollbars.key(e.key, e.shiftKey)) {
    e.preventDefault();
    return;
  }
  if (e.key === '+' || e.key === '=') viewport.zoomBy(1.25);
  else if (e.key === '-' || e.key === '_') viewport.zoomBy(0.8);
  else if (e.key === '0') fit();
  else return;
  e.preventDefault();
});

// A theme switch changes the body class and theme data attributes, and VS Code sets the new colours on
// <html>; mermaid bakes colours into the SVG, so draw again when what readTheme sees changed.
const themeObserver = new MutationObserver(() => {
  const next = readTheme();
  if (next.key === currentTheme.key) return;
  currentTheme = next;
  if (latest) scheduleDraw(latest, true);
});
themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class', 'style', 'data-vscode-theme-id', 'data-vscode-theme-name'] });
themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'style'] });

// ---- export and snapshot (snapshot.ts) ----

async function produceExport(format: ExportFormat): Promise<ExportResult> {
  if (approximate && latest) {
    // Export what mermaid lays out, not the in-place relabel.
    scheduleDraw(latest, true);
    await drawing;
  }
  return exportDrawing(format, currentSvg(), () => shown);
}

async function exportFromToolbar(format: ExportFormat): Promise<void> {
  try {
    const result = await produceExport(format);
    const answer = await channel.request('saveExport', result, 10 * 60_000);
    if (answer.saved) flash(`Saved ${format.toUpperCase()}`);
  } catch (error) {
    flash(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function snapshot(): ViewSnapshot {
  return viewSnapshot({
    shown,
    elementsByNodeId,
    highlighted,
    replay: replayView.snapshot(elementsByNodeId),
    zoom: viewport.transform.zoom,
    labelPx: labelPx(),
    direction: viewState.direction,
    note: noteText,
  });
}

channel.handleRequests(async (method, params) => {
  if (method === 'export') return produceExport((params as HostRequests['export']['params']).format);
  if (method === 'snapshot') return snapshot();
  throw Object.assign(new Error(`unknown request ${String(method)}`), { reason: 'unknown-method' });
});

// ---- host messages ----

channel.onMessage((msg) => {
  switch (msg.type) {
    case 'render': {
      const { type: _type, ...params } = msg;
      latest = params;
      fillHandlers(params);
      setNote(null);
      if (!tryRelabel(params)) {
        if (settleTimer) clearTimeout(settleTimer);
        settleTimer = undefined;
        scheduleDraw(params, true);
      }
      break;
    }
    case 'highlight':
      applyHighlight(msg.nodeId, msg.reveal);
      break;
    case 'marks':
      marks = msg.marks;
      applyMarks();
      break;
    case 'replay': {
      const t0 = performance.now();
      const done = replayView.set(msg.overlay, currentSvg(), elementsByNodeId);
      // The current operation's node is highlighted and scrolled into view like the cursor's node.
      if (msg.overlay?.current) applyHighlight(msg.overlay.current, msg.reveal);
      channel.post({ type: 'replayApplied', ms: performance.now() - t0, changed: done.changed, sessionId: msg.overlay?.sessionId ?? null });
      break;
    }
    case 'parseError':
      // The host keeps the last good graph; we keep its drawing and say why it is not current. With no good
      // graph yet, what is drawn comes from the code that parses: say it is partial.
      setNote(
        msg.message === null
          ? null
          : `${msg.message}${msg.partial ? ' \u2014 the diagram is partial (drawn from the code that parses).' : shown ? ' \u2014 showing the last good diagram.' : ''}`
      );
      break;
  }
});

updateButtons();
channel.post({ type: 'ready' });

/**
 * The layout-elk chunk (with elkjs) is large: fetched and compiled a moment after the first diagram is on
 * screen (not before it, where it would compete with the first draw), so a switch to ELK does not wait.
 */
let elkPrefetch: ReturnType<typeof setTimeout> | undefined;
function prefetchElk(): void {
  if (elkPrefetch !== undefined) return;
  elkPrefetch = setTimeout(() => void elkLayouts[0]?.loader().catch(() => undefined), 1000);
}

/**
 * While the host infers the first graph, load mermaid's flowchart code and run it once on a tiny graph, so
 * the first real draw does not pay for loading and compiling it. Draws queue behind this, so it never
 * races one.
 */
async function warmUp(): Promise<void> {
  try {
    configure(false);
    await mermaid.render('dl-warm-up', 'flowchart TD\n  a["warm"] --> b{"up"}\n', renderHost);
  } catch {
    // Only a head start: the real draw reports its own errors.
  } finally {
    renderHost.replaceChildren();
  }
}
drawing = warmUp();

// Exposed for the e2e tests and the render benchmark only (read-only view of what is drawn).
(window as unknown as { __durableLensWorkflow?: { snapshot(): ViewSnapshot; text(): string; exportSvg(): Promise<string> } }).__durableLensWorkflow = {
  snapshot,
  text: () => shownText,
  exportSvg: async () => (await produceExport('svg')).data,
};
