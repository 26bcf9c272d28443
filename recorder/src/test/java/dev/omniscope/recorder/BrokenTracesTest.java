package dev.omniscope.recorder;

import static dev.omniscope.recorder.testing.Omni.omni;
import static dev.omniscope.recorder.testing.Omni.record;
import static dev.omniscope.recorder.testing.Omni.testProgram;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.omniscope.recorder.testing.Omni;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceSummary;

/** Traces that are cut short, damaged, or not traces at all: clear answers, never stack traces. */
class BrokenTracesTest {
    @TempDir
    Path work;

    @Test
    void aRecorderKilledWithSigkillLeavesAReadableTruncatedTrace() throws Exception {
        Path trace = work.resolve("killed");
        // A program that makes system calls forever, so that chunks keep being written.
        Process recorder = new ProcessBuilder(Omni.omniCommand("record", "-o", trace.toString(), "--",
                "/bin/sh", "-c", "while :; do echo tick > /dev/null; done"))
                .redirectErrorStream(true).redirectOutput(work.resolve("out.txt").toFile()).start();
        List<ProcessHandle> traced;
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Path events = trace.resolve("events");
            while (System.nanoTime() < deadline && (!Files.exists(events) || Files.size(events) < 4_000)) Thread.sleep(100);
            assertThat(Files.size(events)).as("events written while recording").isGreaterThanOrEqualTo(4_000);
            traced = recorder.toHandle().descendants().toList();
        } finally {
            recorder.destroyForcibly(); // SIGKILL: no chance to finish the trace (and never left running by a failure)
        }
        assertThat(recorder.waitFor(10, TimeUnit.SECONDS)).isTrue();
        for (ProcessHandle p : traced) p.onExit().get(10, TimeUnit.SECONDS); // PTRACE_O_EXITKILL took them down

        try (Trace t = Trace.open(trace)) {
            TraceSummary s = TraceSummary.of(t);
            assertThat(s.complete()).isFalse();
            assertThat(s.incompleteReason()).startsWith("truncated");
            assertThat(s.eventCounts().get("syscall_enter")).isGreaterThan(100);
        }
        Omni.Run info = omni("info", trace.toString());
        assertThat(info.exitCode()).isZero();
        assertThat(info.stdout()).contains("INCOMPLETE, truncated");
    }

    @Test
    void aDamagedEventStreamIsReportedWithWhereItIsDamaged() throws Exception {
        Path trace = work.resolve("damaged");
        record(trace, List.of(testProgram("counter").toString()));
        try (RandomAccessFile f = new RandomAccessFile(trace.resolve("events").toFile(), "rw")) {
            f.seek(40); // inside the first chunk's compressed bytes
            int b = f.read();
            f.seek(40);
            f.write(b ^ 0xFF);
        }
        Omni.Run info = omni("info", trace.toString());
        assertThat(info.stdout()).contains("INCOMPLETE, damaged:", "is damaged in chunk 0", "checksum mismatch");
        assertThat(info.stderr()).doesNotContain("Exception");
    }

    @Test
    void foreignFilesAreRefusedWithAReason() throws Exception {
        Path text = Files.writeString(work.resolve("notes.txt"), "hello, not a trace\n".repeat(100));
        assertClearError(omni("info", text.toString()), "is not a packed trace");
        assertClearError(omni("info", work.resolve("missing").toString()), "no trace at");
        Path dir = Files.createDirectories(work.resolve("empty-dir"));
        assertClearError(omni("info", dir.toString()), "is not a trace directory (no trace.json)");
        Path other = Files.createDirectories(work.resolve("other"));
        Files.writeString(other.resolve("trace.json"), "{\"format\": \"something-else\", \"version\": 1}");
        assertClearError(omni("info", other.toString()), "is not an Omniscope trace");
        Files.writeString(other.resolve("trace.json"), "{ not json");
        assertClearError(omni("info", other.toString()), "trace.json is not valid");
        Path newer = Files.createDirectories(work.resolve("newer"));
        Files.writeString(newer.resolve("trace.json"), "{\"format\": \"omniscope-trace\", \"version\": 99}");
        assertClearError(omni("info", newer.toString()), "is trace format version 99; this omni reads version 1");
    }

    private static void assertClearError(Omni.Run run, String message) {
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).startsWith("omni: ").contains(message).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aPackedTraceReadsLikeItsDirectory() throws Exception {
        Path trace = work.resolve("packme");
        record(trace, List.of(testProgram("fork_exec_wait").toString()));
        Omni.Run pack = omni("pack", trace.toString());
        assertThat(pack.exitCode()).isZero();
        Path packed = work.resolve("packme.omnitrace");
        assertThat(packed).isRegularFile();
        assertThat(omni("info", "--json", packed.toString()).stdout()).isEqualTo(omni("info", "--json", trace.toString()).stdout());
        assertClearError(omni("pack", packed.toString()), "is already a packed trace");
    }
}
