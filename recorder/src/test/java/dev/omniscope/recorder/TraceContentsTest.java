package dev.omniscope.recorder;

import static dev.omniscope.recorder.testing.Events.of;
import static dev.omniscope.recorder.testing.Omni.record;
import static dev.omniscope.recorder.testing.Omni.testProgram;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.omniscope.recorder.ptrace.Ptrace;
import dev.omniscope.recorder.testing.Events;
import dev.omniscope.recorder.testing.Omni;
import dev.omniscope.syscalls.SyscallTable;
import dev.omniscope.trace.CpuidEntry;
import dev.omniscope.trace.EmulatedCpu;
import dev.omniscope.trace.Mapping;
import dev.omniscope.trace.MemoryWrite;
import dev.omniscope.trace.Registers;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceEvent;
import dev.omniscope.trace.TraceSummary;

/** What a trace holds, checked against what the recorded program did. */
class TraceContentsTest {
    @TempDir
    Path work;

    @Test
    void theBytesReadReturnedAreInTheTrace() throws Exception {
        byte[] content = new byte[100_000];
        new Random(42).nextBytes(content);
        Path file = Files.write(work.resolve("input.bin"), content);
        Path trace = work.resolve("sha256sum");
        Omni.Run run = record(trace, List.of("/usr/bin/sha256sum", file.toString())); // reads with read(2), unlike cat
        assertThat(run.exitCode()).isZero();

        List<TraceEvent> events = Events.all(trace);
        Map<Integer, Long> fdOf = new HashMap<>();
        ByteArrayOutputStream readBack = new ByteArrayOutputStream();
        for (TraceEvent e : events) {
            if (e instanceof TraceEvent.SyscallEnter s && s.number() == 0) fdOf.put(s.tid(), s.args()[0]);
            // sha256sum opens the file last (after ld.so and locales used the same descriptor number).
            if (e instanceof TraceEvent.SyscallExit x && x.number() == 257 && x.result() == 3) readBack.reset();
            if (e instanceof TraceEvent.SyscallExit x && x.number() == 0 && x.result() > 0 && fdOf.get(x.tid()) == 3) {
                assertThat(x.writes()).hasSize(1);
                MemoryWrite w = x.writes().get(0);
                assertThat(w.length()).isEqualTo(x.result());
                readBack.writeBytes(w.inline() ? w.bytes() : Events.blob(trace, w.blob()));
            }
        }
        assertThat(readBack.toByteArray()).isEqualTo(content);
    }

    @Test
    void timeRandomnessAndTheTimeStampCounterAreTheValuesTheProgramSaw() throws Exception {
        Path values = work.resolve("values.txt");
        Path trace = work.resolve("time");
        assertThat(record(trace, List.of(testProgram("time_random").toString(), values.toString())).exitCode()).isZero();
        Map<String, String> seen = new HashMap<>();
        for (String line : Files.readAllLines(values)) seen.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        List<TraceEvent> events = Events.all(trace);

        List<TraceEvent.Rdtsc> rdtsc = of(events, TraceEvent.Rdtsc.class);
        Set<Long> tscValues = new HashSet<>();
        rdtsc.forEach(r -> tscValues.add(r.tsc()));
        assertThat(tscValues).contains(Long.parseUnsignedLong(seen.get("rdtsc1")), Long.parseUnsignedLong(seen.get("rdtsc2")),
                Long.parseUnsignedLong(seen.get("rdtscp")));
        assertThat(rdtsc).filteredOn(TraceEvent.Rdtsc::rdtscp).singleElement()
                .satisfies(r -> assertThat(Integer.toUnsignedString(r.aux())).isEqualTo(seen.get("rdtscp_aux")));

        // The vDSO's clock_gettime became a real system call: its timespec is recorded.
        TraceEvent.Exec exec = of(events, TraceEvent.Exec.class).get(0);
        assertThat(exec.patched()).extracting(TraceEvent.PatchedFunction::syscall).contains(228, 96, 201);
        Set<String> timespecs = new HashSet<>();
        for (TraceEvent.SyscallExit x : of(events, TraceEvent.SyscallExit.class)) {
            if (x.number() == 228) {
                ByteBuffer b = ByteBuffer.wrap(x.writes().get(0).bytes()).order(ByteOrder.LITTLE_ENDIAN);
                timespecs.add(String.format("%d.%09d", b.getLong(), b.getLong()));
            }
        }
        assertThat(timespecs).contains(seen.get("monotonic1"), seen.get("monotonic2"), seen.get("realtime"));

        TraceEvent.SyscallExit getrandom = of(events, TraceEvent.SyscallExit.class).stream()
                .filter(x -> x.number() == 318 && x.result() == 16).reduce((a, b) -> b).orElseThrow();
        assertThat(HexFormat.of().formatHex(getrandom.writes().get(0).bytes())).isEqualTo(seen.get("getrandom"));
    }

