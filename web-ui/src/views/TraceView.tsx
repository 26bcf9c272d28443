// The trace at a moment: the current moment always on top, then the timeline and the panels.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchFrames, fetchMove, fetchMoment, fetchTrace, watchTrace, type HistoryEntry, type MoveKind, type TraceDetail } from '../api';
import { Status } from '../components/Panel';
import { groupDigits, shortPath } from '../format';
import { message, useAsync } from '../hooks';
import type { Rows } from '../paging';
import { PANELS, selectionKey, togglePanel, type Moment, type Panel } from '../route';
import { CallTreePanel } from './CallTree';
import { DisassemblyPanel, SourcePanel } from './Code';
import { go, type View } from './context';
import { HelpOverlay, ShareDialog } from './Dialogs';
import { adjacentWrite, HistoryPanel } from './History';
import { moveFor, MOVES, typing } from './keys';
import { MemoryPanel, RegistersPanel, StackPanel } from './State';
import { SymbolsPanel } from './Symbols';
import { ExecutionsPanel } from './Executions';
import { askOrigin, askUses, OriginPanel, UsesPanel } from './DataFlow';
import { readFlowAttr, selectionQuestion } from '../dataflow';
import { VariablesPanel } from './Variables';
import { pickFrame } from '../values';
import { TimelineView } from './Timeline';
import { OutputPanel } from './Output';
import { MomentProcess, ProcessesDialog } from './Processes';

export function TraceView({ route }: { route: Moment }) {
  const [version, setVersion] = useState(0);
  const trace = useAsync(() => fetchTrace(route.traceId), [route.traceId, version]);
  const [live, setLive] = useState<{ status: string; progress: number; failureReason: string | null }>();
  const t = trace.data;
  const waiting = t && !t.index && (t.status === 'queued' || t.status === 'indexing');
  useEffect(() => {
    if (!waiting) return;
    return watchTrace(
      route.traceId,
      (e) => {
        setLive(e);
        if (e.status === 'indexed' || e.status === 'failed') setVersion((v) => v + 1);
      },
      () => setVersion((v) => v + 1),
    );
  }, [waiting, route.traceId]);

  if (trace.error) return <Status error={trace.error} />;
  if (!t) return <Status loading />;
  if (!t.index) {
    const s = live ?? t;
    return (
      <section class="empty" data-testid="not-indexed">
        <h1>{t.command}</h1>
        {s.status === 'failed' ? (
          <div class="error" role="alert">
            Indexing failed: {s.failureReason}
          </div>
        ) : (
          <p>
            Indexing… <progress max={100} value={s.progress} data-testid="index-progress" /> {s.progress}% ({s.status})
          </p>
        )}
      </section>
    );
  }
  return <Explorer trace={t} route={route} />;
}

