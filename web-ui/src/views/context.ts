import type { MomentDoc, TraceDetail } from '../api';
import { formatRoute, togglePanel, type Moment, type Selection } from '../route';
import { navigate } from '../router';

/** What every panel of the trace view works from. */
export interface View {
  trace: TraceDetail;
  route: Moment;
  /** The moment's document (where the thread is); undefined while the first one loads. */
  moment?: MomentDoc;
  /** The address and length of the selection once known (a symbol's come with its history). */
  selected?: { addr: bigint; len: number };
}

/** Changes the view's state (in the URL). */
export function go(route: Moment, change: Partial<Moment>, replace = false): void {
  navigate(formatRoute({ ...route, ...change }), replace);
}

/** The href of a moment of the same trace: same thread, selection and panels. */
export const hrefAt = (route: Moment, change: Partial<Moment>) => formatRoute({ ...route, ...change });

/** Selects a variable or range: its history opens (the panel too, if it was closed). */
export function select(route: Moment, selection: Selection): void {
  go(route, { selection, panels: route.panels.includes('history') ? route.panels : togglePanel(route, 'history').panels });
}
