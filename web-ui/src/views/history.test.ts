import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../api';
import type { Rows } from '../paging';
import { adjacentWrite, locate, locateIn } from './History';

/** Rows at these steps; `loaded` says which indices are in memory. */
function rows(steps: number[], opts: { startKnown?: boolean; done?: boolean; loaded?: number[] } = {}): Rows<HistoryEntry> {
  const entries = steps.map((step) => ({ step }) as HistoryEntry);
  const loaded = opts.loaded ?? steps.map((_, i) => i);
  return {
    count: steps.length,
    done: opts.done ?? true,
    startKnown: opts.startKnown ?? true,
    loading: false,
    get: (i) => (loaded.includes(i) ? entries[i] : undefined),
    ensure: () => {},
    loaded: () => loaded.map((i) => [i, entries[i]] as [number, HistoryEntry]),
    retry: () => {},
    dispose: () => {},
  };
}

describe('a step among the history rows', () => {
  it('is the last write at or before it', () => {
    const r = rows([10, 20, 30]);
    expect(locate(r, 5n)).toEqual({ index: undefined, known: true });
    expect(locate(r, 10n)).toEqual({ index: 0, known: true });
    expect(locate(r, 25n)).toEqual({ index: 1, known: true });
    expect(locate(r, 99n)).toEqual({ index: 2, known: true });
  });

  it('is unknown outside what is loaded', () => {
    expect(locate(rows([10, 20, 30], { startKnown: false }), 5n).known).toBe(false);
    expect(locate(rows([10, 20, 30], { done: false }), 99n).known).toBe(false);
    expect(locate(rows([10, 20, 30, 40], { loaded: [0, 2, 3] }), 25n).known).toBe(false); // row 1 dropped
    expect(locate(rows([]), 5n)).toEqual({ index: undefined, known: true });
  });

  it('finds the previous and next write in the loaded rows without asking the server', async () => {
    const r = rows([10, 20, 30]);
    const sel = { symbol: 'x' };
    expect((await adjacentWrite('t', r, sel, 20n, 1))?.step).toBe(30);
    expect((await adjacentWrite('t', r, sel, 20n, -1))?.step).toBe(10);
    expect((await adjacentWrite('t', r, sel, 25n, -1))?.step).toBe(20);
    expect(await adjacentWrite('t', r, sel, 10n, -1)).toBeUndefined();
    expect(await adjacentWrite('t', r, sel, 30n, 1)).toBeUndefined();
    expect((await adjacentWrite('t', r, sel, 99n, -1))?.step).toBe(30);
  });
});

describe('the write a process sees at a step', () => {
  /** Writes at these steps by these processes. */
  function byProcess(writes: [number, number][], loaded?: number[]): Rows<HistoryEntry> {
    const entries = writes.map(([step, pid]) => ({ step, pid, tid: pid }) as HistoryEntry);
    const r = rows(writes.map(([s]) => s), { loaded });
    return { ...r, get: (i) => entries[i], loaded: () => (loaded ?? entries.map((_, i) => i)).map((i) => [i, entries[i]] as [number, HistoryEntry]) };
  }
  it('is its own last write, not the other process\'s after it', () => {
    // fork_global: the parent (10) never writes after the fork; the child (11) writes 42 at step 50
    const r = byProcess([[5, 10], [50, 11], [90, 10]]);
    expect(locateIn(r, 60n, 10)).toEqual({ index: 0, known: true });
    expect(locateIn(r, 60n, 11)).toEqual({ index: 1, known: true });
    expect(locateIn(r, 60n)).toEqual({ index: 1, known: true });
    expect(locateIn(r, 95n, 10)).toEqual({ index: 2, known: true });
  });
  it('is none before its first write, and unknown past a row not loaded', () => {
    expect(locateIn(byProcess([[50, 11]]), 60n, 10)).toEqual({ index: undefined, known: true });
    expect(locateIn(byProcess([[5, 10], [50, 11], [55, 11]], [1, 2]), 60n, 10)).toEqual({ known: false });
  });
});
