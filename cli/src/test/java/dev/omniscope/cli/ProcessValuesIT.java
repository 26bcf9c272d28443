package dev.omniscope.cli;

import static dev.omniscope.cli.Recordings.json;
import static dev.omniscope.cli.Recordings.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Processes as processes on the command line: fork_global's child sets its copy of shared_value
 * to 42 while the parent, waiting in wait4, keeps 1. Asked at the same moment for each thread,
 * {@code omni print --tid} and {@code omni at --tid} answer that thread's own process.
 */
class ProcessValuesIT {
    @TempDir
    static Path home;

    private static Path recorded(String program) throws Exception {
        return Recordings.recordAndIndex(home, program, 0, List.of("--", Recordings.tests().resolve(program).toString()));
    }

    @Test
    void eachThreadReadsItsOwnProcess() throws Exception {
        Path trace = recorded("fork_global");
        JsonNode writes = json("history", trace.toString(), "--symbol", "shared_value", "--json");
        assertThat(writes).hasSize(1);
        int child = writes.get(0).path("pid").asInt();
        String after = Long.toString(writes.get(0).path("step").asLong() + 1);
        int parent = json("at", trace.toString(), "--step", "0", "--json").path("pid").asInt();
        assertThat(parent).isNotEqualTo(child);

        JsonNode parentValue = json("print", trace.toString(), "--step", after, "--tid", Integer.toString(parent), "shared_value", "--json");
        JsonNode childValue = json("print", trace.toString(), "--step", after, "--tid", Integer.toString(child), "shared_value", "--json");
        assertThat(parentValue.path("value").asString()).isEqualTo("1");
        assertThat(childValue.path("value").asString()).isEqualTo("42");
        assertThat(parentValue.path("address").asString()).isEqualTo(childValue.path("address").asString());

        JsonNode parentAt = json("at", trace.toString(), "--step", after, "--tid", Integer.toString(parent), "--json");
        assertThat(parentAt.path("pid").asInt()).isEqualTo(parent);
        assertThat(parentAt.path("running").asBoolean()).as("the parent waits in wait4").isFalse();
        JsonNode childAt = json("at", trace.toString(), "--step", after, "--tid", Integer.toString(child), "--json");
        assertThat(childAt.path("pid").asInt()).isEqualTo(child);
        // the frames the child inherited from before the fork are named with libc's symbols, as the parent's are
        String stack = text("at", trace.toString(), "--step", after, "--tid", Integer.toString(child));
        assertThat(stack).contains("from __libc_start_call_main+").doesNotContainPattern("main +called at step [0-9,]+ from 0x");
    }

    /** fork_exec_wait's first child execs /bin/echo: echo's stack holds echo's frames, not the execl that replaced the program. */
    @Test
    void anExecdProgramsStackStartsAfresh() throws Exception {
        Path trace = recorded("fork_exec_wait");
        int root = json("at", trace.toString(), "--step", "0", "--json").path("pid").asInt();
        JsonNode echoWrite = null;
        for (JsonNode c : json("calls", trace.toString(), "--function", "write", "--json")) { // echo's one write comes first
            if (c.path("tid").asInt() != root && echoWrite == null) echoWrite = c;
        }
        assertThat(echoWrite).as("echo's write").isNotNull();
        String tid = Integer.toString(echoWrite.path("tid").asInt());
        JsonNode at = json("at", trace.toString(), "--step", Long.toString(echoWrite.path("callStep").asLong() + 1), "--tid", tid, "--json");
        List<String> functions = new java.util.ArrayList<>();
        at.path("stack").forEach(f -> functions.add(f.path("function").asString("")));
        assertThat(functions).contains("__libc_start_main", "write").doesNotContain("execl", "main");
        // inside execl, before its execve, the child's stack was the parent's program's: main, then execl
        JsonNode execl = json("calls", trace.toString(), "--function", "execl", "--json").get(0);
        assertThat(execl.path("tid").asString()).isEqualTo(tid);
        List<String> before = new java.util.ArrayList<>();
        json("at", trace.toString(), "--step", Long.toString(execl.path("callStep").asLong() + 1), "--tid", tid, "--json").path("stack")
                .forEach(f -> before.add(f.path("function").asString("")));
        assertThat(before).contains("main", "execl");
    }
}
