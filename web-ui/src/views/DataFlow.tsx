// Data flow: "where did this value come from" (the Origin panel: the tree of origin?…) and
// "where did it go" (the Uses panel: uses?…). Both questions live in the URL (`origin=`, `uses=`),
// so a link reopens them; every node, copy and use is a link to its moment.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchOrigin, fetchUses, type OriginNode, type Use, type UsesPage } from '../api';
import { Link } from '../components/Link';
import { Panel, Status } from '../components/Panel';
import { groupDigits } from '../format';
import { message, useAsync } from '../hooks';
import {
  baseName,
  copyLabel,
  flowAttr,
  flowParams,
  inputsOf,
  isLeaf,
  nodeDetail,
  nodeLine,
  nodeMoment,
  nodeWhat,
  questionLabel,
  questionPlace,
  questionStep,
  shortLocation,
  treeKey,
  treeRows,
  viaSummary,
  whereText,
  type Loaded,
  type TreeRow,
} from '../dataflow';
import { flowKey, type FlowQuestion, type Moment } from '../route';
import { go, hrefAt, type View } from './context';

/**
 * Levels of computations asked for at once, for the question and for a node opened later: the
 * first answer stays small and quick (the server's default is 6), deeper ones load when opened.
 */
const DEPTH = 4;

/** Asks where a value came from: the Origin panel opens on it. */
export const askOrigin = (route: Moment, q: FlowQuestion) => go(route, { origin: q });
/** Asks where a value went: the Uses panel opens on it. */
export const askUses = (route: Moment, q: FlowQuestion) => go(route, { uses: q });

/** A link to a node's moment (the thread too when the view follows one), or a note for what was there from the start. */
function MomentLink({ route, node, testId }: { route: Moment; node: { step?: number | null; tid?: number | null }; testId: string }) {
  const m = nodeMoment(node);
  if (!m) return <span class="muted" title="There when the process or the mapping began">start</span>;
  const here = m.step === route.step;
  return (
    <Link
      href={hrefAt(route, { step: m.step, tid: route.tid === undefined ? undefined : m.tid })}
      class={'mono' + (here ? ' here' : '')}
      title={`Go to step ${m.step}${m.tid !== undefined ? `, thread ${m.tid}` : ''}`}
      testId={testId}
    >
      {groupDigits(m.step)}
    </Link>
  );
}

function KindBadge({ kind }: { kind: string }) {
  return (
    <span class={`badge kind-${kind}`} data-testid="origin-kind">
      {kind}
    </span>
  );
}

export function OriginPanel({ view }: { view: View }) {
  const { route } = view;
  const q = route.origin!;
  const key = `${route.traceId} ${flowKey(q)}`;
  const answer = useAsync(() => fetchOrigin(route.traceId, flowParams(q), DEPTH).then((root) => ({ key, root })), [key]);
  const root = answer.data?.key === key ? answer.data.root : undefined;
  // the place asked about: the question's own words, else (an address, a node) the place the answer names
  const place = 'expr' in q || 'reg' in q ? questionLabel(q) : root ? shortLocation(questionPlace(root)) : questionLabel(q);
  const step = questionStep(q);
  return (
    <Panel
      id="origin"
      title={
        <>
          Where did <span class="mono accent" data-testid="origin-question" title={root ? questionPlace(root) : undefined}>{place}</span> come from?
          {step !== undefined && (
            <span class="muted">
              {' '}
              (at {groupDigits(step)}
              {'frame' in q && q.frame ? ` #${q.frame}` : ''})
            </span>
          )}
        </>
      }
      tools={
        <>
          <button title="Where did this value go: the instructions that read it" onClick={() => askUses(route, q)} data-testid="origin-uses">
            where did it go?
          </button>
          <button class="quiet" title="Close" onClick={() => go(route, { origin: undefined })} data-testid="origin-close">
            ✕
          </button>
        </>
      }
    >
      <Status error={answer.error} loading={!root && !answer.error} />
      {root && !answer.error && <OriginTree key={key} view={view} root={root} />}
    </Panel>
  );
}

