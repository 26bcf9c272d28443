package dev.omniscope.server.query;

import static dev.omniscope.recorder.testing.Omni.testProgram;
import static dev.omniscope.testsupport.ServerTestSupport.uploaded;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;

import dev.omniscope.indexer.query.Cursors;
import dev.omniscope.indexer.testing.Gdb;
import dev.omniscope.server.OmniServer;
import dev.omniscope.recorder.testing.Omni;
import dev.omniscope.testsupport.TestTraces;
import dev.omniscope.trace.EventStreamReader;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * The query API against real traces recorded, uploaded and indexed by the real job, checked
 * against the oracles: gdb's hardware watchpoints for histories, the CLI's documents
 * ({@code omni history --json} on the same packed trace), and what the answers must hold
 * (pages, orders, counts, refusals). {@link QueryParityIT} compares every query with the Arrow
 * index's answers.
 */
@SpringBootTest(classes = OmniServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT120S")
class QueryIT extends QueryApiSupport {

    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    /** Every entry of a history, following the pages. */
    private List<JsonNode> historyPages(String id, String query, int limit) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = get("/api/traces/" + id + "/memory/history?" + query + "&limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("entries").forEach(all::add);
            assertThat(page.get("entries").size()).isLessThanOrEqualTo(limit);
            cursor = page.get("next").isNull() ? null : page.get("next").asString();
            if (cursor != null) assertThat(page.get("entries").size()).isEqualTo(limit);
            assertThat(++pages).isLessThan(100_000);
        } while (cursor != null);
        return all;
    }

    private static int rootPid(Path packed) throws Exception {
        try (Trace t = Trace.open(packed); EventStreamReader r = t.events()) {
            return ((TraceEvent.Exec) r.next()).pid();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"counter, counter", "threads_mutex, threads_done", "demo_bug, balance", "threads_mutex, shared_total"})
    void historyAgreesWithGdbWatchpoints(String program, String variable) throws Exception {
        List<String> expected = Gdb.watch(testProgram(program), variable);
        String id = trace(program);
        int root = rootPid(TestTraces.packed(program));
        List<JsonNode> entries = historyPages(id, "symbol=" + variable, 1000);
        assertThat(entries).isNotEmpty();
        JsonNode first = get("/api/traces/" + id + "/memory/history?symbol=" + variable + "&limit=1");
        long address = Long.decode(first.get("addr").asString());
        int size = first.get("len").asInt();
        List<String> actual = new ArrayList<>();
        String last = null;
        for (JsonNode e : entries) {
            if (e.get("pid").asInt() != root) continue; // gdb stays with the parent
            byte[] after = HexFormat.of().parseHex(e.get("after").asString());
            if (last == null) {
                byte[] before = after.clone();
                byte[] old = HexFormat.of().parseHex(e.get("old").asString());
                long from = Long.decode(e.get("addr").asString());
                for (int k = 0; k < old.length; k++) {
                    long at = from + k - address;
                    if (at >= 0 && at < size) before[(int) at] = old[k];
                }
                last = Gdb.format(before, false);
            }
            String value = Gdb.format(after, false); // a watchpoint reports changes only
            if (!value.equals(last)) actual.add(value);
            last = value;
        }
        assertThat(actual).isNotEmpty().isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1} limit {2} {3}")
    @CsvSource(delimiter = '|', value = {
        "counter | --symbol counter | 5 |",
        "counter | --symbol values | 7 |",             // an array: eight stores at eight addresses, merged
        "threads_mutex | --symbol shared_total | 333 |",
        "threads_mutex | --symbol threads_done | 1000 |",
        "demo_bug | --symbol balance | 2 |",
        "demo_bug | --symbol balance | 1000 | window",   // --from and --to: the second write to the one before last
        "fork_exec_wait | --symbol stage | 1 |",       // two processes
    })
    void historyIsTheCliDocumentEntryByEntry(String program, String selection, int limit, String steps) throws Exception {
        Path packed = TestTraces.packed(program);
        cliIndex(packed);
        if (steps != null) {
            List<JsonNode> all = historyPages(trace(program), "symbol=" + selection.trim().split(" ")[1], 1000);
            assertThat(all.size()).isGreaterThan(3);
            steps = "--from " + all.get(1).get("step").asLong() + " --to " + all.get(all.size() - 2).get("step").asLong();
        }
        List<String> args = new ArrayList<>(List.of("history", packed.toString()));
        args.addAll(List.of(selection.trim().split(" ")));
        if (steps != null) args.addAll(List.of(steps.trim().split(" ")));
        args.add("--json");
        Omni.Run cli = omni(args.toArray(new String[0]));
        assertThat(cli.exitCode()).as(cli.stderr()).isZero();
        String json = cli.stdout().substring(cli.stdout().indexOf('['));
        ArrayNode expected = (ArrayNode) Trace.json().readTree(json);

        StringBuilder query = new StringBuilder("symbol=" + selection.trim().split(" ")[1]);
        if (steps != null) {
            String[] s = steps.trim().split(" ");
            for (int i = 0; i < s.length; i += 2) query.append('&').append(s[i].substring(2)).append('=').append(s[i + 1]);
        }
        List<JsonNode> actual = historyPages(trace(program), query.toString(), limit);
        assertThat(actual).hasSize(expected.size());
        for (int i = 0; i < actual.size(); i++) assertThat(actual.get(i)).as("entry %d", i).isEqualTo(expected.get(i));
        assertThat(actual).isNotEmpty();
    }

    @Test
    void syscallsSymbolsSourcesAndTheTimeline() throws Exception {
        String id = trace("counter");
        JsonNode trace = get("/api/traces/" + id);
        long instructions = trace.get("index").get("instructions").asLong();
        long syscallRows = trace.get("index").get("rows").get("syscalls").asLong();
        assertThat(trace.get("index").get("complete").asBoolean()).isTrue();
        assertThat(trace.get("index").get("loadMillis").asLong()).isPositive();

        // system calls, in step order, over pages
        List<JsonNode> syscalls = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = get("/api/traces/" + id + "/syscalls?limit=4" + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("syscalls").forEach(syscalls::add);
            cursor = page.get("next").isNull() ? null : page.get("next").asString();
        } while (cursor != null);
        assertThat(syscalls).hasSize((int) syscallRows);
        for (int i = 1; i < syscalls.size(); i++) assertThat(syscalls.get(i).get("step").asLong()).isGreaterThan(syscalls.get(i - 1).get("step").asLong());
        assertThat(syscalls).anyMatch(s -> s.get("name").asString().equals("write") && s.get("result").asLong() > 0);
        assertThat(syscalls.get(syscalls.size() - 1).get("name").asString()).isEqualTo("exit_group");
        assertThat(syscalls.get(syscalls.size() - 1).get("result").isNull()).isTrue();
        long middle = syscalls.get(syscalls.size() / 2).get("step").asLong();
        JsonNode late = get("/api/traces/" + id + "/syscalls?from=" + middle + "&to=" + (instructions - 1));
        assertThat(late.get("syscalls").get(0).get("step").asLong()).isEqualTo(middle);

        // symbols by prefix: the program's own first
        JsonNode symbols = get("/api/traces/" + id + "/symbols?q=coun");
        assertThat(symbols.get("symbols").get(0).get("name").asString()).isEqualTo("counter");
        assertThat(symbols.get("symbols").get(0).get("kind").asString()).isEqualTo("variable");
        assertThat(symbols.get("symbols").get(0).get("size").asInt()).isEqualTo(8);
        assertThat(symbols.get("symbols").get(0).get("type").asString()).isEqualTo("long int");
        JsonNode bump = get("/api/traces/" + id + "/symbols?q=bump&limit=5");
        assertThat(bump.get("symbols").get(0).get("kind").asString()).isEqualTo("function");
        assertThat(bump.get("symbols").get(0).get("addr").asString()).startsWith("0x");
        assertThat(get("/api/traces/" + id + "/symbols?q=&limit=7").get("symbols").size()).isEqualTo(7);

        // a carried source file: its path URL-encoded, or appended
        String path = testProgram("counter").getParent().getParent().getParent().resolve("testprogs/counter.c").toString();
        String text = Files.readString(Path.of(path));
        for (String uri : new String[] {"/api/traces/" + id + "/sources/" + URLEncoder.encode(path, StandardCharsets.UTF_8),
            "/api/traces/" + id + "/sources" + path}) {
            String body = web().get().uri(java.net.URI.create("http://127.0.0.1:" + port + uri)).exchange().expectStatus().isOk()
                    .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_PLAIN)
                    .expectBody(String.class).returnResult().getResponseBody();
            assertThat(body).isEqualTo(text);
        }
        problem("/api/traces/" + id + "/sources/" + URLEncoder.encode("/etc/passwd", StandardCharsets.UTF_8), 404);
        problem("/api/traces/" + id + "/sources/nope.c", 404);

        // the timeline: buckets cover the steps, and count everything once
        JsonNode timeline = get("/api/traces/" + id + "/timeline?buckets=10");
        assertThat(timeline.get("instructions").asLong()).isEqualTo(instructions);
        JsonNode buckets = timeline.get("buckets");
        assertThat(buckets.size()).isEqualTo(10);
        assertThat(buckets.get(0).get("from").asLong()).isZero();
        assertThat(buckets.get(9).get("to").asLong()).isEqualTo(instructions);
        long counted = 0, ran = 0, calls = 0;
        for (int i = 0; i < buckets.size(); i++) {
            if (i > 0) assertThat(buckets.get(i).get("from").asLong()).isEqualTo(buckets.get(i - 1).get("to").asLong());
            counted += buckets.get(i).get("syscalls").asLong();
            calls += buckets.get(i).get("calls").asLong();
            for (JsonNode t : buckets.get(i).get("tasks")) ran += t.get("instructions").asLong();
        }
        assertThat(counted).isEqualTo(syscallRows);
        assertThat(calls).isEqualTo(trace.get("index").get("rows").get("calls").asLong());
        assertThat(ran).isBetween(instructions, instructions + instructions / 100);
        assertThat(get("/api/traces/" + id + "/timeline").get("buckets").size()).isEqualTo(100);
    }

    /**
     * Two processes with the same global (fork_global: the child sets shared_value to 42, the
     * parent's copy stays 1): while the parent waits in wait4 after the child's write, every read
     * asked for a thread answers its own process's value.
     */
    @Test
    void readsAnswerTheAskingThreadsOwnProcess() throws Exception {
        String t = "/api/traces/" + trace("fork_global");
        JsonNode writes = get(t + "/memory/history?symbol=shared_value").get("entries");
        assertThat(writes).hasSize(1);
        JsonNode write = writes.get(0);
        int child = write.get("pid").asInt();
        long after = write.get("step").asLong() + 1;
        int parent = -1;
        for (JsonNode p : get(t).get("summary").get("processes")) {
            if (p.get("pid").asInt() != child) parent = p.get("pid").asInt();
        }
        assertThat(parent).isPositive();
        String addr = write.get("addr").asString();
        JsonNode ofParent = get(t + "/memory?addr=" + addr + "&len=4&step=" + after + "&tid=" + parent);
        assertThat(ofParent.get("pid").asInt()).isEqualTo(parent);
        assertThat(ofParent.get("bytes").asString()).isEqualTo("01000000");
        JsonNode ofChild = get(t + "/memory?addr=" + addr + "&len=4&step=" + after + "&tid=" + child);
        assertThat(ofChild.get("pid").asInt()).isEqualTo(child);
        assertThat(ofChild.get("bytes").asString()).isEqualTo("2a000000");
        assertThat(get(t + "/steps/" + after + "/print?expr=shared_value&tid=" + parent).get("value").asString()).isEqualTo("1");
        assertThat(get(t + "/steps/" + after + "/print?expr=shared_value&tid=" + child).get("value").asString()).isEqualTo("42");
        assertThat(get(t + "/steps/" + after + "?tid=" + parent).get("pid").asInt()).isEqualTo(parent);
        assertThat(problem(t + "/memory?addr=" + addr + "&len=4&step=" + after + "&tid=" + child + "&pid=" + parent, 400))
                .isEqualTo("tid " + child + " is a thread of process " + child + " at step " + after + ", not of pid " + parent);
        // the child's stack names libc's frames, inherited from before the fork, as the parent's does
        JsonNode frames = get(t + "/steps/" + after + "?tid=" + child).get("stack");
        List<String> sites = new ArrayList<>();
        frames.forEach(f -> sites.add(f.get("callSiteFunction").isNull() ? f.get("callSite").asString() : f.get("callSiteFunction").asString()));
        assertThat(sites).anyMatch(s -> s.startsWith("__libc_start_call_main+"));
    }

    @Test
    void mistakesAre400sAndUnknownsAre404s() throws Exception {
        String id = trace("counter");
        String t = "/api/traces/" + id;
        String[] bad = {
            // history
            "/memory/history", "/memory/history?addr=0x10", "/memory/history?len=4", "/memory/history?symbol=counter&addr=0x10&len=1",
            "/memory/history?addr=zz&len=4", "/memory/history?addr=0x10&len=0", "/memory/history?addr=0x10&len=-3",
            "/memory/history?addr=0x10&len=4097", "/memory/history?addr=0x10&len=x", "/memory/history?addr=0x1ffffffffffffffff&len=1",
            "/memory/history?addr=-5&len=1", "/memory/history?addr=0x7ffffffffffffffe&len=8",
            "/memory/history?symbol=counter&pid=999999", "/memory/history?symbol=counter&pid=0",
            "/memory/history?symbol=counter&from=99999999999", "/memory/history?symbol=counter&from=-1",
            "/memory/history?symbol=counter&from=50&to=10", "/memory/history?symbol=counter&limit=0",
            "/memory/history?symbol=counter&limit=10001", "/memory/history?symbol=counter&cursor=bm9wZQ",
            "/memory/history?symbol=counter&cursor=!!", "/memory/history?symbol=counter&cursor=" + Cursors.encode(Cursors.CALLS, 1, 2),
            // memory
            "/memory?addr=0x1000&len=8", "/memory?addr=0x1000&step=1", "/memory?len=8&step=1", "/memory?addr=0x1000&len=65537&step=1",
            "/memory?addr=0x1000&len=8&step=99999999999", "/memory?addr=0x1000&len=8&step=1&pid=4", "/memory?addr=q&len=8&step=1",
            "/memory?addr=0x1000&len=8&step=1&tid=4", "/memory?addr=0x1000&len=8&step=1&tid=x",
            // registers and moments
            "/registers", "/registers?step=x", "/registers?step=99999999999", "/registers?step=5&tid=3", "/registers?step=-1",
            "/steps/x", "/steps/-4", "/steps/99999999999", "/steps/5?tid=abc", "/steps/5?tid=12345678",
            // calls, syscalls, symbols, timeline
            "/calls?function=bump&parent=3", "/calls?parent=3", "/calls?tid=0", "/calls?tid=77777", "/calls?limit=x",
            "/calls?function=", "/calls?cursor=" + Cursors.encode(Cursors.HISTORY, 1, 2),
            "/syscalls?from=9&to=3", "/syscalls?from=99999999999", "/syscalls?limit=0", "/syscalls?cursor=zz",
            "/symbols?limit=0", "/symbols?limit=1001", "/timeline?buckets=0", "/timeline?buckets=1025", "/timeline?buckets=two",
            // source-level values
            "/steps/x/frames", "/steps/99999999999/variables", "/steps/5/variables?frame=-1", "/steps/5/variables?frame=x",
            "/steps/5/print", "/steps/5/print?expr=", "/steps/5/children?expr=counter&limit=0", "/steps/5/children?expr=counter&offset=-1",
            "/executions", "/executions?line=counter.c", "/executions?line=counter.c:0", "/executions?line=counter.c:15&function=bump",
            "/executions?function=bump&limit=1001", "/executions?function=bump&from=99999999999",
            "/executions?function=bump&cursor=" + Cursors.encode(Cursors.CALLS, 1, 2),
            "/calls/signatures?steps=1", "/calls/signatures?tid=1", "/calls/signatures?tid=1&steps=x",
            "/memory/history?expr=counter", "/memory/history?expr=counter&step=5&symbol=counter",
        };
        for (String path : bad) {
            web().get().uri(t + path).exchange().expectStatus().isBadRequest()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("https://omniscope.dev/problems/bad-request")
                    .jsonPath("$.detail").isNotEmpty();
        }
        int tid = get(t + "/registers?step=1").get("tid").asInt();
        for (String path : new String[] {"/memory/history?symbol=no_such_variable", "/calls?parent=3&tid=" + tid,
            "/sources/nope.c", "/steps/5/frames?tid=777777", "/steps/5/variables?tid=777777", "/steps/5/variables?frame=500",
            "/steps/5/print?expr=1&frame=500", "/executions?line=nowhere.c:3", "/executions?function=no_such_function",
            "/calls/signatures?tid=" + tid + "&steps=3"}) {
            problem(t + path, 404);
        }
        // an expression that cannot be evaluated: a 400 naming where, in gdb's words
        long mid = get(t + "/executions?function=bump&limit=1").get("executions").get(0).get("step").asLong();
        web().get().uri(t + "/steps/" + mid + "/print?expr={e}", "counter + ").exchange().expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://omniscope.dev/problems/bad-expression")
                .jsonPath("$.position").isEqualTo(10)
                .jsonPath("$.detail").isEqualTo("A syntax error in expression, near `'.");
        web().get().uri(t + "/steps/" + mid + "/print?expr={e}", "no_such_name").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").isEqualTo("No symbol \"no_such_name\" in current context.").jsonPath("$.position").isEqualTo(0);
        for (String path : new String[] {"/memory/history?symbol=counter", "/steps/1", "/timeline"}) {
            problem("/api/traces/AAAAAAAAAAAAAAAAAAAAAA" + path, 404);
            problem("/api/traces/not-an-id" + path, 404);
        }
    }

    @Test
    void aTraceWithoutALoadedIndexIs409() throws Exception {
        String id = "QueuedQueuedQueuedQueu";
        try (Connection c = DB.connect()) {
            c.createStatement().execute("insert into traces (id, owner, status) values ('" + id + "', 'local', 'failed')");
            c.createStatement().execute("update traces set failure_reason = 'the trace cannot be read' where id = '" + id + "'");
        }
        for (String path : new String[] {"/memory/history?symbol=counter", "/memory?addr=0x10&len=1&step=0", "/registers?step=0",
            "/steps/0", "/calls", "/syscalls", "/symbols", "/sources/x.c", "/timeline"}) {
            web().get().uri("/api/traces/" + id + path).exchange().expectStatus().isEqualTo(409)
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody().jsonPath("$.type").isEqualTo("https://omniscope.dev/problems/not-indexed")
                    .jsonPath("$.detail").value(d -> assertThat((String) d).contains("the trace cannot be read"));
        }
        web().delete().uri("/api/traces/" + id).exchange().expectStatus().isNoContent();
    }

    @Test
    void theOpenApiDocumentDescribesTheQueries() {
        web().get().uri("/api/docs/openapi.json").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.paths['/api/traces/{id}/memory/history'].get.responses['409']").exists()
                .jsonPath("$.paths['/api/traces/{id}/memory/history'].get.responses['400']").exists()
                .jsonPath("$.paths['/api/traces/{id}/memory'].get").exists()
                .jsonPath("$.paths['/api/traces/{id}/registers'].get").exists()
                .jsonPath("$.paths['/api/traces/{id}/steps/{step}'].get").exists()
                .jsonPath("$.paths['/api/traces/{id}/calls'].get").exists()
                .jsonPath("$.paths['/api/traces/{id}/syscalls'].get").exists()
                .jsonPath("$.paths['/api/traces/{id}/symbols'].get").exists()
                .jsonPath("$.paths['/api/traces/{id}/timeline'].get").exists()
                .jsonPath("$.paths['/api/traces/{id}/steps/{step}/frames'].get").exists()
                .jsonPath("$.paths['/api/traces/{id}/steps/{step}/variables'].get.responses['404']").exists()
                .jsonPath("$.paths['/api/traces/{id}/steps/{step}/print'].get.responses['400']").exists()
                .jsonPath("$.paths['/api/traces/{id}/steps/{step}/children'].get").exists()
                .jsonPath("$.paths['/api/traces/{id}/executions'].get").exists()
                .jsonPath("$.paths['/api/traces/{id}/calls/signatures'].get").exists();
    }
}
