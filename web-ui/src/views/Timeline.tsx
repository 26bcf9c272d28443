// The whole run at a glance (canvas): a band per process (its life, forks, execs and exit) with a
// lane per thread inside, shaded by how much the thread ran in each slice; then call density,
// system calls and signals; the current moment as a line. Click or drag to go; in a thread's lane,
// to that thread (a process waiting while another runs can be looked at).
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { fetchTimeline, type ProcessInfo, type Timeline } from '../api';
import { Status } from '../components/Panel';
import { groupDigits } from '../format';
import { useAsync } from '../hooks';
import { baseName, exitLabel, laneLayout, processColour, rowAt, shellWords, threadAlive, type LaneRow } from '../processes';
import { go, type View } from './context';
import { pidOrder, useProcesses } from './Processes';
import './processes.css';

const BAND = 14;
const LANE = 12;
const DENSITY = 18;
const MARKS = 8;

/** The step at x pixels of a timeline width wide over `instructions` steps. */
export function stepAt(x: number, width: number, instructions: number): bigint {
  if (instructions <= 0 || width <= 0) return 0n;
  const f = Math.min(Math.max(x / width, 0), 1);
  return BigInt(Math.min(instructions - 1, Math.floor(f * instructions)));
}

/** Where a press on a lane goes: its thread, when the trace has several and it is alive then; else the thread running at the step. */
export function targetOf(row: LaneRow | undefined, step: bigint, threads: number, processes?: readonly ProcessInfo[]): { step: bigint; tid?: number } {
  if (row?.kind === 'thread' && threads > 1 && threadAlive(processes, row.tid, step)) return { step, tid: row.tid };
  return { step, tid: undefined };
}

