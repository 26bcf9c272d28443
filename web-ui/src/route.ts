// Every view state lives in the URL. This module is the one place that turns a location into a
// route and back, so that links, reloads and the back button agree.

/** The panels of the trace view, in the order they are laid out. */
export const PANELS = ['timeline', 'source', 'disasm', 'registers', 'stack', 'calls', 'memory', 'symbols', 'history'] as const;
export type Panel = (typeof PANELS)[number];
/** Open unless the URL says otherwise. */
export const DEFAULT_PANELS: readonly Panel[] = PANELS;

/** What is selected for "when did this value change": a variable, or a range of bytes. */
export type Selection = { symbol: string } | { addr: bigint; len: number };

export interface Moment {
  kind: 'moment';
  traceId: string;
  step: bigint;
  /** The thread looked at; absent: the one running at the step. */
  tid?: number;
  selection?: Selection;
  /** Where the memory panel looks; absent: the selection, else the stack pointer. */
  mem?: bigint;
  panels: readonly Panel[];
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

/** A selection as a string, equal for equal selections (a dependency for effects and memos). */
export function selectionKey(s: Selection | undefined): string {
  if (!s) return '';
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
  const tid = q.get('tid');
  if (tid && COUNT.test(tid)) route.tid = Number(tid);
  const symbol = q.get('symbol');
  const addr = parseAddress(q.get('addr'));
  const len = q.get('len');
  if (symbol) route.selection = { symbol };
  else if (addr !== undefined && len && COUNT.test(len) && Number(len) <= 4096) route.selection = { addr, len: Number(len) };
  const mem = parseAddress(q.get('mem'));
  if (mem !== undefined) route.mem = mem;
  const panels = q.get('panels');
  if (panels !== null) {
    const open = new Set(panels.split(','));
    route.panels = PANELS.filter((p) => open.has(p));
  }
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
      const s = route.selection;
      if (s && 'symbol' in s) q.push(`symbol=${encodeURIComponent(s.symbol)}`);
      else if (s) q.push(`addr=${formatAddress(s.addr)}`, `len=${s.len}`);
      if (route.mem !== undefined) q.push(`mem=${formatAddress(route.mem)}`);
      if (!samePanels(route.panels, DEFAULT_PANELS)) q.push(`panels=${route.panels.join(',')}`);
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

/** A link to a moment of a trace, keeping the selection and panels of `from` unless told otherwise. */
export function momentLink(from: Moment, change: Partial<Moment>): string {
  return formatRoute({ ...from, ...change });
}
