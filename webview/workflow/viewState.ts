// Runs in the workflow webview (browser): the panel's saved state — direction, layout, the handler shown and the
// zoom and pan each handler was given — read back from VS Code's webview state and written to it, coalesced.
import type { Direction, SavedView, WorkflowViewState } from '../../src/extension/workflow/protocol';
import { SAVED_VIEWS_MAX } from '../../src/extension/workflow/protocol';

/** The handler a view belongs to. */
type ViewOwner = { readonly documentUri: string; readonly handler: string | null };

export class SavedViewState {
  private state: WorkflowViewState;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    saved: Partial<WorkflowViewState>,
    private readonly persist: (state: WorkflowViewState) => void
  ) {
    this.state = {
      direction: saved.direction === 'LR' ? 'LR' : 'TD',
      layout: saved.layout === 'dagre' || saved.layout === 'elk' ? saved.layout : 'auto',
      documentUri: saved.documentUri,
      handler: saved.handler,
      views: savedViews(saved.views),
    };
  }

  get direction(): Direction {
    return this.state.direction ?? 'TD';
  }

  get layout(): 'auto' | 'dagre' | 'elk' {
    return this.state.layout ?? 'auto';
  }

  save(patch: Partial<WorkflowViewState>): void {
    this.state = { ...this.state, ...patch };
    // Wheel zoom fires often; setState serialises the whole object each time.
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.persist(this.state);
    }, 100);
  }

  /** The zoom and pan the user gave this handler in the current direction, if any. */
  viewOf(owner: ViewOwner): SavedView | undefined {
    return this.state.views?.[this.viewKey(owner)];
  }

  /** Remembers the user's zoom and pan for a handler (most recent last, the oldest dropped). */
  remember(owner: ViewOwner, t: SavedView): void {
    const key = this.viewKey(owner);
    const views = { ...(this.state.views ?? {}) };
    delete views[key];
    views[key] = { zoom: t.zoom, panX: t.panX, panY: t.panY };
    const keys = Object.keys(views);
    for (const k of keys.slice(0, Math.max(0, keys.length - SAVED_VIEWS_MAX))) delete views[k];
    this.save({ views });
  }

  /** The handler goes back to the default view. */
  forget(owner: ViewOwner): void {
    if (!this.state.views?.[this.viewKey(owner)]) return;
    const views = { ...this.state.views };
    delete views[this.viewKey(owner)];
    this.save({ views });
  }

  /** A handler in one direction (a top-down pan means nothing left-to-right). */
  private viewKey(p: ViewOwner): string {
    return `${p.documentUri}\u0000${p.handler ?? ''}\u0000${this.state.direction ?? 'TD'}`;
  }
}

/** The saved per-handler views that are well formed (the state may come from an older version). */
function savedViews(raw: unknown): Record<string, SavedView> {
  const out: Record<string, SavedView> = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const t = v as Partial<SavedView> | null;
    if (t && typeof t.zoom === 'number' && typeof t.panX === 'number' && typeof t.panY === 'number') out[k] = { zoom: t.zoom, panX: t.panX, panY: t.panY };
  }
  return out;
}
