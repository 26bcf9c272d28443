package dev.omniscope.server.traces;

import java.time.Instant;

/**
 * One row of {@code traces}. {@code summaryJson} is the stored TraceSummary (see TraceService);
 * {@code instructions} the steps of its loaded index (null while none is loaded).
 */
public record TraceRecord(String id, String owner, Instant createdAt, String status, int progress, String failureReason,
                          int attempts, long fileSize, String command, String executable, String recordedAt,
                          long eventCount, boolean complete, String summaryJson, Long instructions) {
    public static final String QUEUED = "queued", INDEXING = "indexing", INDEXED = "indexed", FAILED = "failed";

    public boolean finished() {
        return INDEXED.equals(status) || FAILED.equals(status);
    }
}
