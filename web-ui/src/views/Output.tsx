// What the recorded processes wrote to the terminal (and the other descriptors they inherited), as
// a terminal shows it: loaded page by page as the list scrolls (a bounded number of pages kept),
// each write marked with its process and linked to its moment, the write under the current step
// highlighted, searchable; and "where did these bytes come from" for each write.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { fetchOutput, type OutputChunk } from '../api';
import { Link } from '../components/Link';
import { Panel, Status } from '../components/Panel';
import { VirtualList } from '../components/VirtualList';
import { flowAttr } from '../dataflow';
import { groupDigits } from '../format';
import { useDebounced, useRerender } from '../hooks';
import { chunkQuestion, countMatches, headOf, linesOf, locateChunk, markSegments, nextMatch, type Match, type OutLine } from '../output';
import { PagedRows } from '../paging';
import { processColour } from '../processes';
import type { Moment } from '../route';
import { navigate } from '../router';
import { hrefAt, go, type View } from './context';
import { askOrigin } from './DataFlow';
import { pidOrder, ProcessFilter, useProcesses } from './Processes';
import './processes.css';

const ROW = 18;
/** Writes per request (the API's default page). */
const PAGE = 200;
/** Pages read ahead at most to find the write under the current step, or the next match, before giving up. */
const CHASE = 100;

const chunkHref = (route: Moment, c: OutputChunk) => hrefAt(route, { step: BigInt(c.step), tid: route.tid === undefined ? undefined : c.tid });

export function OutputPanel({ view }: { view: View }) {
  const { route } = view;
  const procs = useProcesses(route.traceId);
  const order = pidOrder(procs.data);
  const pid = route.outputPid;
  const [version, setVersion] = useState(0);
  const rerender = useRerender();
  const key = `${route.traceId} ${pid ?? ''}`;
  const rows = useMemo(
    () =>
      new PagedRows<OutLine>(
        async (cursor, limit) => {
          const page = await fetchOutput(route.traceId, { cursor, limit, pid });
          return { items: linesOf(page.chunks), next: page.next };
        },
        () => {
          setVersion((v) => v + 1);
          rerender();
        },
        PAGE,
      ),
    [key],
  );
  useEffect(() => () => rows.dispose(), [rows]);

  // the write under the current step; pages further on are read until it is known
  const where = locateChunk(rows.loaded(), route.step, rows.done, rows.count);
  const chased = useRef({ step: -1n, pages: 0 });
  if (chased.current.step !== route.step) chased.current = { step: route.step, pages: 0 };
  useEffect(() => {
    if (!where.known && where.beyond && !rows.loading && !rows.error && chased.current.pages < CHASE) {
      chased.current.pages++;
      rows.ensure(rows.count, rows.count);
    }
  });
  const current = where.known ? where.step : undefined;
  const [focus, setFocus] = useState<{ row: number; key: string }>();
  useEffect(() => {
    if (where.known && where.row !== undefined) setFocus({ row: where.row, key: `step ${route.step} ${key}` });
  }, [route.step, where.known, where.row, key]);

  // search: matches among the loaded rows; next reads further pages when there is none left in them
  const [text, setText] = useState('');
  const query = useDebounced(text, 150);
  const [match, setMatch] = useState<Match>();
  const [seeking, setSeeking] = useState(0);
  const show = (m: Match) => {
    setMatch(m);
    setFocus({ row: m.row, key: `match ${m.row}:${m.offset}` });
  };
  // a new query: its first match from the write under the step on (as a pager searches from where it is)
  const from = useRef<Match>();
  from.current = where.known && where.row !== undefined ? { row: where.row, offset: -1 } : undefined;
  useEffect(() => {
    setMatch(undefined);
    setSeeking(0);
    if (!query) return;
    const first = nextMatch(rows.loaded(), query, from.current, 1);
    if (first) return show(first);
    if (!rows.done) return setSeeking(1);
    const wrapped = nextMatch(rows.loaded(), query, undefined, 1);
    if (wrapped) show(wrapped);
  }, [query, rows]);
  const find = (direction: 1 | -1) => {
    if (!query) return;
    const m = nextMatch(rows.loaded(), query, match, direction);
    if (m) return show(m);
    if (direction > 0 && !rows.done) return setSeeking(1);
    const wrapped = nextMatch(rows.loaded(), query, undefined, direction);
    if (wrapped) show(wrapped);
  };
  useEffect(() => {
    if (!seeking || rows.loading) return;
    const m = nextMatch(rows.loaded(), query, match ?? from.current, 1);
    if (m) {
      setSeeking(0);
      return show(m);
    }
    if (!rows.done && !rows.error && seeking <= CHASE) {
      setSeeking(seeking + 1);
      rows.ensure(rows.count, rows.count);
      return;
    }
    setSeeking(0);
    const wrapped = nextMatch(rows.loaded(), query, undefined, 1);
    if (wrapped && (!match || wrapped.row !== match.row || wrapped.offset !== match.offset)) show(wrapped);
  }, [seeking, version]);
  const counted = useMemo(() => countMatches(rows.loaded(), query, match), [query, version, match, rows]);

  const many = (procs.data?.length ?? 0) > 1;
  return (
    <Panel
      id="output"
      title={
        <>
          Output{' '}
          <span class="muted" title="What every recorded process wrote to the terminal and to the other descriptors the recording inherited, in step order">
            {pid !== undefined ? `of process ${pid}` : many ? 'of every process' : ''}
          </span>
        </>
      }
      tools={
        <>
          <ProcessFilter processes={procs.data} pid={pid} onPick={(p) => go(route, { outputPid: p })} title="Only what one process wrote" testId="output-pid" />
          <form
            class="out-search"
            onSubmit={(e) => {
              e.preventDefault();
              find(1);
            }}
          >
            <input
              type="search"
              class="mono"
              placeholder="search output"
              value={text}
              onInput={(e) => setText((e.target as HTMLInputElement).value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && e.shiftKey) {
                  e.preventDefault();
                  find(-1);
                } else if (e.key === 'Escape') setText('');
              }}
              data-testid="output-search"
            />
            {query && (
              <span class="muted small" data-testid="output-matches">
                {seeking ? 'searching…' : counted.total === 0 ? 'no match' : `${counted.index || '–'}/${counted.total}${rows.done ? '' : '+'}`}
              </span>
            )}
            <button type="button" title="Previous match (shift+enter)" disabled={!query} onClick={() => find(-1)} data-testid="output-prev">
              ▲
            </button>
            <button type="submit" title="Next match (enter)" disabled={!query} data-testid="output-next">
              ▼
            </button>
          </form>
        </>
      }
    >
      {rows.error && (
        <div class="error" role="alert" data-testid="error">
          {rows.error} <button onClick={() => rows.retry()}>Retry</button>
        </div>
      )}
      {rows.done && rows.count === 0 && (
        <div class="muted hint" data-testid="output-empty">
          {pid !== undefined ? `Process ${pid} wrote nothing` : 'Nothing was written'} to the terminal or to the other descriptors the recording inherited.
        </div>
      )}
      <VirtualList
        key={key}
        count={rows.count}
        rowHeight={ROW}
        testId="output-list"
        class="output"
        reveal={focus?.row}
        revealKey={focus?.key}
        revealContext={3}
        onRange={(s, e) => rows.ensure(s, e)}
        footer={rows.done || rows.error ? undefined : <Status loading />}
        renderRow={(i) => (
          <OutputRow
            route={route}
            line={rows.get(i)}
            previous={i > 0 ? rows.get(i - 1) : undefined}
            order={order}
            current={current}
            query={query}
            match={match && match.row === i ? match.offset : undefined}
          />
        )}
      />
    </Panel>
  );
}

