// Runs in the extension host (pure, no vscode): turns an inferred workflow into what the webview draws —
// Mermaid text, node map, handler list — and maps editor offsets and diagnostics onto graph nodes.
import type { WorkflowGraph, WorkflowHandler, WorkflowNode } from '../../core/workflow/graph';
import { renderMermaid } from '../../core/workflow/mermaid';
import { nodeAt } from '../../core/workflow/nodeAt';
import type { DiagnosticMark, HandlerInfo, MarkSeverity, NodeInfo } from './protocol';

export interface HandlerView {
  readonly handler: WorkflowHandler;
  readonly mermaid: string;
  readonly nodes: readonly NodeInfo[];
}

/** Picks the handler to show: the wanted one if the file still has it, else the first. */
export function pickHandler(graph: WorkflowGraph, wanted: string | null | undefined): WorkflowHandler | undefined {
  return graph.handlers.find((h) => h.name === wanted) ?? graph.handlers[0];
}

export function handlerList(graph: WorkflowGraph): HandlerInfo[] {
  return graph.handlers.map((h) => ({ name: h.name, line: h.line }));
}

export function handlerView(handler: WorkflowHandler, documentFile: string): HandlerView {
  const { text, nodeIds, subgraphIds } = renderMermaid(handler);
  const byId = new Map(handler.nodes.map((n) => [n.id, n]));
  const nodes: NodeInfo[] = [];
  const add = (mermaidId: string, id: string, cluster: boolean) => {
    const n = byId.get(id);
    if (!n) return;
    nodes.push({
      id,
      mermaidId,
      kind: n.kind,
      name: n.name,
      line: n.line,
      ...(n.file && n.file !== documentFile ? { file: baseName(n.file) } : {}),
      ...(cluster ? { cluster: true } : {}),
    });
  };
  for (const [m, id] of Object.entries(nodeIds)) add(m, id, false);
  for (const [m, id] of Object.entries(subgraphIds ?? {})) add(m, id, true);
  return { handler, mermaid: text, nodes };
}

function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i >= 0 ? file.slice(i + 1) : file;
}

export interface DiagnosticInput {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly severity: MarkSeverity;
  readonly message: string;
}

const RANK: Record<MarkSeverity, number> = { error: 3, warning: 2, info: 1 };

/** Each diagnostic marks the innermost node whose range holds it; a node takes its worst severity. */
export function diagnosticMarks(handler: WorkflowHandler, diagnostics: readonly DiagnosticInput[], lineOf: (file: string, offset: number) => number): DiagnosticMark[] {
  const marks = new Map<string, { severity: MarkSeverity; messages: string[] }>();
  for (const d of diagnostics) {
    const n = nodeAt(handler, d.file, d.start, (o) => lineOf(d.file, o));
    if (!n || n.kind === 'start' || n.kind === 'end') continue;
    const m = marks.get(n.id);
    if (!m) marks.set(n.id, { severity: d.severity, messages: [d.message] });
    else {
      if (RANK[d.severity] > RANK[m.severity]) m.severity = d.severity;
      m.messages.push(d.message);
    }
  }
  return Array.from(marks, ([nodeId, m]) => ({ nodeId, severity: m.severity, messages: m.messages }));
}
