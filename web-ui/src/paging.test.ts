import { describe, expect, it } from 'vitest';
import { PagedRows, TwoSided, type PageAnswer } from './paging';

/** A cursor-paged endpoint over 0..total-1 whose answers are released by hand. */
function endpoint(total: number) {
  const pending: { cursor: string | null; limit: number; resolve: (a: PageAnswer<number>) => void; reject: (e: Error) => void }[] = [];
  const fetch = (cursor: string | null, limit: number) =>
    new Promise<PageAnswer<number>>((resolve, reject) => pending.push({ cursor, limit, resolve, reject }));
  const answer = async () => {
    const p = pending.shift()!;
    const from = p.cursor ? Number(p.cursor) : 0;
    const items = Array.from({ length: Math.max(0, Math.min(p.limit, total - from)) }, (_, i) => from + i);
    p.resolve({ items, next: from + items.length < total ? String(from + items.length) : null });
    await Promise.resolve();
    await Promise.resolve();
  };
  return { fetch, pending, answer };
}

describe('paged rows', () => {
  it('loads the first page, then the next when the window reaches the end', async () => {
    const api = endpoint(25);
    let changes = 0;
    const rows = new PagedRows(api.fetch, () => changes++, 10);
    expect(rows.count).toBe(0);
    rows.ensure(0, 5);
    expect(api.pending.map((p) => p.cursor)).toEqual([null]);
    rows.ensure(0, 5); // no second request for a page on its way
    expect(api.pending.length).toBe(1);
    await api.answer();
    expect(rows.count).toBe(10);
    expect(rows.get(3)).toBe(3);
    expect(changes).toBe(1);
    rows.ensure(0, 8);
    expect(api.pending.length).toBe(0); // the window is inside the known rows
    rows.ensure(5, 10);
    expect(api.pending.map((p) => p.cursor)).toEqual(['10']);
    await api.answer();
    rows.ensure(15, 20);
    await api.answer();
    expect(rows.count).toBe(25);
    expect(rows.done).toBe(true);
    rows.ensure(20, 40);
    expect(api.pending.length).toBe(0);
    expect(rows.get(24)).toBe(24);
    expect(rows.get(25)).toBeUndefined();
  });

  it('keeps a bounded number of pages and fetches dropped ones again with their cursors', async () => {
    const api = endpoint(1000);
    const rows = new PagedRows(api.fetch, () => {}, 10, 3);
    for (let end = 10; end <= 100; end += 10) {
      rows.ensure(end - 10, end);
      while (api.pending.length) await api.answer();
    }
    expect(rows.count).toBe(100);
    expect(rows.cachedPages).toBeLessThanOrEqual(3);
    expect(rows.get(95)).toBe(95);
    expect(rows.get(5)).toBeUndefined(); // dropped
    rows.ensure(0, 10);
    expect(api.pending.map((p) => p.cursor)).toEqual([null]);
    await api.answer();
    expect(rows.get(5)).toBe(5);
    rows.ensure(40, 50);
    expect(api.pending.map((p) => p.cursor)).toEqual(['40']);
  });

  it('finds the page of a row by binary search', async () => {
    const api = endpoint(100);
    const rows = new PagedRows(api.fetch, () => {}, 10);
    for (let end = 10; end <= 100; end += 10) {
      rows.ensure(end - 10, end);
      while (api.pending.length) await api.answer();
    }
    expect(rows.pageOf(0)).toBe(0);
    expect(rows.pageOf(9)).toBe(0);
    expect(rows.pageOf(10)).toBe(1);
    expect(rows.pageOf(99)).toBe(9);
    expect([...rows.loaded()].length).toBe(100);
  });

  it('reports a failure and retries on request', async () => {
    const api = endpoint(5);
    const rows = new PagedRows(api.fetch, () => {}, 10);
    rows.ensure(0, 5);
    api.pending.shift()!.reject(Object.assign(new Error('Bad Request'), { detail: 'limit: must be 1 to 10000' }));
    await Promise.resolve();
    expect(rows.error).toBe('limit: must be 1 to 10000');
    rows.ensure(0, 5);
    expect(api.pending.length).toBe(0);
    rows.retry();
    await api.answer();
    expect(rows.error).toBeUndefined();
    expect(rows.count).toBe(5);
    expect(rows.done).toBe(true);
  });

  it('says whether trying again may help: not when the server refused the question', async () => {
    const api = endpoint(5);
    const rows = new PagedRows(api.fetch, () => {}, 10);
    rows.ensure(0, 5);
    api.pending.shift()!.reject(Object.assign(new Error('Not Found'), { status: 404, detail: "no variable named 'x'" }));
    await Promise.resolve();
    expect(rows.error).toBe("no variable named 'x'");
    expect(rows.retryable).toBe(false);
    const other = new PagedRows(api.fetch, () => {}, 10);
    other.ensure(0, 5);
    api.pending.shift()!.reject(Object.assign(new Error('Service Unavailable'), { status: 503 }));
    await Promise.resolve();
    expect(other.retryable).toBe(true);
  });

  it('ignores answers after it was disposed', async () => {
    const api = endpoint(5);
    let changes = 0;
    const rows = new PagedRows(api.fetch, () => changes++, 10);
    rows.ensure(0, 1);
    rows.dispose();
    await api.answer();
    expect(changes).toBe(0);
  });
});

