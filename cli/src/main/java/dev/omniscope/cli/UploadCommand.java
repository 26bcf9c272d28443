package dev.omniscope.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Callable;

import dev.omniscope.common.OmniHome;
import dev.omniscope.common.UserError;
import dev.omniscope.server.api.Ids;
import dev.omniscope.trace.PackedTrace;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceFormatException;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

@Command(name = "upload",
        mixinStandardHelpOptions = true,
        description = {
            "Upload a trace to an Omniscope server and print its URL. A trace directory is packed first.",
            "Credentials: OMNI_TOKEN (an API token, sent as Bearer), or OMNI_USER and OMNI_PASSWORD (HTTP Basic)."
        })
final class UploadCommand implements Callable<Integer> {
    @Parameters(paramLabel = "TRACE", description = "a trace directory (omni record) or packed trace (omni pack)")
    Path trace;

    @Option(names = "--server", paramLabel = "URL", defaultValue = "${env:OMNI_SERVER:-http://127.0.0.1:8080}",
            description = "the server (default: $OMNI_SERVER, else ${DEFAULT-VALUE})")
    String server;

    @Option(names = "--no-progress", description = "no progress bar")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        String base = server.replaceAll("/+$", "");
        System.out.println(base + "/t/" + upload(base, trace, !noProgress));
        return 0;
    }

    /** Packs {@code trace} if it is a directory, uploads it to the server at {@code base}, and answers its id. */
    static String upload(String base, Path trace, boolean progress) throws IOException, InterruptedException {
        UploadCommand command = new UploadCommand();
        command.server = base;
        command.trace = trace;
        command.noProgress = !progress;
        return command.send();
    }

    private String send() throws IOException, InterruptedException {
        String base = server.replaceAll("/+$", "");
        URI endpoint;
        try {
            endpoint = URI.create(base + "/api/traces");
            if (endpoint.getScheme() == null || !endpoint.getScheme().matches("https?") || endpoint.getHost() == null) throw new IllegalArgumentException();
        } catch (IllegalArgumentException e) {
            throw new UserError("--server " + server + " is not an http:// or https:// URL", 2);
        }
        if (!Files.exists(trace)) throw new UserError("no trace at " + trace);
        Path packed = trace;
        Path temporary = null;
        try {
            if (Files.isDirectory(trace)) {
                temporary = OmniHome.dir("tmp").resolve("upload-" + Ids.random(8) + ".omnitrace");
                System.err.println("packing " + trace + " ...");
                try (Trace t = Trace.open(trace)) {
                    PackedTrace.write(t.storage(), temporary);
                } catch (TraceFormatException e) {
                    throw new UserError(e.getMessage());
                }
                packed = temporary;
            }
            return send(base, endpoint, packed);
        } finally {
            if (temporary != null) Files.deleteIfExists(temporary);
        }
    }

    private String send(String base, URI endpoint, Path file) throws IOException, InterruptedException {
        long size = Files.size(file);
        String boundary = "omni-" + Ids.random(18);
        byte[] head = ("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"" + file.getFileName().toString().replaceAll("[\"\\\\\r\n]", "_") + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        ProgressBar[] bar = new ProgressBar[1];
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofByteArray(head),
                HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> open(file, size, bar)), size),
                HttpRequest.BodyPublishers.ofByteArray(tail));
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Accept", "application/json")
                .POST(body);
        String token = System.getenv("OMNI_TOKEN");
        String user = System.getenv("OMNI_USER");
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token.trim());
        } else if (user != null && !user.isBlank()) {
            String password = System.getenv("OMNI_PASSWORD");
            if (password == null) throw new UserError("OMNI_USER is set but OMNI_PASSWORD is not");
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new UserError("cannot reach the server at " + base + " (" + describe(e) + "); is omni serve running there? (--server URL)");
        } catch (IOException e) {
            throw new UserError("the upload to " + base + " failed: " + describe(e));
        } finally {
            if (bar[0] != null) bar[0].close();
        }
        JsonNode json = parse(response.body());
        int status = response.statusCode();
        String detail = json != null && json.hasNonNull("detail") ? json.get("detail").asString() : response.body();
        if (status == 202 || status == 201 || status == 200) {
            String id = json == null || !json.hasNonNull("id") ? null : json.get("id").asString();
            if (id == null) throw new UserError("the server at " + base + " answered without a trace id: " + response.body());
            return id;
        }
        if (status == 401) {
            boolean sent = request.build().headers().firstValue("Authorization").isPresent();
            throw new UserError(sent ? "the server refused the credentials (OMNI_TOKEN, or OMNI_USER and OMNI_PASSWORD): " + detail
                    : "the server needs credentials: set OMNI_TOKEN to an API token, or OMNI_USER and OMNI_PASSWORD");
        }
        if (status == 413) throw new UserError("the server refused the trace as too large: " + detail);
        if (status == 404 && json == null) throw new UserError(base + " does not look like an Omniscope server (404 for /api/traces)");
        throw new UserError("the server refused the trace (" + status + "): " + detail);
    }

    private InputStream open(Path file, long size, ProgressBar[] bar) {
        try {
            InputStream in = Files.newInputStream(file);
            if (noProgress) return in;
            ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName("uploading").setInitialMax(size)
                    .setUnit(" MiB", 1 << 20).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate();
            ProgressBar b = builder.build();
            bar[0] = b;
            return new java.io.FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    int c = super.read();
                    if (c >= 0) b.step();
                    return c;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = super.read(buf, off, len);
                    if (n > 0) b.stepBy(n);
                    return n;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : Trace.json().readTree(body);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) return "connection refused";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
