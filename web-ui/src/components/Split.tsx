// Parts side by side (columns) or stacked (rows), with a handle between each two to drag the
// border: the parts' weights live in layout.ts (localStorage). A double click on a handle gives
// its two neighbours their default sizes back; with the keyboard, the arrows move a focused handle.
import { Fragment, type ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { dragged, MIN_COLUMN, MIN_ROW, setWeights, subscribe, weights } from '../layout';

export interface Part {
  /** Names the part's weight in storage: unique in the page. */
  id: string;
  /** Keeps the part mounted while its id changes (a column sized apart in another state); default: the id. */
  key?: string;
  /** Its default share of the split. */
  weight: number;
  node: ComponentChildren;
}

/** Re-renders when any weight changes (a drag in this split or another). */
function useWeights() {
  const [, set] = useState(0);
  useEffect(() => subscribe(() => set((n) => n + 1)), []);
  return weights();
}

export function Split({ dir, parts, testId }: { dir: 'columns' | 'rows'; parts: Part[]; testId?: string }) {
  const w = useWeights();
  const box = useRef<HTMLDivElement>(null);
  const weightOf = (p: Part) => w[p.id] ?? p.weight;
  const horizontal = dir === 'columns';
  const min = horizontal ? MIN_COLUMN : MIN_ROW;

  /** The pixel sizes of parts i-1 and i, as laid out now. */
  const sizes = (i: number) => {
    const els = [...box.current!.children].filter((c) => c.classList.contains('part')) as HTMLElement[];
    const size = (el: HTMLElement) => (horizontal ? el.getBoundingClientRect().width : el.getBoundingClientRect().height);
    return { a: size(els[i - 1]), b: size(els[i]) };
  };
  /** Moves the border before part i by delta pixels from where it was (px, with weights start). */
  const moveBorder = (i: number, start: { a: number; b: number }, px: { a: number; b: number }, delta: number, persist: boolean) => {
    const next = dragged(start, px, delta, min);
    setWeights({ [parts[i - 1].id]: next.a, [parts[i].id]: next.b }, persist);
  };

  const onPointerDown = (i: number, e: PointerEvent) => {
    if (e.button !== 0) return;
    e.preventDefault();
    const handle = e.currentTarget as HTMLElement;
    handle.setPointerCapture(e.pointerId);
    const origin = horizontal ? e.clientX : e.clientY;
    const px = sizes(i);
    const start = { a: weightOf(parts[i - 1]), b: weightOf(parts[i]) };
    let delta = 0;
    document.body.classList.add(horizontal ? 'dragging-columns' : 'dragging-rows');
    const move = (m: PointerEvent) => {
      delta = (horizontal ? m.clientX : m.clientY) - origin;
      moveBorder(i, start, px, delta, false);
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
      handle.removeEventListener('pointercancel', up);
      document.body.classList.remove('dragging-columns', 'dragging-rows');
      moveBorder(i, start, px, delta, true);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
    handle.addEventListener('pointercancel', up);
  };

  const onKeyDown = (i: number, e: KeyboardEvent) => {
    const step = { ArrowLeft: -24, ArrowUp: -24, ArrowRight: 24, ArrowDown: 24 }[e.key];
    if (step === undefined) return;
    // the arrows step through the trace elsewhere: here they move the border only
    e.preventDefault();
    e.stopPropagation();
    moveBorder(i, { a: weightOf(parts[i - 1]), b: weightOf(parts[i]) }, sizes(i), step, true);
  };

  return (
    <div ref={box} class={`split ${dir}`} data-testid={testId}>
      {parts.map((p, i) => (
        <Fragment key={p.key ?? p.id}>
          {i > 0 && (
            <div
              class="handle"
              role="separator"
              aria-orientation={horizontal ? 'vertical' : 'horizontal'}
              tabIndex={0}
              title="Drag to resize; double-click for the default size"
              data-testid={`handle-${parts[i - 1].id}-${p.id}`}
              onPointerDown={(e) => onPointerDown(i, e)}
              onKeyDown={(e) => onKeyDown(i, e)}
              onDblClick={() => setWeights({ [parts[i - 1].id]: undefined, [p.id]: undefined }, true)}
            />
          )}
          <div class="part" data-part={p.id} style={{ flex: `${weightOf(p)} 1 0px` }}>
            {p.node}
          </div>
        </Fragment>
      ))}
    </div>
  );
}
