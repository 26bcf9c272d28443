package dev.omniscope.indexer;

import static dev.omniscope.recorder.testing.Omni.testProgram;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.omniscope.indexer.testing.Indexed;
import dev.omniscope.recorder.testing.Omni;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The query commands as users run them: answers, documents, and clear errors for bad input. */
class QueryCliTest {
    @TempDir
    static Path work;
    static Path trace;

    @BeforeAll
    static void record() throws Exception {
        trace = work.resolve("calls");
        Indexed.recordAndIndex(trace, List.of(testProgram("calls").toString()));
    }

    @Test
    void historyJsonHasTheDocumentedFields() throws Exception {
        Omni.Run run = Indexed.omni("512m", "history", trace.toString(), "--symbol", "depth_max", "--json");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode writes = JsonMapper.builder().build().readTree(run.stdout());
        assertThat(writes.size()).isEqualTo(5);
        JsonNode first = writes.get(0);
        for (String field : List.of("step", "pid", "tid", "rip", "function", "file", "line", "addr", "size", "old", "new", "after")) {
            assertThat(first.has(field)).as(field).isTrue();
        }
        assertThat(first.get("function").asString()).startsWith("fact");
        assertThat(first.get("file").asString()).endsWith("/calls.c");
        assertThat(first.get("after").asString()).isEqualTo("01000000");
        assertThat(first.get("rip").asString()).startsWith("0x");
        // --from/--to narrow to steps, inclusive
        long third = writes.get(2).get("step").asLong();
        Omni.Run narrowed = Indexed.omni("512m", "history", trace.toString(), "--symbol", "depth_max", "--json",
                "--from", Long.toString(third), "--to", Long.toString(third));
        assertThat(JsonMapper.builder().build().readTree(narrowed.stdout()).size()).isEqualTo(1);
    }

    @Test
    void atShowsTheMomentOfAWrite() throws Exception {
        Omni.Run history = Indexed.omni("512m", "history", trace.toString(), "--symbol", "jumps", "--json");
        long step = JsonMapper.builder().build().readTree(history.stdout()).get(0).get("step").asLong();
        Omni.Run at = Indexed.omni("512m", "at", trace.toString(), "--step", Long.toString(step));
        assertThat(at.exitCode()).as(at.stderr()).isZero();
        assertThat(at.stdout()).contains("running", "calls.c:71", "=> ", "rsp", "call stack", "main");
    }

    @Test
    void callsListsArgumentsAndReturnValues() throws Exception {
        Omni.Run run = Indexed.omni("512m", "calls", trace.toString(), "--function", "add", "--json");
        JsonNode calls = JsonMapper.builder().build().readTree(run.stdout());
        assertThat(calls.size()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            JsonNode c = calls.get(i);
            assertThat(c.get("args").get(0).asString()).isEqualTo("0x" + Integer.toHexString(i + 1));
            assertThat(c.get("args").get(1).asString()).isEqualTo("0x" + Integer.toHexString(2 * (i + 1)));
            assertThat(c.get("returnValue").asString()).isEqualTo("0x" + Integer.toHexString(3 * (i + 1)));
        }
        Omni.Run nested = Indexed.omni("512m", "calls", trace.toString(), "--function", "nest3", "--json");
        assertThat(JsonMapper.builder().build().readTree(nested.stdout()).get(0).get("unwound").asBoolean()).isTrue();
    }

    @Test
    void badInputIsAClearErrorNotAStackTrace() throws Exception {
        assertError(Indexed.omni("512m", "history", trace.toString(), "--addr", "0xzz", "--len", "4"), 2, "not a hexadecimal address: 0xzz");
        assertError(Indexed.omni("512m", "history", trace.toString(), "--addr", "0x1000", "--len", "0"), 2, "--len must be between 1 and 4096");
        assertError(Indexed.omni("512m", "history", trace.toString(), "--symbol", "no_such_variable"), 1, "no variable or data symbol named 'no_such_variable'");
        assertError(Indexed.omni("512m", "history", trace.toString(), "--symbol", "depth", "--from", "9", "--to", "3"), 2, "--from 9 is after --to 3");
        assertError(Indexed.omni("512m", "at", trace.toString(), "--step", "999999999999"), 2, "is outside the trace");
        assertError(Indexed.omni("512m", "at", trace.toString(), "--step", "-1"), 2, "is outside the trace");
        Path unindexed = work.resolve("unindexed");
        Omni.record(unindexed, List.of(testProgram("hello_static").toString()));
        assertError(Indexed.omni("512m", "history", unindexed.toString(), "--symbol", "x"), 1, "no index at");
    }

    private static void assertError(Omni.Run run, int exit, String message) {
        assertThat(run.exitCode()).isEqualTo(exit);
        assertThat(run.stderr()).startsWith("omni: ").contains(message).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
