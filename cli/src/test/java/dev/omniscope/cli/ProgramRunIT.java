package dev.omniscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * A recorded run as a whole (issue 14): what the program printed ({@code omni output}) and its
 * processes ({@code omni processes}), on real programs recorded and indexed by the real recorder
 * and indexer: forks, an exec, exit statuses, a crash, stdout and stderr, dup'ed descriptors and
 * a pipe between recorded processes (which is not output). Steps are checked against the moments
 * themselves ({@code omni at}): a write's step is its system call instruction, in its thread.
 */
class ProgramRunIT {
    @TempDir
    static Path home;

    private static Path tests() {
        return Recordings.tests();
    }

    private static String expected(String program) throws Exception {
        return Files.readString(Path.of(System.getProperty("omni.native.dir")).toAbsolutePath().resolveSibling("testprogs")
                .resolve("expected").resolve(program + ".stdout"));
    }

    @Test
    void forkExecWaitPrintsFromTheExecdChildAndTheParentAndItsProcessesAreATree() throws Exception {
        Path trace = recordAndIndex("fork_exec_wait", 0, tests().resolve("fork_exec_wait").toString());
        // without --json: what the terminal showed
        InProcess.Result text = InProcess.omni("output", trace.toString());
        assertThat(text.status()).as(text.err()).isZero();
        assertThat(text.out()).isEqualTo(expected("fork_exec_wait"));

        List<JsonNode> processes = list(json("processes", trace.toString(), "--json").path("processes"));
        assertThat(processes).hasSize(3);
        JsonNode parent = processes.get(0), echo = processes.get(1), second = processes.get(2);
        int pid = parent.path("pid").asInt();
        assertThat(parent.path("parent").isNull()).isTrue();
        assertThat(parent.path("forkStep").isNull()).isTrue();
        assertThat(parent.path("start").asLong()).isZero();
        assertThat(parent.path("exit").asString()).isEqualTo("exited with status 0");
        assertThat(parent.path("exitCode").asInt()).isZero();
        assertThat(parent.path("signal").isNull()).isTrue();
        assertThat(parent.path("programs")).hasSize(1);
        assertThat(parent.path("programs").get(0).path("path").asString()).isEqualTo(tests().resolve("fork_exec_wait").toString());
        assertThat(strings(parent.path("programs").get(0).path("argv"))).containsExactly(tests().resolve("fork_exec_wait").toString());
        assertThat(strings(parent.path("threads").findValues("tid"))).containsExactly(Integer.toString(pid));

        for (JsonNode child : List.of(echo, second)) {
            assertThat(child.path("parent").asInt()).isEqualTo(pid);
            assertThat(child.path("forkTid").asInt()).isEqualTo(pid);
            assertThat(child.path("pid").asInt()).isNotEqualTo(pid);
            long fork = child.path("forkStep").asLong();
            assertThat(child.path("start").asLong()).isEqualTo(fork);
            // the fork's step is the parent's system call instruction, in glibc's fork
            JsonNode at = json("at", trace.toString(), "--step", Long.toString(fork), "--tid", Integer.toString(pid), "--json");
            assertThat(current(at)).isEqualTo("syscall");
            assertThat(at.path("function").asString()).containsIgnoringCase("fork");
            assertThat(child.path("end").asLong()).isGreaterThan(fork).isLessThan(parent.path("end").asLong());
        }
        assertThat(echo.path("forkStep").asLong()).isLessThan(second.path("forkStep").asLong());
        // the first child runs the parent's program, then execs echo
        JsonNode[] programs = list(echo.path("programs")).toArray(JsonNode[]::new);
        assertThat(programs).hasSize(2);
        assertThat(programs[0].path("path").asString()).isEqualTo(tests().resolve("fork_exec_wait").toString());
        assertThat(programs[0].path("step").asLong()).isEqualTo(echo.path("forkStep").asLong());
        assertThat(programs[1].path("path").asString()).endsWith("/echo");
        assertThat(strings(programs[1].path("argv"))).containsExactly("echo", "child says hi");
        JsonNode exec = json("at", trace.toString(), "--step", programs[1].path("step").asString(), "--tid", echo.path("pid").asString(), "--json");
        assertThat(current(exec)).isEqualTo("syscall");
        assertThat(exec.path("function").asString()).startsWith("execve");
        assertThat(echo.path("exit").asString()).isEqualTo("exited with status 0");
        assertThat(second.path("exit").asString()).isEqualTo("exited with status 7");
        assertThat(second.path("exitCode").asInt()).isEqualTo(7);
        assertThat(list(second.path("programs"))).hasSize(1);

        // the output: echo's line by the exec'd child, the parent's lines by the parent, each at its write system call
        List<JsonNode> chunks = list(json("output", trace.toString(), "--json"));
        assertThat(chunks).extracting(c -> c.path("text").asString())
                .containsExactly("child says hi\n", "first child exit status: 0\n", "second child exit status: 7\nparent done\n");
        assertThat(chunks).extracting(c -> c.path("pid").asInt()).containsExactly(echo.path("pid").asInt(), pid, pid);
        long previous = -1;
        for (JsonNode c : chunks) {
            assertThat(c.path("step").asLong()).isGreaterThan(previous);
            previous = c.path("step").asLong();
            assertThat(c.path("tid").asInt()).isEqualTo(c.path("pid").asInt());
            assertThat(c.path("fd").asInt()).isEqualTo(1);
            assertThat(c.path("stream").asString()).isEqualTo("stdout");
            long len = 0;
            for (JsonNode b : c.path("buffers")) len += b.path("len").asLong();
            assertThat(len).isEqualTo(c.path("text").asString().length());
            JsonNode at = json("at", trace.toString(), "--step", c.path("step").asString(), "--json");
            assertThat(current(at)).isEqualTo("syscall");
            assertThat(at.path("tid").asInt()).isEqualTo(c.path("tid").asInt());
            assertThat(at.path("running").asBoolean()).isTrue();
        }
        assertThat(chunks.get(0).path("step").asLong()).isBetween(programs[1].path("step").asLong(), echo.path("end").asLong());
        // one process's output
        assertThat(list(json("output", trace.toString(), "--json", "--pid", echo.path("pid").asString())))
                .extracting(c -> c.path("text").asString()).containsExactly("child says hi\n");
        assertThat(list(json("output", trace.toString(), "--json", "--pid", second.path("pid").asString()))).isEmpty();
        InProcess.Result bad = InProcess.omni("output", trace.toString(), "--pid", "1");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("pid 1 is not a process of this trace");
    }

