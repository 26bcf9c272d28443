// Every view state lives in the URL. This module is the one place that turns a location into a
// route and back, so that links, reloads and the back button agree.

/** The panels of the trace view, in the order they are laid out. */
export const PANELS = ['timeline', 'source', 'disasm', 'variables', 'stack', 'calls', 'history', 'memory', 'registers', 'symbols', 'output'] as const;
export type Panel = (typeof PANELS)[number];
/** Open unless the URL says otherwise. */
export const DEFAULT_PANELS: readonly Panel[] = PANELS;

/**
 * What is selected for "when did this value change": a variable, a range of bytes, or an
 * expression (`acc->balance`) evaluated at a moment (step `at`, frame, thread) to the memory it
 * designates then.
 */
export type Selection = { symbol: string } | { addr: bigint; len: number } | ExprSelection;
export interface ExprSelection {
  expr: string;
  at: bigint;
  /** gdb's frame number at `at`, 0 innermost. */
  frame: number;
  /** The thread; absent: the one running at `at`. */
  tid?: number;
}

/** The executions of a source line (FILE:LINE), a function or an address: the Executions panel's subject. */
export interface ExecTarget {
  kind: 'line' | 'function' | 'address';
  /** FILE:LINE, a function's name, or 0x… */
  target: string;
}

/**
 * A value asked about by data flow ("where did it come from", "where did it go"): memory, a
 * register or an expression (in a frame) at a moment (step, thread; absent: the one running at
 * the step), or the `node` token of an earlier answer, which says its place and moment itself.
 */
export type FlowQuestion =
  | { node: string }
  | { addr: bigint; len: number; step: bigint; tid?: number }
  | { reg: string; step: bigint; tid?: number }
  | { expr: string; step: bigint; frame: number; tid?: number };

export interface Moment {
  kind: 'moment';
  traceId: string;
  step: bigint;
  /** The URL names no step (`/t/ID`): the trace opens at its opening moment, which then replaces the URL. */
  opening?: true;
  /** The thread looked at; absent: the one running at the step. */
  tid?: number;
  selection?: Selection;
  /** Where the memory panel looks; absent: the selection, else the stack pointer. */
  mem?: bigint;
  /** The frame looked at (gdb's number, 0 innermost); absent: the innermost frame with source. */
  frame?: number;
  /** Expressions evaluated at every moment in the Variables panel. */
  watch?: readonly string[];
  /** The Executions panel's line, function or address, with its expressions (`print`). */
  exec?: ExecTarget;
  print?: readonly string[];
  /** The Executions panel lists from this step on (absent: from the first execution). */
  execFrom?: bigint;
  /** The Origin panel's question: where did this value come from (`origin=`, with `ostep`, `oframe`, `otid`). */
  origin?: FlowQuestion;
  /** The Uses panel's question: where did this value go (`uses=`, with `ustep`, `uframe`, `utid`). */
  uses?: FlowQuestion;
  panels: readonly Panel[];
  /** The History panel shows only the writes of this process (`hpid=`); the Output panel only what this process wrote (`opid=`). */
  historyPid?: number;
  outputPid?: number;
  /** An open dialog: the process tree (`dialog=processes`). */
  dialog?: 'processes';
  /** A share link's token: every API call of this page carries it. */
  share?: string;
}

export type Route = { kind: 'traces' } | Moment | { kind: 'not-found'; path: string };

const MOMENT = /^\/t\/([A-Za-z0-9_-]+)(?:\/step\/(\d+))?\/?$/;
const ADDRESS = /^(?:0x[0-9a-fA-F]{1,16}|\d{1,20})$/;
const COUNT = /^[1-9]\d{0,8}$/;

/** An address as the API writes it ("0x" hex) or a decimal; undefined when it is neither or past 64 bits. */
export function parseAddress(text: string | null | undefined): bigint | undefined {
  if (!text || !ADDRESS.test(text.trim())) return undefined;
  const value = BigInt(text.trim());
  return value < 1n << 64n ? value : undefined;
}

