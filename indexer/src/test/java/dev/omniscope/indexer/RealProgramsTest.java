package dev.omniscope.indexer;

import static dev.omniscope.recorder.testing.Omni.testProgram;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.omniscope.indexer.index.IndexSummary;
import dev.omniscope.indexer.query.HistoryEntry;
import dev.omniscope.indexer.query.QueryDocuments;
import dev.omniscope.indexer.query.QueryableTrace;
import dev.omniscope.indexer.testing.Indexed;
import dev.omniscope.recorder.ptrace.Ptrace;
import dev.omniscope.recorder.testing.Omni;

/**
 * Programs nobody here wrote, as users run them (issue 11): each records with the output it has
 * natively, replays without divergence, indexes completely and answers a history query. Most start
 * other programs the way shells, build tools and test runners do (vfork, posix_spawn, system,
 * popen), where the child runs in its parent's memory until it execs or exits.
 */
class RealProgramsTest {
    @TempDir
    static Path work;

    @BeforeAll
    static void project() throws Exception {
        // A small make project: three inputs, two steps of rules, each rule a shell command.
        Path make = Files.createDirectories(work.resolve("make-project"));
        for (String name : List.of("a", "b", "c")) Files.writeString(make.resolve(name + ".in"), name + " line\n");
        Files.writeString(make.resolve("Makefile"), """
                all: joined.txt
                %.up: %.in
                \ttr a-z A-Z < $< > $@
                joined.txt: a.up b.up c.up
                \tcat $^ > $@; grep -c LINE $@
                """);
        Path repo = Files.createDirectories(work.resolve("git-repo"));
        Files.writeString(repo.resolve("readme.txt"), "hello\n");
        Files.writeString(repo.resolve("main.c"), "int main(void) { return 0; }\n");

        // Go's runtime and Rust's std ask the CPU for its features themselves; both with threads.
        Path go = Files.writeString(work.resolve("ones.go"), """
                package main

                import (
                	"fmt"
                	"math/bits"
                	"sync"
                )

                func main() {
                	var wg sync.WaitGroup
                	results := make([]int, 8)
                	for g := 0; g < 8; g++ {
                		wg.Add(1)
                		go func(g int) {
                			defer wg.Done()
                			n := 0
                			for i := uint64(0); i < 200000; i++ {
                				n += bits.OnesCount64(i * uint64(g+1))
                			}
                			results[g] = n
                		}(g)
                	}
                	wg.Wait()
                	total := 0
                	for _, r := range results {
                		total += r
                	}
                	fmt.Println("goroutines", len(results), "ones", total)
                }
                """);
        build(List.of("go", "build", "-o", work.resolve("ones-go").toString(), go.toString()), Map.of("GOCACHE", work.resolve("go-cache").toString()));
        Path rust = Files.writeString(work.resolve("ones.rs"), """
                use std::thread;

                fn main() {
                    let handles: Vec<_> = (0..4u64)
                        .map(|t| thread::spawn(move || (0..200000u64).map(|i| (i * (t + 1)).count_ones() as u64).sum::<u64>()))
                        .collect();
                    let total: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
                    println!("threads 4 ones {}", total);
                }
                """);
        build(List.of(rustc(), "-O", "-o", work.resolve("ones-rust").toString(), rust.toString()), Map.of());
    }

    private static void build(List<String> command, Map<String, String> env) throws Exception {
        Omni.Run run = Omni.run(command, env, work);
        assertThat(run.exitCode()).as("%s: %s", command, run.stderr()).isZero();
    }

