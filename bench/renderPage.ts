// Runs in node (benchmarks): serves the workflow webview bundle in a plain page over loopback, with the
// panel's own HTML and CSP and a fake acquireVsCodeApi, and drives it from headless Chromium.
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import type { AddressInfo } from 'net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeNonce, workflowHtml } from '../src/extension/workflow/html';
import type { RenderParams, WebviewToHost } from '../src/extension/workflow/protocol';

const root = path.resolve(__dirname, '..', '..');

/** Chromium flags that work on these machines: the one list in the test harness (shared/REAL-VSCODE.md). */
const { CHROMIUM_ARGS } = require(path.join(root, 'test', 'harness', 'vscodeEnv.js')) as { CHROMIUM_ARGS: string[] };

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };

interface PageGlobals {
  addEventListener(type: string, listener: (e: { detail: unknown }) => void): void;
  removeEventListener(type: string, listener: (e: { detail: unknown }) => void): void;
  postMessage(message: unknown, targetOrigin: string): void;
}

export interface RenderPage {
  readonly page: Page;
  readonly browser: Browser;
  /**
   * CPU time (ms) used so far by Chromium (the browser process and all its children). On a shared,
   * busy machine wall time mostly measures waiting for a core; CPU time is what the render costs.
   */
  cpuMs(): number;
  /** Messages the webview posted to the (fake) host, in order. */
  messages(): Promise<WebviewToHost[]>;
  /** Posts a render and resolves with the webview's `rendered` answer and the wall time until it came. */
  render(params: RenderParams, timeoutMs?: number): Promise<RenderAnswer>;
  /** Waits for a later `rendered` answer for `seq` drawn in `mode` (e.g. the full draw after a relabel). */
  waitRendered(seq: number, mode: 'full' | 'relabel', timeoutMs?: number): Promise<RenderAnswer>;
  close(): Promise<void>;
}

export interface RenderAnswer {
  /** Wall time from posting the render to the webview's answer (or from the call, for waitRendered). */
  readonly ms: number;
  readonly nodeCount: number;
  readonly layout: string;
  /** 'full': mermaid drew it; 'relabel': only labels changed and were rewritten in place. */
  readonly mode: 'full' | 'relabel';
}

/**
 * `cssVars`: custom properties set on the body, as VS Code sets its theme colours, e.g.
 * `{ '--vscode-editor-background': '#1f1f1f' }` (none: the webview falls back to its defaults).
 */
export async function openRenderPage(bodyClass = 'vscode-light', initialState?: unknown, cssVars?: Record<string, string>): Promise<RenderPage> {
  const nonce = makeNonce();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const fake = `<script nonce="${nonce}">
        window.__toHost = [];
        let state = ${JSON.stringify(initialState ?? null).replace(/</g, '\\u003c')};
        window.acquireVsCodeApi = () => ({
          postMessage: (m) => { window.__toHost.push(m); window.dispatchEvent(new CustomEvent('dl-to-host', { detail: m })); },
          getState: () => state,
          setState: (s) => { state = s; },
        });
      </script>`;
      const html = workflowHtml({ cspSource: origin, scriptUri: `${origin}/dist/webview/workflow.js`, styleUri: `${origin}/media/workflow.css`, nonce })
        .replace('<body>', `<body class="${bodyClass}"${cssVars ? ` style="${styleAttr(cssVars)}"` : ''}>${fake}`);
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end(); // the browser asks for it; a 404 would show up as a page error
      return;
    }
    const file = path.join(root, path.normalize(url.pathname));
    const allowed = [path.join(root, 'dist', 'webview') + path.sep, path.join(root, 'media') + path.sep];
    if (!allowed.some((dir) => file.startsWith(dir)) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => (globalThis as unknown as { __toHost: Array<{ type: string }> }).__toHost.some((m) => m.type === 'ready'));
  return {
    page,
    browser,
    // Chromium runs as children of this node process (playwright spawns it).
    cpuMs: () => treeCpuMs(process.pid, false),
    messages: () => page.evaluate(() => (globalThis as unknown as { __toHost: WebviewToHost[] }).__toHost),
    async render(params, timeoutMs = 60_000) {
      return page.evaluate(
        ({ params, timeoutMs }) => {
          // Runs in the page (this file compiles without the DOM lib, hence the loose typing).
          const w = globalThis as unknown as PageGlobals;
          return new Promise<RenderAnswer>((resolve, reject) => {
            const t0 = performance.now();
            const timer = setTimeout(() => reject(new Error('no rendered message')), timeoutMs);
            const on = (e: { detail: unknown }) => {
              const m = e.detail as { type: string; seq: number; nodeCount: number; layout: string; mode?: 'full' | 'relabel'; message?: string };
              if (m.seq !== params.seq) return;
              if (m.type === 'rendered' || m.type === 'renderError') {
                clearTimeout(timer);
                w.removeEventListener('dl-to-host', on);
                if (m.type === 'renderError') reject(new Error(m.message));
                else resolve({ ms: performance.now() - t0, nodeCount: m.nodeCount, layout: m.layout, mode: m.mode ?? 'full' });
              }
            };
            w.addEventListener('dl-to-host', on);
            w.postMessage({ type: 'render', ...params }, '*');
          });
        },
        { params, timeoutMs }
      );
    },
    async waitRendered(seq, mode, timeoutMs = 60_000) {
      return page.evaluate(
        ({ seq, mode, timeoutMs }) => {
          const w = globalThis as unknown as PageGlobals;
          return new Promise<RenderAnswer>((resolve, reject) => {
            const t0 = performance.now();
            const timer = setTimeout(() => reject(new Error(`no ${mode} render of ${seq}`)), timeoutMs);
            const on = (e: { detail: unknown }) => {
              const m = e.detail as { type: string; seq: number; nodeCount: number; layout: string; mode?: 'full' | 'relabel' };
              if (m.type !== 'rendered' || m.seq !== seq || (m.mode ?? 'full') !== mode) return;
              clearTimeout(timer);
              w.removeEventListener('dl-to-host', on);
              resolve({ ms: performance.now() - t0, nodeCount: m.nodeCount, layout: m.layout, mode: m.mode ?? 'full' });
            };
            w.addEventListener('dl-to-host', on);
          });
        },
        { seq, mode, timeoutMs }
      );
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (errors.length) console.error(`page errors:\n${errors.join('\n')}`);
    },
  };
}

/** Custom properties as a style attribute value, escaped for a double-quoted attribute. */
function styleAttr(vars: Record<string, string>): string {
  const text = Object.entries(vars).map(([k, v]) => `${k}: ${v};`).join(' ');
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** utime+stime of a process's descendants (and itself when `includeRoot`), from /proc (Linux), in ms. */
export function treeCpuMs(rootPid: number, includeRoot = true): number {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command name (which may contain spaces).
      const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(rest[1]), ticks: Number(rest[11]) + Number(rest[12]) });
    } catch {
      /* the process ended meanwhile */
    }
  }
  const inTree = new Set<number>([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, s] of stats) {
      if (!inTree.has(pid) && inTree.has(s.ppid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  let ticks = 0;
  for (const pid of inTree) if (includeRoot || pid !== rootPid) ticks += stats.get(pid)?.ticks ?? 0;
  return ticks * 10; // USER_HZ is 100 on Linux
}
