// Runs in a webview: the replay panel — toolbar and scrubber, the timeline of events grouped by invocation
// (virtualised, collapsible), the details of the current operation, the waterfall of operations over time
// (virtualised) and the drift list. A move only restyles what changed (the rows in view, the cursor, the details).
// Everything from the history is untrusted: it reaches the DOM through textContent and attribute setters only.
import '../shared/nonce';
import type {
  HostNotification,
  HostRequests,
  ReplayDetails,
  ReplayEventRow,
  ReplayGroupRow,
  ReplayOperationState,
  ReplayPosition,
  ReplaySavedState,
  ReplaySnapshot,
  ReplayView,
  ReplayWaterfallRow,
  StepAction,
  WebviewCommand,
  WebviewRequests,
} from '../../src/extension/replay/protocol';
import { SPEEDS, eventRow, formatElapsed, waterfallRow } from '../../src/extension/replay/protocol';
import { button as plainButton, el } from '../shared/dom';
import { HostChannel } from '../shared/host';
import { VirtualList } from '../execution/virtualList';


const ROW_HEIGHT = 22;
const channel = new HostChannel<WebviewCommand, HostNotification, WebviewRequests, HostRequests, ReplaySavedState>();
/** Kept with setState: the host restores the same execution at the same event after a reload (its serializer). */
let saved: ReplaySavedState = channel.getState() ?? {};
let saveTimer: ReturnType<typeof setTimeout> | undefined;
function saveState(now = false): void {
  const write = (): void => {
    saveTimer = undefined;
    saved = { ...saved, collapsed: [...collapsed], eventIndex: current };
    channel.setState(saved);
  };
  if (now) {
    if (saveTimer) clearTimeout(saveTimer);
    write();
  } else saveTimer ??= setTimeout(write, 200);
}
const collapsed = new Set<number>(Array.isArray(saved.collapsed) ? saved.collapsed.filter((n) => Number.isInteger(n)) : []);
let view: ReplayView | undefined;
let seq = 0;
let position: ReplayPosition | undefined;
const states = new Map<string, ReplayOperationState>();
let current = -1;
let currentOp: string | null = null;
const notes: string[] = [];

/** An event is an index: its row is read from the view's columns when it is drawn (only the rows in view). */
type Item = { readonly kind: 'group'; readonly g: ReplayGroupRow } | { readonly kind: 'event'; readonly i: number };
let items: Item[] = [];
/** Item index of each event (-1 when its group is collapsed) and of each group's header. */
let itemOfEvent = new Int32Array(0);
let itemOfGroup: number[] = [];
let groupOfEvent = new Int32Array(0);

/** The toolbar's buttons are glyphs: each is named by its title for screen readers (and found so by tests). */
function button(label: string, title: string, onClick: () => void, className = 'btn'): HTMLButtonElement {
  return plainButton(label, title, onClick, { className, titleIsName: true });
}

function post(m: WebviewCommand): void {
  channel.post(m);
}

function step(action: StepAction): void {
  post({ type: 'step', action });
}

// ---- layout ----

const header = el('header', 'replay-header');
const titleEl = el('h1', 'title');
const statusEl = el('span', 'status');
const handlerEl = el('div', 'handler');
header.append(titleEl, statusEl, handlerEl);

const noteEl = el('div', 'note');
noteEl.hidden = true;
noteEl.setAttribute('role', 'status');
const noCodeEl = el('div', 'note no-code');
noCodeEl.hidden = true;

const toolbar = el('div', 'toolbar');
toolbar.setAttribute('role', 'toolbar');
const playBtn = button('\u25B6', 'Play (Space)', () => post({ type: 'play', playing: !position?.playing }), 'btn play');
const speedSel = el('select', 'speed');
speedSel.title = 'Playback speed (events per second)';
for (const s of SPEEDS) {
  const o = el('option', undefined, `${s}/s`);
  o.value = String(s);
  speedSel.append(o);
}
speedSel.addEventListener('change', () => post({ type: 'speed', eventsPerSecond: Number(speedSel.value) }));
const followBtn = button('Follow', 'Follow the end as new events arrive', () => post({ type: 'follow', on: true }), 'btn follow');
const positionEl = el('span', 'position');
toolbar.append(
  button('\u25C0\u25C0', 'Previous invocation', () => step('previousInvocation')),
  button('\u25C0', 'Previous event (Shift+F10)', () => step('stepBack')),
  playBtn,
  button('\u21B7', 'Step over (F10)', () => step('stepOver')),
  button('\u2193', 'Step into: next event (F11)', () => step('stepInto')),
  button('\u2191', 'Step out (Shift+F11)', () => step('stepOut')),
  button('\u25B6\u25B6', 'Next invocation (Ctrl+F10)', () => step('nextInvocation')),
  button('\u26A0\u25C0', 'Previous failure or retry', () => step('previousProblem')),
  button('\u26A0\u25B6', 'Next failure or retry (F5)', () => step('nextProblem')),
  speedSel,
  followBtn,
  positionEl
);

