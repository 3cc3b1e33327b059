// Core (pure): the `graph` command's JSON form of inferred workflows (the contract's fields first, then the
// extra ones in a fixed order), with file paths shown through the caller's function.
import type { WorkflowEdge, WorkflowHandler, WorkflowNode } from './graph';

export interface GraphJson {
  readonly handlers: ReadonlyArray<{
    readonly name: string;
    readonly file: string;
    readonly line: number;
    readonly nodes: ReadonlyArray<Record<string, unknown>>;
    readonly edges: ReadonlyArray<Record<string, unknown>>;
  }>;
}

export function nodeJson(n: WorkflowNode, shown: (file: string) => string = (f) => f): Record<string, unknown> {
  const o: Record<string, unknown> = { id: n.id, kind: n.kind, name: n.name, line: n.line, parent: n.parent };
  if (n.file !== undefined) o.file = shown(n.file);
  if (n.column !== undefined) o.column = n.column;
  if (n.start !== undefined) o.start = n.start;
  if (n.end !== undefined) o.end = n.end;
  if (n.detail !== undefined) o.detail = n.detail;
  if (n.awaitOf !== undefined) o.awaitOf = n.awaitOf;
  if (n.target !== undefined) o.target = { name: n.target.name, file: shown(n.target.file), line: n.target.line };
  if (n.helper !== undefined) o.helper = n.helper;
  return o;
}

export function edgeJson(e: WorkflowEdge): Record<string, unknown> {
  return e.kind && e.kind !== 'normal' ? { from: e.from, to: e.to, label: e.label, kind: e.kind } : { from: e.from, to: e.to, label: e.label };
}

export function graphJson(handlers: readonly WorkflowHandler[], shown: (file: string) => string = (f) => f): GraphJson {
  return {
    handlers: handlers.map((h) => ({
      name: h.name,
      file: shown(h.file),
      line: h.line,
      nodes: h.nodes.map((n) => nodeJson(n, shown)),
      edges: h.edges.map(edgeJson),
    })),
  };
}
