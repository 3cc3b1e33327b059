// Runs in a webview: the execution view — summary, the operation tree (virtualised, keyboard navigable), the raw
// events (virtualised), the selected operation's actions. Everything from the history is untrusted: it reaches
// the DOM through textContent and attribute setters only, never as HTML.
import '../shared/nonce';
import type {
  ActionsView,
  ExecutionView,
  ExecutionViewSnapshot,
  ExecutionViewState,
  EventView,
  HostNotification,
  HostRequests,
  OperationView,
  StatusTone,
  ViewTab,
  WebviewCommand,
  WebviewRequests,
} from '../../src/extension/executions/executionProtocol';
import { button, el } from '../shared/dom';
import { HostChannel } from '../shared/host';
import { VirtualList } from './virtualList';

const ROW_HEIGHT = 24;

const channel = new HostChannel<WebviewCommand, HostNotification, WebviewRequests, HostRequests, ExecutionViewState>();
let state: ExecutionViewState = channel.getState();
let view: ExecutionView | undefined;
let seq = 0;
let collapsed = new Set<string>(state.collapsed ?? []);
let visibleOps: OperationView[] = [];
let selectedOp: string | null = state.selectedOperation ?? null;
let selectedEvent: number | null = state.selectedEvent ?? null;
let restoreScroll = true;
let note: string | null = null;

const TONE_ICON: Record<StatusTone, string> = {
  running: '\u25CF', // ●
  waiting: '\u25F7', // ◷
  succeeded: '\u2713', // ✓
  failed: '\u2715', // ✕
  stopped: '\u25A0', // ■
  timedOut: '\u231B', // ⌛
  cancelled: '\u2298', // ⊘
  unknown: '?',
};

function statusBadge(status: string, tone: StatusTone, className = 'status'): HTMLElement {
  const s = el('span', `${className} tone-${tone}`);
  const icon = el('span', 'icon', TONE_ICON[tone]);
  icon.setAttribute('aria-hidden', 'true');
  s.append(icon, el('span', 'label', status));
  return s;
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  return iso.replace('T', ' ');
}

function post(message: WebviewCommand): void {
  channel.post(message);
}

function saveState(): void {
  state = {
    key: view?.key ?? state.key,
    title: view?.summary.title ?? state.title,
    tab: currentTab,
    collapsed: [...collapsed],
    selectedOperation: selectedOp,
    selectedEvent,
    operationsScroll: opsContainer.scrollTop,
    eventsScroll: eventsContainer.scrollTop,
  };
  channel.setState(state);
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
function saveSoon(): void {
  if (saveTimer) return;
  saveTimer = setTimeout(() => {
    saveTimer = undefined;
    saveState();
  }, 200);
}

// ---- layout ----

const root = el('div', 'execution');
root.id = 'execution';
const header = el('header', 'header');
const titleEl = el('h1', 'title');
const statusHolder = el('span', 'status-holder');
const toolbar = el('div', 'toolbar');
toolbar.setAttribute('role', 'toolbar');
toolbar.setAttribute('aria-label', 'Execution actions');
header.append(titleEl, statusHolder, toolbar);

const noteEl = el('div', 'note');
noteEl.id = 'note';
noteEl.setAttribute('role', 'status');
noteEl.setAttribute('aria-live', 'polite');
noteEl.hidden = true;
const scheduleEl = el('div', 'schedule');
scheduleEl.setAttribute('aria-live', 'off');

const summaryEl = el('dl', 'summary');
summaryEl.id = 'summary';
const problemsEl = el('details', 'problems');
problemsEl.hidden = true;

const tabs = el('div', 'tabs');
tabs.setAttribute('role', 'tablist');
const tabOps = el('button', 'tab', 'Operations');
const tabEvents = el('button', 'tab', 'Events');
for (const [t, id] of [
  [tabOps, 'operations'],
  [tabEvents, 'events'],
] as const) {
  t.type = 'button';
  t.id = `tab-${id}`;
  t.setAttribute('role', 'tab');
  t.setAttribute('aria-controls', `panel-${id}`);
  t.addEventListener('click', () => selectTab(id, true));
}
tabs.append(tabOps, tabEvents);
tabs.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowRight' || e.key === 'ArrowLeft' || e.key === 'Home' || e.key === 'End') {
    e.preventDefault();
    selectTab(currentTab === 'operations' ? 'events' : 'operations', true);
  }
});

