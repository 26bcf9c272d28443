package dev.omniscope.indexer;

import static dev.omniscope.recorder.testing.Omni.testProgram;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.omniscope.indexer.query.QueryableTrace;
import dev.omniscope.indexer.query.HistoryEntry;
import dev.omniscope.indexer.query.ArrowIndex;
import dev.omniscope.indexer.testing.Gdb;
import dev.omniscope.indexer.testing.Indexed;
import dev.omniscope.trace.EventStreamReader;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceEvent;

/**
 * "When did this value change", checked against gdb: the sequence of values in the history of a
 * global (dropping writes that leave it unchanged) equals what a hardware watchpoint reports in a
 * native run; and the number of calls of a function equals gdb's breakpoint hits.
 */
class OracleTest {
    @TempDir
    static Path work;

    private static final Map<String, Path> traces = new ConcurrentHashMap<>();

    private static synchronized Path indexed(String program) throws Exception {
        Path trace = traces.get(program);
        if (trace == null) {
            trace = work.resolve(program);
            Indexed.recordAndIndex(trace, List.of(testProgram(program).toString()));
            traces.put(program, trace);
        }
        return trace;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "counter, counter",             // single-threaded
        "counter, values",              // an array: eight stores
        "threads_mutex, threads_done",  // pthreads, under a mutex
        "threads_mutex, shared_total",  // 4000 changes from four threads
        "signals, ticks",               // written in a SIGALRM handler
        "signals, usr1_seen",           // written in a handler of a raised signal
        "cxx_exceptions, caught",       // C++, across throw and catch
        "cxx_exceptions, rethrows",
        "fork_exec_wait, stage",        // fork: gdb follows the parent, as does the comparison
        "calls, depth",
        "calls, depth_max",
        "calls, jumps",                 // after a longjmp
        "demo_bug, balance",            // including the stray write of the demo's bug
        "demo_bug, tx_count",
    })
    void historyMatchesGdbWatchpoints(String program, String variable) throws Exception {
        List<String> expected = Gdb.watch(testProgram(program), variable);
        Path trace = indexed(program);
        int rootPid = rootPid(trace);
        boolean array = expected.stream().anyMatch(v -> v.startsWith("{"));
        Indexed.VariableHistory history = Indexed.variableHistory(trace, variable);
        List<String> actual = new ArrayList<>();
        String last = null;
        for (HistoryEntry e : history.writes()) {
            if (e.pid() != rootPid) continue; // gdb stays with the parent
            if (last == null) last = Gdb.format(history.before(e), array);
            // Dropping writes that leave the value unchanged, as a watchpoint does.
            String value = Gdb.format(HexFormat.of().parseHex(e.after()), array);
            if (!value.equals(last)) actual.add(value);
            last = value;
        }
        assertThat(actual).isNotEmpty().isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"calls, add", "calls, fact", "calls, sum6", "calls, nest1", "calls, nest2", "calls, nest3",
            "calls, tail_start", "calls, tail_a", "counter, bump", "counter, fill"})
    void callCountsMatchGdbBreakpoints(String program, String function) throws Exception {
        int expected = Gdb.hits(testProgram(program), function);
        Path trace = indexed(program);
        try (Indexed.Queries q = Indexed.queries(trace)) {
            assertThat(q.queries().calls(new QueryableTrace.CallsQuery(function, null, null, false, Integer.MAX_VALUE, null)).calls())
                    .hasSize(expected);
        }
    }

    private static int rootPid(Path trace) throws Exception {
        try (Trace t = Trace.open(trace); EventStreamReader r = t.events()) {
            return ((TraceEvent.Exec) r.next()).pid();
        }
    }
}
