// Registers (changed ones marked), the call stack (frames to select), and memory as a hex view, all at the step.
import { useState } from 'preact/hooks';
import { fetchMemory, fetchRegisters, type Frame } from '../api';
import { Link } from '../components/Link';
import { Panel, Status } from '../components/Panel';
import { ascii, dumpRows, hexToBytes, padAddress, shortPath, spacedHex, unsignedDecimal } from '../format';
import { useAsync } from '../hooks';
import { formatAddress, parseAddress } from '../route';
import { argumentList } from '../values';
import { go, hrefAt, select, type View } from './context';
import { askOrigin, askUses } from './DataFlow';
import { threadAlive } from '../processes';
import { useProcesses } from './Processes';
import { flowAttr } from '../dataflow';
import type { FlowQuestion } from '../route';

const GENERAL = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip', 'eflags', 'fs_base', 'gs_base'];

/** Register names in display order: the general ones first, then the rest as the server lists them. */
export function registerOrder(names: string[]): string[] {
  const rest = names.filter((n) => !GENERAL.includes(n));
  return [...GENERAL.filter((n) => names.includes(n)), ...rest];
}

/** The registers whose values differ between two snapshots. */
export function changedRegisters(now: Record<string, string>, before?: Record<string, string>): Set<string> {
  const changed = new Set<string>();
  if (!before) return changed;
  for (const [k, v] of Object.entries(now)) if (before[k] !== undefined && before[k] !== v) changed.add(k);
  return changed;
}

export function RegistersPanel({ view }: { view: View }) {
  const m = view.moment;
  const { route } = view;
  // the same thread one step earlier: what the previous instruction changed
  const previous = useAsync(
    () => (m && m.step > 0 && m.running ? fetchRegisters(route.traceId, BigInt(m.step) - 1n, m.tid) : Promise.resolve(undefined)),
    [route.traceId, m?.step, m?.tid],
  );
  if (!m) return <Panel id="registers" title="Registers">{null}</Panel>;
  const changed = changedRegisters(m.registers, previous.data?.tid === m.tid ? previous.data.registers : undefined);
  return (
    <Panel id="registers" title={<>Registers <span class="muted">tid {m.tid}{m.running ? '' : ' (waiting)'}</span></>}>
      <div class="registers" data-testid="registers">
        {registerOrder(Object.keys(m.registers)).map((name) => {
          const q: FlowQuestion = { reg: name, step: BigInt(m.step), tid: m.tid };
          return (
            <div
              class={'reg' + (changed.has(name) ? ' changed' : '')}
              key={name}
              data-testid={`reg-${name}`}
              data-changed={changed.has(name) || undefined}
              data-flow={flowAttr(q)}
            >
              <button class="name" title={`Where did ${name}'s value come from? (w)`} onClick={() => askOrigin(route, q)} data-testid="reg-origin">
                {name}
              </button>
              <span class="mono">{m.registers[name]}</span>
            </div>
          );
        })}
      </div>
    </Panel>
  );
}

/** The typed call signature of a frame's function, as its title: `deposit(int amount = 500)`. */
export function typedSignature(f: Frame): string {
  return `${f.function ?? f.pc}(${f.args.map((a) => `${a.type} ${a.name} = ${a.value}`).join(', ')})`;
}

/**
 * The thread's frames at the moment, innermost first (gdb's backtrace). Clicking a frame selects
 * it (`?frame=K`): the moment stays, the source and variables are that frame's. Each frame's call
 * can still be travelled to (⤴), and its function's executions listed.
 */
