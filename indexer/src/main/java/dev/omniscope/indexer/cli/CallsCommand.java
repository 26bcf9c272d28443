package dev.omniscope.indexer.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.omniscope.indexer.query.CallEntry;
import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.indexer.query.QueryableTrace;
import dev.omniscope.indexer.query.ValueDocuments;
import dev.omniscope.trace.Trace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "calls",
        mixinStandardHelpOptions = true,
        description = "Calls with their arguments (the six integer argument registers), return values and steps; with "
            + "--typed, each function's parameters by name and type and its typed return value (DWARF).")
public final class CallsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TRACE", description = "an indexed trace (omni index)")
    Path trace;

    @Option(names = "--function", paramLabel = "NAME", description = "only calls of this function")
    String function;

    @Option(names = "--tid", paramLabel = "T", description = "only calls made by this thread")
    Integer tid;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "at most N calls (0: all)")
    int limit;

    @Option(names = "--typed", description = "show each call as its function's signature: deposit(amount=500) = 55 "
            + "(calls of functions without debug information keep their registers)")
    boolean typed;

    @Option(names = "--json", description = "print a JSON array")
    boolean json;

    @Option(names = "--index", paramLabel = "DIR", description = "the index (default: TRACE/index)")
    Path indexDirectory;

    @Override
    public Integer call() throws IOException {
        try (ArrowQueries t = ArrowQueries.open(trace, indexDirectory)) {
            List<CallEntry> calls;
            try {
                calls = t.queries.calls(new QueryableTrace.CallsQuery(function, null, tid, false, limit > 0 ? limit : Integer.MAX_VALUE, null))
                        .calls();
            } catch (QueryException e) {
                throw ArrowQueries.refusal(e);
            }
            java.util.Map<String, ValueDocuments.Signature> signatures = new java.util.HashMap<>();
            if (typed) {
                for (CallEntry c : calls) {
                    ValueDocuments.Signatures found = t.queries.signatures(c.tid(), List.of(c.callStep()));
                    for (ValueDocuments.Signature sig : found.signatures()) signatures.put(c.tid() + ":" + c.callStep(), sig);
                }
            }
            if (json) {
                System.out.println(Trace.json().writeValueAsString(typed ? signatures.values().stream()
                        .sorted(java.util.Comparator.comparingLong(ValueDocuments.Signature::callStep)).toList() : calls));
                return 0;
            }
            for (CallEntry c : calls) {
                ValueDocuments.Signature sig = signatures.get(c.tid() + ":" + c.callStep());
                if (sig != null) {
                    System.out.printf("step %,-12d %-14s tid %-6d %s%s(%s)%s%n", c.callStep(),
                            c.returnStep() == null ? "(no return)" : "-> " + String.format("%,d", c.returnStep()), c.tid(),
                            "  ".repeat(Math.min(c.depth(), 20)), sig.function(),
                            String.join(", ", sig.args().stream().map(a -> a.name() + "=" + a.value()).toList()),
                            sig.returned() != null ? " = " + sig.returned().value() : "");
                    continue;
                }
                System.out.printf("step %,-12d %-14s tid %-6d %s%s(%s) = %s%n", c.callStep(),
                        c.returnStep() == null ? "(no return)" : "-> " + String.format("%,d", c.returnStep()), c.tid(),
                        "  ".repeat(Math.min(c.depth(), 20)), c.function() != null ? c.function() : c.target(),
                        String.join(", ", c.args().stream().map(CallsCommand::shortValue).toList()),
                        c.unwound() ? "(unwound)" : c.returnValue() == null ? "?" : shortValue(c.returnValue()));
            }
            System.out.printf("%,d calls%n", calls.size());
        }
        return 0;
    }

    /** Small values in decimal, the rest (addresses, mostly) in hex. */
    static String shortValue(String hex) {
        long v = Long.parseUnsignedLong(hex.substring(2), 16);
        return v >= 0 && v < 1_000_000 ? Long.toString(v) : v < 0 && v > -1_000_000 ? Long.toString(v) : hex;
    }
}
