package dev.omniscope.server.jobs;

import java.nio.file.Path;

/**
 * The work an indexing job does for one trace: given its packed file and an empty work directory,
 * report progress, then succeed or fail with a reason. The one implementation is a Spring bean,
 * {@code index.IndexProcessor} (the replay into Arrow tables, then the load into PostgreSQL),
 * declared here so that the job queue does not depend on what a job does.
 */
public interface TraceProcessor {
    /**
     * @param eventCount   the number of events in the trace (from the upload's summary pass)
     */
    record Job(String traceId, Path packedTrace, Path workDirectory, long eventCount, Progress progress) {}

    /** Where a job reports how far it got. */
    interface Progress {
        /**
         * {@code fraction} of the work done, 0 to 1. Throws {@link java.util.concurrent.CancellationException}
         * when the job must stop (its trace was deleted, the server is stopping): let it propagate.
         */
        void report(double fraction);
    }

    /** How the work ended: {@code failureReason} is null on success and says why for people otherwise. */
    record Outcome(String failureReason) {
        public static Outcome succeeded() {
            return new Outcome(null);
        }

        public static Outcome failed(String reason) {
            return new Outcome(reason == null || reason.isBlank() ? "failed" : reason);
        }

        public boolean ok() {
            return failureReason == null;
        }
    }

    /** Runs on a job thread; may block for a long time. An exception fails the job with its message. */
    Outcome process(Job job) throws Exception;
}
