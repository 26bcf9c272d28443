import { describe, expect, it } from 'vitest';
import { changed, DEFAULT_PANELS, flowKey, formatRoute, parseAddress, parseExec, parseRoute, selectionKey, togglePanel, type Moment } from './route';

describe('routes', () => {
  it('parses the trace list', () => {
    expect(parseRoute('/')).toEqual({ kind: 'traces' });
  });

  it('parses a moment, keeping 64-bit steps exact', () => {
    expect(parseRoute('/t/abc_12-x/step/18446744073709551615')).toEqual({
      kind: 'moment',
      traceId: 'abc_12-x',
      step: 18446744073709551615n,
      panels: DEFAULT_PANELS,
    });
  });

  it('opens a trace without a step at its opening moment', () => {
    expect(parseRoute('/t/abc')).toMatchObject({ kind: 'moment', traceId: 'abc', step: 0n, opening: true });
    expect(parseRoute('/t/abc/step/0')).not.toHaveProperty('opening');
    expect(formatRoute({ ...(parseRoute('/t/abc') as Moment), step: 42n, opening: undefined })).toBe('/t/abc/step/42');
  });

  it('reads a symbol that is an expression as an expression at the moment', () => {
    expect(parseRoute('/t/x/step/7', '?symbol=table.checksum&frame=1')).toMatchObject({ selection: { expr: 'table.checksum', at: 7n, frame: 1 } });
    expect((parseRoute('/t/x/step/7', '?symbol=acc-%3Ebalance') as Moment).selection).toEqual({ expr: 'acc->balance', at: 7n, frame: 0 });
    expect((parseRoute('/t/x/step/7', '?symbol=completed.0') as Moment).selection).toEqual({ symbol: 'completed.0' });
    expect((parseRoute('/t/x/step/7', '?symbol=std::cout') as Moment).selection).toEqual({ symbol: 'std::cout' });
  });

  it('refuses what is not a route', () => {
    expect(parseRoute('/t/abc/step/-1').kind).toBe('not-found');
    expect(parseRoute('/t/../etc/passwd').kind).toBe('not-found');
    expect(parseRoute('/nowhere').kind).toBe('not-found');
  });

  it('reads every view state from the query', () => {
    const r = parseRoute('/t/x/step/5', '?tid=23&addr=0xFFFF800000001000&len=8&mem=0x7ffd0000&panels=history,timeline&share=tok%2Fen');
    expect(r).toEqual({
      kind: 'moment',
      traceId: 'x',
      step: 5n,
      tid: 23,
      selection: { addr: 0xffff800000001000n, len: 8 },
      mem: 0x7ffd0000n,
      panels: ['timeline', 'history'],
      share: 'tok/en',
    });
  });

  it('prefers a symbol to a range, and drops what does not parse', () => {
    expect((parseRoute('/t/x/step/1', '?symbol=ns%3A%3Acount&addr=0x10&len=4') as Moment).selection).toEqual({ symbol: 'ns::count' });
    const bad = parseRoute('/t/x/step/1', '?tid=-3&addr=0xzz&len=4&mem=12345678901234567890123') as Moment;
    expect(bad.tid).toBeUndefined();
    expect(bad.selection).toBeUndefined();
    expect(bad.mem).toBeUndefined();
    expect((parseRoute('/t/x/step/1', '?addr=0x10&len=0') as Moment).selection).toBeUndefined();
    expect((parseRoute('/t/x/step/1', '?addr=0x10&len=4097') as Moment).selection).toBeUndefined();
    expect((parseRoute('/t/x/step/1', '?addr=0x10000000000000000&len=1') as Moment).selection).toBeUndefined();
    expect((parseRoute('/t/x/step/1', '?panels=') as Moment).panels).toEqual([]);
    expect((parseRoute('/t/x/step/1', '?panels=nonsense,memory') as Moment).panels).toEqual(['memory']);
  });

  it('formats what it parses', () => {
    for (const path of [
      '/',
      '/t/abc/step/0',
      '/t/x9/step/123456789012',
      '/t/x/step/7?tid=4&symbol=balance',
      '/t/x/step/7?addr=0x555555558068&len=8&mem=0x7fffffffe000',
      '/t/x/step/7?symbol=operator%20new&panels=source,history',
      '/t/x/step/7?share=abc',
      '/t/x/step/7?frame=2',
      '/t/x/step/7?frame=1&expr=acc-%3Eowner.name[3]&at=5&atframe=1&attid=9',
      '/t/x/step/7?expr=balance&at=7',
      '/t/x/step/7?watch=a%20%2B%20b&watch=t-%3Ekind',
      '/t/x/step/7?exec=line:/src/demo_bug.c:42&print=balance&print=t-%3Eamount',
      '/t/x/step/7?exec=function:ns::f',
      '/t/x/step/7?exec=function:f&print=a&from=5',
      '/t/x/step/7?origin=expr:balance&ostep=124754',
      '/t/x/step/7?origin=expr:acc-%3Eitems[2]&ostep=5&oframe=1&otid=9',
      '/t/x/step/7?origin=node:m.18440.555555558038.4.124754&uses=node:r.18440.12.0.4.125946',
      '/t/x/step/7?symbol=balance&origin=addr:0x555555558038:4&ostep=7&otid=3&uses=reg:eax&ustep=6&panels=source,history',
      '/t/x/step/7?uses=expr:t-%3Eamount&ustep=1&uframe=2&utid=4',
      '/t/x/step/7?tid=5&symbol=shared_value&hpid=5&opid=6&dialog=processes',
    ]) {
      const url = new URL(path, 'http://h');
      expect(formatRoute(parseRoute(url.pathname, url.search))).toBe(path);
    }
  });

  it('toggles panels, keeping their order', () => {
    const r = parseRoute('/t/x/step/1') as Moment;
    const closed = togglePanel(r, 'memory');
    expect(closed.panels).not.toContain('memory');
    expect(formatRoute(closed)).toContain('panels=timeline,source,disasm,variables,stack,calls,history,registers,symbols,output');
    expect(togglePanel(closed, 'memory').panels).toEqual(DEFAULT_PANELS);
    expect(formatRoute(togglePanel(closed, 'memory'))).toBe('/t/x/step/1');
  });

  it('parses addresses as the API writes them, or decimal', () => {
    expect(parseAddress('0x1f')).toBe(31n);
    expect(parseAddress('31')).toBe(31n);
    expect(parseAddress('0xffffffffffffffff')).toBe(2n ** 64n - 1n);
    expect(parseAddress('18446744073709551616')).toBeUndefined();
    expect(parseAddress('0x')).toBeUndefined();
    expect(parseAddress(null)).toBeUndefined();
  });

  it('keys selections by what they select', () => {
    expect(selectionKey({ symbol: 'x' })).toBe(selectionKey({ symbol: 'x' }));
    expect(selectionKey({ addr: 16n, len: 4 })).toBe('range 0x10 4');
    expect(selectionKey({ addr: 16n, len: 4 })).not.toBe(selectionKey({ addr: 16n, len: 8 }));
    expect(selectionKey(undefined)).toBe('');
  });

  it('reads the frame, watches and executions', () => {
    const r = parseRoute('/t/x/step/9', '?frame=3&watch=balance&watch=owner[0]&exec=line:demo_bug.c:42&print=i&print=t-%3Eamount') as Moment;
    expect(r.frame).toBe(3);
    expect(r.watch).toEqual(['balance', 'owner[0]']);
    expect(r.exec).toEqual({ kind: 'line', target: 'demo_bug.c:42' });
    expect(r.print).toEqual(['i', 't->amount']);
    const bad = parseRoute('/t/x/step/9', '?frame=-1&exec=line:nofile&print=x') as Moment;
    expect(bad.frame).toBeUndefined();
    expect(bad.exec).toBeUndefined();
    expect(bad.print).toBeUndefined();
    expect((parseRoute('/t/x/step/9', '?from=5') as Moment).execFrom).toBeUndefined();
    expect((parseRoute('/t/x/step/9', '?exec=function:f&from=5') as Moment).execFrom).toBe(5n);
    expect((parseRoute('/t/x/step/9', '?frame=01') as Moment).frame).toBeUndefined();
  });

  it('parses execution targets', () => {
    expect(parseExec('function:deposit')).toEqual({ kind: 'function', target: 'deposit' });
    expect(parseExec('line:/a/b c.c:7')).toEqual({ kind: 'line', target: '/a/b c.c:7' });
    expect(parseExec('address:0x401000')).toEqual({ kind: 'address', target: '0x401000' });
    expect(parseExec('address:main')).toBeUndefined();
    expect(parseExec('line:x.c:0')).toBeUndefined();
    expect(parseExec('loop:x')).toBeUndefined();
    expect(parseExec(null)).toBeUndefined();
  });

  it('pins an expression to the moment it was picked at; a bare ?expr= takes the route\'s', () => {
    expect((parseRoute('/t/x/step/9', '?expr=acc-%3Ebalance&at=5&atframe=2&attid=4') as Moment).selection).toEqual({ expr: 'acc->balance', at: 5n, frame: 2, tid: 4 });
    expect((parseRoute('/t/x/step/9', '?tid=3&frame=1&expr=acc-%3Ebalance') as Moment).selection).toEqual({ expr: 'acc->balance', at: 9n, frame: 1, tid: 3 });
    expect((parseRoute('/t/x/step/9', '?expr=x&symbol=y') as Moment).selection).toEqual({ expr: 'x', at: 9n, frame: 0 });
    expect(selectionKey({ expr: 'x', at: 1n, frame: 0 })).not.toBe(selectionKey({ expr: 'x', at: 1n, frame: 1 }));
  });

  it('drops the selected frame when the step or thread changes, unless told', () => {
    const r = parseRoute('/t/x/step/9', '?frame=2&symbol=s') as Moment;
    expect(changed(r, { step: 10n }).frame).toBeUndefined();
    expect(changed(r, { step: 10n }).selection).toEqual({ symbol: 's' });
    expect(changed(r, { step: 9n }).frame).toBe(2);
    expect(changed(r, { tid: 5 }).frame).toBeUndefined();
    expect(changed(r, { step: 10n, frame: 1 }).frame).toBe(1);
    expect(changed(r, { frame: undefined })).not.toHaveProperty('frame');
    expect(formatRoute(changed(r, { mem: 16n }))).toBe('/t/x/step/9?frame=2&symbol=s&mem=0x10');
  });

  it('reads data-flow questions, pinned to their moment; a bare one is asked at the route\'s', () => {
    const r = parseRoute('/t/x/step/9', '?origin=expr:acc-%3Ebalance&ostep=5&oframe=2&otid=4&uses=addr:0x10:8&ustep=3') as Moment;
    expect(r.origin).toEqual({ expr: 'acc->balance', step: 5n, frame: 2, tid: 4 });
    expect(r.uses).toEqual({ addr: 16n, len: 8, step: 3n });
    expect((parseRoute('/t/x/step/9', '?tid=3&frame=1&origin=expr:balance') as Moment).origin).toEqual({ expr: 'balance', step: 9n, frame: 1, tid: 3 });
    expect((parseRoute('/t/x/step/9', '?origin=reg:eax') as Moment).origin).toEqual({ reg: 'eax', step: 9n });
    expect((parseRoute('/t/x/step/9', '?origin=node:r.1.10.0.4.77') as Moment).origin).toEqual({ node: 'r.1.10.0.4.77' });
    // a pinned question keeps its moment when the view goes elsewhere
    expect(formatRoute(changed(r, { step: 100n }))).toBe('/t/x/step/100?origin=expr:acc-%3Ebalance&ostep=5&oframe=2&otid=4&uses=addr:0x10:8&ustep=3');
    expect(formatRoute(parseRoute('/t/x/step/9', '?origin=expr:balance'))).toBe('/t/x/step/9?origin=expr:balance&ostep=9');
  });

  it('drops data-flow questions that do not parse', () => {
    for (const bad of ['origin=', 'origin=expr:', 'origin=what:x', 'origin=reg:EAX;', 'origin=addr:0x10', 'origin=addr:0x10:0', 'origin=addr:0x10:4097', 'origin=addr:zz:4', 'origin=node:a b', 'origin=node:']) {
      expect((parseRoute('/t/x/step/9', '?' + bad) as Moment).origin).toBeUndefined();
    }
    expect(flowKey({ reg: 'eax', step: 1n })).not.toBe(flowKey({ reg: 'eax', step: 2n }));
    expect(flowKey(undefined)).toBe('');
  });
});
