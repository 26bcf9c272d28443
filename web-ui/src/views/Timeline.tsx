// The whole run at a glance (canvas): one lane per thread shaded by how much it ran in each slice,
// then call density, system calls and signals; the current moment as a line. Click or drag to go.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { fetchTimeline, type Timeline } from '../api';
import { Status } from '../components/Panel';
import { groupDigits } from '../format';
import { useAsync } from '../hooks';
import { go, type View } from './context';

const LANE = 12;
const DENSITY = 18;
const MARKS = 8;

/** The step at x pixels of a timeline width wide over `instructions` steps. */
export function stepAt(x: number, width: number, instructions: number): bigint {
  if (instructions <= 0 || width <= 0) return 0n;
  const f = Math.min(Math.max(x / width, 0), 1);
  return BigInt(Math.min(instructions - 1, Math.floor(f * instructions)));
}

export function TimelineView({ view }: { view: View }) {
  const { route } = view;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<bigint>();
  const dragging = useRef(false);
  useLayoutEffect(() => {
    const el = canvas.current!.parentElement!;
    const measure = () => setWidth(el.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const buckets = Math.max(1, Math.min(1024, Math.floor(width / 2)));
  const timeline = useAsync(() => (width ? fetchTimeline(route.traceId, buckets) : Promise.resolve(undefined)), [
    route.traceId,
    buckets,
  ]);
  const data = timeline.data;
  const tids = data ? threads(data) : [];
  const height = tids.length * LANE + DENSITY + MARKS + 4;

  useEffect(() => {
    if (data && canvas.current) draw(canvas.current, data, tids, width, height, route.step, hover);
  }, [data, width, route.step, hover]);

  const stepOf = (e: PointerEvent) => {
    const rect = canvas.current!.getBoundingClientRect();
    return stepAt(e.clientX - rect.left, rect.width, data?.instructions ?? 0);
  };
  return (
    <div class="timeline" data-testid="timeline">
      <canvas
        ref={canvas}
        style={{ width: `${width}px`, height: `${height}px` }}
        data-testid="timeline-canvas"
        onPointerDown={(e) => {
          if (!data) return;
          dragging.current = true;
          canvas.current!.setPointerCapture(e.pointerId);
          setHover(stepOf(e));
        }}
        onPointerMove={(e) => data && setHover(stepOf(e))}
        onPointerUp={(e) => {
          if (!data || !dragging.current) return;
          dragging.current = false;
          go(route, { step: stepOf(e), tid: undefined });
        }}
        onPointerLeave={() => dragging.current || setHover(undefined)}
      />
      <div class="timeline-legend muted">
        {data && (
          <>
            <span>
              {groupDigits(data.instructions)} steps · {tids.length} thread{tids.length === 1 ? '' : 's'}
            </span>
            <span>
              <i class="key calls" /> calls <i class="key sys" /> system calls <i class="key sig" /> signals
            </span>
            {hover !== undefined && <span class="mono">→ {groupDigits(hover)}</span>}
          </>
        )}
        <Status error={timeline.error} loading={!data && timeline.loading} />
      </div>
    </div>
  );
}

function threads(t: Timeline): number[] {
  const seen = new Set<number>();
  for (const b of t.buckets) for (const task of b.tasks) seen.add(task.tid);
  return [...seen].sort((a, b) => a - b);
}

function draw(c: HTMLCanvasElement, t: Timeline, tids: number[], width: number, height: number, step: bigint, hover?: bigint) {
  const ratio = devicePixelRatio || 1;
  c.width = Math.round(width * ratio);
  c.height = Math.round(height * ratio);
  const g = c.getContext('2d')!;
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);
  const n = t.buckets.length;
  const x = (i: number) => (i / n) * width;
  const w = Math.max(1, width / n);
  const maxCalls = Math.max(1, ...t.buckets.map((b) => b.calls));
  t.buckets.forEach((b, i) => {
    const span = Math.max(1, b.to - b.from);
    for (const task of b.tasks) {
      const lane = tids.indexOf(task.tid);
      g.fillStyle = `rgba(108,182,255,${0.15 + 0.85 * Math.min(1, task.instructions / span)})`;
      g.fillRect(x(i), lane * LANE + 1, w, LANE - 2);
    }
    const top = tids.length * LANE;
    const h = (b.calls / maxCalls) * DENSITY;
    g.fillStyle = '#7d6bd9';
    g.fillRect(x(i), top + DENSITY - h, w, h);
    if (b.syscalls) {
      g.fillStyle = '#e5a445';
      g.fillRect(x(i), top + DENSITY + 1, w, MARKS / 2);
    }
    if (b.signals) {
      g.fillStyle = '#ff6b6b';
      g.fillRect(x(i), top + DENSITY + 1 + MARKS / 2, w, MARKS / 2);
    }
  });
  // each lane named by its thread (and process, when there are several)
  const pids = new Set(t.buckets.flatMap((b) => b.tasks.map((task) => task.pid)));
  g.font = '9px ui-monospace, monospace';
  g.textBaseline = 'middle';
  tids.forEach((tid, lane) => {
    const pid = t.buckets.flatMap((b) => b.tasks).find((task) => task.tid === tid)?.pid;
    const label = pids.size > 1 && pid !== tid ? `${pid}/${tid}` : `tid ${tid}`;
    g.fillStyle = 'rgba(15,17,21,0.7)';
    g.fillRect(0, lane * LANE + 1, g.measureText(label).width + 6, LANE - 2);
    g.fillStyle = '#d7dce4';
    g.fillText(label, 3, lane * LANE + LANE / 2);
  });
  const at = (s: bigint) => (Number(s) / Math.max(1, t.instructions)) * width;
  if (hover !== undefined) {
    g.fillStyle = 'rgba(255,255,255,0.35)';
    g.fillRect(at(hover), 0, 1, height);
  }
  g.fillStyle = '#ffd866';
  g.fillRect(Math.min(width - 2, at(step)) - 0.5, 0, 2, height);
}
