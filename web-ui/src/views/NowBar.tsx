// The current moment, always on top: the program, the step (a box to go to another), the thread,
// where it is, the moves, Share and help.
import { useState } from 'preact/hooks';
import type { MomentDoc, TraceDetail } from '../api';
import { groupDigits, shortPath } from '../format';
import type { Moment } from '../route';
import { go } from './context';
import { MOVES } from './keys';
import { MomentProcess } from './Processes';
import type { MoveKind } from '../api';

export function NowBar(props: {
  trace: TraceDetail;
  route: Moment;
  moment?: MomentDoc;
  busy: boolean;
  onMove: (to: MoveKind) => void;
  onShare: () => void;
  onHelp: () => void;
}) {
  const { trace, route, moment: m } = props;
  return (
    <div class="now" data-testid="now">
      <span class="now-cmd mono" title={trace.executable}>
        {trace.executable.split('/').pop() || trace.command.split(' ')[0].split('/').pop()}
      </span>
      <GotoStep route={route} instructions={trace.index!.instructions} />
      <MomentProcess route={route} moment={m} />
      <span class="field mono now-where" data-testid="function" title={m?.function ?? m?.rip ?? ''}>
        {m?.function ?? m?.rip ?? ''}
      </span>
      <span class="field mono muted now-where" data-testid="location" title={m?.file ? `${m.file}:${m.line}` : ''}>
        {m?.file ? `${shortPath(m.file)}:${m.line}` : ''}
      </span>
      <span class="moves">
        {MOVES.map((mv) => (
          <button key={mv.to} class="move" title={`${mv.label} (${mv.key})`} disabled={props.busy} onClick={() => props.onMove(mv.to)} data-testid={`move-${mv.to}`}>
            {mv.key}
          </button>
        ))}
      </span>
      <span class="spacer" />
      <button onClick={props.onShare} data-testid="share-button" title="Copy a link to this moment; bookmarks (s)">
        Share
      </button>
      <button class="quiet" onClick={props.onHelp} title="Keyboard shortcuts (?)" data-testid="help-button">
        ?
      </button>
    </div>
  );
}

/** The id of the step box, which `g` focuses with its text selected (typing replaces it). */
export const STEP_INPUT = 'step-input';

/** `g`: the step box focused with its content selected, so that what is typed replaces it. */
export function focusStepBox(): void {
  const input = document.getElementById(STEP_INPUT) as HTMLInputElement | null;
  input?.focus();
  input?.select();
}

function GotoStep({ route, instructions }: { route: Moment; instructions: number }) {
  const [text, setText] = useState<string>();
  const value = text ?? route.step.toString();
  const digits = value.replace(/[\s,_\u2009]/g, '');
  return (
    <form
      class="field"
      onSubmit={(e) => {
        e.preventDefault();
        if (/^\d+$/.test(digits)) {
          go(route, { step: BigInt(digits) });
          setText(undefined);
          (document.activeElement as HTMLElement | null)?.blur();
        }
      }}
    >
      step{' '}
      <input
        id={STEP_INPUT}
        class="mono step-input"
        data-testid="step"
        value={value}
        title="Go to a step (g): type it, then Enter; Esc gives up"
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key !== 'Escape') return;
          // back to the step shown, and out of the box (the keys move in the trace again)
          e.preventDefault();
          e.stopPropagation();
          setText(undefined);
          (e.currentTarget as HTMLInputElement).value = route.step.toString();
          (e.currentTarget as HTMLInputElement).blur();
        }}
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
