// The selected frame's values at the moment, as gdb shows them: its arguments and locals, watched
// expressions, the program's globals on demand. Values expand into members and elements (a page
// at a time); those that differ from the same frame one step earlier are marked; whatever is in
// memory opens its history.
import { useEffect, useState } from 'preact/hooks';
import {
  ApiError,
  fetchChildren,
  fetchFrames,
  fetchPrint,
  fetchSymbols,
  fetchVariables,
  type At,
  type Printed,
  type Value,
  type VariablesDoc,
} from '../api';
import { Panel, Status } from '../components/Panel';
import { shortPath } from '../format';
import { message, useAsync } from '../hooks';
import type { Moment } from '../route';
import { changedValues, sameActivation, splitAt } from '../values';
import { go, select, type View } from './context';
import { askOrigin } from './DataFlow';
import { flowAttr } from '../dataflow';
import type { FlowQuestion } from '../route';

const PAGE = 100;
/** Globals printed at most (the program's own, by name). */
const GLOBALS = 50;

/** Where the selected frame is looked at, once known: undefined while the frames of this moment load. */
export function frameAt(view: View): At | undefined {
  const { route, frames, frame } = view;
  const fresh = frames && BigInt(frames.step) === route.step && (route.tid === undefined || frames.tid === route.tid);
  // the frames of the moment say which frame is shown (a frame the stack does not have: the default)
  if (fresh) return frame ? { step: route.step, tid: route.tid, frame: frame.index } : { step: route.step, tid: route.tid };
  // a frame named by the URL loads at once; without frames (a server without them) the innermost
  if (route.frame !== undefined) return { step: route.step, tid: route.tid, frame: route.frame };
  if (view.framesError) return { step: route.step, tid: route.tid };
  return undefined;
}

const atKey = (at: At | undefined) => (at ? `${at.step} ${at.tid ?? ''} ${at.frame ?? ''}` : '');

/** The variables of the same activation one step earlier in the same thread, or undefined (a new call, step 0). */
async function previousOf(traceId: string, doc: VariablesDoc): Promise<VariablesDoc | undefined> {
  if (doc.step === 0) return undefined;
  const step = BigInt(doc.step) - 1n;
  const same = await fetchVariables(traceId, { step, tid: doc.tid, frame: doc.frame.index }).catch(() => undefined);
  if (same && sameActivation(same.frame, doc.frame)) return same;
  // a call or a return between the two steps renumbers the frames: find the same activation
  const frames = await fetchFrames(traceId, step, doc.tid).catch(() => undefined);
  const f = frames?.frames.find((x) => sameActivation(x, doc.frame));
  return f ? fetchVariables(traceId, { step, tid: doc.tid, frame: f.index }).catch(() => undefined) : undefined;
}

interface Ctx {
  traceId: string;
  route: Moment;
  at: At;
  /** The same frame one step earlier, when comparable. */
  before?: At;
  expanded: Set<string>;
  toggle: (expr: string) => void;
  history: (expr: string) => void;
  /** The question "where did it come from" for a value in memory, at this moment in this frame. */
  question: (expr: string) => FlowQuestion;
}

