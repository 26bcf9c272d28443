package dev.omniscope.indexer.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;

import dev.omniscope.common.UserError;
import dev.omniscope.indexer.query.History;
import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.indexer.query.QueryableTrace;
import dev.omniscope.indexer.query.HistoryEntry;
import dev.omniscope.indexer.query.Symbolizer;
import dev.omniscope.trace.Trace;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JsonGenerator;

@Command(name = "history",
        mixinStandardHelpOptions = true,
        description = "When did this value change: every write to a variable or a range of memory, in step order, with the "
            + "function and source line that wrote it and the value after.",
        footer = {"", "Examples:  omni history TRACE --symbol counter",
            "           omni history TRACE --addr 0x555555558010 --len 8 --json",
            "           omni history TRACE --expr 'acc->balance' --step 120345 [--frame 1]"})
public final class HistoryCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TRACE", description = "an indexed trace (omni index)")
    Path trace;

    static final class Selection {
        @Option(names = "--symbol", paramLabel = "NAME", required = true,
                description = "a global or static variable (or a sized data symbol): its address and size")
        String symbol;

        @ArgGroup(exclusive = false)
        Range range;

        @ArgGroup(exclusive = false)
        Designated designated;
    }

    static final class Designated {
        @Option(names = "--expr", paramLabel = "EXPR", required = true,
                description = "an expression (acc->balance, items[3], *p): the memory it designates at --step in --frame")
        String expr;

        @Option(names = "--step", paramLabel = "N", required = true, description = "with --expr: the moment it is evaluated at")
        long step;

        @Option(names = "--frame", paramLabel = "K", description = "with --expr: the frame (default 0)")
        int frame;

        @Option(names = "--tid", paramLabel = "T", description = "with --expr: the thread (default: the one running at the step)")
        Integer tid;
    }

    static final class Range {
        @Option(names = "--addr", paramLabel = "0xHEX", required = true, description = "start address")
        String addr;

        @Option(names = "--len", paramLabel = "N", required = true, description = "length in bytes (1 to 4096)")
        int len;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Selection selection;

    @Option(names = "--pid", paramLabel = "P", description = "only this process")
    Integer pid;

    @Option(names = "--from", paramLabel = "S", description = "only writes at or after step S")
    Long from;

    @Option(names = "--to", paramLabel = "S", description = "only writes at or before step S")
    Long to;

    @Option(names = "--json", description = "a JSON array of writes (step, pid, tid, rip, function, file, line, addr, size, old, new, after)")
    boolean json;

    @Option(names = "--index", paramLabel = "DIR", description = "the index (default: TRACE/index)")
    Path indexDirectory;

    @Override
    public Integer call() throws IOException {
        if (from != null && from < 0 || to != null && to < 0) throw new UserError("--from and --to are steps: 0 or more", 2);
        if (from != null && to != null && from > to) throw new UserError("--from " + from + " is after --to " + to, 2);
        try (ArrowQueries t = ArrowQueries.open(trace, indexDirectory)) {
            QueryableTrace.HistoryQuery q;
            String what;
            if (selection.symbol != null) {
                Symbolizer.Variable v = t.queries.variable(selection.symbol);
                q = new QueryableTrace.HistoryQuery(selection.symbol, 0, 0, pid, from, to, Integer.MAX_VALUE, null, false);
                what = v.name() + (v.type() != null ? " (" + v.type() + ", " : " (") + v.size() + " bytes at " + History.hex(v.address()) + ")";
            } else if (selection.designated != null) {
                Designated d = selection.designated;
                QueryableTrace.Designation at = t.queries.designate(d.step, d.tid, d.frame, d.expr);
                q = new QueryableTrace.HistoryQuery(null, at.address(), at.length(), pid, from, to, Integer.MAX_VALUE, null, false);
                what = d.expr + " (" + at.length() + " bytes at " + History.hex(at.address()) + " at step " + d.step + ")";
            } else {
                long address = parseAddress(selection.range.addr);
                int length = selection.range.len;
                if (length < 1 || length > QueryableTrace.HISTORY_MAX_LENGTH) {
                    throw new UserError("--len must be between 1 and " + QueryableTrace.HISTORY_MAX_LENGTH + ", not " + length, 2);
                }
                q = new QueryableTrace.HistoryQuery(null, address, length, pid, from, to, Integer.MAX_VALUE, null, false);
                what = length + " bytes at " + History.hex(address);
            }
            if (json) {
                printJson(t.queries, q);
            } else {
                printText(t.queries, q, what, System.out);
            }
        } catch (QueryException e) {
            throw ArrowQueries.refusal(e);
        }
        return 0;
    }

    static long parseAddress(String text) {
        String hex = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        try {
            BigInteger v = new BigInteger(hex, 16);
            if (v.signum() < 0 || v.bitLength() > 64) throw new NumberFormatException();
            return v.longValue();
        } catch (NumberFormatException e) {
            throw new UserError("not a hexadecimal address: " + text, 2);
        }
    }

    private void printJson(QueryableTrace t, QueryableTrace.HistoryQuery q) throws IOException {
        try (JsonGenerator out = Trace.json().createGenerator(System.out)) {
            out.writeStartArray();
            t.history(q, e -> Trace.json().writeValue(out, e));
            out.writeEndArray();
        }
        System.out.println();
    }

    private void printText(QueryableTrace t, QueryableTrace.HistoryQuery q, String what, PrintStream out) throws IOException {
        out.println("history of " + what);
        long[] count = {0};
        t.history(q, e -> {
            count[0]++;
            String where = (e.function() != null ? e.function() : e.rip())
                    + (e.file() != null ? "  " + e.file().substring(e.file().lastIndexOf('/') + 1) + ":" + e.line() : "");
            out.printf("  step %,-12d pid %-6d tid %-6d %-44s %s -> %s%n", e.step(), e.pid(), e.tid(), where,
                    e.kernel() ? "(kernel)" : "", describe(e.after(), e.after().length() / 2));
        });
        out.printf("%,d writes%n", count[0]);
    }

    /** Hex, plus the unsigned little-endian number for ranges of up to 8 bytes. */
    static String describe(String hex, int length) {
        if (length > 8) return hex;
        byte[] b = HexFormat.of().parseHex(hex);
        long v = 0;
        for (int i = b.length - 1; i >= 0; i--) v = (v << 8) | (b[i] & 0xFF);
        return hex + " (" + Long.toUnsignedString(v) + ")";
    }
}
