package dev.omniscope.indexer;

import static dev.omniscope.recorder.testing.Omni.testProgram;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

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
                        "main.c\nreadme.txt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void recordsReplaysIndexesAndAnswers(String name, List<String> command, String printed) throws Exception {
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
            assertThat(q.queries().memory(address, 4, w.step() + 1, parent).bytes()).isEqualTo("0b000000");
            assertThat(q.queries().memory(address, 4, w.step() + 1, child).bytes()).as("the child's view is the parent's memory")
                    .isEqualTo("0b000000");
            assertThat(q.queries().memory(address, 4, w.step(), child).bytes()).isEqualTo("00000000");
        }
    }
}