function Explorer({ trace, route }: { trace: TraceDetail; route: Moment }) {
  const instructions = trace.index!.instructions;
  const outside = route.step > BigInt(instructions - 1);
  const moment = useAsync(
    () => (outside ? Promise.reject(new Error(`step ${route.step} is past the end of this trace (${instructions} steps)`)) : fetchMoment(route.traceId, route.step, route.tid)),
    [route.traceId, route.step, route.tid],
  );
  // the thread's frames: the stack panel lists them, the source and variables show the selected one
  const framed = (['source', 'variables', 'stack', 'calls'] as const).some((p) => route.panels.includes(p));
  const frames = useAsync(
    () => (outside || !framed ? Promise.resolve(undefined) : fetchFrames(route.traceId, route.step, route.tid)),
    [route.traceId, route.step, route.tid, framed],
  );
  const [selected, setSelected] = useState<{ addr: bigint; len: number }>();
  const [dialog, setDialog] = useState<'help' | 'share'>();
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);
  const history = useRef<Rows<HistoryEntry>>();
  const framesDoc = frames.error ? undefined : frames.data;
  const view: View = {
    trace,
    route,
    moment: moment.data,
    frames: framesDoc,
    framesError: frames.error,
    framesPending: framed && !frames.data && !frames.error,
    frame: framesDoc ? pickFrame(framesDoc.frames, route.frame) : undefined,
    selected,
  };

  useEffect(() => setSelected(undefined), [selectionKey(route.selection)]);
  useEffect(() => setNotice(undefined), [route.step]);

  const moving = useRef(false);
  const move = (to: MoveKind) => {
    if (moving.current) return; // a key held down: one move at a time, each from where the last one landed
    moving.current = true;
    setBusy(true);
    fetchMove(route.traceId, route.step, to, route.tid).then(
      (m) => {
        moving.current = false;
        setBusy(false);
        go(route, { step: BigInt(m.step), tid: route.tid === undefined ? undefined : m.tid });
      },
      (e) => {
        moving.current = false;
        setBusy(false);
        setNotice(message(e));
      },
    );
  };
  const write = (direction: -1 | 1) => {
    if (!route.selection) return setNotice('Select a variable or bytes first: then [ and ] go to its previous and next write.');
    adjacentWrite(route.traceId, history.current, route.selection, route.step, direction, route.historyPid).then(
      (e) => (e ? go(route, { step: BigInt(e.step), tid: route.tid === undefined ? undefined : e.tid }) : setNotice(direction < 0 ? 'No earlier write.' : 'No later write.')),
      (e) => setNotice(message(e)),
    );
  };
  /** gdb's up (+1: the caller) and down (-1): selects the next frame out or in, keeping the moment. */
  const upDown = (direction: -1 | 1) => {
    const list = view.frames?.frames;
    if (!list || !view.frame) return;
    const i = list.findIndex((f) => f.index === view.frame!.index) + direction;
    if (i < 0 || i >= list.length) return setNotice(direction > 0 ? 'This is the outermost frame.' : 'This is the innermost frame.');
    setNotice(undefined);
    go(route, { frame: list[i].index });
  };
  /** `w` (where from) and `W` (where to): the focused row's value, else the selection at this moment. */
  const flow = (direction: 'origin' | 'uses') => {
    const focused = (document.activeElement as HTMLElement | null)?.closest('[data-flow]');
    const q = readFlowAttr(focused?.getAttribute('data-flow')) ?? selectionQuestion(view);
    if (!q) return setNotice('Select a value first (a variable\'s history, bytes in memory, a row of a panel): then w asks where it came from, W where it went.');
    setNotice(undefined);
    (direction === 'origin' ? askOrigin : askUses)(route, q);
  };
  const latest = useRef({ move, write, upDown, flow });
  latest.current = { move, write, upDown, flow };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      const to = moveFor(e.key);
      if (to) {
        e.preventDefault();
        return latest.current.move(to);
      }
      switch (e.key) {
        case '[':
          return latest.current.write(-1);
        case ']':
          return latest.current.write(1);
        case 'u':
          return latest.current.upDown(1);
        case 'd':
          return latest.current.upDown(-1);
        case 'w':
          return latest.current.flow('origin');
        case 'W':
          return latest.current.flow('uses');
        case '?':
          return setDialog('help');
        case 's':
          return setDialog('share');
        case '/':
          e.preventDefault();
          return document.getElementById('symbol-search')?.focus();
        case 'g': {
          e.preventDefault();
          (document.querySelector('[data-testid="step"]') as HTMLInputElement | null)?.focus();
          return;
        }
      }
    };
    const onWrite = (e: Event) => latest.current.write((e as CustomEvent).detail);
    addEventListener('keydown', onKey);
    addEventListener('omni:write', onWrite);
    return () => {
      removeEventListener('keydown', onKey);
      removeEventListener('omni:write', onWrite);
    };
  }, []);

  const open = (p: Panel) => route.panels.includes(p);
  const m = moment.data;
  return (
    <div class="explorer" data-testid="moment">
      <div class="now" data-testid="now">
        <span class="now-cmd mono" title={trace.executable}>
          {trace.command.split(' ')[0].split('/').pop()}
        </span>
        <GotoStep route={route} instructions={instructions} />
        <MomentProcess view={view} />
        <span class="field mono" data-testid="function">
          {m?.function ?? m?.rip ?? ''}
        </span>
        <span class="field mono muted" data-testid="location">
          {m?.file ? `${shortPath(m.file)}:${m.line}` : ''}
        </span>
        <span class="moves">
          {MOVES.map((mv) => (
            <button key={mv.to} class="move" title={`${mv.label} (${mv.key})`} disabled={busy} onClick={() => move(mv.to)} data-testid={`move-${mv.to}`}>
              {mv.key}
            </button>
          ))}
        </span>
        <span class="spacer" />
        <button onClick={() => setDialog('share')} data-testid="share-button" title="Copy a link to this moment, bookmarks (s)">
          Share
        </button>
        <button class="quiet" onClick={() => setDialog('help')} title="Keyboard shortcuts (?)" data-testid="help-button">
          ?
        </button>
      </div>
      {(notice || moment.error) && (
        <div class="error notice" role="alert" data-testid="notice">
          {notice ?? moment.error}
        </div>
      )}
      <nav class="panel-toggles">
        {PANELS.map((p) => (
          <label key={p}>
            <input type="checkbox" checked={open(p)} onChange={() => go(togglePanel(route, p), {})} data-testid={`toggle-${p}`} /> {p}
          </label>
        ))}
      </nav>
      {open('timeline') && <TimelineView view={view} />}
      <div class="grid" style={{ gridTemplateColumns: columns(route) }}>
        {(open('source') || open('disasm') || open('output') || route.exec || route.origin || route.uses) && (
          <div class="column">
            {open('source') && <SourcePanel view={view} />}
            {route.exec && <ExecutionsPanel view={view} />}
            {route.origin && <OriginPanel view={view} />}
            {route.uses && <UsesPanel view={view} />}
            {open('disasm') && <DisassemblyPanel view={view} />}
            {open('output') && <OutputPanel view={view} />}
          </div>
        )}
        {(open('variables') || open('stack') || open('calls')) && (
          <div class="column">
            {open('variables') && <VariablesPanel view={view} />}
            {open('stack') && <StackPanel view={view} />}
            {open('calls') && <CallTreePanel view={view} />}
          </div>
        )}
        {(open('memory') || open('symbols') || open('history') || open('registers')) && (
          <div class="column">
            {open('history') && (
              <HistoryPanel view={view} onRows={(rows) => (history.current = rows)} onResolved={(addr, len) => setSelected({ addr, len })} />
            )}
            {open('memory') && <MemoryPanel view={view} />}
            {open('registers') && <RegistersPanel view={view} />}
            {open('symbols') && <SymbolsPanel view={view} />}
          </div>
        )}
      </div>
      {dialog === 'help' && <HelpOverlay onClose={() => setDialog(undefined)} />}
      {dialog === 'share' && <ShareDialog route={route} selected={selected} onClose={() => setDialog(undefined)} />}
      {route.dialog === 'processes' && <ProcessesDialog view={view} />}
    </div>
  );
}

