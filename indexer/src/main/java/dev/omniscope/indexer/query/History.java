package dev.omniscope.indexer.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * "When did this value change": every write overlapping a range of memory, in step order, with
 * where it happened and the whole range after it, a page at a time ({@link #page}). The store
 * lists the overlapping rows; a {@link Tracker} turns them into entries, keeping the range's
 * content per process: read from {@link MemoryView} before the first write it sees of a process
 * (or when the region under the range was mapped anew), then each write applied.
 */
public final class History {
    private static final HexFormat HEX = HexFormat.of();

    /** One row of mem_writes. */
    public record Write(long step, int pid, int tid, long rip, long addr, int size, byte[] old, byte[] new_, boolean kernel) {
        /** Whether it covers a byte of [start, start + length). */
        public boolean overlaps(long start, int length) {
            return Long.compareUnsigned(addr, start + length) < 0 && Long.compareUnsigned(addr + size, start) > 0;
        }
    }

    /** The watched range's content per process, as writes are applied in order. */
    public static final class Tracker {
        private final MemoryView memory;
        private final Symbolizer symbols;
        private final long start;
        private final int length;
        private final Map<Integer, byte[]> ranges = new HashMap<>();
        private final Map<Integer, Long> lastStep = new HashMap<>();

        public Tracker(MemoryView memory, Symbolizer symbols, long start, int length) {
            this.memory = memory;
            this.symbols = symbols;
            this.start = start;
            this.length = length;
        }

        /** Whether the tracker holds the range of {@code pid} (it has seen a write or been seeded). */
        public boolean knows(int pid) {
            return ranges.containsKey(pid);
        }

        /** Starts {@code pid}'s range at {@code step} (before that step's writes) from memory; for readers that start mid-way. */
        public void seed(int pid, long step) throws IOException {
            ranges.put(pid, memory.read(pid, start, length, step).data());
            lastStep.put(pid, step);
        }

        /** Whether the write covers the whole watched range (a scalar's stores do). */
        private boolean covers(Write w) {
            return Long.compareUnsigned(w.addr(), start) <= 0 && Long.compareUnsigned(w.addr() + w.new_().length, start + length) >= 0;
        }

        /**
         * Applies an overlapping write; its entry, or null when {@code emit} is false (a write
         * before the reader's first step still changes the range).
         */
        public HistoryEntry apply(Write w, boolean emit) throws IOException {
            byte[] range = ranges.get(w.pid());
            Long previous = lastStep.get(w.pid());
            if (range == null || memory.contentRestartedBetween(w.pid(), start, previous, w.step())) {
                // the range just before this write; not read when the write covers all of it (a scalar's stores)
                range = covers(w) ? new byte[length] : memory.read(w.pid(), start, length, w.step()).data();
                ranges.put(w.pid(), range);
            }
            for (int k = 0; k < w.new_().length; k++) {
                long at = w.addr() + k - start;
                if (at >= 0 && at < length) range[(int) at] = w.new_()[k];
            }
            lastStep.put(w.pid(), w.step());
            if (!emit) return null;
            Symbolizer.Place place = symbols.place(w.pid(), w.rip(), w.step());
            return new HistoryEntry(w.step(), w.pid(), w.tid(), hex(w.rip()), place.function(), place.file(), place.line(),
                    hex(w.addr()), w.size(), HEX.formatHex(w.old()), HEX.formatHex(w.new_()), HEX.formatHex(range), w.kernel());
        }
    }

    private History() {}

    /**
     * A page of the history of [address, address + length): the writes {@code q} selects (from the
     * store, in its order), each given to {@code out} as an entry in the listing's order. Entries
     * are made in step order by a {@link Tracker}: the range's content per process is read from
     * memory at the first write of that process on the page (with the writes of that step that an
     * earlier page listed, or a reverse page leaves out, applied first; not read at all when that
     * write covers the whole range), then each write applied. Returns the position of the page's
     * last write, for the next page's cursor, or null when this is the last page.
     */
    static long[] page(IndexStore store, MemoryView memory, Symbolizer symbols, IndexStore.WriteQuery q, Consumer<HistoryEntry> out)
            throws IOException {
        List<IndexStore.SeqWrite> rows = store.writes(new IndexStore.WriteQuery(q.address(), q.length(), q.pid(), q.from(), q.to(),
                q.after(), q.descending(), q.limit() == Integer.MAX_VALUE ? q.limit() : q.limit() + 1));
        List<IndexStore.SeqWrite> page = new ArrayList<>(rows.subList(0, Math.min(q.limit(), rows.size())));
        if (q.descending()) java.util.Collections.reverse(page);
        Tracker tracker = new Tracker(memory, symbols, q.address(), q.length());
        List<HistoryEntry> reversed = q.descending() ? new ArrayList<>() : null;
        for (IndexStore.SeqWrite r : page) {
            Write w = r.write();
            if (!tracker.knows(w.pid()) && (q.descending() || q.after() != null && w.step() == q.after()[0])) {
                List<IndexStore.SeqWrite> earlier = sameStepBefore(store, q, w, r.seq());
                if (!earlier.isEmpty()) {
                    tracker.seed(w.pid(), w.step());
                    for (IndexStore.SeqWrite e : earlier) tracker.apply(e.write(), false);
                }
            }
            HistoryEntry e = tracker.apply(w, true);
            if (reversed != null) reversed.add(e);
            else out.accept(e);
        }
        if (reversed != null) {
            for (int i = reversed.size() - 1; i >= 0; i--) out.accept(reversed.get(i));
        }
        if (rows.size() <= q.limit()) return null;
        IndexStore.SeqWrite last = rows.get(q.limit() - 1);
        return new long[] {last.write().step(), last.seq()};
    }

    /** The overlapping writes of {@code w}'s process at {@code w}'s step before {@code seq}, in order. */
    private static List<IndexStore.SeqWrite> sameStepBefore(IndexStore store, IndexStore.WriteQuery q, Write w, long seq) throws IOException {
        List<IndexStore.SeqWrite> found = new ArrayList<>();
        for (IndexStore.SeqWrite e : store.writes(new IndexStore.WriteQuery(q.address(), q.length(), w.pid(), w.step(), w.step(), null,
                false, Integer.MAX_VALUE))) {
            if (e.seq() < seq) found.add(e);
        }
        return found;
    }

    public static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
