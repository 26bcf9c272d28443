package dev.omniscope.server.jobs;

import static dev.omniscope.testsupport.ServerTestSupport.awaitFinished;
import static dev.omniscope.testsupport.ServerTestSupport.uploaded;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.omniscope.indexer.index.IndexChild;
import dev.omniscope.server.OmniServer;
import dev.omniscope.testsupport.ServerTestSupport;
import dev.omniscope.testsupport.TestPostgres;
import dev.omniscope.testsupport.TestTraces;
import dev.omniscope.trace.EventStreamReader;
import dev.omniscope.trace.Trace;

/**
 * Issue 11: the emulator cannot take the server down. The replay runs in a child process; the
 * test-only triggers of {@link IndexChild} make it abort (a real native abort()) or hang in native
 * code. Servers are started and stopped here, on one database and data directory, as restarts are.
 */
class IndexerCrashIT {
    static final TestPostgres.Database DB = TestPostgres.freshDatabase();
    static final Path DATA = ServerTestSupport.dataDirectory();
    static final Consumer<HttpHeaders> NONE = h -> { };

    record Server(ConfigurableApplicationContext context, WebTestClient web) implements AutoCloseable {
        @Override
        public void close() {
            context.close();
        }
    }

    static Server start(String... childJvmOptions) {
        return startWith(List.of(), childJvmOptions);
    }

