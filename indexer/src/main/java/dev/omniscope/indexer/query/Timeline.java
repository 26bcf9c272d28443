package dev.omniscope.indexer.query;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.omniscope.indexer.index.IndexTable;

/**
 * What happened along the step axis, in {@link #SLICES} equal slices: which tasks ran how many
 * instructions, and how many system calls, signals and calls began, in each. Computed while the
 * server's loader streams the tables into PostgreSQL (from blocks, syscalls, signals, calls) and
 * stored with the trace ({@code traces.index_timeline}), so that drawing a timeline never scans a
 * big table; computed by one scan of those tables for an index directory.
 *
 * @param width   steps per slice (the last may be shorter)
 * @param tasks   per thread, the slices it ran in and its instructions there
 */
public record Timeline(long instructions, long width, int slices, long[] syscalls, long[] signals, long[] calls, List<Task> tasks) {
    public static final int SLICES = 1024;

    /** This timeline's fixed slices summed into {@code requested} buckets (at most {@link #slices}). */
    public QueryDocuments.Timeline buckets(int requested) {
        Timeline t = this;
        int slices = t.slices();
        int n = Math.max(1, Math.min(requested, slices));
        List<QueryDocuments.Bucket> buckets = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            int first = (int) ((long) b * slices / n), end = (int) ((long) (b + 1) * slices / n);
            long syscalls = 0, signals = 0, calls = 0;
            for (int s = first; s < end; s++) {
                syscalls += t.syscalls()[s];
                signals += t.signals()[s];
                calls += t.calls()[s];
            }
            TreeMap<Integer, long[]> ran = new TreeMap<>();
            for (Timeline.Task task : t.tasks()) {
                long sum = 0;
                for (int k = 0; k < task.slice().length; k++) {
                    if (task.slice()[k] >= first && task.slice()[k] < end) sum += task.instructions()[k];
                }
                if (sum > 0) ran.put(task.tid(), new long[] {task.pid(), sum});
            }
            List<QueryDocuments.TaskSlice> slicesRan = new ArrayList<>();
            ran.forEach((tid, v) -> slicesRan.add(new QueryDocuments.TaskSlice(tid, (int) v[0], v[1])));
            long from = first * t.width(), to = Math.min(t.instructions(), end * t.width());
            buckets.add(new QueryDocuments.Bucket(from, to, slicesRan, syscalls, signals, calls));
        }
        return new QueryDocuments.Timeline(t.instructions(), buckets);
    }

    /** A thread's instructions per slice (sparse: the slices it ran in, ascending). */
    public record Task(int tid, int pid, int[] slice, long[] instructions) {}

    /** The tables a timeline is computed from. */
    public static final List<IndexTable> SOURCES = List.of(IndexTable.BLOCKS, IndexTable.SYSCALLS, IndexTable.SIGNALS, IndexTable.CALLS);

    private static final int BLOCK_STEP = IndexTable.BLOCKS.column("step"), BLOCK_PID = IndexTable.BLOCKS.column("pid"),
            BLOCK_TID = IndexTable.BLOCKS.column("tid"), BLOCK_COUNT = IndexTable.BLOCKS.column("instructions"),
            SYSCALL_STEP = IndexTable.SYSCALLS.column("step"), SIGNAL_STEP = IndexTable.SIGNALS.column("step"),
            CALL_STEP = IndexTable.CALLS.column("call_step");

    /** Accumulates a timeline while rows stream past. */
    public static final class Builder {
        final long instructions, width;
        final int slices;
        final long[] syscalls, signals, calls;
        private final Map<Integer, TreeMap<Integer, Long>> byTask = new HashMap<>();
        private final Map<Integer, Integer> pids = new HashMap<>();

        public Builder(long instructions) {
            this.instructions = Math.max(instructions, 0);
            this.width = Math.max(1, (this.instructions + SLICES - 1) / SLICES);
            this.slices = (int) Math.max(1, (this.instructions + width - 1) / width);
            syscalls = new long[slices];
            signals = new long[slices];
            calls = new long[slices];
        }

        private int slice(long step) {
            return (int) Math.max(0, Math.min(slices - 1, step / width));
        }

        /** A block: {@code count} instructions from {@code step}, split over the slices they fall in. */
        void block(long step, int pid, int tid, int count) {
            TreeMap<Integer, Long> slicesOf = byTask.computeIfAbsent(tid, t -> new TreeMap<>());
            pids.putIfAbsent(tid, pid);
            long s = Math.max(step, 0), end = step + count;
            while (s < end) {
                int i = slice(s);
                long sliceEnd = i == slices - 1 ? Long.MAX_VALUE : (i + 1) * width;
                long n = Math.min(end, sliceEnd) - s;
                slicesOf.merge(i, n, Long::sum);
                s += n;
            }
        }

        /** A row of table {@code t}: counted if {@code t} is one of {@link #SOURCES}. */
        public void row(IndexTable t, TableRow row) {
            switch (t) {
                case BLOCKS -> block(row.i64(BLOCK_STEP), row.i32(BLOCK_PID), row.i32(BLOCK_TID), row.i32(BLOCK_COUNT));
                case SYSCALLS -> syscall(row.i64(SYSCALL_STEP));
                case SIGNALS -> signal(row.i64(SIGNAL_STEP));
                case CALLS -> call(row.i64(CALL_STEP));
                default -> { }
            }
        }

        void syscall(long step) {
            syscalls[slice(step)]++;
        }

        void signal(long step) {
            signals[slice(step)]++;
        }

        void call(long step) {
            calls[slice(step)]++;
        }

        public Timeline build() {
            List<Task> tasks = new ArrayList<>();
            new TreeMap<>(byTask).forEach((tid, m) -> {
                int[] at = new int[m.size()];
                long[] n = new long[m.size()];
                int k = 0;
                for (Map.Entry<Integer, Long> e : m.entrySet()) {
                    at[k] = e.getKey();
                    n[k++] = e.getValue();
                }
                tasks.add(new Task(tid, pids.get(tid), at, n));
            });
            return new Timeline(instructions, width, slices, syscalls, signals, calls, tasks);
        }
    }
}
