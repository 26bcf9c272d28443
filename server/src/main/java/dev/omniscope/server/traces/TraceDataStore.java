package dev.omniscope.server.traces;

/**
 * What the server keeps for a trace besides its row and packed file: its partitions of the index
 * tables and what a job leaves under {@code traces/<id>/} ({@code index.IndexPartitions}), the
 * trace held open for queries ({@code query.OpenTraces}). Deleting a trace calls every
 * implementation's {@link #delete}, in their {@code @Order}, before its file is removed.
 */
public interface TraceDataStore {
    /**
     * Removes everything derived from the trace that exists; a no-op for what does not. May remove
     * the trace's row too, in the same transaction as its data, so that nothing can attach data to
     * a row about to go.
     */
    void delete(String traceId) throws Exception;

    /**
     * Thrown by the store that removes the row when the row was already gone: another deletion
     * claimed the trace, and this one must remove nothing (it answers 404).
     */
    final class Gone extends Exception {
        public Gone(String traceId) {
            super("trace " + traceId + " was deleted by another request");
        }
    }
}
