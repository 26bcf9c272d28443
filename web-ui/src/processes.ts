// The processes of a trace (GET /processes) as the views use them: a colour per process, the
// program a process ran at a step, which threads are alive when, the tree of forks, and the
// timeline's lanes (a band per process, a lane per thread inside it).
import type { ProcessInfo } from './api';

/** Colours of processes in order of appearance (readable on the dark panels, distinct from the current-moment yellow). */
export const PROCESS_COLOURS = ['#6cb6ff', '#5fd38d', '#ff9e64', '#c792ea', '#4fd6be', '#f7768e', '#b4c95a', '#e28fd0'];

/** A process's colour: by its place in order of appearance when known, else from its pid. */
export function processColour(pid: number, order?: readonly number[]): string {
  const i = order?.indexOf(pid) ?? -1;
  return PROCESS_COLOURS[(i >= 0 ? i : pid) % PROCESS_COLOURS.length];
}

/** The last component of a path: `/usr/bin/echo` → `echo`. */
export const baseName = (path: string) => path.split('/').filter((s) => s !== '').pop() ?? path;

/** Arguments as a shell would take them back: quoted when they hold spaces, quotes or $. */
export function shellWords(argv: readonly string[]): string {
  return argv.map((a) => (a === '' || /[\s'"\\$`]/.test(a) ? `'${a.replace(/'/g, `'\\''`)}'` : a)).join(' ');
}

/** The program a process runs at a step (the last one it started at or before it); its last program without a step. */
export function programAt(p: ProcessInfo, step?: number | bigint) {
  if (p.programs.length === 0) return undefined;
  if (step === undefined) return p.programs[p.programs.length - 1];
  const s = Number(step);
  let found = p.programs[0];
  for (const prog of p.programs) if (prog.step <= s) found = prog;
  return found;
}

/** The short name of the program a process runs at a step: `echo`. */
export function programName(p: ProcessInfo, step?: number | bigint): string {
  const prog = programAt(p, step);
  return prog ? baseName(prog.path) : '?';
}

/** The process a thread belongs to. */
export function processOfThread(processes: readonly ProcessInfo[], tid: number): ProcessInfo | undefined {
  return processes.find((p) => p.threads.some((t) => t.tid === tid)) ?? processes.find((p) => p.pid === tid);
}

/** Whether a thread exists at a step: started at or before it and not ended before it. Unknown threads: true (the server decides). */
export function threadAlive(processes: readonly ProcessInfo[] | undefined, tid: number, step: number | bigint): boolean {
  const p = processes && processOfThread(processes, tid);
  const t = p?.threads.find((x) => x.tid === tid);
  if (!t) return true;
  const s = Number(step);
  return t.start <= s && (t.end === null || s <= t.end);
}

export interface ProcessNode {
  process: ProcessInfo;
  children: ProcessNode[];
  depth: number;
}

/**
 * The processes as a tree of forks: roots (no parent among them) and each process's children in
 * order of appearance, flattened depth first (the order a tree view lists them in).
 */
export function processTree(processes: readonly ProcessInfo[]): ProcessNode[] {
  const pids = new Set(processes.map((p) => p.pid));
  const children = new Map<number, ProcessInfo[]>();
  const roots: ProcessInfo[] = [];
  for (const p of processes) {
    if (p.parent !== null && pids.has(p.parent) && p.parent !== p.pid) {
      const list = children.get(p.parent) ?? [];
      list.push(p);
      children.set(p.parent, list);
    } else roots.push(p);
  }
  const out: ProcessNode[] = [];
  const seen = new Set<number>();
  const visit = (p: ProcessInfo, depth: number): ProcessNode | undefined => {
    if (seen.has(p.pid)) return undefined;
    seen.add(p.pid);
    const node: ProcessNode = { process: p, children: [], depth };
    out.push(node);
    for (const c of children.get(p.pid) ?? []) {
      const child = visit(c, depth + 1);
      if (child) node.children.push(child);
    }
    return node;
  };
  for (const r of roots) visit(r, 0);
  return out;
}

/** How a process ended, in a few words: `exit 0`, `SIGSEGV`, `running at the end`. */
export function exitLabel(p: ProcessInfo): string {
  if (p.signal) return p.signal;
  if (p.exitCode !== null) return `exit ${p.exitCode}`;
  if (p.exit) return p.exit;
  return p.end === null ? 'alive at the end' : 'ended';
}

export interface ProcessBand {
  kind: 'process';
  pid: number;
  /** Index of the process in order of appearance (its colour). */
  index: number;
  process?: ProcessInfo;
  top: number;
  height: number;
}

export interface ThreadLane {
  kind: 'thread';
  pid: number;
  tid: number;
  index: number;
  top: number;
  height: number;
}

export type LaneRow = ProcessBand | ThreadLane;

/**
 * The timeline's rows: per process (in order of appearance) a band for the process itself (its
 * life, fork, exec and exit marks), then a lane per thread. The processes document says which
 * threads each process has; threads only the timeline's buckets know of are added to the process
 * the buckets name for them (also when there is no processes document).
 */
export function laneLayout(
  processes: readonly ProcessInfo[] | undefined,
  tasks: Iterable<{ pid: number; tid: number }>,
  band: number,
  lane: number,
): LaneRow[] {
  const order: number[] = [];
  const threadsOf = new Map<number, number[]>();
  const add = (pid: number, tid?: number) => {
    if (!threadsOf.has(pid)) {
      threadsOf.set(pid, []);
      order.push(pid);
    }
    if (tid !== undefined && !threadsOf.get(pid)!.includes(tid)) threadsOf.get(pid)!.push(tid);
  };
  for (const p of processes ?? []) {
    add(p.pid);
    for (const t of p.threads) add(p.pid, t.tid);
  }
  const extra = [...tasks].sort((a, b) => a.pid - b.pid || a.tid - b.tid);
  for (const t of extra) {
    const owner = processes ? processOfThread(processes, t.tid)?.pid ?? t.pid : t.pid;
    add(owner, t.tid);
  }
  const rows: LaneRow[] = [];
  let top = 0;
  order.forEach((pid, index) => {
    rows.push({ kind: 'process', pid, index, process: processes?.find((p) => p.pid === pid), top, height: band });
    top += band;
    for (const tid of threadsOf.get(pid)!) {
      rows.push({ kind: 'thread', pid, tid, index, top, height: lane });
      top += lane;
    }
  });
  return rows;
}

/** The row at y pixels from the top of the lanes; undefined below the last. */
export function rowAt(rows: readonly LaneRow[], y: number): LaneRow | undefined {
  return rows.find((r) => y >= r.top && y < r.top + r.height);
}
