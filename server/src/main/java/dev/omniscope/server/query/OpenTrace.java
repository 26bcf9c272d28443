package dev.omniscope.server.query;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.omniscope.indexer.dataflow.DataFlow;
import dev.omniscope.indexer.query.Processes;
import dev.omniscope.indexer.query.QueryableTrace;
import dev.omniscope.indexer.query.Timeline;
import dev.omniscope.trace.Trace;

/**
 * One trace's loaded index, opened for queries: its packed file (for blob contents: memory
 * origins and source files) and a {@link QueryableTrace} over its partitions ({@link PgIndex}).
 * Shared by concurrent requests through {@link OpenTraces}, which counts its users: the last one
 * out closes it once the cache has let it go.
 */
final class OpenTrace {
    final String id;
    final long load;
    final QueryableTrace queries;
    final DataFlow dataflow;
    private final Trace trace;
    private final AtomicInteger users = new AtomicInteger(1); // the cache's reference
    private volatile boolean closed;

    OpenTrace(String id, long load, long instructions, Path packedTrace, JdbcTemplate jdbc, Supplier<Timeline> timeline) throws IOException {
        this.id = id;
        this.load = load;
        this.trace = Trace.open(packedTrace);
        try {
            this.queries = new QueryableTrace(trace, new PgIndex(jdbc, load, instructions, timeline));
            this.dataflow = DataFlow.of(queries);
        } catch (IOException | RuntimeException e) {
            trace.close();
            throw e;
        }
    }

    private Processes.ProcessList processes;

    /** The trace's processes, found once. */
    synchronized Processes.ProcessList processes() throws IOException {
        if (processes == null) processes = Processes.of(queries);
        return processes;
    }

    boolean acquire() {
        while (true) {
            int n = users.get();
            if (n <= 0) return false;
            if (users.compareAndSet(n, n + 1)) return true;
        }
    }

    void release() {
        if (users.decrementAndGet() == 0) close();
    }

    private void close() {
        if (closed) return;
        closed = true;
        try {
            queries.close();
            trace.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
