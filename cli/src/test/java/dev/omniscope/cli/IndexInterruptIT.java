package dev.omniscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.omniscope.testsupport.OmniProcess;

/**
 * {@code omni index} interrupted (Ctrl-C's SIGINT, or SIGTERM) while it writes: the index is
 * written into {@code DIR.partial} and renamed at the end, and an interrupted run leaves neither.
 */
class IndexInterruptIT {
    @TempDir
    static Path home;
    static Path trace;

    /** A recording whose index takes seconds to write: 100 million instructions. */
    @BeforeAll
    static void record() throws Exception {
        Path program = Path.of(System.getProperty("omni.native.dir")).toAbsolutePath().resolve("tests/loop100m");
        trace = home.resolve("loop");
        try (OmniProcess omni = OmniProcess.start(home, Map.of(), "record", "-o", trace.toString(), "--", program.toString())) {
            assertThat(omni.awaitExit(Duration.ofMinutes(3))).as(omni.output()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "TERM"})
    void anInterruptedIndexLeavesNoPartialDirectory(String signal) throws Exception {
        Path out = home.resolve("index-" + signal);
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        try (OmniProcess omni = OmniProcess.start(home, Map.of(), "index", "--quiet", "--out", out.toString(), trace.toString())) {
            long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!hasTables(partial)) { // the replay is writing its tables
                assertThat(System.nanoTime()).as("no tables in %s: %s", partial, omni.output()).isLessThan(end);
                Thread.sleep(50);
            }
            Thread.sleep(500);
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(omni.pid())).inheritIO().start();
            assertThat(kill.waitFor()).isZero();
            int status = omni.awaitExit(Duration.ofSeconds(60));
            assertThat(status).as(omni.output()).isEqualTo(128 + (signal.equals("INT") ? 2 : 15));
        }
        assertThat(partial).as("the partial index").doesNotExist();
        assertThat(out).as("no index was finished").doesNotExist();
    }

    private static boolean hasTables(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".arrow"));
        }
    }
}