    @Test
    void forkExecAndWaitAreFollowed() throws Exception {
        Path trace = work.resolve("fork");
        assertThat(record(trace, List.of(testProgram("fork_exec_wait").toString())).exitCode()).isZero();
        List<TraceEvent> events = Events.all(trace);
        int root = of(events, TraceEvent.Exec.class).get(0).pid();

        List<TraceEvent.NewTask> children = of(events, TraceEvent.NewTask.class);
        assertThat(children).hasSize(2).allSatisfy(c -> {
            assertThat(c.kind()).isEqualTo(TraceEvent.TaskKind.PROCESS);
            assertThat(c.parentTid()).isEqualTo(root);
            assertThat(c.pid()).isEqualTo(c.tid());
        });
        List<Long> forkResults = of(events, TraceEvent.SyscallExit.class).stream()
                .filter(x -> x.tid() == root && (x.number() == 56 || x.number() == 57 || x.number() == 435))
                .map(TraceEvent.SyscallExit::result).toList();
        assertThat(forkResults).containsExactly((long) children.get(0).tid(), (long) children.get(1).tid());
        List<Long> waited = of(events, TraceEvent.SyscallExit.class).stream()
                .filter(x -> x.tid() == root && x.number() == 61 && x.result() > 0).map(TraceEvent.SyscallExit::result).toList();
        assertThat(waited).containsExactly((long) children.get(0).tid(), (long) children.get(1).tid());

        List<TraceEvent.Exec> execs = of(events, TraceEvent.Exec.class);
        assertThat(execs).hasSize(2);
        assertThat(execs.get(1).pid()).isEqualTo(children.get(0).pid());
        assertThat(execs.get(1).executable()).isEqualTo("/usr/bin/echo");
        assertThat(execs.get(1).argv()).containsExactly("echo", "child says hi");

        Map<Integer, Integer> exitStatus = new HashMap<>();
        of(events, TraceEvent.TaskExit.class).forEach(x -> exitStatus.put(x.tid(), x.waitStatus()));
        assertThat(exitStatus.get(children.get(1).tid()) >> 8).isEqualTo(7);

        // libc mapped by both processes is one blob.
        Set<String> rootLibc = new HashSet<>(), childLibc = new HashSet<>();
        for (TraceEvent.SyscallExit x : of(events, TraceEvent.SyscallExit.class)) {
            for (Mapping m : x.mappings()) {
                if (m.path().endsWith("/libc.so.6") && m.blob() != null) {
                    (x.tid() == root ? rootLibc : childLibc).add(m.blob());
                }
            }
        }
        assertThat(rootLibc).isNotEmpty();
        assertThat(childLibc).containsAll(rootLibc);
    }

    @Test
    void theCpuidTableIsWhatThisCpuAnswers() throws Exception {
        Path trace = work.resolve("hello");
        record(trace, List.of(testProgram("hello_dynamic").toString()));
        List<CpuidEntry> table = of(Events.all(trace), TraceEvent.Exec.class).get(0).cpuid();
        Ptrace ptrace = new Ptrace();
        int[] leaf0 = ptrace.cpuid(0, 0);
        CpuidEntry recorded0 = table.stream().filter(c -> c.leaf() == 0).findFirst().orElseThrow();
        assertThat(new int[] {recorded0.eax(), recorded0.ebx(), recorded0.ecx(), recorded0.edx()}).isEqualTo(leaf0);
        String vendor = new String(ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(recorded0.ebx()).putInt(recorded0.edx()).putInt(recorded0.ecx()).array(), StandardCharsets.US_ASCII);
        assertThat(Files.readString(Path.of("/proc/cpuinfo"))).contains("vendor_id\t: " + vendor);
        assertThat(table).anySatisfy(c -> {
            assertThat(c.leaf()).isEqualTo(7);
            assertThat(c.subleaf()).isZero();
            assertThat(c.subleafSignificant()).isTrue();
        });
        assertThat(table).anySatisfy(c -> assertThat(c.leaf()).isEqualTo(0x80000000));
        assertThat(table).filteredOn(c -> c.leaf() == 0xD).hasSizeGreaterThan(1);
    }

