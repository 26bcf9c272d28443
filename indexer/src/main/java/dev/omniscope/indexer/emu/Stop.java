package dev.omniscope.indexer.emu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Why {@link Emulator#run} returned (struct omni_stop).
 *
 * @param detail     MEM_FAULT: {@link #FAULT_READ}/{@link #FAULT_WRITE}/{@link #FAULT_FETCH}, plus
 *                   {@link #FAULT_PROT} when the page is mapped; INTERRUPT: the vector; BUFFER_FULL:
 *                   OMNI_TRACE_* bits of the full tables; NONDET: OMNI_NONDET_*
 * @param rip        address of the instruction the stop is about (the syscall, the faulting or
 *                   invalid instruction, the one about to run)
 * @param faultAddr  MEM_FAULT: the address accessed
 * @param step       step of the next instruction
 * @param ucErr      Unicorn's error for the run, 0 when it stopped cleanly
 * @param steps      instructions executed by this run
 */
public record Stop(Reason reason, int detail, long rip, long faultAddr, long step, int ucErr, long steps) {
    public static final int FAULT_READ = EmuNative.OMNI_FAULT_READ;
    public static final int FAULT_WRITE = EmuNative.OMNI_FAULT_WRITE;
    public static final int FAULT_FETCH = EmuNative.OMNI_FAULT_FETCH;
    public static final int FAULT_PROT = EmuNative.OMNI_FAULT_PROT;

    public enum Reason {
        SYSCALL, ADDRESS, FINGERPRINT, BUFFER_FULL, LIMIT, INVALID_INSN, MEM_FAULT, INTERRUPT, ERROR, NONDET;

        static Reason of(int code) {
            if (code < 1 || code > values().length) throw new IllegalStateException("unknown stop reason " + code);
            return values()[code - 1];
        }
    }

    /** Bytes of struct omni_stop, the buffer {@link Emulator#run} hands to omni_emu_run. */
    static int size() {
        return Layout.STOP.size();
    }

    static Stop decode(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        return new Stop(Reason.of(b.getInt(Layout.REASON)), b.getInt(Layout.DETAIL), b.getLong(Layout.RIP),
                b.getLong(Layout.FAULT_ADDR), b.getLong(Layout.STEP), b.getInt(Layout.UC_ERR), b.getLong(Layout.STEPS));
    }

    /** Offsets in struct omni_stop, from the library (read when the first stop is decoded). */
    private static final class Layout {
        static final StructLayout STOP = new StructLayout(Emulator.LIB, EmuNative.OMNI_LAYOUT_STOP, "omni_stop");
        static final int REASON = STOP.offset("reason", 4), DETAIL = STOP.offset("detail", 4), RIP = STOP.offset("rip", 8),
                FAULT_ADDR = STOP.offset("fault_addr", 8), STEP = STOP.offset("step", 8), UC_ERR = STOP.offset("uc_err", 4),
                STEPS = STOP.offset("steps", 8);
    }

    /** MEM_FAULT: read, write or fetch ({@link #FAULT_READ}...), without the protection bit. */
    public int faultKind() {
        return detail & 3;
    }

    /** MEM_FAULT: the page was mapped but the access not permitted. */
    public boolean protectionFault() {
        return (detail & FAULT_PROT) != 0;
    }
}
