package dev.omniscope.server.query;

import static dev.omniscope.recorder.testing.Omni.testProgram;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;

import dev.omniscope.indexer.testing.Gdb;
import dev.omniscope.server.OmniServer;
import dev.omniscope.trace.Trace;
import tools.jackson.databind.JsonNode;

/**
 * Moves through time ({@code GET /api/traces/{id}/steps/{step}/move}) on real recordings, with gdb
 * stepping the same program natively as the oracle: repeated next-line visits the lines repeated
 * {@code next} does, step-in those of {@code step}, out lands where {@code finish} does; prev-line
 * walks next-line's moments back. And the reverse order of the memory history.
 */
@SpringBootTest(classes = OmniServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT120S")
class MoveIT extends QueryApiSupport {
    /** The moment a move goes to: {step, pid, tid, to}. */
    private JsonNode move(String id, long step, String to) {
        JsonNode m = get("/api/traces/" + id + "/steps/" + step + "/move?to=" + to);
        assertThat(m.get("to").asString()).isEqualTo(to);
        assertThat(m.size()).isEqualTo(4);
        return m;
    }

    /** The status of a move, and its moment's step (or -1). */
    private long tryMove(String id, long step, String to) {
        var result = web().get().uri("/api/traces/" + id + "/steps/" + step + "/move?to=" + to).exchange()
                .expectBody(String.class).returnResult();
        if (result.getStatus().value() == 404) return -1;
        assertThat(result.getStatus().value()).as(result.getResponseBody()).isEqualTo(200);
        return Trace.json().readTree(result.getResponseBody()).get("step").asLong();
    }

    private JsonNode at(String id, long step) {
        return get("/api/traces/" + id + "/steps/" + step);
    }

    private static Path calls() {
        return testProgram("calls");
    }

    /** The first call of a function: its document of /calls. */
    private JsonNode firstCall(String id, String function) {
        return get("/api/traces/" + id + "/calls?function=" + function + "&limit=1").get("calls").get(0);
    }

    /** main's first instruction: the step after its call. */
    private long mainEntry(String id) {
        JsonNode main = firstCall(id, "main");
        long entry = move(id, main.get("callStep").asLong(), "next-instruction").get("step").asLong();
        assertThat(at(id, entry).get("function").asString()).isEqualTo("main");
        return entry;
    }

    /** Repeats a move from {@code step} until there is no moment or {@code max} moves: the steps visited. */
    private List<Long> repeat(String id, long step, String to, int max) {
        List<Long> steps = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            long next = tryMove(id, step, to);
            if (next < 0) break;
            steps.add(next);
            step = next;
        }
        return steps;
    }

    private List<Integer> lines(String id, List<Long> steps) {
        List<Integer> lines = new ArrayList<>();
        for (long s : steps) {
            JsonNode l = at(id, s);
            assertThat(l.get("file").asString()).as("step %d", s).endsWith("calls.c");
            lines.add(l.get("line").asInt());
        }
        return lines;
    }

    @Test
    void nextLineVisitsTheLinesGdbNextDoesAndPrevLineWalksThemBack() throws Exception {
        String id = trace("calls");
        String transcript = Gdb.session(calls(), "main", "next", 40);
        List<Integer> gdb = Gdb.lines(transcript);
        assertThat(gdb).as("gdb's next from main").hasSizeGreaterThan(10);

        // from main's entry, the first next-line is where gdb's breakpoint on main stops (after the prologue)
        long entry = mainEntry(id);
        List<Long> moves = repeat(id, entry, "next-line", 200);
        List<Long> steps = moves.subList(0, moves.size() - 1);
        assertThat(lines(id, steps)).isEqualTo(gdb);
        // next-line at main's last line goes on into libc, which has no source lines, right after main's return, where gdb's
        // next stops too ("0x... in ?? () from libc.so.6")
        long returned = moves.get(moves.size() - 1);
        JsonNode main = firstCall(id, "main");
        assertThat(returned).isEqualTo(main.get("returnStep").asLong() + 1);
        JsonNode there = at(id, returned);
        assertThat(there.get("function").asString()).doesNotStartWith("main");
        assertThat(there.get("file").asString("")).doesNotEndWith("calls.c"); // libc's lines, if any, are not a carried source
        Matcher stop = Pattern.compile("(?m)^(0x[0-9a-f]+) in ").matcher(transcript);
        assertThat(stop.find()).as("gdb's next out of main").isTrue();
        assertThat(Long.decode(there.get("rip").asString())).isEqualTo(Long.decode(stop.group(1)));
        // from there no further line: the call that made it never returns
        String why = problem("/api/traces/" + id + "/steps/" + returned + "/move?to=next-line", 404);
        assertThat(why).contains("thread").contains("no further source line");

        // prev-line is the inverse, moment for moment
        for (int i = steps.size() - 1; i > 0; i--) {
            assertThat(move(id, steps.get(i), "prev-line").get("step").asLong()).as("prev-line from %d", steps.get(i)).isEqualTo(steps.get(i - 1));
        }
        // from the first body line, back to main's first line (its opening brace)
        long opening = move(id, steps.get(0), "prev-line").get("step").asLong();
        assertThat(opening).isEqualTo(entry);
    }

    @Test
    void stepInVisitsTheLinesGdbStepDoes() throws Exception {
        String id = trace("calls");
        // gdb steps into add, sum6, fact (recursively), jumper, nest1..3; over printf (no source lines); it loses the
        // thread at nest3's longjmp (the program runs to its end), so the comparison stops there
        List<Integer> gdb = Gdb.lines(Gdb.session(calls(), "main", "step", 120));
        assertThat(gdb).as("gdb's step from main").contains(29, 34, 39, 45, 66, 60, 54, 49);
        List<Long> steps = repeat(id, mainEntry(id), "step-in", gdb.size());
        assertThat(lines(id, steps)).isEqualTo(gdb);
        assertThat(at(id, steps.get(2)).get("function").asString()).isEqualTo("add+0xa");
    }

    @Test
    void outLandsWhereGdbFinishDoes() throws Exception {
        String id = trace("calls");
        Pattern returned = Pattern.compile("(?m)^(0x[0-9a-f]+) in main \\(\\) at \\S+:(\\d+)");
        for (String function : new String[] {"add", "fact", "sum6"}) {
            Matcher m = returned.matcher(Gdb.session(calls(), function, "finish", 1));
            assertThat(m.find()).as("gdb's finish out of %s", function).isTrue();
            JsonNode call = firstCall(id, function);
            long entry = move(id, call.get("callStep").asLong(), "next-instruction").get("step").asLong();
            // from anywhere in the call (its entry, or the moment gdb's breakpoint stops)
            for (long from : new long[] {entry, move(id, entry, "next-line").get("step").asLong()}) {
                JsonNode out = move(id, from, "out");
                assertThat(out.get("step").asLong()).isEqualTo(call.get("returnStep").asLong() + 1);
                JsonNode l = at(id, out.get("step").asLong());
                assertThat(Long.decode(l.get("rip").asString())).as("out of %s", function).isEqualTo(Long.decode(m.group(1)));
                assertThat(l.get("line").asInt()).isEqualTo(Integer.parseInt(m.group(2)));
                assertThat(l.get("function").asString()).startsWith("main+");
            }
        }
    }

    @Test
    void instructionsAndCallStarts() throws Exception {
        String id = trace("calls");
        JsonNode add = firstCall(id, "add");
        long call = add.get("callStep").asLong();
        long entry = move(id, call, "next-instruction").get("step").asLong();
        assertThat(entry).isEqualTo(call + 1); // one thread: its steps are the trace's
        JsonNode m = move(id, entry, "prev-instruction");
        assertThat(m.get("step").asLong()).isEqualTo(call);
        assertThat(m.get("tid").asInt()).isEqualTo(add.get("tid").asInt());
        assertThat(m.get("pid").asInt()).isEqualTo(add.get("pid").asInt());
        assertThat(at(id, call).get("disassembly").toString()).contains("call");

        // call-start: from inside add, add's entry; from add's entry, main's; the ret is still inside add
        long inside = move(id, entry, "next-line").get("step").asLong();
        assertThat(move(id, inside, "call-start").get("step").asLong()).isEqualTo(entry);
        assertThat(move(id, add.get("returnStep").asLong(), "call-start").get("step").asLong()).isEqualTo(entry);
        long main = mainEntry(id);
        assertThat(move(id, entry, "call-start").get("step").asLong()).isEqualTo(main);
        assertThat(move(id, main, "call-start").get("step").asLong()).isLessThan(main);

        // no such moment: 404 with the reason
        long last = get("/api/traces/" + id).get("index").get("instructions").asLong() - 1;
        assertThat(problem("/api/traces/" + id + "/steps/0/move?to=prev-instruction", 404)).contains("no instruction before step 0");
        assertThat(problem("/api/traces/" + id + "/steps/" + last + "/move?to=next-instruction", 404)).contains("no instruction after step " + last);
        assertThat(problem("/api/traces/" + id + "/steps/0/move?to=out", 404)).contains("in no call");
        assertThat(problem("/api/traces/" + id + "/steps/0/move?to=call-start", 404)).contains("in no call");
        assertThat(problem("/api/traces/" + id + "/steps/0/move?to=prev-line", 404)).contains("thread");
        // a call that never returns: nest3 longjmps
        JsonNode nest3 = firstCall(id, "nest3");
        assertThat(nest3.get("unwound").asBoolean()).isTrue();
    }

    @Test
    void anotherThreadMovesFromWhereItResumes() throws Exception {
        String id = trace("threads_mutex");
        JsonNode timeline = get("/api/traces/" + id + "/timeline?buckets=16");
        // a bucket where two threads ran: a step of one, and the other's next step after it
        for (JsonNode b : timeline.get("buckets")) {
            if (b.get("tasks").size() < 2) continue;
            long step = b.get("from").asLong() + 1;
            int running = at(id, step).get("tid").asInt();
            for (JsonNode task : b.get("tasks")) {
                int tid = task.get("tid").asInt();
                if (tid == running) continue;
                JsonNode next = get("/api/traces/" + id + "/steps/" + step + "/move?to=next-instruction&tid=" + tid);
                assertThat(next.get("tid").asInt()).isEqualTo(tid);
                assertThat(next.get("step").asLong()).isGreaterThan(step);
                JsonNode there = at(id, next.get("step").asLong());
                assertThat(there.get("tid").asInt()).isEqualTo(tid);
                assertThat(there.get("running").asBoolean()).isTrue();
                // and its previous instruction is before the step (nothing of it ran in between), or it has none
                long back = tryMove(id, next.get("step").asLong(), "prev-instruction");
                assertThat(back).isLessThan(step);
                long prev = tryMove(id, step, "prev-instruction&tid=" + tid);
                assertThat(prev).isEqualTo(back);
                if (back >= 0) return;
            }
        }
        throw new AssertionError("no bucket of threads_mutex where two threads ran: " + timeline);
    }

    @Test
    void mistakesAre400sAndNoIndexIs409() throws Exception {
        String id = trace("calls");
        String t = "/api/traces/" + id + "/steps/";
        for (String path : new String[] {"5/move", "5/move?to=", "5/move?to=sideways", "5/move?to=next-line&tid=abc",
            "5/move?to=next-line&tid=0", "5/move?to=next-line&tid=12345678", "-1/move?to=out", "x/move?to=out",
            "99999999999/move?to=next-line"}) {
            String detail = problem(t + path, 400);
            if (path.contains("to=sideways")) assertThat(detail).contains("next-line").contains("call-start");
        }
        problem("/api/traces/AAAAAAAAAAAAAAAAAAAAAA/steps/5/move?to=out", 404);
        String queued = "QueuedQueuedQueuedMove";
        try (Connection c = DB.connect()) {
            c.createStatement().execute("insert into traces (id, owner, status) values ('" + queued + "', 'local', 'queued')");
        }
        problem("/api/traces/" + queued + "/steps/5/move?to=out", 409);
        web().delete().uri("/api/traces/" + queued).exchange().expectStatus().isNoContent();
    }

    @Test
    void theHistoryReversedIsTheHistory() throws Exception {
        String id = trace("calls");
        String h = "/api/traces/" + id + "/memory/history?symbol=depth";
        List<JsonNode> forward = new ArrayList<>();
        get(h).get("entries").forEach(forward::add);
        assertThat(forward).hasSize(10);
        // pages of 3, latest first, following the cursors
        List<JsonNode> backward = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = get(h + "&order=desc&limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("entries").forEach(backward::add);
            cursor = page.get("next").isNull() ? null : page.get("next").asString();
        } while (cursor != null);
        List<JsonNode> reversed = new ArrayList<>(forward);
        java.util.Collections.reverse(reversed);
        assertThat(backward).isEqualTo(reversed);
        // the previous write before a step
        long s = forward.get(4).get("step").asLong();
        JsonNode previous = get(h + "&to=" + (s - 1) + "&order=desc&limit=1").get("entries").get(0);
        assertThat(previous).isEqualTo(forward.get(3));
        assertThat(get(h + "&order=asc&limit=1").get("entries").get(0)).isEqualTo(forward.get(0));
        // a cursor belongs to its order
        String ascending = get(h + "&limit=1").get("next").asString();
        problem(h + "&order=desc&cursor=" + ascending, 400);
        problem(h + "&order=sideways", 400);
    }

    @Test
    void theOpenApiDocumentDescribesMoves() {
        web().get().uri("/api/docs/openapi.json").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.paths['/api/traces/{id}/steps/{step}/move'].get.responses['404']").exists()
                .jsonPath("$.paths['/api/traces/{id}/steps/{step}/move'].get.responses['400']").exists()
                .jsonPath("$.paths['/api/traces/{id}/steps/{step}/move'].get.parameters[?(@.name == 'to')]").exists()
                .jsonPath("$.paths['/api/traces/{id}/memory/history'].get.parameters[?(@.name == 'order')]").exists();
    }
}
