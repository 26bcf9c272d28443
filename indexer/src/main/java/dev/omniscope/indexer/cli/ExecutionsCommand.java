package dev.omniscope.indexer.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.omniscope.common.UserError;
import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.indexer.query.QueryableTrace;
import dev.omniscope.indexer.query.ValueDocuments;
import dev.omniscope.trace.Trace;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JsonGenerator;

@Command(name = "executions",
        mixinStandardHelpOptions = true,
        description = "Every execution of a source line, an address or a function, in the order they ran, with the values "
            + "of chosen expressions at each (an omniscient printf). A line's executions are those of the addresses "
            + "gdb's break FILE:LINE stops at; a function's, of its first line after the prologue.",
        footer = {"", "Examples:  omni executions TRACE --line bank.c:42 --print amount --print 'acc->balance'",
            "           omni executions TRACE --function deposit --limit 10 --json"})
public final class ExecutionsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TRACE", description = "an indexed trace (omni index)")
    Path trace;

    static final class Where {
        @Option(names = "--line", paramLabel = "FILE:LINE", required = true, description = "a source line (FILE may be a base name)")
        String line;

        @Option(names = "--address", paramLabel = "ADDR", required = true, description = "a code address (0x...)")
        String address;

        @Option(names = "--function", paramLabel = "NAME", required = true, description = "a function (C++: Klass::method)")
        String function;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Where where;

    @Option(names = "--print", paramLabel = "EXPR", description = "an expression to evaluate at each execution (repeatable)")
    List<String> print = new ArrayList<>();

    @Option(names = "--from", paramLabel = "S", description = "only executions at or after step S")
    Long from;

    @Option(names = "--limit", paramLabel = "N", description = "at most N executions (default: all)")
    Integer limit;

    @Option(names = "--json", description = "a JSON array: [{step, tid, pid, values: {EXPR: value}}]")
    boolean json;

    @Option(names = "--index", paramLabel = "DIR", description = "the index (default: TRACE/index)")
    Path indexDirectory;

    /** Executions asked for at a time (each page is one pass over the blocks from where the last ended). */
    private static final int PAGE = 10_000;

    @Override
    public Integer call() throws IOException {
        if (limit != null && limit < 1) throw new UserError("--limit must be at least 1", 2);
        Long address = where.address == null ? null : HistoryCommand.parseAddress(where.address);
        long wanted = limit == null ? Long.MAX_VALUE : limit;
        try (ArrowQueries t = ArrowQueries.open(trace, indexDirectory);
             JsonGenerator out = json ? Trace.json().createGenerator(System.out) : null) {
            if (out != null) out.writeStartArray();
            long count = 0;
            String cursor = null;
            boolean first = true;
            do {
                int n = (int) Math.min(PAGE, wanted - count);
                ValueDocuments.ExecutionsPage page = t.queries.executions(new QueryableTrace.ExecutionsQuery(where.line, address, where.function,
                        print, from, n, cursor));
                if (first && !json) {
                    for (ValueDocuments.Place p : page.locations()) {
                        System.out.printf("at %s %s%s%n", p.address(), p.function() != null ? p.function() : "",
                                p.file() != null ? "  " + p.file().substring(p.file().lastIndexOf('/') + 1) + ":" + p.line() : "");
                    }
                }
                first = false;
                for (ValueDocuments.Execution e : page.executions()) {
                    if (out != null) {
                        Trace.json().writeValue(out, e);
                    } else {
                        StringBuilder sb = new StringBuilder(String.format("  step %,-14d tid %-7d", e.step(), e.tid()));
                        for (Map.Entry<String, String> v : e.values().entrySet()) sb.append("  ").append(v.getKey()).append(" = ").append(v.getValue());
                        System.out.println(sb);
                    }
                    count++;
                }
                cursor = page.next();
            } while (cursor != null && count < wanted);
            if (out != null) {
                out.writeEndArray();
                out.flush();
                System.out.println();
            } else {
                System.out.printf("%,d executions%n", count);
            }
        } catch (QueryException e) {
            throw ArrowQueries.refusal(e);
        }
        return 0;
    }
}
