import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

export interface Async<T> {
  data?: T;
  error?: string;
  loading: boolean;
}

/** The message to show for a failure: a problem document's detail when there is one. */
export function message(e: unknown): string {
  if (e instanceof ApiError) return e.detail ? e.detail : `${e.title} (HTTP ${e.status})`;
  return e instanceof Error ? e.message : String(e);
}

/**
 * The result of an asynchronous load that reruns when deps change; the previous data stays while
 * the next load runs (no flicker when stepping), and the answer of a load overtaken by the next is
 * dropped. Requests are not aborted, they run to their end and late answers are ignored: servers
 * before main's ab0d0e0 closed a trace's file for every later request when one was cancelled.
 */
export function useAsync<T>(load: (() => Promise<T>) | null, deps: unknown[]): Async<T> {
  const [state, setState] = useState<Async<T>>({ loading: load !== null });
  useEffect(() => {
    if (!load) {
      setState({ loading: false });
      return;
    }
    let stale = false;
    setState((s) => ({ data: s.data, loading: true }));
    load().then(
      (data) => stale || setState({ data, loading: false }),
      (e) => stale || setState({ error: message(e), loading: false }),
    );
    return () => void (stale = true);
  }, deps);
  return state;
}

/** A value that changes only after it has stayed the same for `ms` (typing in a search box). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/** A re-render trigger for objects that change outside Preact's state (PagedRows). */
export function useRerender(): () => void {
  const [, set] = useState(0);
  const mounted = useRef(true);
  useEffect(() => () => void (mounted.current = false), []);
  return () => mounted.current && set((n) => n + 1);
}

/** The width in pixels of an element, followed as it resizes (0 until it is laid out). */
export function useWidth(ref: { current: HTMLElement | null }): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref.current]);
  return width;
}
