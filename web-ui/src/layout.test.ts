import { describe, expect, it } from 'vitest';
import { dragged, parseWeights } from './layout';

describe('layout weights', () => {
  it('reads only positive numbers from storage', () => {
    expect(parseWeights(null)).toEqual({});
    expect(parseWeights('not json')).toEqual({});
    expect(parseWeights('[1,2]')).toEqual({});
    expect(parseWeights('{"source":2.5,"bad":-1,"nan":"x","zero":0}')).toEqual({ source: 2.5 });
  });

  it('moves the border between two neighbours, keeping their sum', () => {
    const w = dragged({ a: 1, b: 1 }, { a: 300, b: 300 }, 150, 100);
    expect(w.a).toBeCloseTo(1.5);
    expect(w.b).toBeCloseTo(0.5);
  });

  it('leaves each neighbour at least the minimum', () => {
    expect(dragged({ a: 2, b: 1 }, { a: 400, b: 200 }, 500, 100)).toEqual({ a: 2.5, b: 0.5 });
    expect(dragged({ a: 2, b: 1 }, { a: 400, b: 200 }, -1000, 100)).toEqual({ a: 0.5, b: 2.5 });
  });

  it('does not shrink a neighbour already below the minimum any further', () => {
    const w = dragged({ a: 1, b: 1 }, { a: 50, b: 550 }, -40, 100);
    expect(w.a).toBeCloseTo((2 * 50) / 600);
  });
});
