// The call tree of a thread: outermost calls first, each expanded lazily (the calls it made, page
// by page), with arguments and return values. A call links to its moment; "reveal" opens the tree
// down to the call the moment is in.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fetchCalls, fetchSignatures, type CallEntry, type Signature, type StackFrame, type Value } from '../api';
import { Link } from '../components/Link';
import { Panel, Status } from '../components/Panel';
import { VirtualList } from '../components/VirtualList';
import { groupDigits } from '../format';
import { message } from '../hooks';
import { argumentList, shorten } from '../values';
import { go, hrefAt, type View } from './context';

const PAGE = 200;
/** Call steps per request for typed signatures. */
const SIGNATURES = 25;
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
  /**
   * Typed signatures by call step (null: the call has none, no DWARF), asked for the rows on screen
   * only, a few at a time: a signature costs the server an evaluation at the callee's first line.
   */
  const signatures = useRef(new Map<number, Signature | null>());
  const wanted = useRef(new Map<number, number>());
  const flush = useRef<ReturnType<typeof setTimeout>>();
  const [noSignatures, setNoSignatures] = useState<string>();
  const want = (c: CallEntry) => {
    if (noSignatures || signatures.current.has(c.callStep) || wanted.current.has(c.callStep)) return;
    wanted.current.set(c.callStep, c.tid);
    if (flush.current) return;
    flush.current = setTimeout(() => {
      flush.current = undefined;
      const batch = [...wanted.current.entries()].filter(([step]) => !signatures.current.has(step));
      const generation = signatures.current;
      for (let i = 0; i < batch.length; i += SIGNATURES) {
        const part = batch.slice(i, i + SIGNATURES);
        const tid = part[0][1];
        const steps = part.filter(([, t]) => t === tid).map(([step]) => step);
        for (const step of steps) generation.set(step, null);
        fetchSignatures(route.traceId, tid, steps).then(
          (r) => {
            for (const sig of r.signatures) generation.set(sig.callStep, sig);
            for (const step of steps) wanted.current.delete(step);
            refresh();
          },
          (e) => setNoSignatures(message(e)),
        );
      }
    }, 100);
  };

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
    signatures.current = new Map();
    wanted.current = new Map();
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
  // until its signature arrives, a call on the moment's stack has its typed parameters in the frames
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
        revealContext={6}
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
          want(c);
          const inside = BigInt(c.callStep) <= step && (c.returnStep === null || step <= BigInt(c.returnStep));
          const signature = signatures.current.get(c.callStep) ?? undefined;
          return (
            <div
              class={'call-row' + (inside ? ' inside' : '')}
              style={indent}
              data-testid="call"
              data-step={c.callStep}
              title={callText(c, signature, typed.get(c.callStep)?.args)}
            >
              <button class="twisty" onClick={() => toggle(row.node)} title="Show the calls it made">
                {row.node.loading ? '…' : row.node.open ? '▾' : '▸'}
              </button>
              <Link href={hrefAt(route, { step: BigInt(c.callStep) })} class="mono call-fn" title={`Go to this call (step ${c.callStep})`}>
                {/* the signature's name is the function's (qualified, without the demangled parameter types) */}
                {signatures.current.get(c.callStep)?.function ?? c.function ?? c.target}
              </Link>
              <CallSignature call={c} signature={signature} onStack={typed.get(c.callStep)?.args} />
              <span class="muted mono call-step">@{groupDigits(c.callStep)}</span>
              {c.function && (
                <button
                  class="quiet small row-action"
                  title={`Every execution of ${c.function}`}
                  data-testid="call-executions"
                  onClick={() => go(route, { exec: { kind: 'function', target: c.function! }, print: undefined, execFrom: undefined })}
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

/** A call as one line of text, whole: the row's tooltip when the row is cut. */
export function callText(c: CallEntry, signature?: Signature | null, onStack?: Value[]): string {
  const args = signature?.args ?? onStack;
  const name = signature?.function ?? c.function ?? c.target;
  const params = args ? args.map((a) => `${a.name}=${a.value}`).join(', ') : c.args.join(', ');
  const returned = c.returnValue === null ? (c.unwound ? ' ↯ unwound' : ' (no return)') : ` → ${signature?.returned?.value ?? c.returnValue}`;
  return `${name}(${params})${returned}  @${c.callStep}`;
}

/**
 * A call's parameters and return value: typed (`(amount=500) → 55`) from its signature, else the
 * parameters of its frame when it is on the moment's stack, else `(…)`; the raw registers (the
 * argument registers at the call, rax at the return) stay in the tooltips.
 */
function CallSignature({ call: c, signature, onStack }: { call: CallEntry; signature?: Signature | null; onStack?: Value[] }) {
  const raw = `rdi, rsi, rdx, rcx, r8, r9 at the call: ${c.args.join(', ')}`;
  const args = signature?.args ?? onStack;
  const typed = signature ? `${signature.function}(${signature.args.map((a) => `${a.type} ${a.name} = ${a.value}`).join(', ')})` : '';
  return (
    <>
      <span class={'mono call-args' + (args ? '' : ' muted')} title={typed ? `${typed}\n${raw}` : raw} data-testid="call-args">
        ({args ? argumentList(args) : '…'})
      </span>
      {c.returnValue === null ? (
        <span class="mono muted call-ret">{c.unwound ? ' ↯ unwound' : ' (no return)'}</span>
      ) : signature?.returned ? (
        <span class="mono call-ret" title={`→ ${signature.returned.value}\n${signature.returned.type}; rax at the return: ${c.returnValue}`} data-testid="call-returned">
          {' '}
          → {shorten(signature.returned.value, 40)}
        </span>
      ) : signature ? null : (
        <span class="mono muted small call-ret" title={`rax at the return: ${c.returnValue}`}>
          {' '}
          → {c.returnValue}
        </span>
      )}
    </>
  );
}
