package dev.omniscope.server.traces;

import java.time.Instant;

/**
 * A trace's loaded index as its row records it (migration V3): whether one is loaded
 * ({@code load} non-null), what it covers and what loading it took.
 *
 * @param key           the trace's partition key (traces.trace_key)
 * @param load          the load whose tables are the trace's partitions; null: no index loaded
 * @param instructions  steps the index covers: [0, instructions)
 * @param problemJson   where and why the replay stopped early (null when complete)
 * @param openingJson   the moment the trace opens at (migration V7; null when not found, or loaded before it)
 */
public record IndexState(String id, String owner, String status, int progress, String failureReason, long key, Long load, Instant loadedAt,
                          Long instructions, Boolean complete, String problemJson, String rowsJson, Long indexMillis, Long loadMillis,
                          String openingJson) {
    public boolean loaded() {
        return load != null;
    }
}