describe('a list opened in the middle', () => {
  /** Rows 0..total-1; "before" pages go down from anchor-1, "after" pages up from anchor. */
  function sides(total: number, anchor: number, page: number) {
    const before = endpoint(0);
    const after = endpoint(0);
    const answer = async (api: ReturnType<typeof endpoint>, down: boolean) => {
      const p = api.pending.shift()!;
      const from = p.cursor ? Number(p.cursor) : down ? anchor - 1 : anchor;
      const items: number[] = [];
      for (let v = from; items.length < p.limit && v >= 0 && v < total; v += down ? -1 : 1) items.push(v);
      const last = items[items.length - 1];
      const more = items.length === p.limit && (down ? last > 0 : last < total - 1);
      p.resolve({ items, next: more ? String(down ? last - 1 : last + 1) : null });
      await Promise.resolve();
      await Promise.resolve();
    };
    const rows = new TwoSided(new PagedRows(before.fetch, () => {}, page), new PagedRows(after.fetch, () => {}, page));
    return { rows, up: () => answer(before, true), down: () => answer(after, false), before, after };
  }

  it('shows the rows above the anchor in order, then the rows from it', async () => {
    const s = sides(100, 50, 10);
    s.rows.ensure(0, 0);
    expect(s.before.pending.length).toBe(1);
    expect(s.after.pending.length).toBe(1);
    await s.up();
    await s.down();
    expect(s.rows.above).toBe(10);
    expect(s.rows.count).toBe(20);
    expect(Array.from({ length: 20 }, (_, i) => s.rows.get(i))).toEqual(Array.from({ length: 20 }, (_, i) => 40 + i));
    expect([...s.rows.loaded()].map(([i, v]) => v - i)).toEqual(Array(20).fill(40));
    expect(s.rows.startKnown).toBe(false);
  });

  it('loads upwards only when the top row is reached, and downwards at the bottom', async () => {
    const s = sides(100, 50, 10);
    s.rows.ensure(0, 0);
    await s.up();
    await s.down();
    s.rows.ensure(5, 15);
    expect(s.before.pending.length + s.after.pending.length).toBe(0);
    s.rows.ensure(0, 8);
    expect(s.before.pending.map((p) => p.cursor)).toEqual(['39']);
    await s.up();
    expect(s.rows.above).toBe(20);
    expect(s.rows.get(0)).toBe(30);
    s.rows.ensure(25, 40);
    expect(s.after.pending.map((p) => p.cursor)).toEqual(['60']);
    for (let k = 0; k < 5; k++) {
      s.rows.ensure(0, 1);
      while (s.before.pending.length) await s.up();
    }
    expect(s.rows.startKnown).toBe(true);
    expect(s.rows.get(0)).toBe(0);
  });

  it('opened at the start is a plain list', async () => {
    const api = endpoint(5);
    const rows = new TwoSided(undefined, new PagedRows(api.fetch, () => {}, 10));
    rows.ensure(0, 0);
    await api.answer();
    expect(rows.startKnown).toBe(true);
    expect(rows.done).toBe(true);
    expect(rows.get(4)).toBe(4);
  });
});
