package dev.omniscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/**
 * Data flow (issue 13) on programs whose provenance is known exactly (native/testprogs/README.md,
 * "Data flow: what each value comes from"), recorded and indexed by the real recorder and
 * indexer and asked through {@code omni origin --json} and {@code omni uses --json}.
 */
class DataflowIT {
    @TempDir
    static Path home;

    private static Path tests() {
        return Recordings.tests();
    }

    private static Path input() {
        return Path.of(System.getProperty("omni.native.dir")).toAbsolutePath().resolveSibling("testprogs").resolve("dataflow_input.bin");
    }

    @Test
    void aNumberFromAFileAtKnownOffsetsThroughMemcpyAStructAndAnArgumentPlusArgv() throws Exception {
        Path trace = recordAndIndex("dataflow_file", List.of(), input().toString(), "7");
        JsonNode write = lastWrite(trace, "total", null);
        JsonNode root = json("origin", trace.toString(), "--step", Long.toString(write.path("step").asLong() + 1), "--expr", "total",
                "--depth", "12", "--json");
        assertThat(root.path("kind").asString()).isEqualTo("compute");
        assertThat(root.path("function").asString()).isEqualTo("compute");
        List<JsonNode> reads = find(root, n -> n.path("kind").asString().equals("syscall"));
        Set<String> ranges = new HashSet<>();
        for (JsonNode r : reads) {
            JsonNode s = r.path("syscall");
            assertThat(s.path("name").asString()).isEqualTo("read");
            assertThat(s.path("path").asString()).isEqualTo(input().toString());
            ranges.add(s.path("offset").asLong() + "+" + s.path("length").asLong());
        }
        // price is file bytes [16,20), quantity [20,24); code [24,28) never reaches total
        assertThat(ranges).containsExactlyInAnyOrder("16+4", "20+4");
        assertThat(find(root, n -> n.path("routine").asString("").equals("memcpy") && n.path("caller").asString("").equals("main")))
                .isNotEmpty();
        List<JsonNode> argv = find(root, n -> n.path("kind").asString().equals("initial") && n.path("initial").path("what").asString().equals("argv"));
        assertThat(argv).isNotEmpty();
        for (JsonNode a : argv) {
            assertThat(a.path("initial").path("index").asInt()).isEqualTo(2);
            assertThat(a.path("initial").path("text").asString()).isEqualTo("7");
        }
        // every copy of price from the read into compute's multiplication is a via entry: memcpy, the struct assignment, the argument
        JsonNode price = reads.stream().filter(r -> r.path("syscall").path("offset").asLong() == 16).findFirst().orElseThrow();
        assertThat(price.path("via").size()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void theFileBytesGoToTheComputation() throws Exception {
        Path trace = recordAndIndex("dataflow_file", List.of(), input().toString(), "7");
        JsonNode write = lastWrite(trace, "total", null);
        JsonNode root = json("origin", trace.toString(), "--step", Long.toString(write.path("step").asLong() + 1), "--expr", "total",
                "--depth", "12", "--json");
        JsonNode price = find(root, n -> n.path("syscall").path("offset").asLong(-1) == 16).get(0);
        // follow the price's bytes (file offset 16, as read put them in the buffer) from use to product until compute's multiplication reads them
        ArrayDeque<List<String>> questions = new ArrayDeque<>();
        questions.add(List.of("--step", "0", "--node", price.path("node").asString()));
        Set<String> asked = new HashSet<>();
        boolean reachedMultiply = false;
        for (int i = 0; i < 40 && !questions.isEmpty() && !reachedMultiply; i++) {
            List<String> q = questions.poll();
            List<String> args = new ArrayList<>(List.of("uses", trace.toString()));
            args.addAll(q);
            args.add("--json");
            JsonNode page = json(args.toArray(String[]::new));
            for (JsonNode use : page.path("uses")) {
                if (use.path("function").asString("").equals("compute") && use.path("disassembly").asString().startsWith("imul")) reachedMultiply = true;
                for (JsonNode p : use.path("produced")) {
                    String node = p.path("node").asString();
                    if (asked.add(node) && !p.path("location").asString().equals("eflags")) {
                        questions.add(List.of("--step", "0", "--node", node));
                    }
                }
            }
        }
        assertThat(reachedMultiply).as("a chain of uses from the file's bytes reaches compute's imul").isTrue();
    }

    @Test
    void valuesCrossForkAndAPipe() throws Exception {
        Path trace = recordAndIndex("dataflow_fork_pipe", List.of());
        int parent = firstPid(trace);
        JsonNode write = lastWrite(trace, "received", parent);
        JsonNode root = json("origin", trace.toString(), "--step", Long.toString(write.path("step").asLong() + 1), "--tid",
                Integer.toString(parent), "--expr", "received", "--depth", "8", "--json");
        // 42 = factor_a * factor_b, computed by the parent before the fork, sent back by the child through the pipe
        assertThat(root.path("kind").asString()).isEqualTo("compute");
        assertThat(root.path("disassembly").asString()).startsWith("imul");
        assertThat(root.path("pid").asInt()).isEqualTo(parent);
        assertThat(find(root, n -> n.path("routine").asString("").equals("fork"))).isNotEmpty();
        List<JsonNode> pipe = find(root, n -> n.path("kind").asString().equals("copy") && n.path("syscall").path("name").asString("").equals("read"));
        assertThat(pipe).isNotEmpty();
        assertThat(pipe.get(0).path("note").asString()).contains("written by process");
        Set<String> symbols = new HashSet<>();
        for (JsonNode n : find(root, n -> n.path("initial").path("what").asString("").equals("image"))) symbols.add(n.path("initial").path("symbol").asString());
        assertThat(symbols).containsExactlyInAnyOrder("factor_a", "factor_b");

        JsonNode second = lastWrite(trace, "received_inherited", parent);
        JsonNode inherited = json("origin", trace.toString(), "--step", Long.toString(second.path("step").asLong() + 1), "--tid",
                Integer.toString(parent), "--expr", "received_inherited", "--depth", "8", "--json");
        // 607 = factor_a * 100 + factor_b: the child read the global it inherited, wrote it into the pipe
        assertThat(inherited.path("kind").asString()).isEqualTo("compute");
        assertThat(inherited.path("pid").asInt()).isEqualTo(parent);
        assertThat(find(inherited, n -> n.path("routine").asString("").equals("fork"))).isNotEmpty();
        assertThat(find(inherited, n -> n.path("value").asString().equals("0x64"))).as("the constant 100").isNotEmpty();
    }

    @Test
    void theKernelTheCpuAndTheEnvironmentAsSources() throws Exception {
        Path trace = recordAndIndex("dataflow_sources", List.of("--env", "DATAFLOW_SECRET=1234"));
        assertThat(leaf(trace, "random_value", "syscall").path("syscall").path("name").asString()).isEqualTo("getrandom");
        assertThat(leaf(trace, "clock_nsec", "syscall").path("syscall").path("name").asString()).isEqualTo("clock_gettime");
        assertThat(leaf(trace, "tsc_value", "syscall").path("syscall").path("name").asString()).isEqualTo("rdtsc");
        JsonNode env = leaf(trace, "env_value", "initial");
        assertThat(env.path("initial").path("what").asString()).isEqualTo("envp");
        assertThat(env.path("initial").path("name").asString()).isEqualTo("DATAFLOW_SECRET");
        assertThat(env.path("initial").path("text").asString()).isEqualTo("DATAFLOW_SECRET=1234");
        JsonNode page = leaf(trace, "page_size", "initial");
        assertThat(page.path("initial").path("what").asString()).isEqualTo("auxv");
        assertThat(page.path("initial").path("type").asString()).isEqualTo("AT_PAGESZ");
    }

    @Test
    void cxxThroughAVirtualCallAndReferences() throws Exception {
        Path trace = recordAndIndex("dataflow_cxx", List.of(), "5");
        JsonNode write = lastWrite(trace, "cxx_result", null);
        JsonNode root = json("origin", trace.toString(), "--step", Long.toString(write.path("step").asLong() + 1), "--expr", "cxx_result",
                "--depth", "12", "--json");
        assertThat(root.path("kind").asString()).isEqualTo("compute");
        assertThat(find(root, n -> n.path("initial").path("what").asString("").equals("argv") && n.path("initial").path("index").asInt() == 1))
                .isNotEmpty();
        Set<String> symbols = new HashSet<>();
        for (JsonNode n : find(root, n -> n.path("initial").path("what").asString("").equals("image"))) symbols.add(n.path("initial").path("symbol").asString());
        assertThat(symbols).contains("scale", "bonus");
        assertThat(find(root, n -> n.path("function").asString("").contains("Derived::get"))).as("the virtual call's load of field").isNotEmpty();
    }

    @Test
    void demoBugsStrayByteComesFromTheNewOwnersName() throws Exception {
        Path trace = recordAndIndex("demo_bug", List.of());
        JsonNode strcpy = null;
        for (JsonNode w : history(trace, "balance", null)) if (w.path("function").asString().contains("strcpy")) strcpy = w;
        assertThat(strcpy).isNotNull();
        JsonNode root = json("origin", trace.toString(), "--step", Long.toString(strcpy.path("step").asLong() + 1), "--expr", "balance", "--json");
        List<JsonNode> copied = find(root, n -> n.path("routine").asString("").equals("strcpy"));
        assertThat(copied).isNotEmpty();
        assertThat(copied.get(0).path("caller").asString()).isEqualTo("set_owner");
        List<JsonNode> name = find(root, n -> n.path("kind").asString().equals("initial") && n.path("via").toString().contains("strcpy"));
        assertThat(name).hasSize(1);
        assertThat(name.get(0).path("initial").path("segment").asString()).isEqualTo("read-only data");
        assertThat(name.get(0).path("initial").path("module").asString()).endsWith("/demo_bug");
        assertThat(name.get(0).path("value").asString()).isEqualTo("0x0");
    }

    @Test
    void badQuestionsAreRefusedWithAReason() throws Exception {
        Path trace = recordAndIndex("demo_bug", List.of());
        assertThat(InProcess.omni("origin", trace.toString(), "--step", "100", "--reg", "foo").err()).contains("no register named 'foo'");
        assertThat(InProcess.omni("origin", trace.toString(), "--step", "100", "--node", "m.1.zz.4.5").err()).contains("is not a node of an origin tree");
        assertThat(InProcess.omni("origin", trace.toString(), "--step", "100", "--addr", "0x1000", "--len", "0").err()).contains("len must be between 1 and 4096");
        assertThat(InProcess.omni("origin", trace.toString(), "--step", "999999999", "--reg", "eax").err()).contains("outside the trace");
        assertThat(InProcess.omni("uses", trace.toString(), "--step", "100", "--reg", "eax", "--limit", "0").err()).contains("limit must be between");
    }

    // ---- helpers

    /** Every node of a tree (inputs and via, recursively) that matches. */
    static List<JsonNode> find(JsonNode root, Predicate<JsonNode> p) {
        List<JsonNode> out = new ArrayList<>();
        ArrayDeque<JsonNode> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            JsonNode n = todo.poll();
            if (p.test(n)) out.add(n);
            for (JsonNode c : n.path("inputs")) todo.add(c);
            for (JsonNode c : n.path("via")) todo.add(c);
        }
        return out;
    }

    private static JsonNode leaf(Path trace, String global, String kind) throws Exception {
        JsonNode write = lastWrite(trace, global, null);
        JsonNode root = json("origin", trace.toString(), "--step", Long.toString(write.path("step").asLong() + 1), "--expr", global,
                "--depth", "10", "--json");
        List<JsonNode> found = find(root, n -> n.path("kind").asString().equals(kind));
        assertThat(found).as(global + ": " + root).isNotEmpty();
        return found.get(0);
    }

    private static List<JsonNode> history(Path trace, String symbol, Integer pid) throws Exception {
        List<String> args = new ArrayList<>(List.of("history", trace.toString(), "--symbol", symbol, "--json"));
        if (pid != null) args.addAll(List.of("--pid", pid.toString()));
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode w : json(args.toArray(String[]::new))) out.add(w);
        return out;
    }

    private static JsonNode lastWrite(Path trace, String symbol, Integer pid) throws Exception {
        List<JsonNode> writes = history(trace, symbol, pid);
        assertThat(writes).as("writes of " + symbol).isNotEmpty();
        return writes.get(writes.size() - 1);
    }

    private static int firstPid(Path trace) throws Exception {
        return json("at", trace.toString(), "--step", "0", "--json").path("pid").asInt();
    }

    private static Path recordAndIndex(String program, List<String> recordOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>(recordOptions);
        command.add("--");
        command.add(tests().resolve(program).toString());
        command.addAll(List.of(args));
        return Recordings.recordAndIndex(home, program, 0, command);
    }

    private static JsonNode json(String... args) throws Exception {
        return Recordings.json(args);
    }
}