export function VariablesPanel({ view }: { view: View }) {
  const { route, trace } = view;
  const at = frameAt(view);
  const vars = useAsync(() => (at ? fetchVariables(route.traceId, at) : Promise.resolve(undefined)), [route.traceId, atKey(at)]);
  const doc = vars.data;
  const prev = useAsync(() => (doc ? previousOf(route.traceId, doc) : Promise.resolve(undefined)), [route.traceId, doc]);
  const before = prev.data && doc && prev.data.step === doc.step - 1 ? prev.data : undefined;
  const [expanded, setExpanded] = useState(() => new Set<string>());
  const [showGlobals, setShowGlobals] = useState(false);
  const [input, setInput] = useState('');

  const f = doc?.frame ?? view.frame;
  const ctx: Ctx | undefined = at && {
    traceId: route.traceId,
    route,
    at: doc ? { step: BigInt(doc.step), tid: route.tid, frame: doc.frame.index } : at,
    before: before ? { step: BigInt(before.step), tid: before.tid, frame: before.frame.index } : undefined,
    expanded,
    toggle: (expr) =>
      setExpanded((s) => {
        const next = new Set(s);
        if (next.has(expr)) next.delete(expr);
        else next.add(expr);
        return next;
      }),
    history: (expr) => select(route, { expr, at: route.step, frame: doc?.frame.index ?? at.frame ?? 0, ...(route.tid !== undefined ? { tid: route.tid } : {}) }),
    question: (expr) => ({ expr, step: route.step, frame: doc?.frame.index ?? at.frame ?? 0, ...(route.tid !== undefined ? { tid: route.tid } : {}) }),
  };
  const watch = route.watch ?? [];
  const addWatch = (e: Event) => {
    e.preventDefault();
    const expr = input.trim();
    if (!expr) return;
    if (!watch.includes(expr)) go(route, { watch: [...watch, expr] }, true);
    setInput('');
  };
  const argsChanged = changedValues(doc?.args ?? [], before?.args);
  const localsChanged = changedValues(doc?.locals ?? [], before?.locals);
  return (
    <Panel
      id="variables"
      title={
        <>
          Variables{' '}
          {f && (
            <span class="muted" data-testid="variables-frame">
              #{f.index} <span class="mono">{f.function ?? f.pc}</span>
              {f.file && ` ${shortPath(f.file)}:${f.line}`}
            </span>
          )}
        </>
      }
      tools={
        <button
          class={showGlobals ? 'on' : ''}
          title="The program's global and static variables at this moment"
          onClick={() => setShowGlobals(!showGlobals)}
          data-testid="toggle-globals"
        >
          globals
        </button>
      }
    >
      <form class="watch-form" onSubmit={addWatch}>
        <input
          class="mono"
          placeholder="print an expression (acc->balance, items[2], *p)…"
          value={input}
          onInput={(e) => setInput((e.target as HTMLInputElement).value)}
          data-testid="watch-input"
        />
      </form>
      <Status error={vars.error} loading={!doc && (vars.loading || !at)} />
      {ctx && (
        <div class="vars" data-testid="variables" data-step={doc?.step} data-frame={doc?.frame.index}>
          <div class="var-row var-head">
            <span>name</span>
            <span>value</span>
            <span>type</span>
          </div>
          {watch.length > 0 && (
            <Section title="Watch" testId="watch-section">
              {watch.map((expr) => (
                <Watched key={expr} expr={expr} ctx={ctx} onRemove={() => go(route, { watch: watch.filter((w) => w !== expr) }, true)} />
              ))}
            </Section>
          )}
          {doc && (
            <Section title="Arguments" testId="args-section" empty={doc.args.length === 0 ? 'none' : undefined}>
              {doc.args.map((v) => (
                <ValueRow key={v.name} v={v} depth={0} ctx={ctx} changed={argsChanged.has(v.name)} />
              ))}
            </Section>
          )}
          {doc && (
            <Section title="Locals" testId="locals-section" empty={doc.locals.length === 0 ? 'none' : undefined}>
              {doc.locals.map((v, i) => (
                <ValueRow key={v.name + i} v={v} depth={0} ctx={ctx} changed={localsChanged.has(v.name)} />
              ))}
            </Section>
          )}
          {showGlobals && <Globals ctx={ctx} executable={trace.executable} />}
        </div>
      )}
    </Panel>
  );
}

function Section(props: { title: string; testId: string; empty?: string; children: preact.ComponentChildren }) {
  return (
    <div class="var-section" data-testid={props.testId}>
      <div class="var-section-title">
        {props.title} {props.empty && <span class="muted">{props.empty}</span>}
      </div>
      {props.children}
    </div>
  );
}

