// Runs in the CLI: the tool's version, its home page when package.json names one, and the rule documentation
// pages shipped in the package (docs/rules/<id>.md), all read from our own installed package.
import * as fs from 'fs';
import * as path from 'path';

export interface ToolInfo {
  readonly version: string;
  /** package.json `homepage`, else its https `repository`; undefined when it names neither (no guessed URL). */
  readonly homepage: string | undefined;
  /** The folder holding package.json, docs/ and dist/; undefined when the CLI runs outside its package. */
  readonly packageRoot: string | undefined;
}

let cached: ToolInfo | undefined;

export function toolInfo(): ToolInfo {
  if (cached) return cached;
  const found = findOwnPackageJson();
  const pkg = found?.pkg;
  const version = typeof pkg?.version === 'string' ? pkg.version : '0.0.0';
  const homepage = typeof pkg?.homepage === 'string' && /^https?:\/\//.test(pkg.homepage) ? pkg.homepage : repositoryUrl(pkg?.repository);
  cached = { version, homepage, packageRoot: found?.dir };
  return cached;
}

/**
 * The markdown of docs/rules/<id>.md as shipped with this version of the tool (the same text the editor's
 * "Show documentation" action opens), or undefined when the package has no such page.
 */
export function ruleDocMarkdown(ruleId: string, info: ToolInfo = toolInfo()): string | undefined {
  if (!info.packageRoot || !/^[a-z][a-z0-9-]*$/.test(ruleId)) return undefined;
  try {
    return fs.readFileSync(path.join(info.packageRoot, 'docs', 'rules', `${ruleId}.md`), 'utf8');
  } catch {
    return undefined;
  }
}

function repositoryUrl(repo: unknown): string | undefined {
  const raw = typeof repo === 'string' ? repo : typeof repo === 'object' && repo ? (repo as { url?: unknown }).url : undefined;
  if (typeof raw !== 'string' || !/^(git\+)?https:\/\//.test(raw)) return undefined;
  return raw.replace(/^git\+/, '').replace(/\.git$/, '');
}

/** Walks up from the running script (dist/cli.js, or out/src/cli/*.js in tests) to durable-lens's package.json. */
function findOwnPackageJson(): { pkg: Record<string, unknown>; dir: string } | undefined {
  const starts = [typeof __dirname === 'string' ? __dirname : undefined, process.argv[1] ? path.dirname(safeRealpath(process.argv[1])) : undefined];
  for (const start of starts) {
    if (!start) continue;
    for (let dir = start; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'package.json');
      try {
        const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as Record<string, unknown>;
        if (pkg.name === 'durable-lens') return { pkg, dir };
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