    static Server startWith(List<String> settings, String... childJvmOptions) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--omni.db.url=" + DB.url(), "--omni.db.user=" + DB.user(), "--omni.db.password=" + DB.password(),
                "--omni.server.data-dir=" + DATA, "--omni.auth.file=" + DATA.resolve("no-auth.json")));
        args.addAll(settings);
        if (childJvmOptions.length > 0) args.add("--omni.indexing.child-jvm-options=" + String.join(",", childJvmOptions));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(OmniServer.class).run(args.toArray(String[]::new));
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return new Server(context, WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(60)).build());
    }

    /** How many events a trace holds. */
    static int events(Path trace) throws IOException {
        int n = 0;
        try (Trace t = Trace.open(trace); EventStreamReader events = t.events()) {
            while (events.hasNext()) {
                events.next();
                n++;
            }
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> get(WebTestClient web, String id) {
        return web.get().uri("/api/traces/" + id).exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
    }

    /** The child indexer process of the trace, once it runs the JVM. */
    static Optional<ProcessHandle> indexerOf(String id) {
        return ProcessHandle.current().descendants().filter(p -> {
            try { // ProcessHandle.Info has no arguments for command lines this long
                String c = Files.readString(Path.of("/proc/" + p.pid() + "/cmdline"));
                return c.contains(IndexChild.class.getName()) && c.contains(id) && !c.startsWith("/bin/sh");
            } catch (IOException e) {
                return false;
            }
        }).findFirst();
    }

    @Test
    void anAbortingReplayFailsItsJobOnlyAndIsNotRunAgainAfterARestartAndDeleteStopsARunningChild() throws Exception {
        String crashed;
        String other;
        int events = events(TestTraces.packed("counter")); // 78, and one more (a warning) on a machine without CPUID faulting
        try (Server server = start("-Domni.test.abortAfterEvents=1")) {
            Path counter = TestTraces.packed("counter");
            crashed = uploaded(server.web(), counter, NONE);
            Map<String, Object> doc = awaitFinished(server.web(), crashed, NONE, Duration.ofMinutes(2));
            assertThat(doc.get("status")).isEqualTo("failed");
            String reason = (String) doc.get("failureReason");
            assertThat(reason).startsWith("the indexer crashed (SIGABRT) while replaying event " + events + " of " + events + ": ")
                    .contains("test abort after").doesNotContain(DATA.toString()).doesNotContain("/tmp");
            assertThat(doc.get("attempts")).isEqualTo(1);

            // the server is still up: health, the list, the trace, another upload indexed (and aborted) in turn
            server.web().get().uri("/api/health").exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
            server.web().get().uri("/api/traces").exchange().expectStatus().isOk().expectBody()
                    .jsonPath("$.traces[0].id").isEqualTo(crashed);
            other = uploaded(server.web(), TestTraces.packed("counter"), NONE);
            assertThat(awaitFinished(server.web(), other, NONE, Duration.ofMinutes(2)).get("failureReason")).isEqualTo(reason);
        }

        try (Server server = start("-Domni.test.hangAfterEvents=1")) {
            // after a restart the failed jobs stay failed: not queued, not run again
            for (String id : List.of(crashed, other)) {
                Map<String, Object> doc = get(server.web(), id);
                assertThat(doc.get("status")).isEqualTo("failed");
                assertThat(doc.get("attempts")).isEqualTo(1);
            }
            server.web().get().uri("/api/health").exchange().expectStatus().isOk();

            // a job whose replay hangs in native code: DELETE stops its child before answering
            String hanging = uploaded(server.web(), TestTraces.packed("counter"), NONE);
            ProcessHandle child = null;
            long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (child == null && System.nanoTime() < end) {
                child = indexerOf(hanging).orElse(null);
                if (child == null) Thread.sleep(100);
            }
            assertThat(child).as("the indexer process of " + hanging).isNotNull();
            // the replay is done (35%: the replay's share) and the child sleeps in native code
            while (((Number) get(server.web(), hanging).get("progress")).intValue() < 30 && System.nanoTime() < end) Thread.sleep(100);
            assertThat(get(server.web(), hanging)).containsEntry("status", "indexing").extractingByKey("progress").isEqualTo(35);
            Thread.sleep(500);
            assertThat(child.isAlive()).isTrue();
            long started = System.nanoTime();
            server.web().delete().uri("/api/traces/" + hanging).exchange().expectStatus().isNoContent();
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(child.isAlive()).as("indexer process %d after DELETE answered in %d ms", child.pid(), millis).isFalse();
            assertThat(indexerOf(hanging)).isEmpty();
            server.web().get().uri("/api/traces/" + hanging).exchange().expectStatus().isNotFound();
            assertThat(DATA.resolve("traces/" + hanging)).doesNotExist();
            System.out.printf("IndexerCrashIT: DELETE of a trace whose indexer hangs answered in %d ms (pid %d)%n", millis, child.pid());
        }

        // a replay past omni.indexing.timeout is stopped and its job fails
        try (Server server = startWith(List.of("--omni.indexing.timeout=3s"), "-Domni.test.hangAfterEvents=1")) {
            String slow = uploaded(server.web(), TestTraces.packed("counter"), NONE);
            Map<String, Object> doc = awaitFinished(server.web(), slow, NONE, Duration.ofMinutes(2));
            assertThat(doc.get("status")).isEqualTo("failed");
            assertThat((String) doc.get("failureReason")).matches("the indexer ran longer than PT3S \\(omni.indexing.timeout\\) and was stopped at event \\d+ of " + events);
            assertThat(indexerOf(slow)).isEmpty();
            System.out.println("IndexerCrashIT: " + doc.get("failureReason"));
        }

        // an address space too small for the JVM and Unicorn: the child cannot start, the job says why
        try (Server server = startWith(List.of("--omni.indexing.max-address-space=1GB"))) {
            String cramped = uploaded(server.web(), TestTraces.packed("counter"), NONE);
            Map<String, Object> doc = awaitFinished(server.web(), cramped, NONE, Duration.ofMinutes(2));
            assertThat(doc.get("status")).isEqualTo("failed");
            assertThat((String) doc.get("failureReason")).startsWith("the indexer exited with status 1 before it could start: ")
                    .containsIgnoringCase("could not").doesNotContain("/tmp");
            System.out.println("IndexerCrashIT: " + doc.get("failureReason"));
            server.web().get().uri("/api/health").exchange().expectStatus().isOk();
        }
    }
}