export function TimelineView({ view }: { view: View }) {
  const { route, moment } = view;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<{ step: bigint; row?: LaneRow }>();
  const dragging = useRef<LaneRow | undefined | false>(false);
  useLayoutEffect(() => {
    const el = canvas.current!.parentElement!;
    const measure = () => setWidth(el.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const buckets = Math.max(1, Math.min(1024, Math.floor(width / 2)));
  const timeline = useAsync(() => (width ? fetchTimeline(route.traceId, buckets) : Promise.resolve(undefined)), [route.traceId, buckets]);
  const procs = useProcesses(route.traceId);
  const data = timeline.data;
  const processes = procs.data;
  const rows = data ? laneLayout(processes, data.buckets.flatMap((b) => b.tasks), BAND, LANE) : [];
  const lanes = rows.length ? rows[rows.length - 1].top + rows[rows.length - 1].height : 0;
  const height = lanes + DENSITY + MARKS + 4;
  const threads = rows.filter((r) => r.kind === 'thread').length;
  const processCount = rows.filter((r) => r.kind === 'process').length;

  useEffect(() => {
    if (data && canvas.current) draw(canvas.current, data, rows, processes, width, height, route.step, moment?.tid, hover?.step);
  }, [data, processes, width, route.step, moment?.tid, hover?.step]);

  const at = (e: PointerEvent) => {
    const rect = canvas.current!.getBoundingClientRect();
    return { step: stepAt(e.clientX - rect.left, rect.width, data?.instructions ?? 0), row: rowAt(rows, e.clientY - rect.top) };
  };
  return (
    <div class="timeline" data-testid="timeline">
      <div class="tl-body">
        <div class="tl-labels" style={{ height: `${height}px` }} data-testid="timeline-labels">
          {rows.map((r) =>
            r.kind === 'process' ? (
              <ProcessLabel key={`p${r.pid}`} row={r} order={pidOrder(processes)} current={moment?.pid === r.pid} />
            ) : (
              <div
                key={`t${r.tid}`}
                class={'tl-label tl-thread' + (moment?.tid === r.tid ? ' current' : '')}
                style={{ top: `${r.top}px`, height: `${r.height}px` }}
                data-testid="timeline-thread"
                data-pid={r.pid}
                data-tid={r.tid}
                title={`thread ${r.tid} of process ${r.pid}${threads > 1 ? ': click in its lane to look at it' : ''}`}
              >
                <span>thread</span>
                <span class="mono">{r.tid}</span>
              </div>
            ),
          )}
          {data && (
            <div class="tl-label tl-density muted" style={{ top: `${lanes}px`, height: `${DENSITY + MARKS}px` }}>
              calls · syscalls
            </div>
          )}
        </div>
        <div class="tl-canvas">
          <canvas
            ref={canvas}
            style={{ width: `${width}px`, height: `${height}px` }}
            data-testid="timeline-canvas"
            onPointerDown={(e) => {
              if (!data) return;
              const where = at(e);
              dragging.current = where.row;
              canvas.current!.setPointerCapture(e.pointerId);
              setHover(where);
            }}
            onPointerMove={(e) => data && setHover(at(e))}
            onPointerUp={(e) => {
              if (!data || dragging.current === false) return;
              const row = dragging.current;
              dragging.current = false;
              go(route, targetOf(row, at(e).step, threads, processes));
            }}
            onPointerLeave={() => dragging.current === false && setHover(undefined)}
          />
        </div>
      </div>
      <div class="timeline-legend muted">
        {data && (
          <>
            <span data-testid="timeline-summary">
              {groupDigits(data.instructions)} steps · {processCount > 1 ? `${processCount} processes · ` : ''}
              {threads} thread{threads === 1 ? '' : 's'}
            </span>
            <span>
              <i class="key calls" /> calls <i class="key sys" /> system calls <i class="key sig" /> signals
              {processCount > 1 && (
                <>
                  {' '}
                  <i class="key fork" /> fork <i class="key exec" /> exec
                </>
              )}
            </span>
            {hover !== undefined && (
              <span class="mono">
                → {groupDigits(hover.step)}
                {hover.row?.kind === 'thread' ? ` · process ${hover.row.pid} · thread ${hover.row.tid}` : hover.row ? ` · process ${hover.row.pid}` : ''}
              </span>
            )}
          </>
        )}
        <Status error={timeline.error} loading={!data && timeline.loading} />
      </div>
    </div>
  );
}

function ProcessLabel({ row, order, current }: { row: Extract<LaneRow, { kind: 'process' }>; order?: number[]; current: boolean }) {
  const p = row.process;
  const names = p ? p.programs.map((prog) => baseName(prog.path)).filter((n, i, all) => i === 0 || n !== all[i - 1]) : [];
  const title = p
    ? `process ${p.pid}${p.parent !== null ? `, child of ${p.parent}` : ''}\n${p.programs.map((prog) => shellWords(prog.argv)).join('\nthen ')}\n${p.exit ?? exitLabel(p)}`
    : `process ${row.pid}`;
  return (
    <div
      class={'tl-label tl-process' + (current ? ' current' : '')}
      style={{ top: `${row.top}px`, height: `${row.height}px`, '--pc': processColour(row.pid, order) }}
      data-testid="timeline-process"
      data-pid={row.pid}
      title={title}
    >
      <i class="pdot" />
      <span class="mono">{row.pid}</span> <span class="pname">{names.join(' → ')}</span>
    </div>
  );
}

/** A colour as rgba with an alpha (for the lanes' shading). */
function alpha(hex: string, a: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

function draw(
  c: HTMLCanvasElement,
  t: Timeline,
  rows: LaneRow[],
  processes: readonly ProcessInfo[] | undefined,
  width: number,
  height: number,
  step: bigint,
  tid?: number,
  hover?: bigint,
) {
  const ratio = devicePixelRatio || 1;
  c.width = Math.round(width * ratio);
  c.height = Math.round(height * ratio);
  const g = c.getContext('2d')!;
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);
  const order = pidOrder(processes);
  const colour = (pid: number) => processColour(pid, order);
  const n = t.buckets.length;
  const x = (i: number) => (i / n) * width;
  const w = Math.max(1, width / n);
  const at = (s: number | bigint) => (Number(s) / Math.max(1, t.instructions)) * width;
  const laneOf = new Map<number, LaneRow>();
  const bandOf = new Map<number, LaneRow>();
  for (const r of rows) (r.kind === 'thread' ? laneOf.set(r.tid, r) : bandOf.set(r.pid, r));
  const lanes = rows.length ? rows[rows.length - 1].top + rows[rows.length - 1].height : 0;

  // the looked-at thread's lane, faintly
  const mine = tid !== undefined ? laneOf.get(tid) : undefined;
  if (mine) {
    g.fillStyle = 'rgba(255,216,102,0.07)';
    g.fillRect(0, mine.top, width, mine.height);
  }
  // each thread's life as a thin line (a thread waiting is alive, not running), each process's as its band
  for (const p of processes ?? []) {
    const band = bandOf.get(p.pid);
    if (band) {
      const from = at(p.start);
      const to = at(p.end ?? t.instructions);
      g.fillStyle = alpha(colour(p.pid), 0.22);
      g.fillRect(from, band.top + 4, Math.max(1, to - from), band.height - 8);
    }
    for (const th of p.threads) {
      const lane = laneOf.get(th.tid);
      if (!lane) continue;
      const from = at(th.start);
      const to = at(th.end ?? t.instructions);
      g.fillStyle = alpha(colour(p.pid), 0.35);
      g.fillRect(from, lane.top + lane.height / 2 - 0.5, Math.max(1, to - from), 1);
    }
  }
  const maxCalls = Math.max(1, ...t.buckets.map((b) => b.calls));
  t.buckets.forEach((b, i) => {
    const span = Math.max(1, b.to - b.from);
    for (const task of b.tasks) {
      const lane = laneOf.get(task.tid);
      if (!lane) continue;
      g.fillStyle = alpha(colour(lane.pid), 0.2 + 0.8 * Math.min(1, task.instructions / span));
      g.fillRect(x(i), lane.top + 1, w, lane.height - 2);
    }
    const h = (b.calls / maxCalls) * DENSITY;
    g.fillStyle = '#7d6bd9';
    g.fillRect(x(i), lanes + DENSITY - h, w, h);
    if (b.syscalls) {
      g.fillStyle = '#e5a445';
      g.fillRect(x(i), lanes + DENSITY + 1, w, MARKS / 2);
    }
    if (b.signals) {
      g.fillStyle = '#ff6b6b';
      g.fillRect(x(i), lanes + DENSITY + 1 + MARKS / 2, w, MARKS / 2);
    }
  });
  // forks: from the forking thread's lane down (or up) to the child's band; execs and exits on the band
  g.font = '9px ui-monospace, monospace';
  g.textBaseline = 'middle';
  for (const p of processes ?? []) {
    const band = bandOf.get(p.pid);
    if (!band) continue;
    const pc = colour(p.pid);
    if (p.forkStep !== null) {
      const from = (p.forkTid !== null ? laneOf.get(p.forkTid) : undefined) ?? (p.parent !== null ? bandOf.get(p.parent) : undefined);
      const fx = Math.round(at(p.forkStep)) + 0.5;
      const y0 = from ? from.top + from.height / 2 : 0;
      const y1 = band.top + band.height / 2;
      g.strokeStyle = pc;
      g.lineWidth = 1;
      g.beginPath();
      g.moveTo(fx, y0);
      g.lineTo(fx, y1);
      g.stroke();
      g.fillStyle = pc;
      g.beginPath();
      g.arc(fx, y0, 2.5, 0, 2 * Math.PI);
      g.fill();
      // an arrowhead into the child's band
      const dir = y1 >= y0 ? 1 : -1;
      g.beginPath();
      g.moveTo(fx - 3.5, y1 - 5 * dir);
      g.lineTo(fx + 3.5, y1 - 5 * dir);
      g.lineTo(fx, y1);
      g.fill();
    }
    p.programs.forEach((prog, k) => {
      if (k === 0) return;
      const ex = at(prog.step);
      const cy = band.top + band.height / 2;
      g.fillStyle = '#ffffff';
      g.beginPath();
      g.moveTo(ex, cy - 4.5);
      g.lineTo(ex + 4.5, cy);
      g.lineTo(ex, cy + 4.5);
      g.lineTo(ex - 4.5, cy);
      g.closePath();
      g.fill();
      g.strokeStyle = pc;
      g.stroke();
      const label = `exec ${baseName(prog.path)}`;
      const room = (k + 1 < p.programs.length ? at(p.programs[k + 1].step) : width) - ex - 8;
      if (room > g.measureText(label).width) {
        g.fillStyle = '#d7dce4';
        g.fillText(label, ex + 7, cy);
      }
    });
    if (p.end !== null) {
      const ex = at(p.end);
      g.fillStyle = p.signal || (p.exitCode ?? 0) !== 0 ? '#ff6b6b' : pc;
      g.fillRect(Math.min(width - 2, ex), band.top + 2, 2, band.height - 4);
    }
  }
  if (hover !== undefined) {
    g.fillStyle = 'rgba(255,255,255,0.35)';
    g.fillRect(at(hover), 0, 1, height);
  }
  g.fillStyle = '#ffd866';
  g.fillRect(Math.min(width - 2, at(step)) - 0.5, 0, 2, height);
}
