// The call tree of a thread: outermost calls first, each expanded lazily (the calls it made, page
// by page), with arguments and return values. A call links to its moment.
import { useEffect, useState } from 'preact/hooks';
import { fetchCalls, type CallEntry } from '../api';
import { Link } from '../components/Link';
import { Panel, Status } from '../components/Panel';
import { VirtualList } from '../components/VirtualList';
import { groupDigits } from '../format';
import { message } from '../hooks';
import { hrefAt, type View } from './context';

const PAGE = 200;

interface Node {
  call: CallEntry;
  children?: Node[];
  next?: string | null;
  open: boolean;
  loading?: boolean;
}

type Row = { kind: 'call'; node: Node; level: number } | { kind: 'more'; parent?: Node; level: number };

/** The visible rows of a tree: open nodes' children under them, a "more" row where a page follows. */
export function flatten(roots: Node[], rootsNext: string | null | undefined): Row[] {
  const rows: Row[] = [];
  const walk = (nodes: Node[], level: number) => {
    for (const node of nodes) {
      rows.push({ kind: 'call', node, level });
      if (node.open && node.children) {
        walk(node.children, level + 1);
        if (node.next) rows.push({ kind: 'more', parent: node, level: level + 1 });
      }
    }
  };
  walk(roots, 0);
  if (rootsNext) rows.push({ kind: 'more', level: 0 });
  return rows;
}

export function CallTreePanel({ view }: { view: View }) {
  const { route } = view;
  const tid = view.moment?.tid;
  const [roots, setRoots] = useState<Node[]>([]);
  const [rootsNext, setRootsNext] = useState<string | null>();
  const [error, setError] = useState<string>();
  const [, setVersion] = useState(0);
  const refresh = () => setVersion((v) => v + 1);

  const loadRoots = (cursor: string | null) =>
    fetchCalls(route.traceId, { tid, limit: PAGE, cursor }).then(
      (page) => {
        setRoots((r) => [...(cursor ? r : []), ...page.items.map((call) => ({ call, open: false }))]);
        setRootsNext(page.next);
      },
      (e) => setError(message(e)),
    );
  useEffect(() => {
    if (tid === undefined) return;
    setRoots([]);
    setError(undefined);
    loadRoots(null);
  }, [route.traceId, tid]);

  const loadChildren = (node: Node) => {
    node.loading = true;
    refresh();
    fetchCalls(route.traceId, { parent: node.call.callStep, tid: node.call.tid, limit: PAGE, cursor: node.next ?? null }).then(
      (page) => {
        node.children = [...(node.children ?? []), ...page.items.map((call) => ({ call, open: false }))];
        node.next = page.next;
        node.loading = false;
        refresh();
      },
      (e) => {
        node.loading = false;
        setError(message(e));
      },
    );
  };
  const toggle = (node: Node) => {
    node.open = !node.open;
    if (node.open && !node.children) loadChildren(node);
    refresh();
  };

  const rows = flatten(roots, rootsNext);
  const step = route.step;
  return (
    <Panel id="calls" title={<>Call tree {tid !== undefined && <span class="muted">tid {tid}</span>}</>}>
      <Status error={error} loading={tid !== undefined && roots.length === 0 && !error && rootsNext === undefined} />
      <VirtualList
        count={rows.length}
        rowHeight={20}
        testId="call-tree"
        renderRow={(i) => {
          const row = rows[i];
          const indent = { paddingLeft: `${row.level * 12 + 4}px` };
          if (row.kind === 'more') {
            return (
              <div class="call-row" style={indent}>
                <button class="quiet" onClick={() => (row.parent ? loadChildren(row.parent) : loadRoots(rootsNext ?? null))}>
                  more calls…
                </button>
              </div>
            );
          }
          const c = row.node.call;
          const inside = BigInt(c.callStep) <= step && (c.returnStep === null || step <= BigInt(c.returnStep));
          return (
            <div class={'call-row' + (inside ? ' inside' : '')} style={indent} data-testid="call">
              <button class="twisty" onClick={() => toggle(row.node)} title="Show the calls it made">
                {row.node.loading ? '…' : row.node.open ? '▾' : '▸'}
              </button>
              <Link href={hrefAt(route, { step: BigInt(c.callStep) })} class="mono" title={`call at step ${c.callStep}`}>
                {c.function ?? c.target}
              </Link>
              <span class="mono muted">({c.args.slice(0, 3).join(', ')})</span>
              <span class="mono">{c.returnValue !== null ? ` → ${c.returnValue}` : c.unwound ? ' ↯ unwound' : ' (no return)'}</span>
              <span class="muted mono"> @{groupDigits(c.callStep)}</span>
            </div>
          );
        }}
      />
    </Panel>
  );
}
