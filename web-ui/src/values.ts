// Source-level values as the UI shows them: which frame to look at, what changed since the previous
// step, which expression the mouse is over in a source line, typed call signatures.
import type { Frame, Value } from './api';

/** Whether a frame's source file is one the trace carries: the program's own, named by an absolute path. */
export const carried = (file: string | null | undefined): file is string => !!file && file.startsWith('/');

/**
 * The frame shown when the URL names none: the innermost whose source the trace carries (inside
 * libc's strcpy, the program's function that called it), else the innermost.
 */
export function defaultFrame(frames: readonly Frame[]): Frame | undefined {
  return frames.find((f) => carried(f.file)) ?? frames[0];
}

/** The frame a route asks for: its number if the stack has it, else the default. */
export function pickFrame(frames: readonly Frame[], wanted: number | undefined): Frame | undefined {
  if (wanted !== undefined) {
    const f = frames.find((x) => x.index === wanted);
    if (f) return f;
  }
  return defaultFrame(frames);
}

/** Whether two frames (at two steps) are the same activation: the same function at the same frame address. */
export function sameActivation(a: Frame | undefined, b: Frame | undefined): boolean {
  return !!a && !!b && a.function === b.function && a.cfa !== null && a.cfa === b.cfa;
}

/** The names of the values whose text differs from the same-named value of `before` (new names are not changes). */
export function changedValues(now: readonly Value[], before: readonly Value[] | undefined): Set<string> {
  const changed = new Set<string>();
  if (!before) return changed;
  const old = new Map(before.map((v) => [v.name, v.value]));
  for (const v of now) {
    const was = old.get(v.name);
    if (was !== undefined && was !== v.value) changed.add(v.name);
  }
  return changed;
}

/** A parameter list as C would write a call: `amount=500, name=0x4020 "Jonathan"`, long values cut. */
export function argumentList(args: readonly Value[], max = 40): string {
  return args.map((a) => `${a.name}=${shorten(a.value, max)}`).join(', ');
}

/** A text cut to `max` characters with an ellipsis. */
export function shorten(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, Math.max(1, max - 1)) + '…';
}

const KEYWORDS = new Set(
  (
    'auto break case char const continue default do double else enum extern float for goto if inline int long register ' +
    'restrict return short signed sizeof static struct switch typedef union unsigned void volatile while bool true false ' +
    'class namespace template typename public private protected virtual new delete using operator nullptr this const_cast ' +
    'static_cast dynamic_cast reinterpret_cast throw try catch NULL size_t'
  ).split(' '),
);


/**
 * The expression under a character of a source line: the identifier there, with the member chain
 * that leads to it (`acc->owner.name` when over `name`; `acc` when over `acc`), `items[i]` not
 * included. Undefined over keywords, numbers, strings and comments (as far as one line tells).
 */
export function expressionAt(line: string, offset: number): { expr: string; start: number; end: number } | undefined {
  if (offset < 0 || offset >= line.length || !/[A-Za-z0-9_]/.test(line[offset])) return undefined;
  if (insideLiteralOrComment(line, offset)) return undefined;
  let start = offset;
  while (start > 0 && /[A-Za-z0-9_]/.test(line[start - 1])) start--;
  let end = offset;
  while (end < line.length && /[A-Za-z0-9_]/.test(line[end])) end++;
  const word = line.slice(start, end);
  if (!/^[A-Za-z_]/.test(word) || KEYWORDS.has(word)) return undefined;
  // a preprocessor line's words are macros, not values
  if (/^\s*#/.test(line)) return undefined;
  let chainStart = start;
  for (;;) {
    let p = chainStart;
    while (p > 0 && line[p - 1] === ' ') p--;
    let op = '';
    if (line.slice(p - 2, p) === '->') op = '->';
    else if (line[p - 1] === '.' && !/[0-9]/.test(line[p - 2] ?? '')) op = '.';
    if (!op) break;
    p -= op.length;
    while (p > 0 && line[p - 1] === ' ') p--;
    let q = p;
    while (q > 0 && /[A-Za-z0-9_]/.test(line[q - 1])) q--;
    if (q === p || !/^[A-Za-z_]/.test(line.slice(q, p))) break;
    chainStart = q;
  }
  const expr = line.slice(chainStart, end).replace(/\s+/g, '');
  return { expr, start: chainStart, end };
}

function insideLiteralOrComment(line: string, offset: number): boolean {
  let quote: string | undefined;
  for (let i = 0; i < offset; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '/' && line[i + 1] === '/') return true;
    else if (c === '/' && line[i + 1] === '*') {
      const close = line.indexOf('*/', i + 2);
      if (close < 0 || close + 2 > offset) return true;
      i = close + 1;
    }
  }
  if (quote) return true;
  // a block comment's continuation line (" * text"), or its end ("… */") after the offset
  if (/^\s*\*(\s|\/|$)/.test(line)) return true;
  const close = line.indexOf('*/');
  const open = line.indexOf('/*');
  return close >= offset && (open < 0 || open > close);
}

/** An expression cut at a parse error's position, to mark it: [before, at, after]. */
export function splitAt(expr: string, position: number | undefined): [string, string, string] | undefined {
  if (position === undefined || position < 0 || position > expr.length) return undefined;
  return [expr.slice(0, position), expr.slice(position, position + 1) || ' ', expr.slice(position + 1)];
}

/** A cache of printed values by moment, frame and expression, with the oldest entries dropped past `max`. */
export class ValueCache<T> {
  private readonly map = new Map<string, T>();
  constructor(private readonly max = 500) {}
  static key(step: bigint, tid: number | undefined, frame: number | undefined, expr: string) {
    return `${step}|${tid ?? ''}|${frame ?? ''}|${expr}`;
  }
  get(key: string): T | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: string, value: T) {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}
