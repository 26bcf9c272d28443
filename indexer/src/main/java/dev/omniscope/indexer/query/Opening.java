package dev.omniscope.indexer.query;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.omniscope.indexer.index.IndexTable;

/**
 * The moment a trace opens at (docs/api.md, "One trace"): where a person looking at a recording
 * wants to start. If a core-dumping signal killed a process (SIGSEGV, SIGABRT, SIGFPE...: a
 * crash), the faulting instruction in the thread that received it; else main's first source line,
 * where gdb's {@code break main} stops (past the prologue), in the first process that reaches it;
 * else step 0.
 *
 * @param reason "crash", "main" or "start"
 * @param function the function there (without an offset), null when unknown
 * @param file the source file and line, null without debug information
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Opening(long step, int pid, int tid, String reason, String function, String file, Integer line) {
    public static final String CRASH = "crash", MAIN = "main", START = "start";

    /** The opening of {@code trace}; null for an index without instructions. */
    public static Opening of(QueryableTrace trace) throws IOException {
        if (trace.instructions() <= 0) return null;
        Opening crash = crash(trace);
        if (crash != null) return crash;
        Opening main = main(trace);
        if (main != null) return main;
        return at(trace, 0, null, START);
    }

    /** The first signal whose default action killed a process and dumped core: the instruction it was delivered at. */
    private static Opening crash(QueryableTrace trace) throws IOException {
        long[] first = {Long.MAX_VALUE, 0}; // step, tid
        trace.store().scan(IndexTable.SIGNALS, r -> {
            long step = r.i64(r.column("step"));
            if (r.string(r.column("disposition")).equals("core") && step < first[0]) {
                first[0] = step;
                first[1] = r.i32(r.column("tid"));
            }
            return true;
        });
        if (first[0] == Long.MAX_VALUE) return null;
        long step = Math.min(Math.max(first[0], 0), trace.instructions() - 1);
        return at(trace, step, (int) first[1], CRASH);
    }

    /** Where gdb's {@code break main} stops, the first time any thread gets there; null when no program has a main with debug information. */
    private static Opening main(QueryableTrace trace) throws IOException {
        ValueDocuments.ExecutionsPage page;
        try {
            page = trace.executions(new QueryableTrace.ExecutionsQuery(null, null, "main", List.of(), null, 1, null));
        } catch (QueryException e) {
            return null; // no function main with debug information
        }
        if (page.executions().isEmpty()) return null;
        ValueDocuments.Execution e = page.executions().get(0);
        for (ValueDocuments.Place p : page.locations()) {
            if (p.address().equals(e.address())) return new Opening(e.step(), e.pid(), e.tid(), MAIN, p.function(), p.file(), p.line());
        }
        return at(trace, e.step(), e.tid(), MAIN);
    }

    /** The opening at {@code step} of thread {@code tid} (null: the one running), named as its location names it. */
    private static Opening at(QueryableTrace trace, long step, Integer tid, String reason) throws IOException {
        Location l = trace.location(step, tid);
        String function = l.function();
        int plus = function == null ? -1 : function.lastIndexOf("+0x");
        if (plus > 0) function = function.substring(0, plus);
        return new Opening(l.step(), l.pid(), l.tid(), reason, function, l.file(), l.line());
    }
}
