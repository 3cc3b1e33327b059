// Runs in the workflow webview: zoom (Ctrl/Cmd+wheel, pinch, buttons, keys), pan (wheel, drag) and the default view
// (fit, but never below a readable text size) for the diagram canvas.

export interface ViewTransform {
  zoom: number;
  panX: number;
  panY: number;
}

const MIN_ZOOM = 0.05;
const MAX_ZOOM = 8;
/** Movement (px) below which a press-and-release counts as a click, not a pan. */
const DRAG_SLOP = 4;

export class Viewport {
  private t: ViewTransform = { zoom: 1, panX: 0, panY: 0 };
  private drag: { x: number; y: number; panX: number; panY: number; moved: boolean; pointerId: number } | undefined;
  /** Set when a drag just ended, so the click that follows it does not reveal a node. */
  private suppressClick = false;
  /** Told of every change of the transform, the default view's included (the scrollbars follow it). */
  private readonly watchers: Array<(t: ViewTransform) => void> = [];

  constructor(
    private readonly outer: HTMLElement,
    private readonly canvas: HTMLElement,
    private readonly onChange: (t: ViewTransform) => void
  ) {
    outer.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    outer.addEventListener('pointerdown', (e) => this.onPointerDown(e));
    outer.addEventListener('pointermove', (e) => this.onPointerMove(e));
    outer.addEventListener('pointerup', (e) => this.onPointerUp(e));
    outer.addEventListener('pointercancel', () => (this.drag = undefined));
    // Capture phase: runs before the node click handlers bound after render.
    outer.addEventListener(
      'click',
      (e) => {
        if (this.suppressClick) {
          this.suppressClick = false;
          e.stopPropagation();
          e.preventDefault();
        }
      },
      true
    );
  }

  get transform(): ViewTransform {
    return { ...this.t };
  }

  set(t: ViewTransform, notify = true): void {
    const zoom = clamp(Number.isFinite(t.zoom) ? t.zoom : 1, MIN_ZOOM, MAX_ZOOM);
    this.t = { zoom, panX: Number.isFinite(t.panX) ? t.panX : 0, panY: Number.isFinite(t.panY) ? t.panY : 0 };
    this.canvas.style.transform = `translate(${this.t.panX}px, ${this.t.panY}px) scale(${this.t.zoom})`;
    for (const w of this.watchers) w(this.transform);
    if (notify) this.onChange(this.transform);
  }

  /** Calls `watcher` after every change of the transform, including those not remembered as the user's view. */
  watch(watcher: (t: ViewTransform) => void): void {
    this.watchers.push(watcher);
  }

  /** Zooms by `factor` keeping the point (x, y) of the viewport (default: its centre) still. */
  zoomBy(factor: number, x?: number, y?: number): void {
    const rect = this.outer.getBoundingClientRect();
    const cx = x ?? rect.width / 2;
    const cy = y ?? rect.height / 2;
    const zoom = clamp(this.t.zoom * factor, MIN_ZOOM, MAX_ZOOM);
    const k = zoom / this.t.zoom;
    this.set({ zoom, panX: cx - (cx - this.t.panX) * k, panY: cy - (cy - this.t.panY) * k });
  }

  /**
   * The default view: the content (natural size w x h) scaled to fit, never above 1x (a small graph at its natural
   * size, labels about the editor's text size, rather than blown up) and never below
   * `minZoom` (the zoom at which labels stay readable). Content that is still larger than the viewport is
   * scrolled, not shrunk: it starts at its top (and left edge, when wider), centred on any axis that fits.
   */
  fit(w: number, h: number, minZoom = MIN_ZOOM): void {
    const rect = this.outer.getBoundingClientRect();
    if (w <= 0 || h <= 0 || rect.width <= 0 || rect.height <= 0) {
      this.set({ zoom: 1, panX: 0, panY: 0 });
      return;
    }
    const margin = 16;
    const whole = Math.min((rect.width - 2 * margin) / w, (rect.height - 2 * margin) / h, 1);
    const zoom = clamp(Math.max(whole, Math.min(minZoom, 1)), MIN_ZOOM, MAX_ZOOM);
    const sw = w * zoom;
    const sh = h * zoom;
    // Not reported as a change: only a view the user chose is remembered (the default is recomputed for the
    // panel's size each time).
    this.set(
      {
        zoom,
        panX: sw + 2 * margin <= rect.width ? (rect.width - sw) / 2 : margin,
        panY: sh + 2 * margin <= rect.height ? (rect.height - sh) / 2 : margin,
      },
      false
    );
  }

