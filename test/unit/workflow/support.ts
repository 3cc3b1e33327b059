// Unit test support (node): loads the workflow fixtures into one Program (so imported helpers resolve and
// invoke targets are found), infers their workflows, and reads/writes the golden files.
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import type { WorkflowHandler, WorkflowNode } from '../../../src/core/workflow/graph';
import { inferWorkflow } from '../../../src/core/workflow/infer';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'workflow');
export const GOLDEN = path.join(FIXTURES, 'golden');

/** Fixture files (handlers and the helper library), sorted. */
export function fixtureFiles(): string[] {
  return fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => path.join(FIXTURES, f));
}

let program: ts.Program | undefined;

/** One Program over every fixture, without lib files or node_modules (the SDK is recognised by specifier). */
export function fixtureProgram(): ts.Program {
  if (!program) program = ts.createProgram(fixtureFiles(), { noLib: true, types: [], noResolve: false, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, skipLibCheck: true });
  return program;
}

export function fixturePath(name: string): string {
  return path.join(FIXTURES, name.endsWith('.ts') ? name : name + '.ts');
}

/** The workflows of one fixture file, inferred with the fixture Program. */
export function inferFixture(name: string): WorkflowHandler[] {
  const p = fixtureProgram();
  const sf = p.getSourceFile(fixturePath(name));
  if (!sf) throw new Error(`fixture ${name} not in the program`);
  return [...inferWorkflow(ts, sf, p).handlers];
}

export function onlyHandler(name: string): WorkflowHandler {
  const hs = inferFixture(name);
  if (hs.length !== 1) throw new Error(`expected one handler in ${name}, got ${hs.length}`);
  return hs[0]!;
}

/** Inference over a source text alone (no Program), as the tsserver plugin or an unsaved editor would. */
export function inferText(text: string, fileName = '/virtual/handler.ts'): WorkflowHandler[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  return [...inferWorkflow(ts, sf).handlers];
}

export function relToRepo(file: string): string {
  return path.relative(REPO_ROOT, file).split(path.sep).join('/');
}

export function node(h: WorkflowHandler, pred: (n: WorkflowNode) => boolean, what = 'node'): WorkflowNode {
  const found = h.nodes.filter(pred);
  if (found.length !== 1) throw new Error(`expected exactly one ${what}, found ${found.length}: ${found.map((n) => n.id).join(', ')}`);
  return found[0]!;
}

export function named(h: WorkflowHandler, kind: string, name: string | null): WorkflowNode {
  return node(h, (n) => n.kind === kind && n.name === name && !n.awaitOf, `${kind} ${name}`);
}

/** Edges as `fromName -> toName [label] (kind)` strings, names being `kind:name` of the nodes. */
export function edgeStrings(h: WorkflowHandler): string[] {
  const byId = new Map(h.nodes.map((n) => [n.id, n]));
  const nm = (id: string): string => {
    const n = byId.get(id);
    if (!n) return `?${id}`;
    if (n.kind === 'start' || n.kind === 'end') return n.name !== null ? `${n.kind}:${n.name}` : n.kind;
    return `${n.awaitOf ? 'await ' : ''}${n.kind}:${n.name ?? ''}`;
  };
  return h.edges.map((e) => `${nm(e.from)} -> ${nm(e.to)}${e.label !== null ? ` [${e.label}]` : ''}${e.kind ? ` (${e.kind})` : ''}`);
}

export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';
