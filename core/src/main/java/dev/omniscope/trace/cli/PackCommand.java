package dev.omniscope.trace.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.omniscope.common.UserError;
import dev.omniscope.trace.PackedTrace;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "pack",
        mixinStandardHelpOptions = true,
        description = "Pack a trace directory into one file (the unit of upload). omni info and the other commands read either form.")
public final class PackCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TRACE", description = "a trace directory")
    Path trace;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "the packed file (default: TRACE.omnitrace)")
    Path output;

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(trace)) {
            throw new UserError(Files.isRegularFile(trace) ? trace + " is already a packed trace" : "no trace directory at " + trace);
        }
        Path target = output != null ? output : trace.toAbsolutePath().normalize().resolveSibling(trace.getFileName() + ".omnitrace");
        try (Trace t = Trace.open(trace)) {
            PackedTrace.write(t.storage(), target);
        } catch (TraceFormatException e) {
            throw new UserError(e.getMessage());
        }
        System.err.printf("omni: packed %s into %s (%s)%n", trace, target, InfoCommand.bytes(Files.size(target)));
        return 0;
    }
}
