// Runs in the CLI: finds the `typescript` module to analyse a project with: the project's own first
// (its compiler options and lib files), then the one shipped with durable-lens.
import { createRequire } from 'module';
import * as path from 'path';
import type { TS } from '../core/analysis/model';

export interface LoadedTypeScript {
  readonly ts: TS;
  /** Where it came from, for `--verbose`-style messages and errors. */
  readonly from: 'project' | 'bundled';
}

/** TypeScript 7 (the native port) has no JS compiler API: a project using it falls back to ours. */
function usable(mod: unknown): mod is TS {
  const m = mod as Partial<TS> | undefined;
  return !!m && typeof m.createProgram === 'function' && typeof m.forEachChild === 'function';
}

export function loadTypeScript(projectDir: string): LoadedTypeScript {
  try {
    const projectRequire = createRequire(path.join(path.resolve(projectDir), '__durable_lens__.js'));
    const mod: unknown = projectRequire('typescript');
    if (usable(mod)) return { ts: mod, from: 'project' };
  } catch {
    // Not installed in the project: use ours below.
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const own: unknown = require('typescript');
  if (!usable(own)) throw Object.assign(new Error('no usable typescript module found'), { reason: 'no-typescript' as const });
  return { ts: own, from: 'bundled' };
}
