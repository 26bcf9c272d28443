// The trace at a moment: the current moment always on top, then the timeline and the panels in
// three columns (reading, values, machine) whose sizes the user drags.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchFrames, fetchMoment, fetchTrace, watchTrace, type HistoryEntry, type TraceDetail } from '../api';
import { Link } from '../components/Link';
import { Status } from '../components/Panel';
import { Split } from '../components/Split';
import { groupDigits } from '../format';
import { useAsync } from '../hooks';
import type { Rows } from '../paging';
import { PANELS, selectionKey, togglePanel, type Moment, type Panel } from '../route';
import { pickFrame } from '../values';
import { CallTreePanel } from './CallTree';
import { DisassemblyPanel, SourcePanel } from './Code';
import { useCommands, type Notice } from './commands';
import { go, hrefAt, type View } from './context';
import { OriginPanel, UsesPanel } from './DataFlow';
import { HelpOverlay, ShareDialog } from './Dialogs';
import { ExecutionsPanel } from './Executions';
import { HistoryPanel } from './History';
import { MemoryPanel } from './Memory';
import { NowBar } from './NowBar';
import { OutputPanel } from './Output';
import { ProcessesDialog } from './Processes';
import { RegistersPanel } from './Registers';
import { StackPanel } from './Stack';
import { SymbolsPanel } from './Symbols';
import { TimelineView } from './Timeline';
import { VariablesPanel } from './Variables';

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
  // `/t/ID` names no step: the trace's opening moment (main's first line, a crash), as a link
  const opening = t?.index && route.opening ? BigInt(t.index.opening?.step ?? 0) : undefined;
  useEffect(() => {
    if (opening !== undefined) go(route, { step: opening, opening: undefined }, true);
  }, [opening]);

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
  if (route.opening) return <Status loading />;
  return <Explorer trace={t} route={route} />;
}

/** What a panel's rendering gets besides the view: the history's rows and resolved address go to the commands and memory. */
interface Wiring {
  onHistoryRows: (rows: Rows<HistoryEntry> | undefined) => void;
  onResolved: (addr: bigint, len: number) => void;
}

interface PanelSpec {
  /** Its name in `panels=` (shown when listed there) or, for the panels a question opens, a name of its own. */
  id: string;
  column: 'reading' | 'values' | 'machine';
  /** Its default share of its column's height. */
  weight: number;
  /** Shown when; by default when `panels=` lists its id. */
  shown?: (route: Moment) => boolean;
  render: (view: View, wiring: Wiring) => ComponentChildren;
}

/**
 * The panels, column by column, top to bottom. Reading: what the program does (source, what it
 * printed, the calls); values: the selected frame's and a value's history; machine: instructions,
 * registers, bytes, symbols. Adding a panel is a line here.
 */
const LAYOUT: PanelSpec[] = [
  { id: 'source', column: 'reading', weight: 3, render: (v) => <SourcePanel view={v} /> },
  { id: 'exec', column: 'reading', weight: 1.6, shown: (r) => !!r.exec, render: (v) => <ExecutionsPanel view={v} /> },
  { id: 'origin', column: 'reading', weight: 2.2, shown: (r) => !!r.origin, render: (v) => <OriginPanel view={v} /> },
  { id: 'uses', column: 'reading', weight: 1.8, shown: (r) => !!r.uses, render: (v) => <UsesPanel view={v} /> },
  { id: 'output', column: 'reading', weight: 1.4, render: (v) => <OutputPanel view={v} /> },
  { id: 'calls', column: 'reading', weight: 2.2, render: (v) => <CallTreePanel view={v} /> },
  { id: 'variables', column: 'values', weight: 1.8, render: (v) => <VariablesPanel view={v} /> },
  { id: 'stack', column: 'values', weight: 1.1, render: (v) => <StackPanel view={v} /> },
  {
    id: 'history',
    column: 'values',
    weight: 2.4,
    render: (v, w) => <HistoryPanel view={v} onRows={w.onHistoryRows} onResolved={w.onResolved} />,
  },
  { id: 'disasm', column: 'machine', weight: 1.2, render: (v) => <DisassemblyPanel view={v} /> },
  { id: 'registers', column: 'machine', weight: 1.1, render: (v) => <RegistersPanel view={v} /> },
  { id: 'memory', column: 'machine', weight: 1.3, render: (v) => <MemoryPanel view={v} /> },
  { id: 'symbols', column: 'machine', weight: 1, render: (v) => <SymbolsPanel view={v} /> },
];

/** The columns' default shares of the width: the reading panels get the room. */
const COLUMNS = { reading: 1.3, values: 1.1, machine: 0.95 } as const;

