// Runs in node (benchmark, prints figures): the execution view on a generated 10,000-event history — the host's
// model (record + view model + the message's JSON) and the built webview in headless Chromium drawing it, then
// scrolling the virtualised event list frame by frame. Needs the webview bundle (dist/webview/execution.js).
// Run: node out/bench/executionView.js
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';
import { chromium } from 'playwright-core';
import type { HistoryEvent } from '../src/core/history/events';
import { buildExecutionRecord } from '../src/core/history/record';
import { makeNonce, webviewHtml } from '../src/extension/shared/html';
import { buildExecutionView } from '../src/extension/executions/executionViewModel';
import { treeCpuMs } from './renderPage';

const OPEN_TARGET_MS = 1000;
const FRAME_MS = 1000 / 60;
const root = path.resolve(__dirname, '..', '..');
const { CHROMIUM_ARGS } = require(path.join(root, 'test', 'harness', 'vscodeEnv.js')) as { CHROMIUM_ARGS: string[] };

/**
 * A history of about `size` events shaped like a long real execution: steps (some retried), waits that end an
 * invocation, and maps whose items run a step each. Deterministic, so runs compare.
 */
export function generatedHistory(size = 10_000): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  let t = Date.parse('2026-01-01T00:00:00.000Z');
  const at = (): string => new Date((t += 7)).toISOString();
  const push = (e: Omit<HistoryEvent, 'EventId' | 'EventTimestamp'>): void => {
    events.push({ ...e, EventId: events.length + 1, EventTimestamp: at() } as HistoryEvent);
  };
  const invocation = (): void => push({ EventType: 'InvocationCompleted', InvocationCompletedDetails: { StartTimestamp: at(), EndTimestamp: at(), RequestId: `req-${events.length}` } });
  const step = (id: string, name: string, parent?: string, fail = false): void => {
    const base = { SubType: 'Step', Id: id, Name: name, ...(parent ? { ParentId: parent } : {}) };
    push({ ...base, EventType: 'StepStarted', StepStartedDetails: {} });
    if (fail) {
      push({ ...base, EventType: 'StepFailed', StepFailedDetails: { Error: { Payload: { ErrorType: 'Error', ErrorMessage: `transient failure in ${name}` } }, RetryDetails: { CurrentAttempt: 1, NextAttemptDelaySeconds: 2 } } });
      invocation();
      push({ ...base, EventType: 'StepStarted', StepStartedDetails: {} });
    }
    push({ ...base, EventType: 'StepSucceeded', StepSucceededDetails: { Result: { Payload: JSON.stringify({ step: name, ok: true, total: events.length }) }, RetryDetails: { CurrentAttempt: fail ? 2 : 1 } } });
  };
  push({ EventType: 'ExecutionStarted', Id: '00000000-0000-4000-8000-000000000001', ExecutionStartedDetails: { Input: { Payload: JSON.stringify({ orderId: 'o-1', items: 3 }) } } });
  for (let k = 0; events.length < size - 1; k++) {
    const id = `op${k.toString(16).padStart(6, '0')}`;
    switch (k % 6) {
      case 2:
        step(id, `charge-${k}`, undefined, true);
        break;
      case 3:
        push({ EventType: 'WaitStarted', SubType: 'Wait', Id: id, Name: `cool-down-${k}`, WaitStartedDetails: { Duration: 5, ScheduledEndTimestamp: at() } });
        invocation();
        push({ EventType: 'WaitSucceeded', SubType: 'Wait', Id: id, Name: `cool-down-${k}`, WaitSucceededDetails: { Duration: 5 } });
        break;
      case 5: {
        push({ EventType: 'ContextStarted', SubType: 'Map', Id: id, Name: `ship-${k}`, ContextStartedDetails: {} });
        for (let i = 0; i < 3; i++) {
          const item = `${id}-${i}`;
          push({ EventType: 'ContextStarted', SubType: 'MapIteration', Id: item, ParentId: id, Name: `map-item-${i}`, ContextStartedDetails: {} });
          step(`${item}-s`, `pack-${i}`, item);
          push({ EventType: 'ContextSucceeded', SubType: 'MapIteration', Id: item, ParentId: id, Name: `map-item-${i}`, ContextSucceededDetails: { Result: { Payload: JSON.stringify({ item: i }) } } });
        }
        push({ EventType: 'ContextSucceeded', SubType: 'Map', Id: id, Name: `ship-${k}`, ContextSucceededDetails: { Result: { Payload: JSON.stringify({ all: [0, 1, 2] }) } } });
        break;
      }
      default:
        step(id, `step-${k}`);
    }
  }
  push({ EventType: 'ExecutionSucceeded', Id: '00000000-0000-4000-8000-000000000001', ExecutionSucceededDetails: { Result: { Payload: JSON.stringify({ done: true }) } } });
  return events;
}

function stats(xs: number[]): { median: number; p95: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { median: q(0.5), p95: q(0.95), max: s[s.length - 1]! };
}

