package dev.omniscope.server.auth;

import static dev.omniscope.testsupport.ServerTestSupport.awaitFinished;
import static dev.omniscope.testsupport.ServerTestSupport.upload;
import static dev.omniscope.testsupport.ServerTestSupport.uploaded;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.crypto.bcrypt.BCrypt;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.omniscope.server.OmniServer;
import dev.omniscope.testsupport.ServerTestSupport;
import dev.omniscope.testsupport.TestPostgres;
import dev.omniscope.testsupport.TestTraces;

/**
 * With authentication configured: credentials are required, users see only their own traces,
 * and a share token opens exactly one trace for reading.
 */
@SpringBootTest(classes = OmniServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT120S")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthIT {
    static final TestPostgres.Database DB = TestPostgres.freshDatabase();
    static final Path DATA;
    static final Path NOT_A_TRACE;
    static final String CAROL_TOKEN = "omni_carols-test-token-0123456789abcdef";

    static {
        try {
            DATA = ServerTestSupport.dataDirectory();
            NOT_A_TRACE = Files.writeString(Files.createTempDirectory("omni-auth-it").resolve("x.omnitrace"), "not a trace");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ServerTestSupport.serverProperties(registry, DB, DATA, "auth.json");
        registry.add("omni.auth.users", () -> "alice:" + BCrypt.hashpw("alice-password", BCrypt.gensalt(4))
                + ",bob:" + BCrypt.hashpw("bob-password", BCrypt.gensalt(4)));
        registry.add("omni.auth.tokens", () -> "carol:" + Credentials.sha256Hex(CAROL_TOKEN));
    }

    static final Consumer<HttpHeaders> ALICE = h -> h.setBasicAuth("alice", "alice-password");
    static final Consumer<HttpHeaders> BOB = h -> h.setBasicAuth("bob", "bob-password");
    static final Consumer<HttpHeaders> CAROL = h -> h.setBearerAuth(CAROL_TOKEN);
    static final Consumer<HttpHeaders> ANONYMOUS = h -> { };

    static Consumer<HttpHeaders> share(String token) {
        return h -> h.set("X-Omni-Share", token);
    }

    @Autowired
    WebTestClient web;

    String alices;
    String alicesOther;
    String carols;

    @BeforeAll
    void uploads() throws Exception {
        Path packed = TestTraces.packed("counter");
        alices = uploaded(web, packed, ALICE);
        alicesOther = uploaded(web, packed, ALICE);
        carols = uploaded(web, packed, CAROL);
        for (String id : List.of(alices, alicesOther)) awaitFinished(web, id, ALICE, Duration.ofMinutes(2));
        awaitFinished(web, carols, CAROL, Duration.ofMinutes(2));
    }

    @Test
    void withoutCredentialsOnlyHealthDocsAndTheWebAppAnswer() {
        web.get().uri("/api/traces").exchange().expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueMatches(HttpHeaders.WWW_AUTHENTICATE, ".*Basic.*")
                .expectBody().jsonPath("$.status").isEqualTo(401);
        web.get().uri("/api/traces/" + alices).exchange().expectStatus().isUnauthorized();
        web.get().uri("/api/nope").exchange().expectStatus().isUnauthorized();
        upload(web, NOT_A_TRACE, ANONYMOUS).expectStatus().isUnauthorized();
        web.get().uri("/api/health").exchange().expectStatus().isOk();
        web.get().uri("/api/docs/openapi.json").exchange().expectStatus().isOk();
        web.get().uri("/").exchange().expectStatus().isOk();
        web.get().uri("/t/" + alices + "/step/3").exchange().expectStatus().isOk();
    }

    @Test
    void wrongCredentialsAre401() {
        web.get().uri("/api/traces").headers(h -> h.setBasicAuth("alice", "wrong")).exchange().expectStatus().isUnauthorized();
        web.get().uri("/api/traces").headers(h -> h.setBasicAuth("mallory", "alice-password")).exchange().expectStatus().isUnauthorized();
        web.get().uri("/api/traces").headers(h -> h.setBearerAuth("omni_not-a-token")).exchange().expectStatus().isUnauthorized();
        web.get().uri("/api/traces").header(HttpHeaders.AUTHORIZATION, "Basic !!!").exchange().expectStatus().isUnauthorized();
        web.get().uri("/api/traces").header(HttpHeaders.AUTHORIZATION, "Digest x").exchange().expectStatus().isUnauthorized();
    }

    @Test
    @SuppressWarnings("unchecked")
    void usersSeeOnlyTheirOwnTraces() {
        Map<String, Object> page = web.get().uri("/api/traces").headers(ALICE).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat((List<Map<String, Object>>) page.get("traces")).extracting(t -> t.get("id")).containsExactlyInAnyOrder(alices, alicesOther);
        assertThat((List<Map<String, Object>>) page.get("traces")).allMatch(t -> "alice".equals(t.get("owner")));
        page = web.get().uri("/api/traces").headers(CAROL).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat((List<Map<String, Object>>) page.get("traces")).extracting(t -> t.get("id")).containsExactly(carols);
        page = web.get().uri("/api/traces").headers(BOB).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat((List<Map<String, Object>>) page.get("traces")).isEmpty();

        // Bob cannot read, follow, bookmark, share or delete Alice's trace: 404, as if it did not exist
        web.get().uri("/api/traces/" + alices).headers(BOB).exchange().expectStatus().isNotFound();
        web.get().uri("/api/traces/" + alices + "/events").headers(BOB).exchange().expectStatus().isNotFound();
        web.get().uri("/api/traces/" + alices + "/bookmarks").headers(BOB).exchange().expectStatus().isNotFound();
        web.post().uri("/api/traces/" + alices + "/bookmarks").headers(BOB).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"step\": 1}").exchange().expectStatus().isNotFound();
        web.post().uri("/api/traces/" + alices + "/shares").headers(BOB).exchange().expectStatus().isNotFound();
        web.get().uri("/api/traces/" + alices + "/shares").headers(BOB).exchange().expectStatus().isNotFound();
        web.delete().uri("/api/traces/" + alices).headers(BOB).exchange().expectStatus().isNotFound();
        web.delete().uri("/api/traces/" + alices).headers(CAROL).exchange().expectStatus().isNotFound();
        // ... and the answer is the same as for a trace that does not exist
        String missing = web.get().uri("/api/traces/AAAAAAAAAAAAAAAAAAAAAA").headers(BOB).exchange().expectStatus().isNotFound()
                .expectBody(Map.class).returnResult().getResponseBody().get("title").toString();
        assertThat(missing).isEqualTo("Not found");

        web.get().uri("/api/traces/" + alices).headers(ALICE).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.owner").isEqualTo("alice");
        web.get().uri("/api/traces/" + alices).exchange().expectStatus().isUnauthorized();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aShareTokenOpensExactlyItsTraceForReading() {
        web.post().uri("/api/traces/" + alices + "/bookmarks").headers(ALICE).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"step\": 5, \"note\": \"look here\"}").exchange().expectStatus().isCreated()
                .expectBody().jsonPath("$.createdBy").isEqualTo("alice");
        Map<String, Object> created = web.post().uri("/api/traces/" + alices + "/shares").headers(ALICE).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        String token = (String) created.get("token");
        assertThat(token).matches("[A-Za-z0-9_-]{43}"); // 256 bits
        assertThat(created.get("url")).isEqualTo("/t/" + alices + "?share=" + token);

        // reads of that trace, with no other credentials: header or query parameter
        web.get().uri("/api/traces/" + alices).headers(share(token)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(alices);
        web.get().uri("/api/traces/" + alices + "?share=" + token).exchange().expectStatus().isOk();
        web.get().uri("/api/traces/" + alices + "/bookmarks?share=" + token).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$[0].note").isEqualTo("look here");
        var events = web.get().uri("/api/traces/" + alices + "/events?share=" + token).accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk().returnResult(String.class).getResponseBody().collectList().block(Duration.ofSeconds(30));
        assertThat(String.join("\n", events)).contains("indexed");

        // nothing else: not other traces, not the list, not writes, not managing shares
        web.get().uri("/api/traces/" + alicesOther).headers(share(token)).exchange().expectStatus().isNotFound();
        web.get().uri("/api/traces/" + carols).headers(share(token)).exchange().expectStatus().isNotFound();
        web.get().uri("/api/traces").headers(share(token)).exchange().expectStatus().isUnauthorized();
        upload(web, NOT_A_TRACE, share(token)).expectStatus().isUnauthorized();
        web.post().uri("/api/traces/" + alices + "/bookmarks").headers(share(token)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"step\": 1}").exchange().expectStatus().isUnauthorized();
        web.delete().uri("/api/traces/" + alices).headers(share(token)).exchange().expectStatus().isUnauthorized();
        web.post().uri("/api/traces/" + alices + "/shares").headers(share(token)).exchange().expectStatus().isUnauthorized();
        web.get().uri("/api/traces/" + alices + "/shares").headers(share(token)).exchange().expectStatus().isUnauthorized();

        // a signed-in user with the link reads it too, but may not change it
        web.get().uri("/api/traces/" + alices).headers(BOB.andThen(share(token))).exchange().expectStatus().isOk();
        web.delete().uri("/api/traces/" + alices).headers(BOB.andThen(share(token))).exchange().expectStatus().isForbidden();
        web.post().uri("/api/traces/" + alices + "/bookmarks").headers(BOB.andThen(share(token))).contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"step\": 1}").exchange().expectStatus().isForbidden();
        // it does not appear in Bob's list
        Map<String, Object> bobs = web.get().uri("/api/traces").headers(BOB.andThen(share(token))).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat((List<Object>) bobs.get("traces")).isEmpty();

        // a made-up token opens nothing (one character changed: to another one, or it is the token itself once in 64 runs)
        String madeUp = (token.charAt(0) == 'x' ? "y" : "x") + token.substring(1);
        web.get().uri("/api/traces/" + alices).headers(share(madeUp)).exchange().expectStatus().isNotFound();

        // the owner lists links (without tokens) and revokes
        List<Map<String, Object>> links = web.get().uri("/api/traces/" + alices + "/shares").headers(ALICE).exchange()
                .expectStatus().isOk().expectBodyList(Map.class).returnResult().getResponseBody().stream()
                .map(m -> (Map<String, Object>) m).toList();
        assertThat(links).hasSize(1);
        assertThat(links.get(0)).doesNotContainKey("token").containsEntry("id", created.get("id"));
        web.delete().uri("/api/traces/" + alices + "/shares/" + created.get("id")).headers(ALICE).exchange().expectStatus().isNoContent();
        web.delete().uri("/api/traces/" + alices + "/shares/" + created.get("id")).headers(ALICE).exchange().expectStatus().isNotFound();
        web.get().uri("/api/traces/" + alices).headers(share(token)).exchange().expectStatus().isNotFound();
    }

    @Test
    @SuppressWarnings("unchecked")
    void queriesFollowTheTraceAccessRules() {
        String[] paths = {"/memory/history?symbol=counter", "/memory?addr=0x1000&len=8&step=1", "/registers?step=1", "/steps/1",
            "/calls", "/syscalls", "/symbols?q=c", "/timeline", "/sources/nope.c"};
        Map<String, Object> created = web.post().uri("/api/traces/" + alices + "/shares").headers(ALICE).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        String token = (String) created.get("token");
        for (String path : paths) {
            int expected = path.startsWith("/sources") ? 404 : 200;
            web.get().uri("/api/traces/" + alices + path).headers(ALICE).exchange().expectStatus().isEqualTo(expected);
            web.get().uri("/api/traces/" + alices + path).headers(share(token)).exchange().expectStatus().isEqualTo(expected);
            web.get().uri("/api/traces/" + alices + path).exchange().expectStatus().isUnauthorized();
            web.get().uri("/api/traces/" + alices + path).headers(BOB).exchange().expectStatus().isNotFound()
                    .expectBody().jsonPath("$.detail").isEqualTo("no trace " + alices);
            web.get().uri("/api/traces/" + alicesOther + path).headers(share(token)).exchange().expectStatus().isNotFound()
                    .expectBody().jsonPath("$.detail").isEqualTo("no trace " + alicesOther);
        }
        web.delete().uri("/api/traces/" + alices + "/shares/" + created.get("id")).headers(ALICE).exchange().expectStatus().isNoContent();
    }

    @Test
    void ownersDeleteTheirOwnTraces() throws Exception {
        String id = uploaded(web, TestTraces.packed("counter"), BOB);
        web.delete().uri("/api/traces/" + id).headers(ALICE).exchange().expectStatus().isNotFound();
        web.delete().uri("/api/traces/" + id).headers(BOB).exchange().expectStatus().isNoContent();
        assertThat(DATA.resolve("traces/" + id)).doesNotExist();
    }
}
