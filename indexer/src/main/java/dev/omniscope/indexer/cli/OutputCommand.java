package dev.omniscope.indexer.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.omniscope.indexer.dataflow.DataFlow;
import dev.omniscope.indexer.dataflow.ProgramOutput;
import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.trace.Trace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "output",
        mixinStandardHelpOptions = true,
        description = "What the program printed: every write by a recorded process to a descriptor the recording inherited "
            + "(stdout, stderr, stdin and their dups, in every process; not files, nor pipes between recorded processes), in step "
            + "order, as a terminal showed it; with --json, each write with its step, process, thread, descriptor and buffers.",
        footer = {"", "Examples:  omni output TRACE", "           omni output TRACE --pid 4242 --json"})
public final class OutputCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TRACE", description = "an indexed trace (omni index)")
    Path trace;

    @Option(names = "--pid", paramLabel = "P", description = "only what this process wrote")
    Integer pid;

    @Option(names = "--json", description = "print a JSON array: [{step, pid, tid, fd, stream, text, buffers: [{addr, len}]}]")
    boolean json;

    @Option(names = "--index", paramLabel = "DIR", description = "the index (default: TRACE/index)")
    Path indexDirectory;

    @Override
    public Integer call() throws IOException {
        try (ArrowQueries t = ArrowQueries.open(trace, indexDirectory)) {
            DataFlow flow = DataFlow.of(t.queries);
            List<ProgramOutput.Chunk> chunks = new ArrayList<>();
            String cursor = null;
            do {
                ProgramOutput.Page page = flow.output(pid, ProgramOutput.MAX_LIMIT, cursor);
                chunks.addAll(page.chunks());
                cursor = page.next();
            } while (cursor != null);
            if (json) {
                System.out.println(Trace.json().writerWithDefaultPrettyPrinter().writeValueAsString(chunks));
                return 0;
            }
            PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
            for (ProgramOutput.Chunk c : chunks) out.print(c.text());
            out.flush();
        } catch (QueryException e) {
            throw ArrowQueries.refusal(e);
        }
        return 0;
    }
}
