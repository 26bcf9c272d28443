// "When did this value change": every write to the selected variable or range, in step order,
// loaded page by page as the list scrolls. Each entry links to its moment.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { fetchHistory, type HistoryEntry, type HistoryPage, type HistoryQuery } from '../api';
import { Link } from '../components/Link';
import { Panel, Status } from '../components/Panel';
import { VirtualList } from '../components/VirtualList';
import { groupDigits, shortPath, spacedHex, unsignedDecimal } from '../format';
import { useRerender } from '../hooks';
import { PagedRows, TwoSided, type Rows } from '../paging';
import { formatAddress, selectionKey, type Moment, type Selection } from '../route';
import { go, hrefAt, type View } from './context';
import { askOrigin } from './DataFlow';
import { flowAttr, writtenQuestion } from '../dataflow';
import { processColour } from '../processes';
import { pidOrder, ProcessFilter, useProcesses } from './Processes';

export const ROW = 20;
/** Rows per request: the API's default page, about 300 KB of JSON. */
const PAGE = 1000;

/** The history query's selection parameters. */
export function selectionQuery(s: Selection): HistoryQuery {
  if ('expr' in s) return { expr: s.expr, step: s.at, frame: s.frame, tid: s.tid };
  return 'symbol' in s ? { symbol: s.symbol } : { addr: formatAddress(s.addr), len: s.len };
}

export function selectionLabel(s: Selection): string {
  if ('expr' in s) return s.expr;
  return 'symbol' in s ? s.symbol : `${formatAddress(s.addr)} (${s.len} byte${s.len === 1 ? '' : 's'})`;
}

/**
 * Where a step falls among the loaded rows: the index of the last row at or before it (the write
 * whose value holds at the step), or undefined before the first write. `known` is false when the
 * loaded rows cannot tell (the step is outside them): the list should then be opened there.
 */
export function locate(rows: Rows<HistoryEntry>, step: bigint): { index?: number; known: boolean } {
  const s = Number(step);
  let last: [number, HistoryEntry] | undefined;
  for (const [i, e] of rows.loaded()) {
    if (e.step > s) {
      if (last && last[0] === i - 1) return { index: last[0], known: true };
      return i === 0 && rows.startKnown ? { index: undefined, known: true } : { known: false };
    }
    last = [i, e];
  }
  if (last && last[0] === rows.count - 1 && rows.done) return { index: last[0], known: true };
  if (!last && rows.done && rows.startKnown && rows.count === 0) return { index: undefined, known: true };
  return { known: false };
}

/**
 * The write whose value a process sees at a step: the last one at or before it made in that
 * process (each process has its own copy of memory after a fork), found among the loaded rows
 * before the last write of any process. Without a pid, `locate`'s answer.
 */
export function locateIn(rows: Rows<HistoryEntry>, step: bigint, pid?: number): { index?: number; known: boolean } {
  const at = locate(rows, step);
  if (pid === undefined || at.index === undefined) return at;
  const loaded = new Map(rows.loaded());
  for (let i = at.index; i >= 0; i--) {
    const e = loaded.get(i);
    if (!e) return { known: false };
    if (e.pid === pid) return { index: i, known: at.known };
  }
  return { index: undefined, known: at.known && rows.startKnown };
}

/**
 * The write before (direction -1) or after (+1) the step, from the loaded rows when they show it,
 * else from the server (one entry from the step on, or `order=desc` up to it).
 */
export async function adjacentWrite(
  traceId: string,
  rows: Rows<HistoryEntry> | undefined,
  selection: Selection,
  step: bigint,
  direction: -1 | 1,
  /** Only the writes of this process (the loaded rows are already only its when the list is filtered). */
  pid?: number,
): Promise<HistoryEntry | undefined> {
  if (rows) {
    const loaded = new Map(rows.loaded());
    const entries = [...loaded.entries()];
    const i = entries.findIndex(([, e]) => (direction > 0 ? BigInt(e.step) > step : BigInt(e.step) >= step));
    if (i >= 0) {
      const [index, entry] = entries[i];
      // the row before must be loaded too (or there is none) for the loaded rows to be sure
      if (index === 0 && rows.startKnown) return direction > 0 ? entry : undefined;
      const before = loaded.get(index - 1);
      if (before) return direction > 0 ? entry : before;
    } else if (rows.done && loaded.has(rows.count - 1)) {
      return direction > 0 ? undefined : loaded.get(rows.count - 1);
    }
  }
  const q = { ...selectionQuery(selection), pid };
  const page =
    direction > 0
      ? await fetchHistory(traceId, { ...q, from: step + 1n, limit: 1 })
      : step === 0n
        ? { entries: [] }
        : await fetchHistory(traceId, { ...q, to: step - 1n, order: 'desc', limit: 1 });
  return page.entries[0];
}