    @Test
    void forkGlobalWritesStdoutFromBothProcessesAndStderrFromTheParent() throws Exception {
        Path trace = recordAndIndex("fork_global", 0, tests().resolve("fork_global").toString());
        List<JsonNode> processes = list(json("processes", trace.toString(), "--json").path("processes"));
        assertThat(processes).hasSize(2);
        int parent = processes.get(0).path("pid").asInt(), child = processes.get(1).path("pid").asInt();
        List<JsonNode> chunks = list(json("output", trace.toString(), "--json"));
        assertThat(chunks).extracting(c -> c.path("pid").asInt() + " " + c.path("fd").asInt() + " " + c.path("stream").asString() + " "
                + c.path("text").asString()).containsExactly(
                child + " 1 stdout child: shared_value = 42\n",
                parent + " 1 stdout parent: shared_value = 1\n",
                parent + " 2 stderr parent: child exited with status 0\n");
        InProcess.Result text = InProcess.omni("output", trace.toString());
        assertThat(text.out()).isEqualTo("child: shared_value = 42\nparent: shared_value = 1\nparent: child exited with status 0\n");
    }

    @Test
    void aShellsDupsCountByWhereTheyLeadAndItsPipeIsNotOutput() throws Exception {
        // echo piped | cat: the shell's child writes into a pipe (not output); cat, exec'd in another child, writes to the
        // stdout it inherited. >&3 after exec 3>&1 is a dup of stdout; 1>&2 a dup of stderr on descriptor 1.
        Path trace = recordAndIndex("shell", 0, "/bin/sh", "-c",
                "echo out; echo err >&2; echo piped | cat; exec 3>&1; /bin/echo three >&3; /bin/echo four 1>&2");
        List<JsonNode> chunks = list(json("output", trace.toString(), "--json"));
        assertThat(chunks).extracting(c -> c.path("fd").asInt() + " " + c.path("stream").asString() + " " + c.path("text").asString())
                .containsExactly("1 stdout out\n", "1 stderr err\n", "1 stdout piped\n", "1 stdout three\n", "1 stderr four\n");
        List<JsonNode> processes = list(json("processes", trace.toString(), "--json").path("processes"));
        int shell = processes.get(0).path("pid").asInt();
        assertThat(chunks.get(0).path("pid").asInt()).isEqualTo(shell);
        // "piped" is written by cat: the process whose last program is cat; the shell's child that wrote into the pipe wrote no output
        JsonNode cat = processes.stream().filter(p -> list(p.path("programs")).stream()
                .anyMatch(g -> g.path("path").asString().endsWith("/cat"))).findFirst().orElseThrow();
        assertThat(chunks.get(2).path("pid").asInt()).isEqualTo(cat.path("pid").asInt());
        assertThat(strings(list(cat.path("programs")).get(1).path("argv"))).containsExactly("cat");
        List<Integer> writers = chunks.stream().map(c -> c.path("pid").asInt()).toList();
        assertThat(processes.stream().map(p -> p.path("pid").asInt()).filter(p -> !writers.contains(p))).hasSize(1);
        assertThat(strings(list(processes.get(0).path("programs")).get(0).path("argv"))).startsWith("/bin/sh", "-c");
    }

