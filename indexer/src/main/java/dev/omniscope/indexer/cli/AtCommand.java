package dev.omniscope.indexer.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.omniscope.common.UserError;
import dev.omniscope.indexer.query.Location;
import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.indexer.query.Stepper;
import dev.omniscope.trace.Trace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "at",
        mixinStandardHelpOptions = true,
        description = "A moment: where a task is at a step (function, source line, disassembly), its registers and call stack.")
public final class AtCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TRACE", description = "an indexed trace (omni index)")
    Path trace;

    @Option(names = "--step", paramLabel = "N", required = true, description = "the step (instructions retired before it)")
    long step;

    @Option(names = "--tid", paramLabel = "T", description = "this thread (default: the one running at the step)")
    Integer tid;

    @Option(names = "--move", paramLabel = "KIND", description = "first move from the step, as the web UI's stepping buttons: "
            + "next-instruction, prev-instruction, next-line, prev-line, step-in, out, call-start; then show where it went")
    String move;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1", description = "with --move: move N times, printing each moment")
    int count;

    @Option(names = "--json", description = "print JSON")
    boolean json;

    @Option(names = "--index", paramLabel = "DIR", description = "the index (default: TRACE/index)")
    Path indexDirectory;

    @Override
    public Integer call() throws IOException {
        try (ArrowQueries t = ArrowQueries.open(trace, indexDirectory)) {
            Location l;
            try {
                long at = step;
                Integer thread = tid;
                if (move != null) {
                    Stepper.Move kind = Stepper.Move.of(move);
                    if (kind == null) throw new UserError("--move " + move + " is not a move: one of " + Stepper.Move.names(), 2);
                    for (int i = 0; i < Math.max(1, count); i++) {
                        Stepper.Moment m;
                        try {
                            m = t.queries.move(at, thread, kind);
                        } catch (QueryException e) {
                            if (e.kind() != QueryException.Kind.NOT_FOUND) throw e;
                            System.err.println("omni: " + e.getMessage());
                            break;
                        }
                        at = m.step();
                        thread = m.tid();
                        if (!json) {
                            Location here = t.queries.location(at, thread);
                            System.out.printf("%s: step %,d  %s%s%n", move, at, here.function(),
                                    here.file() != null ? "  " + here.file() + ":" + here.line() : "");
                        }
                    }
                }
                l = t.queries.location(at, thread);
            } catch (QueryException e) {
                throw ArrowQueries.refusal(e);
            }
            if (json) {
                System.out.println(Trace.json().writerWithDefaultPrettyPrinter().writeValueAsString(l));
                return 0;
            }
            System.out.printf("step %,d  pid %d  tid %d  %s%n", l.step(), l.pid(), l.tid(), l.running() ? "running" : "not running (waiting here)");
            System.out.printf("at %s %s%s%n", l.rip(), l.function() != null ? l.function() : "",
                    l.file() != null ? "  " + l.file() + ":" + l.line() : "");
            System.out.println();
            for (Location.Instruction i : l.disassembly()) {
                System.out.printf("%s %-18s %s%n", i.current() ? "=>" : "  ", i.address(), i.text());
            }
            System.out.println();
            int col = 0;
            for (Map.Entry<String, String> r : l.registers().entrySet()) {
                if (r.getKey().startsWith("xmm")) continue;
                System.out.printf("%-8s %-20s", r.getKey(), r.getValue());
                if (++col % 3 == 0) System.out.println();
            }
            System.out.println();
            System.out.println();
            System.out.println("call stack (innermost last):");
            for (Location.Frame f : l.stack()) {
                System.out.printf("  #%-3d %-30s called at step %,d from %s%s%n", f.depth(), f.function() != null ? f.function() : "?",
                        f.callStep(), f.callSiteFunction() != null ? f.callSiteFunction() : f.callSite(),
                        f.file() != null ? " (" + f.file().substring(f.file().lastIndexOf('/') + 1) + ":" + f.line() + ")" : "");
            }
        }
        return 0;
    }
}
