// Geometry of the virtualized hex view. Only the rows in the viewport exist in the DOM and
// only their bytes are read. Browsers cap an element's height (Chromium ~33.5M px, Firefox
// ~17.9M px); a 1 GiB segment at 20 px per 16-byte row would need 1.3G px. Past the cap the
// spacer stays at `maxScrollHeight` and the scroll position maps *proportionally* to a row,
// so the scrollbar still covers the whole segment (each pixel of scroll then skips rows).

export interface Geometry {
  totalRows: number;
  rowHeight: number;
  viewportHeight: number;
  /** Tallest spacer we let the browser lay out. */
  maxScrollHeight: number;
}

export const DEFAULT_MAX_SCROLL_HEIGHT = 8_000_000;

/** Rows that fit in the viewport (at least 1). */
export function visibleRows(g: Geometry): number {
  return Math.max(1, Math.floor(g.viewportHeight / g.rowHeight));
}

export function isScaled(g: Geometry): boolean {
  return g.totalRows * g.rowHeight > g.maxScrollHeight;
}

export function spacerHeight(g: Geometry): number {
  return Math.min(g.totalRows * g.rowHeight, g.maxScrollHeight);
}

/** The highest row that can be the first one shown (the last page ends at the last row). */
export function maxFirstRow(g: Geometry): number {
  return Math.max(0, g.totalRows - visibleRows(g));
}

export interface Placement {
  /** First row to render. */
  firstRow: number;
  /** Where the rendered block sits inside the spacer, in px. */
  top: number;
}

/** Which rows to draw for a scroll position, and where to put them. */
export function placementFor(g: Geometry, scrollTop: number): Placement {
  const maxFirst = maxFirstRow(g);
  if (!isScaled(g)) {
    const firstRow = Math.min(maxFirst, Math.max(0, Math.floor(scrollTop / g.rowHeight)));
    // Unscaled: rows keep their natural position, so scrolling is pixel-smooth.
    return { firstRow, top: firstRow * g.rowHeight };
  }
  const range = Math.max(1, spacerHeight(g) - g.viewportHeight);
  const fraction = Math.min(1, Math.max(0, scrollTop / range));
  const firstRow = Math.round(fraction * maxFirst);
  // Scaled: the block is pinned to the viewport's top; which rows it holds is what scrolls.
  return { firstRow, top: Math.max(0, Math.min(scrollTop, spacerHeight(g) - g.viewportHeight)) };
}

/** The scroll position that shows `row` first (inverse of placementFor). */
export function scrollTopFor(g: Geometry, row: number): number {
  const maxFirst = maxFirstRow(g);
  const clamped = Math.min(maxFirst, Math.max(0, row));
  if (!isScaled(g)) return clamped * g.rowHeight;
  const range = Math.max(1, spacerHeight(g) - g.viewportHeight);
  return maxFirst === 0 ? 0 : (clamped / maxFirst) * range;
}

/** The first row to show so that `row` is visible, moving as little as possible from `firstRow`. */
export function revealRow(g: Geometry, firstRow: number, row: number): number {
  const rows = visibleRows(g);
  if (row < firstRow) return row;
  if (row >= firstRow + rows) return row - rows + 1;
  return firstRow;
}