function OriginTree({ view, root }: { view: View; root: OriginNode }) {
  const { route } = view;
  const [open, setOpen] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [loaded, setLoaded] = useState<ReadonlyMap<string, Loaded>>(new Map());
  const [focus, setFocus] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const rows = treeRows(root, open, loaded);
  const focused = Math.min(focus, rows.length - 1);

  const load = (path: string, node: OriginNode) => {
    if (!node.node) return;
    setLoaded((m) => new Map(m).set(path, { loading: true }));
    fetchOrigin(route.traceId, { node: node.node }, DEPTH).then(
      (answer) => setLoaded((m) => new Map(m).set(path, { inputs: answer.inputs })),
      (e) => setLoaded((m) => new Map(m).set(path, { error: message(e) })),
    );
  };
  const toggle = (path: string, to: boolean) => {
    setOpen((m) => new Map(m).set(path, to));
    const row = rows.find((r) => r.path === path);
    if (to && row?.type === 'node' && row.node.expand && !loaded.get(path)?.inputs && !loaded.get(path)?.loading) {
      // asked again after a failure, or for the first time
      if (inputsOf(path, row.node, loaded).length === 0) load(path, row.node);
    }
  };
  const focusRow = (i: number) => {
    setFocus(i);
    (box.current?.querySelector(`[data-row="${i}"]`) as HTMLElement | null)?.focus();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const i = Number((e.target as HTMLElement).closest('[data-row]')?.getAttribute('data-row') ?? focused);
    const row = rows[i];
    if (e.key === 'Enter' && row && (e.target as HTMLElement).getAttribute('data-row') !== null) {
      e.preventDefault();
      e.stopPropagation();
      if (row.type === 'via') return toggle(row.path, !row.open);
      const m = row.type === 'node' || row.type === 'copy' ? nodeMoment(row.node) : undefined;
      if (m) go(route, { step: m.step, tid: route.tid === undefined ? undefined : m.tid });
      return;
    }
    const move = treeKey(rows, i, e.key);
    if (!move) return;
    // arrows inside the tree move in it, not through time
    e.preventDefault();
    e.stopPropagation();
    if (move.toggle) toggle(move.toggle.path, move.toggle.open);
    if (move.focus !== undefined) focusRow(move.focus);
  };

  return (
    <div class="flow-tree" role="tree" aria-label="Origin tree" data-testid="origin-tree" ref={box} onKeyDown={onKey}>
      {rows.map((row, i) => (
        <TreeRowView key={row.path} row={row} index={i} focused={i === focused} route={route} onToggle={toggle} onFocus={() => setFocus(i)} />
      ))}
    </div>
  );
}

function Twisty({ open, onClick, label }: { open: boolean; onClick: () => void; label: string }) {
  return (
    <button class="twisty" tabIndex={-1} onClick={onClick} title={open ? `Collapse ${label}` : `Expand ${label}`} data-testid="origin-toggle">
      {open ? '▾' : '▸'}
    </button>
  );
}

