// Runs in the extension host (and the render benchmark): the workflow webview's HTML shell and its CSP.
// Pure (no vscode import) so the benchmark serves exactly the page the panel shows.
import { randomBytes } from 'crypto';

export interface WorkflowHtmlOptions {
  /** webview.cspSource: the origin the webview loads our local resources from. */
  readonly cspSource: string;
  /** URI of dist/webview/workflow.js as the webview sees it. */
  readonly scriptUri: string;
  /** URI of media/workflow.css as the webview sees it. */
  readonly styleUri: string;
  readonly nonce?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/** Escapes a value for a double-quoted HTML attribute (our URIs are ours, but never trust a path). */
function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function workflowHtml(options: WorkflowHtmlOptions): string {
  const nonce = options.nonce ?? makeNonce();
  const csp = [
    "default-src 'none'",
    // Only our bundle and the chunks webpack adds for it (they carry the same nonce: __webpack_nonce__).
    `script-src 'nonce-${nonce}'`,
    // 'unsafe-inline' for styles only: mermaid writes a <style> element into every SVG it renders and
    // sets style attributes on nodes; without it the diagram loses its theme. Scripts stay nonce-only.
    `style-src ${options.cspSource} 'unsafe-inline'`,
    // data: for the PNG export, which rasterises the SVG through an <img> with a data: URL.
    `img-src ${options.cspSource} data:`,
    `font-src ${options.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(options.styleUri)}">
<title>Workflow</title>
</head>
<body>
<script nonce="${attr(nonce)}" src="${attr(options.scriptUri)}"></script>
</body>
</html>`;
}
