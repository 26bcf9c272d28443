import { describe, expect, it } from 'vitest';
import type { CallEntry } from '../api';
import { flatten, type Node } from './CallTree';

const call = (callStep: number, fn: string) => ({ callStep, function: fn }) as CallEntry;

describe('the call tree rows', () => {
  it('lists open calls with their children under them, and where more pages follow', () => {
    const nested: Node = { call: call(5, 'b'), open: true, children: [{ call: call(6, 'c'), open: false }], next: 'cur' };
    const root: Node = {
      open: true,
      children: [{ call: call(1, 'a'), open: false, children: [{ call: call(2, 'hidden'), open: false }] }, nested],
      next: null,
    };
    const rows = flatten(root);
    expect(rows.map((r) => (r.kind === 'call' ? `${r.level}:${r.node.call!.function}` : `${r.level}:more`))).toEqual([
      '0:a',
      '0:b',
      '1:c',
      '1:more',
    ]);
    expect(rows[3].kind === 'more' && rows[3].parent).toBe(nested);
  });

  it('offers the next page of outermost calls', () => {
    expect(flatten({ open: true, children: [], next: 'x' }).map((r) => r.kind)).toEqual(['more']);
    expect(flatten({ open: true })).toEqual([]);
  });
});