    /** rustc on the PATH, else rustup's in ~/.cargo/bin. */
    private static String rustc() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "rustc"))) return Path.of(dir, "rustc").toString();
        }
        return Path.of(System.getProperty("user.home"), ".cargo", "bin", "rustc").toString();
    }

    static Stream<Arguments> programs() {
        String repo = work.resolve("git-repo").toString();
        String git = "git -c user.name=omni -c user.email=omni@example.com -C " + repo;
        return Stream.of(
                Arguments.of("spawns", List.of(testProgram("spawns").toString()), "results 0 49 0 3 11 0"),
                Arguments.of("sh -c with two commands", List.of("/bin/sh", "-c", "/bin/true; /bin/echo two"), "two"),
                Arguments.of("make", List.of("/usr/bin/make", "-s", "-C", work.resolve("make-project").toString()), "3"),
                Arguments.of("git init, add, commit", List.of("/bin/sh", "-c", git + " init -q && " + git + " add -A && "
                        + git + " commit -q -m first && " + git + " rev-list --count HEAD"), "1"),
                Arguments.of("python subprocess", List.of("/usr/bin/python3", "-c",
                        "import subprocess; print(subprocess.run(['/bin/echo', 'child'], capture_output=True, text=True).stdout.strip())"),
                        "child"),
                Arguments.of("tar czf", List.of("/bin/sh", "-c", "tar czf - -C " + repo + " readme.txt main.c | tar tzf - | sort"),
                        "main.c\nreadme.txt"),
                // Programs that ask the CPU for its features themselves (CPUID faulting answers them).
                Arguments.of("xz compress and decompress", List.of("/bin/sh", "-c", "seq 1 20000 | xz -T2 -c | xz -dc | tail -1"), "20000"),
                Arguments.of("Go with goroutines", List.of(work.resolve("ones-go").toString()), "goroutines 8 ones"),
                Arguments.of("Rust with threads", List.of(work.resolve("ones-rust").toString()), "threads 4 ones"),
                Arguments.of("node -e", List.of("/usr/bin/node", "-e",
                        "let s = 0; for (let i = 0; i < 100000; i++) s += i % 7; console.log('sum', s)"), "sum 299995"),
                Arguments.of("cpu_dispatch (avx2, popcnt, rdrand by CPUID)", List.of(testProgram("cpu_dispatch").toString()),
                        "sum=306206720 bits=35045 random=ok"),
                Arguments.of("java -version", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto",
                        "-XX:TieredStopAtLevel=1", "-version"), ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void recordsReplaysIndexesAndAnswers(String name, List<String> command, String printed) throws Exception {
        Assumptions.assumeTrue(new Ptrace().hasCpuidFaulting(), "this machine has no CPUID faulting (arch_prctl(ARCH_SET_CPUID) fails): programs that ask the CPU themselves see features the replay cannot run (docs/limitations.md)");
        Path trace = work.resolve(name.replaceAll("[^a-z]+", "_"));
        Omni.Run run = Omni.record(trace, command);
        assertThat(run.stderr()).contains("omni: trace:");
        assertThat(run.stdout()).contains(printed);

        IndexSummary summary = Indexed.index(trace);
        assertThat(summary.complete()).as(summary.problem() == null ? "" : summary.problem().message()).isTrue();
        assertThat(summary.rows().get("syscalls")).isEqualTo(summary.syscalls());

        // Where output came from: the history of the bytes a write(2) wrote, in its process. (The
        // bytes of a forked child's write may all be its parent's, from before the fork: then an
        // earlier write answers.)
        try (Indexed.Queries q = Indexed.queries(trace)) {
            List<QueryDocuments.Syscall> outputs = q.queries().syscalls(null, null, Integer.MAX_VALUE, null).syscalls().stream()
                    .filter(c -> c.name().equals("write") && c.result() != null && c.result() > 0).toList();
            assertThat(outputs).isNotEmpty();
            List<HistoryEntry> found = List.of();
            for (int i = outputs.size() - 1; i >= 0 && found.isEmpty(); i--) {
                QueryDocuments.Syscall output = outputs.get(i);
                var page = q.queries().history(new QueryableTrace.HistoryQuery(null, Long.decode(output.args().get(1)),
                        (int) Math.min(output.result(), 64), output.pid(), null, output.step(), 1000, null, false));
                found = page.entries();
                assertThat(found).allSatisfy(w -> {
                    assertThat(w.pid()).isEqualTo(output.pid());
                    assertThat(w.step()).isLessThanOrEqualTo(output.step());
                });
            }
            assertThat(found).as("a write(2) whose bytes its own process wrote").isNotEmpty();
        }

        var verify = Indexed.omni("512m", "replay", "--verify", trace.toString());
        assertThat(verify.exitCode()).as(verify.stdout() + verify.stderr()).isZero();
        assertThat(verify.stdout()).startsWith(String.format("replay OK: %,d instructions", summary.instructions()));
    }

    /**
     * A vfork child's stores change its parent's memory: the index says so (the write is the
     * parent's, made by the child's thread), and both processes read the value at once.
     */
    @Test
    void aVforkChildWritesItsParentsMemory() throws Exception {
        Path trace = work.resolve("vfork");
        Omni.Run run = Omni.record(trace, List.of(testProgram("spawns").toString()));
        assertThat(run.stdout()).contains("results 0 49 0 3 11 0");
        assertThat(Indexed.index(trace).complete()).isTrue();
        try (Indexed.Queries q = Indexed.queries(trace)) {
            List<HistoryEntry> writes = Indexed.history(trace, "vfork_marker");
            assertThat(writes).hasSize(1);
            HistoryEntry w = writes.get(0);
            assertThat(w.after()).isEqualTo("0b000000");
            assertThat(w.tid()).as("written by the vfork child").isNotEqualTo(w.pid());
            int parent = w.pid(), child = w.tid();

            // Only the parent's history: the write is there.
            var page = q.queries().history(new QueryableTrace.HistoryQuery("vfork_marker", 0, 0, parent, null, null, 10, null, false));
            assertThat(page.entries()).extracting(HistoryEntry::step).containsExactly(w.step());

            long address = Long.decode(w.addr());
            assertThat(q.queries().memory(address, 4, w.step() + 1, parent, null).bytes()).isEqualTo("0b000000");
            assertThat(q.queries().memory(address, 4, w.step() + 1, child, null).bytes()).as("the child's view is the parent's memory")
                    .isEqualTo("0b000000");
            assertThat(q.queries().memory(address, 4, w.step(), child, null).bytes()).isEqualTo("00000000");
        }
    }

    /**
     * A loop that a signal ends, as `openssl speed` runs (whose own replay, 10.8 billion
     * instructions, is scripts/real-programs.sh's): every iteration has the same registers where
     * the SIGALRM lands, so only the top of the stack says which iteration it was. The replayed
     * count is the recorded one.
     */
    @Test
    void aSignalThatEndsALoopLandsInTheRecordedIteration() throws Exception {
        Path trace = work.resolve("alarm_loop");
        Omni.Run run = Omni.record(trace, List.of(testProgram("alarm_loop").toString()));
        var printed = java.util.regex.Pattern.compile("iterations=(\\d+)").matcher(run.stdout());
        assertThat(printed.find()).as(run.stdout()).isTrue();
        long iterations = Long.parseLong(printed.group(1));

        IndexSummary summary = Indexed.index(trace);
        assertThat(summary.complete()).as(summary.problem() == null ? "" : summary.problem().message()).isTrue();
        List<HistoryEntry> writes = Indexed.history(trace, "iterations");
        assertThat(writes).hasSize(1);
        assertThat(Long.parseUnsignedLong(writes.get(0).after(), 16)).isEqualTo(Long.reverseBytes(iterations));
    }
}
