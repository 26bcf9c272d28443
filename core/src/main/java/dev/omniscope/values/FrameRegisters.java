package dev.omniscope.values;

import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The general registers of one frame by DWARF number (0-15: rax rdx rcx rbx rsi rdi rbp rsp
 * r8-r15) and its pc (16, the return-address column), each known or not: the innermost frame's
 * as recorded, an outer frame's as {@link Unwinder} recovered them.
 */
public final class FrameRegisters {
    public static final int COUNT = 17;

    private final long[] values = new long[COUNT];
    private final boolean[] known = new boolean[COUNT];

    public FrameRegisters() {}

    /** A frame's registers from values indexed by DWARF number; null entries are unknown. */
    public static FrameRegisters of(Long... byDwarfNumber) {
        FrameRegisters r = new FrameRegisters();
        for (int i = 0; i < byDwarfNumber.length && i < COUNT; i++) {
            if (byDwarfNumber[i] != null) r.set(i, byDwarfNumber[i]);
        }
        return r;
    }

    public OptionalLong get(int dwarfRegister) {
        if (dwarfRegister < 0 || dwarfRegister >= COUNT || !known[dwarfRegister]) return OptionalLong.empty();
        return OptionalLong.of(values[dwarfRegister]);
    }

    public FrameRegisters set(int dwarfRegister, long value) {
        values[dwarfRegister] = value;
        known[dwarfRegister] = true;
        return this;
    }

    public FrameRegisters forget(int dwarfRegister) {
        known[dwarfRegister] = false;
        return this;
    }

    /** The frame's pc (for an outer frame, the return address). */
    public OptionalLong pc() {
        return get(16);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameRegisters r && Arrays.equals(known, r.known) && Arrays.equals(masked(), r.masked());
    }

    private long[] masked() {
        long[] m = values.clone();
        for (int i = 0; i < COUNT; i++) if (!known[i]) m[i] = 0;
        return m;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(masked());
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < COUNT; i++) {
            if (known[i]) b.append(b.length() > 1 ? ", " : "").append(i).append("=0x").append(Long.toHexString(values[i]));
        }
        return b.append('}').toString();
    }
}