function TreeRowView({ row, index, focused, route, onToggle, onFocus }: {
  row: TreeRow;
  index: number;
  focused: boolean;
  route: Moment;
  onToggle: (path: string, open: boolean) => void;
  onFocus: () => void;
}) {
  const indent = { paddingLeft: `${row.depth * 12}px` };
  const common = { 'data-row': index, tabIndex: focused ? 0 : -1, onFocus, 'aria-level': row.depth + 1 };
  if (row.type === 'status') {
    return (
      <div class="flow-row flow-note" style={indent} data-testid="origin-status" role="none" data-row={index} tabIndex={-1} onFocus={onFocus}>
        <span class="twisty" />
        {row.loading ? <span class="muted">loading…</span> : row.error ? <span class="error-inline" role="alert">{row.error}</span> : <span class="muted">no inputs</span>}
      </div>
    );
  }
  if (row.type === 'via') {
    const summary = viaSummary(row.node.via)!;
    return (
      <div
        {...common}
        class="flow-row flow-via"
        role="treeitem"
        aria-expanded={row.open}
        data-testid="origin-via"
        data-count={row.node.via.length}
        title={row.node.via.map((c, i) => `${i + 1}. ${copyLabel(c)} · ${whereText(c)} · step ${c.step}`).join('\n')}
      >
        <span class="flow-main" style={indent}>
          <Twisty open={row.open} onClick={() => onToggle(row.path, !row.open)} label="the copies" />
          <span class="muted via-text" data-testid="origin-via-text">{summary}</span>
        </span>
      </div>
    );
  }
  const n = row.node;
  const isNode = row.type === 'node';
  const token = n.node;
  const placed = !!(n.function || n.file) && !isLeaf(n);
  return (
    <div
      {...common}
      class={'flow-row' + (isNode ? ' flow-node' : ' flow-copy') + (placed ? '' : ' leaf') + (nodeMoment(n)?.step === route.step ? ' here' : '')}
      role="treeitem"
      aria-expanded={isNode && row.expandable ? row.open : undefined}
      data-testid={isNode ? 'origin-node' : 'origin-copy'}
      data-kind={n.kind}
      data-step={n.step ?? undefined}
      data-flow={token ? flowAttr({ node: token }) : undefined}
      title={nodeLine(n)}
    >
      <span class="flow-main" style={indent}>
        {isNode && row.expandable ? <Twisty open={row.open} onClick={() => onToggle(row.path, !row.open)} label="its inputs" /> : <span class="twisty" />}
        <KindBadge kind={n.kind} />
        {n.operand && <span class="mono muted operand">{n.operand}:</span>}
        <span class="mono what" data-testid="origin-what">{nodeWhat(n)}</span>
        {isNode && !row.open && row.expandable && <span class="muted count" title={n.expand ? 'its inputs load when opened' : `${n.inputs.length} inputs`}>({n.expand ? '…' : n.inputs.length})</span>}
      </span>
      <span class="mono flow-detail" data-testid="origin-detail">{nodeDetail(n)}</span>
      {placed && (
        <span class="flow-where" data-testid="origin-where" title={whereText(n)}>
          <span class="mono">{n.function ?? ''}</span>
          {n.file && <span class="muted"> {baseName(n.file)}:{n.line}</span>}
        </span>
      )}
      <span class="flow-actions">
        {token && (
          <button class="quiet small" tabIndex={-1} title="Where did this value go? (W)" onClick={() => askUses(route, { node: token })} data-testid="origin-node-uses">
            uses
          </button>
        )}
      </span>
      <span class="flow-step">
        <MomentLink route={route} node={n} testId="origin-step" />
      </span>
    </div>
  );
}

// ---- where it went

interface UsesState {
  key: string;
  page?: UsesPage;
  uses: Use[];
  next: string | null;
  loading: boolean;
  error?: string;
}

