// Runs anywhere (pure, no vscode): how executions and runs read in the tree — status icons and colours,
// durations, times, and the escaping that keeps untrusted names and errors as text in labels and Markdown.

export type DisplayStatus = 'RUNNING' | 'WAITING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'STOPPED' | 'CANCELLED' | 'CRASHED' | 'UNKNOWN';

/** Codicon id and theme colour id per status (ThemeIcon + ThemeColor in the view). */
export const STATUS_ICONS: Readonly<Record<DisplayStatus, { icon: string; color: string }>> = {
  RUNNING: { icon: 'sync~spin', color: 'charts.blue' },
  WAITING: { icon: 'bell', color: 'charts.yellow' },
  SUCCEEDED: { icon: 'pass', color: 'testing.iconPassed' },
  FAILED: { icon: 'error', color: 'testing.iconFailed' },
  TIMED_OUT: { icon: 'watch', color: 'charts.orange' },
  STOPPED: { icon: 'debug-stop', color: 'charts.orange' },
  CANCELLED: { icon: 'circle-slash', color: 'disabledForeground' },
  CRASHED: { icon: 'flame', color: 'testing.iconErrored' },
  UNKNOWN: { icon: 'question', color: 'descriptionForeground' },
};

/** Any status string (API, local run) to one we draw; unknown ones stay visible as UNKNOWN. */
export function displayStatus(status: unknown): DisplayStatus {
  const s = typeof status === 'string' ? status.toUpperCase().replace(/[^A-Z]+/g, '_') : '';
  switch (s) {
    case 'RUNNING':
    case 'STARTED':
    case 'PENDING':
      return 'RUNNING';
    case 'WAITING':
    case 'WAITING_FOR_CALLBACK':
    case 'SUSPENDED':
      return 'WAITING';
    case 'SUCCEEDED':
    case 'SUCCESS':
    case 'COMPLETED':
      return 'SUCCEEDED';
    case 'FAILED':
    case 'FAILURE':
    case 'ERROR':
      return 'FAILED';
    case 'TIMED_OUT':
    case 'TIMEOUT':
    case 'HUNG':
      return 'TIMED_OUT';
    case 'STOPPED':
      return 'STOPPED';
    case 'CANCELLED':
    case 'CANCELED':
      return 'CANCELLED';
    case 'CRASHED':
      return 'CRASHED';
    default:
      return 'UNKNOWN';
  }
}

export function isLive(status: DisplayStatus): boolean {
  return status === 'RUNNING' || status === 'WAITING';
}

/** `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`, `3 d 4 h`. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const total = Math.round(s);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (total < 3600) return `${Math.floor(total / 60)} min ${pad(total % 60)} s`;
  if (total < 86400) return `${Math.floor(total / 3600)} h ${pad(Math.floor((total % 3600) / 60))} min`;
  return `${Math.floor(total / 86400)} d ${Math.floor((total % 86400) / 3600)} h`;
}

/** Local `YYYY-MM-DD HH:MM:SS`: short, sortable, unambiguous. */
export function formatTime(t: Date | number | string | undefined): string {
  const d = toDate(t);
  if (!d) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function toDate(t: Date | number | string | undefined | null): Date | undefined {
  if (t === undefined || t === null || t === '') return undefined;
  const d = t instanceof Date ? t : new Date(typeof t === 'number' && t < 1e11 ? t * 1000 : t);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Duration between two times; a live one runs to `now`. */
export function durationMs(start: Date | number | string | undefined, end: Date | number | string | undefined, now = Date.now()): number | undefined {
  const s = toDate(start);
  if (!s) return undefined;
  const e = toDate(end);
  return (e ? e.getTime() : now) - s.getTime();
}

/**
 * One line of untrusted text for a tree label or description: control characters and line breaks become
 * spaces or visible escapes, bidi overrides are removed (they can make a label read as something else), and it is cut.
 */
export function labelText(text: unknown, max = 120): string {
  const s = typeof text === 'string' ? text : text === undefined || text === null ? '' : String(text);
  // eslint-disable-next-line no-control-regex
  const flat = s.replace(/[\u202A-\u202E\u2066-\u2069\u200E\u200F]/g, '').replace(/[\r\n\t\u0000-\u001f\u007f]+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Escapes untrusted text for a MarkdownString (isTrusted false, no HTML): every character Markdown or its HTML
 * pass could read as syntax is backslash-escaped or an entity, so `[x](command:…)`, `<img>`, `**` and
 * backticks show as typed. Line breaks are kept as hard breaks.
 */
export function escapeMarkdown(text: unknown, max = 2000): string {
  const s = labelText(typeof text === 'string' ? text.replace(/\r\n?/g, '\n').split('\n').join('\u2028') : text, max);
  return s
    .replace(/[\\`*_{}[\]()#+\-.!|~>:]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\u2028/g, '  \n');
}
