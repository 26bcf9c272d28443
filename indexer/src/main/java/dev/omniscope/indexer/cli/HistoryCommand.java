package dev.omniscope.indexer.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

import dev.omniscope.common.UserError;
import dev.omniscope.indexer.query.History;
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
        description = {"When did this value change: every write to a variable or a range of memory, in step order,",
            "with the function and source line that wrote it and the value after."},
        footer = {"", "Examples:  omni history TRACE --symbol counter",
            "           omni history TRACE --addr 0x555555558010 --len 8 --json"})
public final class HistoryCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TRACE", description = "an indexed trace (omni index)")
    Path trace;

    static final class Selection {
        @Option(names = "--symbol", paramLabel = "NAME", required = true,
                description = "a global or static variable (or a sized data symbol): its address and size")
        String symbol;

        @ArgGroup(exclusive = false)
        Range range;
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
        try (IndexedTrace t = IndexedTrace.open(trace, indexDirectory)) {
            long address;
            int length;
            String what;
            if (selection.symbol != null) {
                Symbolizer.Variable v = resolve(t.symbols(), selection.symbol);
                address = v.address();
                length = (int) Math.min(v.size(), 4096);
                what = v.name() + (v.type() != null ? " (" + v.type() + ", " : " (") + v.size() + " bytes at " + History.hex(address) + ")";
            } else {
                address = parseAddress(selection.range.addr);
                length = selection.range.len;
                if (length < 1 || length > 4096) throw new UserError("--len must be between 1 and 4096, not " + length, 2);
                what = length + " bytes at " + History.hex(address);
            }
            History.Query q = new History.Query(address, length, pid, from, to);
            if (json) {
                printJson(t, q);
            } else {
                printText(t, q, what, System.out);
            }
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

    static Symbolizer.Variable resolve(Symbolizer symbols, String name) {
        List<Symbolizer.Variable> found = symbols.variables(name);
        if (found.isEmpty()) throw new UserError("no variable or data symbol named '" + name + "' in the recorded modules");
        if (found.size() > 1) {
            StringBuilder sb = new StringBuilder("'" + name + "' names several variables; pick one with --addr and --len:");
            for (Symbolizer.Variable v : found) {
                sb.append(String.format("%n  %s %d bytes at %s in %s", v.name(), v.size(), History.hex(v.address()), v.module()));
            }
            throw new UserError(sb.toString());
        }
        return found.get(0);
    }

    private void printJson(IndexedTrace t, History.Query q) throws IOException {
        try (JsonGenerator out = Trace.json().createGenerator(System.out)) {
            out.writeStartArray();
            History.run(t.index, t.memory(), t.symbols(), q, e -> Trace.json().writeValue(out, e));
            out.writeEndArray();
        }
        System.out.println();
    }

    private void printText(IndexedTrace t, History.Query q, String what, PrintStream out) throws IOException {
        out.println("history of " + what);
        long[] count = {0};
        History.run(t.index, t.memory(), t.symbols(), q, e -> {
            count[0]++;
            String where = (e.function() != null ? e.function() : e.rip())
                    + (e.file() != null ? "  " + e.file().substring(e.file().lastIndexOf('/') + 1) + ":" + e.line() : "");
            out.printf("  step %,-12d pid %-6d tid %-6d %-44s %s -> %s%n", e.step(), e.pid(), e.tid(), where,
                    e.kernel() ? "(kernel)" : "", describe(e.after(), q.length()));
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
