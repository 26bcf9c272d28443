package dev.omniscope.recorder.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs programs natively and under `omni record` (a separate JVM, as users run it), for tests
 * that compare the two. Test programs are native/build/tests/NAME.
 */
public final class Omni {
    /** What a process printed and how it ended. */
    public record Run(String stdout, String stderr, int exitCode) {}

    private Omni() {}

    public static Path testProgram(String name) {
        Path p = Path.of(System.getProperty("omni.native.dir"), "tests", name);
        if (!Files.isExecutable(p)) throw new IllegalStateException("test program " + p + " is not built (make -C native)");
        return p;
    }

    public static Run run(List<String> command, Map<String, String> env, Path cwd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("omni-out", ".txt"), err = Files.createTempFile("omni-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            if (cwd != null) pb.directory(cwd.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Run(new String(Files.readAllBytes(out), StandardCharsets.UTF_8),
                    new String(Files.readAllBytes(err), StandardCharsets.UTF_8), p.exitValue());
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** `omni ARGS...` in a new JVM with this test's classpath. */
    public static List<String> omniCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                // logback's own status lines (several logback-test.xml on a reactor's test classpath) must not reach stdout
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                "-Domni.native.dir=" + System.getProperty("omni.native.dir"),
                "-Domni.home=" + System.getProperty("omni.home"),
                "-cp", System.getProperty("java.class.path"), RecordMain.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    public static Run omni(String... args) throws IOException, InterruptedException {
        return run(omniCommand(args), Map.of(), null);
    }

    /** Records {@code command} into {@code trace}. */
    public static Run record(Path trace, List<String> command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("record", "-o", trace.toString(), "--"));
        args.addAll(command);
        return omni(args.toArray(String[]::new));
    }
}
