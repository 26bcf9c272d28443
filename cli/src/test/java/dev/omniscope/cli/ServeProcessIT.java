package dev.omniscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.omniscope.testsupport.OmniProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** {@code omni serve} as users run it: the built jar in its own process. */
class ServeProcessIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path home;

    @Test
    void servesWithEmbeddedPostgresAndLeavesNothingRunningAfterSigterm() throws Exception {
        try (OmniProcess omni = OmniProcess.start(home, Map.of(), "serve", "--port", "0")) {
            String url = omni.awaitServing(Duration.ofSeconds(60));
            assertThat(url).startsWith("http://127.0.0.1:");

            HttpResponse<String> health = get(url + "/api/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"kind\":\"embedded\"");
            assertThat(get(url + "/").body()).contains("<div id=\"app\">");
            assertThat(get(url + "/t/abc/step/7").body()).contains("<div id=\"app\">");

            List<ProcessHandle> postgres = processesMentioning(home.toString());
            assertThat(postgres).as("the embedded PostgreSQL runs with its data in OMNI_HOME").isNotEmpty();

            omni.terminate();
            omni.awaitExit(Duration.ofSeconds(30));
            for (ProcessHandle p : postgres) p.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(processesMentioning(home.toString())).as("processes left behind").isEmpty();
        }
        assertThat(home.resolve("db/pg17/PG_VERSION")).hasContent("17");
    }

    @Test
    void usesTheExternalPostgresNamedByOmniDbUrl(@TempDir Path otherData) throws Exception {
        try (EmbeddedPostgres other = EmbeddedPostgres.builder().setDataDirectory(otherData).setCleanDataDirectory(true).start()) {
            String jdbc = "jdbc:postgresql://localhost:" + other.getPort() + "/postgres";
            Map<String, String> env = Map.of("OMNI_DB_URL", jdbc, "OMNI_DB_USER", "postgres", "OMNI_DB_PASSWORD", "");
            try (OmniProcess omni = OmniProcess.start(home, env, "serve", "--port", "0")) {
                String url = omni.awaitServing(Duration.ofSeconds(60));
                assertThat(get(url + "/api/health").body())
                        .contains("\"kind\":\"external\"")
                        .contains("\"url\":\"" + jdbc + "\"");
                // The migrations went into that database, and no embedded one was started.
                try (Connection c = other.getPostgresDatabase().getConnection();
                     ResultSet rs = c.createStatement().executeQuery("select max(version) from flyway_schema_history")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo(latestMigration());
                }
                assertThat(home.resolve("db")).doesNotExist();
                omni.terminate();
                omni.awaitExit(Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void anUnreachableExternalDatabaseIsAClearError() throws Exception {
        Map<String, String> env = Map.of("OMNI_DB_URL", "jdbc:postgresql://127.0.0.1:1/nothing", "OMNI_DB_USER", "x");
        try (OmniProcess omni = OmniProcess.start(home, env, "serve", "--port", "0")) {
            assertThat(omni.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
            assertThat(omni.output()).contains("omni: cannot connect to the database at jdbc:postgresql://127.0.0.1:1/nothing")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void aSecondServerOnTheSameHomeIsRefusedWithAReason() throws Exception {
        try (OmniProcess first = OmniProcess.start(home, Map.of(), "serve", "--port", "0")) {
            first.awaitServing(Duration.ofSeconds(60));
            try (OmniProcess second = OmniProcess.start(home, Map.of(), "serve", "--port", "0")) {
                assertThat(second.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
                assertThat(second.output()).contains("omni: another omni serve (pid " + first.pid() + ") is using the embedded database in");
            }
            first.terminate();
            first.awaitExit(Duration.ofSeconds(30));
        }
    }

    @Test
    void aPortInUseIsAClearError() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             OmniProcess omni = OmniProcess.start(home, Map.of(), "serve", "--port", Integer.toString(taken.getLocalPort()))) {
            assertThat(omni.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
            assertThat(omni.output()).contains("omni: port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
        }
        assertThat(processesMentioning(home.toString())).as("processes left behind").isEmpty();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Processes whose command line names the path (the embedded PostgreSQL's data directory). */
    private static List<ProcessHandle> processesMentioning(String path) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(path)).orElse(false)
                        || cmdline(p).contains(path))
                .toList();
    }

    private static String cmdline(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).replace('\0', ' ');
        } catch (Exception e) {
            return "";
        }
    }

    /** The highest version among the migrations (db/migrations/V*.sql and the server's Java ones, V*__*.java). */
    private static String latestMigration() throws java.io.IOException {
        Path root = Path.of(System.getProperty("omni.native.dir")).toAbsolutePath().getParent().getParent(); // native/build
        java.util.regex.Pattern version = java.util.regex.Pattern.compile("^V(\\d+)__.*\\.(sql|java)$");
        int latest = 0;
        for (Path dir : new Path[] {root.resolve("db/migrations"), root.resolve("server/src/main/java/dev/omniscope/server/index")}) {
            try (var files = java.nio.file.Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    var m = version.matcher(f.getFileName().toString());
                    if (m.matches()) latest = Math.max(latest, Integer.parseInt(m.group(1)));
                }
            }
        }
        assertThat(latest).as("migrations found").isPositive();
        return Integer.toString(latest);
    }
}
