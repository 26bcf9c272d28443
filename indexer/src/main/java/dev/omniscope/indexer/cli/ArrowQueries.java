package dev.omniscope.indexer.cli;

import java.io.IOException;
import java.nio.file.Path;

import dev.omniscope.common.UserError;
import dev.omniscope.indexer.query.ArrowIndex;
import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.indexer.query.QueryableTrace;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceFormatException;

/**
 * The query commands' trace: a trace and its index directory opened together as a
 * {@link QueryableTrace} over the Arrow files, the same queries the server answers.
 */
final class ArrowQueries implements AutoCloseable {
    final QueryableTrace queries;
    private final Trace trace;
    private final ArrowIndex index;

    private ArrowQueries(Trace trace, ArrowIndex index) throws IOException {
        this.trace = trace;
        this.index = index;
        this.queries = new QueryableTrace(trace, index, true);
    }

    /** Opens a trace and its index (default: the trace's own); a missing or foreign one is a {@link UserError}. */
    static ArrowQueries open(Path tracePath, Path indexDirectory) throws IOException {
        Trace trace;
        try {
            trace = Trace.open(tracePath);
        } catch (TraceFormatException e) {
            throw new UserError(e.getMessage());
        }
        try {
            ArrowIndex index = ArrowIndex.open(indexDirectory != null ? indexDirectory : IndexCommand.defaultIndexDirectory(tracePath));
            if (!index.summary().complete()) {
                System.err.println("omni: note: the index is incomplete (" + index.summary().problem().message() + ")");
            }
            try {
                return new ArrowQueries(trace, index);
            } catch (IOException | RuntimeException e) {
                index.close();
                throw e;
            }
        } catch (TraceFormatException e) {
            trace.close();
            throw new UserError(e.getMessage() + (indexDirectory == null ? " (omni index " + tracePath + ")" : ""));
        } catch (IOException | RuntimeException e) {
            trace.close();
            throw e;
        }
    }

    /** A query's refusal as the command line reports it: exit status 2 for a question it cannot take, 1 for a subject that does not exist. */
    static UserError refusal(QueryException e) {
        return new UserError(e.getMessage(), e.kind() == QueryException.Kind.BAD_REQUEST ? 2 : 1);
    }

    @Override
    public void close() throws IOException {
        queries.close();
        index.close();
        trace.close();
    }
}
