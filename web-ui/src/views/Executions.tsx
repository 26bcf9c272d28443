// An omniscient printf: every execution of a source line or a function (`?exec=`), with columns
// for chosen expressions (`&print=`) evaluated at each; each execution links to its moment.
import { useEffect, useState } from 'preact/hooks';
import { fetchExecutions, type Execution, type ExecutionsPage } from '../api';
import { Link } from '../components/Link';
import { Panel, Status } from '../components/Panel';
import { groupDigits, shortPath } from '../format';
import { message } from '../hooks';
import { formatExec, type ExecTarget } from '../route';
import { go, hrefAt, type View } from './context';

const PAGE = 100;

/** How an execution target reads: `demo_bug.c:42`, `deposit()`, `0x401000`. */
export function execLabel(e: ExecTarget): string {
  if (e.kind === 'function') return `${e.target}()`;
  if (e.kind === 'line') {
    const i = e.target.lastIndexOf(':');
    return `${shortPath(e.target.slice(0, i))}:${e.target.slice(i + 1)}`;
  }
  return e.target;
}

/** The index of the last execution at or before the step (the one the moment follows), or -1. */
export function executionAt(rows: readonly Execution[], step: bigint): number {
  let found = -1;
  for (let i = 0; i < rows.length; i++) {
    if (BigInt(rows[i].step) <= step) found = i;
    else break;
  }
  return found;
}

interface Loaded {
  key: string;
  locations: ExecutionsPage['locations'];
  rows: Execution[];
  next: string | null;
  loading: boolean;
  error?: string;
}

export function ExecutionsPanel({ view }: { view: View }) {
  const { route } = view;
  const exec = route.exec!;
  const print = route.print ?? [];
  const from = route.execFrom;
  const key = `${route.traceId} ${formatExec(exec)} ${from ?? ''} ${print.join('\u0000')}`;
  const [state, setState] = useState<Loaded>();
  const [input, setInput] = useState('');
  const load = (cursor: string | null, base: Loaded | undefined) => {
    setState({ key, locations: base?.locations ?? [], rows: base?.rows ?? [], next: cursor, loading: true });
    fetchExecutions(route.traceId, exec, print, cursor, PAGE, from).then(
      (page) =>
        setState((s) =>
          s && s.key !== key ? s : { key, locations: page.locations, rows: [...(base?.rows ?? []), ...page.executions], next: page.next, loading: false },
        ),
      (e) => setState((s) => (s && s.key !== key ? s : { key, locations: base?.locations ?? [], rows: base?.rows ?? [], next: null, loading: false, error: message(e) })),
    );
  };
  useEffect(() => load(null, undefined), [key]);
  const fresh = state?.key === key ? state : undefined;
  const rows = fresh?.rows ?? [];
  const current = executionAt(rows, route.step);
  // the thread column only where several threads ran it
  const threads = new Set(rows.map((e) => e.tid)).size > 1;
  const columns = { gridTemplateColumns: `11ch ${threads ? '7ch ' : ''}${print.map(() => 'minmax(8ch, 1fr)').join(' ')}` };
  const add = (e: Event) => {
    e.preventDefault();
    const expr = input.trim();
    if (expr && !print.includes(expr)) go(route, { print: [...print, expr] }, true);
    setInput('');
  };
  const where = fresh?.locations ?? [];
  return (
    <Panel
      id="executions"
      title={
        <>
          Executions of <span class="mono accent" data-testid="exec-target">{execLabel(exec)}</span>{' '}
          <span class="muted" data-testid="exec-count">
            {fresh && !fresh.error ? `${groupDigits(rows.length)}${fresh.next ? '+' : ''}` : ''}
          </span>
        </>
      }
      tools={
        <>
          {from === undefined ? (
            <button title={`List the executions from step ${route.step} on`} onClick={() => go(route, { execFrom: route.step }, true)} data-testid="exec-from-here">
              from here
            </button>
          ) : (
            <>
              <span class="muted">from step {groupDigits(from)}</span>
              <button title="List the executions from the first one" onClick={() => go(route, { execFrom: undefined }, true)} data-testid="exec-from-start">
                from the start
              </button>
            </>
          )}
          <button class="quiet" title="Close" onClick={() => go(route, { exec: undefined, print: undefined, execFrom: undefined })} data-testid="exec-close">
            ✕
          </button>
        </>
      }
    >
      <form class="watch-form" onSubmit={add}>
        <input
          class="mono"
          placeholder="add a column: an expression evaluated at each execution…"
          value={input}
          onInput={(e) => setInput((e.target as HTMLInputElement).value)}
          data-testid="exec-print-input"
        />
      </form>
      {where.length > 0 && (
        <div class="muted hint small" data-testid="exec-locations" title={where.map((l) => `${l.address} ${l.function ?? ''} ${l.file ?? ''}:${l.line ?? ''}`).join('\n')}>
          at {where.length === 1 ? '' : `${where.length} places: `}
          {where
            .slice(0, 3)
            .map((l) => `${l.function ?? l.address}${l.file ? ` ${shortPath(l.file)}:${l.line}` : ''}`)
            .join(', ')}
          {where.length > 3 ? ', …' : ''}
        </div>
      )}
      <div class="exec-table" data-testid="executions">
        <div class="exec-row exec-head" style={columns}>
          <span>step</span>
          {threads && <span>thread</span>}
          {print.map((p) => (
            <span key={p} class="mono exec-col" title={p}>
              {p}{' '}
              <button class="quiet small" title={`Remove ${p}`} onClick={() => go(route, { print: print.filter((x) => x !== p) }, true)} data-testid="exec-print-remove">
                ✕
              </button>
            </span>
          ))}
        </div>
        {rows.map((e, i) => (
          <div
            key={`${e.step} ${e.tid}`}
            class={'exec-row' + (i === current ? ' current' : '') + (BigInt(e.step) === route.step ? ' here' : '')}
            style={columns}
            data-testid="execution"
            data-step={e.step}
          >
            <Link href={hrefAt(route, { step: BigInt(e.step), tid: route.tid === undefined ? undefined : e.tid })} class="mono" testId="execution-step">
              {groupDigits(e.step)}
            </Link>
            {threads && <span class="mono muted">{e.tid}</span>}
            {print.map((p) => (
              <span key={p} class="mono" title={e.values[p]} data-testid="execution-value">
                {e.values[p] ?? ''}
              </span>
            ))}
          </div>
        ))}
        <Status error={fresh?.error} loading={!fresh || (fresh.loading && rows.length === 0)} empty={fresh && !fresh.loading && !fresh.error && rows.length === 0 ? 'Never executed.' : undefined} />
        {fresh?.next && !fresh.error && (
          <button class="quiet more" disabled={fresh.loading} onClick={() => load(fresh.next, fresh)} data-testid="exec-more">
            {fresh.loading ? 'loading…' : 'more executions…'}
          </button>
        )}
      </div>
    </Panel>
  );
}