/** Whether the server reads history backwards (order=desc); learnt from its first answer. */
let backwards = true;

interface Anchor {
  key: string;
  step: bigint;
  /** anchored: rows before the step fetched backwards (order=desc) above the rows from it; start: from the first write. */
  mode: 'anchored' | 'start';
}

export function HistoryPanel({ view, onRows, onResolved }: {
  view: View;
  onRows: (rows: Rows<HistoryEntry> | undefined) => void;
  onResolved: (addr: bigint, len: number) => void;
}) {
  const { route } = view;
  const selection = route.selection;
  const rerender = useRerender();
  const [meta, setMeta] = useState<{ addr: string; len: number }>();
  const pid = route.historyPid;
  const key = selection ? `${route.traceId} ${selectionKey(selection)} ${pid ?? ''}` : '';
  const procs = useProcesses(route.traceId);
  const order = pidOrder(procs.data);
  const many = (procs.data?.length ?? 0) > 1;
  // the process looked at: its writes are the ones whose values it sees
  const moment = view.moment && BigInt(view.moment.step) === route.step ? view.moment : undefined;
  const asking = many ? moment?.pid : undefined;
  // The list opens at the moment's step, and again wherever a step outside its loaded rows is asked for.
  const anchor = useRef<Anchor>();
  const openAt = (step: bigint): Anchor => ({ key, step, mode: step > 0n && backwards ? 'anchored' : 'start' });
  if (anchor.current?.key !== key) anchor.current = openAt(route.step);
  const { step: from, mode } = anchor.current;
  const rows = useMemo(() => {
    if (!selection) return undefined;
    const q = { ...selectionQuery(selection), pid };
    const meet = (page: HistoryPage) => setMeta((m) => m ?? { addr: page.addr, len: page.len });
    const after = new PagedRows<HistoryEntry>(
      async (cursor, limit) => {
        const page = await fetchHistory(route.traceId, { ...q, from: mode === 'anchored' ? from : undefined, cursor, limit });
        meet(page);
        return { items: page.entries, next: page.next };
      },
      rerender,
      PAGE,
    );
    if (mode === 'start') return new TwoSided(undefined, after);
    const before = new PagedRows<HistoryEntry>(
      async (cursor, limit) => {
        const page = await fetchHistory(route.traceId, { ...q, to: from - 1n, order: 'desc', cursor, limit });
        meet(page);
        const e = page.entries;
        if (e.length >= 2 && e[0].step < e[1].step) {
          // a server without order=desc answers in step order: open the list at the first write instead
          backwards = false;
          anchor.current = { key, step: 0n, mode: 'start' };
          rerender();
          return { items: [], next: null };
        }
        return { items: e, next: page.next };
      },
      rerender,
      PAGE,
    );
    return new TwoSided(before, after);
  }, [key, from, mode]);
  useEffect(() => {
    onRows(rows);
    return () => rows?.dispose();
  }, [rows]);
  useEffect(() => setMeta(undefined), [key]);
  useEffect(() => {
    if (meta) onResolved(BigInt(meta.addr), meta.len);
  }, [meta]);
  const where = rows ? locateIn(rows, route.step, asking) : { known: true };
  useEffect(() => {
    // a step the loaded rows cannot place (a link, a jump on the timeline): open the list there
    if (backwards && rows && !where.known && !rows.loading && !rows.error && rows.count > 0 && route.step !== from) {
      anchor.current = openAt(route.step);
      rerender();
    }
  }, [route.step, rows?.loading]);

  if (!selection || !rows) {
    return (
      <Panel id="history" title="History">
        <div class="muted hint">
          Pick a variable (Variables: history, or Symbols) or select bytes (Memory) to see every write to it: when did this value change.
        </div>
      </Panel>
    );
  }
  const current = where.index;
  const len = meta?.len ?? 0;
  const showDecimal = len > 0 && len <= 8;
  return (
    <Panel
      id="history"
      title={
        <>
          History of <span class="mono accent" data-testid="history-selection">{selectionLabel(selection)}</span>
          {'expr' in selection && (
            <span class="muted" title={`evaluated at step ${selection.at}, frame ${selection.frame}${selection.tid !== undefined ? `, thread ${selection.tid}` : ''}`}>
              {' '}
              (at {groupDigits(selection.at)}
              {selection.frame ? ` #${selection.frame}` : ''})
            </span>
          )}
          {meta && !('addr' in selection) && <span class="muted mono"> {meta.addr} · {meta.len} B</span>}
        </>
      }
      tools={
        <>
          <ProcessFilter processes={procs.data} pid={pid} onPick={(p) => go(route, { historyPid: p })} title="Only the writes made in one process" testId="history-pid" />
          <span
            class="muted"
            data-testid="history-count"
            title={mode === 'anchored' ? `opened at step ${from}: earlier writes load as you scroll up, later ones as you scroll down` : undefined}
          >
            {groupDigits(rows.count)}
            {rows.startKnown && rows.done ? '' : '+'} writes
          </span>
          <button title="Previous write ( [ )" data-testid="prev-write" onClick={() => dispatchEvent(new CustomEvent('omni:write', { detail: -1 }))}>
            ◀ write
          </button>
          <button title="Next write ( ] )" data-testid="next-write" onClick={() => dispatchEvent(new CustomEvent('omni:write', { detail: 1 }))}>
            write ▶
          </button>
        </>
      }
    >
      <div class={'hist-row hist-head' + (showDecimal ? '' : ' nodec')}>
        <span>step</span>
        <span>process</span>
        <span>thread</span>
        <span>where</span>
        <span>value after</span>
        {showDecimal && <span class="num">unsigned</span>}
      </div>
      {rows.error && (
        <div class="error" role="alert" data-testid="error">
          {rows.error} {rows.retryable !== false && <button onClick={() => rows.retry()}>Retry</button>}
        </div>
      )}
      {rows.done && rows.count === 0 && <div class="muted">No writes to this range in the whole recording.</div>}
      <VirtualList
        key={`${key} ${from} ${mode}`}
        count={rows.count}
        rowHeight={ROW}
        testId="history-list"
        class="history"
        reveal={current}
        revealKey={`${route.step} ${current !== undefined}`}
        prepended={rows.above}
        onRange={(s, e) => rows.ensure(s, e)}
        footer={rows.done || rows.error ? undefined : <Status loading />}
        renderRow={(i) => (
          <HistoryRow route={route} entry={rows.get(i)} index={i} current={i === current} decimal={showDecimal} order={order} asking={asking} />
        )}
      />
    </Panel>
  );
}

