package dev.omniscope.indexer.cli;

import java.io.IOException;
import java.nio.file.Path;

import dev.omniscope.common.UserError;
import dev.omniscope.indexer.query.IndexTables;
import dev.omniscope.indexer.query.MemoryView;
import dev.omniscope.indexer.query.Symbolizer;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceFormatException;

/** A trace and its index, opened together for the query commands (history, at, calls). */
final class IndexedTrace implements AutoCloseable {
    final Trace trace;
    final IndexTables index;
    private Symbolizer symbols;
    private MemoryView memory;

    private IndexedTrace(Trace trace, IndexTables index) {
        this.trace = trace;
        this.index = index;
    }

    static IndexedTrace open(Path tracePath, Path indexDirectory) throws IOException {
        Trace trace;
        try {
            trace = Trace.open(tracePath);
        } catch (TraceFormatException e) {
            throw new UserError(e.getMessage());
        }
        try {
            IndexTables index = IndexTables.open(indexDirectory != null ? indexDirectory : IndexCommand.defaultIndexDirectory(tracePath));
            if (!index.summary().complete()) {
                System.err.println("omni: note: the index is incomplete (" + index.summary().problem().message() + ")");
            }
            return new IndexedTrace(trace, index);
        } catch (TraceFormatException e) {
            trace.close();
            throw new UserError(e.getMessage() + (indexDirectory == null ? " (omni index " + tracePath + ")" : ""));
        }
    }

    Symbolizer symbols() throws IOException {
        if (symbols == null) symbols = Symbolizer.load(index);
        return symbols;
    }

    MemoryView memory() throws IOException {
        if (memory == null) memory = new MemoryView(index, trace);
        return memory;
    }

    @Override
    public void close() throws IOException {
        index.close();
        trace.close();
    }
}