const opsPanel = el('section', 'tabpanel ops-panel');
opsPanel.id = 'panel-operations';
opsPanel.setAttribute('role', 'tabpanel');
opsPanel.setAttribute('aria-labelledby', 'tab-operations');
const opsHead = el('div', 'row-head ops-row');
for (const [c, t] of [
  ['c-name', 'Operation'],
  ['c-status', 'Status'],
  ['c-attempts', 'Tries'],
  ['c-duration', 'Duration'],
  ['c-preview', 'Result / error'],
] as const) opsHead.append(el('span', c, t));
opsHead.setAttribute('aria-hidden', 'true');
const opsContainer = el('div', 'list ops');
opsContainer.id = 'operations';
opsContainer.tabIndex = 0;
opsContainer.setAttribute('role', 'tree');
opsContainer.setAttribute('aria-label', 'Operations');
const detailsEl = el('div', 'op-details');
detailsEl.id = 'op-details';
detailsEl.setAttribute('aria-live', 'polite');
opsPanel.append(opsHead, opsContainer, detailsEl);

const eventsPanel = el('section', 'tabpanel events-panel');
eventsPanel.id = 'panel-events';
eventsPanel.setAttribute('role', 'tabpanel');
eventsPanel.setAttribute('aria-labelledby', 'tab-events');
const eventsHead = el('div', 'row-head ev-row');
for (const [c, t] of [
  ['c-id', '#'],
  ['c-time', 'Time'],
  ['c-type', 'Event'],
  ['c-name', 'Name'],
  ['c-op', 'Operation id'],
  ['c-detail', 'Details'],
] as const) eventsHead.append(el('span', c, t));
eventsHead.setAttribute('aria-hidden', 'true');
const eventsContainer = el('div', 'list events');
eventsContainer.id = 'events';
eventsContainer.tabIndex = 0;
eventsContainer.setAttribute('role', 'listbox');
eventsContainer.setAttribute('aria-label', 'History events (Enter opens the event as JSON)');
eventsPanel.append(eventsHead, eventsContainer);

const empty = el('div', 'empty', 'Loading the execution\u2026');
empty.id = 'empty';
root.append(header, noteEl, scheduleEl, summaryEl, problemsEl, tabs, opsPanel, eventsPanel, empty);
document.body.appendChild(root);

// ---- operations tree ----

const opsList = new VirtualList<OperationView>({
  container: opsContainer,
  rowHeight: ROW_HEIGHT,
  createRow: () => {
    const row = el('div', 'ops-row');
    row.setAttribute('role', 'treeitem');
    const name = el('span', 'c-name');
    name.append(el('span', 'indent'), el('span', 'twisty'), el('span', 'kind'), el('span', 'op-name'));
    row.append(name, el('span', 'c-status'), el('span', 'c-attempts'), el('span', 'c-duration'), el('span', 'c-preview'));
    row.addEventListener('click', (e) => {
      const index = Number(row.dataset.index);
      const op = visibleOps[index];
      if (!op) return;
      const onTwisty = (e.target as HTMLElement).classList.contains('twisty');
      selectOperation(op.id);
      if (onTwisty && op.childCount > 0) toggle(op.id);
      opsContainer.focus();
    });
    row.addEventListener('dblclick', () => {
      const op = visibleOps[Number(row.dataset.index)];
      if (op) openPrimary(op);
    });
    return row;
  },
  render: (row, op) => {
    row.id = `op-${cssId(op.id)}`;
    row.setAttribute('aria-level', String(op.depth + 1));
    row.setAttribute('aria-selected', String(op.id === selectedOp));
    if (op.childCount > 0) row.setAttribute('aria-expanded', String(!collapsed.has(op.id)));
    else row.removeAttribute('aria-expanded');
    row.classList.toggle('selected', op.id === selectedOp);
    const [nameCell, statusCell, attemptsCell, durationCell, previewCell] = Array.from(row.children) as HTMLElement[];
    const [indent, twisty, kind, name] = Array.from(nameCell!.children) as HTMLElement[];
    indent!.style.width = `${op.depth * 16}px`;
    twisty!.textContent = op.childCount > 0 ? (collapsed.has(op.id) ? '\u25B8' : '\u25BE') : '';
    kind!.textContent = op.kind;
    name!.textContent = op.name ?? '(unnamed)';
    name!.classList.toggle('unnamed', op.name === null);
    nameCell!.title = `${op.kind} ${op.name ?? '(unnamed)'} — id ${op.id}`;
    statusCell!.replaceChildren(statusBadge(op.status, op.tone));
    attemptsCell!.textContent = op.attempts > 1 ? String(op.attempts) : op.attempts === 1 ? '1' : '';
    durationCell!.textContent = formatDuration(op.durationMs);
    previewCell!.textContent = op.preview ?? '';
    previewCell!.classList.toggle('is-error', !!op.previewIsError);
    row.setAttribute('aria-label', `${op.kind} ${op.name ?? 'unnamed'}, ${op.status}${op.attempts > 1 ? `, ${op.attempts} attempts` : ''}${op.durationMs !== undefined ? `, ${formatDuration(op.durationMs)}` : ''}`);
  },
  onScroll: () => saveSoon(),
});

