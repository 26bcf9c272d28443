package dev.omniscope.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event stream: every kind survives encoding; a stream cut anywhere reads up to its last whole chunk. */
class EventStreamTest {
    @TempDir
    Path work;

    static List<TraceEvent> oneOfEach() {
        long[] regs = new long[Registers.COUNT];
        for (int i = 0; i < regs.length; i++) regs[i] = 0x1000L * i + 7;
        byte[] fp = new byte[Registers.FP_SIZE];
        fp[24] = (byte) 0x80;
        List<Mapping> maps = List.of(
                new Mapping(0x400000, 0x401000, 5, 0, 0, "/bin/prog", Mapping.Content.BLOB, "ab".repeat(32), 100),
                new Mapping(0x7ff000, 0x800000, 3, Mapping.ANONYMOUS, 0, "", Mapping.Content.ZERO, null, 0),
                new Mapping(0x900000, 0x901000, 1, 0, 0, "[vvar]", Mapping.Content.UNREADABLE, null, 0));
        return List.of(
                new TraceEvent.Exec(1, 1, "/bin/prog", List.of("prog", "ü"), regs, fp, new byte[] {1, 2}, maps,
                        List.of(new CpuidEntry(7, 0, true, 1, 2, 3, -4)), 0x2e7, List.of(new TraceEvent.PatchedFunction("__vdso_time", 0x1234, 201))),
                new TraceEvent.SyscallEnter(1, 0, new long[] {3, 0x7000, 4096, 0, 0, -1}, 0x401000),
                new TraceEvent.SyscallExit(1, 0, 5, 0, List.of(new MemoryWrite(0x7000, "hello".getBytes()),
                        MemoryWrite.ofBlob(0x8000, "cd".repeat(32), 1 << 20)), maps.subList(1, 2), null, null),
                new TraceEvent.SyscallExit(1, 15, 0, TraceEvent.SyscallExit.REFUSED, List.of(), List.of(), regs, fp),
                new TraceEvent.Signal(1, 14, TraceEvent.Disposition.HANDLER, new byte[128], regs, regs, fp,
                        List.of(new MemoryWrite(0x7fff0000, new byte[900])), new StackDigest(4096, 0x1234_5678_9abc_def0L)),
                new TraceEvent.Signal(1, 9, TraceEvent.Disposition.TERMINATE, new byte[128], regs, null, null, List.of(), null),
                new TraceEvent.Rdtsc(1, 0x401234, Long.MAX_VALUE, 3, true),
                new TraceEvent.Preempt(2, regs, new StackDigest(312, -5)),
                new TraceEvent.NewTask(2, 1, 1, TraceEvent.TaskKind.THREAD, 0x3d0f00, regs, fp, List.of(new MemoryWrite(0x10, new byte[4]))),
                new TraceEvent.TaskExit(2, 1, 0x0700, false, List.of()),
                new TraceEvent.Warning(2, "unknown-syscall", "sysfs (139) is not in the syscall table"),
                new TraceEvent.End(0));
    }

    private static List<TraceEvent> read(byte[] stream, boolean[] truncated) throws Exception {
        List<TraceEvent> out = new ArrayList<>();
        try (EventStreamReader r = new EventStreamReader(new ByteArrayInputStream(stream), "test")) {
            r.forEachRemaining(out::add);
            if (truncated != null) truncated[0] = r.truncated();
        }
        return out;
    }

    @Test
    void everyKindRoundTrips() throws Exception {
        Path file = work.resolve("events");
        try (EventStreamWriter w = new EventStreamWriter(file)) {
            for (TraceEvent e : oneOfEach()) w.append(e);
        }
        List<TraceEvent> back = read(Files.readAllBytes(file), null);
        assertThat(back).usingRecursiveFieldByFieldElementComparator().isEqualTo(oneOfEach());
    }

    @Test
    void aStreamCutAnywhereReadsUpToItsLastCompleteChunk() throws Exception {
        Path file = work.resolve("events");
        List<TraceEvent> written = new ArrayList<>();
        try (EventStreamWriter w = new EventStreamWriter(file)) {
            for (int i = 0; i < 3; i++) {
                for (TraceEvent e : oneOfEach()) {
                    w.append(e);
                    written.add(e);
                }
                w.flush(); // three chunks
            }
        }
        byte[] all = Files.readAllBytes(file);
        int previous = 0;
        for (int cut = 16; cut < all.length; cut += 7) {
            boolean[] truncated = new boolean[1];
            List<TraceEvent> events = read(java.util.Arrays.copyOf(all, cut), truncated);
            assertThat(events.size() % oneOfEach().size()).isZero(); // whole chunks only
            assertThat(events.size()).isGreaterThanOrEqualTo(previous);
            previous = events.size();
            assertThat(events).usingRecursiveFieldByFieldElementComparator().isEqualTo(written.subList(0, events.size()));
        }
        boolean[] truncated = new boolean[1];
        assertThat(read(all, truncated)).hasSize(written.size());
        assertThat(truncated[0]).isFalse();
    }
}
