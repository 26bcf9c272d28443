package dev.omniscope.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import dev.omniscope.common.OmniHome;
import dev.omniscope.common.UserError;
import dev.omniscope.recorder.cli.RecordCommand;
import dev.omniscope.server.OmniServer;
import dev.omniscope.server.ServerSettings;
import dev.omniscope.server.traces.TraceDirectories;
import dev.omniscope.trace.Trace;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;

/**
 * The whole path a user takes, on the bundled sample program with a bug (native/testprogs/demo_bug.c:
 * a strcpy one byte too long overwrites the account balance): record it, start the server, upload
 * the recording, wait for its index, and print the link to the moment the balance is corrupted.
 * The uploaded trace is remembered under $OMNI_HOME/demo, so a second run only starts the server.
 * Once the server has started, its log goes to $OMNI_HOME/demo/server.log ({@link DemoLog}), so
 * that it does not break the progress bars' lines.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = "Try Omniscope: records a sample program with a bug, serves the UI with the embedded database, "
            + "uploads the recording and prints a link to the moment the bug strikes.")
final class DemoCommand implements Callable<Integer> {
    static final String PROGRAM = "native/build/tests/demo_bug";
    static final String VARIABLE = "balance";

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "TCP port (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--fresh", description = "record and upload the sample again even if an earlier demo's trace is there")
    boolean fresh;

    @Option(names = "--no-serve", description = "stop after printing the link (for scripts and tests)")
    boolean noServe;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Override
    public Integer call() throws Exception {
        Path program = TestCommand.sourceTree("demo").resolve(PROGRAM);
        if (!Files.isExecutable(program)) {
            throw new UserError("the sample program " + program + " is missing: build it with ./omni (or mvn package)");
        }
        OmniServer.Running server = OmniServer.start(new ServerSettings("127.0.0.1", port));
        Path log = OmniHome.dir("demo").resolve("server.log");
        boolean logged = DemoLog.toFile(log);
        boolean serving = false;
        try {
            String base = server.url().replaceAll("/+$", "");
            String id = demoTrace(base, program);
            String link = base + "/t/" + id + "/step/" + corruptingStep(base, id) + "?symbol=" + VARIABLE;
            System.out.println();
            System.out.println("  Omniscope demo: a ledger program whose end-of-day audit fails. Where did the money go?");
            System.out.println("  Open this link: it shows the moment `" + VARIABLE + "` is overwritten, with its whole history:");
            System.out.println();
            System.out.println("    " + link);
            System.out.println();
            System.out.println("  (" + server.databaseDescription() + (logged ? "; the server's log: " + log : "")
                    + (noServe ? ")" : "; Ctrl-C stops the server)"));
            System.out.println();
            System.out.flush();
            if (!noServe) {
                serving = true;
                server.awaitShutdown();
            }
        } finally {
            if (!serving) server.stop(); // --no-serve, or the demo failed: nothing is left running
        }
        return 0;
    }

    /** The id of the demo's indexed trace on this server: the earlier demo's, or a new recording's. */
    private String demoTrace(String base, Path program) throws IOException, InterruptedException {
        Path dir = OmniHome.dir("demo");
        Path remembered = dir.resolve("trace-id");
        if (!fresh && Files.isRegularFile(remembered)) {
            String id = Files.readString(remembered).trim();
            JsonNode trace = get(base, "/api/traces/" + id);
            if (trace != null && "indexed".equals(trace.path("status").asString())) return id;
        }
        Path recording = dir.resolve("trace");
        TraceDirectories.deleteRecursively(recording);
        System.err.println("omni demo: recording " + program.getFileName() + " ...");
        int recorded = new CommandLine(new RecordCommand()).execute("-o", recording.toString(), "--", program.toString());
        if (!Files.isRegularFile(recording.resolve(Trace.HEADER))) {
            throw new UserError("recording the sample program failed (exit " + recorded + ")");
        }
        String id = UploadCommand.upload(base, recording, true);
        waitIndexed(base, id);
        Files.writeString(remembered, id + "\n");
        return id;
    }

    private void waitIndexed(String base, String id) throws IOException, InterruptedException {
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("indexing").setInitialMax(100).setUnit("%", 1)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).build()) {
            while (true) {
                JsonNode trace = get(base, "/api/traces/" + id);
                if (trace == null) throw new UserError("the uploaded trace " + id + " disappeared from the server");
                String status = trace.path("status").asString();
                bar.stepTo(trace.path("progress").asLong(0));
                if ("indexed".equals(status)) return;
                if ("failed".equals(status)) {
                    throw new UserError("indexing the sample failed: " + trace.path("failureReason").asString("(no reason given)"));
                }
                Thread.sleep(200);
            }
        }
    }

    /**
     * The step of the stray write: the first write to the variable by code without source in the
     * program (the C library's strcpy), else the last write. The program's own writes carry
     * demo_bug.c as their file.
     */
    private long corruptingStep(String base, String id) throws IOException, InterruptedException {
        JsonNode history = get(base, "/api/traces/" + id + "/memory/history?limit=1000&symbol="
                + URLEncoder.encode(VARIABLE, StandardCharsets.UTF_8));
        if (history == null || history.path("entries").isEmpty()) {
            throw new UserError("the sample's trace has no writes to " + VARIABLE);
        }
        JsonNode last = null;
        for (JsonNode entry : history.path("entries")) {
            if (!entry.path("file").asString("").endsWith("demo_bug.c")) return entry.path("step").asLong();
            last = entry;
        }
        return last.path("step").asLong();
    }

    /** GET a JSON document from the demo's own server; null for 404. */
    private JsonNode get(String base, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) return null;
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Trace.json().readTree(response.body());
    }
}