function cssId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`);
}

function flatten(): void {
  const out: OperationView[] = [];
  let skipDepth: number | null = null;
  for (const op of view?.operations ?? []) {
    if (skipDepth !== null && op.depth > skipDepth) continue;
    skipDepth = null;
    out.push(op);
    if (op.childCount > 0 && collapsed.has(op.id)) skipDepth = op.depth;
  }
  visibleOps = out;
}

function redrawTree(): void {
  flatten();
  opsList.setItems(visibleOps);
  const index = visibleOps.findIndex((o) => o.id === selectedOp);
  if (index >= 0) opsContainer.setAttribute('aria-activedescendant', `op-${cssId(selectedOp!)}`);
  else opsContainer.removeAttribute('aria-activedescendant');
}

function toggle(id: string, open?: boolean): void {
  const isOpen = !collapsed.has(id);
  const want = open ?? !isOpen;
  if (want === isOpen) return;
  if (want) collapsed.delete(id);
  else collapsed.add(id);
  const top = opsContainer.scrollTop;
  redrawTree();
  opsContainer.scrollTop = top;
  saveState();
}

function selectOperation(id: string | null, reveal = false): void {
  selectedOp = id;
  const index = visibleOps.findIndex((o) => o.id === id);
  if (reveal && index >= 0) opsList.reveal(index);
  opsList.refresh();
  if (index >= 0) opsContainer.setAttribute('aria-activedescendant', `op-${cssId(id!)}`);
  renderDetails();
  saveSoon();
}

function openPrimary(op: OperationView): void {
  const ref = op.errorRef ?? op.resultRef ?? op.inputRef;
  if (ref) post({ type: 'openPayload', ref });
}

opsContainer.addEventListener('keydown', (e) => {
  if (visibleOps.length === 0) return;
  let index = visibleOps.findIndex((o) => o.id === selectedOp);
  const op = index >= 0 ? visibleOps[index] : undefined;
  const move = (to: number) => {
    const i = Math.max(0, Math.min(visibleOps.length - 1, to));
    selectOperation(visibleOps[i]!.id, true);
  };
  switch (e.key) {
    case 'ArrowDown':
      move(index < 0 ? 0 : index + 1);
      break;
    case 'ArrowUp':
      move(index < 0 ? 0 : index - 1);
      break;
    case 'PageDown':
      move(index + opsList.pageSize);
      break;
    case 'PageUp':
      move(index - opsList.pageSize);
      break;
    case 'Home':
      move(0);
      break;
    case 'End':
      move(visibleOps.length - 1);
      break;
    case 'ArrowRight':
      if (!op) move(0);
      else if (op.childCount > 0 && collapsed.has(op.id)) toggle(op.id, true);
      else if (op.childCount > 0) move(index + 1);
      break;
    case 'ArrowLeft':
      if (!op) move(0);
      else if (op.childCount > 0 && !collapsed.has(op.id)) toggle(op.id, false);
      else if (op.parentId !== null) {
        index = visibleOps.findIndex((o) => o.id === op.parentId);
        if (index >= 0) move(index);
      }
      break;
    case 'Enter':
      if (op) openPrimary(op);
      break;
    case ' ':
      if (op && op.childCount > 0) toggle(op.id);
      break;
    case '*':
      if (op) {
        // Expands every sibling, like VS Code's trees.
        for (const o of view?.operations ?? []) if (o.parentId === op.parentId) collapsed.delete(o.id);
        redrawTree();
        saveState();
      }
      break;
    default:
      return;
  }
  e.preventDefault();
});
opsContainer.addEventListener('focus', () => {
  if (!selectedOp && visibleOps[0]) selectOperation(visibleOps[0].id);
});

function renderDetails(): void {
  const op = view?.operations.find((o) => o.id === selectedOp);
  detailsEl.replaceChildren();
  if (!op || !view) {
    detailsEl.append(el('span', 'hint', 'Select an operation (arrow keys or click) to see its actions. Enter opens its result or error.'));
    return;
  }
  const head = el('div', 'details-head');
  head.append(el('span', 'kind', op.kind), el('span', 'op-name', op.name ?? '(unnamed)'), statusBadge(op.status, op.tone), el('span', 'op-id', `id ${op.id}`));
  if (op.startedAt) head.append(el('span', 'op-time', `started ${formatTime(op.startedAt)}`));
  if (op.attempts > 1) head.append(el('span', 'op-time', `${op.attempts} attempts`));
  if (op.preview) head.append(el('code', `preview details-preview${op.previewIsError ? ' is-error' : ''}`, op.preview));
  const actions = el('div', 'details-actions');
  if (op.inputRef) actions.append(button('Open input', 'Open the input as a JSON document', () => post({ type: 'openPayload', ref: op.inputRef! })));
  if (op.resultRef) actions.append(button('Open result', 'Open the result as a JSON document', () => post({ type: 'openPayload', ref: op.resultRef! })));
  if (op.errorRef) actions.append(button('Open error', 'Open the error as a JSON document', () => post({ type: 'openPayload', ref: op.errorRef! })));
  if (op.firstEvent !== undefined) {
    actions.append(
      button('Show events', 'Show this operation\u2019s first event in the Events tab', () => {
        selectTab('events', false);
        selectEvent(op.firstEvent!, true);
        eventsContainer.focus();
      })
    );
  }
  if (op.pendingCallbackId && view.actions.callbacks) {
    const id = op.pendingCallbackId;
    actions.append(
      button('Complete callback\u2026', 'Send a success result (JSON) to this callback', () => post({ type: 'completeCallback', callbackId: id, outcome: 'success' }), 'btn primary'),
      button('Fail callback\u2026', 'Send a failure (type and message) to this callback', () => post({ type: 'completeCallback', callbackId: id, outcome: 'failure' }))
    );
    if (view.actions.heartbeat) actions.append(button('Heartbeat', 'Send a heartbeat so the callback does not time out', () => post({ type: 'heartbeat', callbackId: id })));
  }
  detailsEl.append(head, actions);
}

// ---- events list ----

const eventsList = new VirtualList<EventView>({
  container: eventsContainer,
  rowHeight: ROW_HEIGHT,
  createRow: () => {
    const row = el('div', 'ev-row');
    row.setAttribute('role', 'option');
    row.append(el('span', 'c-id'), el('span', 'c-time'), el('span', 'c-type'), el('span', 'c-name'), el('span', 'c-op'), el('span', 'c-detail'));
    row.addEventListener('click', () => {
      selectEvent(Number(row.dataset.index));
      eventsContainer.focus();
    });
    row.addEventListener('dblclick', () => post({ type: 'openPayload', ref: `event:${row.dataset.index}` }));
    return row;
  },
  render: (row, ev, index) => {
    row.id = `ev-${index}`;
    row.setAttribute('aria-selected', String(index === selectedEvent));
    row.classList.toggle('selected', index === selectedEvent);
    const [id, time, type, name, op, detail] = Array.from(row.children) as HTMLElement[];
    id!.textContent = String(ev.eventId);
    time!.textContent = ev.offsetMs !== undefined ? `+${formatDuration(ev.offsetMs) || '0 ms'}` : formatTime(ev.time);
    time!.title = ev.time;
    type!.textContent = ev.subType && ev.subType !== ev.type ? `${ev.type} (${ev.subType})` : ev.type;
    type!.className = `c-type${ev.tone ? ` tone-${ev.tone}` : ''}`;
    name!.textContent = ev.name ?? '';
    op!.textContent = ev.operationId ?? '';
    detail!.textContent = ev.detail;
    row.setAttribute('aria-label', `Event ${ev.eventId}, ${ev.type}${ev.name ? `, ${ev.name}` : ''}`);
  },
  onScroll: () => saveSoon(),
});

function selectEvent(index: number, reveal = true): void {
  const n = view?.events.length ?? 0;
  if (n === 0) return;
  selectedEvent = Math.max(0, Math.min(n - 1, index));
  if (reveal) eventsList.reveal(selectedEvent);
  eventsList.refresh();
  eventsContainer.setAttribute('aria-activedescendant', `ev-${selectedEvent}`);
  saveSoon();
}

eventsContainer.addEventListener('keydown', (e) => {
  const i = selectedEvent ?? -1;
  switch (e.key) {
    case 'ArrowDown':
      selectEvent(i + 1);
      break;
    case 'ArrowUp':
      selectEvent(i < 0 ? 0 : i - 1);
      break;
    case 'PageDown':
      selectEvent(i + eventsList.pageSize);
      break;
    case 'PageUp':
      selectEvent(i - eventsList.pageSize);
      break;
    case 'Home':
      selectEvent(0);
      break;
    case 'End':
      selectEvent(Number.MAX_SAFE_INTEGER);
      break;
    case 'Enter':
      if (selectedEvent !== null) post({ type: 'openPayload', ref: `event:${selectedEvent}` });
      break;
    default:
      return;
  }
  e.preventDefault();
});

// ---- tabs ----

let currentTab: ViewTab = state.tab === 'events' ? 'events' : 'operations';

function selectTab(tab: ViewTab, focusTab: boolean): void {
  currentTab = tab;
  const ops = tab === 'operations';
  tabOps.setAttribute('aria-selected', String(ops));
  tabEvents.setAttribute('aria-selected', String(!ops));
  tabOps.tabIndex = ops ? 0 : -1;
  tabEvents.tabIndex = ops ? -1 : 0;
  opsPanel.hidden = !ops;
  eventsPanel.hidden = ops;
  // A list drawn while hidden had no height: draw the window now that it has one.
  if (ops) opsList.refresh();
  else eventsList.refresh();
  if (focusTab) (ops ? tabOps : tabEvents).focus();
  saveState();
}

// ---- summary and toolbar ----

function summaryRow(label: string, value: Node | string | undefined): void {
  if (value === undefined || value === '') return;
  const dt = el('dt', undefined, label);
  const dd = el('dd');
  if (typeof value === 'string') dd.textContent = value;
  else dd.append(value);
  summaryEl.append(dt, dd);
}

function payloadValue(p: { ref: string; preview: string; chars: number; truncated?: boolean }, what: string, isError = false): Node {
  const wrap = el('span', `payload${isError ? ' is-error' : ''}`);
  const text = el('code', 'preview', p.preview || '(empty)');
  wrap.append(text);
  if (p.truncated) wrap.append(el('span', 'badge', 'truncated by Lambda'));
  wrap.append(button(`Open ${what}`, `Open the ${what} (${p.chars} characters) as a JSON document`, () => post({ type: 'openPayload', ref: p.ref }), 'link'));
  return wrap;
}

function renderSummary(v: ExecutionView): void {
  const s = v.summary;
  titleEl.textContent = s.title;
  titleEl.title = s.arn ?? s.title;
  statusHolder.replaceChildren(statusBadge(s.status, s.tone, 'status big'));
  summaryEl.replaceChildren();
  summaryRow('Execution', s.executionName);
  summaryRow('Function', s.functionName);
  summaryRow('Version', s.version);
  summaryRow('Started', formatTime(s.startedAt));
  summaryRow('Ended', s.endedAt ? formatTime(s.endedAt) : v.running ? 'still running' : undefined);
  summaryRow('Duration', s.durationMs !== undefined ? formatDuration(s.durationMs) : undefined);
  summaryRow('Input', s.input ? payloadValue(s.input, 'input') : undefined);
  summaryRow('Result', s.result ? payloadValue(s.result, 'result') : undefined);
  if (s.error) {
    const head = [s.error.type, s.error.message].filter(Boolean).join(': ');
    summaryRow('Error', payloadValue({ ...s.error, preview: head || s.error.preview }, 'error', true));
  }
  summaryRow('History', `${s.eventCount} events, ${s.operationCount} operations, ${s.invocationCount} invocations`);
  problemsEl.replaceChildren();
  problemsEl.hidden = v.problems.length === 0;
  if (v.problems.length) {
    problemsEl.append(el('summary', undefined, `${v.problems.length} problem${v.problems.length === 1 ? '' : 's'} reading the history`));
    const ul = el('ul');
    for (const p of v.problems.slice(0, 200)) ul.append(el('li', undefined, p));
    problemsEl.append(ul);
  }
  tabOps.textContent = `Operations (${v.operations.length})`;
  tabEvents.textContent = `Events (${v.events.length})`;
  renderToolbar(v.actions);
}

function renderToolbar(a: ActionsView): void {
  toolbar.replaceChildren();
  if (a.refresh) toolbar.append(button('Refresh', 'Load the history again', () => post({ type: 'refresh' })));
  if (a.stop && view?.running) toolbar.append(button('Stop\u2026', 'Stop this execution (asks first)', () => post({ type: 'stop' }), 'btn danger'));
  if (a.copyArn) toolbar.append(button('Copy ARN', 'Copy the execution ARN', () => post({ type: 'copyArn' })));
  if (a.openConsole) toolbar.append(button('Open in Console', 'Open this execution in the AWS console', () => post({ type: 'openConsole' })));
  if (a.openHandler) toolbar.append(button('Open Handler', 'Open the handler source', () => post({ type: 'openHandler' })));
  if (a.export) toolbar.append(button('Export\u2026', 'Save the history as a .history.json file', () => post({ type: 'export' })));
  toolbar.append(button('Step through', 'Step through this execution event by event (replay panel)', () => post({ type: 'stepThrough' })));
}

function showNote(text: string | null, error = false): void {
  note = text;
  noteEl.hidden = !text;
  noteEl.textContent = text ?? '';
  noteEl.classList.toggle('is-error', error);
}

// ---- messages ----

function applyView(v: ExecutionView, newSeq: number): void {
  const started = performance.now();
  const first = !view;
  const sameExecution = view?.key === v.key || state.key === v.key;
  view = v;
  seq = newSeq;
  if (!sameExecution) {
    collapsed = new Set();
    selectedOp = null;
    selectedEvent = null;
  }
  empty.hidden = true;
  renderSummary(v);
  // Keep the scroll where it was across refreshes; after a reload, where the saved state says.
  const opsTop = restoreScroll ? (state.operationsScroll ?? 0) : opsContainer.scrollTop;
  const evTop = restoreScroll ? (state.eventsScroll ?? 0) : eventsContainer.scrollTop;
  if (first) selectTab(currentTab, false);
  redrawTree();
  eventsList.setItems(v.events);
  opsList.scrollTo(opsTop);
  eventsList.scrollTo(evTop);
  restoreScroll = false;
  renderDetails();
  saveState();
  const ms = performance.now() - started;
  post({ type: 'drawn', seq: newSeq, ms, operations: v.operations.length, events: v.events.length });
}

channel.onMessage((m) => {
  switch (m.type) {
    case 'view':
      applyView(m.view, m.seq);
      break;
    case 'loading':
      root.classList.toggle('busy', m.busy);
      break;
    case 'loadError':
      showNote(m.message, true);
      if (!view && m.message) empty.textContent = m.message;
      break;
    case 'notice':
      showNote(m.message, !!m.error);
      break;
    case 'refreshSchedule':
      scheduleEl.textContent = m.nextInMs === null ? '' : `Running: refreshing in ${Math.round(m.nextInMs / 1000)} s`;
      break;
  }
});

channel.handleRequests(async (method) => {
  if (method !== 'snapshot') throw Object.assign(new Error(`unknown request ${String(method)}`), { reason: 'unknown-method' });
  const opRows = Array.from(opsContainer.querySelectorAll<HTMLElement>('.vlist-row'))
    .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
    .map((r) => (r.textContent ?? '').replace(/\s+/g, ' ').trim());
  const range = eventsList.renderedRange;
  const snapshot: ExecutionViewSnapshot = {
    seq,
    tab: currentTab,
    title: titleEl.textContent ?? '',
    status: statusHolder.textContent ?? '',
    operationRows: opRows,
    operationRowsTotal: visibleOps.length,
    eventRowsInDom: eventsContainer.querySelectorAll('.vlist-row').length,
    eventRowsTotal: view?.events.length ?? 0,
    firstEventInDom: range.first >= 0 ? range.first : null,
    buttons: Array.from(document.querySelectorAll('button')).map((b) => b.textContent ?? ''),
    note,
  };
  return snapshot;
});

selectTab(currentTab, false);
renderDetails();
post({ type: 'ready' });
