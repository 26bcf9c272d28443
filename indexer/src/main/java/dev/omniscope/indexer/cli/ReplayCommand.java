package dev.omniscope.indexer.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.omniscope.common.UserError;
import dev.omniscope.indexer.modules.ModuleFiles;
import dev.omniscope.indexer.modules.ModuleMap;
import dev.omniscope.indexer.replay.ReplayListener;
import dev.omniscope.indexer.replay.Replayer;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "replay",
        mixinStandardHelpOptions = true,
        description = {"Replay a trace in the emulator and check it against the recording, system call by system call.",
            "Prints 'replay OK: N instructions, M syscalls matched', or where the replay diverged (exit status 1)."})
public final class ReplayCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TRACE", description = "a trace directory or packed trace")
    Path trace;

    @Option(names = "--verify", description = "replay without writing an index (the only mode for now; accepted for clarity)")
    boolean verify;

    @Override
    public Integer call() throws IOException {
        try (Trace t = Trace.open(trace); ModuleFiles files = new ModuleFiles(t)) {
            Replayer.Result result = new Replayer(t, ReplayListener.NONE, 0, new ModuleMap(files, m -> { })).run((events, steps) -> { });
            if (result.ok()) {
                System.out.printf("replay OK: %,d instructions, %,d syscalls matched%n", result.instructions(), result.syscalls());
                return 0;
            }
            System.out.println("replay FAILED: " + result.problem().describe());
            System.out.printf("(replayed %,d instructions and %,d syscalls before that)%n", result.instructions(), result.syscalls());
            return 1;
        } catch (TraceFormatException e) {
            throw new UserError(e.getMessage());
        }
    }
}
