package dev.omniscope.indexer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.omniscope.common.UserError;
import dev.omniscope.indexer.index.IndexSummary;
import dev.omniscope.indexer.index.Indexer;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceFormatException;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "index",
        mixinStandardHelpOptions = true,
        description = "Replay a trace and write its index: every block, memory write, register change, call, system call "
            + "and signal, as Arrow tables (docs/index-format.md), plus symbols and source lines.")
public final class IndexCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TRACE", description = "a trace directory or packed trace")
    Path trace;

    @Option(names = "--out", paramLabel = "DIR", description = "where to write the index (default: TRACE/index, or FILE.index for a packed trace)")
    Path out;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        Path target = out != null ? out : defaultIndexDirectory(trace);
        IndexSummary summary;
        long started = System.nanoTime();
        try (Trace t = Trace.open(trace)) {
            if (quiet) {
                summary = Indexer.index(t, target, (done, total, steps) -> { });
            } else {
                try (ProgressBar bar = new ProgressBarBuilder().setTaskName("indexing").setInitialMax(1)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setUnit(" events", 1)
                        .setConsumer(new ConsoleProgressBarConsumer(System.err)).build()) {
                    summary = Indexer.index(t, target, (done, total, steps) -> {
                        bar.maxHint(Math.max(total, done));
                        bar.stepTo(done);
                        double seconds = (System.nanoTime() - started) / 1e9;
                        bar.setExtraMessage(String.format(" %,d steps, %.1fM instr/s", steps, steps / Math.max(seconds, 1e-3) / 1e6));
                    });
                }
            }
        } catch (TraceFormatException e) {
            throw new UserError(e.getMessage());
        }
        double seconds = summary.durationMillis() / 1000.0;
        System.err.printf("omni: indexed %,d instructions in %.1f s (%.1fM instructions/s) into %s%n", summary.instructions(),
                seconds, summary.instructions() / Math.max(seconds, 1e-3) / 1e6, target);
        System.err.printf("omni: %,d memory writes, %,d register changes, %,d calls, %,d system calls%n",
                summary.rows().get("mem_writes"), summary.rows().get("reg_changes"), summary.rows().get("calls"),
                summary.rows().get("syscalls"));
        if (!summary.complete()) {
            System.err.println("omni: the index is INCOMPLETE: " + summary.problem().message());
            return 1;
        }
        return 0;
    }

    /** TRACE/index for a directory, FILE.index beside a packed trace. */
    public static Path defaultIndexDirectory(Path trace) {
        return Files.isDirectory(trace) ? trace.resolve("index") : trace.resolveSibling(trace.getFileName() + ".index");
    }
}
