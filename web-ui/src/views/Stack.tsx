// The call stack at the step: frames to select (the moment stays), each call to travel to.
import { type Frame } from '../api';
import { Link } from '../components/Link';
import { Panel } from '../components/Panel';
import { shortPath } from '../format';
import { argumentList } from '../values';
import { go, hrefAt, type View } from './context';

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
          {frames.frames[0].function ?? frames.frames[0].pc} has no source: showing #{frame.index} {frame.function}, the nearest frame with source.
        </div>
      )}
      <div class="stack" data-testid="stack">
        {frames.frames.map((f) => {
          const selected = f.index === frame?.index;
          return (
            <div class={'frame-row' + (selected ? ' selected' : '')} key={f.index} data-testid="frame" data-index={f.index} data-selected={selected || undefined}>
              <button class="frame-select" onClick={() => go(route, { frame: f.index })} title={`Show frame #${f.index}: ${f.function ?? f.pc}(${argumentList(f.args)})\n${typedSignature(f)}\n${f.file ? `${f.file}:${f.line}` : f.pc}`} data-testid="frame-select">
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
    <Panel id="stack" title={<>Call stack {m && <span class="muted" data-testid="stack-thread">process {m.pid} · thread {m.tid}</span>}</>}>
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
