package dev.omniscope.server.query;

import static dev.omniscope.testsupport.ServerTestSupport.awaitFinished;
import static dev.omniscope.testsupport.ServerTestSupport.uploaded;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.omniscope.indexer.testing.Indexed;
import dev.omniscope.recorder.testing.Omni;
import dev.omniscope.testsupport.ServerTestSupport;
import dev.omniscope.testsupport.TestPostgres;
import dev.omniscope.testsupport.TestTraces;
import dev.omniscope.trace.Trace;
import tools.jackson.databind.JsonNode;

/**
 * What the query API's integration tests share: one database and data directory (so that the
 * classes share one server context and each program's trace is uploaded and indexed once), the
 * client, and reading answers and problem documents.
 */
abstract class QueryApiSupport {
    static final TestPostgres.Database DB = TestPostgres.freshDatabase();
    static final Path DATA = ServerTestSupport.dataDirectory();
    static final Consumer<HttpHeaders> NONE = h -> { };
    private static final Map<String, String> TRACES = new ConcurrentHashMap<>();
    private static final Map<Path, Path> CLI_INDEXES = new ConcurrentHashMap<>();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ServerTestSupport.serverProperties(registry, DB, DATA, "no-auth.json");
    }

    @Autowired
    WebTestClient client;

    WebTestClient web() {
        // history pages of thousands of entries are larger than the default 256 KiB
        return client.mutate().codecs(c -> c.defaultCodecs().maxInMemorySize(64 << 20)).build();
    }

    /** {@code omni index} of the packed file, once: the CLI's own index beside it (FILE.index). */
    static synchronized Path cliIndex(Path packed) throws Exception {
        Path index = CLI_INDEXES.get(packed);
        if (index != null) return index;
        Omni.Run r = omni("index", packed.toString());
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        index = packed.resolveSibling(packed.getFileName() + ".index");
        assertThat(index.resolve("summary.json")).exists();
        CLI_INDEXES.put(packed, index);
        return index;
    }

    /** The index commands in a child JVM, as {@code omni} runs them. */
    static Omni.Run omni(String... args) throws Exception {
        return Indexed.omni("1g", args);
    }

    /** A document as JSON read back, so that numbers compare as parsed numbers do. */
    static JsonNode tree(Object document) {
        return Trace.json().readTree(Trace.json().writeValueAsString(document));
    }

    /** The program's trace, uploaded and indexed once. */
    String trace(String program) throws Exception {
        synchronized (TRACES) {
            String id = TRACES.get(program);
            if (id != null) return id;
            id = uploaded(web(), TestTraces.packed(program), NONE);
            Map<String, Object> doc = awaitFinished(web(), id, NONE, Duration.ofMinutes(3));
            assertThat(doc.get("status")).as("%s: %s", program, doc.get("failureReason")).isEqualTo("indexed");
            TRACES.put(program, id);
            return id;
        }
    }

    JsonNode get(String uri) {
        String body = web().get().uri(uri).exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        return Trace.json().readTree(body);
    }

    /** A problem document's detail, checking its status and media type. */
    String problem(String uri, int status) {
        String body = web().get().uri(uri).exchange().expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class).returnResult().getResponseBody();
        JsonNode p = Trace.json().readTree(body);
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("detail").asString()).isNotEmpty();
        return p.get("detail").asString();
    }
}
