// Runs in the CLI: the tool's version and documentation links, read from our own package.json.
import * as fs from 'fs';
import * as path from 'path';

export interface ToolInfo {
  readonly version: string;
  readonly homepage: string;
  /** Where docs/rules/<id>.md are published (SARIF helpUri). */
  readonly docsBaseUrl: string;
}

/** Used when package.json names no repository: the project's public home. */
const DEFAULT_REPOSITORY = 'https://github.com/durable-lens/durable-lens';

let cached: ToolInfo | undefined;

export function toolInfo(): ToolInfo {
  if (cached) return cached;
  const pkg = findOwnPackageJson();
  const version = typeof pkg?.version === 'string' ? pkg.version : '0.0.0';
  const repo = repositoryUrl(pkg?.repository) ?? DEFAULT_REPOSITORY;
  const homepage = typeof pkg?.homepage === 'string' ? pkg.homepage : repo;
  cached = { version, homepage, docsBaseUrl: `${repo}/blob/main/docs/rules` };
  return cached;
}

function repositoryUrl(repo: unknown): string | undefined {
  const raw = typeof repo === 'string' ? repo : typeof repo === 'object' && repo ? (repo as { url?: unknown }).url : undefined;
  if (typeof raw !== 'string' || !/^(git\+)?https:\/\//.test(raw)) return undefined;
  return raw.replace(/^git\+/, '').replace(/\.git$/, '');
}

/** Walks up from the running script (dist/cli.js, or out/src/cli/*.js in tests) to durable-lens's package.json. */
function findOwnPackageJson(): Record<string, unknown> | undefined {
  const starts = [typeof __dirname === 'string' ? __dirname : undefined, process.argv[1] ? path.dirname(safeRealpath(process.argv[1])) : undefined];
  for (const start of starts) {
    if (!start) continue;
    for (let dir = start; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'package.json');
      try {
        const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as Record<string, unknown>;
        if (pkg.name === 'durable-lens') return pkg;
      } catch {
        // keep walking
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  return undefined;
}

function safeRealpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
