package dev.omniscope.recorder;

import static dev.omniscope.recorder.testing.Omni.record;
import static dev.omniscope.recorder.testing.Omni.run;
import static dev.omniscope.recorder.testing.Omni.testProgram;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.omniscope.recorder.ptrace.Ptrace;
import dev.omniscope.recorder.testing.Omni;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceSummary;

/**
 * Recording changes nothing the program does: the same stdout and exit status as a native run,
 * for every test program (each covers part of the recorder: see native/testprogs/README.md) and
 * for real programs nobody here wrote. And every recording is complete.
 */
class RecordsFaithfullyTest {
    @TempDir
    static Path work;

    static Stream<Arguments> programs() throws Exception {
        Path data = Files.createDirectories(work.resolve("data"));
        Files.writeString(data.resolve("script.py"), """
                import json, hashlib, os
                d = {"a": [1, 2, 3], "b": "x" * 10}
                print(json.dumps(d, sort_keys=True))
                print(hashlib.sha256(b"omniscope").hexdigest())
                print(sum(i * i for i in range(10000)))
                """);
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < 2000; i++) numbers.add(Integer.toString((i * 7919) % 2000));
        Files.write(data.resolve("numbers.txt"), numbers);
        Path listing = Files.createDirectories(work.resolve("listing"));
        for (String f : List.of("alpha", "beta", "gamma")) {
            Path p = Files.writeString(listing.resolve(f), f.repeat(3));
            Files.setLastModifiedTime(p, FileTime.fromMillis(1_700_000_000_000L));
        }
        Files.setLastModifiedTime(listing, FileTime.fromMillis(1_700_000_000_000L));
        return Stream.of(
                Arguments.of("hello_static", List.of(testProgram("hello_static").toString())),
                Arguments.of("hello_dynamic", List.of(testProgram("hello_dynamic").toString(), "one", "two")),
                Arguments.of("counter", List.of(testProgram("counter").toString())),
                Arguments.of("cxx_exceptions", List.of(testProgram("cxx_exceptions").toString())),
                Arguments.of("threads_mutex", List.of(testProgram("threads_mutex").toString())),
                Arguments.of("fork_exec_wait", List.of(testProgram("fork_exec_wait").toString())),
                Arguments.of("signals", List.of(testProgram("signals").toString())),
                Arguments.of("memory_maps", List.of(testProgram("memory_maps").toString())),
                Arguments.of("pipes_sockets", List.of(testProgram("pipes_sockets").toString())),
                Arguments.of("time_random", List.of(testProgram("time_random").toString())),
                Arguments.of("calls", List.of(testProgram("calls").toString())),
                Arguments.of("demo_bug", List.of(testProgram("demo_bug").toString())),
                Arguments.of("python3", List.of("/usr/bin/python3", data.resolve("script.py").toString())),
                Arguments.of("sort", List.of("/usr/bin/sort", "-n", data.resolve("numbers.txt").toString())),
                Arguments.of("gzip pipeline", List.of("/bin/sh", "-c",
                        "seq 1 20000 | gzip -c | gzip -dc | sort -rn | head -3")),
                Arguments.of("sqlite3", List.of("/usr/bin/sqlite3", ":memory:",
                        "create table t(a, b); insert into t values (1, 'x'), (2, 'y'), (3, 'z');"
                        + " select sum(a), group_concat(b) from t;")),
                Arguments.of("ls -la", List.of("/bin/ls", "-la", "--time-style=+%Y", listing.toString())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void recordingGivesTheSameOutputAndStatusAsANativeRun(String name, List<String> command) throws Exception {
        Omni.Run nativeRun = run(command, Map.of(), work);
        Path trace = work.resolve("traces").resolve(name.replace(' ', '_'));
        Omni.Run recorded = record(trace, command);

        assertThat(recorded.stdout()).isEqualTo(nativeRun.stdout());
        assertThat(recorded.exitCode()).isEqualTo(nativeRun.exitCode());
        assertThat(recorded.stderr()).contains("omni: trace: " + trace);
        try (Trace t = Trace.open(trace)) {
            TraceSummary summary = TraceSummary.of(t);
            assertThat(summary.complete()).as(summary.incompleteReason()).isTrue();
            assertThat(summary.exitStatus() >> 8 & 0xff).isEqualTo(nativeRun.exitCode());
            // without CPUID faulting on this machine the recorder says so, rightly; nothing else may be said
            assertThat(summary.warnings()).as("warnings")
                    .allMatch(w -> !new Ptrace().hasCpuidFaulting() && w.startsWith("no-cpuid-faulting:"));
        }
    }
}
