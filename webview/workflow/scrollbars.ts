// Runs in the workflow webview: the diagram's overlay scrollbars (VS Code's thin sliders, shown only on an axis
// where the drawing overflows: the thumb is the visible part, drag it to pan, a click on the track pages) and the
// scrolling keys (arrows, Page Up/Down, Home/End), over the transform Viewport keeps.
import type { Viewport } from './viewport';

/** Space kept between the drawing's edge and the panel's at either end of a scroll, as the default view keeps. */
const MARGIN = 16;
/** A thumb never shrinks below this (px), so a huge graph still has something to grab. */
const MIN_THUMB = 20;
/** One arrow key press, about three lines of editor text. */
const LINE = 40;

type Axis = 'x' | 'y';

interface Bar {
  readonly axis: Axis;
  readonly track: HTMLDivElement;
  readonly thumb: HTMLDivElement;
}

/** One axis as it is now, in px of the panel: the scrollable range (drawing plus margins, and the panel). */
interface AxisState {
  readonly pan: number;
  /** The panel's size on this axis. */
  readonly view: number;
  /** The drawing's size on screen (at the current zoom). */
  readonly size: number;
  /** Start and end of the range that can be scrolled to, relative to the panel's edge (lo <= 0, hi >= view). */
  readonly lo: number;
  readonly hi: number;
  readonly overflow: boolean;
}

/** Where a thumb sits on its track (px) and how many px of panning one px of thumb movement is. */
interface ThumbGeometry {
  readonly track: number;
  readonly length: number;
  readonly offset: number;
  readonly panPerPx: number;
}

export class Scrollbars {
  private readonly bars: Record<Axis, Bar>;
  private readonly geometry: Partial<Record<Axis, ThumbGeometry>> = {};
  private drag: { axis: Axis; pointerId: number; from: number; offset: number; pan: number; geometry: ThumbGeometry } | undefined;

  constructor(
    private readonly outer: HTMLElement,
    private readonly canvas: HTMLElement,
    private readonly viewport: Viewport
  ) {
    this.bars = { x: this.makeBar('x'), y: this.makeBar('y') };
    viewport.watch(() => this.update());
    // The panel resized, or the drawing changed size (a new draw, a relabel that grew a box).
    const resized = new ResizeObserver(() => this.update());
    resized.observe(outer);
    resized.observe(canvas);
    this.update();
  }

  /** Redraws both bars from the current transform and sizes. */
  update(): void {
    const x = this.axis('x');
    const y = this.axis('y');
    // Where both show, each stops short of the corner the other's end occupies (as the editor's do).
    const hBar = this.bars.x;
    const vBar = this.bars.y;
    hBar.track.hidden = !x.overflow;
    vBar.track.hidden = !y.overflow;
    hBar.track.classList.toggle('dl-scrollbar-corner', x.overflow && y.overflow);
    vBar.track.classList.toggle('dl-scrollbar-corner', x.overflow && y.overflow);
    this.place('x', x);
    this.place('y', y);
  }

  /** Scrolls the visible part by (dx, dy) px of the panel, stopping at the drawing's edges (plus the margin). */
  scrollBy(dx: number, dy: number): void {
    const t = this.viewport.transform;
    const panX = dx === 0 ? t.panX : this.clampedPan(this.axis('x'), t.panX - dx);
    const panY = dy === 0 ? t.panY : this.clampedPan(this.axis('y'), t.panY - dy);
    if (panX !== t.panX || panY !== t.panY) this.viewport.set({ zoom: t.zoom, panX, panY });
  }

  /**
   * The scrolling keys, as in an editor: arrows by a step, Page Up/Down by a page (with Shift: sideways), Home/End
   * to the top/bottom (to the left/right edge when the drawing only overflows sideways). True when handled.
   */
  key(key: string, shift: boolean): boolean {
    const x = this.axis('x');
    const y = this.axis('y');
    switch (key) {
      case 'ArrowLeft':
        this.scrollBy(-LINE, 0);
        return true;
      case 'ArrowRight':
        this.scrollBy(LINE, 0);
        return true;
      case 'ArrowUp':
        this.scrollBy(0, -LINE);
        return true;
      case 'ArrowDown':
        this.scrollBy(0, LINE);
        return true;
      case 'PageUp':
        if (shift) this.scrollBy(-page(x.view), 0);
        else this.scrollBy(0, -page(y.view));
        return true;
      case 'PageDown':
        if (shift) this.scrollBy(page(x.view), 0);
        else this.scrollBy(0, page(y.view));
        return true;
      case 'Home':
      case 'End': {
        const axis: Axis = !y.overflow && x.overflow ? 'x' : 'y';
        const s = axis === 'x' ? x : y;
        const toEnd = key === 'End';
        // The drawing's start (or end) edge at the margin; nothing to do on an axis where it is all in view.
        if (!s.overflow) return true;
        const target = toEnd ? s.view - MARGIN - s.size : MARGIN;
        const t = this.viewport.transform;
        this.viewport.set(axis === 'x' ? { ...t, panX: target } : { ...t, panY: target });
        return true;
      }
      default:
        return false;
    }
  }

