// Core (pure): the workflow diagram's colours for one VS Code theme — a style per node class and mermaid
// themeVariables computed from the theme's colours — and the rewrite of renderMermaid's classDef lines.

/** The four kinds of VS Code theme (the webview's body class). */
export type ThemeKind = 'light' | 'dark' | 'highContrast' | 'highContrastLight';

/** The theme colours the diagram is drawn with (VS Code colour ids, read from `--vscode-<id with - for .>`). */
export const THEME_COLOR_IDS = [
  'editor.background',
  'editor.foreground',
  'charts.blue',
  'charts.green',
  'charts.orange',
  'charts.red',
  'charts.purple',
  'charts.yellow',
  'contrastBorder',
  'focusBorder',
  'editorError.foreground',
] as const;
export type ThemeColorId = (typeof THEME_COLOR_IDS)[number];

/** An opaque colour written `#rrggbb` (lower case): the only colour form that leaves this module. */
export type Hex = string;

export interface ClassStyle {
  readonly fill?: Hex;
  readonly stroke: Hex;
  readonly color?: Hex;
  /** In px. */
  readonly strokeWidth: number;
  /** A stroke-dasharray such as `4 3`. */
  readonly dash?: string;
}

export interface DiagramTheme {
  readonly kind: ThemeKind;
  /** One style per class that renderMermaid defines (`k-step`, …, `dl-diagnostic`, `dl-current`). */
  readonly classes: Readonly<Record<string, ClassStyle>>;
  /** Colours of the edges renderMermaid styles with linkStyle (error paths, early exits). */
  readonly links: { readonly error: Hex; readonly exit: Hex };
  /** mermaid `themeVariables` for the `base` theme: edges, subgraphs, edge labels, text. */
  readonly variables: Readonly<Record<string, string | boolean>>;
}

const HEX6 = /^#[0-9a-f]{6}$/;
const FONT_LIST = /^[\w "',.-]{1,200}$/;
export const DEFAULT_FONT = 'system-ui, -apple-system, "Segoe UI", Ubuntu, sans-serif';
const DASH = /^\d+(?: \d+)*$/;

// ---- colours ----

interface Rgba {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly a: number;
}

/**
 * Parses the colour forms VS Code and getComputedStyle write: `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`,
 * `rgb(…)`/`rgba(…)` with commas or spaces. Anything else (names, var(), injected text) is undefined.
 */
export function parseColor(value: string | undefined): Rgba | undefined {
  if (value === undefined) return undefined;
  const s = value.trim().toLowerCase();
  let m = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(s);
  if (m) {
    let h = m[1]!;
    if (h.length <= 4) h = h.replace(/./g, (c) => c + c);
    const n = (i: number) => parseInt(h.slice(i, i + 2), 16);
    return { r: n(0), g: n(2), b: n(4), a: h.length === 8 ? n(6) / 255 : 1 };
  }
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*(?:[,/]\s*([\d.]+%?)\s*)?\)$/.exec(s);
  if (!m) return undefined;
  const channel = (x: string) => Math.min(255, Math.max(0, Number(x)));
  const alpha = m[4] === undefined ? 1 : m[4].endsWith('%') ? Number(m[4].slice(0, -1)) / 100 : Number(m[4]);
  const c = { r: channel(m[1]!), g: channel(m[2]!), b: channel(m[3]!), a: Math.min(1, Math.max(0, alpha)) };
  return [c.r, c.g, c.b, c.a].every(Number.isFinite) ? c : undefined;
}

function toHex(c: Rgba): Hex {
  const h = (x: number) => Math.round(Math.min(255, Math.max(0, x))).toString(16).padStart(2, '0');
  return `#${h(c.r)}${h(c.g)}${h(c.b)}`;
}

/** `top` laid over `bottom` with `alpha` (0..1): an opaque colour. */
function over(top: Rgba, bottom: Rgba, alpha: number): Rgba {
  const a = alpha * top.a;
  return { r: top.r * a + bottom.r * (1 - a), g: top.g * a + bottom.g * (1 - a), b: top.b * a + bottom.b * (1 - a), a: 1 };
}

/** Mixes two opaque colours: `t` = 0 gives `a`, 1 gives `b`. */
export function mix(a: Hex, b: Hex, t: number): Hex {
  return toHex(over(parseColor(b)!, parseColor(a)!, t));
}

