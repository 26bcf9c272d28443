// The program's output as a terminal shows it: chunks (one write system call each, by any process)
// laid out as lines, which chunk holds at a step, and searching the text.
import type { OutputChunk } from './api';

/** Lines longer than this wrap onto continuation rows (every row is one line high: the list is virtual). */
export const WRAP = 400;

/** A piece of one chunk's text on one line; `offset` is where it starts in the chunk's text. */
export interface Segment {
  chunk: OutputChunk;
  text: string;
  offset: number;
}

/** A row of the output: the pieces of the chunks on it, in order. */
export interface OutLine {
  segments: Segment[];
  /** It continues the line of the row before it (a line wrapped at WRAP characters). */
  wrapped?: boolean;
}

/** The chunk that starts on a row (its first one): the row's gutter names its process and moment. */
export const headOf = (line: OutLine): OutputChunk | undefined => line.segments.find((s) => s.offset === 0)?.chunk;

/** The text of a row. */
export const lineText = (line: OutLine): string => line.segments.map((s) => s.text).join('');

/**
 * The rows of consecutive chunks: their texts concatenated and broken at newlines, as a terminal
 * shows interleaved writes (a chunk without a newline at its end continues on the next one's line).
 * A carriage return before a newline is dropped. Every chunk has at least one segment, an empty
 * write too, so that each can be seen and followed to its moment.
 */
export function linesOf(chunks: readonly OutputChunk[]): OutLine[] {
  const lines: OutLine[] = [];
  let current: OutLine = { segments: [] };
  let length = 0;
  const flush = () => {
    lines.push(current);
    current = { segments: [] };
    length = 0;
  };
  const put = (chunk: OutputChunk, text: string, offset: number) => {
    // wrap long lines: a row never holds more than WRAP characters
    while (length + text.length > WRAP) {
      const room = WRAP - length;
      if (room > 0) current.segments.push({ chunk, text: text.slice(0, room), offset });
      flush();
      current.wrapped = true;
      text = text.slice(room);
      offset += room;
    }
    current.segments.push({ chunk, text, offset });
    length += text.length;
  };
  for (const chunk of chunks) {
    const parts = chunk.text.split('\n');
    let offset = 0;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const shown = !last && part.endsWith('\r') ? part.slice(0, -1) : part;
      if (i === 0 || shown.length > 0) put(chunk, shown, offset);
      offset += part.length + 1;
      if (!last) flush();
    });
  }
  if (current.segments.length > 0) lines.push(current);
  return lines;
}

/**
 * The chunk that holds at a step: the last one written at or before it (what the terminal showed
 * last then). `row` is the row it starts on. `known` is false when the loaded rows cannot tell (they
 * have a gap there, or end before a chunk after the step was seen): `beyond` says the step is past
 * every loaded chunk, so loading further pages will tell.
 */
export function locateChunk(
  rows: Iterable<[number, OutLine]>,
  step: bigint,
  done: boolean,
  count: number,
): { row?: number; step?: number; known: boolean; beyond: boolean } {
  const s = Number(step);
  let last: { row: number; step: number } | undefined;
  let previous = -1;
  let gap = false;
  for (const [i, line] of rows) {
    if (i !== previous + 1) {
      gap = true;
      last = undefined;
    }
    previous = i;
    for (const seg of line.segments) {
      if (seg.offset !== 0) continue;
      if (seg.chunk.step <= s) last = { row: i, step: seg.chunk.step };
      else return last ? { ...last, known: true, beyond: false } : { known: !gap, beyond: false };
    }
  }
  const throughEnd = previous === count - 1;
  if (throughEnd && done) return last ? { ...last, known: true, beyond: false } : { known: !gap, beyond: false };
  return { ...(last ?? {}), known: false, beyond: throughEnd && !done };
}

/** Where the query occurs in a text, ignoring case: the start of each match, not overlapping. */
export function findAll(text: string, query: string): number[] {
  if (!query) return [];
  const t = text.toLowerCase();
  const q = query.toLowerCase();
  const out: number[] = [];
  for (let i = t.indexOf(q); i >= 0; i = t.indexOf(q, i + q.length)) out.push(i);
  return out;
}

export interface Match {
  row: number;
  offset: number;
}

/**
 * The next match after `from` (direction 1) or the previous one before it (-1) among the loaded
 * rows; from the first (or last) match when `from` is undefined. Undefined when there is none there.
 */
export function nextMatch(rows: Iterable<[number, OutLine]>, query: string, from: Match | undefined, direction: 1 | -1): Match | undefined {
  if (!query) return undefined;
  let best: Match | undefined;
  for (const [row, line] of rows) {
    if (direction > 0 && from && row < from.row) continue;
    if (direction < 0 && from && row > from.row) break;
    for (const offset of findAll(lineText(line), query)) {
      const after = !from || row > from.row || offset > from.offset;
      const before = !from || row < from.row || offset < from.offset;
      if (direction > 0 && after) return { row, offset };
      if (direction < 0 && before) best = { row, offset };
    }
  }
  return best;
}

/** How many matches the loaded rows hold, and the index of `current` among them (1-based; 0 when it is not one). */
export function countMatches(rows: Iterable<[number, OutLine]>, query: string, current?: Match): { total: number; index: number } {
  let total = 0;
  let index = 0;
  if (!query) return { total, index };
  for (const [row, line] of rows) {
    for (const offset of findAll(lineText(line), query)) {
      total++;
      if (current && current.row === row && current.offset === offset) index = total;
    }
  }
  return { total, index };
}

/** A piece of a segment's text as shown: plain, a match, or the current match. */
export interface Piece {
  text: string;
  mark?: 'match' | 'current';
}

/**
 * Each segment of a row cut into pieces at the query's matches (matches found in the row's whole
 * text, so that one may span segments); `current` is the offset in the row of the current match.
 */
export function markSegments(line: OutLine, query: string, current?: number): Piece[][] {
  const matches = findAll(lineText(line), query).map((start) => ({ start, end: start + query.length, current: start === current }));
  let at = 0;
  return line.segments.map((seg) => {
    const from = at;
    const to = at + seg.text.length;
    at = to;
    const pieces: Piece[] = [];
    let pos = from;
    for (const m of matches) {
      if (m.end <= from || m.start >= to) continue;
      const s = Math.max(m.start, from);
      const e = Math.min(m.end, to);
      if (s > pos) pieces.push({ text: seg.text.slice(pos - from, s - from) });
      pieces.push({ text: seg.text.slice(s - from, e - from), mark: m.current ? 'current' : 'match' });
      pos = e;
    }
    if (pos < to || pieces.length === 0) pieces.push({ text: seg.text.slice(pos - from) });
    return pieces;
  });
}

/** The question "where did these bytes come from" for a chunk: its first buffer (at most 4096 bytes) at its moment. */
export function chunkQuestion(chunk: OutputChunk): { addr: bigint; len: number; step: bigint; tid: number } | undefined {
  const b = chunk.buffers.find((x) => x.len > 0);
  if (!b) return undefined;
  return { addr: BigInt(b.addr), len: Math.min(b.len, 4096), step: BigInt(chunk.step), tid: chunk.tid };
}
