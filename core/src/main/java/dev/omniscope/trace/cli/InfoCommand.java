package dev.omniscope.trace.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.omniscope.common.UserError;
import dev.omniscope.common.WaitStatus;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceFormatException;
import dev.omniscope.trace.TraceSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

@Command(name = "info",
        mixinStandardHelpOptions = true,
        description = "Describe a trace (directory or packed file): what was recorded, processes, counts, sizes, warnings.")
public final class InfoCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TRACE", description = "a trace directory or a packed trace file")
    Path trace;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Override
    public Integer call() throws IOException {
        TraceSummary summary;
        try (Trace t = Trace.open(trace)) {
            summary = TraceSummary.of(t);
        } catch (TraceFormatException e) {
            throw new UserError(e.getMessage());
        }
        if (json) {
            System.out.println(JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(summary));
        } else {
            print(summary, System.out);
        }
        return 0;
    }

    static void print(TraceSummary s, PrintStream out) {
        var h = s.header();
        out.println("trace       " + s.header().format() + " v" + h.version() + " recorded " + h.created() + " by " + h.recorder());
        out.println("command     " + String.join(" ", h.command()));
        out.println("executable  " + h.executable());
        out.println("directory   " + h.cwd());
        out.println("state       " + (s.complete() ? "complete" : "INCOMPLETE, " + s.incompleteReason()));
        if (s.exitStatus() != null) out.println("exit        " + new WaitStatus(s.exitStatus()));
        if (!h.environmentChanges().set().isEmpty()) {
            out.println("environment (changed by omni or --env)");
            h.environmentChanges().set().forEach((k, v) -> out.println("  " + k + "=" + v));
        }
        out.println("masking     " + (h.masking().enabled() ? String.join(" ", h.masking().features()) : "off (--no-mask)"));
        out.println("processes");
        for (TraceSummary.Process p : s.processes()) {
            out.printf("  %-7d %s  threads %s%s%s%n", p.pid(), String.join(" -> ", p.programs()), p.threads(),
                    p.parentPid() != null ? "  parent " + p.parentPid() : "",
                    p.waitStatus() != null ? "  " + new WaitStatus(p.waitStatus()) : "");
        }
        out.println("events");
        s.eventCounts().forEach((k, v) -> out.printf("  %-14s %,d%n", k, v));
        out.println("system calls");
        s.syscalls().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.printf("  %-20s %,d%n", e.getKey(), e.getValue()));
        out.printf("sizes       memory at exec %s; %,d blobs (snapshots, mapped files, large writes) %s compressed;%n"
                + "            events %s; whole trace %s%n",
                bytes(s.snapshotBytes()), s.blobs(), bytes(s.blobBytes()), bytes(s.eventStreamBytes()), bytes(s.totalBytes()));
        out.println("modules     " + (s.modules().isEmpty() ? "none carried (the recording did not finish?)" : ""));
        s.modules().forEach(m -> out.println("  " + m));
        out.println("sources     " + s.sources() + " source files carried");
        if (s.warnings().isEmpty()) {
            out.println("warnings    none");
        } else {
            out.println("warnings");
            s.warnings().forEach(w -> out.println("  " + w));
        }
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024 * 1024) return String.format("%.1f KiB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return String.format("%.1f MiB", n / 1024.0 / 1024);
        return String.format("%.2f GiB", n / 1024.0 / 1024 / 1024);
    }
}
