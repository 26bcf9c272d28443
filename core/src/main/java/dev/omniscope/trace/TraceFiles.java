package dev.omniscope.trace;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * What a trace carries besides its events, so that it can be indexed anywhere: the ELF file of
 * every module that ran code (with its separate debug file when the recording machine had one),
 * in {@code modules.json}, and the source files their DWARF line tables name, in
 * {@code sources.json}. Contents are blobs.
 */
public final class TraceFiles {
    public static final String MODULES = "modules.json";
    public static final String SOURCES = "sources.json";

    /** @param debugBlob the separate debug file's blob, or null */
    public record Module(String path, String blob, long size, String buildId, String debugPath, String debugBlob) {}

    public record Source(String path, String blob, long size) {}

    public record Modules(List<Module> modules) {}

    public record Sources(List<Source> sources) {}

    private TraceFiles() {}

    /** Reads a carried file list ({@link #MODULES}, {@link #SOURCES}); {@code absent} when the trace has none (a recording cut short). */
    public static <T> T read(Trace trace, String entry, Class<T> type, T absent) throws IOException {
        if (!trace.storage().has(entry)) return absent;
        try (InputStream in = trace.storage().open(entry)) {
            return Trace.json().readValue(in, type);
        }
    }
}