    @Test
    void signalsAreRecordedWithTheirHandlerEntryAndFrame() throws Exception {
        Path trace = work.resolve("signals");
        assertThat(record(trace, List.of(testProgram("signals").toString())).exitCode()).isZero();
        List<TraceEvent> events = Events.all(trace);
        Map<String, Long> symbols = nm(testProgram("signals"), loadBase(of(events, TraceEvent.Exec.class).get(0)));
        List<TraceEvent.Signal> signals = of(events, TraceEvent.Signal.class);
        List<TraceEvent.Signal> alarms = signals.stream().filter(s -> s.signo() == 14).toList();
        assertThat(alarms).hasSizeGreaterThanOrEqualTo(3).allSatisfy(s -> {
            assertThat(s.disposition()).isEqualTo(TraceEvent.Disposition.HANDLER);
            assertThat(s.handlerRegs()[Registers.RIP]).isEqualTo(symbols.get("on_alarm"));
            assertThat(s.handlerRegs()[Registers.RDI]).isEqualTo(14);
            assertThat(s.frame()).singleElement().satisfies(f -> {
                assertThat(f.address()).isEqualTo(s.handlerRegs()[Registers.RSP]);
                assertThat(f.length()).isGreaterThan(400); // ucontext and siginfo at least
            });
        });
        assertThat(signals).filteredOn(s -> s.signo() == 10).singleElement()
                .satisfies(s -> assertThat(s.handlerRegs()[Registers.RIP]).isEqualTo(symbols.get("on_usr1")));
    }

    @Test
    void threadsAreCreatedInTheRootProcessAndAllEnd() throws Exception {
        Path trace = work.resolve("threads");
        assertThat(record(trace, List.of(testProgram("threads_mutex").toString())).exitCode()).isZero();
        List<TraceEvent> events = Events.all(trace);
        int root = of(events, TraceEvent.Exec.class).get(0).pid();
        assertThat(of(events, TraceEvent.NewTask.class)).hasSize(4)
                .allSatisfy(t -> assertThat(t.kind()).isEqualTo(TraceEvent.TaskKind.THREAD))
                .allSatisfy(t -> assertThat(t.pid()).isEqualTo(root));
        assertThat(of(events, TraceEvent.TaskExit.class)).hasSize(5);
    }

    @Test
    void mappedFilesCarryTheirContentAndTheHeaderSaysWhatWasMasked() throws Exception {
        Path trace = work.resolve("maps");
        assertThat(record(trace, List.of(testProgram("memory_maps").toString())).exitCode()).isZero();
        Mapping tempFile = of(Events.all(trace), TraceEvent.SyscallExit.class).stream()
                .flatMap(x -> x.mappings().stream()).filter(m -> m.path().startsWith("/tmp/")).findFirst().orElseThrow();
        assertThat(tempFile.content()).isEqualTo(Mapping.Content.BLOB);
        long sum = 0;
        for (byte b : Events.blob(trace, tempFile.blob())) sum += b & 0xff;
        assertThat(sum).isEqualTo(8355840); // what memory_maps printed for the same bytes

        try (Trace t = Trace.open(trace)) {
            assertThat(t.header().masking().enabled()).isTrue();
            if (!new Ptrace().hasCpuidFaulting()) {
                // the fallback: glibc is told by a variable, and the header says so
                assertThat(t.header().environment()).anyMatch(v -> v.startsWith("GLIBC_TUNABLES="));
                return;
            }
            // CPUID faulting hides the features: no variable reaches the program.
            assertThat(t.header().masking().variables()).isEmpty();
            assertThat(t.header().environmentChanges().set()).isEmpty();
            assertThat(t.header().environment()).noneMatch(v -> v.startsWith("GLIBC_TUNABLES=") || v.startsWith("OPENSSL_ia32cap="));
            List<CpuidEntry> table = of(Events.all(trace), TraceEvent.Exec.class).get(0).cpuid();
            assertThat(EmulatedCpu.Feature.SSE4_2.in(table)).isTrue();
            for (EmulatedCpu.Feature hidden : List.of(EmulatedCpu.Feature.AVX, EmulatedCpu.Feature.AVX2, EmulatedCpu.Feature.AVX512F,
                    EmulatedCpu.Feature.RDRAND, EmulatedCpu.Feature.RDSEED, EmulatedCpu.Feature.POPCNT, EmulatedCpu.Feature.XSAVE)) {
                assertThat(hidden.in(table)).as(hidden.name()).isFalse();
            }
        }
    }

