package dev.omniscope.recorder.cli;

import dev.omniscope.common.WaitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import dev.omniscope.common.OmniVersion;
import dev.omniscope.common.UserError;
import dev.omniscope.recorder.ModuleCapture;
import dev.omniscope.recorder.RecordingEnvironment;
import dev.omniscope.recorder.Recorder;
import dev.omniscope.recorder.ptrace.TraceeSpawner;
import dev.omniscope.trace.TraceHeader;
import dev.omniscope.trace.TraceWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;
import sun.misc.SignalHandler;

@Command(name = "record",
        mixinStandardHelpOptions = true,
        description = "Run a program and record it: every nondeterministic input (system calls, signals, time, thread "
            + "switches) goes into a trace from which the run replays exactly, on any machine. The program's stdin, "
            + "stdout and stderr pass through; omni exits with its status.",
        footer = {"", "Example:  omni record -- ./server --port 9000"})
public final class RecordCommand implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
            description = "trace directory to create (default: a numbered directory under $OMNI_HOME/traces)")
    Path output;

    @Option(names = "--no-mask", description = "do not hide AVX and other CPU features the replay cannot execute "
            + "(the recording may then not replay)")
    boolean noMask;

    @Option(names = "--env", paramLabel = "K=V", description = "set an environment variable for the program (repeatable)")
    List<String> env = new ArrayList<>();

    @Parameters(paramLabel = "PROGRAM [ARGS...]", arity = "1..*", description = "the program and its arguments")
    List<String> command;

    @Override
    public Integer call() throws IOException {
        Map<String, String> environment = new TreeMap<>(System.getenv());
        Map<String, String> set = new LinkedHashMap<>();
        for (String kv : env) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new UserError("--env needs K=V, not '" + kv + "'", 2);
            set.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        Path executable;
        try {
            executable = TraceeSpawner.resolveOnPath(command.get(0), set.getOrDefault("PATH", environment.get("PATH")));
        } catch (TraceeSpawner.SpawnException e) {
            throw new UserError(e.getMessage(), 127);
        }
        if (!Files.isRegularFile(executable)) throw new UserError(executable + ": no such file", 127);
        if (!Files.isExecutable(executable)) throw new UserError(executable + ": permission denied", 126);

        RecordingEnvironment recording = RecordingEnvironment.prepare(environment, set, !noMask);
        if (recording.cpuidWarning() != null) System.err.println("omni: warning: " + recording.cpuidWarning());
        Path directory = output != null ? output : TraceDirectories.next(command.get(0));
        TraceHeader header = new TraceHeader(TraceHeader.FORMAT, TraceHeader.VERSION, "omni " + OmniVersion.version(),
                Instant.now().toString(), List.copyOf(command), executable.toAbsolutePath().toString(),
                Path.of("").toAbsolutePath().toString(), recording.environmentList(), recording.changes(),
                recording.masking(), host());

        Recorder.Result result;
        try (TraceWriter writer = TraceWriter.create(directory, header)) {
            Recorder recorder = new Recorder(writer);
            // Ctrl-C and friends are the program's: the terminal sends them to it too, and it is recorded.
            // Restored afterwards: in omni demo a server runs next in this JVM and must stop on them.
            SignalHandler previousInt = Signal.handle(new Signal("INT"), s -> { });
            SignalHandler previousTerm = Signal.handle(new Signal("TERM"), s -> recorder.requestStop());
            try {
                result = recorder.record(executable, command, recording);
            } catch (TraceeSpawner.SpawnException e) {
                throw new UserError(e.getMessage(), 126);
            } finally {
                Signal.handle(new Signal("INT"), previousInt);
                Signal.handle(new Signal("TERM"), previousTerm);
            }
            writer.flush();
            ModuleCapture.capture(directory, writer.blobs());
        } catch (IOException e) {
            throw new UserError("recording into " + directory + " failed: " + e.getMessage());
        }
        System.err.printf("omni: recorded %s: %s, %,d events, %,d system calls%s%nomni: trace: %s%n",
                command.get(0), describe(result), result.events(), result.syscalls(),
                result.warnings() > 0 ? ", " + result.warnings() + " warnings (omni info shows them)" : "",
                result.trace());
        return result.exitCode();
    }

    private static String describe(Recorder.Result r) {
        var s = new dev.omniscope.common.WaitStatus(r.waitStatus());
        return s.exited() ? "exit status " + s.exitCode() : "killed by " + dev.omniscope.common.WaitStatus.signalName(s.termSignal());
    }

    private static Map<String, String> host() {
        Map<String, String> host = new LinkedHashMap<>();
        host.put("kernel", System.getProperty("os.version"));
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    host.put("cpu", line.substring(line.indexOf(':') + 1).trim());
                    break;
                }
            }
        } catch (IOException ignored) {
            // the CPU's name is only informative
        }
        return host;
    }
}
