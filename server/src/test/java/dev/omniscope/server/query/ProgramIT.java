package dev.omniscope.server.query;

import static dev.omniscope.recorder.testing.Omni.testProgram;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;

import dev.omniscope.indexer.testing.Gdb;
import dev.omniscope.server.OmniServer;
import tools.jackson.databind.JsonNode;

/**
 * The recorded run as a whole over the API (issue 14): the program's output
 * ({@code /output}, paged) and processes ({@code /processes}), the traces' new fields
 * ({@code arguments}, {@code exitStatus}, {@code processCount}, {@code instructions}) and the moment
 * a trace opens at ({@code index.opening}, held to gdb's {@code break main} and to a crash's
 * faulting instruction), and moves that do not fail ({@code lenient=true}).
 */
@SpringBootTest(classes = OmniServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT120S")
class ProgramIT extends QueryApiSupport {
    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static String current(JsonNode at) {
        for (JsonNode i : at.path("disassembly")) if (i.path("current").asBoolean()) return i.path("text").asString();
        throw new AssertionError("no current instruction: " + at);
    }

    /** Every chunk of a trace's output, following the cursors with pages of {@code limit}. */
    private List<JsonNode> output(String id, int limit, String more) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = get("/api/traces/" + id + "/output?limit=" + limit + more + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.get("chunks").size()).isLessThanOrEqualTo(limit);
            all.addAll(list(page.get("chunks")));
            cursor = page.get("next").isNull() ? null : page.get("next").asString();
            assertThat(all.size()).isLessThan(100);
        } while (cursor != null);
        return all;
    }

    @Test
    void theOutputIsEveryWriteToAnInheritedDescriptorWithItsStepProcessAndBuffers() throws Exception {
        String id = trace("fork_exec_wait");
        List<JsonNode> processes = list(get("/api/traces/" + id + "/processes").get("processes"));
        assertThat(processes).hasSize(3);
        int parent = processes.get(0).get("pid").asInt(), echo = processes.get(1).get("pid").asInt();

        List<JsonNode> chunks = output(id, 200, "");
        assertThat(output(id, 1, "")).isEqualTo(chunks);
        assertThat(output(id, 2, "")).isEqualTo(chunks);
        assertThat(chunks).extracting(c -> c.get("pid").asInt() + ":" + c.get("text").asString())
                .containsExactly(echo + ":child says hi\n", parent + ":first child exit status: 0\n",
                        parent + ":second child exit status: 7\nparent done\n");
        long previous = -1;
        for (JsonNode c : chunks) {
            assertThat(c.size()).isEqualTo(7);
            long step = c.get("step").asLong();
            assertThat(step).isGreaterThan(previous);
            previous = step;
            assertThat(c.get("stream").asString()).isEqualTo("stdout");
            assertThat(c.get("fd").asInt()).isEqualTo(1);
            // the write's system call instruction, in the writing thread
            JsonNode at = get("/api/traces/" + id + "/steps/" + step + "?tid=" + c.get("tid").asInt());
            assertThat(current(at)).isEqualTo("syscall");
            assertThat(at.get("running").asBoolean()).isTrue();
            assertThat(at.get("pid").asInt()).isEqualTo(c.get("pid").asInt());
            // the buffers hold the text in the writer's memory then
            StringBuilder bytes = new StringBuilder();
            for (JsonNode b : c.get("buffers")) {
                bytes.append(get("/api/traces/" + id + "/memory?addr=" + b.get("addr").asString() + "&len=" + b.get("len").asInt()
                        + "&step=" + step + "&pid=" + c.get("pid").asInt()).get("bytes").asString());
            }
            assertThat(bytes.toString()).isEqualTo(HexFormat.of().formatHex(c.get("text").asString().getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(output(id, 200, "&pid=" + echo)).containsExactly(chunks.get(0));
        assertThat(output(id, 200, "&pid=" + processes.get(2).get("pid").asInt())).isEmpty();

        // mistakes
        String o = "/api/traces/" + id + "/output";
        for (String bad : new String[] {"?limit=0", "?limit=1001", "?limit=x", "?cursor=abc", "?pid=0", "?pid=x", "?pid=1"}) {
            String detail = problem(o + bad, 400);
            if (bad.equals("?pid=1")) {
                assertThat(detail).startsWith("pid 1 is not a process of this trace (its processes: [").contains(parent + "").contains(echo + "");
            }
        }
        String syscallCursor = get("/api/traces/" + id + "/syscalls?limit=1").get("next").asString();
        assertThat(problem(o + "?cursor=" + syscallCursor, 400)).contains("cursor");
        problem("/api/traces/AAAAAAAAAAAAAAAAAAAAAA/output", 404);
        problem("/api/traces/AAAAAAAAAAAAAAAAAAAAAA/processes", 404);
        String queued = "QueuedQueuedQueuedOutp";
        try (Connection c = DB.connect()) {
            c.createStatement().execute("insert into traces (id, owner, status) values ('" + queued + "', 'local', 'queued')");
        }
        problem("/api/traces/" + queued + "/output", 409);
        problem("/api/traces/" + queued + "/processes", 409);
        web().delete().uri("/api/traces/" + queued).exchange().expectStatus().isNoContent();
    }

    @Test
    void stderrIsItsOwnStreamAndEachProcessWritesItsOwnLines() throws Exception {
        String id = trace("fork_global");
        List<JsonNode> processes = list(get("/api/traces/" + id + "/processes").get("processes"));
        int parent = processes.get(0).get("pid").asInt(), child = processes.get(1).get("pid").asInt();
        assertThat(processes.get(1).get("parent").asInt()).isEqualTo(parent);
        assertThat(output(id, 200, "")).extracting(c -> c.get("pid").asInt() + " " + c.get("stream").asString() + " " + c.get("text").asString())
                .containsExactly(child + " stdout child: shared_value = 42\n", parent + " stdout parent: shared_value = 1\n",
                        parent + " stderr parent: child exited with status 0\n");
    }

    @Test
    void theListAndTheTraceSayItsArgumentsExitProcessesAndSteps() throws Exception {
        String id = trace("fork_exec_wait");
        JsonNode detail = get("/api/traces/" + id);
        assertThat(list(detail.get("arguments"))).extracting(JsonNode::asString).containsExactly(testProgram("fork_exec_wait").toString());
        assertThat(detail.get("exitStatus").asString()).isEqualTo("exited with status 0");
        assertThat(detail.get("processCount").asInt()).isEqualTo(3);
        long instructions = detail.get("index").get("instructions").asLong();
        assertThat(detail.get("instructions").asLong()).isEqualTo(instructions).isPositive();
        JsonNode brief = null;
        String cursor = null;
        do {
            JsonNode page = get("/api/traces?limit=200" + (cursor == null ? "" : "&cursor=" + cursor));
            for (JsonNode t : page.get("traces")) if (t.get("id").asString().equals(id)) brief = t;
            cursor = page.get("next").isNull() ? null : page.get("next").asString();
        } while (cursor != null && brief == null);
        assertThat(brief).isNotNull();
        for (String field : new String[] {"arguments", "exitStatus", "processCount", "instructions"}) {
            assertThat(brief.get(field)).as(field).isEqualTo(detail.get(field));
        }
        // the opening: main's first line in the first process
        JsonNode opening = detail.get("index").get("opening");
        assertThat(opening.get("reason").asString()).isEqualTo("main");
        assertThat(opening.get("pid").asInt()).isEqualTo(get("/api/traces/" + id + "/processes").get("processes").get(0).get("pid").asInt());

        // not indexed yet: the summary's fields, no instructions
        String queued = "QueuedQueuedQueuedList";
        try (Connection c = DB.connect()) {
            c.createStatement().execute("insert into traces (id, owner, status, summary) values ('" + queued + "', 'local', 'queued', "
                    + "'{\"command\": [\"./x\", \"-v\"], \"exitStatus\": 139, \"processes\": [{}, {}]}')");
        }
        JsonNode q = get("/api/traces/" + queued);
        assertThat(q.get("arguments").toString()).isEqualTo("[\"./x\",\"-v\"]");
        assertThat(q.get("exitStatus").asString()).isEqualTo("killed by SIGSEGV");
        assertThat(q.get("processCount").asInt()).isEqualTo(2);
        assertThat(q.get("instructions").isNull()).isTrue();
        assertThat(q.has("index")).isFalse();
        web().delete().uri("/api/traces/" + queued).exchange().expectStatus().isNoContent();
    }

    @Test
    void aTraceOpensAtMainsFirstLineWhereGdbsBreakMainStops() throws Exception {
        String id = trace("demo_bug");
        String gdb = Gdb.session(testProgram("demo_bug"), "main", "info line *$pc", 1);
        Matcher m = Pattern.compile("Line (\\d+) of \"([^\"]+)\" starts at address (0x[0-9a-f]+) <main\\+\\d+>").matcher(gdb);
        assertThat(m.find()).as(gdb).isTrue();
        JsonNode opening = get("/api/traces/" + id).get("index").get("opening");
        assertThat(opening.get("reason").asString()).isEqualTo("main");
        assertThat(opening.get("function").asString()).isEqualTo("main");
        assertThat(opening.get("line").asInt()).isEqualTo(Integer.parseInt(m.group(1)));
        assertThat(opening.get("file").asString()).endsWith("/demo_bug.c").endsWith(m.group(2).substring(m.group(2).lastIndexOf('/')));
        long step = opening.get("step").asLong();
        JsonNode at = get("/api/traces/" + id + "/steps/" + step);
        assertThat(Long.decode(at.get("rip").asString())).isEqualTo(Long.decode(m.group(3)));
        assertThat(at.get("tid").asInt()).isEqualTo(opening.get("tid").asInt());
        assertThat(at.get("pid").asInt()).isEqualTo(opening.get("pid").asInt());
        assertThat(at.get("line").asInt()).isEqualTo(opening.get("line").asInt());
        // the first time: main's first execution of that address
        assertThat(get("/api/traces/" + id + "/executions?function=main&limit=1").get("executions").get(0).get("step").asLong()).isEqualTo(step);
    }

    @Test
    void aCrashedTraceOpensAtTheFaultingInstruction() throws Exception {
        String id = trace("crash_segv");
        JsonNode detail = get("/api/traces/" + id);
        assertThat(detail.get("exitStatus").asString()).isEqualTo("killed by SIGSEGV");
        assertThat(detail.get("processCount").asInt()).isEqualTo(1);
        JsonNode opening = detail.get("index").get("opening");
        assertThat(opening.get("reason").asString()).isEqualTo("crash");
        assertThat(opening.get("function").asString()).isEqualTo("store_through");
        assertThat(opening.get("file").asString()).endsWith("/crash_segv.c");
        assertThat(opening.get("line").asInt()).isEqualTo(18);
        long step = opening.get("step").asLong();
        assertThat(step).isEqualTo(detail.get("index").get("instructions").asLong() - 1); // the program's last moment
        JsonNode at = get("/api/traces/" + id + "/steps/" + step);
        assertThat(current(at)).isEqualTo("mov dword ptr [rax], edx");
        assertThat(at.get("registers").get("rax").asString()).isEqualTo("0x0");
        assertThat(at.get("tid").asInt()).isEqualTo(opening.get("tid").asInt());
        JsonNode process = get("/api/traces/" + id + "/processes").get("processes").get(0);
        assertThat(process.get("exit").asString()).isEqualTo("killed by SIGSEGV");
        assertThat(process.get("signal").asString()).isEqualTo("SIGSEGV");
        assertThat(process.get("end").asLong()).isEqualTo(step);
        assertThat(output(id, 200, "")).extracting(c -> c.get("text").asString()).containsExactly("about to store through a null pointer\n");
        // next-instruction from the fault: nothing more, said without failing
        JsonNode none = get("/api/traces/" + id + "/steps/" + step + "/move?to=next-instruction&lenient=true");
        assertThat(none.get("step").isNull()).isTrue();
        assertThat(none.get("reason").asString()).contains("no instruction after step " + step);
    }

    @Test
    void theOpenApiDocumentDescribesOutputProcessesAndLenientMoves() {
        web().get().uri("/api/docs/openapi.json").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.paths['/api/traces/{id}/output'].get.responses['400']").exists()
                .jsonPath("$.paths['/api/traces/{id}/output'].get.responses['409']").exists()
                .jsonPath("$.paths['/api/traces/{id}/output'].get.parameters[?(@.name == 'pid')]").exists()
                .jsonPath("$.paths['/api/traces/{id}/processes'].get.responses['404']").exists()
                .jsonPath("$.paths['/api/traces/{id}/steps/{step}/move'].get.parameters[?(@.name == 'lenient')]").exists();
    }

    @Test
    void lenientMovesAnswerWithoutAStepAndTheReason() throws Exception {
        String id = trace("calls");
        String t = "/api/traces/" + id + "/steps/";
        JsonNode first = get(t + "0");
        for (String to : new String[] {"prev-instruction", "out", "call-start", "prev-line"}) {
            String reason = problem(t + "0/move?to=" + to, 404);
            JsonNode m = get(t + "0/move?to=" + to + "&lenient=true");
            assertThat(m.size()).isEqualTo(5);
            assertThat(m.get("step").isNull()).isTrue();
            assertThat(m.get("to").asString()).isEqualTo(to);
            assertThat(m.get("tid").asInt()).isEqualTo(first.get("tid").asInt());
            assertThat(m.get("pid").asInt()).isEqualTo(first.get("pid").asInt());
            assertThat(m.get("reason").asString()).isEqualTo(reason);
        }
        // a move that exists answers as without lenient
        assertThat(get(t + "0/move?to=next-instruction&lenient=true")).isEqualTo(get(t + "0/move?to=next-instruction"));
        assertThat(get(t + "0/move?to=next-instruction&lenient=true").size()).isEqualTo(4);
        problem(t + "0/move?to=out&lenient=false", 404);
        problem(t + "0/move?to=out&lenient=yes", 400);
        // mistakes stay mistakes
        problem(t + "0/move?to=sideways&lenient=true", 400);
        problem(t + "99999999999/move?to=out&lenient=true", 400);
    }
}
