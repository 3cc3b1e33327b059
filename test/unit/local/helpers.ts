// Runs in mocha (node): shared paths and a run helper for the local-run tests (real child processes).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startLocalRun } from '../../../src/local/localRunner';
import type { LocalRun, LocalRunOptions, LocalRunStatus } from '../../../src/local/types';

export const REPO = path.resolve(__dirname, '..', '..', '..', '..');
export const FIXTURES = path.join(REPO, 'test', 'fixtures', 'local');
export const CHILD = path.join(REPO, 'out', 'src', 'local', 'child.js');
export const TYPESCRIPT = require.resolve('typescript');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `dl-${prefix}-`));
}

export function run(handler: string, extra: Partial<LocalRunOptions> & { workspaceRoot: string }): LocalRun {
  return startLocalRun({
    handlerFile: path.isAbsolute(handler) ? handler : fixture(handler),
    event: {},
    typescriptPath: TYPESCRIPT,
    runnerScript: CHILD,
    timeoutMs: 30_000,
    ...extra,
  });
}

/** Resolves when the run reaches the status (or rejects when it ends in another). */
export function whenStatus(r: LocalRun, status: LocalRunStatus): Promise<void> {
  return new Promise((resolve, reject) => {
    if (r.status === status) return resolve();
    const off = r.onDidChange((x) => {
      if (x.status === status) {
        off();
        resolve();
      }
    });
    void r.done.then((res) => {
      off();
      if (res.status === status) resolve();
      else reject(new Error(`run ended ${res.status} (${res.error?.message ?? ''}) before reaching ${status}`));
    });
  });
}

export function eventSummary(events: readonly Record<string, unknown>[]): string[] {
  return events.map((e) => `${String(e.EventType)}${e.Name ? `:${String(e.Name)}` : ''}`);
}
