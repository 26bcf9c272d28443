package dev.omniscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.omniscope.testsupport.OmniProcess;
import dev.omniscope.trace.Trace;
import tools.jackson.databind.JsonNode;

/**
 * {@code omni demo}, as a new user runs it: the sample is recorded, uploaded and indexed, and the
 * link printed opens at the stray write into {@code balance}, which the command line's own history
 * of the same recording names independently.
 */
class DemoIT {
    private static final Pattern LINK = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+)/t/([A-Za-z0-9_-]{22})/step/(\\d+)\\?symbol=balance");

    @TempDir
    Path home;

    @Test
    void theDemoPrintsTheMomentTheBalanceIsCorruptedAndReusesItsTraceNextTime() throws Exception {
        OmniProcess.Result first = run("demo", "--no-serve", "--port", "0");
        assertThat(first.status()).as(first.output()).isZero();
        Matcher link = LINK.matcher(first.output());
        assertThat(link.find()).as(first.output()).isTrue();
        String id = link.group(2);
        long step = Long.parseLong(link.group(3));
        // the server's log went to a file, not into the progress bars' lines
        assertThat(Files.readString(home.resolve("demo/server.log"))).contains("accepted trace " + id).contains("loaded the index of trace " + id);
        assertThat(first.output()).doesNotContain("accepted trace").doesNotContain("loaded the index").contains(home.resolve("demo/server.log").toString());

        // The recording it made, indexed and asked by the CLI: the printed step is strcpy's write.
        Path trace = home.resolve("demo/trace");
        assertThat(run("index", "--quiet", trace.toString()).status()).isZero();
        OmniProcess.Result history = run("history", "--json", "--symbol", "balance", trace.toString());
        assertThat(history.status()).as(history.output()).isZero();
        JsonNode entries = Trace.json().readTree(history.output().substring(history.output().indexOf('[')));
        JsonNode stray = null;
        for (JsonNode e : entries) {
            if (e.path("function").asString().contains("strcpy")) stray = e;
        }
        assertThat(stray).as("a write to balance by strcpy in %s", history.output()).isNotNull();
        assertThat(step).isEqualTo(stray.path("step").asLong());

        // A second run serves the same trace without recording again.
        OmniProcess.Result second = run("demo", "--no-serve", "--port", "0");
        assertThat(second.status()).as(second.output()).isZero();
        assertThat(second.output()).doesNotContain("recording demo_bug").contains("/t/" + id + "/step/" + step + "?symbol=balance");
        assertThat(Files.readString(home.resolve("demo/trace-id")).trim()).isEqualTo(id);
    }

    /** The recording ran in the same JVM and handled SIGTERM itself; the server after it must still stop on it. */
    @Test
    void aFreshDemoServingStopsOnSigterm() throws Exception {
        try (OmniProcess omni = OmniProcess.start(home, Map.of(), "demo", "--fresh", "--port", "0")) {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!LINK.matcher(omni.output()).find()) {
                assertThat(System.nanoTime()).as("no link within 3 minutes:%n%s", omni.output()).isLessThan(deadline);
                Thread.sleep(200);
            }
            omni.terminate();
            omni.awaitExit(Duration.ofSeconds(60));
            assertThat(omni.output()).contains("recording demo_bug");
        }
    }

    private OmniProcess.Result run(String... args) throws Exception {
        try (OmniProcess omni = OmniProcess.start(home, Map.of(), args)) {
            int status = omni.awaitExit(Duration.ofMinutes(3));
            return new OmniProcess.Result(status, omni.output());
        }
    }
}
