// The pure logic of data flow ("where did this value come from", "where did it go"): the API's
// parameters for a question, how a node of an origin tree reads in one row, copy chains folded
// into one line, and the rows of the tree as it is shown (opened, folded, loaded lazily).
import type { FlowParams, HistoryEntry, OriginNode } from './api';
import { formatAddress, formatFlow, parseFlow, type FlowQuestion, type Moment } from './route';
import { groupDigits, shortPath } from './format';

/**
 * The question `w` asks without a focused row: the selected value at this moment (a symbol, or an
 * expression picked at this moment, by its name in the frame looked at; a range, or an expression
 * picked at another moment, by its bytes once known).
 */
export function selectionQuestion(view: { route: Moment; frame?: { index: number }; selected?: { addr: bigint; len: number } }): FlowQuestion | undefined {
  const { route } = view;
  const s = route.selection;
  if (!s) return undefined;
  const at = { step: route.step, ...(route.tid !== undefined ? { tid: route.tid } : {}) };
  if ('symbol' in s) return { expr: s.symbol, frame: view.frame?.index ?? 0, ...at };
  if ('expr' in s && s.at === route.step && s.tid === route.tid) return { expr: s.expr, frame: s.frame, ...at };
  if ('addr' in s) return { addr: s.addr, len: s.len, ...at };
  return view.selected ? { addr: view.selected.addr, len: view.selected.len, ...at } : undefined;
}

/** The bytes a write wrote, just after it, in its thread: what "origin" asks about a history row. */
export function writtenQuestion(e: HistoryEntry): FlowQuestion {
  return { addr: BigInt(e.addr), len: Math.min(e.size, 4096), step: BigInt(e.step) + 1n, tid: e.tid };
}

/** The API's parameters for a question. */
export function flowParams(q: FlowQuestion): FlowParams {
  if ('node' in q) return { node: q.node };
  const at = { step: q.step, ...(q.tid !== undefined ? { tid: q.tid } : {}) };
  if ('expr' in q) return { ...at, expr: q.expr, frame: q.frame };
  if ('reg' in q) return { ...at, reg: q.reg };
  return { ...at, addr: formatAddress(q.addr), len: q.len };
}

/** What a node token says: `m.PID.ADDR.LEN.STEP` (memory) or `r.TID.REG.OFFSET.LEN.STEP` (a register). */
export function parseToken(token: string): { step: bigint; memory?: { pid: number; addr: bigint; len: number }; tid?: number } | undefined {
  const m = /^m\.(\d+)\.([0-9a-f]+)\.(\d+)\.(\d+)$/i.exec(token);
  if (m) return { step: BigInt(m[4]), memory: { pid: Number(m[1]), addr: BigInt('0x' + m[2]), len: Number(m[3]) } };
  const r = /^r\.(\d+)\.\d+\.\d+\.\d+\.(\d+)$/.exec(token);
  if (r) return { step: BigInt(r[2]), tid: Number(r[1]) };
  return undefined;
}

/** How a question reads before its answer names the place: `acc->balance`, `eax`, `0x…(4 bytes)`. */
export function questionLabel(q: FlowQuestion): string {
  if ('expr' in q) return q.expr;
  if ('reg' in q) return q.reg;
  if ('addr' in q) return `${formatAddress(q.addr)} (${q.len} byte${q.len === 1 ? '' : 's'})`;
  const t = parseToken(q.node);
  if (t?.memory) return `${formatAddress(t.memory.addr)} (${t.memory.len} byte${t.memory.len === 1 ? '' : 's'})`;
  return t?.tid !== undefined ? `a register of thread ${t.tid}` : q.node;
}

/** The place a question asked about, as its answer names it: where the nearest copy put the value, else the root's own place. */
export function questionPlace(root: OriginNode): string {
  return root.via[0]?.location ?? root.location ?? '?';
}

/** The step a question is asked at (a node's from its token). */
export function questionStep(q: FlowQuestion): bigint | undefined {
  return 'node' in q ? parseToken(q.node)?.step : q.step;
}

