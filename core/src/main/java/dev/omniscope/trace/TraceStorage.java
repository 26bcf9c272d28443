package dev.omniscope.trace;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The files of a trace (trace.json, events, blobs/..., sources/...), whether they sit in a
 * directory as the recorder wrote them or in one packed file.
 */
public interface TraceStorage extends AutoCloseable {
    boolean has(String entry);

    InputStream open(String entry) throws IOException;

    long size(String entry) throws IOException;

    /** Every entry name, in a stable order. */
    List<String> entries() throws IOException;

    /** Where the trace is, for messages. */
    String location();

    @Override
    void close() throws IOException;
}