  private makeBar(axis: Axis): Bar {
    const track = document.createElement('div');
    track.className = `dl-scrollbar dl-scrollbar-${axis === 'x' ? 'h' : 'v'}`;
    // Decoration for the pointer: keyboard users scroll with the keys, screen readers do not need a second control.
    track.setAttribute('aria-hidden', 'true');
    track.hidden = true;
    const thumb = document.createElement('div');
    thumb.className = 'dl-scrollbar-thumb';
    track.append(thumb);
    this.outer.append(track);
    // Not the viewport's pan drag (it listens on the outer element) and not a node click.
    track.addEventListener('pointerdown', (e) => this.onPointerDown(axis, e));
    track.addEventListener('pointermove', (e) => this.onPointerMove(e));
    track.addEventListener('pointerup', (e) => this.onPointerUp(e));
    track.addEventListener('pointercancel', (e) => this.onPointerUp(e));
    track.addEventListener('click', (e) => e.stopPropagation());
    return { axis, track, thumb };
  }

  private axis(axis: Axis): AxisState {
    const t = this.viewport.transform;
    const pan = axis === 'x' ? t.panX : t.panY;
    const view = axis === 'x' ? this.outer.clientWidth : this.outer.clientHeight;
    // The canvas is as large as the svg on it (absolutely placed, it shrinks to fit its content); its layout size
    // ignores the transform, so times the zoom it is the drawing's size on screen.
    const natural = axis === 'x' ? this.canvas.offsetWidth : this.canvas.offsetHeight;
    const size = natural * t.zoom;
    if (view <= 0 || natural <= 0 || !this.canvas.querySelector('svg')) return { pan, view, size, lo: 0, hi: view, overflow: false };
    const lo = Math.min(0, pan - MARGIN);
    const hi = Math.max(view, pan + size + MARGIN);
    return { pan, view, size, lo, hi, overflow: hi - lo > view + 0.5 };
  }

  /** `target` pan, kept where the drawing's edges stay at least at the margin, but never pulled back from beyond. */
  private clampedPan(s: AxisState, target: number): number {
    if (!s.overflow) return s.pan;
    const a = s.view - MARGIN - s.size;
    const b = MARGIN;
    const lo = Math.min(a, b, s.pan);
    const hi = Math.max(a, b, s.pan);
    return Math.min(hi, Math.max(lo, target));
  }

  private place(axis: Axis, s: AxisState): void {
    const bar = this.bars[axis];
    if (!s.overflow) {
      delete this.geometry[axis];
      return;
    }
    const rect = bar.track.getBoundingClientRect();
    const track = axis === 'x' ? rect.width : rect.height;
    const total = s.hi - s.lo;
    const length = Math.min(track, Math.max(MIN_THUMB, (track * s.view) / total));
    const free = Math.max(0, track - length);
    const offset = total > s.view ? (-s.lo / (total - s.view)) * free : 0;
    const g: ThumbGeometry = { track, length, offset, panPerPx: free > 0 ? (total - s.view) / free : 0 };
    this.geometry[axis] = g;
    const style = bar.thumb.style;
    if (axis === 'x') {
      style.width = `${length}px`;
      style.transform = `translateX(${offset}px)`;
    } else {
      style.height = `${length}px`;
      style.transform = `translateY(${offset}px)`;
    }
  }

  private onPointerDown(axis: Axis, e: PointerEvent): void {
    e.stopPropagation();
    if (e.button !== 0) return;
    // No text selection or native drag on the way; the diagram takes the focus, so the keys scroll next.
    e.preventDefault();
    this.outer.focus({ preventScroll: true });
    const g = this.geometry[axis];
    if (!g) return;
    const bar = this.bars[axis];
    const rect = bar.track.getBoundingClientRect();
    const at = axis === 'x' ? e.clientX - rect.left : e.clientY - rect.top;
    const t = this.viewport.transform;
    if (e.target === bar.thumb) {
      this.drag = { axis, pointerId: e.pointerId, from: at, offset: g.offset, pan: axis === 'x' ? t.panX : t.panY, geometry: g };
      bar.track.setPointerCapture(e.pointerId);
      bar.track.classList.add('dl-scrollbar-active');
      return;
    }
    // A click on the track before or after the thumb: one page towards it (the editor's scroll-by-page).
    const view = axis === 'x' ? this.outer.clientWidth : this.outer.clientHeight;
    const d = at < g.offset ? -page(view) : page(view);
    if (axis === 'x') this.scrollBy(d, 0);
    else this.scrollBy(0, d);
  }

  private onPointerMove(e: PointerEvent): void {
    const d = this.drag;
    if (!d || d.pointerId !== e.pointerId) return;
    e.stopPropagation();
    const rect = this.bars[d.axis].track.getBoundingClientRect();
    const at = d.axis === 'x' ? e.clientX - rect.left : e.clientY - rect.top;
    const g = d.geometry;
    // The thumb stays on its track; the range is the one the drag began with, so the thumb stays under the pointer.
    const offset = Math.min(g.track - g.length, Math.max(0, d.offset + at - d.from));
    const pan = d.pan - (offset - d.offset) * g.panPerPx;
    const t = this.viewport.transform;
    this.viewport.set(d.axis === 'x' ? { ...t, panX: pan } : { ...t, panY: pan });
  }

  private onPointerUp(e: PointerEvent): void {
    const d = this.drag;
    if (!d || d.pointerId !== e.pointerId) return;
    e.stopPropagation();
    this.drag = undefined;
    const track = this.bars[d.axis].track;
    track.classList.remove('dl-scrollbar-active');
    if (track.hasPointerCapture(e.pointerId)) track.releasePointerCapture(e.pointerId);
  }
}

/** A page: the panel less a step, so a line of context stays in view across the jump. */
function page(view: number): number {
  return Math.max(view / 2, view - LINE);
}
