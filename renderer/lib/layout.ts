// The window's resizable panes as numbers: a splitter's size in pixels, moved by dragging or
// by keys (as WAI-ARIA's window splitter pattern: arrows step, Shift+arrows step more,
// Home/End go to the limits), always clamped to what leaves the other pane room.

export interface SplitLimits {
  min: number;
  max: number;
}

export const STEP_PX = 16;
export const BIG_STEP_PX = 64;

export function clampSize(value: number, limits: SplitLimits): number {
  // A window too small for both minimums gives the first pane its minimum.
  return Math.round(Math.max(limits.min, Math.min(Math.max(limits.min, limits.max), value)));
}

/**
 * The size after a key on a splitter, or null when the key is not a splitter key. `grows` is
 * the arrow that makes the pane bigger (ArrowDown for a pane above, ArrowLeft for one on the right).
 */
export function sizeAfterKey(key: string, shift: boolean, size: number, limits: SplitLimits, grows: 'ArrowDown' | 'ArrowLeft'): number | null {
  const step = shift ? BIG_STEP_PX : STEP_PX;
  const shrinks = grows === 'ArrowDown' ? 'ArrowUp' : 'ArrowRight';
  switch (key) {
    case grows: return clampSize(size + step, limits);
    case shrinks: return clampSize(size - step, limits);
    case 'Home': return clampSize(limits.min, limits);
    case 'End': return clampSize(limits.max, limits);
    default: return null;
  }
}

/** Sizes the user chose, kept across reloads (per origin in the web mode; per app in Electron). */
export interface SavedLayout {
  tableHeight?: number;
  chatWidth?: number;
  chatCollapsed?: boolean;
}

const KEY = 'shmscope.layout';

export function loadLayout(storage: Pick<Storage, 'getItem'> | undefined): SavedLayout {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { tableHeight, chatWidth, chatCollapsed } = parsed as Record<string, unknown>;
    const out: SavedLayout = {};
    if (typeof tableHeight === 'number' && Number.isFinite(tableHeight)) out.tableHeight = tableHeight;
    if (typeof chatWidth === 'number' && Number.isFinite(chatWidth)) out.chatWidth = chatWidth;
    if (typeof chatCollapsed === 'boolean') out.chatCollapsed = chatCollapsed;
    return out;
  } catch {
    return {};
  }
}

export function saveLayout(storage: Pick<Storage, 'setItem'> | undefined, layout: SavedLayout): void {
  try { storage?.setItem(KEY, JSON.stringify(layout)); } catch { /* storage full or off: sizes just are not kept */ }
}
