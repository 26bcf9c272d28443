// Memory as a hex dump at the step, as many bytes a row as the panel's width holds: click a byte,
// shift-click to extend, and the range's history opens. The address box takes an address, a
// symbol or an expression.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { fetchMemory, fetchPrint, fetchSymbols, type At } from '../api';
import { Panel, Status } from '../components/Panel';
import { flowAttr } from '../dataflow';
import { ascii, bytesPerRow, dumpRows, hexToBytes, padAddress, spacedHex, unsignedDecimal } from '../format';
import { message, useAsync, useWidth } from '../hooks';
import { formatAddress, parseAddress, type FlowQuestion } from '../route';
import { go, select, type View } from './context';
import { askOrigin, askUses } from './DataFlow';
import { threadAlive } from '../processes';
import { useProcesses } from './Processes';
import { frameAt } from './Variables';

const MEMORY_BYTES = 256;

/** The selected bytes at the moment, as data flow asks about them. */
const memoryQuestion = (route: { step: bigint; tid?: number }, sel: { addr: bigint; len: number }): FlowQuestion => ({
  addr: sel.addr,
  len: sel.len,
  step: route.step,
  ...(route.tid !== undefined ? { tid: route.tid } : {}),
});

/** A symbol's address by its exact name (a variable's before a function's); undefined when there is none. */
export async function symbolAddress(traceId: string, name: string): Promise<bigint | undefined> {
  const found = (await fetchSymbols(traceId, name)).symbols.filter((s) => s.name === name);
  const best = found.find((s) => s.kind === 'variable') ?? found[0];
  return best ? BigInt(best.addr) : undefined;
}

/**
 * Where the address box's text points: an address; a symbol's address; else the expression's
 * value when it is a pointer (as gdb's `x` examines), its address when it has one.
 */
export async function resolveAddress(traceId: string, text: string, at: At | undefined): Promise<bigint> {
  const t = text.trim();
  const literal = parseAddress(t);
  if (literal !== undefined) return literal;
  if (/^[A-Za-z_][\w.:]*$/.test(t)) {
    const a = await symbolAddress(traceId, t);
    if (a !== undefined) return a;
  }
  if (!at) throw new Error(`no symbol named ${t}`);
  const p = await fetchPrint(traceId, at, t);
  const pointer = /\*\s*$/.test(p.type) ? /^0x[0-9a-f]+/.exec(p.value)?.[0] : undefined;
  if (pointer) return BigInt(pointer);
  if (p.address) return BigInt(p.address);
  throw new Error(`${t} is not in memory (${p.type} ${p.value})`);
}

