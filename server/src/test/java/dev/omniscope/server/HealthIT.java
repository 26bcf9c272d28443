package dev.omniscope.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.omniscope.testsupport.TestPostgres;

/** The health endpoint and the schema, in-process, against the test PostgreSQL. */
@SpringBootTest(classes = OmniServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class HealthIT {
    static final TestPostgres.Database DB = TestPostgres.freshDatabase();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("omni.db.url", DB::url);
        registry.add("omni.db.user", DB::user);
        registry.add("omni.db.password", DB::password);
    }

    @Autowired
    WebTestClient web;

    @Test
    void healthIsUpWhenTheDatabaseAnswers() {
        web.get().uri("/api/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.database.status").isEqualTo("UP")
                .jsonPath("$.database.kind").isEqualTo("external")
                .jsonPath("$.database.url").isEqualTo(DB.url())
                .jsonPath("$.database.product").value(v -> assertThat((String) v).startsWith("PostgreSQL "))
                .jsonPath("$.database.schemaVersion").isEqualTo("7");
    }

    @Test
    void migrationsFromDbMigrationsAreApplied() throws Exception {
        try (Connection c = DB.connect();
             ResultSet rs = c.createStatement().executeQuery(
                     "select count(*) from information_schema.tables where table_name = 'traces'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void appRoutesFallBackToTheWebApp() {
        for (String path : new String[] {"/", "/t/abc/step/42", "/t/abc"}) {
            web.get().uri(path).exchange()
                    .expectStatus().isOk()
                    .expectBody(String.class).value(html -> assertThat(html).contains("<div id=\"app\">"));
        }
    }

    @Test
    void unknownApiPathsAreProblemDetails() {
        web.get().uri("/api/nope").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith("application/problem+json")
                .expectBody().jsonPath("$.status").isEqualTo(404);
    }

    @Test
    void missingFilesAreNotAnsweredWithTheApp() {
        web.get().uri("/assets/missing.js").exchange().expectStatus().isNotFound();
    }
}
