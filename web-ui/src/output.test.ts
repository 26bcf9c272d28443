import { describe, expect, it } from 'vitest';
import type { OutputChunk } from './api';
import { chunkQuestion, countMatches, findAll, headOf, lineText, linesOf, locateChunk, markSegments, nextMatch, WRAP, type OutLine } from './output';

const chunk = (step: number, text: string, pid = 10, stream = 'stdout'): OutputChunk => ({
  step,
  pid,
  tid: pid,
  fd: stream === 'stderr' ? 2 : 1,
  stream,
  text,
  buffers: [{ addr: '0x4052a0', len: text.length }],
});

const indexed = (lines: OutLine[], from = 0): [number, OutLine][] => lines.map((l, i) => [from + i, l]);

describe('chunks as a terminal shows them', () => {
  it('breaks lines at newlines and keeps every chunk on the rows it wrote', () => {
    const lines = linesOf([chunk(5, 'child says hi\n', 11), chunk(9, 'first child exit status: 0\nparent done\n')]);
    expect(lines.map(lineText)).toEqual(['child says hi', 'first child exit status: 0', 'parent done']);
    expect(lines.map((l) => headOf(l)?.step)).toEqual([5, 9, undefined]);
    expect(lines[2].segments[0]).toMatchObject({ offset: 27, text: 'parent done' });
  });

  it('continues a line without a newline with the next chunk, of whichever process', () => {
    const lines = linesOf([chunk(1, 'abc', 10), chunk(2, 'def\nxyz', 11), chunk(3, '!\n', 10)]);
    expect(lines.map(lineText)).toEqual(['abcdef', 'xyz!']);
    expect(lines[0].segments.map((s) => s.chunk.pid)).toEqual([10, 11]);
    expect(lines[1].segments.map((s) => [s.chunk.step, s.offset])).toEqual([
      [2, 4],
      [3, 0],
    ]);
  });

  it('shows empty writes and empty lines, and drops the carriage return of CRLF', () => {
    const lines = linesOf([chunk(1, ''), chunk(2, '\n'), chunk(3, 'a\r\nb\r\n')]);
    expect(lines.map(lineText)).toEqual(['', 'a', 'b']);
    expect(lines[0].segments.map((s) => s.chunk.step)).toEqual([1, 2]);
  });

  it('wraps lines longer than WRAP onto continuation rows', () => {
    const lines = linesOf([chunk(1, 'x'.repeat(WRAP * 2 + 5) + '\nend\n')]);
    expect(lines.map((l) => lineText(l).length)).toEqual([WRAP, WRAP, 5, 3]);
    expect(lines.map((l) => !!l.wrapped)).toEqual([false, true, true, false]);
    expect(lines[1].segments[0].offset).toBe(WRAP);
  });
});

describe('the chunk under the current step', () => {
  const lines = linesOf([chunk(10, 'a\n'), chunk(20, 'b\nc\n'), chunk(30, 'd\n')]);
  it('is the last chunk written at or before it', () => {
    expect(locateChunk(indexed(lines), 5n, true, 4)).toEqual({ known: true, beyond: false });
    expect(locateChunk(indexed(lines), 10n, true, 4)).toMatchObject({ row: 0, step: 10, known: true });
    expect(locateChunk(indexed(lines), 29n, true, 4)).toMatchObject({ row: 1, step: 20, known: true });
    expect(locateChunk(indexed(lines), 99n, true, 4)).toMatchObject({ row: 3, step: 30, known: true });
  });
  it('is unknown past the loaded rows while more may come: loading further tells', () => {
    expect(locateChunk(indexed(lines), 99n, false, 4)).toMatchObject({ known: false, beyond: true });
  });
  it('is unknown across a gap of dropped rows', () => {
    expect(locateChunk(indexed(lines.slice(2), 2), 25n, true, 4)).toMatchObject({ known: false, beyond: false });
    expect(locateChunk(indexed(lines.slice(2), 2), 35n, true, 4)).toMatchObject({ row: 3, step: 30, known: true });
  });
});

describe('search', () => {
  const lines = linesOf([chunk(1, 'Hello world\nhello again\n'), chunk(2, 'nothing\nsay HELLO\n')]);
  const rows = indexed(lines);
  it('finds every match ignoring case', () => {
    expect(findAll('Hello hello', 'HELLO')).toEqual([0, 6]);
    expect(findAll('aaaa', 'aa')).toEqual([0, 2]);
    expect(findAll('abc', '')).toEqual([]);
  });
  it('goes to the next and previous match, and none past the last', () => {
    const first = nextMatch(rows, 'hello', undefined, 1);
    expect(first).toEqual({ row: 0, offset: 0 });
    const second = nextMatch(rows, 'hello', first, 1);
    expect(second).toEqual({ row: 1, offset: 0 });
    expect(nextMatch(rows, 'hello', second, 1)).toEqual({ row: 3, offset: 4 });
    expect(nextMatch(rows, 'hello', { row: 3, offset: 4 }, 1)).toBeUndefined();
    expect(nextMatch(rows, 'hello', { row: 3, offset: 4 }, -1)).toEqual({ row: 1, offset: 0 });
    expect(nextMatch(rows, 'hello', undefined, -1)).toEqual({ row: 3, offset: 4 });
    expect(nextMatch(rows, 'hello', first, -1)).toBeUndefined();
  });
  it('counts the matches and says which one is current', () => {
    expect(countMatches(rows, 'hello', { row: 1, offset: 0 })).toEqual({ total: 3, index: 2 });
    expect(countMatches(rows, 'zzz')).toEqual({ total: 0, index: 0 });
  });
  it('marks matches in the pieces of each segment, also a match across two chunks', () => {
    const line = linesOf([chunk(1, 'say he'), chunk(2, 'llo hello\n')])[0];
    expect(markSegments(line, 'hello', 4)).toEqual([
      [{ text: 'say ' }, { text: 'he', mark: 'current' }],
      [{ text: 'llo', mark: 'current' }, { text: ' ' }, { text: 'hello', mark: 'match' }],
    ]);
    expect(markSegments(line, '')).toEqual([[{ text: 'say he' }], [{ text: 'llo hello' }]]);
  });
});

describe('where did a chunk come from', () => {
  it('asks about its first buffer at its moment, in its thread', () => {
    const c = { ...chunk(77, 'hi\n', 12), buffers: [{ addr: '0x10', len: 0 }, { addr: '0x4052a0', len: 9000 }] };
    expect(chunkQuestion(c)).toEqual({ addr: 0x4052a0n, len: 4096, step: 77n, tid: 12 });
    expect(chunkQuestion({ ...c, buffers: [] })).toBeUndefined();
  });
});
