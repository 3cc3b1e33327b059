// Core (pure): which workflow node an editor offset is in — the innermost node whose source range holds it;
// used by the panel (cursor to node, diagnostics to marks) and by the CLI.
import type { WorkflowHandler, WorkflowNode } from './graph';

function hasRange(n: WorkflowNode): n is WorkflowNode & { start: number; end: number } {
  return typeof n.start === 'number' && typeof n.end === 'number' && n.end >= n.start;
}

/** True when the node is in `file` (nodes without a file are in the handler's file). */
function inFile(n: WorkflowNode, handler: WorkflowHandler, file: string): boolean {
  return (n.file ?? handler.file) === file;
}

/**
 * The innermost node whose source range contains `offset` in `file`. `start` and `end` span the whole
 * handler, so they only count when nothing else does and the offset is on their own line.
 */
export function nodeAt(handler: WorkflowHandler, file: string, offset: number, lineOf: (offset: number) => number): WorkflowNode | undefined {
  let best: WorkflowNode | undefined;
  for (const n of handler.nodes) {
    if (!hasRange(n) || !inFile(n, handler, file) || n.kind === 'start' || n.kind === 'end') continue;
    if (offset < n.start || offset > n.end) continue;
    if (!best || n.end - n.start < (best as { end: number; start: number }).end - (best as { end: number; start: number }).start) best = n;
  }
  if (best) return best;
  const line = lineOf(offset);
  return handler.nodes.find((n) => (n.kind === 'start' || n.kind === 'end') && inFile(n, handler, file) && n.line === line);
}