function Explorer({ trace, route }: { trace: TraceDetail; route: Moment }) {
  const instructions = trace.index!.instructions;
  const outside = route.step > BigInt(instructions - 1);
  const moment = useAsync(() => (outside ? Promise.resolve(undefined) : fetchMoment(route.traceId, route.step, route.tid)), [
    route.traceId,
    route.step,
    route.tid,
  ]);
  // the thread's frames: the stack panel lists them, the source and variables show the selected one
  const framed = (['source', 'variables', 'stack', 'calls'] as const).some((p) => route.panels.includes(p));
  const frames = useAsync(
    () => (outside || !framed ? Promise.resolve(undefined) : fetchFrames(route.traceId, route.step, route.tid)),
    [route.traceId, route.step, route.tid, framed],
  );
  const [selected, setSelected] = useState<{ addr: bigint; len: number }>();
  const [dialog, setDialog] = useState<'help' | 'share'>();
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
  const commands = useCommands(view, history, { help: () => setDialog('help'), share: () => setDialog('share') });
  const notice: Notice | undefined = commands.notice ?? (moment.error ? { text: moment.error, kind: 'error' } : undefined);

  const wiring: Wiring = { onHistoryRows: (rows) => (history.current = rows), onResolved: (addr, len) => setSelected({ addr, len }) };
  const shown = LAYOUT.filter((p) => (p.shown ? p.shown(route) : route.panels.includes(p.id as Panel)));
  // the data-flow panels' rows are long: while one is open the reading column is wider (sized apart)
  const flow = !!(route.origin || route.uses);
  const columns = (Object.keys(COLUMNS) as (keyof typeof COLUMNS)[])
    .map((c) => ({
      key: `column-${c}`,
      id: c === 'reading' && flow ? 'column-reading-flow' : `column-${c}`,
      weight: c === 'reading' && flow ? COLUMNS[c] * 1.5 : COLUMNS[c],
      panels: shown.filter((p) => p.column === c),
    }))
    .filter((c) => c.panels.length > 0);
  return (
    <div class="explorer" data-testid="moment">
      <NowBar
        trace={trace}
        route={route}
        moment={moment.data}
        busy={commands.busy || outside}
        onMove={commands.move}
        onShare={() => setDialog('share')}
        onHelp={() => setDialog('help')}
      />
      <nav class="panel-toggles">
        {PANELS.map((p) => (
          <label key={p}>
            <input type="checkbox" checked={route.panels.includes(p)} onChange={() => go(togglePanel(route, p), {})} data-testid={`toggle-${p}`} /> {p}
          </label>
        ))}
      </nav>
      <div class="stage">
        {notice && !outside && (
          <div class={'notice ' + notice.kind} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice">
            <span>{notice.text}</span>
            <button class="quiet" aria-label="Dismiss" title="Dismiss" onClick={() => commands.setNotice(undefined)}>
              ✕
            </button>
          </div>
        )}
        {route.panels.includes('timeline') && <TimelineView view={view} />}
        {outside ? (
          <Outside route={route} trace={trace} />
        ) : (
          <Split
            dir="columns"
            testId="panels"
            parts={columns.map((c) => ({
              id: c.id,
              key: c.key,
              weight: c.weight,
              node: <Split dir="rows" parts={c.panels.map((p) => ({ id: p.id, weight: p.weight, node: p.render(view, wiring) }))} />,
            }))}
          />
        )}
      </div>
      {dialog === 'help' && <HelpOverlay onClose={() => setDialog(undefined)} />}
      {dialog === 'share' && <ShareDialog route={route} selected={selected} onClose={() => setDialog(undefined)} />}
      {route.dialog === 'processes' && <ProcessesDialog view={view} />}
    </div>
  );
}

/** A step past the trace's end: one message, and the way back. */
function Outside({ route, trace }: { route: Moment; trace: TraceDetail }) {
  const instructions = trace.index!.instructions;
  const opening = trace.index!.opening;
  return (
    <section class="empty outside" role="alert" data-testid="outside">
      <h2>
        Step {groupDigits(route.step)} is past the end of this trace: it has {groupDigits(instructions)} steps, 0 to {groupDigits(instructions - 1)}.
      </h2>
      <p>
        Go to <Link href={hrefAt(route, { step: BigInt(instructions - 1) })} testId="outside-last">the last step</Link>
        {' or '}
        <Link href={hrefAt(route, { step: BigInt(opening?.step ?? 0) })} testId="outside-opening">
          {opening?.reason === 'main' ? 'the start of main' : opening?.reason === 'crash' ? 'the crash' : 'the first step'}
        </Link>
        , or type a step above (g).
      </p>
    </section>
  );
}