export function StackPanel({ view }: { view: View }) {
  const { route, frames, frame } = view;
  if (!frames) return <LegacyStack view={view} />;
  const implicit = route.frame === undefined && frame && frame.index !== 0;
  return (
    <Panel id="stack" title={<>Call stack <span class="muted" data-testid="stack-thread">process {frames.pid} · thread {frames.tid}</span></>}>
      {implicit && (
        <div class="muted hint small" data-testid="frame-note">
          {frames.frames[0].function ?? frames.frames[0].pc} has no source here: showing #{frame.index} {frame.function}, the innermost frame with source.
        </div>
      )}
      <div class="stack" data-testid="stack">
        {frames.frames.map((f) => {
          const selected = f.index === frame?.index;
          return (
            <div class={'frame-row' + (selected ? ' selected' : '')} key={f.index} data-testid="frame" data-index={f.index} data-selected={selected || undefined}>
              <button class="frame-select" onClick={() => go(route, { frame: f.index })} title={`Show this frame: ${typedSignature(f)}`} data-testid="frame-select">
                <span class="muted mono">#{f.index}</span> <span class="mono fn">{f.function ?? f.pc}</span>
                <span class="mono args" data-testid="frame-args">({argumentList(f.args)})</span>
                {f.inlined && <span class="tag">inlined</span>}
                <span class="muted loc"> {f.file ? `${shortPath(f.file)}:${f.line}` : f.pc}</span>
              </button>
              {f.function && (
                <button
                  class="quiet small"
                  title={`Every execution of ${f.function}, with its parameters`}
                  data-testid="frame-executions"
                  onClick={() => go(route, { exec: { kind: 'function', target: f.function! }, print: f.args.map((a) => a.name), execFrom: undefined })}
                >
                  runs
                </button>
              )}
              {f.callStep !== null && (
                <Link href={hrefAt(route, { step: BigInt(f.callStep) })} class="travel" title={`Travel to this call (step ${f.callStep})`} testId="frame-travel">
                  ⤴
                </Link>
              )}
            </div>
          );
        })}
      </div>
    </Panel>
  );
}

/** The stack from the moment's document (call steps and raw arguments), when the server has no frames. */
function LegacyStack({ view }: { view: View }) {
  const m = view.moment;
  const frames = m ? [...m.stack].reverse() : [];
  return (
    <Panel id="stack" title="Call stack">
      {view.framesError && <div class="muted hint small">No typed frames: {view.framesError}</div>}
      <div class="stack" data-testid="stack">
        {m && (
          <div class="frame current">
            <span class="mono">{m.function ?? m.rip}</span>
            {m.file && <span class="muted"> {shortPath(m.file)}:{m.line}</span>}
          </div>
        )}
        {frames.map((f) => (
          <div class="frame" key={f.callStep} data-testid="frame">
            <Link href={hrefAt(view.route, { step: BigInt(f.callStep) })} class="mono" title="Go to this call">
              {f.function ?? '?'}
            </Link>
            <span class="muted mono">({f.args.slice(0, 3).join(', ')}…)</span>
            <span class="muted">
              {' '}
              from {f.callSiteFunction ?? f.callSite}
              {f.file && ` ${shortPath(f.file)}:${f.line}`}
            </span>
          </div>
        ))}
      </div>
    </Panel>
  );
}

const MEMORY_BYTES = 256;

/** The selected bytes at the moment, as data flow asks about them. */
const memoryQuestion = (route: { step: bigint; tid?: number }, sel: { addr: bigint; len: number }): FlowQuestion => ({
  addr: sel.addr,
  len: sel.len,
  step: route.step,
  ...(route.tid !== undefined ? { tid: route.tid } : {}),
});

export function MemoryPanel({ view }: { view: View }) {
  const { route, moment } = view;
  const sel = route.selection && 'addr' in route.selection ? route.selection : view.selected;
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
  return (
    <Panel
      id="memory"
      title={
        <>
          Memory{' '}
          {memory.data && (
            <span class="muted" data-testid="memory-process" title="Each process has its own memory: this is what this moment's thread sees">
              of process {memory.data.pid}
            </span>
          )}
        </>
      }
      tools={
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const a = parseAddress(input);
            if (a !== undefined) go(route, { mem: a });
          }}
        >
          <input class="mono addr-input" placeholder="address (0x…)" value={input} onInput={(e) => setInput((e.target as HTMLInputElement).value)} data-testid="memory-address" />
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
      <Status error={memory.error} loading={(memory.loading || (base !== undefined && tid === undefined)) && !bytes} empty={base === undefined ? 'No address yet.' : undefined} />
      {bytes && base !== undefined && (
        <div class="hexdump mono" data-testid="hexdump">
          {dumpRows(base, bytes).map((row) => (
            <div class="hexrow" key={String(row.addr)}>
              <span class="muted">{padAddress(row.addr)}</span>
              <span class="hexbytes">
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
              <span class="muted">{ascii(row.bytes)}</span>
            </div>
          ))}
          {memory.data && memory.data.unmapped.length > 0 && (
            <div class="muted">unmapped: {memory.data.unmapped.map((u) => `${u.addr} (${u.len})`).join(', ')}</div>
          )}
        </div>
      )}
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
