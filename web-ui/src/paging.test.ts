import { describe, expect, it } from 'vitest';
import { PagedRows, type PageAnswer } from './paging';

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
