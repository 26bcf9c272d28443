import { describe, expect, it } from 'vitest';
import { computeWindow, MAX_HEIGHT, scrollIntoView, scrollTopFor } from './virtual';

describe('the virtual list window', () => {
  it('renders the visible rows and some overscan', () => {
    const w = computeWindow(1000, 20, 0, 200, 5);
    expect(w).toEqual({ start: 0, end: 16, offset: 0, height: 20000 });
    const mid = computeWindow(1000, 20, 2010, 200, 5);
    expect(mid.start).toBe(95); // row 100 is at the top (2010 / 20 = 100.5)
    expect(mid.end).toBe(100 + 11 + 5);
    expect(mid.offset).toBe(95 * 20);
  });

  it('stops at the ends', () => {
    expect(computeWindow(0, 20, 0, 200)).toEqual({ start: 0, end: 0, offset: 0, height: 0 });
    const end = computeWindow(1000, 20, 1e9, 200, 5);
    expect(end.end).toBe(1000);
    expect(end.start).toBe(990 - 5);
    const few = computeWindow(3, 20, 0, 200);
    expect([few.start, few.end, few.height]).toEqual([0, 3, 60]);
  });

  it('compresses lists taller than a browser allows and still reaches every row', () => {
    const count = 100_000_000;
    const top = computeWindow(count, 20, 0, 500, 0);
    expect(top.height).toBe(MAX_HEIGHT);
    expect(top.start).toBe(0);
    const bottom = computeWindow(count, 20, MAX_HEIGHT - 500, 500, 0);
    expect(bottom.end).toBe(count);
    // the rendered rows sit in the viewport
    expect(bottom.offset).toBeGreaterThanOrEqual(MAX_HEIGHT - 500 - 20);
    expect(bottom.offset).toBeLessThanOrEqual(MAX_HEIGHT);
    const half = computeWindow(count, 20, (MAX_HEIGHT - 500) / 2, 500, 0);
    expect(Math.abs(half.start - count / 2)).toBeLessThan(20);
  });

  it('finds the scroll position of a row, and back', () => {
    expect(scrollTopFor(100, 1000, 20, 200)).toBe(2000);
    expect(scrollTopFor(999, 1000, 20, 200)).toBe(20000 - 200);
    const count = 100_000_000;
    const s = scrollTopFor(60_000_000, count, 20, 500);
    expect(Math.abs(computeWindow(count, 20, s, 500, 0).start - 60_000_000)).toBeLessThanOrEqual(1); // floating point
  });

  it('scrolls a row into view only as far as needed', () => {
    expect(scrollIntoView(5, 20, 0, 200)).toBe(0);
    expect(scrollIntoView(10, 20, 0, 200)).toBe(20);
    expect(scrollIntoView(2, 20, 100, 200)).toBe(40);
  });
});