async function main(): Promise<void> {
  const events = generatedHistory(10_000);
  // Host side, as the panel does it after the fetch (3 runs, the last reported: the first warms the JIT).
  let hostMs = 0;
  let message = '';
  let split = { record: 0, view: 0, json: 0, cpu: 0 };
  for (let r = 0; r < 3; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const record = buildExecutionRecord(events);
    const t1 = performance.now();
    const view = buildExecutionView(record, { key: 'bench', title: 'bench-10k', running: false, canStop: false, canCompleteCallbacks: false, canHeartbeat: false, canOpenHandler: false });
    const t2 = performance.now();
    message = JSON.stringify({ type: 'view', seq: r + 1, view, loadedAt: new Date().toISOString() });
    const t3 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    hostMs = t3 - t0;
    split = { record: t1 - t0, view: t2 - t1, json: t3 - t2, cpu: (cpu.user + cpu.system) / 1000 };
  }
  const nonce = makeNonce();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (url.pathname === '/') {
      const fake = `<script nonce="${nonce}">window.__toHost=[];let st=null;window.acquireVsCodeApi=()=>({postMessage:(m)=>{window.__toHost.push(m);window.dispatchEvent(new CustomEvent('dl-to-host',{detail:m}));},getState:()=>st,setState:(s)=>{st=s;}});</script>`;
      const html = webviewHtml({ cspSource: origin, scriptUri: `${origin}/dist/webview/execution.js`, styleUri: `${origin}/media/execution.css`, title: 'bench', nonce }).replace('<body>', `<body class="vscode-dark">${fake}`);
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    const file = path.join(root, path.normalize(url.pathname));
    if (!(file.startsWith(path.join(root, 'dist', 'webview')) || file.startsWith(path.join(root, 'media'))) || !fs.existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.endsWith('.css') ? 'text/css' : 'text/javascript' }).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (globalThis as unknown as { __toHost: { type: string }[] }).__toHost.some((m) => m.type === 'ready'));
    const draws: number[] = [];
    for (let r = 0; r < 3; r++) {
      const text = message.replace(/"seq":\d+/, `"seq":${100 + r}`);
      // From the message arriving to the frame after the view was drawn (the page has painted it).
      const ms = await page.evaluate((text) => {
        const w = globalThis as unknown as { postMessage(m: unknown, o: string): void; addEventListener(t: string, l: (e: { detail: { type: string } }) => void): void; requestAnimationFrame(cb: () => void): void };
        return new Promise<number>((resolve) => {
          const t0 = performance.now();
          w.addEventListener('dl-to-host', (e) => {
            if (e.detail.type === 'drawn') w.requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
          });
          w.postMessage(JSON.parse(text), '*');
        });
      }, text);
      draws.push(ms);
    }
    const inDom = await page.evaluate(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('#events .vlist-row').length);
    await page.click('#tab-events');
    const c0 = treeCpuMs(process.pid, false);
    const scroll = await page.evaluate(() => {
      const g = globalThis as unknown as { document: { getElementById(id: string): { scrollTop: number; scrollHeight: number; clientHeight: number; querySelectorAll(s: string): { length: number } } }; requestAnimationFrame(cb: (t: number) => void): void };
      const list = g.document.getElementById('events');
      return new Promise<{ frames: number[]; maxRows: number; reachedEnd: boolean }>((resolve) => {
        const frames: number[] = [];
        let last = performance.now();
        let maxRows = 0;
        const step = () => {
          const now = performance.now();
          frames.push(now - last);
          last = now;
          maxRows = Math.max(maxRows, list.querySelectorAll('.vlist-row').length);
          // About three screens a second at 60 fps: a fast flick through the list.
          list.scrollTop += 480;
          if (frames.length < 300 && list.scrollTop + list.clientHeight < list.scrollHeight) g.requestAnimationFrame(step);
          else resolve({ frames: frames.slice(1), maxRows, reachedEnd: list.scrollTop + list.clientHeight >= list.scrollHeight - 1 });
        };
        g.requestAnimationFrame(step);
      });
    });
    const cpu = treeCpuMs(process.pid, false) - c0;
    const f = stats(scroll.frames);
    const d = stats(draws);
    console.log(`execution view, generated history: ${events.length} events (load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${os.cpus().length} cores)`);
    console.log(`  host: record + view model + JSON message ${hostMs.toFixed(0)} ms wall, ${split.cpu.toFixed(0)} ms CPU (record ${split.record.toFixed(0)}, view model ${split.view.toFixed(0)}, JSON ${split.json.toFixed(0)} ms; ${(message.length / 1e6).toFixed(1)} MB message)`);
    console.log(`  webview: message to drawn and painted, median ${d.median.toFixed(0)} ms, max ${d.max.toFixed(0)} ms over ${draws.length} draws; ${inDom} event rows in the DOM`);
    console.log(`  open total (host + webview median) ${(hostMs + d.median).toFixed(0)} ms: target <= ${OPEN_TARGET_MS} ms ${hostMs + d.median <= OPEN_TARGET_MS ? 'MET' : 'NOT MET'}`);
    console.log(`  scroll: ${scroll.frames.length} frames of 480 px, frame interval median ${f.median.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms, max ${f.max.toFixed(1)} ms; ${scroll.frames.filter((x) => x > 2 * FRAME_MS).length} frames over ${(2 * FRAME_MS).toFixed(0)} ms; Chromium CPU ${(cpu / scroll.frames.length).toFixed(1)} ms per frame; at most ${scroll.maxRows} rows in the DOM; ${scroll.frames.length * 20} rows scrolled past`);
    if (errors.length) console.log(`  page errors: ${errors.join('; ')}`);
  } finally {
    await browser.close();
    server.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
