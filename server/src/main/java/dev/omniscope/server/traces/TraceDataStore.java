package dev.omniscope.server.traces;

/**
 * What the server stores for a trace besides its row and its packed file: today the files a job
 * leaves under {@code traces/<id>/} (see {@link StoredTraceData}); with the index loader, the
 * trace's partitions of the index tables. Deleting a trace calls {@link #delete} before its row
 * and its file are removed.
 */
public interface TraceDataStore {
    /** Removes everything derived from the trace that exists; a no-op for what does not. */
    void delete(String traceId) throws Exception;
}
