package dev.omniscope.indexer.dataflow;

import dev.omniscope.indexer.emu.Instruction;

/** x86 condition codes (the suffix of cmovCC, setCC, jCC) over rflags. */
final class Conditions {
    private Conditions() {}

    /** Whether condition {@code cc} ("e", "ne", "l", "ae"...) holds for {@code flags}; false for an unknown suffix. */
    static boolean holds(String cc, long flags) {
        boolean cf = (flags & Instruction.CF) != 0, zf = (flags & Instruction.ZF) != 0, sf = (flags & Instruction.SF) != 0,
                of = (flags & Instruction.OF) != 0, pf = (flags & Instruction.PF) != 0;
        return switch (cc) {
            case "o" -> of;
            case "no" -> !of;
            case "b", "c", "nae" -> cf;
            case "ae", "nb", "nc" -> !cf;
            case "e", "z" -> zf;
            case "ne", "nz" -> !zf;
            case "be", "na" -> cf || zf;
            case "a", "nbe" -> !cf && !zf;
            case "s" -> sf;
            case "ns" -> !sf;
            case "p", "pe" -> pf;
            case "np", "po" -> !pf;
            case "l", "nge" -> sf != of;
            case "ge", "nl" -> sf == of;
            case "le", "ng" -> zf || sf != of;
            case "g", "nle" -> !zf && sf == of;
            default -> false;
        };
    }
}
