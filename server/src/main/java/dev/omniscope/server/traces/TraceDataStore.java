package dev.omniscope.server.traces;

/**
 * What the server stores for a trace besides its packed file: its partitions of the index tables
 * and what a job leaves under {@code traces/<id>/} ({@code index.IndexedTraceData}). Deleting a
 * trace calls {@link #delete} before its file is removed.
 */
public interface TraceDataStore {
    /**
     * Removes everything derived from the trace that exists; a no-op for what does not. May remove
     * the trace's row too, in the same transaction as its data, so that nothing can attach data to
     * a row about to go.
     */
    void delete(String traceId) throws Exception;
}
