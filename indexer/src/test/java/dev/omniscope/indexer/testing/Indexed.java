package dev.omniscope.indexer.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.omniscope.indexer.index.IndexSummary;
import dev.omniscope.indexer.index.Indexer;
import dev.omniscope.indexer.query.HistoryEntry;
import dev.omniscope.indexer.query.ArrowIndex;
import dev.omniscope.indexer.query.QueryableTrace;
import dev.omniscope.indexer.query.Symbolizer;
import dev.omniscope.recorder.testing.Omni;
import dev.omniscope.trace.Trace;

/** Helpers for the indexer's tests: record, index, query. */
public final class Indexed {
    private Indexed() {}

    /** Records {@code command} into {@code dir} (failing the test if recording fails) and indexes it in process. */
    public static IndexSummary recordAndIndex(Path dir, List<String> command) throws Exception {
        Omni.Run run = Omni.record(dir, command);
        if (!run.stderr().contains("omni: trace:")) throw new AssertionError("recording failed: " + run.stderr());
        return index(dir);
    }

    public static IndexSummary index(Path trace) throws IOException {
        try (Trace t = Trace.open(trace)) {
            return Indexer.index(t, trace.resolve("index"), (done, total, steps) -> { });
        }
    }

    /** A variable's history: where it is and every write to it. */
    public record VariableHistory(long address, int size, List<HistoryEntry> writes) {
        /** The variable's bytes just before {@code write} (its "after" with the written bytes put back to "old"). */
        public byte[] before(HistoryEntry write) {
            byte[] bytes = java.util.HexFormat.of().parseHex(write.after());
            byte[] old = java.util.HexFormat.of().parseHex(write.old());
            long from = Long.decode(write.addr());
            for (int k = 0; k < old.length; k++) {
                long at = from + k - address;
                if (at >= 0 && at < size) bytes[(int) at] = old[k];
            }
            return bytes;
        }
    }

    /** The history of a variable, as `omni history --symbol` computes it. */
    public static List<HistoryEntry> history(Path trace, String symbol) throws IOException {
        return variableHistory(trace, symbol).writes();
    }

    public static VariableHistory variableHistory(Path trace, String symbol) throws IOException {
        List<HistoryEntry> out = new ArrayList<>();
        try (Queries q = queries(trace)) {
            Symbolizer.Variable v = q.queries().variable(symbol);
            q.queries().history(new QueryableTrace.HistoryQuery(symbol, 0, 0, null, null, null, Integer.MAX_VALUE, null, false), out::add);
            return new VariableHistory(v.address(), (int) v.size(), out);
        }
    }

    /** A trace's queries over its own index directory (TRACE/index); closes both. */
    public record Queries(Trace trace, ArrowIndex index, QueryableTrace queries) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            index.close();
            trace.close();
        }
    }

    public static Queries queries(Path trace) throws IOException {
        return queries(trace, trace.resolve("index"));
    }

    public static Queries queries(Path trace, Path index) throws IOException {
        Trace t = Trace.open(trace);
        try {
            ArrowIndex i = ArrowIndex.open(index);
            return new Queries(t, i, new QueryableTrace(t, i));
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** `omni ARGS...` (index commands) in a child JVM with {@code -Xmx}. */
    public static Omni.Run omni(String maxHeap, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "--add-opens=java.base/java.nio=ALL-UNNAMED",
                // omni.jar carries a logging backend; this test classpath has only slf4j-api, whose
                // "no providers" warning would otherwise open every error message
                "-Dslf4j.internal.verbosity=ERROR",
                // and logback's own status lines (several logback-test.xml on a reactor's test classpath) must not reach stdout
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                "-Domni.native.dir=" + System.getProperty("omni.native.dir"),
                "-Domni.home=" + System.getProperty("omni.home"),
                "-cp", System.getProperty("java.class.path"), IndexMain.class.getName()));
        cmd.addAll(List.of(args));
        return Omni.run(cmd, Map.of(), null);
    }
}
