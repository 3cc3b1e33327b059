// Runs in the extension host (and the render benchmark): the workflow webview's HTML shell and its CSP, on the
// shared shell of every panel. Pure (no vscode import) so the benchmark serves exactly the page the panel shows.
import { makeNonce, webviewHtml } from '../shared/html';

export { makeNonce };

export interface WorkflowHtmlOptions {
  /** webview.cspSource: the origin the webview loads our local resources from. */
  readonly cspSource: string;
  /** URI of dist/webview/workflow.js as the webview sees it. */
  readonly scriptUri: string;
  /** URI of media/workflow.css as the webview sees it. */
  readonly styleUri: string;
  readonly nonce?: string;
}

/**
 * What the workflow page needs beyond the shared CSP: 'unsafe-inline' for styles only (mermaid writes a <style>
 * element into every SVG it renders and sets style attributes on nodes; without it the diagram loses its theme;
 * scripts stay nonce-only), and data: images for the PNG export, which rasterises the SVG through an <img>.
 */
export const WORKFLOW_PAGE = { title: 'Workflow', inlineStyles: true, imgSources: ['data:'] } as const;

export function workflowHtml(options: WorkflowHtmlOptions): string {
  return webviewHtml({ ...options, ...WORKFLOW_PAGE });
}
