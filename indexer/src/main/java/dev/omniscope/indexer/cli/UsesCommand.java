package dev.omniscope.indexer.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.omniscope.indexer.dataflow.DataFlow;
import dev.omniscope.indexer.dataflow.UsesPage;
import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.trace.Trace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "uses",
        mixinStandardHelpOptions = true,
        description = "Where a value went: the instructions that read it after the moment, until all its bytes were overwritten, "
            + "each with what it produced (give a produced place's node to --node to follow it further).",
        footer = {"", "Examples:  omni uses TRACE --step 120345 --expr buffer",
            "           omni uses TRACE --step 120345 --addr 0x7ffe3a10 --len 4 --json"})
public final class UsesCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TRACE", description = "an indexed trace (omni index)")
    Path trace;

    @Mixin
    ValueOptions value;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "list at most N uses (default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--span", paramLabel = "STEPS", description = "look at most this many steps past the moment (default and most: 2^26)")
    Long span;

    @Option(names = "--json", description = "print JSON: {location, from, until, uses: [{step, pid, tid, rip, function, file, line, disassembly, operand, copy, produced}], next}")
    boolean json;

    @Option(names = "--index", paramLabel = "DIR", description = "the index (default: TRACE/index)")
    Path indexDirectory;

    @Override
    public Integer call() throws IOException {
        try (ArrowQueries t = ArrowQueries.open(trace, indexDirectory)) {
            UsesPage page = DataFlow.of(t.queries).uses(value.question(), limit, null, span);
            if (json) {
                System.out.println(Trace.json().writerWithDefaultPrettyPrinter().writeValueAsString(page));
                return 0;
            }
            System.out.println(page.location() + " from step " + page.from()
                    + (page.until() == null ? ", never overwritten" : ", overwritten by step " + page.until()) + ": " + page.uses().size() + " uses");
            for (UsesPage.Use u : page.uses()) {
                StringBuilder sb = new StringBuilder("  step ").append(u.step()).append(" (tid ").append(u.tid()).append(")");
                if (u.function() != null) sb.append(" in ").append(u.function());
                if (u.file() != null) sb.append(" (").append(u.file()).append(':').append(u.line()).append(')');
                sb.append("  ").append(u.disassembly()).append(u.copy() ? "  [copy]" : "");
                for (UsesPage.Produced p : u.produced()) sb.append("\n      -> ").append(p.location()).append(p.value() == null ? "" : " = " + p.value()).append(p.node() == null ? "" : "  (--node " + p.node() + ")");
                System.out.println(sb);
            }
            if (page.next() != null) System.out.println("  ... more from step " + page.next() + " (looked up to step " + page.scannedTo() + "; --limit, --span)");
        } catch (QueryException e) {
            throw ArrowQueries.refusal(e);
        }
        return 0;
    }
}