export function UsesPanel({ view }: { view: View }) {
  const { route } = view;
  const q = route.uses!;
  const key = `${route.traceId} ${flowKey(q)}`;
  const [state, setState] = useState<UsesState>();
  const load = (cursor: string | null, base: UsesState | undefined) => {
    setState({ key, page: base?.page, uses: base?.uses ?? [], next: cursor, loading: true });
    fetchUses(route.traceId, flowParams(q), cursor).then(
      (page) => setState((s) => (s && s.key !== key ? s : { key, page, uses: [...(base?.uses ?? []), ...page.uses], next: page.next, loading: false })),
      (e) => setState((s) => (s && s.key !== key ? s : { key, page: base?.page, uses: base?.uses ?? [], next: null, loading: false, error: message(e) })),
    );
  };
  useEffect(() => load(null, undefined), [key]);
  const fresh = state?.key === key ? state : undefined;
  const page = fresh?.page;
  const uses = fresh?.uses ?? [];
  const step = questionStep(q);
  return (
    <Panel
      id="uses"
      title={
        <>
          Where did <span class="mono accent" data-testid="uses-question" title={page?.location}>{'expr' in q || 'reg' in q || !page ? questionLabel(q) : shortLocation(page.location)}</span> go?
          <span
            class="muted"
            data-testid="uses-range"
            title={page ? `read from step ${page.from}${page.until !== null ? ` until step ${page.until}, where its last byte was overwritten` : ' to the end of the recording'}` : undefined}
          >
            {' '}
            {page ? `(${groupDigits(page.from)} → ${page.until !== null ? groupDigits(page.until) : 'end'})` : step !== undefined ? `(at ${groupDigits(step)})` : ''}
          </span>
        </>
      }
      tools={
        <>
          <button title="Where did this value come from?" onClick={() => go(route, { origin: q })} data-testid="uses-origin">
            where from?
          </button>
          <button class="quiet" title="Close" onClick={() => go(route, { uses: undefined })} data-testid="uses-close">
            ✕
          </button>
        </>
      }
    >
      <div class="uses-table" data-testid="uses">
        <div class="use-row flow-head">
          <span>step</span>
          <span>where</span>
          <span>instruction</span>
          <span>produced</span>
        </div>
        {uses.map((u) => (
          <UseRow key={`${u.step} ${u.tid} ${u.rip}`} route={route} use={u} />
        ))}
        <Status
          error={fresh?.error}
          loading={!fresh || (fresh.loading && uses.length === 0)}
          empty={
            fresh && !fresh.loading && !fresh.error && uses.length === 0
              ? fresh.next
                ? `No instruction read it up to step ${groupDigits(page?.scannedTo ?? 0)}.`
                : `No instruction read it${page?.until !== null && page?.until !== undefined ? ` before it was overwritten at step ${groupDigits(page.until)}` : ' in the rest of the recording'}.`
              : undefined
          }
        />
        {fresh?.next && !fresh.error && (
          <button class="quiet more" disabled={fresh.loading} onClick={() => load(fresh.next, fresh)} data-testid="uses-more">
            {fresh.loading ? 'loading…' : `more uses (looked up to step ${groupDigits(page?.scannedTo ?? 0)})…`}
          </button>
        )}
      </div>
    </Panel>
  );
}

function UseRow({ route, use }: { route: Moment; use: Use }) {
  const here = BigInt(use.step) === route.step;
  return (
    <div class={'use-row' + (here ? ' current' : '')} data-testid="use" data-step={use.step}>
      <Link href={hrefAt(route, { step: BigInt(use.step), tid: route.tid === undefined ? undefined : use.tid })} class="mono" testId="use-step">
        {groupDigits(use.step)}
      </Link>
      <span class="flow-where" title={whereText(use)}>
        <span class="mono">{use.function ?? use.rip}</span>
        {use.file && <span class="muted"> {baseName(use.file)}:{use.line}</span>}
      </span>
      <span class="mono" title={`read ${use.read} as ${use.operand}`} data-testid="use-instruction">
        {use.copy && <span class="tag">copy</span>}
        {use.disassembly === 'syscall' && use.operand ? use.operand : use.disassembly}
      </span>
      <span class="produced-list">
        {use.produced.length === 0 && <span class="muted">nothing kept</span>}
        {use.produced.map((p, i) => {
          const token = p.node;
          return (
            <span
              class="produced"
              key={token ?? `${p.location} ${i}`}
              data-testid="use-produced"
              data-flow={token ? flowAttr({ node: token }) : undefined}
              tabIndex={token ? 0 : undefined}
            >
              <span class="mono" title={nodeWhat(p, false)}>
                {nodeWhat(p)}
              </span>
              {token && (
                <>
                  <button class="quiet small" title="Where did this come from? (w)" onClick={() => askOrigin(route, { node: token })} data-testid="produced-origin">
                    origin
                  </button>
                  <button class="quiet small" title="Where did this go? (W)" onClick={() => askUses(route, { node: token })} data-testid="produced-uses">
                    uses
                  </button>
                </>
              )}
            </span>
          );
        })}
      </span>
    </div>
  );
}
