// Rows of a cursor-paged endpoint, loaded page by page as a list scrolls to them. The total is not
// known until the last page arrives, so the list grows as pages come in. Only a bounded number of
// pages are kept in memory: a page scrolled far away is dropped and fetched again with its cursor
// when it comes back into view, so a list of millions of rows costs a few pages of memory.

export interface PageAnswer<T> {
  items: T[];
  next: string | null;
}

export type FetchPage<T> = (cursor: string | null, limit: number) => Promise<PageAnswer<T>>;

interface Slot<T> {
  /** The index of the page's first row. */
  start: number;
  /** What fetches this page: null for the first. */
  cursor: string | null;
  /** Known once the page was loaded, kept when its rows are dropped. */
  length?: number;
  rows?: T[];
  loading?: boolean;
}

export class PagedRows<T> implements Rows<T> {
  private readonly slots: Slot<T>[] = [{ start: 0, cursor: null }];
  private lastWindow = [0, 0];
  private disposed = false;
  /** Row 0 is the first row of the query. */
  readonly startKnown = true;
  /** True once the last page arrived: count is then the total. */
  done = false;
  /** The last failure's message (a problem document's detail); cleared by retry. */
  error?: string;
  /** Whether trying again may help: false when the server refused the question itself (a 4xx: an unknown symbol). */
  retryable = true;
  /** How many fetches were made, for tests and the bench. */
  fetches = 0;

  constructor(
    private readonly fetchPage: FetchPage<T>,
    private readonly onChange: () => void,
    readonly pageSize = 500,
    private readonly maxPages = 64,
  ) {}

  /** The rows known so far (all of them once done). */
  get count(): number {
    const last = this.slots[this.slots.length - 1];
    return last.start + (last.length ?? 0);
  }

  get loading(): boolean {
    return this.slots.some((s) => s.loading);
  }

  /** The index of the page that holds row i (pages are in row order: binary search). */
  pageOf(i: number): number {
    let lo = 0;
    let hi = this.slots.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.slots[mid].start <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Row i, or undefined while its page is not loaded. */
  get(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    const slot = this.slots[this.pageOf(i)];
    return slot.rows?.[i - slot.start];
  }

  /** Asks for rows [start, end): loads the pages they fall in, and the next page when end reaches past the known rows. */
  ensure(start: number, end: number): void {
    this.lastWindow = [start, end];
    if (this.error) return;
    const first = this.pageOf(start);
    for (let k = first; k < this.slots.length; k++) {
      const slot = this.slots[k];
      const open = k === this.slots.length - 1 && slot.length === undefined; // the page after the known rows
      if (slot.start >= end && !(open && slot.start === end)) break;
      if (!slot.rows && !slot.loading) this.load(k);
    }
  }

  /** Forgets the failure and tries the window again. */
  retry(): void {
    this.error = undefined;
    this.ensure(this.lastWindow[0], this.lastWindow[1]);
    this.onChange();
  }

  /** Stops reporting: answers that arrive later are ignored. */
  dispose(): void {
    this.disposed = true;
  }

  /** Every loaded row with its index, in order (for looking up rows near a step). */
  *loaded(): Generator<[number, T]> {
    for (const slot of this.slots) {
      if (!slot.rows) continue;
      for (let i = 0; i < slot.rows.length; i++) yield [slot.start + i, slot.rows[i]];
    }
  }

  /** How many pages hold rows now (bounded by maxPages). */
  get cachedPages(): number {
    return this.slots.filter((s) => s.rows).length;
  }

  private load(k: number): void {
    const slot = this.slots[k];
    slot.loading = true;
    this.fetches++;
    this.fetchPage(slot.cursor, this.pageSize).then(
      (answer) => {
        if (this.disposed) return;
        slot.loading = false;
        slot.rows = answer.items;
        slot.length = answer.items.length;
        if (k === this.slots.length - 1) {
          if (answer.next && answer.items.length > 0) this.slots.push({ start: slot.start + answer.items.length, cursor: answer.next });
          else this.done = true;
        }
        this.evict();
        this.onChange();
      },
      (e: Error & { detail?: string; status?: number }) => {
        if (this.disposed) return;
        slot.loading = false;
        this.error = e.detail ?? e.message;
        this.retryable = !(typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429);
        this.onChange();
      },
    );
  }

  /** Drops the rows of the pages farthest from the last window asked for, keeping maxPages. */
  private evict(): void {
    const loaded = this.slots.map((s, k) => [s, k] as const).filter(([s]) => s.rows);
    if (loaded.length <= this.maxPages) return;
    const centre = this.pageOf((this.lastWindow[0] + this.lastWindow[1]) >> 1);
    loaded.sort((a, b) => Math.abs(b[1] - centre) - Math.abs(a[1] - centre));
    for (const [slot] of loaded.slice(0, loaded.length - this.maxPages)) slot.rows = undefined;
  }
}

/** Rows as a list shows them: a count, rows by index, and windows to load. */
export interface Rows<T> {
  readonly count: number;
  /** The last row is the last there is. */
  readonly done: boolean;
  /** Row 0 is the first there is. */
  readonly startKnown: boolean;
  readonly loading: boolean;
  readonly error?: string;
  /** Whether retry may help (false: the question itself was refused). */
  readonly retryable?: boolean;
  get(i: number): T | undefined;
  ensure(start: number, end: number): void;
  /** Loaded rows with their indices, in order. */
  loaded(): Iterable<[number, T]>;
  retry(): void;
  dispose(): void;
}

/**
 * A list opened in the middle: the rows before an anchor, fetched backwards page by page (newest
 * first), shown above the rows from the anchor on. Rows arriving above shift every index down:
 * `before.count` says by how much (a list keeps its view still by scrolling as far).
 */
export class TwoSided<T> implements Rows<T> {
  constructor(
    readonly before: PagedRows<T> | undefined,
    readonly after: PagedRows<T>,
  ) {}

  /** The rows above the anchor (the index of the anchor's row). */
  get above(): number {
    return this.before?.count ?? 0;
  }
  get count(): number {
    return this.above + this.after.count;
  }
  get done(): boolean {
    return this.after.done;
  }
  get startKnown(): boolean {
    return !this.before || this.before.done;
  }
  get loading(): boolean {
    return !!this.before?.loading || this.after.loading;
  }
  get retryable(): boolean {
    return this.before?.error ? this.before.retryable : this.after.retryable;
  }

  get error(): string | undefined {
    return this.before?.error ?? this.after.error;
  }

  get(i: number): T | undefined {
    const b = this.above;
    return i < b ? this.before!.get(b - 1 - i) : this.after.get(i - b);
  }

  ensure(start: number, end: number): void {
    const b = this.above;
    // rows above: loaded backwards; reaching the top row asks for the next page up
    if (this.before && start < b) this.before.ensure(Math.max(0, b - end), b - start);
    else if (this.before && start === 0) this.before.ensure(b, b);
    if (end > b || this.after.count === 0) this.after.ensure(Math.max(0, start - b), Math.max(0, end - b));
  }

  *loaded(): Generator<[number, T]> {
    const b = this.above;
    if (this.before) {
      const above = [...this.before.loaded()].reverse();
      for (const [i, row] of above) yield [b - 1 - i, row];
    }
    for (const [i, row] of this.after.loaded()) yield [b + i, row];
  }

  retry(): void {
    if (this.before?.error) this.before.retry();
    if (this.after.error) this.after.retry();
  }

  dispose(): void {
    this.before?.dispose();
    this.after.dispose();
  }
}
