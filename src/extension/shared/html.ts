// Runs in the extension host (and the benchmarks): the HTML shell every webview panel gets — a CSP with a
// per-load nonce for scripts, our bundle and stylesheet, nothing from data. Pure (no vscode import).
import { randomBytes } from 'crypto';

export interface WebviewHtmlOptions {
  /** webview.cspSource: the origin the webview loads our local resources from. */
  readonly cspSource: string;
  /** URI of dist/webview/<panel>.js as the webview sees it. */
  readonly scriptUri: string;
  /** URI of media/<panel>.css as the webview sees it. */
  readonly styleUri: string;
  readonly title: string;
  readonly nonce?: string;
  /**
   * Allows style attributes and <style> elements (mermaid writes them into its SVG). Scripts stay nonce-only
   * either way; a panel that sets styles only through CSSOM (element.style) does not need it.
   */
  readonly inlineStyles?: boolean;
  /** Extra img-src sources, e.g. `data:` for a PNG export rasterised through an <img>. */
  readonly imgSources?: readonly string[];
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/** Escapes a value for a double-quoted HTML attribute or text (our URIs are ours, but never trust a path). */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function contentSecurityPolicy(options: Pick<WebviewHtmlOptions, 'cspSource' | 'inlineStyles' | 'imgSources'>, nonce: string): string {
  return [
    "default-src 'none'",
    // Only our bundle and the chunks webpack adds for it (they carry the same nonce: __webpack_nonce__).
    `script-src 'nonce-${nonce}'`,
    `style-src ${options.cspSource}${options.inlineStyles ? " 'unsafe-inline'" : ''}`,
    `img-src ${[options.cspSource, ...(options.imgSources ?? [])].join(' ')}`,
    `font-src ${options.cspSource}`,
  ].join('; ');
}

export function webviewHtml(options: WebviewHtmlOptions): string {
  const nonce = options.nonce ?? makeNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(options, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
<title>${escapeHtml(options.title)}</title>
</head>
<body>
<script nonce="${escapeHtml(nonce)}" src="${escapeHtml(options.scriptUri)}"></script>
</body>
</html>`;
}
