package dev.omniscope.server.traces;

import static dev.omniscope.testsupport.ServerTestSupport.awaitFinished;
import static dev.omniscope.testsupport.ServerTestSupport.count;
import static dev.omniscope.testsupport.ServerTestSupport.files;
import static dev.omniscope.testsupport.ServerTestSupport.upload;
import static dev.omniscope.testsupport.ServerTestSupport.uploaded;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.omniscope.server.OmniServer;
import dev.omniscope.testsupport.ServerTestSupport;
import dev.omniscope.testsupport.TestPostgres;
import dev.omniscope.testsupport.TestTraces;

/** Upload, indexing, listing, progress events, bookmarks and deletion, without authentication. */
@SpringBootTest(classes = OmniServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT120S")
class TracesIT {
    static final TestPostgres.Database DB = TestPostgres.freshDatabase();
    static final Path DATA = ServerTestSupport.dataDirectory();
    static final Consumer<HttpHeaders> NONE = h -> { };

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ServerTestSupport.serverProperties(registry, DB, DATA, "no-auth.json");
    }

    @Autowired
    WebTestClient web;

    @Test
    @SuppressWarnings("unchecked")
    void anUploadIsCheckedStoredIndexedAndDescribed() throws Exception {
        Path packed = TestTraces.packed("counter");
        var result = upload(web, packed, NONE).expectStatus().isAccepted()
                .expectHeader().valueMatches(HttpHeaders.LOCATION, "/api/traces/[A-Za-z0-9_-]{22}")
                .expectBody(Map.class).returnResult();
        Map<String, Object> accepted = result.getResponseBody();
        String id = (String) accepted.get("id");
        assertThat(id).matches("[A-Za-z0-9_-]{22}");
        assertThat(accepted.get("status")).isEqualTo("queued");
        assertThat((Map<String, Object>) accepted.get("links")).containsEntry("web", "/t/" + id)
                .containsEntry("self", "/api/traces/" + id).containsEntry("events", "/api/traces/" + id + "/events");
        assertThat(DATA.resolve("traces/" + id + "/trace.omnitrace")).hasSize(Files.size(packed));

        Map<String, Object> doc = awaitFinished(web, id, NONE, Duration.ofMinutes(2));
        assertThat(doc.get("status")).as("failure: %s", doc.get("failureReason")).isEqualTo("indexed");
        assertThat(doc.get("progress")).isEqualTo(100);
        assertThat(doc.get("owner")).isEqualTo("local");
        assertThat((String) doc.get("command")).endsWith("tests/counter");
        assertThat(doc.get("complete")).isEqualTo(true);
        assertThat(((Number) doc.get("eventCount")).longValue()).isPositive();
        Map<String, Object> summary = (Map<String, Object>) doc.get("summary");
        assertThat((List<Object>) summary.get("processes")).hasSize(1);
        assertThat((Map<String, Object>) summary.get("eventCounts")).containsKeys("exec", "syscall_enter", "end");
        assertThat(summary).doesNotContainKey("environment");
        assertThat(files(DATA.resolve("uploads"))).isEmpty();
        assertThat(files(DATA.resolve("traces/" + id))).containsExactly("trace.omnitrace"); // the job's work directory is gone
    }

    @Test
    void progressArrivesAsServerSentEventsAndEndsWhenIndexed() throws Exception {
        String id = uploaded(web, TestTraces.packed("counter"), NONE);
        List<ServerSentEvent<Map<String, Object>>> events = web.get().uri("/api/traces/" + id + "/events")
                .accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() { })
                .getResponseBody().filter(e -> e.data() != null).collectList().block(Duration.ofMinutes(2));
        assertThat(events).isNotEmpty();
        List<String> statuses = events.stream().map(e -> (String) e.data().get("status")).toList();
        assertThat(statuses.get(statuses.size() - 1)).isEqualTo("indexed");
        assertThat(events.get(events.size() - 1).data().get("progress")).isEqualTo(100);
        assertThat(events).allMatch(e -> "status".equals(e.event()) && id.equals(e.data().get("id")));
        assertThat(statuses).isSubsetOf("queued", "indexing", "indexed");

        // A client that connects after the end gets the final state, then the stream ends.
        List<String> late = web.get().uri("/api/traces/" + id + "/events").accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() { })
                .getResponseBody().filter(e -> e.data() != null).map(e -> (String) e.data().get("status"))
                .collectList().block(Duration.ofSeconds(30));
        assertThat(late).containsExactly("indexed");
    }

    @Test
    void aTraceWhoseReplayEndsEarlyFailsWithTheReason() throws Exception {
        String id = uploaded(web, TestTraces.truncatedRecording("counter"), NONE);
        Map<String, Object> doc = awaitFinished(web, id, NONE, Duration.ofMinutes(2));
        assertThat(doc.get("status")).isEqualTo("failed");
        assertThat(doc.get("complete")).isEqualTo(false);
        assertThat((String) doc.get("failureReason")).startsWith("replay failed: the trace ends early");
        assertThat(files(DATA.resolve("traces/" + id))).containsExactly("trace.omnitrace");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theListIsNewestFirstAndPaginated() throws Exception {
        Path packed = TestTraces.packed("counter");
        String first = uploaded(web, packed, NONE);
        String second = uploaded(web, packed, NONE);
        Map<String, Object> page1 = web.get().uri("/api/traces?limit=1").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        List<Map<String, Object>> traces1 = (List<Map<String, Object>>) page1.get("traces");
        assertThat(traces1).hasSize(1);
        assertThat(traces1.get(0).get("id")).isEqualTo(second);
        assertThat(page1.get("next")).isNotNull();
        Map<String, Object> page2 = web.get().uri("/api/traces?limit=1&cursor=" + page1.get("next")).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(((List<Map<String, Object>>) page2.get("traces")).get(0).get("id")).isEqualTo(first);

        // every trace once, over pages of 2
        long total = count(DB, "select count(*) from traces");
        java.util.Set<Object> seen = new java.util.HashSet<>();
        String cursor = null;
        do {
            Map<String, Object> page = web.get().uri("/api/traces?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).exchange()
                    .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
            for (Map<String, Object> t : (List<Map<String, Object>>) page.get("traces")) assertThat(seen.add(t.get("id"))).isTrue();
            cursor = (String) page.get("next");
        } while (cursor != null);
        assertThat(seen).hasSize((int) total);

        for (String bad : new String[] {"limit=0", "limit=201", "limit=x", "cursor=!!", "cursor=bm90LWEtY3Vyc29y"}) {
            web.get().uri("/api/traces?" + bad).exchange().expectStatus().isBadRequest()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        }
        awaitFinished(web, first, NONE, Duration.ofMinutes(2));
        awaitFinished(web, second, NONE, Duration.ofMinutes(2));
    }

    @Test
    void unknownAndMalformedIdsAre404Problems() {
        for (String id : new String[] {"AAAAAAAAAAAAAAAAAAAAAA", "nope", "..%2F..%2Fetc", "x".repeat(300)}) {
            for (String path : new String[] {"", "/events", "/bookmarks", "/shares"}) {
                web.get().uri("/api/traces/" + id + path).exchange().expectStatus().isNotFound()
                        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                        .expectBody().jsonPath("$.status").isEqualTo(404);
            }
            web.delete().uri("/api/traces/" + id).exchange().expectStatus().isNotFound();
            web.post().uri("/api/traces/" + id + "/bookmarks").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"step\":1}")
                    .exchange().expectStatus().isNotFound();
        }
        // an EventSource asks for text/event-stream; the refusal is still a problem document
        web.get().uri("/api/traces/AAAAAAAAAAAAAAAAAAAAAA/events").accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isNotFound().expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    @SuppressWarnings("unchecked")
    void bookmarksAreValidatedStoredAndListed() throws Exception {
        String id = uploaded(web, TestTraces.packed("counter"), NONE);
        web.post().uri("/api/traces/" + id + "/bookmarks").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"step\": 1234, \"addr\": \"0xffffffffff600000\", \"len\": 8, \"note\": \"the counter\", \"tid\": 42}")
                .exchange().expectStatus().isCreated()
                .expectBody()
                .jsonPath("$.step").isEqualTo(1234)
                .jsonPath("$.addr").isEqualTo("0xffffffffff600000")
                .jsonPath("$.len").isEqualTo(8)
                .jsonPath("$.tid").isEqualTo(42)
                .jsonPath("$.createdBy").isEqualTo("local")
                .jsonPath("$.createdAt").isNotEmpty()
                .jsonPath("$.link").isEqualTo("/t/" + id + "/step/1234?addr=0xffffffffff600000");
        web.post().uri("/api/traces/" + id + "/bookmarks").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"step\": 7}").exchange().expectStatus().isCreated();

        String[] bad = {
            "{\"step\": -1}", "{}", "{\"step\": 1, \"addr\": \"0x10\"}", "{\"step\": 1, \"len\": 4}",
            "{\"step\": 1, \"addr\": \"0x10\", \"len\": 0}", "{\"step\": 1, \"addr\": \"zz\", \"len\": 1}",
            "{\"step\": 1, \"addr\": \"0x10000000000000000\", \"len\": 1}", "{\"step\": 1, \"tid\": 0}",
            "{\"step\": 1, \"note\": \"" + "n".repeat(2001) + "\"}", "{\"step\": \"soon\"}", "[1,2]", "not json", ""
        };
        for (String body : bad) {
            web.post().uri("/api/traces/" + id + "/bookmarks").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange().expectStatus().isBadRequest()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        }
        List<Map<String, Object>> list = web.get().uri("/api/traces/" + id + "/bookmarks").exchange().expectStatus().isOk()
                .expectBodyList(Map.class).returnResult().getResponseBody().stream().map(m -> (Map<String, Object>) m).toList();
        assertThat(list).extracting(m -> m.get("step")).containsExactly(7, 1234);
        awaitFinished(web, id, NONE, Duration.ofMinutes(2));
    }

    @Test
    void deletingATraceRemovesItsFilesRowsBookmarksAndShares() throws Exception {
        String id = uploaded(web, TestTraces.packed("counter"), NONE);
        web.post().uri("/api/traces/" + id + "/bookmarks").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"step\": 3}")
                .exchange().expectStatus().isCreated();
        web.post().uri("/api/traces/" + id + "/shares").exchange().expectStatus().isCreated();
        web.delete().uri("/api/traces/" + id).exchange().expectStatus().isNoContent();
        web.get().uri("/api/traces/" + id).exchange().expectStatus().isNotFound();
        assertThat(DATA.resolve("traces/" + id)).doesNotExist();
        assertThat(count(DB, "select count(*) from traces where id = '" + id + "'")).isZero();
        assertThat(count(DB, "select count(*) from bookmarks where trace_id = '" + id + "'")).isZero();
        assertThat(count(DB, "select count(*) from shares where trace_id = '" + id + "'")).isZero();
        web.delete().uri("/api/traces/" + id).exchange().expectStatus().isNotFound();
        // the job, if it was running, stops; nothing comes back
        Thread.sleep(1500);
        assertThat(DATA.resolve("traces/" + id)).doesNotExist();
    }

    @Test
    void concurrentDeletionsOfOneTraceSucceedOnce() throws Exception {
        String id = uploaded(web, TestTraces.packed("counter"), NONE);
        awaitFinished(web, id, NONE, Duration.ofMinutes(2)); // with its partitions
        int n = 10;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        var start = new java.util.concurrent.CountDownLatch(1);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return web.delete().uri("/api/traces/" + id).exchange().returnResult(String.class).getStatus().value();
                }));
            }
            start.countDown();
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var a : answers) statuses.add(a.get(2, java.util.concurrent.TimeUnit.MINUTES));
            assertThat(statuses).as("%s", statuses).containsOnlyOnce(204).filteredOn(s -> s != 204).containsOnly(404).hasSize(n - 1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(DATA.resolve("traces/" + id)).doesNotExist();
        assertThat(count(DB, "select count(*) from traces where id = '" + id + "'")).isZero();
        assertThat(count(DB, "select (select count(*) from pg_class where relispartition and relname ~ '^mem_writes_l[0-9]+$') "
                + "- (select count(*) from traces where index_load is not null)")).isZero(); // no partition left of it
    }

    @Test
    void theOpenApiDocumentDescribesEveryEndpointWithItsProblems() {
        web.get().uri("/api/docs/openapi.json").exchange().expectStatus().isOk()
                .expectBody()
                .jsonPath("$.paths['/api/traces'].post.responses['202']").exists()
                .jsonPath("$.paths['/api/traces'].post.responses['413']").exists()
                .jsonPath("$.paths['/api/traces'].post.responses['422']").exists()
                .jsonPath("$.paths['/api/traces'].post.responses['507']").exists()
                .jsonPath("$.paths['/api/traces'].get.responses['400']").exists()
                .jsonPath("$.paths['/api/traces/{id}'].get.responses['404']").exists()
                .jsonPath("$.paths['/api/traces/{id}'].delete.responses['204']").exists()
                .jsonPath("$.paths['/api/traces/{id}/events'].get").exists()
                .jsonPath("$.paths['/api/traces/{id}/bookmarks'].post.responses['400']").exists()
                .jsonPath("$.paths['/api/traces/{id}/shares'].post.responses['201']").exists()
                .jsonPath("$.paths['/api/traces/{id}/shares/{shareId}'].delete").exists()
                .jsonPath("$.paths['/api/health'].get").exists();
        web.get().uri("/api/docs").exchange().expectStatus().is3xxRedirection();
        web.get().uri("/api/swagger-ui/index.html").exchange().expectStatus().isOk()
                .expectBody(String.class).value(html -> assertThat(html).containsIgnoringCase("swagger").doesNotContain("<div id=\"app\">"));
    }

    @Test
    void theSchemaIsAtTheLatestMigration() throws Exception {
        assertThat(count(DB, "select max(version::int) from flyway_schema_history where success")).isEqualTo(7);
    }

}
