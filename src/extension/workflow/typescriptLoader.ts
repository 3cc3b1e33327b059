// Runs in the extension host: finds and loads a `typescript` module on first need (the workspace's own,
// else the one VS Code ships with its TypeScript extension). The extension never bundles TypeScript.
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TS } from '../../core/analysis/model';

/** No usable `typescript` module was found (typed: crosses into a user-facing message). */
export class TypeScriptUnavailableError extends Error {
  readonly reason = 'typescript-unavailable';
}

export interface LoadedTypeScript {
  readonly ts: TS;
  readonly path: string;
  readonly version: string;
}

const loaded = new Map<string, LoadedTypeScript | Error>();
// createRequire: webpack leaves the returned function alone, so the path is resolved at run time.
const dynamicRequire = createRequire(__filename);

/** Candidate files, best first: node_modules/typescript above the document, then VS Code's own copy. */
export function typeScriptCandidates(documentPath: string | undefined): string[] {
  const out: string[] = [];
  if (documentPath) {
    let dir = path.dirname(documentPath);
    for (let i = 0; i < 64; i++) {
      out.push(path.join(dir, 'node_modules', 'typescript', 'lib', 'typescript.js'));
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme === 'file') out.push(path.join(folder.uri.fsPath, 'node_modules', 'typescript', 'lib', 'typescript.js'));
  }
  const builtin = vscode.extensions.getExtension('vscode.typescript-language-features');
  if (builtin) {
    // VS Code desktop ships it inside the extension; code-server in the shared extensions/node_modules.
    out.push(path.join(builtin.extensionPath, 'node_modules', 'typescript', 'lib', 'typescript.js'));
    out.push(path.join(builtin.extensionPath, '..', 'node_modules', 'typescript', 'lib', 'typescript.js'));
  }
  return Array.from(new Set(out));
}

function tryLoad(file: string): LoadedTypeScript | Error {
  const known = loaded.get(file);
  if (known) return known;
  let result: LoadedTypeScript | Error;
  try {
    const mod = dynamicRequire(file) as TS;
    // TypeScript 7 (the native port) has no JS compiler API: skip anything without createProgram.
    if (typeof mod?.createProgram !== 'function' || typeof mod.createSourceFile !== 'function') {
      result = new Error(`${file} has no compiler API`);
    } else {
      result = { ts: mod, path: file, version: mod.version };
    }
  } catch (err) {
    result = err instanceof Error ? err : new Error(String(err));
  }
  loaded.set(file, result);
  return result;
}

/** Loads the best TypeScript for a document; throws TypeScriptUnavailableError listing what was tried. */
export function loadTypeScript(documentPath: string | undefined, log?: vscode.LogOutputChannel): LoadedTypeScript {
  const tried: string[] = [];
  for (const file of typeScriptCandidates(documentPath)) {
    if (!fs.existsSync(file)) continue;
    const result = tryLoad(file);
    if (!(result instanceof Error)) {
      if (!loaded.has(`logged:${file}`)) {
        loaded.set(`logged:${file}`, result);
        log?.info(`workflow: using TypeScript ${result.version} from ${file}`);
      }
      return result;
    }
    tried.push(`${file}: ${result.message}`);
  }
  throw new TypeScriptUnavailableError(
    `No TypeScript compiler found to read the handler code (install typescript in the workspace). Tried: ${tried.join('; ') || 'nothing found'}`
  );
}
