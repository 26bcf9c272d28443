package dev.omniscope.indexer.emu;

import static dev.omniscope.recorder.testing.Omni.testProgram;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.omniscope.recorder.ptrace.Ptrace;
import dev.omniscope.recorder.testing.Omni;
import dev.omniscope.trace.CpuidEntry;
import dev.omniscope.trace.EmulatedCpu;
import dev.omniscope.trace.EventStreamReader;
import dev.omniscope.trace.Registers;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceEvent;

/**
 * The CPU the program sees is the CPU the emulator is: for every ISA extension the recorder's
 * CPUID table shows, a representative instruction (native/testprogs/isa_probe.c) gives the same
 * registers, flags and memory in the emulator as natively; and the extensions the table hides
 * are hidden for a reason (the emulator fails them), so that the list in {@link EmulatedCpu} stays
 * measured rather than guessed.
 */
class IsaProbeTest {
    // isa_probe.c's inputs (IN_RAX...): keep in sync.
    private static final long IN_RAX = 0x0123456789abcdefL, IN_RBX = 0xfedcba9876543210L, IN_RCX = 5, IN_RDX = 0xf0f0f0f0L;
    private static final long CODE = 0x10000, DATA = 0x20000;

    private record Line(String name, String feature, byte[] code, long rax, long rbx, long rcx, long rdx, long flags,
                        String xmm0, String xmm1, String mem) {
        long flagsMask() {
            // The flags the instruction defines: isa_probe prints only those, so the set bits of
            // the native value are not enough; re-derive from the name (as isa_probe.c's table).
            return switch (name) {
                case "popcnt", "pcmpistri" -> 0x8d5;
                case "lzcnt", "tzcnt" -> 0x41;
                case "andn" -> 0x8c1;
                case "bextr" -> 0x841;
                case "adcx" -> 0x1;
                case "adox" -> 0x800;
                case "cmpxchg16b" -> 0x40;
                default -> 0;
            };
        }
    }

    private static List<CpuidEntry> table;
    private static List<String> hiddenOnHost;

    @BeforeAll
    static void recordedTable(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(new Ptrace().hasCpuidFaulting(), "this machine has no CPUID faulting (arch_prctl(ARCH_SET_CPUID) fails): programs that ask the CPU themselves see features the replay cannot run (docs/limitations.md)");
        Path trace = dir.resolve("t");
        Omni.Run run = Omni.record(trace, List.of(testProgram("hello_static").toString()));
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        try (Trace t = Trace.open(trace); EventStreamReader r = t.events()) {
            table = ((TraceEvent.Exec) r.next()).cpuid();
            hiddenOnHost = t.header().masking().features();
        }
    }

    private static List<Line> probe(List<String> features) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(testProgram("isa_probe").toString()));
        cmd.addAll(features);
        Omni.Run run = Omni.run(cmd, java.util.Map.of(), null);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        List<Line> lines = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        for (String l : run.stdout().split("\n")) {
            if (l.isBlank()) continue;
            String[] f = l.split(" ");
            lines.add(new Line(f[0], f[1], hex.parseHex(f[2]), Long.parseUnsignedLong(f[3], 16), Long.parseUnsignedLong(f[4], 16),
                    Long.parseUnsignedLong(f[5], 16), Long.parseUnsignedLong(f[6], 16), Long.parseUnsignedLong(f[7], 16), f[8], f[9], f[10]));
        }
        return lines;
    }

    /** The instruction's outcome in the emulator, as isa_probe prints it, or why it failed. */
    private static String emulate(Line l) {
        try (Emulator emu = new Emulator()) {
            emu.map(CODE, 0x1000, Emulator.PROT_READ | Emulator.PROT_EXEC);
            emu.map(DATA, 0x1000, Emulator.PROT_READ | Emulator.PROT_WRITE);
            emu.write(CODE, l.code());
            byte[] mem = new byte[64];
            for (int i = 0; i < 64; i++) mem[i] = (byte) (3 * i + 1);
            emu.write(DATA, mem);
            byte[] fx = emu.fpregs();
            for (int r = 0; r < 3; r++) for (int i = 0; i < 16; i++) fx[160 + 16 * r + i] = (byte) (0x11 * (r + 1) + 7 * i);
            emu.setFpregs(fx);
            long[] regs = emu.regs();
            regs[Registers.RAX] = IN_RAX;
            regs[Registers.RBX] = IN_RBX;
            regs[Registers.RCX] = IN_RCX;
            regs[Registers.RDX] = IN_RDX;
            regs[Registers.RSI] = DATA;
            regs[Registers.R8] = 0;
            regs[Registers.RIP] = CODE;
            emu.setRegs(regs);
            emu.setStopAddress(CODE + l.code().length);
            Stop stop = emu.run(0);
            if (stop.reason() != Stop.Reason.ADDRESS) return "stopped: " + stop;
            long[] r = emu.regs();
            byte[] out = emu.fpregs();
            HexFormat hex = HexFormat.of();
            long mem8 = ByteBuffer.wrap(emu.read(DATA, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
            return String.format("%016x %016x %016x %016x %016x %s %s %016x", r[Registers.RAX], r[Registers.RBX], r[Registers.RCX],
                    r[Registers.RDX], r[Registers.EFLAGS] & l.flagsMask(), hex.formatHex(out, 160, 176), hex.formatHex(out, 176, 192), mem8);
        }
    }

    private static String nativeOutcome(Line l) {
        return String.format("%016x %016x %016x %016x %016x %s %s %s", l.rax(), l.rbx(), l.rcx(), l.rdx(), l.flags(), l.xmm0(), l.xmm1(), l.mem());
    }

    private static boolean probed(String feature) {
        return !feature.equals("OSXSAVE"); // xgetbv's answer is the replay's (from the recording), not the emulator's
    }

    @Test
    void everyExtensionTheTableShowsRunsInTheEmulatorAsNatively() throws Exception {
        List<String> shown = new ArrayList<>();
        for (EmulatedCpu.Feature f : EmulatedCpu.Feature.values()) if (f.in(table)) shown.add(f.name());
        assertThat(shown).contains("SSE4_2", "AES").doesNotContain("AVX", "AVX2", "AVX512F", "RDRAND", "RDSEED", "POPCNT");
        List<Line> lines = probe(shown);
        assertThat(lines).isNotEmpty();
        for (Line l : lines) {
            assertThat(emulate(l)).as("%s (%s), shown by the recorder's CPUID", l.name(), l.feature()).isEqualTo(nativeOutcome(l));
        }
    }

    @Test
    void everyExtensionTheTableHidesFailsInTheEmulator() throws Exception {
        // Only those this host has (it runs them natively); ERMS, FSRM and the like have no probe.
        List<String> features = hiddenOnHost.stream().filter(IsaProbeTest::probed).toList();
        for (Line l : probe(features)) {
            if (!hiddenOnHost.contains(l.feature())) continue;
            String emulated = emulate(l);
            System.out.printf("hidden %-10s %-12s emulator: %s%n", l.feature(), l.name(),
                    emulated.equals(nativeOutcome(l)) ? "same as native" : emulated.startsWith("stopped") ? emulated : "different result");
            if (l.feature().equals("BMI2") && !l.name().equals("pdep")) continue; // BMI2 goes with pdep's wrong answer
            assertThat(emulated).as("%s (%s) runs in the emulator: show %s in EmulatedCpu", l.name(), l.feature(), l.feature())
                    .isNotEqualTo(nativeOutcome(l));
        }
    }
}
