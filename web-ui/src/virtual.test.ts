import { describe, expect, it } from 'vitest';
import { CHUNK, computeWindow, MAX_HEIGHT, scrollIntoView, scrollToCentre, scrollTopFor } from './virtual';

/** Every window covers the viewport and the overscan, on chunk boundaries. */
function checkCovers(count: number, rowHeight: number, scrollTop: number, viewport: number, overscan: number) {
  const w = computeWindow(count, rowHeight, scrollTop, viewport, overscan);
  expect(w.start % CHUNK).toBe(0);
  expect(w.end === count || w.end % CHUNK === 0).toBe(true);
  const firstVisible = Math.floor(Math.min(scrollTop, Math.max(0, count * rowHeight - viewport)) / rowHeight);
  expect(w.start).toBeLessThanOrEqual(Math.max(0, firstVisible - overscan));
  expect(w.end).toBeGreaterThanOrEqual(Math.min(count, firstVisible + Math.ceil(viewport / rowHeight) + overscan));
  return w;
}

describe('the virtual list window', () => {
  it('renders the visible rows and some overscan, from a chunk boundary', () => {
    expect(computeWindow(1000, 20, 0, 200, 5)).toEqual({ start: 0, end: 16, offset: 0, height: 20000 });
    const mid = checkCovers(1000, 20, 2010, 200, 5);
    expect(mid).toEqual({ start: 80, end: 128, offset: 80 * 20, height: 20000 });
    for (const top of [0, 7, 333, 5000, 19800, 1e9]) checkCovers(1000, 20, top, 200, 5);
  });

  it('keeps the same rows while the view moves inside a chunk', () => {
    const a = computeWindow(1000, 20, 2010, 200, 8);
    const b = computeWindow(1000, 20, 2010 + 2 * 20, 200, 8);
    expect([a.start, a.end, a.offset]).toEqual([b.start, b.end, b.offset]);
  });

  it('stops at the ends', () => {
    expect(computeWindow(0, 20, 0, 200)).toEqual({ start: 0, end: 0, offset: 0, height: 0 });
    const end = computeWindow(1000, 20, 1e9, 200, 5);
    expect(end.end).toBe(1000);
    const few = computeWindow(3, 20, 0, 200);
    expect([few.start, few.end, few.height]).toEqual([0, 3, 60]);
  });

  it('compresses lists taller than a browser allows and still reaches every row', () => {
    const count = 100_000_000;
    const at = (top: number) => {
      const w = computeWindow(count, 20, top, 500, 0);
      // the row at the top of the viewport is drawn at the scroll position
      const first = (top / (MAX_HEIGHT - 500)) * (count - 500 / 20);
      expect(Math.abs(w.offset + (first - w.start) * 20 - top)).toBeLessThan(0.01);
      expect(w.start).toBeLessThanOrEqual(Math.floor(first));
      expect(w.end).toBeGreaterThanOrEqual(Math.min(count, Math.floor(first) + 25));
      return w;
    };
    expect(at(0).height).toBe(MAX_HEIGHT);
    expect(at(MAX_HEIGHT - 500).end).toBe(count);
    expect(Math.abs(at((MAX_HEIGHT - 500) / 2).start - count / 2)).toBeLessThan(CHUNK + 20);
  });

  it('finds the scroll position of a row, and back', () => {
    expect(scrollTopFor(100, 1000, 20, 200)).toBe(2000);
    expect(scrollTopFor(999, 1000, 20, 200)).toBe(20000 - 200);
    const count = 100_000_000;
    const s = scrollTopFor(60_000_000, count, 20, 500);
    const w = computeWindow(count, 20, s, 500, 0);
    expect(w.start).toBeLessThanOrEqual(60_000_000);
    expect(w.end).toBeGreaterThan(60_000_000);
  });

  it('scrolls a row into view only as far as needed', () => {
    expect(scrollIntoView(5, 20, 0, 200)).toBe(0);
    expect(scrollIntoView(10, 20, 0, 200)).toBe(20);
    expect(scrollIntoView(2, 20, 100, 200)).toBe(40);
  });

  it('centres a row seen with context, and leaves it where it has enough', () => {
    // 20 px rows, a 200 px viewport: 10 rows; margin 2 rows
    expect(scrollToCentre(5, 20, 0, 200, 2)).toBe(0);
    expect(scrollToCentre(8, 20, 0, 200, 2)).toBe(70);
    expect(scrollToCentre(1, 20, 100, 200, 2)).toBe(0);
    expect(scrollToCentre(50, 20, 0, 200, 2)).toBe(910);
    // a margin larger than half the viewport: centred whenever it is not centre
    expect(scrollToCentre(10, 20, 0, 40, 9)).toBe(190);
  });
});