function ValueRow({ v, depth, ctx, changed, error, extra }: {
  v: Value;
  depth: number;
  ctx: Ctx;
  changed: boolean;
  error?: preact.ComponentChildren;
  extra?: preact.ComponentChildren;
}) {
  const open = ctx.expanded.has(v.expression);
  // a long value shows whole, wrapped, after a click on it (and its tooltip has it too)
  const [whole, setWhole] = useState(false);
  return (
    <>
      <div
        class={'var-row' + (changed ? ' changed' : '') + (whole ? ' whole' : '')}
        data-testid="var"
        data-name={v.name}
        data-expr={v.expression}
        data-changed={changed || undefined}
        data-flow={v.address ? flowAttr(ctx.question(v.expression)) : undefined}
      >
        <span class="var-name" style={{ paddingLeft: `${depth * 14}px` }} title={v.expression}>
          {v.children > 0 ? (
            <button class="twisty" onClick={() => ctx.toggle(v.expression)} title={open ? 'Collapse' : `Expand (${v.children})`} data-testid="var-expand">
              {open ? '▾' : '▸'}
            </button>
          ) : (
            <span class="twisty" />
          )}
          <span class="mono">{v.name}</span>
        </span>
        <span
          class="mono var-value"
          title={whole ? v.value : `${v.value}\n(click: show it whole)`}
          data-testid="var-value"
          onClick={(e) => {
            const el = e.currentTarget as HTMLElement;
            if (whole || el.scrollWidth > el.clientWidth) setWhole(!whole);
          }}
        >
          {error ?? v.value}
        </span>
        <span class="mono muted var-type" title={v.type}>
          {v.type}
        </span>
        <span class="var-actions">
          {v.address && (
            <button
              class="quiet small"
              title={`When did ${v.expression} change: every write to it (${v.address}, ${v.size} bytes)`}
              onClick={() => ctx.history(v.expression)}
              data-testid="var-history"
            >
              history
            </button>
          )}
          {v.address && (
            <button
              class="quiet small"
              title={`Where did the value of ${v.expression} come from? (w)`}
              onClick={() => askOrigin(ctx.route, ctx.question(v.expression))}
              data-testid="var-origin"
            >
              origin
            </button>
          )}
          {extra}
        </span>
      </div>
      {open && <Children expr={v.expression} depth={depth + 1} ctx={ctx} compare={changed} />}
    </>
  );
}

interface Loaded {
  key: string;
  items: Value[];
  next: number | null;
  error?: string;
  loading: boolean;
}

/** A value's members or elements, a page at a time; compared with one step earlier when the value changed. */
function Children({ expr, depth, ctx, compare }: { expr: string; depth: number; ctx: Ctx; compare: boolean }) {
  const key = `${ctx.traceId} ${atKey(ctx.at)} ${expr}`;
  const [state, setState] = useState<Loaded>();
  const more = (offset: number, base: Value[]) => {
    setState({ key, items: base, next: offset, loading: true });
    fetchChildren(ctx.traceId, ctx.at, expr, offset, PAGE).then(
      (page) => setState((s) => (s && s.key !== key ? s : { key, items: [...base, ...page.children], next: page.next, loading: false })),
      (e) => setState((s) => (s && s.key !== key ? s : { key, items: base, next: null, error: message(e), loading: false })),
    );
  };
  useEffect(() => {
    let stale = false;
    setState((s) => (s ? { ...s, key, loading: true } : { key, items: [], next: null, loading: true }));
    fetchChildren(ctx.traceId, ctx.at, expr, 0, PAGE).then(
      (page) => stale || setState({ key, items: page.children, next: page.next, loading: false }),
      (e) => stale || setState({ key, items: [], next: null, error: message(e), loading: false }),
    );
    return () => void (stale = true);
  }, [key]);
  const shown = state?.items.length ?? 0;
  const before = useAsync(
    () => (compare && ctx.before && shown ? fetchChildren(ctx.traceId, ctx.before, expr, 0, Math.min(1000, shown)).catch(() => undefined) : Promise.resolve(undefined)),
    [key, compare, atKey(ctx.before), shown],
  );
  const changed = changedValues(state?.items ?? [], before.data?.children);
  const indent = { paddingLeft: `${depth * 14 + 18}px` };
  return (
    <>
      {state?.items.map((v, i) => <ValueRow key={v.name + i} v={v} depth={depth} ctx={ctx} changed={changed.has(v.name)} />)}
      {state?.error && (
        <div class="var-note error" style={indent}>
          {state.error}
        </div>
      )}
      {state?.loading && !state.items.length && (
        <div class="var-note muted" style={indent}>
          loading…
        </div>
      )}
      {state && state.next !== null && !state.error && (
        <div class="var-note" style={indent}>
          <button class="quiet small" disabled={state.loading} onClick={() => more(state.next!, state.items)} data-testid="var-more">
            {state.loading ? 'loading…' : `show more (from ${state.next})`}
          </button>
        </div>
      )}
    </>
  );
}