const scrubber = el('input', 'scrubber');
scrubber.type = 'range';
scrubber.min = '-1';
scrubber.max = '0';
scrubber.value = '-1';
scrubber.setAttribute('aria-label', 'Position in the history');
let scrubFrame = 0;
scrubber.addEventListener('input', () => {
  if (scrubFrame) return;
  scrubFrame = requestAnimationFrame(() => {
    scrubFrame = 0;
    post({ type: 'move', to: Number(scrubber.value) });
  });
});

const driftEl = el('details', 'drift');
driftEl.hidden = true;

const main = el('div', 'main');
const timelinePane = el('section', 'timeline-pane');
timelinePane.append(el('h2', undefined, 'Timeline'));
const timelineEl = el('div', 'timeline');
timelineEl.tabIndex = 0;
timelineEl.setAttribute('role', 'listbox');
timelineEl.setAttribute('aria-label', 'Events by invocation');
timelinePane.append(timelineEl);
const detailsPane = el('section', 'details-pane');
detailsPane.setAttribute('aria-live', 'polite');
main.append(timelinePane, detailsPane);

const waterfallPane = el('section', 'waterfall-pane');
const waterfallHead = el('div', 'waterfall-head');
waterfallHead.append(el('h2', undefined, 'Waterfall'), legend());
const waterfallEl = el('div', 'waterfall');
const cursorEl = el('div', 'wf-cursor');
waterfallPane.append(waterfallHead, waterfallEl);

// Until the host sends the view (a panel restored after a reload loads first): the execution it was showing.
if (typeof saved.title === 'string') titleEl.textContent = saved.title;
// No controls before there is a history to step through: a load that fails leaves its one message, not an empty
// toolbar and lists (inline display, not the hidden attribute, which the stylesheet's display rules override).
const stepping: HTMLElement[] = [toolbar, scrubber, main, waterfallPane];
for (const e of stepping) e.style.display = 'none';
document.body.append(header, noteEl, noCodeEl, toolbar, scrubber, driftEl, main, waterfallPane);

function legend(): HTMLElement {
  const l = el('div', 'legend');
  for (const [cls, text] of [
    ['running', 'running'],
    ['waiting', 'waiting'],
    ['retryDelay', 'retry delay'],
  ] as const) {
    const item = el('span', 'legend-item');
    item.append(el('span', `swatch span-${cls}`), el('span', undefined, text));
    l.append(item);
  }
  return l;
}

// ---- timeline ----

const timeline = new VirtualList<Item>({
  container: timelineEl,
  rowHeight: ROW_HEIGHT,
  createRow: () => {
    const row = el('div', 'tl-row');
    row.append(el('span', 'c1'), el('span', 'c2'), el('span', 'c3'), el('span', 'c4'));
    row.addEventListener('click', () => {
      const i = Number(row.dataset.index);
      const item = items[i];
      if (!item) return;
      if (item.kind === 'group') toggleGroup(item.g.index);
      else post({ type: 'move', to: item.i });
    });
    return row;
  },
  render: (row, item) => {
    const [c1, c2, c3, c4] = Array.from(row.children) as HTMLElement[];
    if (item.kind === 'group') {
      const g = item.g;
      row.className = `vlist-row tl-row tl-group${g.failures ? ' has-failures' : ''}${current >= g.firstEvent && current <= g.lastEvent ? ' contains-current' : ''}`;
      row.setAttribute('role', 'option');
      row.setAttribute('aria-expanded', String(!collapsed.has(g.index)));
      c1!.textContent = collapsed.has(g.index) ? '\u25B8' : '\u25BE';
      c2!.textContent = g.label;
      c3!.textContent = [g.failures ? `${g.failures} failed` : '', g.retries ? `${g.retries} retried` : ''].filter(Boolean).join(' \u00b7 ');
      c4!.textContent = g.error ?? '';
      row.title = g.error ?? g.label;
      return;
    }
    const e: ReplayEventRow = eventRow(view!, item.i);
    row.className = `vlist-row tl-row tl-event tone-${e.tone || 'none'}${e.index === current ? ' current' : ''}${e.operationId && e.operationId === currentOp ? ' same-op' : ''}`;
    row.setAttribute('role', 'option');
    row.setAttribute('aria-selected', String(e.index === current));
    row.removeAttribute('aria-expanded');
    c1!.textContent = String(e.index + 1);
    c2!.textContent = e.time;
    c3!.textContent = e.type;
    c4!.textContent = e.label;
    c4!.style.paddingLeft = `${Math.min(e.depth, 12) * 10}px`;
    row.title = `${e.type}${e.label ? ` \u2014 ${e.label}` : ''}`;
  },
});

