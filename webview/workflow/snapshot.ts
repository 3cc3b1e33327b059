// Runs in the workflow webview (browser): reads the drawing on screen out — the snapshot the host and the tests
// ask for (labels as they read, marks, highlight, zoom) and the SVG/PNG export with its file name.
import type { Direction, ExportFormat, ExportResult, RenderParams, ViewSnapshot } from '../../src/extension/workflow/protocol';
import { standaloneSvg, svgSize, svgToPngBase64 } from './exporter';

/** What is drawn, as main.ts holds it when a snapshot is asked for. */
export interface DrawnView {
  readonly shown: RenderParams | undefined;
  readonly elementsByNodeId: ReadonlyMap<string, SVGGElement>;
  readonly highlighted: string | null;
  readonly replay: ViewSnapshot['replay'];
  readonly zoom: number;
  readonly labelPx: number;
  readonly direction: Direction;
  readonly note: string | null;
}

export function viewSnapshot(v: DrawnView): ViewSnapshot {
  const labels: string[] = [];
  for (const g of v.elementsByNodeId.values()) labels.push(drawnLabelText(g));
  return {
    seq: v.shown?.seq ?? -1,
    handler: v.shown?.handler ?? null,
    nodeCount: v.elementsByNodeId.size,
    labels,
    highlighted: v.highlighted,
    marked: Array.from(v.elementsByNodeId.entries())
      .filter(([, g]) => /dl-mark-/.test(g.getAttribute('class') ?? ''))
      .map(([id]) => id),
    replay: v.replay,
    zoom: v.zoom,
    labelPx: v.labelPx,
    direction: v.direction,
    note: v.note,
  };
}

/**
 * A node's label as it reads: the lines the label was wrapped into joined by a space, except after a break inside a
 * long word (the wrap breaks those after - . _ /), where the line goes straight on.
 */
function drawnLabelText(root: Element): string {
  const lines: string[] = [''];
  const walk = (n: Node): void => {
    if (n.nodeType === 3) lines[lines.length - 1] += n.nodeValue ?? '';
    else if (n.nodeType === 1) {
      const tag = (n as Element).tagName.toLowerCase();
      const breaks = tag === 'br' || tag === 'p' || tag === 'div' || tag === 'tspan';
      if (breaks) lines.push('');
      n.childNodes.forEach(walk);
      if (breaks && tag !== 'br') lines.push('');
    }
  };
  walk(root);
  let text = '';
  for (const raw of lines) {
    const line = raw.replace(/\s+/g, ' ').trim();
    if (!line) continue;
    text += text === '' || /[-._/]$/.test(text) ? line : ' ' + line;
  }
  return text;
}

type Named = Pick<RenderParams, 'fileName' | 'handler'> | undefined;

/**
 * The SVG on screen as a standalone file (on the panel's background), or rasterised to PNG. The file name is taken
 * from what is shown once the data is ready.
 */
export async function exportDrawing(format: ExportFormat, svg: SVGSVGElement | null, shown: () => Named): Promise<ExportResult> {
  if (!svg) throw Object.assign(new Error('There is no diagram to export.'), { reason: 'no-diagram' });
  const background = getComputedStyle(document.body).backgroundColor || '#ffffff';
  const text = standaloneSvg(svg, background);
  if (format === 'svg') return { format, data: text, suggestedName: exportName(format, shown()) };
  const { width, height } = svgSize(svg);
  return { format, data: await svgToPngBase64(text, width, height), suggestedName: exportName(format, shown()) };
}

function exportName(format: ExportFormat, shown: Named): string {
  const base = `${(shown?.fileName ?? 'workflow').replace(/\.[^.]*$/, '')}-${shown?.handler ?? 'workflow'}`;
  return `${base.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100)}.${format}`;
}
