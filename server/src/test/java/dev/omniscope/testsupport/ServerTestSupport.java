package dev.omniscope.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.springframework.core.io.FileSystemResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

/** Helpers for in-process server tests: uploads, waiting for jobs, looking at the data directory and the database. */
public final class ServerTestSupport {
    private ServerTestSupport() {}

    /** A fresh directory for a test server's data ({@code omni.server.data-dir}). */
    public static Path dataDirectory() {
        try {
            return Files.createTempDirectory("omni-server-data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Points a test's server at its database and data directory, with the authentication file {@code authFile} in it. */
    public static void serverProperties(DynamicPropertyRegistry registry, TestPostgres.Database db, Path data, String authFile) {
        registry.add("omni.db.url", db::url);
        registry.add("omni.db.user", db::user);
        registry.add("omni.db.password", db::password);
        registry.add("omni.server.data-dir", data::toString);
        registry.add("omni.auth.file", () -> data.resolve(authFile).toString());
    }

    public static WebTestClient.ResponseSpec upload(WebTestClient web, Path file, Consumer<HttpHeaders> headers) {
        MultipartBodyBuilder body = new MultipartBodyBuilder();
        body.part("file", new FileSystemResource(file));
        return web.post().uri("/api/traces").headers(headers)
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(body.build()))
                .exchange();
    }

    /** Uploads and returns the new trace's id (202 expected). */
    @SuppressWarnings("unchecked")
    public static String uploaded(WebTestClient web, Path file, Consumer<HttpHeaders> headers) {
        Map<String, Object> answer = upload(web, file, headers).expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(answer).isNotNull();
        return (String) answer.get("id");
    }

    /** Polls the trace until it is indexed or failed; its document. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> awaitFinished(WebTestClient web, String id, Consumer<HttpHeaders> headers, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, Object> doc = web.get().uri("/api/traces/" + id).headers(headers).exchange()
                    .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
            String status = (String) doc.get("status");
            if (status.equals("indexed") || status.equals("failed")) return doc;
            if (System.nanoTime() > end) throw new AssertionError("trace " + id + " still " + status + " after " + timeout);
            Thread.sleep(200);
        }
    }

    /** Every file under the directory, relative names. */
    public static List<String> files(Path dir) throws IOException {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    public static long count(TestPostgres.Database db, String sql) throws Exception {
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
