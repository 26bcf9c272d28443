// The call tree of a thread: outermost calls first, each expanded lazily (the calls it made, page
// by page), with arguments and return values. A call links to its moment; "reveal" opens the tree
// down to the call the moment is in.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchCalls, type CallEntry, type StackFrame } from '../api';
import { Link } from '../components/Link';
import { Panel, Status } from '../components/Panel';
import { VirtualList } from '../components/VirtualList';
import { groupDigits } from '../format';
import { message } from '../hooks';
import { argumentList } from '../values';
import { go, hrefAt, type View } from './context';

const PAGE = 200;
/** How many pages reveal reads at one level looking for a call before it gives up. */
const REVEAL_PAGES = 25;

export interface Node {
  /** undefined for the root: the thread's outermost calls are its children. */
  call?: CallEntry;
  children?: Node[];
  /** The cursor of the next page of children; null when all are loaded. */
  next?: string | null;
  open: boolean;
  loading?: boolean;
}

export type Row = { kind: 'call'; node: Node; level: number } | { kind: 'more'; parent: Node; level: number };

/** The visible rows of a tree: open nodes' children under them, a "more" row where a page follows. */
export function flatten(root: Node): Row[] {
  const rows: Row[] = [];
  const walk = (node: Node, level: number) => {
    for (const child of node.children ?? []) {
      rows.push({ kind: 'call', node: child, level });
      if (child.open) walk(child, level + 1);
    }
    if (node.next) rows.push({ kind: 'more', parent: node, level });
  };
  walk(root, 0);
  return rows;
}

export function CallTreePanel({ view }: { view: View }) {
  const { route } = view;
  const tid = view.moment?.tid;
  const root = useRef<Node>({ open: true });
  const [error, setError] = useState<string>();
  const [reveal, setReveal] = useState<{ index: number; key: number }>();
  const [, setVersion] = useState(0);
  const refresh = () => setVersion((v) => v + 1);

  /** Loads the next page of a node's children. */
  const loadPage = async (node: Node) => {
    if (node.loading || node.next === null) return;
    node.loading = true;
    refresh();
    try {
      const page = node.call
        ? await fetchCalls(route.traceId, { parent: node.call.callStep, tid: node.call.tid, limit: PAGE, cursor: node.next })
        : await fetchCalls(route.traceId, { tid, limit: PAGE, cursor: node.next });
      node.children = [...(node.children ?? []), ...page.items.map((call) => ({ call, open: false }))];
      node.next = page.next;
    } catch (e) {
      setError(message(e));
    } finally {
      node.loading = false;
      refresh();
    }
  };
  useEffect(() => {
    if (tid === undefined) return;
    root.current = { open: true };
    setError(undefined);
    loadPage(root.current);
  }, [route.traceId, tid]);

  const toggle = (node: Node) => {
    node.open = !node.open;
    if (node.open && !node.children) loadPage(node);
    refresh();
  };

  /** Opens the tree along the moment's call stack, as far as the calls are found. */
  const revealStack = async (stack: StackFrame[]) => {
    let node = root.current;
    let found: Node | undefined;
    for (const frame of stack) {
      let child: Node | undefined;
      for (let pages = 0; pages < REVEAL_PAGES; pages++) {
        child = node.children?.find((c) => c.call!.callStep === frame.callStep);
        if (child || node.next === null) break;
        await loadPage(node);
      }
      if (!child) break;
      child.open = true;
      if (!child.children) await loadPage(child);
      found = child;
      node = child;
    }
    if (found) {
      const index = flatten(root.current).findIndex((r) => r.kind === 'call' && r.node === found);
      setReveal({ index, key: Date.now() });
    }
    refresh();
  };

  const rows = flatten(root.current);
  const step = route.step;
  // the calls on the moment's stack have their typed parameters in the frames
  const typed = new Map((view.frames?.frames ?? []).filter((f) => f.callStep !== null && f.callStep !== undefined).map((f) => [f.callStep!, f]));
  return (
    <Panel
      id="calls"
      title={<>Call tree {tid !== undefined && <span class="muted">tid {tid}</span>}</>}
      tools={
        view.moment && (
          <button title="Open the tree down to the current call" data-testid="reveal-call" onClick={() => revealStack(view.moment!.stack)}>
            reveal
          </button>
        )
      }
    >
      <Status error={error} loading={tid !== undefined && rows.length === 0 && !error} />
      <VirtualList
        count={rows.length}
        rowHeight={20}
        testId="call-tree"
        reveal={reveal?.index}
        revealKey={String(reveal?.key)}
        renderRow={(i) => {
          const row = rows[i];
          const indent = { paddingLeft: `${row.level * 12 + 4}px` };
          if (row.kind === 'more') {
            return (
              <div class="call-row" style={indent}>
                <button class="quiet" onClick={() => loadPage(row.parent)}>
                  {row.parent.loading ? 'loading…' : 'more calls…'}
                </button>
              </div>
            );
          }
          const c = row.node.call!;
          const inside = BigInt(c.callStep) <= step && (c.returnStep === null || step <= BigInt(c.returnStep));
          return (
            <div class={'call-row' + (inside ? ' inside' : '')} style={indent} data-testid="call" data-step={c.callStep}>
              <button class="twisty" onClick={() => toggle(row.node)} title="Show the calls it made">
                {row.node.loading ? '…' : row.node.open ? '▾' : '▸'}
              </button>
              <Link href={hrefAt(route, { step: BigInt(c.callStep) })} class="mono" title={`call at step ${c.callStep}`}>
                {c.function ?? c.target}
              </Link>
              {/* the calls endpoint has the argument registers, not the typed parameters: those are in the call stack */}
              <span class={'mono' + (typed.has(c.callStep) ? '' : ' muted')} title={`rdi, rsi, rdx, rcx, r8, r9 at the call: ${c.args.join(', ')}`} data-testid="call-args">
                ({typed.has(c.callStep) ? argumentList(typed.get(c.callStep)!.args) : '…'})
              </span>
              <span class="mono muted small" title="rax at the return">
                {c.returnValue !== null ? ` → ${c.returnValue}` : c.unwound ? ' ↯ unwound' : ' (no return)'}
              </span>
              <span class="muted mono"> @{groupDigits(c.callStep)}</span>
              {c.function && (
                <button
                  class="quiet small row-action"
                  title={`Every execution of ${c.function}`}
                  data-testid="call-executions"
                  onClick={() => go(route, { exec: { kind: 'function', target: c.function! }, print: undefined })}
                >
                  runs
                </button>
              )}
            </div>
          );
        }}
      />
    </Panel>
  );
}
