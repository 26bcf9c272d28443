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
 * Recordings of native/build/tests programs made by the real recorder and indexed by the real
 * indexer (each in its own {@code omni} process), and the query commands asked of them in this JVM.
 */
final class CliRecordings {
    private CliRecordings() {}

    static Path tests() {
        return Path.of(System.getProperty("omni.native.dir")).toAbsolutePath().resolve("tests");
    }

    /** {@code omni record} then {@code omni index} of a test program, into {@code home/program}, once per home. */
    static synchronized Path recordAndIndex(Path home, String program, List<String> recordOptions, String... args) throws Exception {
        Path trace = home.resolve(program);
        if (Files.isDirectory(trace.resolve("index"))) return trace;
        List<String> command = new ArrayList<>(List.of("record", "-o", trace.toString()));
        command.addAll(recordOptions);
        command.add("--");
        command.add(tests().resolve(program).toString());
        command.addAll(List.of(args));
        try (OmniProcess omni = OmniProcess.start(home, Map.of(), command.toArray(String[]::new))) {
            assertThat(omni.awaitExit(Duration.ofMinutes(3))).as(omni.output()).isZero();
        }
        try (OmniProcess omni = OmniProcess.start(home, Map.of(), "index", "--quiet", trace.toString())) {
            assertThat(omni.awaitExit(Duration.ofMinutes(5))).as(omni.output()).isZero();
        }
        return trace;
    }

    /** What a command that exits 0 printed. */
    static String text(String... args) {
        InProcess.Result r = InProcess.omni(args);
        assertThat(r.status()).as(String.join(" ", args) + "\n" + r.err()).isZero();
        return r.out();
    }

    /** A command's --json document. */
    static JsonNode json(String... args) {
        return Trace.json().readTree(text(args));
    }
}
