package dev.omniscope.indexer.index;

import java.util.List;
import java.util.Map;

/**
 * index/summary.json: what the index holds and whether it covers the whole trace.
 *
 * @param complete    the replay reached the end of a complete trace
 * @param problem     why it did not (null when complete)
 * @param instructions steps replayed: the index covers steps [0, instructions)
 * @param rows        rows per table
 * @param sources     the source files the trace carries
 */
public record IndexSummary(String format, int version, String indexedBy, String traceCreated, List<String> command,
                           boolean complete, Problem problem, long instructions, long syscalls, long events,
                           Map<String, Long> rows, List<String> sources, long durationMillis) {
    public static final String FORMAT = "omniscope-index";
    public static final int VERSION = 1;

    /** Where and why the replay stopped early. */
    public record Problem(String kind, long step, int pid, int tid, long rip, String function, String detail, String message) {}
}
