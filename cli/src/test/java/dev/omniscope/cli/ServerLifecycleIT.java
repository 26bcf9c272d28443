package dev.omniscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.omniscope.testsupport.OmniProcess;
import dev.omniscope.testsupport.TestTraces;
import dev.omniscope.trace.Trace;
import tools.jackson.databind.JsonNode;

/** The server as users run it: refusing to listen openly without authentication, restarts mid-job, omni auth and omni upload. */
class ServerLifecycleIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path home;

    @Test
    void refusesToListenOnAllAddressesWithoutAuthentication() throws Exception {
        try (OmniProcess omni = OmniProcess.start(home, Map.of(), "serve", "--bind", "0.0.0.0", "--port", "0")) {
            assertThat(omni.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(omni.output()).contains("omni: refusing to listen on 0.0.0.0 without authentication")
                    .contains("omni auth add-user").doesNotContain("\tat ");
        }
        assertThat(home.resolve("db")).doesNotExist();
    }

    @Test
    void authUploadAndItsErrorsEndToEnd() throws Exception {
        // omni auth: a user (password from standard input) and a token (printed once)
        try (OmniProcess add = OmniProcess.start(home, Map.of(), "auth", "add-user", "alice")) {
            add.stdin("correct horse battery\n");
            assertThat(add.awaitExit(Duration.ofSeconds(60))).as(add.output()).isZero();
        }
        String token;
        try (OmniProcess add = OmniProcess.start(home, Map.of(), "auth", "add-token", "ci", "--user", "alice")) {
            assertThat(add.awaitExit(Duration.ofSeconds(60))).as(add.output()).isZero();
            token = add.output().lines().filter(l -> l.startsWith("omni_")).findFirst().orElseThrow();
        }
        String file = Files.readString(home.resolve("auth.json"));
        assertThat(file).contains("\"alice\"").contains("$2a$").doesNotContain(token).doesNotContain("correct horse");
        assertThat(Files.getPosixFilePermissions(home.resolve("auth.json"))).hasSize(2); // rw-------
        try (OmniProcess list = OmniProcess.start(home, Map.of(), "auth", "list")) {
            list.awaitExit(Duration.ofSeconds(60));
            assertThat(list.output()).contains("user  alice").contains("token ci  acts as alice");
        }

        // with authentication configured, 0.0.0.0 is allowed; a 1 MiB upload limit (relaxed binding of omni.upload.max-size)
        try (OmniProcess server = OmniProcess.start(home, Map.of("OMNI_UPLOAD_MAXSIZE", "1MB"), "serve", "--bind", "0.0.0.0", "--port", "0")) {
            String url = server.awaitServing(Duration.ofSeconds(90)).replace("localhost", "127.0.0.1");
            assertThat(get(url + "/api/health", null).statusCode()).isEqualTo(200);
            assertThat(get(url + "/api/traces", null).statusCode()).isEqualTo(401);
            String basic = "Basic " + Base64.getEncoder().encodeToString("alice:correct horse battery".getBytes(StandardCharsets.UTF_8));
            assertThat(get(url + "/api/traces", basic).statusCode()).isEqualTo(200);
            assertThat(get(url + "/api/traces", "Bearer " + token).statusCode()).isEqualTo(200);

            Path trace = TestTraces.recorded("counter");
            OmniProcess.Result noCredentials = run(Map.of(), "upload", trace.toString(), "--server", url);
            assertThat(noCredentials.status()).isEqualTo(1);
            assertThat(noCredentials.output()).contains("omni: the server needs credentials: set OMNI_TOKEN");
            OmniProcess.Result badToken = run(Map.of("OMNI_TOKEN", "omni_wrong"), "upload", trace.toString(), "--server", url);
            assertThat(badToken.output()).contains("omni: the server refused the credentials");
            OmniProcess.Result tooLarge = run(Map.of("OMNI_TOKEN", token), "upload", trace.toString(), "--server", url, "--no-progress");
            assertThat(tooLarge.status()).isEqualTo(1);
            assertThat(tooLarge.output()).contains("omni: the server refused the trace as too large: the upload is larger than this server's limit of 1048576 bytes");
            Path notATrace = Files.writeString(home.resolve("notes.omnitrace"), "not a trace");
            OmniProcess.Result refused = run(Map.of("OMNI_USER", "alice", "OMNI_PASSWORD", "correct horse battery"),
                    "upload", notATrace.toString(), "--server", url);
            assertThat(refused.output()).contains("omni: the server refused the trace (422): the upload is not a packed trace");
            server.terminate();
            server.awaitExit(Duration.ofSeconds(30));
        }

        // nothing listens there any more
        OmniProcess.Result refusedConnection = run(Map.of(), "upload", TestTraces.recorded("counter").toString(), "--server", "http://127.0.0.1:9");
        assertThat(refusedConnection.status()).isEqualTo(1);
        assertThat(refusedConnection.output()).contains("omni: cannot reach the server at http://127.0.0.1:9 (connection refused)");
    }

    /**
     * A server killed (SIGKILL) while a job runs leaves the trace 'indexing'; the next start runs the
     * job again and it completes. The upload is a trace directory, packed by omni upload.
     */
    @Test
    void aJobInterruptedByAKilledServerRunsAgainAfterARestart() throws Exception {
        Path trace = TestTraces.recorded("loop100m"); // about 100 million instructions: a replay of several seconds
        String id;
        try (OmniProcess server = OmniProcess.start(home, Map.of(), "serve", "--port", "0")) {
            String url = server.awaitServing(Duration.ofSeconds(90));
            OmniProcess.Result upload = run(Map.of(), "upload", trace.toString(), "--server", url);
            assertThat(upload.status()).as(upload.output()).isZero();
            String printed = upload.output().lines().filter(l -> l.startsWith(url + "/t/")).findFirst().orElseThrow();
            id = printed.substring((url + "/t/").length());
            assertThat(home.resolve("tmp")).isEmptyDirectory(); // the temporary packed file is gone
            awaitStatus(url, id, "indexing", Duration.ofSeconds(60));
            server.close(); // SIGKILL, mid-job
            server.awaitExit(Duration.ofSeconds(30));
        }
        try (OmniProcess server = OmniProcess.start(home, Map.of(), "serve", "--port", "0")) {
            String url = server.awaitServing(Duration.ofSeconds(90));
            // the job runs again from the start: the replay (about 20 s here) and the load into PostgreSQL (about 40 s), on a shared machine
            JsonNode doc = awaitFinished(url, id, Duration.ofMinutes(10));
            assertThat(doc.get("status").asString()).as(doc.toString()).isEqualTo("indexed");
            assertThat(doc.get("attempts").asInt()).isEqualTo(2);
            assertThat(doc.get("progress").asInt()).isEqualTo(100);
            // the interrupted load left nothing in the way: the index of the second attempt answers
            assertThat(doc.get("index").get("complete").asBoolean()).isTrue();
            assertThat(doc.get("index").get("rows").get("mem_writes").asLong()).isGreaterThan(11_000_000L);
            HttpResponse<String> history = get(url + "/api/traces/" + id + "/memory/history?symbol=sink&limit=2", null);
            assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
            assertThat(Trace.json().readTree(history.body()).get("entries").size()).isEqualTo(2);
            server.terminate();
            server.awaitExit(Duration.ofSeconds(30));
        }
        assertThat(home.resolve("server/uploads")).isEmptyDirectory();
        assertThat(home.resolve("server/traces/" + id + "/work")).doesNotExist();
    }

    private OmniProcess.Result run(Map<String, String> env, String... args) throws Exception {
        try (OmniProcess omni = OmniProcess.start(home, env, args)) {
            int status = omni.awaitExit(Duration.ofMinutes(3));
            return new OmniProcess.Result(status, omni.output());
        }
    }

    private HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) b.header("Authorization", authorization);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void awaitStatus(String url, String id, String status, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode doc = Trace.json().readTree(get(url + "/api/traces/" + id, null).body());
            if (doc.get("status").asString().equals(status)) return;
            if (System.nanoTime() > end) throw new AssertionError("trace never " + status + ": " + doc);
            Thread.sleep(50);
        }
    }

    private JsonNode awaitFinished(String url, String id, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode doc = Trace.json().readTree(get(url + "/api/traces/" + id, null).body());
            String s = doc.get("status").asString();
            if (s.equals("indexed") || s.equals("failed")) return doc;
            if (System.nanoTime() > end) throw new AssertionError("trace not finished: " + doc);
            Thread.sleep(500);
        }
    }
}
