import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute } from './route';

describe('routes', () => {
  it('parses the trace list', () => {
    expect(parseRoute('/')).toEqual({ kind: 'traces' });
  });

  it('parses a moment, keeping 64-bit steps exact', () => {
    expect(parseRoute('/t/abc_12-x/step/18446744073709551615')).toEqual({
      kind: 'moment',
      traceId: 'abc_12-x',
      step: 18446744073709551615n,
    });
  });

  it('opens a trace without a step at its start', () => {
    expect(parseRoute('/t/abc')).toEqual({ kind: 'moment', traceId: 'abc', step: 0n });
  });

  it('refuses what is not a route', () => {
    expect(parseRoute('/t/abc/step/-1').kind).toBe('not-found');
    expect(parseRoute('/t/../etc/passwd').kind).toBe('not-found');
    expect(parseRoute('/nowhere').kind).toBe('not-found');
  });

  it('formats what it parses', () => {
    for (const path of ['/', '/t/abc/step/0', '/t/x9/step/123456789012']) {
      expect(formatRoute(parseRoute(path))).toBe(path);
    }
  });
});