const printedValue = (p: Printed, name = p.expr): Value => ({
  name,
  expression: p.expr,
  type: p.type,
  value: p.value,
  address: p.address,
  size: p.size,
  children: p.children,
});

/** An expression printed at the frame's moment, compared with one step earlier; a bad one shows where it is bad. */
function Watched({ expr, ctx, onRemove }: { expr: string; ctx: Ctx; onRemove: () => void }) {
  const now = useAsync(
    () => fetchPrint(ctx.traceId, ctx.at, expr).then((p) => ({ p }), (e: unknown) => ({ e })),
    [ctx.traceId, atKey(ctx.at), expr],
  );
  const printed = now.data && 'p' in now.data ? now.data.p : undefined;
  const failure = now.data && 'e' in now.data ? now.data.e : undefined;
  const then = useAsync(
    () => (ctx.before && printed ? fetchPrint(ctx.traceId, ctx.before, expr).catch(() => undefined) : Promise.resolve(undefined)),
    [ctx.traceId, atKey(ctx.before), expr, printed],
  );
  const v: Value = printed
    ? printedValue(printed, expr)
    : { name: expr, expression: expr, type: '', value: failure ? message(failure) : '…', address: null, size: 0, children: 0 };
  const split = failure instanceof ApiError ? splitAt(expr, failure.position) : undefined;
  return (
    <div class="var-section" data-testid="watch" data-expr={expr}>
      <ValueRow
        v={v}
        depth={0}
        ctx={ctx}
        changed={!!printed && !!then.data && then.data.value !== printed.value}
        error={
          failure ? (
            <span class="error-inline" data-testid="watch-error" title={message(failure)}>
              {split && (
                <span class="mono">
                  {split[0]}
                  <mark data-testid="error-position">{split[1]}</mark>
                  {split[2]}
                  {' · '}
                </span>
              )}
              {message(failure)}
            </span>
          ) : undefined
        }
        extra={
          <button class="quiet small" title="Stop watching" onClick={onRemove} data-testid="watch-remove">
            ✕
          </button>
        }
      />
    </div>
  );
}

/** The program's own global and static variables (its symbols, not the libraries'), printed in the frame. */
function Globals({ ctx, executable }: { ctx: Ctx; executable: string }) {
  const symbols = useAsync(() => fetchSymbols(ctx.traceId, ''), [ctx.traceId]);
  const names = (symbols.data?.symbols ?? [])
    .filter((s) => s.kind === 'variable' && !!s.type && (s.module === executable || s.module.split('/').pop() === executable.split('/').pop()))
    .map((s) => s.name)
    .filter((n, i, all) => all.indexOf(n) === i);
  return (
    <Section title="Globals" testId="globals-section" empty={symbols.data && names.length === 0 ? 'none with debug information' : undefined}>
      <Status error={symbols.error} loading={symbols.loading && !symbols.data} />
      {names.slice(0, GLOBALS).map((n) => (
        <Global key={n} name={n} ctx={ctx} />
      ))}
      {names.length > GLOBALS && <div class="var-note muted">{names.length - GLOBALS} more: print them by name above.</div>}
    </Section>
  );
}

function Global({ name, ctx }: { name: string; ctx: Ctx }) {
  const now = useAsync(() => fetchPrint(ctx.traceId, ctx.at, name), [ctx.traceId, atKey(ctx.at), name]);
  const then = useAsync(
    () => (ctx.before && now.data ? fetchPrint(ctx.traceId, ctx.before, name).catch(() => undefined) : Promise.resolve(undefined)),
    [ctx.traceId, atKey(ctx.before), name, now.data],
  );
  if (now.error) return null;
  if (!now.data) return <div class="var-note muted">{name} …</div>;
  return <ValueRow v={printedValue(now.data, name)} depth={0} ctx={ctx} changed={!!then.data && then.data.value !== now.data.value} />;
}

