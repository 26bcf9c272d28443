import type { Frame, FramesDoc, MomentDoc, TraceDetail } from '../api';
import { changed, formatRoute, togglePanel, type Moment, type Selection } from '../route';
import { navigate } from '../router';

/** What every panel of the trace view works from. */
export interface View {
  trace: TraceDetail;
  route: Moment;
  /** The moment's document (where the thread is); undefined while the first one loads. */
  moment?: MomentDoc;
  /** The thread's frames at the moment (gdb's backtrace); undefined while they load or when the server has none. */
  frames?: FramesDoc;
  framesError?: string;
  /** The first frames of this trace view are on their way (the source waits for them rather than show frame 0's). */
  framesPending?: boolean;
  /**
   * The frame looked at: the URL's `frame`, else the innermost frame whose source the trace
   * carries (inside libc, the program's caller), else frame 0. Undefined until the frames load.
   */
  frame?: Frame;
  /** The address and length of the selection once known (a symbol's come with its history). */
  selected?: { addr: bigint; len: number };
}

/** Changes the view's state (in the URL). */
export function go(route: Moment, change: Partial<Moment>, replace = false): void {
  navigate(formatRoute(changed(route, change)), replace);
}

/** The href of a moment of the same trace: same thread, selection and panels (another step: the default frame). */
export const hrefAt = (route: Moment, change: Partial<Moment>) => formatRoute(changed(route, change));

/**
 * Selects a variable or range: its history opens (the panel too, if it was closed), and memory
 * follows it (a place gone to in memory is left for it).
 */
export function select(route: Moment, selection: Selection): void {
  go(route, { selection, mem: undefined, panels: route.panels.includes('history') ? route.panels : togglePanel(route, 'history').panels });
}
