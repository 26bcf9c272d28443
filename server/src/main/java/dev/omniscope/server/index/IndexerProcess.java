package dev.omniscope.server.index;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.omniscope.indexer.index.IndexChild;
import dev.omniscope.indexer.index.IndexSummary;
import dev.omniscope.indexer.index.Indexer;
import dev.omniscope.server.jobs.IndexingProperties;
import dev.omniscope.server.jobs.TraceProcessor;
import dev.omniscope.trace.Trace;

/**
 * The replay of a job, in a child JVM ({@link IndexChild}) so that the emulator's native code
 * cannot take the server down: an abort (a QEMU assertion), a crash, memory exhausted or a replay
 * past {@code omni.indexing.timeout} ends the child, and the job fails with a reason naming what
 * happened and the last line the child wrote about it (file paths reduced to their names).
 *
 * <p>The child has the server's classpath and runs with {@code -Xmx} and
 * {@code -XX:MaxDirectMemorySize} of {@code omni.indexing.max-heap}, and an address space limit
 * ({@code ulimit -v}, RLIMIT_AS) of {@code omni.indexing.max-address-space}, set by a
 * {@code /bin/sh} that then execs the JVM (so the process's pid is the JVM's). A job that must stop
 * (its trace deleted, the server stopping) stops its child: SIGTERM, then SIGKILL after
 * {@link #GRACE_MILLIS}.
 */
@Component
public class IndexerProcess {
    private static final Logger log = LoggerFactory.getLogger(IndexerProcess.class);
    static final long GRACE_MILLIS = 2000;
    private static final long POLL_MILLIS = 200;
    private static final int STDERR_LINES = 40;
    private static final Pattern PATH = Pattern.compile("(?<![\\w.~-])/(?:[^\\s:'\"`,;()\\[\\]]+/)*([^\\s/:'\"`,;()\\[\\]]*)");
    private static final Pattern CAUSE = Pattern.compile(
            "(?i).*(assert|abort|fatal|error|exception|could not|cannot|unable|insufficient|terminat|killed|out of memory).*");
    private static final String BOOT_LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

    private final IndexingProperties properties;

    public IndexerProcess(IndexingProperties properties) {
        this.properties = properties;
    }

    /** How the replay ended: the index's summary, or why there is no index. */
    public record Result(IndexSummary summary, String failureReason) {}

    /**
     * Replays {@code job}'s trace into {@code job.workDirectory()/index}, reporting the replay's
     * share of the progress through {@code progress} (fraction of the replay, 0 to 1; it throws
     * {@link CancellationException} when the job must stop, and so does this after stopping the child).
     */
    public Result replay(TraceProcessor.Job job, Consumer<Double> progress) throws IOException, InterruptedException {
        Path work = job.workDirectory();
        ProcessBuilder builder = new ProcessBuilder(command(job.packedTrace(), work)).directory(work.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("OMNI_DB_") || k.contains("PASSWORD") || k.contains("TOKEN") || k.contains("SECRET"));
        long started = System.nanoTime();
        Process child;
        try {
            child = builder.start();
        } catch (IOException e) {
            log.warn("trace {}: cannot start the indexer process", job.traceId(), e);
            return failure("the indexer process could not be started: " + clean(String.valueOf(e.getMessage())));
        }
        log.info("trace {}: indexer process {} started", job.traceId(), child.pid());
        OutputStream stdin = child.getOutputStream(); // held open: the child ends itself when it closes
        Deque<String> stderr = new ArrayDeque<>();
        long[] events = {0, job.eventCount()};
        String[] failed = {null};
        boolean[] began = {false};
        Thread out = reader(child.getInputStream(), "omni-indexer-out-" + child.pid(), line -> {
            String[] words = line.split(" ", 3);
            if (words[0].equals(IndexChild.PROGRESS) && words.length == 3 && words[1].matches("\\d{1,18}")
                    && words[2].matches("\\d{1,18}")) {
                synchronized (events) {
                    events[0] = Long.parseLong(words[1]);
                    events[1] = Long.parseLong(words[2]);
                }
            } else if (line.startsWith(IndexChild.FAILED + " ")) {
                failed[0] = line.substring(IndexChild.FAILED.length() + 1);
            } else if (line.equals(IndexChild.STARTED)) {
                began[0] = true;
            } else { // the JVM's own errors (it cannot start, say) come on stdout
                log.info("trace {}: indexer: {}", job.traceId(), line);
                synchronized (stderr) {
                    stderr.addLast(line);
                    if (stderr.size() > STDERR_LINES) stderr.removeFirst();
                }
            }
        });
        Thread err = reader(child.getErrorStream(), "omni-indexer-err-" + child.pid(), line -> {
            synchronized (stderr) {
                stderr.addLast(line);
                if (stderr.size() > STDERR_LINES) stderr.removeFirst();
            }
        });
        boolean timedOut = false;
        try {
            while (!child.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                synchronized (events) {
                    progress.accept(Math.min(1.0, events[0] / (double) Math.max(1, events[1])));
                }
                if (System.nanoTime() - started > properties.timeout().toNanos()) {
                    timedOut = true;
                    stop(child, job.traceId(), "it ran longer than omni.indexing.timeout");
                    break;
                }
            }
        } catch (CancellationException | InterruptedException e) {
            stop(child, job.traceId(), e instanceof CancellationException ? "its job stopped" : "the server is stopping");
            throw e;
        } finally {
            closeQuietly(stdin);
        }
        out.join(2000);
        err.join(2000);
        int status = child.exitValue();
        String at;
        synchronized (events) {
            at = "event " + events[0] + " of " + events[1];
        }
        List<String> lines;
        synchronized (stderr) {
            lines = new ArrayList<>(stderr);
        }
        log.info("trace {}: indexer process {} exited with status {} after {} ms", job.traceId(), child.pid(), status,
                (System.nanoTime() - started) / 1_000_000);
        if (timedOut) {
            return failure("the indexer ran longer than " + properties.timeout() + " (omni.indexing.timeout) and was stopped at " + at);
        }
        if (status == 0) {
            Path summary = work.resolve("index").resolve(Indexer.SUMMARY);
            if (!Files.isRegularFile(summary)) return failure("the indexer ended without writing an index");
            try (InputStream in = Files.newInputStream(summary)) {
                return new Result(Trace.json().readValue(in, IndexSummary.class), null);
            }
        }
        if (status == IndexChild.EXIT_FAILED && failed[0] != null) return failure(clean(failed[0]));
        for (String line : lines) {
            if (line.contains("java.lang.OutOfMemoryError")) {
                return failure("the indexer ran out of memory (omni.indexing.max-heap=" + properties.maxHeap() + ") at " + at
                        + ": " + clean(line));
            }
        }
        String cause = cause(lines);
        String how = status > 128 ? "crashed (" + signal(status - 128) + ")" : "exited with status " + status;
        log.warn("trace {}: the indexer {}; its last lines:\n  {}", job.traceId(), how, String.join("\n  ", lines));
        String when = began[0] ? " while replaying " + at : " before it could start";
        return failure("the indexer " + how + when + (cause == null ? "" : ": " + cause));
    }