/** WCAG 2 relative luminance of an opaque colour. */
export function luminance(color: Hex): number {
  const c = parseColor(color)!;
  const lin = (x: number) => {
    const s = x / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

/** WCAG 2 contrast ratio (1..21) of two opaque colours. */
export function contrastRatio(a: Hex, b: Hex): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

// ---- the theme ----

/**
 * VS Code's own values of the colours (Light Modern, Dark Modern, High Contrast, High Contrast Light), for
 * a page that sets none of them (the bench page, an older VS Code without the charts colours).
 */
const FALLBACKS: Record<ThemeKind, Record<ThemeColorId, Hex | null>> = {
  light: {
    'editor.background': '#ffffff',
    'editor.foreground': '#3b3b3b',
    'charts.blue': '#1a85ff',
    'charts.green': '#388a34',
    'charts.orange': '#d18616',
    'charts.red': '#e51400',
    'charts.purple': '#652d90',
    'charts.yellow': '#bf8803',
    contrastBorder: null,
    focusBorder: '#005fb8',
    'editorError.foreground': '#e51400',
  },
  dark: {
    'editor.background': '#1f1f1f',
    'editor.foreground': '#cccccc',
    'charts.blue': '#3794ff',
    'charts.green': '#89d185',
    'charts.orange': '#d18616',
    'charts.red': '#f14c4c',
    'charts.purple': '#b180d7',
    'charts.yellow': '#cca700',
    contrastBorder: null,
    focusBorder: '#0078d4',
    'editorError.foreground': '#f14c4c',
  },
  highContrast: {
    'editor.background': '#000000',
    'editor.foreground': '#ffffff',
    'charts.blue': '#3794ff',
    'charts.green': '#89d185',
    'charts.orange': '#d18616',
    'charts.red': '#f14c4c',
    'charts.purple': '#b180d7',
    'charts.yellow': '#ffd700',
    contrastBorder: '#6fc3df',
    focusBorder: '#f38518',
    'editorError.foreground': '#f48771',
  },
  highContrastLight: {
    'editor.background': '#ffffff',
    'editor.foreground': '#292929',
    'charts.blue': '#0f4a85',
    'charts.green': '#374e06',
    'charts.orange': '#b5200d',
    'charts.red': '#b5200d',
    'charts.purple': '#652d90',
    'charts.yellow': '#895503',
    contrastBorder: '#0f4a85',
    focusBorder: '#006bbd',
    'editorError.foreground': '#b5200d',
  },
};

type Accent = 'blue' | 'green' | 'orange' | 'red' | 'purple' | 'yellow' | 'teal' | 'azure' | 'indigo' | 'pink' | 'olive' | 'violet' | 'mauve' | 'plum' | 'neutral';

/**
 * The accent of each class renderMermaid defines. Families follow the kinds (callbacks pink, containers
 * blue-green, combinators purple); the dash patterns are the ones renderMermaid uses.
 */
const KIND_ACCENTS: ReadonlyArray<readonly [string, Accent, string?]> = [
  ['k-start', 'green'],
  ['k-end', 'neutral'],
  ['k-fail', 'red'],
  ['k-step', 'blue'],
  ['k-wait', 'yellow'],
  ['k-waitForCallback', 'pink'],
  ['k-createCallback', 'pink'],
  ['k-callbackAwait', 'pink', '4 3'],
  ['k-waitForCondition', 'orange'],
  ['k-invoke', 'purple'],
  ['k-runInChildContext', 'teal'],
  ['k-parallel', 'indigo'],
  ['k-map', 'azure'],
  ['k-promise-all', 'violet'],
  ['k-promise-allSettled', 'mauve'],
  ['k-promise-any', 'plum'],
  ['k-promise-race', 'violet', '2 2'],
  ['k-decision', 'olive'],
  ['k-loop', 'green'],
  ['k-catch', 'red'],
  ['k-branch', 'neutral'],
  ['k-dynamic', 'neutral', '5 4'],
];

/**
 * How much of the accent goes into a node's fill, on a light and on a dark background: enough to tell the
 * kinds apart, little enough to read (dark backgrounds need more to show at all).
 */
const FILL_ALPHA = { light: 0.1, dark: 0.2 } as const;
const MIN_TEXT_CONTRAST = 4.5;

/**
 * Resolves every colour the diagram needs: a given value when it parses (translucent ones laid over the
 * editor background), else VS Code's default for the theme kind. Only `#rrggbb` comes out.
 */
function resolveColors(kind: ThemeKind, given: Partial<Record<ThemeColorId, string>>): Record<ThemeColorId, Hex | null> {
  const fallback = FALLBACKS[kind];
  // A translucent colour is what VS Code lays over the editor: resolve it the same way.
  const opaque = (id: ThemeColorId, under: Rgba): Hex | null => {
    const c = parseColor(given[id]);
    return c ? toHex(over(c, under, 1)) : fallback[id];
  };
  const bgGiven = parseColor(given['editor.background']);
  const bg = bgGiven && bgGiven.a >= 0.999 ? toHex(bgGiven) : fallback['editor.background']!;
  const under = parseColor(bg)!;
  const out = {} as Record<ThemeColorId, Hex | null>;
  for (const id of THEME_COLOR_IDS) out[id] = id === 'editor.background' ? bg : opaque(id, under);
  // A foreground that does not parse or cannot be read on the background: VS Code's for the kind, or
  // black/white, whichever reads.
  let fg = out['editor.foreground'] ?? fallback['editor.foreground']!;
  if (contrastRatio(fg, bg) < MIN_TEXT_CONTRAST) fg = readable(bg, fallback['editor.foreground']!);
  out['editor.foreground'] = fg;
  return out;
}

/** `preferred` when it reads on `bg` (4.5:1), else black or white, whichever reads better. */
function readable(bg: Hex, preferred: Hex): Hex {
  if (contrastRatio(preferred, bg) >= MIN_TEXT_CONTRAST) return preferred;
  return contrastRatio('#000000', bg) >= contrastRatio('#ffffff', bg) ? '#000000' : '#ffffff';
}

/**
 * The diagram's colours for a theme. `given` holds the theme's values by colour id, as the webview reads
 * them (missing, empty or unparsable values fall back to VS Code's defaults for `kind`).
 */
export function diagramTheme(kind: ThemeKind, given: Partial<Record<ThemeColorId, string>> = {}, fontFamily?: string): DiagramTheme {
  const c = resolveColors(kind, given);
  const bg = c['editor.background']!;
  const fg = c['editor.foreground']!;
  const hc = kind === 'highContrast' || kind === 'highContrastLight';
  const dark = luminance(bg) < 0.2;
  const blue = c['charts.blue']!;
  const green = c['charts.green']!;
  const purple = c['charts.purple']!;
  const red = c['charts.red']!;
  const accents: Record<Accent, Hex> = {
    blue,
    green,
    orange: c['charts.orange']!,
    red,
    purple,
    yellow: c['charts.yellow']!,
    teal: mix(green, blue, 0.5),
    azure: mix(blue, green, 0.3),
    indigo: mix(blue, purple, 0.5),
    pink: mix(red, purple, 0.4),
    olive: mix(c['charts.yellow']!, green, 0.4),
    violet: mix(purple, blue, 0.3),
    plum: mix(purple, red, 0.3),
    neutral: mix(bg, fg, 0.55),
    mauve: mix(purple, mix(bg, fg, 0.55), 0.35),
  };
  // The theme's contrast border, unless it would not show on the background.
  const border = c.contrastBorder && contrastRatio(c.contrastBorder, bg) >= 3 ? c.contrastBorder : fg;
  const classes: Record<string, ClassStyle> = {};
  for (const [name, accent, dash] of KIND_ACCENTS) {
    if (hc) {
      // High contrast: the theme's own background and border, thicker; shapes and dashes tell kinds apart.
      classes[name] = { fill: bg, stroke: border, color: fg, strokeWidth: 2, ...(dash ? { dash } : {}) };
      continue;
    }
    const stroke = accents[accent];
    let alpha: number = dark ? FILL_ALPHA.dark : FILL_ALPHA.light;
    let fill = mix(bg, stroke, alpha);
    // Keep the label readable whatever the theme's accents are: thin the tint until it is.
    while (contrastRatio(fg, fill) < MIN_TEXT_CONTRAST && alpha > 0) {
      alpha = Math.max(0, alpha - 0.04);
      fill = mix(bg, stroke, alpha);
    }
    classes[name] = { fill, stroke, color: readable(fill, fg), strokeWidth: 1.5, ...(dash ? { dash } : {}) };
  }
  const error = c['editorError.foreground'] ?? red;
  classes['dl-diagnostic'] = { stroke: error, strokeWidth: 3 };
  classes['dl-current'] = { stroke: hc ? c.focusBorder ?? border : c['charts.orange']!, strokeWidth: 4 };

  const line = hc ? fg : mix(bg, fg, 0.6);
  const clusterBkg = hc ? bg : mix(bg, fg, dark ? 0.045 : 0.03);
  const clusterBorder = hc ? border : mix(bg, fg, 0.22);
  const nodeFill = hc ? bg : mix(bg, fg, 0.08);
  const variables: Record<string, string | boolean> = {
    darkMode: dark,
    background: bg,
    primaryColor: nodeFill,
    primaryTextColor: fg,
    primaryBorderColor: hc ? border : mix(bg, fg, 0.45),
    secondaryColor: clusterBkg,
    secondaryTextColor: fg,
    secondaryBorderColor: clusterBorder,
    tertiaryColor: clusterBkg,
    tertiaryTextColor: fg,
    tertiaryBorderColor: clusterBorder,
    mainBkg: nodeFill,
    nodeBorder: hc ? border : mix(bg, fg, 0.45),
    nodeTextColor: fg,
    textColor: fg,
    titleColor: fg,
    lineColor: line,
    defaultLinkColor: line,
    arrowheadColor: line,
    clusterBkg,
    clusterBorder,
    edgeLabelBackground: bg,
    labelTextColor: fg,
    // mermaid writes this into the SVG's <style>: only a plain font list gets through.
    fontFamily: fontFamily !== undefined && FONT_LIST.test(fontFamily.trim()) ? fontFamily.trim() : DEFAULT_FONT,
  };
  return {
    kind,
    classes,
    links: { error: hc ? error : mix(bg, error, 0.85), exit: hc ? fg : mix(bg, fg, 0.45) },
    variables,
  };
}

// ---- the rewrite ----

/** Our classes: renderMermaid's kind classes and its two markers. */
const OUR_CLASS = /^(?:k-[A-Za-z]+(?:-[A-Za-z]+)?|dl-diagnostic|dl-current)$/;
/**
 * A classDef line as renderMermaid writes it. A label line can never match: escapeLabel writes `:` and
 * `#` as entities, and every style here has a `:`.
 */
const CLASSDEF_LINE = /^( *)classDef ([\w-]+) ([\w#.,\- ]*:[\w:#.,\- ]*)$/;
/** renderMermaid's linkStyle lines, and the colours it gives error and exit edges. */
const LINKSTYLE_LINE = /^( *)linkStyle ([\d,]+) stroke:(#[0-9a-f]{6})((?:,stroke-width:[\d.]+px)?)$/;
const ERROR_LINK = '#c62828';
const EXIT_LINK = '#757575';

/** The classDef style text for one class, or undefined when a value is not a plain colour or number. */
export function styleText(s: ClassStyle): string | undefined {
  const parts: string[] = [];
  if (s.fill !== undefined) {
    if (!HEX6.test(s.fill)) return undefined;
    parts.push(`fill:${s.fill}`);
  }
  if (!HEX6.test(s.stroke)) return undefined;
  parts.push(`stroke:${s.stroke}`);
  if (!Number.isFinite(s.strokeWidth) || s.strokeWidth < 0 || s.strokeWidth > 16) return undefined;
  parts.push(`stroke-width:${Math.round(s.strokeWidth * 100) / 100}px`);
  if (s.dash !== undefined) {
    if (!DASH.test(s.dash)) return undefined;
    parts.push(`stroke-dasharray:${s.dash}`);
  }
  if (s.color !== undefined) {
    if (!HEX6.test(s.color)) return undefined;
    parts.push(`color:${s.color}`);
  }
  return parts.join(',');
}

/**
 * Gives renderMermaid's text the theme's colours: replaces the classDef lines of our classes (k-*,
 * dl-diagnostic, dl-current) and the colours of its error/exit linkStyle lines. Every other line, labels
 * included, is left as it is; a class without a valid style in `theme` keeps its line. Text in, text out.
 */
export function themeClassDefs(text: string, theme: Pick<DiagramTheme, 'classes' | 'links'>): string {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const l = LINKSTYLE_LINE.exec(line);
    if (l) {
      const to = l[3] === ERROR_LINK ? theme.links.error : l[3] === EXIT_LINK ? theme.links.exit : undefined;
      if (to !== undefined && HEX6.test(to)) lines[i] = `${l[1]}linkStyle ${l[2]} stroke:${to}${l[4]}`;
      continue;
    }
    const m = CLASSDEF_LINE.exec(line);
    if (!m || !OUR_CLASS.test(m[2]!)) continue;
    const style = Object.prototype.hasOwnProperty.call(theme.classes, m[2]!) ? theme.classes[m[2]!] : undefined;
    const css = style && styleText(style);
    if (css) lines[i] = `${m[1]}classDef ${m[2]} ${css}`;
  }
  return lines.join('\n');
}
