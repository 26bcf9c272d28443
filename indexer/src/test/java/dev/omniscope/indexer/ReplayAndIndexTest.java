package dev.omniscope.indexer;

import static dev.omniscope.recorder.testing.Omni.testProgram;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.omniscope.indexer.index.IndexSummary;
import dev.omniscope.indexer.testing.Indexed;

/** Every test program and real program replays exactly and indexes completely. */
class ReplayAndIndexTest {
    @TempDir
    static Path work;

    static Stream<Arguments> programs() throws Exception {
        Path script = Files.writeString(work.resolve("script.py"), """
                import json, hashlib
                print(json.dumps({"a": [1, 2, 3]}, sort_keys=True))
                print(hashlib.sha256(b"omniscope").hexdigest())
                print(sum(i * i for i in range(3000)))
                """);
        Path numbers = Files.write(work.resolve("numbers.txt"), Stream.iterate(1, i -> i + 1).limit(2000)
                .map(i -> Integer.toString(i * 7919 % 2000)).toList());
        Stream<Arguments> tests = Stream.of("hello_static", "hello_dynamic", "counter", "cxx_exceptions", "threads_mutex",
                "fork_exec_wait", "signals", "memory_maps", "pipes_sockets", "time_random", "calls", "demo_bug", "crash_segv")
                .map(p -> Arguments.of(p, List.of(testProgram(p).toString())));
        Stream<Arguments> real = Stream.of(
                Arguments.of("python3", List.of("/usr/bin/python3", script.toString())),
                Arguments.of("sort", List.of("/usr/bin/sort", "-n", numbers.toString())),
                Arguments.of("gzip pipeline", List.of("/bin/sh", "-c", "seq 1 20000 | gzip -c | gzip -dc | sort -rn | head -3")),
                Arguments.of("sqlite3", List.of("/usr/bin/sqlite3", ":memory:",
                        "create table t(a, b); insert into t values (1, 'x'), (2, 'y'); select sum(a), group_concat(b) from t;")),
                Arguments.of("ls -la", List.of("/bin/ls", "-la", "/usr/share/doc/gdb")));
        return Stream.concat(tests, real);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void replaysExactlyAndIndexesCompletely(String name, List<String> command) throws Exception {
        Path trace = work.resolve(name.replace(' ', '_'));
        IndexSummary summary = Indexed.recordAndIndex(trace, command);
        assertThat(summary.complete()).as(summary.problem() == null ? "" : summary.problem().message()).isTrue();
        assertThat(summary.instructions()).isPositive();
        assertThat(summary.rows().get("blocks")).isPositive();
        assertThat(summary.rows().get("mem_writes")).isPositive();
        assertThat(summary.rows().get("reg_changes")).isPositive();
        assertThat(summary.rows().get("calls")).isPositive();
        assertThat(summary.rows().get("syscalls")).isEqualTo(summary.syscalls());

        // And the CLI says so, as users see it.
        var verify = Indexed.omni("512m", "replay", "--verify", trace.toString());
        assertThat(verify.exitCode()).as(verify.stdout() + verify.stderr()).isZero();
        assertThat(verify.stdout()).startsWith(String.format("replay OK: %,d instructions, %,d syscalls matched",
                summary.instructions(), summary.syscalls()));
    }
}
