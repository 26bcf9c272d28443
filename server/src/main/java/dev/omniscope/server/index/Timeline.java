package dev.omniscope.server.index;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What happened along the step axis, in {@link #SLICES} equal slices: which tasks ran how many
 * instructions, and how many system calls, signals and calls began, in each. Computed while the
 * tables are loaded (from blocks, syscalls, signals, calls) and stored with the trace
 * ({@code traces.index_timeline}), so that drawing a timeline never scans a big table.
 *
 * @param width   steps per slice (the last may be shorter)
 * @param tasks   per thread, the slices it ran in and its instructions there
 */
public record Timeline(long instructions, long width, int slices, long[] syscalls, long[] signals, long[] calls, List<Task> tasks) {
    public static final int SLICES = 1024;

    /** A thread's instructions per slice (sparse: the slices it ran in, ascending). */
    public record Task(int tid, int pid, int[] slice, long[] instructions) {}

    /** Accumulates a timeline while rows stream past. */
    static final class Builder {
        final long instructions, width;
        final int slices;
        final long[] syscalls, signals, calls;
        private final Map<Integer, TreeMap<Integer, Long>> byTask = new HashMap<>();
        private final Map<Integer, Integer> pids = new HashMap<>();

        Builder(long instructions) {
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

        void syscall(long step) {
            syscalls[slice(step)]++;
        }

        void signal(long step) {
            signals[slice(step)]++;
        }

        void call(long step) {
            calls[slice(step)]++;
        }

        Timeline build() {
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