/** The grid's columns, as wide as their panels need: the values' column a little wider than the others. */
function columns(route: Moment): string {
  const open = (p: Panel) => route.panels.includes(p);
  const weights: number[] = [];
  // the data-flow panels' rows are long: their column is wider while they are open
  if (route.origin || route.uses) weights.push(1.55);
  else if (open('source') || open('disasm') || open('output') || route.exec) weights.push(1);
  if (open('variables') || open('stack') || open('calls')) weights.push(open('variables') ? 1.15 : 1);
  if (open('memory') || open('symbols') || open('history') || open('registers')) weights.push(0.95);
  return weights.map((w) => `minmax(0, ${w}fr)`).join(' ');
}

function GotoStep({ route, instructions }: { route: Moment; instructions: number }) {
  const [text, setText] = useState<string>();
  const value = text ?? route.step.toString();
  return (
    <form
      class="field"
      onSubmit={(e) => {
        e.preventDefault();
        if (/^\d+$/.test(value.replace(/[\s,_]/g, ''))) {
          go(route, { step: BigInt(value.replace(/[\s,_]/g, '')) });
          setText(undefined);
          (document.activeElement as HTMLElement | null)?.blur();
        }
      }}
    >
      step{' '}
      <input
        class="mono step-input"
        data-testid="step"
        value={text ?? route.step.toString()}
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
        onBlur={() => setText(undefined)}
        size={Math.max(6, value.length)}
      />
      <span class="muted">
        {' '}
        / {groupDigits(instructions)}
      </span>
    </form>
  );
}
