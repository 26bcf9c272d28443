package dev.omniscope.indexer;

import static dev.omniscope.recorder.testing.Omni.testProgram;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.omniscope.indexer.index.IndexSummary;
import dev.omniscope.indexer.query.ArrowIndex;
import dev.omniscope.indexer.testing.Indexed;
import dev.omniscope.recorder.testing.Omni;
import dev.omniscope.trace.EventStreamReader;
import dev.omniscope.trace.EventStreamWriter;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceEvent;

/** What the replay cannot reproduce is reported where it happened, and what was indexed is kept. */
class ProblemsTest {
    @TempDir
    Path work;

    @Test
    void anInstructionTheEmulatorCannotExecuteStopsTheReplayWithItsDisassembly() throws Exception {
        // Without masking, glibc picks AVX2/EVEX string functions on this CPU, and on CPUs with XSAVEC the
        // lazy-binding trampoline that saves registers with xsavec: whichever runs first stops the replay.
        Path trace = work.resolve("unmasked");
        Omni.Run run = Omni.omni("record", "--no-mask", "-o", trace.toString(), "--", testProgram("memory_maps").toString());
        assertThat(run.exitCode()).isZero();

        Omni.Run verify = Indexed.omni("512m", "replay", "--verify", trace.toString());
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.stdout()).containsPattern("replay FAILED: the emulator cannot execute '(v[a-z0-9]+|xsavec|xsaves|xrstors?) [^']*' "
                + "at step [0-9,]+, pid [0-9]+, tid [0-9]+, rip 0x[0-9a-f]+ in (__[a-z0-9_]+(evex|avx)[a-z0-9_]*|_dl_runtime_resolve_xsavec?)"
                + "\\+0x[0-9a-f]+");

        Omni.Run index = Indexed.omni("1g", "index", "--quiet", trace.toString());
        assertThat(index.exitCode()).isEqualTo(1);
        assertThat(index.stderr()).contains("the index is INCOMPLETE: the emulator cannot execute");
        try (ArrowIndex tables = ArrowIndex.open(trace.resolve("index"))) {
            IndexSummary s = tables.summary();
            assertThat(s.complete()).isFalse();
            assertThat(s.problem().kind()).isEqualTo("unsupported_instruction");
            assertThat(s.instructions()).isPositive();
            assertThat(s.rows().get("mem_writes")).isPositive(); // kept up to the stop
        }
    }

    @Test
    void aReplayThatDoesNotMatchTheRecordingIsADivergenceWithExpectedAndActual() throws Exception {
        Path trace = work.resolve("counter");
        Omni.record(trace, List.of(testProgram("counter").toString()));
        // Alter the recording: the program's write(1, ...) now claims another file descriptor.
        Path events = trace.resolve("events");
        Path altered = work.resolve("events.altered");
        try (Trace t = Trace.open(trace); EventStreamReader in = t.events(); EventStreamWriter out = new EventStreamWriter(altered)) {
            boolean done = false;
            for (Iterator<TraceEvent> it = in; it.hasNext(); ) {
                TraceEvent e = it.next();
                if (!done && e instanceof TraceEvent.SyscallEnter s && s.number() == 1) {
                    long[] args = s.args().clone();
                    args[0] = 42;
                    e = new TraceEvent.SyscallEnter(s.tid(), s.number(), args, s.rip());
                    done = true;
                }
                out.append(e);
            }
        }
        Files.move(altered, events, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Omni.Run verify = Indexed.omni("512m", "replay", "--verify", trace.toString());
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.stdout()).containsPattern("replay FAILED: divergence at step [0-9,]+, pid [0-9]+, tid [0-9]+, rip 0x[0-9a-f]+ in \\S+: "
                + "expected system call write\\(fd=42, buf=0x[0-9a-f]+, count=[0-9]+\\) at 0x[0-9a-f]+, "
                + "the program made write\\(fd=1, buf=0x[0-9a-f]+, count=[0-9]+\\) at 0x[0-9a-f]+");
    }

    @Test
    void aTruncatedTraceIndexesAsFarAsItGoesAndSaysSo() throws Exception {
        Path trace = work.resolve("cut");
        Omni.record(trace, List.of(testProgram("counter").toString()));
        Path events = trace.resolve("events");
        byte[] all = Files.readAllBytes(events);
        Files.write(events, java.util.Arrays.copyOf(all, all.length - 10)); // the last chunk is cut
        Omni.Run index = Indexed.omni("1g", "index", "--quiet", trace.toString());
        assertThat(index.exitCode()).isEqualTo(1);
        assertThat(index.stderr()).contains("the index is INCOMPLETE: the trace ends early");
    }
}
