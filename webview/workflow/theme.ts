// Runs in the workflow webview (browser): reads the VS Code theme (body class and `--vscode-*` colours) and
// gives the diagram its colours: mermaid themeVariables and the host's classDef lines rewritten to match.
import { diagramTheme, themeClassDefs, THEME_COLOR_IDS, type DiagramTheme, type ThemeColorId, type ThemeKind } from '../../src/core/workflow/themeClassDefs';

export interface WebviewTheme extends DiagramTheme {
  /** Equal keys: the same colours (a mutation that changed nothing visible needs no redraw). */
  readonly key: string;
}

function themeKind(): ThemeKind {
  const c = document.body.classList;
  // VS Code gives a high contrast light theme both `vscode-high-contrast-light` and `vscode-high-contrast`.
  if (c.contains('vscode-high-contrast-light')) return 'highContrastLight';
  if (c.contains('vscode-high-contrast')) return 'highContrast';
  if (c.contains('vscode-dark')) return 'dark';
  return 'light';
}

let probe: HTMLElement | undefined;

/**
 * A theme value as `rgb(…)`/`rgba(…)`: the browser parses whatever CSS colour syntax the theme used
 * (names, 8-digit hex, hsl); a value it rejects reads as missing, so the core's fallback applies.
 */
function cssColor(value: string): string | undefined {
  if (!value.trim()) return undefined;
  if (!probe) {
    probe = document.createElement('span');
    probe.id = 'dl-theme-probe';
    probe.hidden = true;
    probe.setAttribute('aria-hidden', 'true');
    document.body.append(probe);
  }
  probe.style.color = '';
  probe.style.color = value.trim();
  if (!probe.style.color) return undefined;
  return getComputedStyle(probe).color || undefined;
}

/** The theme as it is now. Cheap enough to call on every body mutation. */
export function readTheme(): WebviewTheme {
  const kind = themeKind();
  const style = getComputedStyle(document.body);
  const given: Partial<Record<ThemeColorId, string>> = {};
  for (const id of THEME_COLOR_IDS) {
    const value = cssColor(style.getPropertyValue(`--vscode-${id.replace(/\./g, '-')}`));
    if (value !== undefined) given[id] = value;
  }
  const font = style.getPropertyValue('--vscode-font-family');
  const theme = diagramTheme(kind, given, font.trim() ? font : undefined);
  return { ...theme, key: JSON.stringify([kind, theme.variables, theme.classes, theme.links]) };
}

/** The host's Mermaid text with the theme's node and edge colours (labels and structure unchanged). */
export function themedText(text: string, theme: WebviewTheme): string {
  return themeClassDefs(text, theme);
}
