// The sizes of the trace view's columns and panels, as the user dragged them: a weight per column
// or panel (its share of the space its neighbours split), kept in localStorage so that the layout
// outlives a reload without making links longer.

const KEY = 'omni.layout.v1';

export type Weights = Readonly<Record<string, number>>;

/** The smallest size, in pixels, a drag leaves a column or a panel. */
export const MIN_COLUMN = 220;
export const MIN_ROW = 72;

/** Weights read from storage; anything that is not a positive finite number is dropped. */
export function parseWeights(text: string | null): Weights {
  if (!text) return {};
  try {
    const raw = JSON.parse(text) as unknown;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(raw)) if (typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 1000) out[k] = v;
    return out;
  } catch {
    return {};
  }
}

/**
 * The weights of two neighbours after their border moved by `delta` pixels (towards b when
 * positive). Their sum stays, so the other neighbours keep their sizes; neither gets smaller than
 * `min` pixels (unless it already was).
 */
export function dragged(w: { a: number; b: number }, px: { a: number; b: number }, delta: number, min: number): { a: number; b: number } {
  const total = px.a + px.b;
  if (total <= 0) return w;
  const lo = Math.min(min, px.a);
  const hi = total - Math.min(min, px.b);
  const a = Math.min(hi, Math.max(lo, px.a + delta));
  const sum = w.a + w.b;
  return { a: (sum * a) / total, b: (sum * (total - a)) / total };
}

// ---- the store: one for the page, shared by every split

let current: Weights = typeof localStorage === 'undefined' ? {} : parseWeights(localStorage.getItem(KEY));
const listeners = new Set<() => void>();

export function weights(): Weights {
  return current;
}

/** Sets some weights (undefined: back to the default); `persist` writes them to storage (at the end of a drag). */
export function setWeights(change: Record<string, number | undefined>, persist: boolean): void {
  const next: Record<string, number> = { ...current };
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined) delete next[k];
    else next[k] = v;
  }
  current = next;
  if (persist) {
    try {
      localStorage.setItem(KEY, JSON.stringify(current));
    } catch {
      // private browsing or a full storage: the layout holds until the page is left
    }
  }
  listeners.forEach((l) => l());
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}
