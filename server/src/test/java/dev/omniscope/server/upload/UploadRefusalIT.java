package dev.omniscope.server.upload;

import static dev.omniscope.testsupport.ServerTestSupport.count;
import static dev.omniscope.testsupport.ServerTestSupport.files;
import static dev.omniscope.testsupport.ServerTestSupport.upload;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;

import com.github.luben.zstd.Zstd;

import dev.omniscope.testing.Tar;
import dev.omniscope.server.OmniServer;
import dev.omniscope.testsupport.ServerTestSupport;
import dev.omniscope.testsupport.TestPostgres;
import dev.omniscope.testsupport.TestTraces;

/**
 * Every kind of refused upload answers 4xx with a problem saying why, and leaves nothing behind:
 * no file in the data directory, no row. Small limits: 1 MiB uploads, 16 MiB expanded.
 */
@SpringBootTest(classes = OmniServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"omni.upload.max-size=1MB", "omni.upload.max-expanded-size=16MB"})
@AutoConfigureWebTestClient(timeout = "PT60S")
class UploadRefusalIT {
    static final TestPostgres.Database DB = TestPostgres.freshDatabase();
    static final Path DATA;
    static final Path WORK;

    static {
        try {
            DATA = ServerTestSupport.dataDirectory();
            WORK = Files.createTempDirectory("omni-refusals");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ServerTestSupport.serverProperties(registry, DB, DATA, "no-auth.json");
    }

    @Autowired
    WebTestClient web;

    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    /**
     * A client whose connections are never reused: a 413 comes with Connection: close (a large body is
     * refused before it is read), and a closed connection must not be handed to the next test's request.
     */
    private WebTestClient unpooled() {
        var http = reactor.netty.http.client.HttpClient.create(reactor.netty.resources.ConnectionProvider.newConnection());
        return WebTestClient.bindToServer(new org.springframework.http.client.reactive.ReactorClientHttpConnector(http))
                .baseUrl("http://127.0.0.1:" + port).responseTimeout(java.time.Duration.ofSeconds(60)).build();
    }

    private List<String> before;

    @BeforeEach
    void snapshot() throws Exception {
        before = files(DATA);
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        assertThat(files(DATA)).as("files in the data directory").isEqualTo(before);
        assertThat(files(DATA.resolve("uploads"))).isEmpty();
        assertThat(count(DB, "select count(*) from traces")).isZero();
    }

    private String header() throws Exception {
        return Files.readString(TestTraces.recorded("counter").resolve("trace.json"));
    }

    private void refused(Path file, int status, String type, String detail) {
        upload(status == 413 ? unpooled() : web, file, h -> { }).expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(status)
                .jsonPath("$.type").isEqualTo("https://omniscope.dev/problems/" + type)
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains(detail).doesNotContain(DATA.toString()));
    }

    @Test
    void notATrace() throws Exception {
        refused(Files.writeString(WORK.resolve("notes.txt"), "hello, not a trace\n".repeat(100)), 422, "not-a-trace", "is not a packed trace");
        refused(Tar.write(WORK.resolve("nohdr.tar"), "events", '0', "x"), 422, "not-a-trace", "no trace.json");
        refused(Tar.write(WORK.resolve("foreign.tar"), "trace.json", '0', "{\"format\":\"other\",\"version\":1}", "events", '0', "x"),
                422, "not-a-trace", "is not an Omniscope trace");
        refused(Files.write(WORK.resolve("empty.bin"), new byte[0]), 422, "not-a-trace", "too short");
    }

    @Test
    void aTruncatedFile() throws Exception {
        byte[] whole = Files.readAllBytes(Tar.write(WORK.resolve("ok.tar"), "trace.json", '0', header(), "events", '0', "x".repeat(5000)));
        refused(Files.write(WORK.resolve("cut.tar"), Arrays.copyOf(whole, 2000)), 422, "truncated", "is truncated");
    }

    @Test
    void unsafeEntries() throws Exception {
        String h = header();
        refused(Tar.write(WORK.resolve("abs.tar"), "trace.json", '0', h, "/etc/passwd", '0', "x"), 422, "unsafe-entry", "'/etc/passwd' is not allowed");
        refused(Tar.write(WORK.resolve("dots.tar"), "trace.json", '0', h, "blobs/../../evil", '0', "x"), 422, "unsafe-entry", "is not allowed");
        refused(Tar.write(WORK.resolve("link.tar"), "trace.json", '0', h, "events", '2', ""), 422, "unsafe-entry", "is a symbolic link");
        refused(Tar.write(WORK.resolve("hard.tar"), "trace.json", '0', h, "events", '1', ""), 422, "unsafe-entry", "is a hard link");
        refused(Tar.write(WORK.resolve("dev.tar"), "trace.json", '0', h, "events", '3', ""), 422, "unsafe-entry", "is a device");
        refused(Tar.write(WORK.resolve("fifo.tar"), "trace.json", '0', h, "events", '6', ""), 422, "unsafe-entry", "is a FIFO");
    }

