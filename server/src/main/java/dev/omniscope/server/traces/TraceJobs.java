package dev.omniscope.server.traces;

import java.util.concurrent.CompletableFuture;

import reactor.core.publisher.Flux;

/**
 * What the trace service asks of the trace's indexing job ({@code jobs.IndexingJobs}): its state as
 * it changes, and to stop when the trace is deleted. Declared here so that the traces package,
 * which the jobs build on, does not depend on them.
 */
public interface TraceJobs {
    /** The trace's state changes from {@code current} (read by the caller) on, ending once it is indexed or failed (or deleted). */
    Flux<TraceState> watch(TraceState current);

    /** The trace is being deleted: its job stops; completes when no job uses the trace's files any more. */
    CompletableFuture<Void> cancel(String id);
}
