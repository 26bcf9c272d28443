package dev.omniscope.recorder;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.omniscope.trace.TraceEvent;

/**
 * Warnings found while recording. Each is written into the event stream where it happened; a
 * warning that repeats (an unknown ioctl in a loop) is written once per distinct message.
 */
final class Warnings {
    private final Map<String, Integer> seen = new LinkedHashMap<>();
    private final java.util.List<TraceEvent.Warning> pending = new java.util.ArrayList<>();

    void add(int tid, String code, String message) {
        if (seen.merge(code + ": " + message, 1, Integer::sum) == 1) pending.add(new TraceEvent.Warning(tid, code, message));
    }

    /** Warnings not yet written to the trace; the caller writes them. */
    java.util.List<TraceEvent.Warning> drain() {
        var out = java.util.List.copyOf(pending);
        pending.clear();
        return out;
    }

    int distinct() {
        return seen.size();
    }
}
