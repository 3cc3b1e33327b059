// Runs in the extension host: the handler code a recording is stepped against — the operation tree of a handler
// from the same light Program the workflow panel uses (open documents' live text, imported workspace files),
// the history mapped onto it, and which handler fits when only candidate files are known.
import * as path from 'path';
import * as vscode from 'vscode';
import type { DurableFunction, TS } from '../../core/analysis/model';
import { findDurableFunctions } from '../../core/analysis/handlers';
import { operationTree, type OperationTree } from '../../core/analysis/operationTree';
import { chooseHandler, mapHistory } from '../../core/history/mapping';
import type { HistoryMapping } from '../../core/history/mappingTypes';
import type { ExecutionRecord } from '../../core/history/record';
import { LightPrograms } from '../workflow/programs';
import { loadTypeScript } from '../workflow/typescriptLoader';

export interface MappedCode {
  readonly kind: 'mapped';
  readonly file: string;
  readonly handler: string;
  readonly mapping: HistoryMapping;
  /** Files of the Program the tree was built from: an edit to any of them re-maps. */
  readonly files: readonly string[];
}

export type CodeResult = MappedCode | { readonly kind: 'none'; readonly reason: string };

interface Candidate {
  readonly file: string;
  readonly fn: DurableFunction;
  readonly tree: OperationTree;
  readonly files: readonly string[];
}

/** One per panel: keeps its LightPrograms so re-mapping after an edit reuses the unchanged source files. */
export class HandlerCode {
  private programs: { ts: TS; programs: LightPrograms; key: string } | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** Maps the record onto `handler` in `file` (or the handler of that file that fits, when not named); `explicit`: see choose. */
  map(record: ExecutionRecord, file: string, handler?: string, explicit = true): CodeResult {
    let candidates: Candidate[];
    try {
      candidates = this.candidates(file);
    } catch (err) {
      return { kind: 'none', reason: `The handler file ${vscode.workspace.asRelativePath(file)} could not be read: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (handler) {
      const named = candidates.filter((c) => c.fn.name === handler);
      if (named.length > 0) candidates = named;
      else if (candidates.length > 0) this.log.warn(`replay: no durable handler named ${handler} in ${file}; choosing among ${candidates.map((c) => c.fn.name).join(', ')}`);
    }
    return this.choose(record, candidates, `No durable handler was found in ${vscode.workspace.asRelativePath(file)}.`, explicit);
  }

  /** Maps the record onto whichever handler of these files it fits (chooseHandler). */
  mapAmong(record: ExecutionRecord, files: readonly string[]): CodeResult {
    const all: Candidate[] = [];
    for (const f of files) {
      try {
        all.push(...this.candidates(f));
      } catch (err) {
        this.log.warn(`replay: skipping ${f}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return this.choose(record, all, 'No durable handler among the open documents and the durableLens.functionSources setting.', false);
  }

  /**
   * With `explicit` (the user or the run named the file) the best handler is used even when the history no longer
   * fits it: its drift is the point. A search only accepts a handler the history fits.
   */
  private choose(record: ExecutionRecord, candidates: readonly Candidate[], none: string, explicit: boolean): CodeResult {
    if (candidates.length === 0) return { kind: 'none', reason: none };
    const pick = (m: HistoryMapping): CodeResult => {
      const c = candidates.find((x) => x.tree === m.tree) ?? candidates[0]!;
      return { kind: 'mapped', file: c.file, handler: c.fn.name, mapping: m, files: c.files };
    };
    if (candidates.length === 1 && explicit) return pick(mapHistory(record, candidates[0]!.tree));
    const choice = chooseHandler(record, candidates.map((c) => c.tree));
    if (choice.kind === 'fits') return pick(choice.mapping);
    if (choice.kind === 'ambiguous' && choice.candidates[0]) {
      this.log.info(`replay: the history fits ${choice.candidates.length} handlers equally; using the first`);
      return pick(choice.candidates[0]);
    }
    if (choice.kind === 'none' && choice.best && explicit) return pick(choice.best);
    const best = choice.kind === 'none' ? choice.best : undefined;
    const names = candidates.map((c) => `${vscode.workspace.asRelativePath(c.file)}#${c.fn.name}`).slice(0, 5).join(', ');
    return { kind: 'none', reason: `The history does not fit any handler found (${names}${candidates.length > 5 ? ', …' : ''})${best ? `; the closest matches ${best.fit.matched} of ${best.fit.total} operations` : ''}.` };
  }

  private candidates(file: string): Candidate[] {
    const { ts, programs } = this.programsFor(file);
    const { program, sourceFile } = programs.programFor(file);
    const checker = program.getTypeChecker();
    const files = program.getSourceFiles().map((s) => s.fileName);
    return findDurableFunctions(ts, sourceFile, checker)
      .filter((f) => f.kind === 'handler')
      .map((fn) => ({ file, fn, tree: operationTree(ts, fn, checker), files }));
  }

  private programsFor(file: string): { ts: TS; programs: LightPrograms } {
    const loaded = loadTypeScript(file, this.log);
    const uri = vscode.Uri.file(file);
    const cwd = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(file);
    const key = `${loaded.path}|${cwd}`;
    if (this.programs?.key !== key) {
      const open = {
        get: (fileName: string) => {
          const d = vscode.workspace.textDocuments.find((t) => t.uri.scheme === 'file' && t.uri.fsPath === fileName);
          return d ? { text: d.getText(), version: d.version } : undefined;
        },
      };
      this.programs = { ts: loaded.ts, programs: new LightPrograms(loaded.ts, open, cwd), key };
    }
    return this.programs;
  }
}

const SDK_IMPORT = /@aws\/durable-execution-sdk-js/;

/** Open documents that import the durable SDK (the first place to look for a history file's handler). */
export function openHandlerDocuments(): string[] {
  return vscode.workspace.textDocuments
    .filter((d) => d.uri.scheme === 'file' && /\.(m|c)?[jt]sx?$/.test(d.uri.fsPath) && !d.uri.fsPath.endsWith('.d.ts') && SDK_IMPORT.test(d.getText()))
    .map((d) => d.uri.fsPath);
}

/** Workspace files that import the durable SDK (for the quick pick), at most `max`. */
export async function workspaceHandlerFiles(max = 200): Promise<string[]> {
  const uris = await vscode.workspace.findFiles('**/*.{ts,mts,cts,js,mjs,cjs}', '{**/node_modules/**,**/dist/**,**/out/**,**/*.d.ts,**/cdk.out/**,**/.aws-sam/**}', 2000);
  const out: string[] = [];
  for (const u of uris) {
    if (out.length >= max) break;
    try {
      const bytes = await vscode.workspace.fs.readFile(u);
      if (bytes.byteLength < 2_000_000 && SDK_IMPORT.test(Buffer.from(bytes).toString('utf8'))) out.push(u.fsPath);
    } catch {
      // unreadable: not offered
    }
  }
  return out.sort();
}
