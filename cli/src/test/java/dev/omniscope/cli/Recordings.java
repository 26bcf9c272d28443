package dev.omniscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.omniscope.testsupport.OmniProcess;
import dev.omniscope.trace.Trace;
import tools.jackson.databind.JsonNode;

/**
 * Recordings that command-line tests ask about: made and indexed by omni.jar run as a process, as
 * a user runs it, once per directory; and the query commands' JSON, asked in this JVM.
 */
final class Recordings {
    private Recordings() {}

    /** native/build/tests: the test programs. */
    static Path tests() {
        return Path.of(System.getProperty("omni.native.dir")).toAbsolutePath().resolve("tests");
    }

    /**
     * {@code omni record -o HOME/NAME ARGS...} (record options, {@code --}, the command), which must
     * exit with {@code status}, then {@code omni index}; done once: an indexed trace is reused.
     */
    static synchronized Path recordAndIndex(Path home, String name, int status, List<String> args) throws Exception {
        Path trace = home.resolve(name);
        if (Files.isDirectory(trace.resolve("index"))) return trace;
        List<String> command = new ArrayList<>(List.of("record", "-o", trace.toString()));
        command.addAll(args);
        try (OmniProcess omni = OmniProcess.start(home, Map.of(), command.toArray(String[]::new))) {
            assertThat(omni.awaitExit(Duration.ofMinutes(3))).as(omni.output()).isEqualTo(status);
        }
        try (OmniProcess omni = OmniProcess.start(home, Map.of(), "index", "--quiet", trace.toString())) {
            assertThat(omni.awaitExit(Duration.ofMinutes(5))).as(omni.output()).isZero();
        }
        return trace;
    }

    /** {@code omni ARGS...} in this JVM, which must succeed: what it printed. */
    static String text(String... args) {
        InProcess.Result r = InProcess.omni(args);
        assertThat(r.status()).as(String.join(" ", args) + "\n" + r.err()).isZero();
        return r.out();
    }

    /** {@code omni ARGS...} in this JVM, which must succeed: its output as JSON. */
    static JsonNode json(String... args) throws Exception {
        return Trace.json().readTree(text(args));
    }
}
