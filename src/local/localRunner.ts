// Runs in the extension host and the CLI: starts a local run of a handler in a child process
// (dist/localRunner.js) and follows it: live history, waiting callbacks, callback requests, cancel,
// crash and hang detection. Every outcome ends the run with a status and keeps the history so far.
import { fork, type ChildProcess } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import { latestScheduledWaitEnd } from './historyUtil';
import { isChildMessage, type ChildMessage, type LocalHistoryEvent, type ParentMessage, type PendingCallback } from './protocol';
import { saveRun } from './runStore';
import { FINAL_STATUSES, LocalCallbackError, type LocalRun, type LocalRunError, type LocalRunOptions, type LocalRunResult, type LocalRunStatus, type SavedRun } from './types';

export const DEFAULT_TIMEOUT_MS = 300_000;
/** After cancel or a hang, how long the child gets to exit before it is killed. */
const KILL_GRACE_MS = 1_000;
/** Before the child reports the handler loaded, the hang timer allows at least this long. */
const START_ALLOWANCE_MS = 30_000;
/** Partial saves while running: at most this often. */
const SAVE_INTERVAL_MS = 500;

/** Time-sortable and unique: `<yyyymmddThhmmss>-<random>`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${crypto.randomBytes(4).toString('hex')}`;
}

function statusOf(executionStatus: string): LocalRunStatus {
  return executionStatus === 'SUCCEEDED' ? 'succeeded' : executionStatus === 'TIMED_OUT' ? 'timedOut' : 'failed';
}

class LocalRunImpl implements LocalRun {
  readonly id: string;
  readonly startedAt: string;
  status: LocalRunStatus = 'starting';
  events: readonly LocalHistoryEvent[] = [];
  waitingOn: readonly PendingCallback[] = [];
  handlerExport: string | undefined;
  readonly done: Promise<LocalRunResult>;

  private resolveDone!: (r: LocalRunResult) => void;
  private readonly listeners = new Set<(run: LocalRun) => void>();
  private child: ChildProcess | undefined;
  private nextRequestId = 1;
  private readonly pendingRequests = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private hangTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private lastSave = 0;
  private saveTimer: NodeJS.Timeout | undefined;
  private result: LocalRunResult | undefined;
  private stderrTail = '';
  private readonly timeoutMs: number;
  /** Set when we decided how the run ends before the child is gone (cancel, hang). */
  private endingAs: { status: LocalRunStatus; error: LocalRunError } | undefined;
  private saveError: Error | undefined;

  constructor(private readonly options: LocalRunOptions) {
    this.id = options.id ?? newRunId();
    this.startedAt = new Date().toISOString();
    this.handlerExport = options.handlerExport;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  onDidChange(listener: (run: LocalRun) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.options.signal?.aborted) {
      this.end('cancelled', { reason: 'cancelled', message: 'the run was cancelled before it started' });
      return;
    }
    this.options.signal?.addEventListener('abort', () => this.cancel(), { once: true });
    if (!fs.existsSync(this.options.runnerScript)) {
      this.end('crashed', { reason: 'spawn-failed', message: `the local runner is missing: ${this.options.runnerScript} (build with webpack)` });
      return;
    }
    if (!fs.existsSync(this.options.workspaceRoot)) {
      this.end('crashed', { reason: 'spawn-failed', message: `the workspace folder does not exist: ${this.options.workspaceRoot}` }, undefined, false);
      return;
    }
    let child: ChildProcess;
    try {
      child = fork(this.options.runnerScript, [], {
        cwd: this.options.workspaceRoot,
        execArgv: ['--enable-source-maps', ...(this.options.execArgv ?? [])],
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'json',
      });
    } catch (e) {
      this.end('crashed', { reason: 'spawn-failed', message: `could not start the local runner: ${(e as Error).message}` });
      return;
    }
    this.child = child;
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (t: string) => this.options.onOutput?.('stdout', t));
    child.stderr?.on('data', (t: string) => {
      this.stderrTail = (this.stderrTail + t).slice(-4000);
      this.options.onOutput?.('stderr', t);
    });
    child.on('message', (m) => this.onMessage(m));
    child.on('error', (e) => {
      if (!this.result) this.end('crashed', { reason: 'spawn-failed', message: `the local runner failed: ${e.message}` });
    });
    child.on('exit', (code, signal) => this.onExit(code, signal));
    this.send({
      type: 'start',
      handlerFile: this.options.handlerFile,
      handlerExport: this.options.handlerExport,
      event: this.options.event,
      skipTime: this.options.skipTime ?? true,
      invokeTargets: this.options.invokeTargets,
      typescriptPath: this.options.typescriptPath,
      workspaceRoot: this.options.workspaceRoot,
    });
    this.armHangTimer();
    this.save(true);
  }

  private send(message: ParentMessage): boolean {
    const child = this.child;
    if (!child || !child.connected) return false;
    try {
      child.send(message);
      return true;
    } catch {
      return false;
    }
  }

  private changed(): void {
    for (const l of Array.from(this.listeners)) {
      try {
        l(this);
      } catch {
        // A listener's own failure must not stop the run or the other listeners.
      }
    }
    if (!this.result) this.save(false);
  }

  /** No progress for timeoutMs ends the run, unless it waits on a callback or on a real-time wait. */
  private armHangTimer(): void {
    if (this.hangTimer) clearTimeout(this.hangTimer);
    this.hangTimer = undefined;
    if (this.result || this.endingAs) return;
    if (this.status === 'waiting') return;
    // Loading the handler (TypeScript, the SDKs) can take a while on a busy machine: a hang at load
    // time is still caught, after a longer allowance.
    let delay = this.status === 'starting' ? Math.max(this.timeoutMs, START_ALLOWANCE_MS) : this.timeoutMs;
    if (this.options.skipTime === false) {
      const waitEnd = latestScheduledWaitEnd(this.events);
      if (waitEnd !== undefined) delay = Math.max(delay, waitEnd - Date.now() + this.timeoutMs);
    }
    this.hangTimer = setTimeout(() => this.onHang(), delay);
  }

  private onHang(): void {
    const seconds = Math.round(this.timeoutMs / 100) / 10;
    this.endingAs = {
      status: 'timedOut',
      error: { reason: 'timed-out', message: `the handler made no progress for ${seconds} s (an endless loop or a hung call?); the run was stopped` },
    };
    this.killChild(true);
  }

  private killChild(now: boolean): void {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      if (this.endingAs) this.end(this.endingAs.status, this.endingAs.error);
      return;
    }
    if (now) {
      child.kill('SIGKILL');
      return;
    }
    this.send({ type: 'cancel' });
    this.killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
  }

  private onMessage(raw: unknown): void {
    if (!isChildMessage(raw) || this.result) return;
    const m: ChildMessage = raw;
    switch (m.type) {
      case 'started':
        this.handlerExport = m.handlerExport;
        if (this.status === 'starting') this.status = 'running';
        this.armHangTimer();
        this.changed();
        return;
      case 'progress':
        this.events = m.events;
        this.armHangTimer();
        this.changed();
        return;
      case 'waiting':
        this.waitingOn = m.callbacks;
        if (this.status === 'running' || this.status === 'waiting' || this.status === 'starting') this.status = m.callbacks.length ? 'waiting' : 'running';
        this.armHangTimer();
        this.changed();
        return;
      case 'ack': {
        const p = this.pendingRequests.get(m.requestId);
        if (!p) return;
        this.pendingRequests.delete(m.requestId);
        if (m.ok) p.resolve();
        else p.reject(new LocalCallbackError('rejected', m.message));
        return;
      }
      case 'done': {
        this.events = m.events;
        if (this.endingAs) return;
        const status = statusOf(m.status);
        const error: LocalRunError | undefined =
          status === 'succeeded'
            ? undefined
            : {
                reason: 'handler-error',
                message: m.error?.errorMessage ?? `the execution ended with status ${m.status}`,
                errorType: m.error?.errorType,
                stackTrace: m.error?.stackTrace,
              };
        this.end(status, error, m.result);
        return;
      }
      case 'fatal': {
        if (m.events.length) this.events = m.events;
        if (this.endingAs) return;
        const status: LocalRunStatus = m.error.reason === 'runner-failed' ? 'crashed' : 'failed';
        this.end(status, { reason: m.error.reason, message: m.error.message, stackTrace: m.error.stack ? m.error.stack.split('\n') : undefined });
        return;
      }
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.killTimer) clearTimeout(this.killTimer);
    if (this.result) return;
    if (this.endingAs) {
      this.end(this.endingAs.status, this.endingAs.error);
      return;
    }
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    const tail = this.stderrTail.trim().split('\n').slice(-3).join('\n');
    this.end('crashed', {
      reason: 'crashed',
      message: `the handler's process ${how} before the execution ended${tail ? `: ${tail}` : ''}`,
    });
  }

  private end(status: LocalRunStatus, error?: LocalRunError, result?: unknown, saveIt = true): void {
    if (this.result) return;
    if (this.hangTimer) clearTimeout(this.hangTimer);
    this.status = status;
    this.waitingOn = [];
    for (const [, p] of this.pendingRequests) p.reject(new LocalCallbackError('run-ended', `the run ended (${status}) before the callback was sent`));
    this.pendingRequests.clear();
    const endedAt = new Date().toISOString();
    const r: LocalRunResult = {
      id: this.id,
      status,
      ...(result !== undefined ? { result } : {}),
      ...(error ? { error } : {}),
      events: this.events,
      startedAt: this.startedAt,
      endedAt,
    };
    this.result = r;
    const file = saveIt ? this.save(true) : undefined;
    const final: LocalRunResult = file ? { ...r, file } : r;
    this.result = final;
    this.changed();
    // The child may still be up (a fatal report before exiting): make sure it goes.
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      this.killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      child.once('exit', () => this.killTimer && clearTimeout(this.killTimer));
    }
    this.resolveDone(final);
  }

  toSaved(): SavedRun {
    const r = this.result;
    return {
      version: 1,
      id: this.id,
      handlerFile: this.options.handlerFile,
      ...(this.handlerExport !== undefined ? { handlerExport: this.handlerExport } : {}),
      event: this.options.event,
      startedAt: this.startedAt,
      ...(r ? { endedAt: r.endedAt } : {}),
      status: this.status,
      ...(r && r.result !== undefined ? { result: r.result } : {}),
      ...(r?.error ? { error: r.error } : {}),
      events: this.events,
    };
  }

  /** Saves now (force) or at most every SAVE_INTERVAL_MS while running. Returns the file when saved. */
  private save(force: boolean): string | undefined {
    if (this.options.save === false) return undefined;
    const now = Date.now();
    if (!force && now - this.lastSave < SAVE_INTERVAL_MS) {
      if (!this.saveTimer) this.saveTimer = setTimeout(() => ((this.saveTimer = undefined), this.save(true)), SAVE_INTERVAL_MS);
      return undefined;
    }
    if (this.saveTimer && (force || this.result)) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    this.lastSave = now;
    try {
      return saveRun(this.options.workspaceRoot, this.toSaved());
    } catch (e) {
      // Reported once through the result's saveError; the run itself goes on.
      this.saveError = e as Error;
      this.options.onOutput?.('stderr', `durable-lens: could not save run ${this.id}: ${(e as Error).message}\n`);
      return undefined;
    }
  }

  get lastSaveError(): Error | undefined {
    return this.saveError;
  }

  private request(id: string, make: (requestId: number) => ParentMessage): Promise<void> {
    if (this.result) return Promise.reject(new LocalCallbackError('run-ended', `the run already ended (${this.status})`));
    if (!this.waitingOn.some((c) => c.operationId === id || c.callbackId === id)) {
      return Promise.reject(
        new LocalCallbackError(this.waitingOn.length ? 'unknown-callback' : 'not-waiting', this.waitingOn.length ? `the run does not wait on callback "${id}"` : 'the run is not waiting on a callback')
      );
    }
    const requestId = this.nextRequestId++;
    return new Promise<void>((resolve, reject) => {
      this.pendingRequests.set(requestId, { resolve, reject });
      if (!this.send(make(requestId))) {
        this.pendingRequests.delete(requestId);
        reject(new LocalCallbackError('run-ended', 'the local runner is not connected'));
      }
    });
  }

  sendCallbackSuccess(id: string, json: string): Promise<void> {
    try {
      JSON.parse(json);
    } catch (e) {
      return Promise.reject(new LocalCallbackError('rejected', `the callback result is not valid JSON: ${(e as Error).message}`));
    }
    return this.request(id, (requestId) => ({ type: 'callbackSuccess', requestId, id, result: json }));
  }

  sendCallbackFailure(id: string, error: { type?: string; message?: string }): Promise<void> {
    return this.request(id, (requestId) => ({ type: 'callbackFailure', requestId, id, error: { type: error.type, message: error.message } }));
  }

  sendCallbackHeartbeat(id: string): Promise<void> {
    return this.request(id, (requestId) => ({ type: 'callbackHeartbeat', requestId, id }));
  }

  cancel(): void {
    if (this.result || this.endingAs) return;
    this.endingAs = { status: 'cancelled', error: { reason: 'cancelled', message: 'the run was cancelled' } };
    if (this.hangTimer) clearTimeout(this.hangTimer);
    this.killChild(false);
  }
}

export function startLocalRun(options: LocalRunOptions): LocalRun {
  const run = new LocalRunImpl(options);
  run.start();
  return run;
}

export function isFinalStatus(status: LocalRunStatus): boolean {
  return FINAL_STATUSES.has(status);
}
