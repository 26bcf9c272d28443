import { describe, expect, it } from 'vitest';
import type { Frame, Value } from './api';
import { argumentList, changedValues, defaultFrame, expressionAt, pickFrame, sameActivation, splitAt, ValueCache } from './values';

const v = (name: string, value: string): Value => ({ name, expression: name, type: 'int', value, address: null, size: 4, children: 0 });
const frame = (index: number, fn: string, file: string | null, cfa = '0x7ffe0000'): Frame => ({
  index,
  function: fn,
  pc: '0x1000',
  file,
  line: file ? 10 : null,
  inlined: false,
  cfa,
  callStep: 5,
  args: [],
});

describe('frames', () => {
  const stack = [frame(0, '__strcpy_avx2', '../sysdeps/x86_64/multiarch/strcpy-avx2.S'), frame(1, 'set_owner', '/src/demo_bug.c'), frame(2, 'main', '/src/demo_bug.c')];

  it('defaults to the innermost frame whose source the trace carries', () => {
    expect(defaultFrame(stack)!.function).toBe('set_owner');
    expect(defaultFrame([frame(0, 'f', null), frame(1, 'g', 'rel/x.c')])!.index).toBe(0);
    expect(defaultFrame([])).toBeUndefined();
  });

  it('picks the frame the URL names when the stack has it', () => {
    expect(pickFrame(stack, 2)!.function).toBe('main');
    expect(pickFrame(stack, 0)!.function).toBe('__strcpy_avx2');
    expect(pickFrame(stack, 9)!.function).toBe('set_owner');
    expect(pickFrame(stack, undefined)!.function).toBe('set_owner');
  });

  it('knows the same activation at another step', () => {
    expect(sameActivation(frame(0, 'f', null), frame(1, 'f', null))).toBe(true);
    expect(sameActivation(frame(0, 'f', null), frame(0, 'g', null))).toBe(false);
    expect(sameActivation(frame(0, 'f', null, '0x1'), frame(0, 'f', null, '0x2'))).toBe(false);
    expect(sameActivation({ ...frame(0, 'f', null), cfa: null }, { ...frame(0, 'f', null), cfa: null })).toBe(false);
    expect(sameActivation(undefined, frame(0, 'f', null))).toBe(false);
  });
});

describe('changes', () => {
  it('marks the values whose text changed, not new ones', () => {
    const before = [v('i', '1'), v('t', '0x4010 <day+16>'), v('n', '8')];
    const now = [v('i', '2'), v('t', '0x4010 <day+16>'), v('n', '8'), v('expected', '0')];
    expect([...changedValues(now, before)]).toEqual(['i']);
    expect(changedValues(now, undefined).size).toBe(0);
  });
});

describe('signatures', () => {
  it('writes parameters by name, long values cut', () => {
    expect(argumentList([v('amount', '500')])).toBe('amount=500');
    expect(argumentList([v('a', '1'), v('name', '0x402010 "Jonathan, a very long name indeed, longer than forty"')], 20)).toBe(
      'a=1, name=0x402010 "Jonathan,…',
    );
    expect(argumentList([])).toBe('');
  });
});

describe('the expression under the mouse', () => {
  const at = (line: string, word: string, k = 0) => expressionAt(line, line.indexOf(word) + k)?.expr;

  it('finds identifiers and the member chain before them', () => {
    const line = '        switch (t->kind) {';
    expect(at(line, 'kind')).toBe('t->kind');
    expect(at(line, 't->', 0)).toBe('t');
    expect(at('    balance = balance + amount;', 'amount', 3)).toBe('amount');
    expect(at('  x = acc . owner.name [3];', 'name')).toBe('acc.owner.name');
    expect(at('  x = a->b->c;', 'c;')).toBe('a->b->c');
    expect(at('  x = items[i].name;', 'name')).toBe('name');
    expect(at('  x = 1.5f;', '5')).toBeUndefined();
  });

  it('ignores keywords, numbers, strings, comments and preprocessor lines', () => {
    expect(at('    return balance;', 'return')).toBeUndefined();
    expect(at('    x = 42;', '42')).toBeUndefined();
    expect(at('    printf("%zu. deposit %d\\n", i + 1);', 'deposit')).toBeUndefined();
    expect(at('    printf("%zu. deposit %d\\n", i + 1);', 'i +')).toBe('i');
    expect(at('    x = y; // the balance', 'balance')).toBeUndefined();
    expect(at('    x = y; /* the balance */ z = 1;', 'balance')).toBeUndefined();
    expect(at('    x = y; /* the balance */ z = 1;', 'z')).toBe('z');
    expect(at(' * Built with owner', 'owner')).toBeUndefined();
    expect(at('    sink = copy.balance + 1; /* MARK inspect: print *acc */', 'balance')).toBe('copy.balance');
    expect(at('    sink = copy.balance + 1; /* MARK inspect: print *acc */', 'acc')).toBeUndefined();
    expect(at('   the end of a comment */ x = 1;', 'end')).toBeUndefined();
    expect(at('   the end of a comment */ x = 1;', 'x =')).toBe('x');
    expect(at('#define OWNER_MAX 8', 'OWNER_MAX')).toBeUndefined();
    expect(at('    *p = 3;', 'p')).toBe('p');
    expect(expressionAt('abc', 5)).toBeUndefined();
    expect(expressionAt('a + b', 1)).toBeUndefined();
  });

  it('gives the span of what it found', () => {
    expect(expressionAt('  t->kind', 5)).toEqual({ expr: 't->kind', start: 2, end: 9 });
  });
});

describe('helpers', () => {
  it('splits an expression at an error position', () => {
    expect(splitAt('a +* b', 3)).toEqual(['a +', '*', ' b']);
    expect(splitAt('a +', 3)).toEqual(['a +', ' ', '']);
    expect(splitAt('a', undefined)).toBeUndefined();
    expect(splitAt('a', 7)).toBeUndefined();
  });

  it('caches values by moment, frame and expression, dropping the oldest', () => {
    const c = new ValueCache<string>(2);
    const k = (e: string) => ValueCache.key(10n, 3, 1, e);
    c.set(k('a'), '1');
    c.set(k('b'), '2');
    c.get(k('a'));
    c.set(k('c'), '3');
    expect(c.get(k('a'))).toBe('1');
    expect(c.get(k('b'))).toBeUndefined();
    expect(ValueCache.key(10n, undefined, 0, 'x')).not.toBe(ValueCache.key(10n, undefined, 1, 'x'));
  });
});