    @Test
    void theProgramsCpuidAnswersFromTheTraceTableAlsoAfterExec() throws Exception {
        Assumptions.assumeTrue(new Ptrace().hasCpuidFaulting(), "this machine has no CPUID faulting (arch_prctl(ARCH_SET_CPUID) fails): programs that ask the CPU themselves see features the replay cannot run (docs/limitations.md)");
        // cpu_dispatch asks CPUID for AVX2, POPCNT and RDRAND (the host has them all): recorded, it
        // takes every fallback; through sh's fork and exec as well (execve resets CPUID faulting).
        Path direct = work.resolve("dispatch");
        Omni.Run run = record(direct, List.of(testProgram("cpu_dispatch").toString()));
        assertThat(run.stdout()).isEqualTo("sum=306206720 bits=35045 random=ok\n");
        assertThat(run.stderr()).contains("paths: sum=scalar bits=scalar random=getrandom");
        Omni.Run viaShell = record(work.resolve("dispatch-sh"), List.of("/bin/sh", "-c", testProgram("cpu_dispatch") + "; true"));
        assertThat(viaShell.stderr()).contains("paths: sum=scalar bits=scalar random=getrandom");
        assertThat(of(Events.all(direct), TraceEvent.Warning.class)).noneMatch(w -> w.code().equals("no-cpuid-faulting"));
    }

    @Test
    void rseqIsRefusedAndAnUnknownSyscallIsAWarning() throws Exception {
        Path trace = work.resolve("python");
        Omni.Run run = record(trace, List.of("/usr/bin/python3", "-c",
                "import ctypes; print(ctypes.CDLL(None).syscall(139, 3, 0, 0))")); // sysfs
        assertThat(run.stdout()).isNotBlank();
        List<TraceEvent> events = Events.all(trace);
        assertThat(of(events, TraceEvent.SyscallExit.class)).filteredOn(x -> x.number() == 334)
                .allSatisfy(x -> {
                    assertThat(x.result()).isEqualTo(-38);
                    assertThat(x.flags() & TraceEvent.SyscallExit.REFUSED).isNotZero();
                });
        assertThat(of(events, TraceEvent.Warning.class)).anySatisfy(w -> {
            assertThat(w.code()).isEqualTo("unknown-syscall");
            assertThat(w.message()).startsWith(SyscallTable.name(139) + " (139)");
        });
        assertThat(Omni.omni("info", trace.toString()).stdout()).contains("unknown-syscall: sysfs (139)");
    }

    @Test
    void infoSummarisesATrace() throws Exception {
        Path trace = work.resolve("counter");
        record(trace, List.of(testProgram("counter").toString()));
        Omni.Run info = Omni.omni("info", trace.toString());
        assertThat(info.exitCode()).isZero();
        assertThat(info.stdout()).contains("state       complete", "exit        exited with status 0", "exit_group", "masking     ");
        try (Trace t = Trace.open(trace)) {
            TraceSummary s = TraceSummary.of(t);
            assertThat(s.processes()).singleElement().satisfies(p -> assertThat(p.programs().get(0)).endsWith("/counter"));
            assertThat(s.eventCounts()).containsKeys("exec", "syscall_enter", "syscall_exit", "task_exit", "end");
            assertThat(s.syscalls()).containsKey("write");
        }
        Omni.Run json = Omni.omni("info", "--json", trace.toString());
        assertThat(json.stdout()).contains("\"complete\" : true");
    }

    /** Where the position-independent executable was loaded: its first mapping (file offset 0). */
    static long loadBase(TraceEvent.Exec exec) {
        return exec.mappings().stream().filter(m -> m.path().equals(exec.executable()) && m.offset() == 0)
                .findFirst().orElseThrow().start();
    }

    static Map<String, Long> nm(Path program, long base) throws Exception {
        Omni.Run run = Omni.run(List.of("nm", program.toString()), Map.of(), null);
        Map<String, Long> symbols = new HashMap<>();
        for (String line : run.stdout().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) symbols.put(f[2], base + Long.parseUnsignedLong(f[0], 16));
        }
        return symbols;
    }
}