export function MemoryPanel({ view }: { view: View }) {
  const { route, moment } = view;
  const routeSel = route.selection;
  // a symbol selected while the history (which resolves it) is closed: looked up here
  const named = useAsync(
    () => (routeSel && 'symbol' in routeSel && !view.selected ? symbolAddress(route.traceId, routeSel.symbol) : Promise.resolve(undefined)),
    [route.traceId, routeSel && 'symbol' in routeSel ? routeSel.symbol : '', !!view.selected],
  );
  const sel =
    routeSel && 'addr' in routeSel ? routeSel : (view.selected ?? (named.data !== undefined ? { addr: named.data, len: 1 } : undefined));
  const rsp = moment ? parseAddress(moment.registers.rsp) : undefined;
  const centre = route.mem ?? sel?.addr ?? rsp;
  const base = centre === undefined ? undefined : ((centre - 64n) & ~15n) < 0n ? 0n : (centre - 64n) & ~15n;
  // memory as the looked-at thread's process sees it (after a fork each process has its own copy):
  // the URL's thread, else the one running at the step once the moment says which
  const tid = route.tid ?? (moment && BigInt(moment.step) === route.step ? moment.tid : undefined);
  const procs = useProcesses(route.traceId);
  const ready = base !== undefined && tid !== undefined;
  const memory = useAsync(
    () => (!ready ? Promise.resolve(undefined) : fetchMemory(route.traceId, base, MEMORY_BYTES, route.step, { tid })),
    [route.traceId, base, route.step, tid],
  );
  // the same bytes a step earlier (what changed), when the thread was there then
  const earlier = ready && route.step > 0n && (procs.data || procs.error) && threadAlive(procs.data, tid, route.step - 1n);
  const before = useAsync(
    () => (!earlier ? Promise.resolve(undefined) : fetchMemory(route.traceId, base!, MEMORY_BYTES, route.step - 1n, { tid })),
    [route.traceId, base, route.step, tid, !!earlier],
  );
  const [anchor, setAnchor] = useState<bigint>();
  const [input, setInput] = useState('');
  const [inputError, setInputError] = useState<string>();
  const dump = useRef<HTMLDivElement>(null);
  const probe = useRef<HTMLSpanElement>(null);
  const width = useWidth(dump);
  const [ch, setCh] = useState(7.3);
  useLayoutEffect(() => {
    const w = probe.current?.getBoundingClientRect().width;
    if (w) setCh(w / 10);
  }, [!!probe.current]);
  const perRow = width ? bytesPerRow(width, ch) : 16;

  const bytes = memory.data && memory.data.addr === formatAddress(base ?? -1n) ? hexToBytes(memory.data.bytes) : undefined;
  const old = before.data && before.data.addr === memory.data?.addr && before.data.pid === memory.data?.pid ? hexToBytes(before.data.bytes) : undefined;
  const selected = (a: bigint) => sel !== undefined && a >= sel.addr && a < sel.addr + BigInt(sel.len);
  const click = (a: bigint, e: MouseEvent) => {
    if (e.shiftKey && anchor !== undefined) {
      const from = a < anchor ? a : anchor;
      const len = Number((a < anchor ? anchor : a) - from) + 1;
      select(route, { addr: from, len: Math.min(len, 4096) });
    } else {
      setAnchor(a);
      select(route, { addr: a, len: 1 });
    }
  };
  // the selection (or the address gone to) scrolled into the middle of the panel
  const target = route.mem ?? sel?.addr;
  useLayoutEffect(() => {
    const body = dump.current?.closest('.panel-body') as HTMLElement | null;
    const row = target === undefined ? null : dump.current?.querySelector(`[data-addr="${formatAddress(target)}"]`)?.closest('.hexrow');
    if (!body || !row) return;
    const r = (row as HTMLElement).getBoundingClientRect();
    const b = body.getBoundingClientRect();
    if (r.top < b.top || r.bottom > b.bottom) body.scrollTop += r.top - b.top - (b.height - r.height) / 2;
  }, [target, !!bytes, perRow, base]);

  const goTo = (e: Event) => {
    e.preventDefault();
    if (!input.trim()) return;
    setInputError(undefined);
    resolveAddress(route.traceId, input, frameAt(view)).then(
      (a) => go(route, { mem: a }),
      (err) => setInputError(message(err)),
    );
  };
  return (
    <Panel
      id="memory"
      title={
        <>
          Memory{' '}
          {memory.data && (
            <span class="muted" data-testid="memory-process" title="Each process has its own memory: this is what this moment's thread sees">
              pid {memory.data.pid}
            </span>
          )}
        </>
      }
      tools={
        <form onSubmit={goTo}>
          <input
            class="mono addr-input"
            placeholder="address, symbol or expression"
            title="An address (0x…), a variable's name or an expression: Enter goes there"
            value={input}
            onInput={(e) => setInput((e.target as HTMLInputElement).value)}
            data-testid="memory-address"
          />
          {base !== undefined && (
            <>
              <button type="button" title="Lower addresses" onClick={() => go(route, { mem: base >= 128n ? base - 128n + 64n : 64n }, true)}>
                ▲
              </button>
              <button type="button" title="Higher addresses" onClick={() => go(route, { mem: base + 128n + 64n }, true)}>
                ▼
              </button>
            </>
          )}
        </form>
      }
    >
      {inputError && (
        <div class="error" role="alert" data-testid="memory-address-error">
          {inputError}
        </div>
      )}
      <Status error={memory.error} loading={(memory.loading || (base !== undefined && tid === undefined)) && !bytes} empty={base === undefined ? 'No address yet.' : undefined} />
      <div class="hexdump mono" data-testid="hexdump" data-per-row={perRow} ref={dump}>
        <span class="probe" ref={probe} aria-hidden="true">
          0000000000
        </span>
        {bytes &&
          base !== undefined &&
          dumpRows(base, bytes, perRow).map((row) => (
            <div class="hexrow" key={String(row.addr)}>
              <span class="muted">{padAddress(row.addr)}</span>
              <span class={'hexbytes' + (perRow > 8 ? ' halves' : '')}>
                {Array.from(row.bytes, (b, k) => {
                  const a = row.addr + BigInt(k);
                  const i = row.offset + k;
                  const changed = old !== undefined && old[i] !== b;
                  return (
                    <span
                      key={k}
                      class={'byte' + (selected(a) ? ' selected' : '') + (changed ? ' changed' : '')}
                      title={`${formatAddress(a)} · click: select, shift-click: extend, then see its history`}
                      data-addr={formatAddress(a)}
                      onClick={(e) => click(a, e)}
                    >
                      {b.toString(16).padStart(2, '0')}
                    </span>
                  );
                })}
              </span>
              <span class="muted ascii" data-testid="ascii">
                {ascii(row.bytes)}
              </span>
            </div>
          ))}
        {memory.data && memory.data.unmapped.length > 0 && (
          <div class="muted">unmapped: {memory.data.unmapped.map((u) => `${u.addr} (${u.len})`).join(', ')}</div>
        )}
      </div>
      {sel && bytes && (
        <div class="muted selection-note" data-flow={flowAttr(memoryQuestion(route, sel))} data-testid="memory-selection">
          <button class="quiet small" title="Where did these bytes come from? (w)" onClick={() => askOrigin(route, memoryQuestion(route, sel))} data-testid="memory-origin">
            origin
          </button>
          <button class="quiet small" title="Where did these bytes go? (W)" onClick={() => askUses(route, memoryQuestion(route, sel))} data-testid="memory-uses">
            uses
          </button>{' '}
          selected {formatAddress(sel.addr)}, {sel.len} byte{sel.len === 1 ? '' : 's'}
          {base !== undefined && sel.addr >= base && sel.addr + BigInt(sel.len) <= base + BigInt(MEMORY_BYTES) && (
            <SelectedValue hex={memory.data!.bytes.slice(Number(sel.addr - base) * 2, Number(sel.addr - base + BigInt(sel.len)) * 2)} />
          )}
        </div>
      )}
    </Panel>
  );
}

/** The selected bytes in hex, and as an unsigned little-endian number when they are at most 8. */
function SelectedValue({ hex }: { hex: string }) {
  const decimal = unsignedDecimal(hex);
  return (
    <span class="mono" data-testid="memory-selected-value">
      {' '}
      = {spacedHex(hex)}
      {decimal !== undefined && <span data-testid="memory-selected-decimal"> ({decimal})</span>}
    </span>
  );
}
