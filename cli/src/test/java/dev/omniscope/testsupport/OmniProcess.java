package dev.omniscope.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built {@code omni.jar} run as a separate process, exactly as the launcher runs it: for tests
 * of what a user sees (exit statuses, messages, signals, leftover processes).
 */
public final class OmniProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("is serving at (http://\\S+)");

    /** How a finished run ended and what it printed. */
    public record Result(int status, String output) {}

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final CompletableFuture<String> url = new CompletableFuture<>();

    private OmniProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::pump, "omni-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code omni ARGS...} with OMNI_HOME and any extra environment. */
    public static OmniProcess start(Path omniHome, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Domni.source=" + sourceTree(), "-jar", jar()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OMNI_HOME", omniHome.toString());
        builder.environment().putAll(env);
        return new OmniProcess(builder.start());
    }

    public static String jar() {
        String jar = System.getProperty("omni.jar");
        if (jar == null) throw new IllegalStateException("omni.jar is not set: run this test through failsafe (mvn verify)");
        return jar;
    }

    /** The checkout, as the launcher passes it (omni.native.dir is its native/build). */
    private static Path sourceTree() {
        return Path.of(System.getProperty("omni.native.dir")).toAbsolutePath().getParent().getParent();
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.append(line).append('\n');
                Matcher m = SERVING.matcher(line);
                if (m.find()) url.complete(m.group(1));
            }
        } catch (IOException ignored) {
            // the process ended
        } finally {
            url.completeExceptionally(new IllegalStateException("omni exited before serving:\n" + output));
        }
    }

    /** The URL printed by serve, once it is serving. */
    public String awaitServing(Duration timeout) throws Exception {
        try {
            return url.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("omni did not start serving within " + timeout + ":\n" + output, e);
        }
    }

    /** Waits for the process to end; its exit status. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("omni did not exit within " + timeout + ":\n" + output);
        }
        return process.exitValue();
    }

    /** Writes {@code text} to the process's standard input and closes it. */
    public void stdin(String text) throws IOException {
        try (var in = process.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    public long pid() {
        return process.pid();
    }

    /** Sends SIGTERM, as a service manager or kill(1) would. */
    public void terminate() {
        process.destroy();
    }

    public String output() {
        return output.toString();
    }

    @Override
    public void close() {
        if (process.isAlive()) process.destroyForcibly();
    }
}
