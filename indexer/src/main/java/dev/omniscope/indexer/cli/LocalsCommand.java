package dev.omniscope.indexer.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.indexer.query.ValueDocuments;
import dev.omniscope.trace.Trace;
import dev.omniscope.values.ShownValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "locals",
        mixinStandardHelpOptions = true,
        description = "A frame's parameters and local variables at a moment, typed and formatted as gdb's info args and "
            + "info locals print them.",
        footer = {"", "Examples:  omni locals TRACE --step 120345",
            "           omni locals TRACE --step 120345 --frame 2 --json",
            "           omni locals TRACE --backtrace --step 120345      (every frame, as gdb's bt)"})
public final class LocalsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TRACE", description = "an indexed trace (omni index)")
    Path trace;

    @Mixin
    FrameOptions at;

    @Option(names = "--backtrace", description = "list the thread's frames with their parameters instead")
    boolean backtrace;

    @Option(names = "--json", description = "print JSON: {frame, args: [{name, type, value, address, size}], locals: [...]}")
    boolean json;

    @Option(names = "--index", paramLabel = "DIR", description = "the index (default: TRACE/index)")
    Path indexDirectory;

    @Override
    public Integer call() throws IOException {
        try (ArrowQueries t = ArrowQueries.open(trace, indexDirectory)) {
            if (backtrace) {
                ValueDocuments.Frames frames = t.queries.frames(at.step, at.tid);
                if (json) {
                    System.out.println(Trace.json().writerWithDefaultPrettyPrinter().writeValueAsString(frames));
                } else {
                    for (ValueDocuments.Frame f : frames.frames()) System.out.println(frameLine(f));
                }
                return 0;
            }
            ValueDocuments.Variables v = t.queries.variables(at.step, at.tid, at.frame);
            if (json) {
                System.out.println(Trace.json().writerWithDefaultPrettyPrinter().writeValueAsString(v));
                return 0;
            }
            System.out.printf("step %,d  pid %d  tid %d%n", v.step(), v.pid(), v.tid());
            System.out.println(frameLine(v.frame()));
            System.out.println();
            print("arguments", v.args(), "No arguments.");
            print("locals", v.locals(), "No locals.");
        } catch (QueryException e) {
            throw ArrowQueries.refusal(e);
        }
        return 0;
    }

    /** A frame as gdb's backtrace line: {@code #1  0x... in deposit (amount=500) at bank.c:12}. */
    static String frameLine(ValueDocuments.Frame f) {
        StringBuilder sb = new StringBuilder("#").append(f.index()).append("  ");
        if (f.index() > 0 && !f.inlined()) sb.append(f.pc()).append(" in ");
        sb.append(f.function() != null ? f.function() : "??").append(" (");
        for (int i = 0; i < f.args().size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append(f.args().get(i).name()).append('=').append(f.args().get(i).value());
        }
        sb.append(')');
        if (f.file() != null) sb.append(" at ").append(f.file().substring(f.file().lastIndexOf('/') + 1)).append(':').append(f.line());
        return sb.toString();
    }

    private static void print(String title, List<ShownValue> values, String none) {
        if (values.isEmpty()) {
            System.out.println(none);
            return;
        }
        System.out.println(title + ":");
        for (ShownValue v : values) System.out.printf("  %s %s = %s%n", v.type(), v.name(), v.value());
    }
}