  /**
   * After fit: when the content (natural size w x h) overflows the viewport, pans so that `box` (content
   * coordinates, e.g. the start node) is centred on the overflowing axis, without pulling an edge of the
   * content further in than the margin.
   */
  centreOn(box: { x: number; y: number; width: number; height: number }, w: number, h: number): void {
    const rect = this.outer.getBoundingClientRect();
    const { zoom } = this.t;
    const margin = 16;
    let { panX, panY } = this.t;
    if (w * zoom + 2 * margin > rect.width) panX = clamp(rect.width / 2 - (box.x + box.width / 2) * zoom, rect.width - margin - w * zoom, margin);
    if (h * zoom + 2 * margin > rect.height) panY = clamp(rect.height / 2 - (box.y + box.height / 2) * zoom, rect.height - margin - h * zoom, margin);
    this.set({ zoom, panX, panY }, false);
  }

  /** Pans the least needed so that the box (in content coordinates) is visible. */
  ensureVisible(box: { x: number; y: number; width: number; height: number }): void {
    const rect = this.outer.getBoundingClientRect();
    const { zoom, panX, panY } = this.t;
    const left = box.x * zoom + panX;
    const top = box.y * zoom + panY;
    const right = left + box.width * zoom;
    const bottom = top + box.height * zoom;
    const margin = 24;
    let dx = 0;
    let dy = 0;
    if (left < margin || right > rect.width - margin) dx = rect.width / 2 - (left + right) / 2;
    if (top < margin || bottom > rect.height - margin) dy = rect.height / 2 - (top + bottom) / 2;
    if (dx !== 0 || dy !== 0) this.set({ zoom, panX: panX + dx, panY: panY + dy });
  }

  /**
   * The editor's habits: the wheel (and a two-finger swipe) scrolls, Shift+wheel scrolls sideways, Ctrl/Cmd+wheel
   * zooms about the pointer; a trackpad pinch arrives as a wheel event with ctrlKey set, so it zooms too.
   */
  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const rect = this.outer.getBoundingClientRect();
    // Line deltas (mouse wheels in some browsers) are coarse; pixel deltas (trackpads) small and frequent.
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? rect.height : 1;
    if (e.ctrlKey || e.metaKey) {
      // One wheel notch (~100 px) is about one zoom step; a pinch sends many small deltas that add up the same way.
      const d = clamp(e.deltaY * unit, -120, 120);
      this.zoomBy(Math.exp(-d * 0.002), e.clientX - rect.left, e.clientY - rect.top);
      return;
    }
    let dx = e.deltaX * unit;
    let dy = e.deltaY * unit;
    if (e.shiftKey && dx === 0) {
      dx = dy;
      dy = 0;
    }
    this.set({ zoom: this.t.zoom, panX: this.t.panX - dx, panY: this.t.panY - dy });
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.drag = { x: e.clientX, y: e.clientY, panX: this.t.panX, panY: this.t.panY, moved: false, pointerId: e.pointerId };
  }

  private onPointerMove(e: PointerEvent): void {
    const d = this.drag;
    if (!d || d.pointerId !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < DRAG_SLOP) return;
    if (!d.moved) {
      d.moved = true;
      this.outer.setPointerCapture(e.pointerId);
      this.outer.classList.add('panning');
    }
    this.set({ zoom: this.t.zoom, panX: d.panX + dx, panY: d.panY + dy });
  }

  private onPointerUp(e: PointerEvent): void {
    const d = this.drag;
    this.drag = undefined;
    if (!d || d.pointerId !== e.pointerId) return;
    if (d.moved) {
      this.suppressClick = true;
      this.outer.classList.remove('panning');
      if (this.outer.hasPointerCapture(e.pointerId)) this.outer.releasePointerCapture(e.pointerId);
      // A click only follows when the release is over the same element; clear the flag otherwise.
      setTimeout(() => (this.suppressClick = false), 0);
    }
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