function OutputRow({ route, line, previous, order, current, query, match }: {
  route: Moment;
  line?: OutLine;
  /** The row above: a pid the same as its is shown dimmed (a process's run of lines reads as one). */
  previous?: OutLine;
  order?: number[];
  current?: number;
  query: string;
  match?: number;
}) {
  if (!line) return <div class="out-line muted">…</div>;
  const head = headOf(line);
  const owner = head ?? line.segments[0]?.chunk;
  const here = line.segments.some((s) => s.chunk.step === current);
  const q = head && chunkQuestion(head);
  const pieces = markSegments(line, query, match);
  const before = previous && previous.segments[previous.segments.length - 1]?.chunk.pid;
  return (
    <div
      class={'out-line' + (here ? ' current' : '') + (line.wrapped ? ' wrapped' : '')}
      style={{ '--pc': owner ? processColour(owner.pid, order) : undefined }}
      data-testid="output-line"
      data-current={here || undefined}
      data-flow={q ? flowAttr(q) : undefined}
    >
      <span class="out-gutter">
        {head && (
          <>
            <span class={'pid mono' + (before === head.pid ? ' again' : '')} data-testid="output-pid-tag" title={`process ${head.pid}, thread ${head.tid}`}>
              {head.pid}
            </span>
            <Link href={chunkHref(route, head)} class="mono out-step" title={`Go to this write (step ${head.step}, thread ${head.tid}, fd ${head.fd})`} testId="output-step">
              {groupDigits(head.step)}
            </Link>
            <span class={'out-stream' + (head.stream === 'stderr' ? ' err' : '')} title={`written to ${head.stream} (fd ${head.fd})`}>
              {head.stream === 'stdout' ? '' : head.stream === 'stderr' ? 'err' : head.stream}
            </span>
          </>
        )}
      </span>
      <span class="out-text mono">
        {line.segments.map((seg, k) => (
          <span
            key={k}
            class={'out-seg' + (seg.chunk.stream === 'stdout' ? '' : seg.chunk.stream === 'stderr' ? ' err' : ' other') + (seg.chunk.step === current ? ' here' : '')}
            style={{ '--pc': processColour(seg.chunk.pid, order) }}
            title={`${seg.chunk.stream} of process ${seg.chunk.pid} (thread ${seg.chunk.tid}) at step ${seg.chunk.step}: click to go there`}
            data-testid={seg.offset === 0 ? 'output-chunk' : 'output-more'}
            data-step={seg.chunk.step}
            data-pid={seg.chunk.pid}
            data-tid={seg.chunk.tid}
            data-stream={seg.chunk.stream}
            onClick={(e) => {
              // a click goes to the write; selecting text to copy it does not
              if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || !getSelection()?.isCollapsed) return;
              navigate(chunkHref(route, seg.chunk));
            }}
          >
            {seg.offset === 0 && k > 0 && <i class="out-mark" title={`process ${seg.chunk.pid} writes from here`} />}
            {pieces[k].map((p, j) => (p.mark ? <mark key={j} class={p.mark === 'current' ? 'current' : undefined}>{p.text}</mark> : p.text))}
          </span>
        ))}
      </span>
      {head && q && (
        <span class="row-actions">
          <button
            class="quiet small"
            title={`Where did these ${head.buffers[0]?.len ?? ''} bytes come from? (w) The write's buffer at ${head.buffers[0]?.addr}, at its step`}
            onClick={() => askOrigin(route, q)}
            data-testid="output-origin"
          >
            origin
          </button>
        </span>
      )}
    </div>
  );
}
