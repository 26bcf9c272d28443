package dev.omniscope.trace;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The CPU the program sees is the CPU the emulator is: the one definition of which CPUID feature
 * bits a recorded program is told about. The recorder answers every CPUID the program executes
 * from {@link #table} (CPUID faulting) and stores that same table in each Exec event, from which
 * the replay answers; so record and replay take the same code paths.
 *
 * <p>In the registers that list instruction-set extensions (CPUID.1:ECX, CPUID.7.0:EBX/ECX/EDX,
 * CPUID.80000001H:ECX, CPUID.80000008H:EBX) only the bits of {@link Feature}s marked as shown survive: an
 * allowlist, so a feature this list does not know is hidden. Leaf 7's other subleaves and leaf 0xD
 * (XSAVE state, hidden with XSAVE) are zero. Everything else (vendor, family, caches, topology,
 * CPUID.1:EDX and CPUID.80000001H:EDX, the baseline x86-64 set) is the host's.
 *
 * <p>Which features are shown was measured (native/testprogs/isa_probe.c against the emulator,
 * IsaProbeTest): Unicorn 2.0.1 resets the emulated CPU's feature words after creating it, whatever
 * CPU model is asked for, to SSE3/SSSE3/SSE4.1/SSE4.2/AES/CX16, ABM, BMI1/BMI2/ADX; popcnt, movbe,
 * pclmulqdq, SHA, xsave/xgetbv, AVX* and GFNI raise an invalid-instruction error, and pdep/pext give
 * wrong results (QEMU's operand-order bug before 7.1), so BMI2 is hidden too. RDRAND and RDSEED
 * execute but cannot replay (their values are not recorded): hidden, programs take their fallback.
 */
public final class EmulatedCpu {
    public enum Reg { EAX, EBX, ECX, EDX }

    /** A CPUID feature bit, and whether the emulated CPU shows it. */
    public enum Feature {
        // CPUID.1:ECX
        SSE3(1, Reg.ECX, 0, true), PCLMULQDQ(1, Reg.ECX, 1, false), SSSE3(1, Reg.ECX, 9, true),
        FMA(1, Reg.ECX, 12, false), CX16(1, Reg.ECX, 13, true), PCID(1, Reg.ECX, 17, true),
        SSE4_1(1, Reg.ECX, 19, true), SSE4_2(1, Reg.ECX, 20, true), X2APIC(1, Reg.ECX, 21, true),
        MOVBE(1, Reg.ECX, 22, false), POPCNT(1, Reg.ECX, 23, false), TSC_DEADLINE(1, Reg.ECX, 24, true),
        AES(1, Reg.ECX, 25, true), XSAVE(1, Reg.ECX, 26, false), OSXSAVE(1, Reg.ECX, 27, false),
        AVX(1, Reg.ECX, 28, false), F16C(1, Reg.ECX, 29, false), RDRAND(1, Reg.ECX, 30, false),
        HYPERVISOR(1, Reg.ECX, 31, true),
        // CPUID.7.0:EBX
        FSGSBASE(7, Reg.EBX, 0, false), BMI1(7, Reg.EBX, 3, true), AVX2(7, Reg.EBX, 5, false),
        BMI2(7, Reg.EBX, 8, false), ERMS(7, Reg.EBX, 9, false), AVX512F(7, Reg.EBX, 16, false),
        AVX512DQ(7, Reg.EBX, 17, false), RDSEED(7, Reg.EBX, 18, false), ADX(7, Reg.EBX, 19, true),
        AVX512IFMA(7, Reg.EBX, 21, false), CLFLUSHOPT(7, Reg.EBX, 23, false), CLWB(7, Reg.EBX, 24, false),
        AVX512CD(7, Reg.EBX, 28, false), SHA(7, Reg.EBX, 29, false), AVX512BW(7, Reg.EBX, 30, false),
        AVX512VL(7, Reg.EBX, 31, false),
        // CPUID.7.0:ECX
        AVX512VBMI(7, Reg.ECX, 1, false), AVX512VBMI2(7, Reg.ECX, 6, false), GFNI(7, Reg.ECX, 8, false),
        VAES(7, Reg.ECX, 9, false), VPCLMULQDQ(7, Reg.ECX, 10, false), AVX512VNNI(7, Reg.ECX, 11, false),
        AVX512BITALG(7, Reg.ECX, 12, false), AVX512VPOPCNTDQ(7, Reg.ECX, 14, false), RDPID(7, Reg.ECX, 22, false),
        // CPUID.7.0:EDX
        FSRM(7, Reg.EDX, 4, false),
        // CPUID.80000001H:ECX
        LAHF_LM(0x80000001, Reg.ECX, 0, true), CMP_LEGACY(0x80000001, Reg.ECX, 1, true),
        CR8_LEGACY(0x80000001, Reg.ECX, 4, true), ABM(0x80000001, Reg.ECX, 5, true),
        SSE4A(0x80000001, Reg.ECX, 6, false), MISALIGNSSE(0x80000001, Reg.ECX, 7, true),
        PREFETCHW(0x80000001, Reg.ECX, 8, false), TOPOEXT(0x80000001, Reg.ECX, 22, true),
        // CPUID.80000008H:EBX
        CLZERO(0x80000008, Reg.EBX, 0, false), RDPRU(0x80000008, Reg.EBX, 4, false);

        public final int leaf;
        public final Reg reg;
        public final int bit;
        public final boolean shown;

        Feature(int leaf, Reg reg, int bit, boolean shown) {
            this.leaf = leaf;
            this.reg = reg;
            this.bit = bit;
            this.shown = shown;
        }

        /** Whether a CPUID table (the trace's, or the host's) advertises this feature. */
        public boolean in(List<CpuidEntry> table) {
            int[] r = answer(table, leaf, 0);
            return (r[reg.ordinal()] >>> bit & 1) != 0;
        }
    }

    /** The registers whose bits are an allowlist of {@link Feature}s; other registers pass unchanged. */
    private static final List<int[]> FILTERED = List.of(new int[] {1, 2}, new int[] {7, 1}, new int[] {7, 2},
            new int[] {7, 3}, new int[] {0x80000001, 2}, new int[] {0x80000008, 1});

    private EmulatedCpu() {}

    /** The host's features the emulated CPU does not show (for the trace header and messages). */
    public static List<String> hidden(List<CpuidEntry> host) {
        List<String> out = new ArrayList<>();
        for (Feature f : Feature.values()) if (!f.shown && f.in(host)) out.add(f.name());
        return out;
    }

    /** The features shown, for tests. */
    public static Set<Feature> shown() {
        Set<Feature> s = EnumSet.noneOf(Feature.class);
        for (Feature f : Feature.values()) if (f.shown) s.add(f);
        return s;
    }

    /** The table of the CPU the emulator is, from the host's full table. */
    public static List<CpuidEntry> table(List<CpuidEntry> host) {
        List<CpuidEntry> out = new ArrayList<>(host.size());
        for (CpuidEntry e : host) {
            int[] r = {e.eax(), e.ebx(), e.ecx(), e.edx()};
            if (e.leaf() == 0xD || (e.leaf() == 7 && e.subleaf() != 0)) {
                r = new int[4];
            } else if (e.leaf() != 7 || e.subleaf() == 0) {
                for (int[] f : FILTERED) {
                    if (f[0] == e.leaf()) r[f[1]] &= allowed(e.leaf(), Reg.values()[f[1]]);
                }
            }
            out.add(new CpuidEntry(e.leaf(), e.subleaf(), e.subleafSignificant(), r[0], r[1], r[2], r[3]));
        }
        return out;
    }

    private static int allowed(int leaf, Reg reg) {
        int mask = 0;
        for (Feature f : Feature.values()) if (f.shown && f.leaf == leaf && f.reg == reg) mask |= 1 << f.bit;
        return mask;
    }

    /**
     * What CPUID answers from a table for (leaf, subleaf): an exact subleaf row, else a row that
     * matches any subleaf, else zeros. The replay's emulator answers the same way
     * (native/replay/emu_run.c, on_cpuid).
     */
    public static int[] answer(List<CpuidEntry> table, int leaf, int subleaf) {
        CpuidEntry any = null;
        for (CpuidEntry e : table) {
            if (e.leaf() != leaf) continue;
            if (e.subleafSignificant() && e.subleaf() == subleaf) return new int[] {e.eax(), e.ebx(), e.ecx(), e.edx()};
            if (!e.subleafSignificant() && any == null) any = e;
        }
        return any == null ? new int[4] : new int[] {any.eax(), any.ebx(), any.ecx(), any.edx()};
    }
}
