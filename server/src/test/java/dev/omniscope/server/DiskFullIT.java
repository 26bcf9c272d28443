package dev.omniscope.server;

import static dev.omniscope.testsupport.ServerTestSupport.awaitFinished;
import static dev.omniscope.testsupport.ServerTestSupport.files;
import static dev.omniscope.testsupport.ServerTestSupport.upload;
import static dev.omniscope.testsupport.ServerTestSupport.uploaded;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.omniscope.testsupport.ServerTestSupport;
import dev.omniscope.testsupport.TestPostgres;
import dev.omniscope.testsupport.TestTraces;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A server whose disk fills up: its data directory and its PostgreSQL's data directory (so its
 * temporary files too) on one small tmpfs. A trace indexed before the disk fills keeps answering
 * (opened for the first time while it is full: the scans of its small tables must not spill to
 * temporary files); an upload is a 507 problem document and leaves nothing behind; nothing is a
 * 500; once space is freed, uploads work again. Skipped where tmpfs cannot be mounted (not root).
 */
@ExtendWith(DiskFullIT.Unmount.class) // before SpringExtension: its afterAll runs after the context is closed
@SpringBootTest(classes = OmniServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT120S")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DiskFullIT {
    static final Consumer<HttpHeaders> NONE = h -> { };
    /**
     * Room for PostgreSQL (its data directory, WAL segments and temporary files), two small traces,
     * a job's work directory and the load of an index (192m was too tight for the second load).
     */
    static final String SIZE = "256m";
    static final Path MOUNT;
    static final boolean MOUNTED;
    static final EmbeddedPostgres POSTGRES;
    static final TestPostgres.Database DB;
    static final Path DATA;

    static {
        try {
            MOUNT = Files.createTempDirectory("omni-disk-full");
            MOUNTED = run("mount", "-t", "tmpfs", "-o", "size=" + SIZE, "tmpfs", MOUNT.toString());
            DATA = Files.createDirectories(MOUNT.resolve("server"));
            if (MOUNTED) {
                POSTGRES = EmbeddedPostgres.builder().setDataDirectory(MOUNT.resolve("pg")).setCleanDataDirectory(true)
                        .setServerConfig("shared_buffers", "32MB").setServerConfig("max_wal_size", "64MB")
                        .setServerConfig("min_wal_size", "32MB").start();
                DB = new TestPostgres.Database(POSTGRES.getJdbcUrl("postgres", "postgres").replaceAll("\\?.*", ""), "postgres", "");
            } else {
                POSTGRES = null;
                DB = TestPostgres.freshDatabase(); // the context starts; every test is skipped
            }
        } catch (IOException | InterruptedException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ServerTestSupport.serverProperties(registry, DB, DATA, "no-auth.json");
    }

    @BeforeAll
    static void mounted() {
        Assumptions.assumeTrue(MOUNTED, "cannot mount a tmpfs here (not root?)");
    }

    /** After the server's context is closed (DirtiesContext): stops PostgreSQL and unmounts. */
    static final class Unmount implements AfterAllCallback {
        @Override
        public void afterAll(ExtensionContext extension) throws Exception {
            if (!MOUNTED) return;
            POSTGRES.close();
            if (!run("umount", MOUNT.toString())) run("umount", "-l", MOUNT.toString());
            Files.deleteIfExists(MOUNT);
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        if (p.exitValue() != 0) System.err.println(String.join(" ", command) + ": " + out.trim());
        return p.exitValue() == 0;
    }

    @Autowired
    WebTestClient client;

    WebTestClient web() {
        return client.mutate().codecs(c -> c.defaultCodecs().maxInMemorySize(64 << 20)).build();
    }

    /** Writes a file until the file system is full; its size. */
    static long fill(Path file) throws IOException {
        byte[] chunk = new byte[1 << 20];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("No space left on device");
        }
        return written;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFullDiskRefusesUploadsWithAProblemAndIndexedTracesKeepAnswering() throws Exception {
        Path packed = TestTraces.packed("counter");
        String indexed = uploaded(web(), packed, NONE);
        Map<String, Object> doc = awaitFinished(web(), indexed, NONE, Duration.ofMinutes(3));
        assertThat(doc.get("status")).as("%s", doc.get("failureReason")).isEqualTo("indexed");
        List<String> before = files(DATA);

        new ProcessBuilder("df", "-h", MOUNT.toString()).inheritIO().start().waitFor(); // for the log: what the server uses
        Path filler = MOUNT.resolve("filler");
        long filled = fill(filler);
        System.out.printf("DiskFullIT: the tmpfs of %s is full after a filler of %d MiB%n", SIZE, filled >> 20);
        try {
            // an upload: 507, a problem document, and nothing half-written left
            String body = upload(web(), packed, NONE).expectStatus().isEqualTo(507)
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(body).contains("\"type\":\"https://omniscope.dev/problems/storage-full\"").contains("\"status\":507")
                    .doesNotContain(MOUNT.toString());
            assertThat(files(DATA.resolve("uploads"))).isEmpty();
            assertThat(files(DATA)).isEqualTo(before);

            // the indexed trace, opened for the first time now, answers
            String t = "/api/traces/" + indexed;
            for (String path : new String[] {"", "/memory/history?symbol=counter", "/registers?step=1000", "/steps/1000",
                "/memory?addr=0x1000&len=8&step=1", "/calls?limit=5", "/syscalls?limit=5", "/symbols?q=coun", "/timeline"}) {
                web().get().uri(t + path).exchange().expectStatus().value(s -> assertThat(s).as(path).isIn(200, 404));
            }
            web().get().uri(t + "/memory/history?symbol=counter").exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.entries.length()").value(n -> assertThat((Integer) n).isPositive());
            web().get().uri(t + "/registers?step=1000").exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.registers").exists();
            web().get().uri("/api/traces").exchange().expectStatus().isOk();
            web().get().uri("/api/health").exchange().expectStatus().isOk();
        } finally {
            Files.delete(filler);
        }

        // space again: uploads work
        String again = uploaded(web(), packed, NONE);
        Map<String, Object> after = awaitFinished(web(), again, NONE, Duration.ofMinutes(3));
        assertThat(after.get("status")).as("%s", after.get("failureReason")).isEqualTo("indexed");
    }
}
