package dev.omniscope.indexer.index;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.omniscope.common.NativeLibraries;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceFormatException;

/**
 * The indexer as a child process of the server: {@code IndexChild PACKED_TRACE WORK_DIR} runs
 * {@link Indexer#index} into {@code WORK_DIR/index} (the trace's modules unpacked into
 * {@code WORK_DIR/modules}), so that the emulator's native code (Unicorn, QEMU) runs outside the
 * server: an assertion that aborts, a crash or a runaway allocation ends this process only.
 *
 * <p>Protocol, one line at a time on stdout (anything else goes to stderr): {@value #STARTED}
 * once the JVM runs this, {@value #PROGRESS}
 * {@code EVENTS TOTAL} as the replay goes; {@value #FAILED} {@code REASON} for a failure Java saw
 * (then exit status 2). Exit status 0: the index and its summary.json are in place (a replay that
 * stopped early included: the summary says so). Any other end (a signal, an abort, the JVM out of
 * memory) is a crash, which the server reports with the last lines of stderr. The process ends
 * itself when its stdin closes: a server that died does not leave it running.
 *
 * <p>Test-only triggers (system properties, read here only): {@code omni.test.abortAfterEvents=N}
 * calls the C library's {@code abort()} once N events are replayed (a real native abort, as a QEMU
 * assertion does); {@code omni.test.hangAfterEvents=N} blocks in the C library's {@code sleep()}
 * instead (a replay stuck in native code).
 */
public final class IndexChild {
    public static final String PROGRESS = "omni-index-progress";
    public static final String FAILED = "omni-index-failed";
    public static final String STARTED = "omni-index-started";
    public static final int EXIT_FAILED = 2;
    public static final int EXIT_ORPHANED = 70;

    /** The C library functions the test triggers call. */
    public interface LibC {
        void abort();

        int sleep(int seconds);
    }

    private IndexChild() {}

    public static void main(String[] args) throws Exception {
        PrintStream protocol = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err); // stdout carries the protocol only
        watchParent(System.in);
        protocol.println(STARTED);
        Path packed = Path.of(args[0]);
        Path work = Path.of(args[1]);
        long abortAfter = Long.getLong("omni.test.abortAfterEvents", -1);
        long hangAfter = Long.getLong("omni.test.hangAfterEvents", -1);
        long[] last = {-1, 0};
        try (Trace trace = Trace.open(packed)) {
            Indexer.index(trace, work.resolve("index"), work.resolve("modules"), (events, total, steps) -> {
                long now = System.nanoTime();
                if (events != last[0] && (events >= total || now - last[1] >= 100_000_000L)) {
                    last[0] = events;
                    last[1] = now;
                    protocol.println(PROGRESS + " " + events + " " + total);
                }
                if (abortAfter >= 0 && events >= abortAfter) {
                    System.err.println("omni-index: test abort after " + events + " events (omni.test.abortAfterEvents)");
                    System.err.flush();
                    NativeLibraries.system(LibC.class, "c").abort();
                }
                if (hangAfter >= 0 && events >= hangAfter) NativeLibraries.system(LibC.class, "c").sleep(3600);
            });
        } catch (TraceFormatException e) {
            protocol.println(FAILED + " the trace cannot be read: " + oneLine(e.getMessage()).replace(packed.toString(), "the trace"));
            System.exit(EXIT_FAILED);
        } catch (Throwable e) { // an Error too: the replay's threads must not keep the process alive
            e.printStackTrace();
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            protocol.println(FAILED + " indexing failed: " + oneLine(e + (root == e ? "" : ", caused by " + root)).replace(packed.toString(), "the trace")
                    .replace(work.toString(), "the work directory"));
            System.exit(EXIT_FAILED);
        }
        System.exit(0);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }

    /** Halts when stdin reaches its end: the server closed it, or died. */
    private static void watchParent(InputStream in) {
        Thread t = new Thread(() -> {
            try {
                while (in.read() >= 0) {
                    // nothing is sent; reading waits for the end
                }
            } catch (Exception ignored) {
                // a broken pipe is an end too
            }
            Runtime.getRuntime().halt(EXIT_ORPHANED);
        }, "omni-index-parent-watch");
        t.setDaemon(true);
        t.start();
    }
}
