// Unit tests (node, mocha): the rules and the diagram see the same operations — every fixture and sample goes
// through the replay model the rules run over and through the workflow inference, and the operation call
// sites (file, offset, kind) each of them finds must be the same.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { getDurableOperationCall, CHECKPOINTED_METHODS, CHILD_CONTEXT_METHODS, operationOfCallback } from '../../../src/core/analysis/operations';
import { getReplayModel } from '../../../src/core/analysis/replay';
import { isFunctionWithBody } from '../../../src/core/analysis/scope';
import { OPERATION_KIND_SET } from '../../../src/core/analysis/operations/kinds';
import { inferWorkflow } from '../../../src/core/workflow/infer';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** Source folders, each one Program (so helpers in other files of the same project resolve). */
const GROUPS = ['test/fixtures/workflow', 'test/fixtures/analysis', 'test/fixtures/rules/precision', 'test/fixtures/fixes', 'test/fixtures/tsserver', 'samples'];

function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'golden' || e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js|mjs|cjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Operation call sites the rules look at: in the regions (reached from a handler) of each file. */
function ruleSites(program: ts.Program, sf: ts.SourceFile): Set<string> {
  const checker = program.getTypeChecker();
  const out = new Set<string>();
  const regions = getReplayModel(ts, program, sf).regionsByFile.get(sf) ?? [];
  for (const r of regions) {
    if (r.root.kind !== 'handler' || !r.fn.body) continue;
    const visit = (n: ts.Node): void => {
      if (ts.isFunctionLike(n) && isFunctionWithBody(ts, n)) {
        const op = operationOfCallback(ts, n, checker);
        if (op && (CHECKPOINTED_METHODS.has(op.method) || CHILD_CONTEXT_METHODS.has(op.method))) return;
      }
      if (ts.isCallExpression(n)) {
        const op = getDurableOperationCall(ts, n, checker);
        if (op) out.add(`${rel(sf.fileName)}:${n.getStart(sf)}:${op.method}`);
      }
      ts.forEachChild(n, visit);
    };
    // As check.ts walks a region: a block's statements, or an expression body itself.
    if (ts.isBlock(r.fn.body)) ts.forEachChild(r.fn.body, visit);
    else visit(r.fn.body);
  }
  return out;
}

function rel(f: string): string {
  return path.relative(REPO_ROOT, f).split(path.sep).join('/');
}

/**
 * One Program over the files, resolving only relative imports: the SDK is recognised by its specifier, and
 * loading its declarations (and the AWS SDK's) would only make the test slow.
 */
function projectProgram(files: string[]): ts.Program {
  const options: ts.CompilerOptions = { allowJs: true, noLib: true, types: [], target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, skipLibCheck: true, noEmit: true };
  const host = ts.createCompilerHost(options, true);
  host.resolveModuleNames = (names, containing) => names.map((n) => (n.startsWith('.') ? ts.resolveModuleName(n, containing, options, host).resolvedModule : undefined));
  return ts.createProgram(files, options, host);
}

describe('rules and diagram agree on the operations', () => {
  for (const group of GROUPS) {
    const dir = path.join(REPO_ROOT, group);
    if (!fs.existsSync(dir)) continue;
    const files = sourcesUnder(dir);
    let program: ts.Program | undefined;
    const getProgram = (): ts.Program => (program ??= projectProgram(files));
    it(`${group}: same call sites, same kinds (${files.length} files)`, () => {
      const p = getProgram();
      const diagram = new Set<string>();
      const rules = new Set<string>();
      for (const f of files) {
        const sf = p.getSourceFile(f);
        if (!sf) continue;
        for (const h of inferWorkflow(ts, sf, p).handlers) {
          for (const n of h.nodes) {
            if (!OPERATION_KIND_SET.has(n.kind) || n.awaitOf || n.start === undefined) continue;
            diagram.add(`${rel(n.file ?? h.file)}:${n.start}:${n.kind}`);
          }
        }
        for (const s of ruleSites(p, sf)) rules.add(s);
      }
      const onlyDiagram = [...diagram].filter((s) => !rules.has(s)).sort();
      const onlyRules = [...rules].filter((s) => !diagram.has(s)).sort();
      assert.deepStrictEqual({ onlyDiagram, onlyRules }, { onlyDiagram: [], onlyRules: [] });
      assert.ok(diagram.size > 0, 'the group has operations');
    });
  }
});
