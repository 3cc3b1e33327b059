// Runs in the workflow webview: turns the rendered diagram into a standalone SVG document or a PNG.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Natural size of a mermaid SVG (its viewBox), or its bounding box as a fallback. */
export function svgSize(svg: SVGSVGElement): { width: number; height: number } {
  const vb = svg.viewBox?.baseVal;
  if (vb && vb.width > 0 && vb.height > 0) return { width: vb.width, height: vb.height };
  const box = svg.getBBox();
  return { width: box.width, height: box.height };
}

/** A standalone copy of the diagram: our interaction attributes removed, an explicit size and background. */
export function standaloneSvg(svg: SVGSVGElement, background: string): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const { width, height } = svgSize(svg);
  copy.setAttribute('xmlns', SVG_NS);
  copy.setAttribute('width', String(Math.ceil(width)));
  copy.setAttribute('height', String(Math.ceil(height)));
  copy.style.removeProperty('max-width');
  // The root too: mermaid puts a role on the <svg> itself, which querySelectorAll does not visit.
  for (const el of [copy, ...Array.from(copy.querySelectorAll('[tabindex],[role],[aria-label]'))]) {
    el.removeAttribute('tabindex');
    el.removeAttribute('role');
  }
  keepMarks(svg, copy);
  for (const el of Array.from(copy.querySelectorAll('.dl-highlight'))) el.classList.remove('dl-highlight');
  const vb = svg.viewBox?.baseVal;
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('x', String(vb && vb.width > 0 ? vb.x : 0));
  bg.setAttribute('y', String(vb && vb.height > 0 ? vb.y : 0));
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', background);
  copy.insertBefore(bg, copy.firstChild);
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy);
}

const SEVERITIES = ['error', 'warning', 'info'] as const;

/**
 * The diagnostic rings are drawn by the panel's stylesheet, which a standalone file does not have: write them into
 * the copy as SVG filters (a dilated outline in the ring's colour, which any SVG viewer draws) and the dash patterns
 * as attributes. Colours are read from the page as they are on screen; the cursor's ring is not exported.
 */
function keepMarks(svg: SVGSVGElement, copy: SVGSVGElement): void {
  const shapes = (root: Element, severity: string) =>
    Array.from(root.querySelectorAll(`.dl-node.dl-mark-${severity} > .label-container, .dl-node.dl-mark-${severity}.cluster > rect`));
  let defs: SVGDefsElement | undefined;
  for (const severity of SEVERITIES) {
    const originals = shapes(svg, severity);
    const copies = shapes(copy, severity);
    if (originals.length === 0 || originals.length !== copies.length) continue;
    const node = originals[0]!.parentElement!;
    const colour = getComputedStyle(node).getPropertyValue('--dl-ring').trim() || (severity === 'error' ? '#e51400' : severity === 'warning' ? '#bf8803' : '#1a85ff');
    if (!defs) {
      defs = document.createElementNS(SVG_NS, 'defs');
      copy.insertBefore(defs, copy.firstChild);
    }
    const id = `${copy.id || 'dl'}-ring-${severity}`;
    const filter = document.createElementNS(SVG_NS, 'filter');
    filter.setAttribute('id', id);
    for (const [k, v] of [['x', '-20%'], ['y', '-20%'], ['width', '140%'], ['height', '140%']]) filter.setAttribute(k!, v!);
    const grow = document.createElementNS(SVG_NS, 'feMorphology');
    for (const [k, v] of [['in', 'SourceAlpha'], ['operator', 'dilate'], ['radius', '2.5'], ['result', 'grown']]) grow.setAttribute(k!, v!);
    const flood = document.createElementNS(SVG_NS, 'feFlood');
    flood.setAttribute('flood-color', colour);
    const ring = document.createElementNS(SVG_NS, 'feComposite');
    for (const [k, v] of [['in2', 'grown'], ['operator', 'in'], ['result', 'ring']]) ring.setAttribute(k!, v!);
    const merge = document.createElementNS(SVG_NS, 'feMerge');
    for (const input of ['ring', 'SourceGraphic']) {
      const m = document.createElementNS(SVG_NS, 'feMergeNode');
      m.setAttribute('in', input);
      merge.append(m);
    }
    filter.append(grow, flood, ring, merge);
    defs.append(filter);
    const dash = severity === 'info' ? '2 2' : '6 3';
    copies.forEach((c) => {
      (c as SVGElement).style.removeProperty('filter');
      c.setAttribute('filter', `url(#${id})`);
      for (const part of [c, ...Array.from(c.querySelectorAll('path'))]) part.setAttribute('stroke-dasharray', dash);
      c.parentElement?.setAttribute('data-dl-mark', severity);
    });
  }
}

/** Rasterises standalone SVG text at `scale` and returns the PNG as base64 (no data: prefix). */
export async function svgToPngBase64(svgText: string, width: number, height: number, scale = 2): Promise<string> {
  const img = new Image();
  // A data: URL (allowed by the CSP's img-src) rather than a blob: URL, which the CSP does not allow.
  const url = 'data:image/svg+xml;base64,' + utf8ToBase64(svgText);
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(Object.assign(new Error('the SVG could not be rasterised'), { reason: 'png-failed' }));
    img.src = url;
  });
  const canvas = document.createElement('canvas');
  // Browsers cap canvas area; keep very large diagrams under ~16k px a side.
  const k = Math.max(0.1, Math.min(scale, 16000 / Math.max(width, 1), 16000 / Math.max(height, 1)));
  canvas.width = Math.max(1, Math.ceil(width * k));
  canvas.height = Math.max(1, Math.ceil(height * k));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw Object.assign(new Error('no 2D canvas'), { reason: 'png-failed' });
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  const dataUrl = canvas.toDataURL('image/png');
  return dataUrl.slice(dataUrl.indexOf(',') + 1);
}

function utf8ToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}