    private static Result failure(String reason) {
        return new Result(null, reason);
    }

    /** The child's command line: {@code sh -c 'ulimit ...; exec java ...'}. */
    List<String> command(Path packed, Path work) {
        List<String> java = new ArrayList<>();
        java.add(ProcessHandle.current().info().command().filter(c -> c.endsWith("/java"))
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        long heapMb = properties.maxHeap().toMegabytes();
        java.addAll(List.of("-Xmx" + heapMb + "m", "-XX:MaxDirectMemorySize=" + heapMb + "m", "-XX:+ExitOnOutOfMemoryError",
                "-XX:-UsePerfData", "-XX:ErrorFile=" + work.resolve("hs_err.log"),
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener"));
        for (String p : new String[] {"omni.native.dir", "omni.home"}) {
            String v = System.getProperty(p);
            if (v != null) java.add("-D" + p + "=" + v);
        }
        java.addAll(properties.childJvmOptions());
        // absolute: the child runs in the work directory (java -jar ../omni.jar gives a relative one)
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isEmpty()).map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
        if (!classPath.contains(File.pathSeparator) && classPath.endsWith(".jar") && bootJar(classPath)) {
            // omni.jar is a Spring Boot jar: its launcher puts the nested jars on the classpath
            java.addAll(List.of("-Dloader.main=" + IndexChild.class.getName(), "-cp", classPath, BOOT_LAUNCHER));
        } else {
            java.addAll(List.of("-cp", classPath, IndexChild.class.getName()));
        }
        java.add(packed.toString());
        java.add(work.toString());
        StringBuilder limits = new StringBuilder("ulimit -c 0");
        long as = properties.maxAddressSpace().toKilobytes();
        if (as > 0) limits.append(" && ulimit -v ").append(as);
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", limits + " && exec \"$0\" \"$@\""));
        command.addAll(java);
        return command;
    }

    private static boolean bootJar(String jar) {
        try (java.util.jar.JarFile f = new java.util.jar.JarFile(jar)) {
            return f.getEntry(BOOT_LAUNCHER.replace('.', '/') + ".class") != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGTERM, then SIGKILL after the grace period; returns once the process is gone. */
    private static void stop(Process child, String traceId, String why) {
        boolean interrupted = Thread.interrupted();
        try {
            log.info("trace {}: stopping indexer process {} ({})", traceId, child.pid(), why);
            child.destroy();
            if (!child.waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                child.destroyForcibly();
                child.waitFor();
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
            interrupted = true;
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** The last line that names a cause (else the last line), file paths reduced to their names. */
    static String cause(List<String> lines) {
        String last = null;
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("at ") || line.startsWith("...") || line.startsWith("#")
                    || line.startsWith("SLF4J")) continue;
            if (last == null) last = line;
            if (CAUSE.matcher(line).matches()) return clean(line);
        }
        return last == null ? null : clean(last);
    }

    /** A line for people: no paths of this machine (a file keeps its name), at most 300 characters. */
    static String clean(String line) {
        String s = PATH.matcher(line.strip()).replaceAll("$1");
        return s.length() > 300 ? s.substring(0, 297) + "..." : s;
    }

    static String signal(int n) {
        return switch (n) {
            case 4 -> "SIGILL";
            case 6 -> "SIGABRT";
            case 7 -> "SIGBUS";
            case 8 -> "SIGFPE";
            case 9 -> "SIGKILL: killed, perhaps by the system for lack of memory";
            case 11 -> "SIGSEGV";
            case 15 -> "SIGTERM";
            default -> "signal " + n;
        };
    }

    private static Thread reader(InputStream in, String name, Consumer<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) lines.accept(line);
            } catch (IOException | RuntimeException ignored) {
                // the process ended
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void closeQuietly(OutputStream s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // the child is gone
        }
    }
}
