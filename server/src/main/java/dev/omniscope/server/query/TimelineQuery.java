package dev.omniscope.server.query;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import dev.omniscope.server.index.Timeline;

/** A stored {@link Timeline} (fixed slices) summed into the buckets a client asks for. */
final class TimelineQuery {
    private TimelineQuery() {}

    static QueryDocuments.Timeline buckets(Timeline t, int requested) {
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
            TreeMap<Integer, long[]> tasks = new TreeMap<>();
            for (Timeline.Task task : t.tasks()) {
                long sum = 0;
                for (int k = 0; k < task.slice().length; k++) {
                    if (task.slice()[k] >= first && task.slice()[k] < end) sum += task.instructions()[k];
                }
                if (sum > 0) tasks.put(task.tid(), new long[] {task.pid(), sum});
            }
            List<QueryDocuments.TaskSlice> ran = new ArrayList<>();
            tasks.forEach((tid, v) -> ran.add(new QueryDocuments.TaskSlice(tid, (int) v[0], v[1])));
            long from = first * t.width(), to = Math.min(t.instructions(), end * t.width());
            buckets.add(new QueryDocuments.Bucket(from, to, ran, syscalls, signals, calls));
        }
        return new QueryDocuments.Timeline(t.instructions(), buckets);
    }
}
