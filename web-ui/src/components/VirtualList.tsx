// A list that renders only the rows on screen (virtual.ts does the arithmetic): millions of rows
// scroll as smoothly as ten.
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { computeWindow, scrollIntoView, scrollToCentre, scrollTopFor } from '../virtual';

export interface VirtualListProps {
  count: number;
  rowHeight: number;
  renderRow: (index: number) => ComponentChildren;
  /** Called with the rendered rows [start, end) whenever they change (to load their pages). */
  onRange?: (start: number, end: number) => void;
  /** A row to bring into view when revealKey changes (or, without one, when the row changes). */
  reveal?: number;
  revealKey?: string;
  /** Reveal with this many rows of context, centring the row when it has fewer. */
  revealContext?: number;
  /**
   * Keep the revealed row in the middle of the view (the current source line): when it changes and
   * when the view is resized; the last rows can be centred too (space follows them).
   */
  centre?: boolean;
  /** Rows added above so far: when it grows the view scrolls as far, so that what is on screen stays. */
  prepended?: number;
  /** Shown after the rows while more may come. */
  footer?: ComponentChildren;
  testId?: string;
  class?: string;
}

export function VirtualList(props: VirtualListProps) {
  const { count, rowHeight, renderRow, onRange, reveal } = props;
  const box = useRef<HTMLDivElement>(null);
  const block = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState(400);
  // Rendered again only when the window's rows change; the block's offset is set on the element
  // directly (a transform: the compositor moves it, nothing is laid out or painted again).
  const [, setWindowKey] = useState('');
  const windowAt = () => computeWindow(count, rowHeight, box.current?.scrollTop ?? 0, viewport);
  const w = windowAt();
  const place = (offset: number) => block.current && (block.current.style.transform = `translateY(${offset}px)`);

  useLayoutEffect(() => {
    const el = box.current!;
    setViewport(el.clientHeight || 400);
    const observer = new ResizeObserver(() => setViewport(el.clientHeight || 400));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  useLayoutEffect(() => void place(w.offset));

  const footerHeight = props.footer ? rowHeight : 0;

  useEffect(() => {
    onRange?.(w.start, w.end);
  }, [w.start, w.end, count]);

  const scrollTo = (top: number) => {
    const el = box.current!;
    el.scrollTop = top;
    onScroll();
  };
  const prepended = useRef(props.prepended ?? 0);
  useLayoutEffect(() => {
    const added = (props.prepended ?? 0) - prepended.current;
    prepended.current = props.prepended ?? 0;
    if (added > 0 && box.current) scrollTo(box.current.scrollTop + added * rowHeight);
  }, [props.prepended]);

  const centred = !!props.centre && w.height === count * rowHeight;
  useLayoutEffect(() => {
    if (!centred || reveal === undefined || reveal < 0 || reveal >= count) return;
    const el = box.current!;
    const target = Math.max(0, Math.round(reveal * rowHeight + rowHeight / 2 - el.clientHeight / 2));
    if (Math.abs(target - el.scrollTop) > 1) scrollTo(target);
  }, [props.revealKey ?? reveal, count > 0, viewport, centred]);

  useLayoutEffect(() => {
    if (centred || reveal === undefined || reveal < 0 || reveal >= count) return;
    const el = box.current!;
    const target = w.height < count * rowHeight
      ? scrollTopFor(reveal, count, rowHeight, el.clientHeight)
      : props.revealContext
        ? scrollToCentre(reveal, rowHeight, el.scrollTop, el.clientHeight, props.revealContext)
        : scrollIntoView(reveal, rowHeight, el.scrollTop, el.clientHeight);
    if (Math.abs(target - el.scrollTop) > 1) scrollTo(target);
  }, [props.revealKey ?? reveal, count > 0]);

  function onScroll() {
    const next = windowAt();
    place(next.offset);
    setWindowKey(`${next.start} ${next.end}`);
  }

  const rows: ComponentChildren[] = [];
  for (let i = w.start; i < w.end; i++) {
    rows.push(
      <div class="vrow" key={i} style={{ height: `${rowHeight}px` }}>
        {renderRow(i)}
      </div>,
    );
  }
  return (
    <div ref={box} class={'vlist ' + (props.class ?? '')} onScroll={onScroll} data-testid={props.testId} data-count={count}>
      <div style={{ height: `${w.height + footerHeight + (centred ? Math.floor(viewport / 2) : 0)}px`, position: 'relative' }}>
        <div ref={block} class="vblock">
          {rows}
        </div>
        {props.footer && (
          <div class="vlist-footer" style={{ position: 'absolute', top: `${w.height}px`, left: 0, right: 0, height: `${rowHeight}px` }}>
            {props.footer}
          </div>
        )}
      </div>
    </div>
  );
}