function buildItems(): void {
  if (!view) return;
  const n = view.events.count;
  itemOfEvent = new Int32Array(n).fill(-1);
  groupOfEvent = new Int32Array(n).fill(-1);
  itemOfGroup = [];
  items = [];
  for (const g of view.groups) {
    itemOfGroup[g.index] = items.length;
    items.push({ kind: 'group', g });
    const open = !collapsed.has(g.index);
    for (let i = g.firstEvent; i <= g.lastEvent && i < n; i++) {
      groupOfEvent[i] = g.index;
      if (open) {
        itemOfEvent[i] = items.length;
        items.push({ kind: 'event', i });
      }
    }
  }
  timeline.setItems(items);
}

function toggleGroup(index: number): void {
  if (collapsed.has(index)) collapsed.delete(index);
  else collapsed.add(index);
  saveState(true);
  buildItems();
  revealCurrent();
}

function revealCurrent(): void {
  if (current < 0) return;
  const it = itemOfEvent[current] ?? -1;
  const target = it >= 0 ? it : (itemOfGroup[groupOfEvent[current] ?? -1] ?? -1);
  if (target >= 0) timeline.reveal(target);
}

timelineEl.addEventListener('keydown', (ev) => {
  if (!view) return;
  const n = view.events.count;
  const page = timeline.pageSize;
  const to = (i: number): void => {
    ev.preventDefault();
    post({ type: 'move', to: Math.max(-1, Math.min(n - 1, i)) });
  };
  switch (ev.key) {
    case 'ArrowDown':
      return to(current + 1);
    case 'ArrowUp':
      return to(current - 1);
    case 'PageDown':
      return to(current + page);
    case 'PageUp':
      return to(current - page);
    case 'Home':
      return to(-1);
    case 'End':
      return to(n - 1);
    case 'ArrowLeft':
    case 'ArrowRight': {
      const g = groupOfEvent[Math.max(0, current)];
      if (g === undefined || g < 0) return;
      if ((ev.key === 'ArrowLeft') !== collapsed.has(g)) {
        ev.preventDefault();
        toggleGroup(g);
      }
      return;
    }
  }
});

document.addEventListener('keydown', (ev) => {
  if (ev.key === ' ' && !(ev.target instanceof HTMLButtonElement) && !(ev.target instanceof HTMLSelectElement)) {
    ev.preventDefault();
    post({ type: 'play', playing: !position?.playing });
  }
});

// ---- waterfall ----

/** Waterfall rows are indices into the view's columns, read when drawn; by operation id for moves and drift links. */
let wfItems: number[] = [];
const rowOfOp = new Map<string, number>();
const firstEventOf = new Map<string, number>();
const wfRow = (r: number): ReplayWaterfallRow | undefined => (view && r >= 0 && r < view.waterfall.rows.count ? waterfallRow(view, r) : undefined);

const waterfall = new VirtualList<number>({
  container: waterfallEl,
  rowHeight: ROW_HEIGHT,
  createRow: () => {
    const row = el('div', 'wf-row');
    const label = el('span', 'wf-label');
    const track = el('span', 'wf-track');
    row.append(label, track);
    label.addEventListener('click', () => {
      const r = wfRow(Number(row.dataset.index));
      if (r && r.firstEvent >= 0) post({ type: 'move', to: r.firstEvent });
    });
    track.addEventListener('click', (ev) => {
      const target = ev.target as HTMLElement;
      const at = target.dataset.event;
      if (at !== undefined) post({ type: 'move', to: Number(at) });
      else {
        const r = wfRow(Number(row.dataset.index));
        if (r && r.firstEvent >= 0) post({ type: 'move', to: r.firstEvent });
      }
    });
    return row;
  },
  render: (row, ri) => {
    const r = wfRow(ri);
    if (!r) return;
    const st = states.get(r.operationId);
    row.className = `vlist-row wf-row st-${st?.state ?? 'notStarted'}${r.operationId === currentOp ? ' current' : ''}${r.concurrent ? ' concurrent' : ''}`;
    const [label, track] = Array.from(row.children) as HTMLElement[];
    label!.textContent = r.label;
    label!.title = `${r.label} (${r.kind})${r.concurrent ? ' \u2014 ran alongside its siblings' : ''}`;
    label!.style.paddingLeft = `${4 + Math.min(r.depth, 12) * 12}px`;
    const total = view?.waterfall.totalMs || 1;
    const bars: HTMLElement[] = [];
    for (const s of r.spans) {
      const b = el('span', `span span-${s.kind}${s.open ? ' open' : ''}`);
      b.style.left = `${(s.startMs / total) * 100}%`;
      b.style.width = `max(2px, ${((s.endMs - s.startMs) / total) * 100}%)`;
      b.dataset.event = String(s.startEvent);
      b.title = `${s.kind === 'retryDelay' ? 'retry delay' : s.kind} ${formatElapsed(s.endMs - s.startMs)}${s.open ? ' (still open)' : ''}`;
      bars.push(b);
    }
    track!.replaceChildren(...bars);
  },
});

