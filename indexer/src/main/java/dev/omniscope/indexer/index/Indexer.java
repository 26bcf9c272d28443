package dev.omniscope.indexer.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

import dev.omniscope.common.OmniVersion;
import dev.omniscope.indexer.emu.Emulator;
import dev.omniscope.indexer.modules.ModuleFiles;
import dev.omniscope.indexer.modules.ModuleMap;
import dev.omniscope.indexer.replay.ReplayProblem;
import dev.omniscope.indexer.replay.Replayer;
import dev.omniscope.trace.EventStreamReader;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceEvent;
import dev.omniscope.trace.TraceFiles;

/**
 * {@code omni index}: replays a trace with every table on and writes the index into a directory
 * (default TRACE/index): the tables of docs/index-format.md and summary.json. The index is
 * written beside and moved into place at the end, so a reader never sees half of one; a replay
 * that stops early still leaves what it indexed, marked incomplete in the summary.
 */
public final class Indexer {
    public static final String SUMMARY = "summary.json";

    /** Progress: events done out of all, and steps so far. */
    public interface Progress {
        void update(long eventsDone, long eventsTotal, long steps);
    }

    private Indexer() {}

    /** The number of events, for progress (a quick pass over the event stream). */
    public static long countEvents(Trace trace) throws IOException {
        long n = 0;
        try (EventStreamReader r = trace.events()) {
            for (Iterator<TraceEvent> it = r; it.hasNext(); it.next()) n++;
        } catch (RuntimeException e) {
            // a damaged stream: the replay reports it properly
        }
        return n;
    }

    public static IndexSummary index(Trace trace, Path out, Progress progress) throws IOException {
        return index(trace, out, null, progress);
    }

    /**
     * Indexes with the trace's modules unpacked into {@code modules} (null: a temporary directory,
     * and modules the trace does not carry are looked for on this machine at their recorded path).
     * A server passes its job's directory: it opens only what the trace carries.
     */
    public static IndexSummary index(Trace trace, Path out, Path modules, Progress progress) throws IOException {
        long started = System.nanoTime();
        long total = countEvents(trace);
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        deleteTree(partial);
        Files.createDirectories(partial);
        // Interrupted (Ctrl-C, SIGTERM): the JVM runs its shutdown hooks, and this one drops the
        // partial tables (they may be large) while the replay is still writing them.
        Thread dropPartial = new Thread(() -> deleteWhileWritten(partial), "omni-index-interrupted");
        Runtime.getRuntime().addShutdownHook(dropPartial);
        try {
            IndexSummary summary;
            try {
                summary = write(trace, partial, modules, progress, total, started);
            } catch (IOException | RuntimeException | Error e) {
                // A full disk or a bug: drop the partial tables (they may be large), keep the old index.
                deleteQuietly(partial);
                IOException io = e instanceof IOException i ? i : e instanceof UncheckedIOException u ? u.getCause() : null;
                if (io != null) throw new IOException("writing the index to " + partial + " failed: " + io.getMessage(), io);
                throw e;
            }
            Files.writeString(partial.resolve(SUMMARY), Trace.json().writerWithDefaultPrettyPrinter().writeValueAsString(summary));
            deleteTree(out);
            Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
            return summary;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(dropPartial);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it removes what is left
            }
        }
    }

    /**
     * Removes a directory that another thread may still be writing into: a file created after the
     * walk leaves it non-empty, so the walk is repeated a few times.
     */
    private static void deleteWhileWritten(Path dir) {
        for (int attempt = 0; attempt < 20 && Files.exists(dir); attempt++) {
            try {
                deleteTree(dir);
            } catch (IOException | RuntimeException e) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private static IndexSummary write(Trace trace, Path partial, Path modules, Progress progress, long total, long started)
            throws IOException {
        IndexSummary summary;
        try (BufferAllocator allocator = new RootAllocator();
             ModuleFiles files = modules == null ? new ModuleFiles(trace) : new ModuleFiles(trace, modules, false)) {
            IndexWriter writer = new IndexWriter(partial, allocator, files);
            Replayer.Result result;
            try (writer) {
                TraceFiles.Sources sources = TraceFiles.read(trace, TraceFiles.SOURCES, TraceFiles.Sources.class,
                        new TraceFiles.Sources(List.of()));
                writer.sources(sources);
                // The replay's own module map names places in problem reports; the writer keeps its own, in step.
                Replayer replayer;
                try (AsyncListener async = new AsyncListener(writer)) {
                    replayer = new Replayer(trace, async, Emulator.TRACE_ALL, new ModuleMap(files, m -> { }));
                    result = replayer.run((events, steps) -> progress.update(events, total, steps));
                }
            }
            ReplayProblem p = result.problem();
            summary = new IndexSummary(IndexSummary.FORMAT, IndexSummary.VERSION, "omni " + OmniVersion.version(),
                    trace.header().created(), trace.header().command(), result.ok(),
                    p == null ? null : new IndexSummary.Problem(p.kind().name().toLowerCase(), p.step(), p.pid(), p.tid(),
                            p.rip(), p.function(), p.detail(), p.describe()),
                    result.instructions(), result.syscalls(), result.events(), writer.rowCounts(),
                    TraceFiles.read(trace, TraceFiles.SOURCES, TraceFiles.Sources.class, new TraceFiles.Sources(List.of()))
                            .sources().stream().map(TraceFiles.Source::path).toList(),
                    (System.nanoTime() - started) / 1_000_000);
        }
        return summary;
    }

    private static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException | RuntimeException ignored) {
            // best effort: the failure being reported matters more
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