export const formatAddress = (addr: bigint) => '0x' + addr.toString(16);

const FRAME = /^(?:0|[1-9]\d{0,5})$/;
/**
 * Whether a name picked as a variable is an expression rather than a symbol: a member
 * (`table.checksum`, `acc->balance`), an element (`items[2]`) or a dereference (`*p`). Symbols
 * have dots only before digits (`completed.0`), and colons and spaces (`std::cout`, `vtable for T`).
 */
export const isExpression = (name: string) => /->|\[|^\s*[*&(]|\.\s*[A-Za-z_]/.test(name);
const STEP = /^\d{1,20}$/;
const EXEC = /^(line|function|address):(.+)$/;

/** An exec parameter (`line:FILE:LINE`, `function:NAME`, `address:0x…`); undefined when it is none. */
export function parseExec(text: string | null | undefined): ExecTarget | undefined {
  const m = text ? EXEC.exec(text) : null;
  if (!m) return undefined;
  const kind = m[1] as ExecTarget['kind'];
  const target = m[2];
  if (kind === 'line' && !/^.+:[1-9]\d*$/.test(target)) return undefined;
  if (kind === 'address' && parseAddress(target) === undefined) return undefined;
  return { kind, target };
}

export const formatExec = (e: ExecTarget) => `${e.kind}:${e.target}`;

const FLOW = /^(node|addr|reg|expr):(.+)$/;
const RANGE = /^(0x[0-9a-fA-F]{1,16}|\d{1,20}):([1-9]\d{0,3})$/;
const REGISTER = /^[a-z][a-z0-9_]{0,15}$/;
const TOKEN = /^[A-Za-z0-9._-]{1,200}$/;

/**
 * A data-flow question from the URL: `node:TOKEN`, `addr:0x…:LEN`, `reg:NAME` or `expr:E`, pinned
 * to the moment `at` (the question's step, frame and thread parameters); a question written
 * without them is asked at `fallback`, the route's own moment. Undefined when it does not parse.
 */
export function parseFlow(
  text: string | null | undefined,
  at: { step?: string | null; frame?: string | null; tid?: string | null },
  fallback: { step: bigint; frame?: number; tid?: number },
): FlowQuestion | undefined {
  const m = text ? FLOW.exec(text) : null;
  if (!m) return undefined;
  const [, kind, what] = m;
  if (kind === 'node') return TOKEN.test(what) ? { node: what } : undefined;
  const pinned = !!at.step && STEP.test(at.step);
  const step = pinned ? BigInt(at.step!) : fallback.step;
  const tid = pinned ? (at.tid && COUNT.test(at.tid) ? Number(at.tid) : undefined) : fallback.tid;
  const moment = { step, ...(tid !== undefined ? { tid } : {}) };
  if (kind === 'reg') return REGISTER.test(what) ? { reg: what, ...moment } : undefined;
  if (kind === 'expr') {
    const frame = pinned ? (at.frame && FRAME.test(at.frame) ? Number(at.frame) : 0) : (fallback.frame ?? 0);
    return what.trim() ? { expr: what, ...moment, frame } : undefined;
  }
  const r = RANGE.exec(what);
  const addr = r ? parseAddress(r[1]) : undefined;
  if (!r || addr === undefined || Number(r[2]) > 4096) return undefined;
  return { addr, len: Number(r[2]), ...moment };
}

/** The URL parameters of a data-flow question (`prefix` names the moment's: o for origin, u for uses). */
export function formatFlow(name: string, prefix: string, q: FlowQuestion): string[] {
  if ('node' in q) return [`${name}=node:${q.node}`];
  const what = 'expr' in q ? `expr:${param(q.expr)}` : 'reg' in q ? `reg:${q.reg}` : `addr:${formatAddress(q.addr)}:${q.len}`;
  const out = [`${name}=${what}`, `${prefix}step=${q.step}`];
  if ('expr' in q && q.frame !== 0) out.push(`${prefix}frame=${q.frame}`);
  if (q.tid !== undefined) out.push(`${prefix}tid=${q.tid}`);
  return out;
}

/** A data-flow question as a string, equal for equal questions (a dependency for effects and memos). */
export function flowKey(q: FlowQuestion | undefined): string {
  return q ? formatFlow('q', '', q).join('&') : '';
}

/** A URL parameter's value: encoded except for the characters that read well in an expression or a path. */
const param = (v: string) => encodeURIComponent(v).replace(/%2F/g, '/').replace(/%3A/g, ':').replace(/%5B/g, '[').replace(/%5D/g, ']').replace(/%2C/g, ',');

/** A selection as a string, equal for equal selections (a dependency for effects and memos). */
export function selectionKey(s: Selection | undefined): string {
  if (!s) return '';
  if ('expr' in s) return `expr ${s.at} ${s.frame} ${s.tid ?? ''} ${s.expr}`;
  return 'symbol' in s ? `symbol ${s.symbol}` : `range ${formatAddress(s.addr)} ${s.len}`;
}

/**
 * The route a location names. Steps and addresses are 64-bit: parsed as bigint, never rounded.
 * Parameters that do not parse are dropped rather than refused: a link with a typo still opens its moment.
 */
export function parseRoute(pathname: string, search = ''): Route {
  if (pathname === '/' || pathname === '') return { kind: 'traces' };
  const moment = MOMENT.exec(pathname);
  if (!moment) return { kind: 'not-found', path: pathname };
  const q = new URLSearchParams(search);
  const route: Moment = {
    kind: 'moment',
    traceId: moment[1],
    step: BigInt(moment[2] ?? '0'),
    panels: DEFAULT_PANELS,
  };
  if (moment[2] === undefined) route.opening = true;
  const tid = q.get('tid');
  if (tid && COUNT.test(tid)) route.tid = Number(tid);
  const frame = q.get('frame');
  if (frame && FRAME.test(frame)) route.frame = Number(frame);
  const symbol = q.get('symbol');
  const addr = parseAddress(q.get('addr'));
  const len = q.get('len');
  const expr = q.get('expr');
  if (expr) {
    // pinned to the moment it was picked at; a hand-written ?expr= is evaluated at the route's own moment
    const at = q.get('at');
    const atFrame = q.get('atframe');
    const atTid = q.get('attid');
    route.selection = at && STEP.test(at)
      ? { expr, at: BigInt(at), frame: atFrame && FRAME.test(atFrame) ? Number(atFrame) : 0, ...(atTid && COUNT.test(atTid) ? { tid: Number(atTid) } : {}) }
      : { expr, at: route.step, frame: route.frame ?? 0, ...(route.tid !== undefined ? { tid: route.tid } : {}) };
  } else if (symbol && isExpression(symbol)) {
    // a member, an element, a dereference (`table.checksum`): an expression at the route's moment
    route.selection = { expr: symbol, at: route.step, frame: route.frame ?? 0, ...(route.tid !== undefined ? { tid: route.tid } : {}) };
  } else if (symbol) route.selection = { symbol };
  else if (addr !== undefined && len && COUNT.test(len) && Number(len) <= 4096) route.selection = { addr, len: Number(len) };
  const mem = parseAddress(q.get('mem'));
  if (mem !== undefined) route.mem = mem;
  const watch = q.getAll('watch').filter((w) => w.trim() !== '');
  if (watch.length) route.watch = watch;
  const exec = parseExec(q.get('exec'));
  if (exec) {
    route.exec = exec;
    const print = q.getAll('print').filter((p) => p.trim() !== '');
    if (print.length) route.print = print;
    const from = q.get('from');
    if (from && STEP.test(from)) route.execFrom = BigInt(from);
  }
  const fallback = { step: route.step, frame: route.frame, tid: route.tid };
  const origin = parseFlow(q.get('origin'), { step: q.get('ostep'), frame: q.get('oframe'), tid: q.get('otid') }, fallback);
  if (origin) route.origin = origin;
  const uses = parseFlow(q.get('uses'), { step: q.get('ustep'), frame: q.get('uframe'), tid: q.get('utid') }, fallback);
  if (uses) route.uses = uses;
  const panels = q.get('panels');
  if (panels !== null) {
    const open = new Set(panels.split(','));
    route.panels = PANELS.filter((p) => open.has(p));
  }
  const hpid = q.get('hpid');
  if (hpid && COUNT.test(hpid)) route.historyPid = Number(hpid);
  const opid = q.get('opid');
  if (opid && COUNT.test(opid)) route.outputPid = Number(opid);
  if (q.get('dialog') === 'processes') route.dialog = 'processes';
  const share = q.get('share');
  if (share) route.share = share;
  return route;
}

/** The path and query of a route, the inverse of parseRoute. */
export function formatRoute(route: Route): string {
  switch (route.kind) {
    case 'traces':
      return '/';
    case 'not-found':
      return route.path;
    case 'moment': {
      const q: string[] = [];
      if (route.tid !== undefined) q.push(`tid=${route.tid}`);
      if (route.frame !== undefined) q.push(`frame=${route.frame}`);
      const s = route.selection;
      if (s && 'expr' in s) {
        q.push(`expr=${param(s.expr)}`, `at=${s.at}`);
        if (s.frame !== 0) q.push(`atframe=${s.frame}`);
        if (s.tid !== undefined) q.push(`attid=${s.tid}`);
      } else if (s && 'symbol' in s) q.push(`symbol=${encodeURIComponent(s.symbol)}`);
      else if (s) q.push(`addr=${formatAddress(s.addr)}`, `len=${s.len}`);
      if (route.mem !== undefined) q.push(`mem=${formatAddress(route.mem)}`);
      for (const w of route.watch ?? []) q.push(`watch=${param(w)}`);
      if (route.exec) {
        q.push(`exec=${param(formatExec(route.exec))}`);
        for (const p of route.print ?? []) q.push(`print=${param(p)}`);
        if (route.execFrom !== undefined) q.push(`from=${route.execFrom}`);
      }
      if (route.origin) q.push(...formatFlow('origin', 'o', route.origin));
      if (route.uses) q.push(...formatFlow('uses', 'u', route.uses));
      if (!samePanels(route.panels, DEFAULT_PANELS)) q.push(`panels=${route.panels.join(',')}`);
      if (route.historyPid !== undefined) q.push(`hpid=${route.historyPid}`);
      if (route.outputPid !== undefined) q.push(`opid=${route.outputPid}`);
      if (route.dialog) q.push(`dialog=${route.dialog}`);
      if (route.share) q.push(`share=${encodeURIComponent(route.share)}`);
      return `/t/${route.traceId}/step/${route.step}` + (q.length ? '?' + q.join('&') : '');
    }
  }
}

function samePanels(a: readonly Panel[], b: readonly Panel[]) {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

/** The same moment with one panel opened or closed. */
export function togglePanel(route: Moment, panel: Panel): Moment {
  const open = new Set(route.panels);
  if (open.has(panel)) open.delete(panel);
  else open.add(panel);
  return { ...route, panels: PANELS.filter((p) => open.has(p)) };
}

/**
 * The route after a change of view. Frames are selected at a moment: going to another step or
 * thread drops the selected frame (back to the innermost with source), unless the change names one.
 */
export function changed(from: Moment, change: Partial<Moment>): Moment {
  const to = { ...from, ...change };
  const elsewhere = (change.step !== undefined && change.step !== from.step) || ('tid' in change && change.tid !== from.tid);
  if (elsewhere && !('frame' in change)) delete to.frame;
  for (const k of Object.keys(to) as (keyof Moment)[]) if (to[k] === undefined) delete to[k];
  return to;
}

/** A link to a moment of a trace, keeping the selection and panels of `from` unless told otherwise. */
export function momentLink(from: Moment, change: Partial<Moment>): string {
  return formatRoute(changed(from, change));
}
