package dev.omniscope.recorder;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.omniscope.recorder.ptrace.Ptrace;
import dev.omniscope.trace.CpuidEntry;

/**
 * Asks this CPU every CPUID leaf and subleaf it reports, for the trace's table (the replay answers
 * CPUID from it). Leaves whose output depends on ECX are enumerated by subleaf; the others are
 * stored once and match any ECX.
 */
final class CpuidProbe {
    /** Leaves whose ECX input selects a subleaf (Intel SDM and AMD APM). */
    private static final Set<Integer> SUBLEAF_LEAVES = Set.of(0x4, 0x7, 0xB, 0xD, 0xF, 0x10, 0x12, 0x14, 0x17, 0x18,
            0x1D, 0x1E, 0x1F, 0x20, 0x23, 0x24, 0x8000001D, 0x80000020, 0x80000026);
    private static final int MAX_SUBLEAF = 63;

    private CpuidProbe() {}

    static List<CpuidEntry> probe(Ptrace ptrace) {
        List<CpuidEntry> table = new ArrayList<>();
        for (int base : new int[] {0, 0x40000000, 0x80000000}) {
            int max = ptrace.cpuid(base, 0)[0];
            if (Integer.compareUnsigned(max, base) < 0 || Integer.compareUnsigned(max, base + 0xFF) > 0) {
                if (base != 0) continue; // the range is absent (no hypervisor leaves, say)
            }
            for (long leaf = base & 0xFFFFFFFFL; leaf <= (max & 0xFFFFFFFFL); leaf++) {
                probeLeaf(ptrace, (int) leaf, table);
            }
        }
        return table;
    }

    private static void probeLeaf(Ptrace ptrace, int leaf, List<CpuidEntry> table) {
        if (!SUBLEAF_LEAVES.contains(leaf)) {
            int[] r = ptrace.cpuid(leaf, 0);
            table.add(new CpuidEntry(leaf, 0, false, r[0], r[1], r[2], r[3]));
            return;
        }
        for (int sub = 0; sub <= MAX_SUBLEAF; sub++) {
            int[] r = ptrace.cpuid(leaf, sub);
            // Past the last valid subleaf every register is zero (leaf 0xD has gaps, so keep going there).
            if (sub > 0 && r[0] == 0 && r[1] == 0 && r[2] == 0 && r[3] == 0 && leaf != 0xD) break;
            table.add(new CpuidEntry(leaf, sub, true, r[0], r[1], r[2], r[3]));
        }
    }
}