/** A question as a data attribute (the URL's origin parameters), so that `w` can ask about the focused row. */
export function flowAttr(q: FlowQuestion): string {
  return formatFlow('origin', 'o', q).join('&');
}

/** The question a data attribute holds (flowAttr's inverse). */
export function readFlowAttr(text: string | null | undefined): FlowQuestion | undefined {
  if (!text) return undefined;
  const p = new URLSearchParams(text);
  // a row's question is always pinned: the fallback never applies
  return parseFlow(p.get('origin'), { step: p.get('ostep'), frame: p.get('oframe'), tid: p.get('otid') }, { step: 0n });
}

/** The moment of a node (a link), or undefined for what was there from the start (step -1). */
export function nodeMoment(n: { step?: number | null; tid?: number | null }): { step: bigint; tid?: number } | undefined {
  if (n.step === undefined || n.step === null || n.step < 0) return undefined;
  return { step: BigInt(n.step), ...(n.tid !== undefined && n.tid !== null ? { tid: n.tid } : {}) };
}

/**
 * A location as a row shows it: the symbol and the size without the address it stands for
 * (`balance (4 B)`), an address with its size (`0x555555556016 (1 B)`), a register as it is.
 */
export function shortLocation(location: string): string {
  const m = /^(.+?) \((0x[0-9a-f]+), (\d+) bytes?\)$/.exec(location);
  if (m) return `${m[1]} (${m[3]} B)`;
  const a = /^(0x[0-9a-f]+) \((\d+) bytes?\)$/.exec(location);
  if (a) return `${a[1]} (${a[2]} B)`;
  return location;
}

/** `location = value` (the location shortened), or the location alone. */
export function nodeWhat(n: { location?: string | null; value?: string | null }, short = true): string {
  const place = n.location ? (short ? shortLocation(n.location) : n.location) : '?';
  return n.value !== undefined && n.value !== null ? `${place} = ${n.value}` : place;
}

/** A source file's name without its directories. */
export const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Function and file:line, as the other panels show a place: `deposit testprogs/demo_bug.c:43`. */
export function whereText(n: { function?: string | null; file?: string | null; line?: number | null; rip?: string | null }): string {
  const fn = n.function ?? n.rip ?? '';
  const file = n.file ? `${shortPath(n.file)}:${n.line ?? '?'}` : '';
  return [fn, file].filter((s) => s).join(' ');
}

const bytes = (n: number) => `${n} byte${n === 1 ? '' : 's'}`;
const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

/** A module's path shortened to its file name: `.../demo_bug`. */
export function shortModule(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : `.../${path.slice(i + 1)}`;
}

/** A long path cut to its file name (`.../in.bin`); short ones as they are. */
export function shortFile(path: string): string {
  const parts = path.split('/');
  return parts.length > 3 ? `.../${parts[parts.length - 1]}` : path;
}

/**
 * What a system call leaf says: `read of /data/in.txt at offset 16 (4 bytes)`, `rdtsc`,
 * `getpid returned 42`; `full` keeps a long path whole (a tooltip), else it is cut to its end.
 */
export function syscallText(s: NonNullable<OriginNode['syscall']>, full = true): string {
  const name = str(s.name) ?? 'a system call';
  const path = str(s.path) && !full ? shortFile(str(s.path)!) : str(s.path);
  const fd = str(s.fd);
  const offset = str(s.offset);
  const length = typeof s.length === 'number' ? s.length : undefined;
  let text = name;
  if (path) text += ` of ${path}`;
  else if (fd !== undefined) text += ` from fd ${fd}`;
  if (offset !== undefined) text += ` at offset ${offset}`;
  if (length !== undefined) text += ` (${bytes(length)})`;
  else if (!path && fd === undefined && s.result !== undefined && s.result !== null) text += ` returned ${s.result}`;
  return text;
}

