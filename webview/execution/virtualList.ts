// Runs in a webview: a fixed-row-height virtual list — only the rows in (and just around) the viewport exist in
// the DOM, recycled as the list scrolls, so 10,000 events cost what 40 do. Rows are filled by the caller's
// `render`, which must write data with textContent / attribute setters only.

export interface VirtualListOptions<T> {
  readonly container: HTMLElement;
  readonly rowHeight: number;
  /** Fills (or refills) a recycled row element for item `index`. */
  render(row: HTMLElement, item: T, index: number): void;
  /** Creates an empty row element (its children are reused by `render`). */
  createRow(): HTMLElement;
  /** Rows kept beyond each edge of the viewport. */
  readonly overscan?: number;
  onScroll?(scrollTop: number): void;
}

export class VirtualList<T> {
  private items: readonly T[] = [];
  private readonly spacer: HTMLElement;
  private readonly rows: HTMLElement[] = [];
  private first = -1;
  private last = -1;
  private frame = 0;
  private readonly overscan: number;

  constructor(private readonly options: VirtualListOptions<T>) {
    this.overscan = options.overscan ?? 8;
    const container = options.container;
    container.classList.add('vlist');
    this.spacer = document.createElement('div');
    this.spacer.className = 'vlist-spacer';
    container.appendChild(this.spacer);
    container.addEventListener('scroll', () => {
      this.schedule();
      options.onScroll?.(container.scrollTop);
    }, { passive: true });
    new ResizeObserver(() => this.schedule()).observe(container);
  }

  get length(): number {
    return this.items.length;
  }

  /** Rows currently in the DOM (for tests and the snapshot). */
  get renderedRange(): { first: number; last: number } {
    return { first: this.first, last: this.last };
  }

  setItems(items: readonly T[]): void {
    this.items = items;
    this.spacer.style.height = `${items.length * this.options.rowHeight}px`;
    this.invalidate(); // every row is refilled: indices may mean other items now
    this.draw();
  }

  /** Redraws the rows in view (after a selection or expansion change) without resetting the scroll. */
  refresh(): void {
    this.invalidate();
    this.draw();
  }

  private invalidate(): void {
    this.first = this.last = -1;
    for (const row of this.rows) delete row.dataset.index;
  }

  scrollTo(top: number): void {
    this.options.container.scrollTop = top;
    this.draw();
  }

  /** Scrolls just enough for row `index` to be fully visible. */
  reveal(index: number): void {
    const c = this.options.container;
    const h = this.options.rowHeight;
    const top = index * h;
    if (top < c.scrollTop) c.scrollTop = top;
    else if (top + h > c.scrollTop + c.clientHeight) c.scrollTop = top + h - c.clientHeight;
    this.draw();
  }

  /** How many rows fit in the viewport (page up/down). */
  get pageSize(): number {
    return Math.max(1, Math.floor(this.options.container.clientHeight / this.options.rowHeight) - 1);
  }

  rowElement(index: number): HTMLElement | undefined {
    if (index < this.first || index > this.last) return undefined;
    return this.rows[index % this.rows.length];
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Draws the window of rows around the scroll position; returns how many rows were (re)filled. */
  draw(): number {
    const c = this.options.container;
    const h = this.options.rowHeight;
    const n = this.items.length;
    const viewport = c.clientHeight || 600;
    const first = Math.max(0, Math.floor(c.scrollTop / h) - this.overscan);
    const last = Math.min(n - 1, Math.ceil((c.scrollTop + viewport) / h) + this.overscan);
    if (first === this.first && last === this.last) return 0;
    const count = Math.max(0, last - first + 1);
    if (count !== this.rows.length) {
      // The window changed size (resize, fewer items): rebuild the pool once; scrolling then recycles it.
      while (this.rows.length < count) {
        const row = this.options.createRow();
        row.classList.add('vlist-row');
        row.style.height = `${h}px`;
        this.rows.push(row);
        c.appendChild(row);
      }
      while (this.rows.length > count) this.rows.pop()!.remove();
      for (const row of this.rows) delete row.dataset.index;
    }
    let filled = 0;
    for (let index = first; index <= last; index++) {
      // Row `index % count` holds item `index`: scrolling by k rows refills only k of them.
      const row = this.rows[index % count]!;
      if (row.dataset.index === String(index)) continue;
      row.dataset.index = String(index);
      row.style.transform = `translateY(${index * h}px)`;
      this.options.render(row, this.items[index]!, index);
      filled++;
    }
    this.first = count ? first : -1;
    this.last = count ? last : -1;
    return filled;
  }
}
