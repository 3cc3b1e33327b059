// Unit test support (node): parses flowchart text with the installed mermaid (happy-dom standing in for the
// browser DOM its sanitiser needs) and reads back labels as the browser would show them.

export interface ParsedDiagram {
  vertices: Map<string, { text: string; type: string; classes: string[] }>;
  subgraphs: { id: string; title: string; nodes: string[] }[];
  edges: { start: string; end: string; text: string; stroke: string }[];
}

interface MermaidApi {
  initialize(config: Record<string, unknown>): void;
  parse(text: string): Promise<unknown>;
  mermaidAPI: { getDiagramFromText(text: string): Promise<unknown> };
}

/** Parses flowchart text with the installed mermaid, in a happy-dom window that is removed afterwards. */
export async function parseWithMermaid(text: string): Promise<ParsedDiagram> {
  const g = globalThis as Record<string, unknown>;
  const saved = { window: g.window, document: g.document };
  // Dynamic import: both packages are ES modules; this file compiles to CommonJS.
  const { Window } = (await import('happy-dom')) as unknown as { Window: new () => { document: unknown; happyDOM: { close(): Promise<void> } } };
  const win = new Window();
  g.window = win;
  g.document = win.document;
  try {
    const mermaid = ((await import('mermaid')) as unknown as { default: MermaidApi }).default;
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
    await mermaid.parse(text);
    const diagram = (await mermaid.mermaidAPI.getDiagramFromText(text)) as unknown as {
      db: { getVertices(): Map<string, { text: string; type: string; classes: string[] }>; getSubGraphs(): ParsedDiagram['subgraphs']; getEdges(): ParsedDiagram['edges'] };
    };
    return { vertices: diagram.db.getVertices(), subgraphs: diagram.db.getSubGraphs(), edges: diagram.db.getEdges() };
  } finally {
    await win.happyDOM.close();
    g.window = saved.window;
    g.document = saved.document;
  }
}

/** What the browser shows for a label mermaid stored: its entity placeholders become characters. */
export function shown(stored: string): string {
  const named: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', nbsp: '\u00a0' };
  return stored.replace(/ﬂ°°(\d+)¶ß/g, (_, n: string) => String.fromCodePoint(Number(n))).replace(/ﬂ°(\w+)¶ß/g, (_, n: string) => named[n] ?? `&${n};`);
}