/** What an initial leaf says: `argv[2] "7"`, `environment HOME`, `image: .../demo_bug read-only data (file offset 8214)`. */
export function initialText(i: NonNullable<OriginNode['initial']>): string {
  switch (i.what) {
    case 'argv':
      if (i.argc !== undefined && i.argc !== null) return `argc (${i.argc})`;
      if (i.pointer) return `the pointer argv[${i.index}]`;
      return `argv[${i.index}] ${JSON.stringify(str(i.text) ?? '')}`;
    case 'envp':
      if (i.pointer) return `the pointer envp[${i.index}]`;
      return `environment ${str(i.name) ?? `envp[${i.index}]`}`;
    case 'auxv':
      return `auxiliary vector ${str(i.type) ?? ''}`.trim();
    case 'image': {
      const module = str(i.module);
      const parts = [`image: ${module ? shortModule(module) : 'the program'}`];
      if (i.symbol) parts.push(`${i.symbol} in`);
      if (i.segment) parts.push(String(i.segment));
      let text = parts.join(' ');
      if (i.file_offset !== undefined && i.file_offset !== null) text += ` (file offset ${i.file_offset})`;
      return text;
    }
    case 'mapping': {
      const path = str(i.path) ?? 'a mapping';
      return i.offset !== undefined && i.offset !== null ? `mapping of ${path} at offset ${i.offset}` : path.startsWith('anonymous') ? path : `mapping of ${path}`;
    }
    case 'registers':
      return "the registers at the process's start";
    default:
      return `initial ${i.what}`;
  }
}

/**
 * The second column of a node's row: its instruction, or what a leaf or a piecewise copy says
 * (a constant's note names its instruction: `0 (xor esi, esi)`). `full`: long paths whole.
 */
export function nodeDetail(n: OriginNode, full = false): string {
  if (n.kind === 'syscall' && n.syscall) return syscallText(n.syscall, full);
  if (n.kind === 'initial' && n.initial) return initialText(n.initial);
  if (n.routine) return `${n.routine} in ${n.caller ?? n.function ?? '?'}`;
  if ((n.kind === 'constant' || n.kind === 'unknown') && n.note) return n.note;
  if (n.disassembly) return n.disassembly;
  return n.note ?? '';
}

/** One copy of a chain, as the folded line names it: `strcpy in set_owner`, or its instruction. */
export function copyLabel(c: OriginNode): string {
  if (c.routine) return `${c.routine} in ${c.caller ?? c.function ?? '?'}`;
  return c.disassembly ?? c.location ?? 'a copy';
}

/** A copy chain folded into one line: `via strcpy in set_owner`, `copied 4 times: mov … · memcpy in main · …`. */
export function viaSummary(via: readonly OriginNode[]): string | undefined {
  if (via.length === 0) return undefined;
  if (via.length === 1) return `via ${copyLabel(via[0])}`;
  return `copied ${via.length} times: ${via.map(copyLabel).join(' · ')}`;
}

/** The whole row of a node as one line of text (its tooltip, and what the tests read). */
export function nodeLine(n: OriginNode): string {
  const parts = [n.kind, (n.operand ? `${n.operand}: ` : '') + nodeWhat(n, false), whereText(n), nodeDetail(n, true)];
  const m = nodeMoment(n);
  parts.push(m ? `step ${groupDigits(m.step)}` : 'from the start');
  return parts.filter((p) => p).join(' · ');
}

// ---- the tree as shown

/** A node's inputs fetched lazily (`origin?node=`): loading, loaded, or failed. */
export interface Loaded {
  inputs?: OriginNode[];
  loading?: boolean;
  error?: string;
}

export type TreeRow =
  | { type: 'node'; path: string; depth: number; node: OriginNode; open: boolean; expandable: boolean; parent?: string }
  | { type: 'via'; path: string; depth: number; node: OriginNode; open: boolean; parent: string }
  | { type: 'copy'; path: string; depth: number; node: OriginNode; index: number; parent: string }
  | { type: 'status'; path: string; depth: number; loading?: boolean; error?: string; empty?: boolean; parent: string };

/** Levels opened by default: the answer's first levels; deeper ones wait for a click. */
export const OPEN_LEVELS = 3;