    @Test
    void largerThanTheLimit() throws Exception {
        // the real trace (about 6 MiB) against a 1 MiB limit: refused from Content-Length, or while streaming
        refused(TestTraces.packed("counter"), 413, "too-large", "larger than this server's limit of 1048576 bytes");
    }

    @Test
    void aHugeDeclaredLengthIsRefusedBeforeAnyOfTheBody() throws Exception {
        // beyond what the server reads before refusing: answered from the headers alone
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /api/traces HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: " + (3L << 30)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 413");
        }
    }

    @Test
    void largerThanTheLimitWithoutContentLength() throws Exception {
        // chunked: the running count stops it
        byte[] big = new byte[3 << 20];
        reactor.core.publisher.Flux<org.springframework.core.io.buffer.DataBuffer> body = reactor.core.publisher.Flux.range(0, 3).map(i -> org.springframework.core.io.buffer.DefaultDataBufferFactory.sharedInstance
                .wrap(Arrays.copyOfRange(big, i << 20, (i + 1) << 20)));
        MultipartBodyBuilder parts = new MultipartBodyBuilder();
        parts.asyncPart("file", body, org.springframework.core.io.buffer.DataBuffer.class).filename("big.omnitrace");
        unpooled().post().uri("/api/traces").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(parts.build())).exchange()
                .expectStatus().isEqualTo(413);
    }

    @Test
    void aDecompressionBomb() throws Exception {
        byte[] zeros = new byte[64 << 20];
        byte[] frame = Zstd.compress(zeros, 19);
        assertThat(frame.length).isLessThan(1 << 16);
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(zeros));
        byte[] events = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .put("OMNIEVTS".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(0).array();
        Path bomb = Tar.write(WORK.resolve("bomb.omnitrace"), "trace.json", '0', header(), "events", '0', events,
                "blobs/" + hash.substring(0, 2) + "/" + hash.substring(2), '0', frame);
        refused(bomb, 422, "decompression-bomb", "expand past");
    }

    @Test
    void aDamagedBlob() throws Exception {
        byte[] content = "some memory".getBytes(StandardCharsets.US_ASCII);
        String wrongHash = "ab".repeat(32);
        byte[] events = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .put("OMNIEVTS".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(0).array();
        Path damaged = Tar.write(WORK.resolve("damaged.omnitrace"), "trace.json", '0', header(), "events", '0', events,
                "blobs/" + wrongHash.substring(0, 2) + "/" + wrongHash.substring(2), '0', Zstd.compress(content));
        refused(damaged, 422, "damaged", "does not match its hash");
    }

    @Test
    void noFilePart() {
        MultipartBodyBuilder parts = new MultipartBodyBuilder();
        parts.part("note", "no file here");
        web.post().uri("/api/traces").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(parts.build())).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo("https://omniscope.dev/problems/missing-file")
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("no part named 'file'"));
        // refused from its Content-Type, before the body is read: the server may close the connection after answering
        unpooled().post().uri("/api/traces").contentType(MediaType.APPLICATION_OCTET_STREAM).bodyValue(new byte[10]).exchange()
                .expectStatus().isEqualTo(415);
    }

    @Test
    void twoFileParts() throws Exception {
        Path file = Files.writeString(WORK.resolve("a.txt"), "x");
        MultipartBodyBuilder parts = new MultipartBodyBuilder();
        parts.part("file", new org.springframework.core.io.FileSystemResource(file));
        parts.part("file", new org.springframework.core.io.FileSystemResource(file));
        web.post().uri("/api/traces").contentType(MediaType.MULTIPART_FORM_DATA)
                .body(BodyInserters.fromMultipartData(parts.build())).exchange()
                .expectStatus().isBadRequest();
    }

    @Test
    void theExpansionBudget() {
        UploadProperties defaults = new UploadProperties(null, null, null);
        assertThat(defaults.maxSize().toBytes()).isEqualTo(2L << 30);
        assertThat(defaults.expansionBudget(1 << 20)).isEqualTo(1000L << 20);           // by ratio
        assertThat(defaults.expansionBudget(2L << 30)).isEqualTo(32L << 30);            // by the absolute bound
        assertThat(defaults.expansionBudget(Long.MAX_VALUE / 2)).isEqualTo(32L << 30);  // no overflow
    }
}
