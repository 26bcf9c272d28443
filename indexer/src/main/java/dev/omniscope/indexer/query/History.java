package dev.omniscope.indexer.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;

import dev.omniscope.indexer.index.Tables;

/**
 * "When did this value change": every write overlapping a range of memory, in step order, with
 * where it happened and the whole range after it. The CLI makes one scan of mem_writes; the
 * server reads the overlapping rows from PostgreSQL a page at a time. Both turn rows into
 * entries with a {@link Tracker}, which keeps the range's content per process: read from
 * {@link MemoryView} before the first write it sees of a process (or when the region under the
 * range was mapped anew), then each write applied.
 */
public final class History {
    private static final HexFormat HEX = HexFormat.of();

    /** What to watch. {@code pid} null: every process; steps inclusive, null for open ends. */
    public record Query(long address, int length, Integer pid, Long from, Long to) {}

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
     * The CLI's history: one scan of mem_writes.arrow for the writes overlapping the range, then
     * those writes in step order (the file is in step order but for the results of system calls
     * that blocked while other tasks ran, which come when the call returned: docs/index-format.md).
     */
    public static void run(IndexTables index, MemoryView memory, Symbolizer symbols, Query q, Consumer<HistoryEntry> out)
            throws IOException {
        long start = q.address(), end = q.address() + q.length();
        Tracker tracker = new Tracker(memory, symbols, start, q.length());
        List<Write> writes = new ArrayList<>();
        index.scanBatches(Tables.MEM_WRITES, row -> {
            int cStep = row.column("step"), cPid = row.column("pid"), cTid = row.column("tid"), cRip = row.column("rip"),
                    cAddr = row.column("addr"), cSize = row.column("size"), cOld = row.column("old"), cNew = row.column("new"),
                    cKernel = row.column("kernel");
            var steps = row.longVector(cStep);
            var addrs = row.longVector(cAddr);
            int n = row.batchRows();
            for (int i = 0; i < n; i++) {
                long a = addrs.get(i);
                // Rows are at most 64 bytes: cheap rejection on the address column alone.
                if (Long.compareUnsigned(a, end) >= 0 || Long.compareUnsigned(a + 64, start) <= 0) continue;
                IndexTables.at(row, i);
                int size = row.i32(cSize);
                if (Long.compareUnsigned(a + size, start) <= 0) continue;
                long step = steps.get(i);
                if (q.to() != null && step > q.to()) continue;
                int pid = row.i32(cPid);
                if (q.pid() != null && pid != q.pid()) continue;
                writes.add(new Write(step, pid, row.i32(cTid), row.i64(cRip), a, size, row.bytes(cOld), row.bytes(cNew), row.bool(cKernel)));
            }
            return true;
        });
        writes.sort(java.util.Comparator.comparingLong(Write::step)); // stable: a step's writes keep their order
        for (Write w : writes) {
            HistoryEntry e = tracker.apply(w, q.from() == null || w.step() >= q.from());
            if (e != null) out.accept(e);
        }
    }

    public static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