function HistoryRow({ route, entry, index, current, decimal, order, asking }: {
  route: Moment;
  entry?: HistoryEntry;
  index: number;
  current: boolean;
  decimal: boolean;
  /** The pids in order of appearance (their colours). */
  order?: number[];
  /** The process looked at, when there are several: the other processes' writes are dimmed (it does not see them). */
  asking?: number;
}) {
  if (!entry) return <div class="hist-row muted">…</div>;
  const here = BigInt(entry.step) === route.step;
  const elsewhere = asking !== undefined && entry.pid !== asking;
  return (
    <div
      class={'hist-row' + (decimal ? '' : ' nodec') + (current ? ' current' : '') + (here ? ' here' : '') + (elsewhere ? ' elsewhere' : '')}
      title={elsewhere ? `written in process ${entry.pid}: process ${asking} (this moment's) has its own copy` : undefined}
      data-pid={entry.pid}
      data-testid="history-entry"
      data-index={index}
      data-step={entry.step}
      data-flow={flowAttr(writtenQuestion(entry))}
    >
      <Link href={hrefAt(route, { step: BigInt(entry.step), tid: route.tid === undefined ? undefined : entry.tid })} class="mono" testId="history-step">
        {groupDigits(entry.step)}
      </Link>
      <span class="mono pid" style={{ '--pc': processColour(entry.pid, order) }} data-testid="history-pid-cell">
        {entry.pid}
      </span>
      <span class="mono muted" data-testid="history-tid">{entry.tid}</span>
      <span class="where" title={`${entry.function ?? entry.rip} ${entry.file ?? ''}:${entry.line ?? ''}`}>
        {entry.kernel ? <span class="tag">kernel</span> : null}
        <span class="mono">{entry.function ?? entry.rip}</span>
        {entry.file && (
          <span class="muted">
            {' '}
            {shortPath(entry.file)}:{entry.line}
          </span>
        )}
      </span>
      <span class="mono value" data-testid="history-value" title={entry.after}>
        {spacedHex(entry.after)}
      </span>
      {decimal ? (
        <span class="mono num" data-testid="history-decimal">
          {unsignedDecimal(entry.after)}
        </span>
      ) : null}
      <span class="row-actions">
        <button
          class="quiet small"
          title={`Where did the ${entry.size} byte${entry.size === 1 ? '' : 's'} this wrote come from? (w)`}
          onClick={() => askOrigin(route, writtenQuestion(entry))}
          data-testid="history-origin"
        >
          origin
        </button>
      </span>
    </div>
  );
}
