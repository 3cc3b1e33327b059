// Runs in a webview (browser): the DOM helpers the panels share. Text only: every string (names, payloads,
// errors from histories are untrusted) goes in through textContent and attribute setters, never as HTML.

/** An element with an optional class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export interface ButtonOptions {
  readonly className?: string;
  /**
   * Names the button by its title for screen readers: for buttons whose label is a glyph (▶, ↷). A worded button
   * keeps its label as its name (what users and tests find it by).
   */
  readonly titleIsName?: boolean;
}

/** A plain button (type=button, so it never submits) with a tooltip. */
export function button(label: string, title: string, onClick: () => void, options: ButtonOptions | string = {}): HTMLButtonElement {
  const o: ButtonOptions = typeof options === 'string' ? { className: options } : options;
  const b = el('button', o.className ?? 'btn', label);
  b.type = 'button';
  b.title = title;
  if (o.titleIsName) b.setAttribute('aria-label', title);
  b.addEventListener('click', onClick);
  return b;
}