/** The inputs of a node: those fetched for it, else the answer's. */
export function inputsOf(path: string, node: OriginNode, loaded: ReadonlyMap<string, Loaded>): OriginNode[] {
  return loaded.get(path)?.inputs ?? node.inputs;
}

/** Whether a node (or a via line, path ending in `~`) is open: the user's choice, else the default. */
export function isOpen(path: string, depth: number, node: OriginNode, open: ReadonlyMap<string, boolean>, loaded: ReadonlyMap<string, Loaded>): boolean {
  const chosen = open.get(path);
  if (chosen !== undefined) return chosen;
  if (path.endsWith('~')) return false;
  return depth < OPEN_LEVELS && (!node.expand || !!loaded.get(path)?.inputs);
}

/**
 * The rows shown for a tree: each node, under it its folded copy chain (and, opened, each copy),
 * then its inputs when it is open (or the state of their lazy load).
 */
export function treeRows(root: OriginNode, open: ReadonlyMap<string, boolean>, loaded: ReadonlyMap<string, Loaded>): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (node: OriginNode, path: string, depth: number, parent?: string) => {
    const inputs = inputsOf(path, node, loaded);
    const expandable = inputs.length > 0 || !!node.expand;
    const opened = expandable && isOpen(path, depth, node, open, loaded);
    rows.push({ type: 'node', path, depth, node, open: opened, expandable, parent });
    if (node.via.length > 0) {
      const via = path + '~';
      const viaOpen = isOpen(via, depth, node, open, loaded);
      rows.push({ type: 'via', path: via, depth: depth + 1, node, open: viaOpen, parent: path });
      if (viaOpen) node.via.forEach((c, i) => rows.push({ type: 'copy', path: `${via}${i}`, depth: depth + 2, node: c, index: i, parent: via }));
    }
    if (!opened) return;
    const state = loaded.get(path);
    if (state?.loading || state?.error) {
      rows.push({ type: 'status', path: path + '!', depth: depth + 1, loading: state.loading, error: state.error, parent: path });
      return;
    }
    if (state?.inputs && state.inputs.length === 0) rows.push({ type: 'status', path: path + '!', depth: depth + 1, empty: true, parent: path });
    inputs.forEach((c, i) => walk(c, `${path}.${i}`, depth + 1, path));
  };
  walk(root, 'r', 0);
  return rows;
}

/** A node that says where its value entered (a leaf): what it says matters more than the function it ran in. */
export const isLeaf = (n: OriginNode) => n.kind === 'syscall' || n.kind === 'initial' || n.kind === 'constant' || n.kind === 'unknown';

/** Whether a row opens and closes (a node with inputs, a copy chain). */
export const expandableRow = (r: TreeRow) => (r.type === 'node' && r.expandable) || r.type === 'via';

/**
 * A key pressed on row `i` of a tree (WAI-ARIA's tree): ↑/↓ the previous/next row, Home/End the
 * first/last, → opens a closed row or goes to its first child, ← closes an open row or goes to its
 * parent. Returns the row to focus and the row to open or close, or undefined for other keys.
 */
export function treeKey(rows: readonly TreeRow[], i: number, key: string): { focus?: number; toggle?: { path: string; open: boolean } } | undefined {
  const row = rows[i];
  if (!row) return undefined;
  switch (key) {
    case 'ArrowDown':
      return { focus: Math.min(rows.length - 1, i + 1) };
    case 'ArrowUp':
      return { focus: Math.max(0, i - 1) };
    case 'Home':
      return { focus: 0 };
    case 'End':
      return { focus: rows.length - 1 };
    case 'ArrowRight': {
      if (expandableRow(row) && !('open' in row && row.open)) return { toggle: { path: row.path, open: true } };
      const next = rows[i + 1];
      return next && next.parent === row.path ? { focus: i + 1 } : { focus: i };
    }
    case 'ArrowLeft': {
      if (expandableRow(row) && 'open' in row && row.open) return { toggle: { path: row.path, open: false } };
      const parent = row.parent === undefined ? -1 : rows.findIndex((r) => r.path === row.parent);
      return { focus: parent >= 0 ? parent : i };
    }
  }
  return undefined;
}
