package dev.omniscope.indexer.query;

import java.io.IOException;

import dev.omniscope.indexer.index.IndexTable;

/**
 * Where the small tables come from: an index directory's Arrow files ({@link ArrowIndex}) or a
 * trace's rows in PostgreSQL (the server). What is computed from them ({@link Symbolizer}, the
 * regions of {@link MemoryView}, the tasks of {@link Locator}) is then the same code for both.
 */
public interface TableSource {
    /** Visits rows; return false to stop. */
    @FunctionalInterface
    interface Visitor {
        boolean visit(TableRow row) throws IOException;
    }

    /** Visits every row of a table, in the order it was written. */
    void scan(IndexTable table, Visitor visitor) throws IOException;
}
