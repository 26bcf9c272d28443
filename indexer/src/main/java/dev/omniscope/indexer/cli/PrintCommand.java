package dev.omniscope.indexer.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.omniscope.common.UserError;
import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.indexer.query.ValueDocuments;
import dev.omniscope.trace.Trace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "print",
        mixinStandardHelpOptions = true,
        description = "An expression's value at a moment, in a frame, as gdb's print shows it: locals, parameters, globals, "
            + "members (. ->), elements ([]), * and &, arithmetic, comparisons and casts.",
        footer = {"", "Examples:  omni print TRACE --step 120345 'acc->balance'",
            "           omni print TRACE --step 120345 --frame 1 'items[2].name' --json"})
public final class PrintCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TRACE", description = "an indexed trace (omni index)")
    Path trace;

    @Parameters(index = "1", paramLabel = "EXPR", description = "a C or C++ expression")
    String expression;

    @Mixin
    FrameOptions at;

    @Option(names = "--json", description = "print JSON: {expr, type, value, address, size}")
    boolean json;

    @Option(names = "--index", paramLabel = "DIR", description = "the index (default: TRACE/index)")
    Path indexDirectory;

    @Override
    public Integer call() throws IOException {
        try (ArrowQueries t = ArrowQueries.open(trace, indexDirectory)) {
            ValueDocuments.Printed p = t.queries.print(at.step, at.tid, at.frame, expression);
            if (json) {
                System.out.println(Trace.json().writerWithDefaultPrettyPrinter().writeValueAsString(p));
            } else {
                System.out.println(expression + " = " + p.value());
                System.out.println("  type " + p.type() + (p.address() != null ? ", " + p.size() + " bytes at " + p.address() : ""));
            }
        } catch (QueryException e) {
            if (e.position() != null) {
                throw new UserError(e.getMessage() + "\n  " + expression + "\n  " + " ".repeat(Math.min(e.position(), expression.length())) + "^", 2);
            }
            throw ArrowQueries.refusal(e);
        }
        return 0;
    }
}