    @Test
    void aCrashedProgramWasKilledBySigsegvAtItsFaultingInstructionWhichIsAMoment() throws Exception {
        Path trace = recordAndIndex("crash_segv", 139, tests().resolve("crash_segv").toString());
        JsonNode p = json("processes", trace.toString(), "--json").path("processes").get(0);
        assertThat(p.path("exit").asString()).isEqualTo("killed by SIGSEGV");
        assertThat(p.path("signal").asString()).isEqualTo("SIGSEGV");
        assertThat(p.path("exitCode").isNull()).isTrue();
        assertThat(json("output", trace.toString(), "--json").get(0).path("text").asString()).isEqualTo(expected("crash_segv"));
        // the process ends at the faulting store, the trace's last step: a moment with its registers and source line
        long end = p.path("end").asLong();
        JsonNode at = json("at", trace.toString(), "--step", Long.toString(end), "--json");
        assertThat(current(at)).isEqualTo("mov dword ptr [rax], edx");
        assertThat(at.path("function").asString()).startsWith("store_through+");
        assertThat(at.path("line").asInt()).isEqualTo(18);
        assertThat(at.path("registers").path("rax").asString()).isEqualTo("0x0");
        InProcess.Result info = InProcess.omni("info", trace.toString());
        assertThat(info.out()).contains("killed by SIGSEGV");
    }

    private static String current(JsonNode at) {
        for (JsonNode i : at.path("disassembly")) if (i.path("current").asBoolean()) return i.path("text").asString();
        throw new AssertionError("no current instruction: " + at);
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static List<String> strings(JsonNode array) {
        return list(array).stream().map(JsonNode::asString).toList();
    }

    private static List<String> strings(List<JsonNode> values) {
        return values.stream().map(JsonNode::asString).toList();
    }

    private static Path recordAndIndex(String name, int status, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of("--"));
        args.addAll(List.of(command));
        return Recordings.recordAndIndex(home, name, status, args);
    }

    private static JsonNode json(String... args) throws Exception {
        return Recordings.json(args);
    }
}
