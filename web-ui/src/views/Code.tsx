// Source at the selected frame's line, values on hover, executions of a line; the disassembly around rip.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiError, fetchPrint, fetchSource, type Printed } from '../api';
import { Panel, Status } from '../components/Panel';
import { VirtualList } from '../components/VirtualList';
import { shortPath } from '../format';
import { message, useAsync, useDebounced } from '../hooks';
import { carried, expressionAt, ValueCache } from '../values';
import { go, type View } from './context';

/** The character of a text element under the mouse: its offset in the element's text, or undefined. */
function charUnder(e: MouseEvent, el: HTMLElement): number | undefined {
  const text = el.firstChild;
  if (!text || text.nodeType !== Node.TEXT_NODE) return undefined;
  const length = (text as Text).length;
  const range = document.createRange();
  // the caret position is between characters: the character whose box holds the point is on one side of it
  const caret = document.caretRangeFromPoint?.(e.clientX, e.clientY);
  const guess = caret && caret.startContainer === text ? caret.startOffset : undefined;
  for (const i of guess === undefined ? [] : [guess - 1, guess]) {
    if (i < 0 || i >= length) continue;
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    const r = range.getBoundingClientRect();
    if (e.clientX >= r.left && e.clientX < r.right && e.clientY >= r.top && e.clientY < r.bottom) return i;
  }
  return undefined;
}

interface Hover {
  expr: string;
  x: number;
  y: number;
}

type Shown = { p: Printed } | { error: string };
const printed = new ValueCache<Shown>();

/**
 * The selected frame's source with its line marked: frame 0's line, or for an outer frame the
 * line of its call. Hovering an identifier (or a member chain, `t->kind`) shows its value in the
 * frame; a line number lists the line's executions.
 */
export function SourcePanel({ view }: { view: View }) {
  const { route } = view;
  // without typed frames (an older server), the moment's own line
  const where = view.frames ? view.frame : view.framesPending ? undefined : view.moment;
  const file = where?.file ?? null;
  const line = where?.line ?? 0;
  const frameIndex = view.frames ? view.frame?.index : undefined;
  const ok = carried(file);
  const source = useAsync(() => (ok ? fetchSource(route.traceId, file).then((text) => ({ file, text })) : Promise.resolve(undefined)), [
    route.traceId,
    file,
  ]);
  const lines = source.data && source.data.file === file ? source.data.text.split('\n') : [];
  const current = line - 1;
  const [hover, setHover] = useState<Hover>();
  const [shown, setShown] = useState<{ key: string; value: Shown }>();
  const settled = useDebounced(hover, 250);
  const key = settled ? ValueCache.key(route.step, route.tid, frameIndex, settled.expr) : '';
  useEffect(() => {
    if (!settled) return;
    const known = printed.get(key);
    if (known) return setShown({ key, value: known });
    let stale = false;
    fetchPrint(route.traceId, { step: route.step, tid: route.tid, frame: frameIndex }, settled.expr).then(
      (p) => {
        printed.set(key, { p });
        if (!stale) setShown({ key, value: { p } });
      },
      (e) => {
        const value = { error: message(e) };
        if (!(e instanceof ApiError) || e.status < 500) printed.set(key, value);
        if (!stale) setShown({ key, value });
      },
    );
    return () => void (stale = true);
  }, [key]);
  const onMove = (i: number, e: MouseEvent) => {
    const at = charUnder(e, e.currentTarget as HTMLElement);
    const found = at === undefined ? undefined : expressionAt(lines[i], at);
    if (!found) return hover && setHover(undefined);
    if (hover?.expr !== found.expr) setHover({ expr: found.expr, x: e.clientX, y: e.clientY });
  };
  const tip = hover && settled && settled.expr === hover.expr && shown?.key === key ? shown.value : undefined;
  const other = view.frame && view.frame.index !== 0 && view.frames;
  return (
    <Panel
      id="source"
      title={
        <>
          Source {file && <span class="muted mono">{shortPath(file)}</span>}
          {other && (
            <span class="muted" data-testid="source-frame">
              {' '}
              · frame #{view.frame!.index} {view.frame!.function}
            </span>
          )}
        </>
      }
    >
      {!file && where && <div class="muted hint">No source line for {view.frame?.function ?? view.moment?.function ?? view.moment?.rip} (no debug information).</div>}
      {file && !ok && <div class="muted hint">{file}:{line}: the trace does not carry this file.</div>}
      {ok && <Status error={source.error} loading={source.loading && lines.length === 0} />}
      {ok && lines.length > 0 && (
        <VirtualList
          count={lines.length}
          rowHeight={18}
          reveal={current}
          revealKey={`${file}:${line}`}
          centre
          testId="source"
          class="code"
          renderRow={(i) => (
            <div class={'code-line' + (i === current ? ' current' : '')} data-testid={i === current ? 'current-line' : undefined} data-line={i + 1}>
              <button
                class="lineno"
                title={`Every execution of line ${i + 1}`}
                data-testid="lineno"
                onClick={() => go(route, { exec: { kind: 'line', target: `${file}:${i + 1}` }, print: undefined, execFrom: undefined })}
              >
                {i + 1}
              </button>
              <span class="text" onMouseMove={(e) => onMove(i, e)} onMouseLeave={() => setHover(undefined)}>
                {lines[i]}
              </span>
            </div>
          )}
        />
      )}
      {hover && tip && (
        <div class="value-tip" style={{ left: `${hover.x + 12}px`, top: `${hover.y + 16}px` }} data-testid="hover-value" role="tooltip">
          <span class="mono accent">{hover.expr}</span>
          {'p' in tip ? (
            <>
              {' = '}
              <span class="mono" data-testid="hover-text">{tip.p.value}</span>
              <div class="muted mono">{tip.p.type}</div>
            </>
          ) : (
            <div class="muted">{tip.error}</div>
          )}
        </div>
      )}
    </Panel>
  );
}

/** The instructions around rip, the current one kept in the middle of the panel. */
export function DisassemblyPanel({ view }: { view: View }) {
  const m = view.moment;
  const list = useRef<HTMLDivElement>(null);
  const centre = () => {
    const el = list.current;
    const current = el?.querySelector('.current') as HTMLElement | null;
    if (!el || !current) return;
    el.scrollTop = Math.max(0, current.offsetTop + current.offsetHeight / 2 - el.clientHeight / 2);
  };
  useLayoutEffect(centre, [m?.step, m?.tid, m?.rip]);
  useEffect(() => {
    const el = list.current;
    if (!el) return;
    const observer = new ResizeObserver(centre);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return (
    <Panel id="disasm" title={<>Disassembly {m && <span class="muted mono">{m.function}</span>}</>}>
      <div class="code centred-list" data-testid="disassembly" ref={list}>
        {m?.disassembly.map((d) => (
          <div class={'code-line' + (d.current ? ' current' : '')} key={d.address} title={`${d.address}  ${d.text}`}>
            <span class="lineno mono">{d.address}</span>
            <span class="text">{d.text}</span>
          </div>
        ))}
        <div class="list-end" />
      </div>
    </Panel>
  );
}
