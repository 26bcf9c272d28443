// The window arithmetic of a virtualised list: which rows to render for a scroll position, so that
// a list of millions of rows costs only the rows on screen.

export interface ListWindow {
  /** First row rendered (inclusive). */
  start: number;
  /** Row after the last one rendered (exclusive). */
  end: number;
  /** The offset in pixels of the first rendered row. */
  offset: number;
  /** The height in pixels of the scrolled content. */
  height: number;
}

/** Browsers cap an element's height (Chromium about 33.5 million px); past this, scroll positions are scaled. */
export const MAX_HEIGHT = 15_000_000;

/** Windows start and end on multiples of this many rows: while the view stays inside one, nothing is rendered again. */
export const CHUNK = 16;

/**
 * The rows visible at scrollTop in a viewport of viewportHeight, plus at least overscan rows each
 * side, widened to CHUNK boundaries so that scrolling a few rows changes no rendered row.
 * With more rows than fit in MAX_HEIGHT the content is compressed: scrollTop maps proportionally
 * onto the rows, and the rendered rows are placed at the scroll position.
 */
export function computeWindow(
  count: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
  overscan = 8,
): ListWindow {
  const full = count * rowHeight;
  const height = Math.min(full, MAX_HEIGHT);
  if (count === 0) return { start: 0, end: 0, offset: 0, height: 0 };
  const maxScroll = Math.max(0, height - viewportHeight);
  const top = Math.min(Math.max(0, scrollTop), maxScroll);
  // the first row at the top of the viewport, possibly fractional
  const first = full === height ? top / rowHeight : maxScroll === 0 ? 0 : (top / maxScroll) * Math.max(0, count - viewportHeight / rowHeight);
  const visible = Math.ceil(viewportHeight / rowHeight) + 1;
  const start = Math.max(0, Math.floor((Math.floor(first) - overscan) / CHUNK) * CHUNK);
  const end = Math.min(count, Math.ceil((Math.floor(first) + visible + overscan) / CHUNK) * CHUNK);
  const offset = full === height ? start * rowHeight : top - (first - start) * rowHeight;
  return { start, end, offset, height };
}

/** The scrollTop that shows row `index` at the top (the inverse of computeWindow's mapping). */
export function scrollTopFor(index: number, count: number, rowHeight: number, viewportHeight: number): number {
  const full = count * rowHeight;
  const height = Math.min(full, MAX_HEIGHT);
  const maxScroll = Math.max(0, height - viewportHeight);
  if (full === height) return Math.min(Math.max(0, index * rowHeight), maxScroll);
  const rows = Math.max(1, count - viewportHeight / rowHeight);
  return Math.min(maxScroll, Math.max(0, (index / rows) * maxScroll));
}

/** The scrollTop that brings row `index` into view with as little movement as possible (uncompressed lists). */
export function scrollIntoView(index: number, rowHeight: number, scrollTop: number, viewportHeight: number): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return scrollTop;
}

/**
 * The scrollTop for a row that should be seen with context (a source line): unchanged while the row
 * is at least `margin` rows inside the viewport, else the row centred (uncompressed lists).
 */
export function scrollToCentre(index: number, rowHeight: number, scrollTop: number, viewportHeight: number, margin: number): number {
  const top = index * rowHeight;
  const m = Math.min(margin * rowHeight, Math.max(0, (viewportHeight - rowHeight) / 2));
  if (top >= scrollTop + m && top + rowHeight <= scrollTop + viewportHeight - m) return scrollTop;
  return Math.max(0, Math.round(top + rowHeight / 2 - viewportHeight / 2));
}