function placeCursor(): void {
  if (!view) return;
  const t = current >= 0 ? view.waterfall.eventMs[current] : 0;
  const total = view.waterfall.totalMs || 1;
  cursorEl.hidden = t === null || t === undefined;
  waterfallPane.style.setProperty('--cursor', String(Math.max(0, Math.min(1, (t ?? 0) / total))));
}
waterfallPane.append(cursorEl);

// ---- details ----

function field(dl: HTMLElement, name: string, value: string | null | undefined, className?: string): void {
  if (value === null || value === undefined || value === '') return;
  dl.append(el('dt', undefined, name), el('dd', className, value));
}

function renderDetails(d: ReplayDetails | null, note: string | null): void {
  detailsPane.replaceChildren();
  detailsPane.append(el('h2', undefined, 'Details'));
  if (!d) {
    detailsPane.append(el('p', 'exec-note', note ?? 'Pick an event.'));
    return;
  }
  const head = el('div', 'details-head');
  head.append(el('span', `badge st-${d.state}`, d.stateText), el('span', 'details-title', d.title), el('span', 'kind', d.kind));
  detailsPane.append(head);
  const dl = el('dl');
  if (d.callSite) {
    dl.append(el('dt', undefined, 'Call site'));
    const dd = el('dd');
    const a = el('a', 'call-site', d.callSite.label);
    a.href = '#';
    a.title = 'Reveal in the editor';
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      post({ type: 'revealSource', operationId: d.operationId });
    });
    dd.append(a);
    dl.append(dd);
  } else field(dl, 'Call site', view?.noCode ? 'no code' : 'not found in the code');
  field(dl, 'Drift', d.drift, 'drift-text');
  field(dl, 'Event', `${d.event.index + 1}: ${d.event.type}${d.event.time ? ` at ${d.event.time}` : ''}`);
  field(dl, 'Attempts', d.attempts ? String(d.attempts) : null);
  field(dl, 'Started', d.startedAt);
  field(dl, 'So far', d.duration);
  field(dl, 'Input', d.input, 'payload');
  field(dl, 'Result', d.result, 'payload');
  field(dl, 'Error', d.error, 'error');
  if (d.stack.length) {
    dl.append(el('dt', undefined, 'Stack'));
    const dd = el('dd');
    dd.append(el('pre', 'stack', d.stack.join('\n')));
    dl.append(dd);
  }
  if (d.retries.length) {
    dl.append(el('dt', undefined, 'Retries'));
    const dd = el('dd');
    const ul = el('ul', 'retries');
    for (const r of d.retries) ul.append(el('li', undefined, r));
    dd.append(ul);
    dl.append(dd);
  }
  detailsPane.append(dl);
}

// ---- messages ----

