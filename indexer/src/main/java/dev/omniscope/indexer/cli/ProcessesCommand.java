package dev.omniscope.indexer.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.omniscope.indexer.query.Processes;
import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.trace.Trace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "processes",
        mixinStandardHelpOptions = true,
        description = "The processes of a trace as a tree: who forked whom at which step, the programs each ran (with their "
            + "arguments) from which step, their threads and how each ended.",
        footer = {"", "Example:  omni processes TRACE --json"})
public final class ProcessesCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TRACE", description = "an indexed trace (omni index)")
    Path trace;

    @Option(names = "--json", description = "print the document: {processes: [{pid, parent, forkStep, forkTid, start, end, exit, "
            + "exitCode, signal, programs: [{path, argv, step}], threads: [{tid, start, end}]}]}")
    boolean json;

    @Option(names = "--index", paramLabel = "DIR", description = "the index (default: TRACE/index)")
    Path indexDirectory;

    @Override
    public Integer call() throws IOException {
        try (ArrowQueries t = ArrowQueries.open(trace, indexDirectory)) {
            Processes.ProcessList list = Processes.of(t.queries);
            if (json) {
                System.out.println(Trace.json().writerWithDefaultPrettyPrinter().writeValueAsString(list));
                return 0;
            }
            for (Processes.Process p : list.processes()) {
                if (p.parent() == null || list.processes().stream().noneMatch(q -> q.pid() == p.parent())) print(list.processes(), p, "");
            }
        } catch (QueryException e) {
            throw ArrowQueries.refusal(e);
        }
        return 0;
    }

    /** A process and, indented under it, the processes it forked. */
    private static void print(List<Processes.Process> all, Processes.Process p, String indent) {
        StringBuilder sb = new StringBuilder(indent).append(p.pid());
        if (p.forkStep() != null) sb.append(String.format("  forked at step %,d by thread %d", p.forkStep(), p.forkTid()));
        sb.append(String.format("  steps %,d to %s", p.start(), p.end() == null ? "the end (alive)" : String.format("%,d", p.end())));
        sb.append("  ").append(p.exit() == null ? "still running when the recording ended" : p.exit());
        System.out.println(sb);
        for (Processes.Program g : p.programs()) {
            System.out.printf("%s    runs %s from step %,d: %s%n", indent, g.path(), g.step(), String.join(" ", g.argv().stream().map(ProcessesCommand::quote).toList()));
        }
        if (p.threads().size() > 1) {
            for (Processes.Thread th : p.threads()) {
                System.out.printf("%s    thread %d: steps %,d to %s%n", indent, th.tid(), th.start(), th.end() == null ? "the end" : String.format("%,d", th.end()));
            }
        }
        for (Processes.Process child : all) {
            if (child.parent() != null && child.parent() == p.pid() && child != p) print(all, child, indent + "  ");
        }
    }

    /** An argument as a shell would need it quoted. */
    private static String quote(String arg) {
        return arg.matches("[A-Za-z0-9_@%+=:,./-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }
}