function applyView(v: ReplayView, newSeq: number): void {
  const t0 = performance.now();
  view = v;
  seq = newSeq;
  titleEl.textContent = v.title;
  for (const e of stepping) e.style.display = '';
  if (v.restore.key) saved = { ...saved, key: v.restore.key, title: v.title, handlerFile: v.restore.handlerFile, handler: v.restore.handler };
  statusEl.textContent = v.running ? `${v.status} (live)` : v.status;
  statusEl.className = `status status-${v.status.toLowerCase()}`;
  handlerEl.textContent = v.handler ? `Code: ${v.handler}${v.fit ? ` \u2014 ${v.fit}` : ''}` : '';
  noCodeEl.hidden = !v.noCode;
  noCodeEl.textContent = v.noCode ? `Stepping without code: ${v.noCode}` : '';
  followBtn.hidden = !v.running;
  scrubber.max = String(v.events.count - 1);
  states.clear();
  const w = v.waterfall.rows;
  wfItems = Array.from({ length: w.count }, (_, r) => r);
  rowOfOp.clear();
  firstEventOf.clear();
  for (let r = 0; r < w.count; r++) {
    const id = v.operations.ids[w.op[r] ?? -1];
    if (id === undefined || rowOfOp.has(id)) continue;
    rowOfOp.set(id, r);
    firstEventOf.set(id, w.firstEvent[r] ?? -1);
  }
  // After the rows: a drift line links to its operation's first event in this view, not the last one's.
  renderDrift(v);
  buildItems();
  waterfall.setItems(wfItems);
  placeCursor();
  post({ type: 'drawn', seq, ms: performance.now() - t0 });
}

function renderDrift(v: ReplayView): void {
  driftEl.replaceChildren();
  driftEl.hidden = v.drift.length === 0;
  if (!v.drift.length) return;
  const breaking = v.drift.filter((d) => d.breaksReplay).length;
  driftEl.append(el('summary', undefined, `Code changed since this recording: ${v.drift.length} difference${v.drift.length === 1 ? '' : 's'}${breaking ? ` (${breaking} would fail a resume)` : ''}`));
  const ul = el('ul');
  for (const d of v.drift.slice(0, 500)) {
    const li = el('li', d.breaksReplay ? 'breaks' : undefined, d.message);
    if (d.operationId) {
      const at = firstEventOf.get(d.operationId);
      if (at !== undefined && at >= 0) {
        li.classList.add('link');
        li.tabIndex = 0;
        li.addEventListener('click', () => post({ type: 'move', to: at }));
      }
    }
    ul.append(li);
  }
  driftEl.append(ul);
}

function applyPosition(p: ReplayPosition): void {
  position = p;
  for (const s of p.changed) states.set(s.id, s);
  const moved = p.eventIndex !== current;
  current = p.eventIndex;
  currentOp = p.operationId;
  scrubber.value = String(current);
  const n = view?.events.count ?? 0;
  const g = view?.groups[p.invocation];
  positionEl.textContent = current < 0 ? `before the first of ${n} events` : `event ${current + 1} / ${n}${g ? ` \u00b7 ${g.completed ? `invocation ${g.index + 1}` : g.label}` : ''}`;
  playBtn.textContent = p.playing ? '\u23F8' : '\u25B6';
  playBtn.title = p.playing ? 'Pause (Space)' : 'Play (Space)';
  speedSel.value = String(p.eventsPerSecond);
  followBtn.classList.toggle('on', p.follow);
  // Only the rows in view are refilled: no re-render of the lists.
  timeline.refresh();
  waterfall.refresh();
  if (moved) revealCurrent();
  if (currentOp) {
    const wi = rowOfOp.get(currentOp);
    if (wi !== undefined) waterfall.reveal(wi);
  }
  placeCursor();
  renderDetails(p.details, p.executionNote);
  if (moved || saved.eventIndex !== current) saveState();
}

function showNote(message: string, error = false): void {
  notes.push(message);
  if (notes.length > 20) notes.shift();
  noteEl.hidden = false;
  noteEl.textContent = message;
  noteEl.classList.toggle('is-error', error);
  if (!error) setTimeout(() => {
    if (noteEl.textContent === message) noteEl.hidden = true;
  }, 4000);
}

channel.onMessage((m) => {
  switch (m.type) {
    case 'view':
      return applyView(m.view, m.seq);
    case 'position':
      return applyPosition(m);
    case 'notice':
      return showNote(m.message, m.error === true);
  }
});

channel.handleRequests(async (method) => {
  if (method !== 'snapshot') throw new Error(`unknown request ${String(method)}`);
  const cur = timelineEl.querySelector('.tl-event.current');
  const snap: ReplaySnapshot = {
    seq,
    eventIndex: current,
    currentRowText: cur ? Array.from(cur.children).map((c) => c.textContent ?? '').join(' ').trim() : null,
    eventRowsInDom: timelineEl.querySelectorAll('.tl-row').length,
    timelineItems: items.length,
    waterfallRowsInDom: waterfallEl.querySelectorAll('.wf-row').length,
    details: detailsPane.textContent,
    notes: [...notes, ...(noCodeEl.hidden ? [] : [noCodeEl.textContent ?? ''])],
    scrubber: { value: Number(scrubber.value), max: Number(scrubber.max) },
  };
  return snap;
});

post({ type: 'ready' });
