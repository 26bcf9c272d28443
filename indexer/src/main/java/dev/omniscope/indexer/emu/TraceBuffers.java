package dev.omniscope.indexer.emu;

import jnr.ffi.Pointer;

/**
 * The emulator's trace tables (struct omni_trace), drained between runs into Java arrays with one
 * bulk copy per column.
 */
public final class TraceBuffers {
    /** Blocks: step of the first instruction, its address, instructions executed in this entry. */
    public record Blocks(long[] step, long[] rip, int[] insns) {
        public int rows() { return step.length; }
    }

    /** Stores: step, rip, addr, size (1..16), old and new bytes (16 per row, first size meaningful). */
    public record Mem(long[] step, long[] rip, long[] addr, byte[] sizes, byte[] oldBytes, byte[] newBytes) {
        public int rows() { return step.length; }

        public byte[] oldBytes(int row) { return slice(oldBytes, row); }

        public byte[] newBytes(int row) { return slice(newBytes, row); }

        private byte[] slice(byte[] all, int row) {
            byte[] out = new byte[sizes[row]];
            System.arraycopy(all, 16 * row, out, 0, out.length);
            return out;
        }
    }

    /** Register changes: step, register id ({@link dev.omniscope.trace.Registers}), new value (xmm: lo and hi halves). */
    public record Regs(long[] step, byte[] id, long[] lo, long[] hi) {
        public int rows() { return step.length; }
    }

    /** Calls and returns: kind {@link #CALL} or {@link #RET}; args 6 per row (rdi rsi rdx rcx r8 r9). */
    public record Control(long[] step, byte[] kind, long[] rip, long[] target, long[] sp, long[] args, long[] ret) {
        public static final int CALL = EmuNative.OMNI_CTL_CALL;
        public static final int RET = EmuNative.OMNI_CTL_RET;

        public int rows() { return step.length; }

        public long arg(int row, int n) { return args[6 * row + n]; }
    }

    /** The rows of every table at one drain. */
    public record Batch(Blocks blocks, Mem mem, Regs regs, Control control) {}

    /**
     * The same rows as raw columns: each column's bytes exactly as the emulator laid them out
     * (little-endian, fixed width), for writers that copy whole columns at once. Control rows,
     * few and needed one by one, come decoded.
     */
    public record RawBatch(int blocks, byte[] blockStep, byte[] blockRip, byte[] blockInsns,
                           int mem, byte[] memStep, byte[] memRip, byte[] memAddr, byte[] memSize, byte[] memOld, byte[] memNew,
                           int regs, byte[] regStep, byte[] regId, byte[] regLo, byte[] regHi,
                           Control control) {}

    // Offsets in struct omni_trace, from the library: every one used here is 8 bytes (a count or a
    // column's pointer); the columns' element widths are emu.h's.
    private static final StructLayout LAYOUT = new StructLayout(Emulator.LIB, EmuNative.OMNI_LAYOUT_TRACE, "omni_trace");
    private static final int CAPACITY = word("capacity"), LOST = word("lost"), RESYNCS = word("resyncs");
    private static final int NBLOCKS = word("nblocks"), BLOCK_STEP = word("block_step"), BLOCK_RIP = word("block_rip"),
            BLOCK_INSNS = word("block_insns");
    private static final int NMEM = word("nmem"), MEM_STEP = word("mem_step"), MEM_RIP = word("mem_rip"),
            MEM_ADDR = word("mem_addr"), MEM_SIZE = word("mem_size"), MEM_OLD = word("mem_old"), MEM_NEW = word("mem_new");
    private static final int NREGS = word("nregs"), REG_STEP = word("reg_step"), REG_ID = word("reg_id"),
            REG_LO = word("reg_lo"), REG_HI = word("reg_hi");
    private static final int NCTL = word("nctl"), CTL_STEP = word("ctl_step"), CTL_KIND = word("ctl_kind"),
            CTL_RIP = word("ctl_rip"), CTL_TARGET = word("ctl_target"), CTL_SP = word("ctl_sp"), CTL_ARGS = word("ctl_args"),
            CTL_RET = word("ctl_ret");

    private static int word(String field) {
        return LAYOUT.offset(field, 8);
    }

    private final Emulator emu;

    TraceBuffers(Emulator emu) {
        this.emu = emu;
    }

    private Pointer trace() {
        return Emulator.LIB.omni_emu_trace(emu.handle());
    }

    /** Copies every table's rows out and empties the tables. */
    public Batch drain() {
        Batch batch = peek();
        Emulator.LIB.omni_emu_trace_clear(emu.handle());
        return batch;
    }

    /** Copies every table's rows out as raw columns and empties the tables. */
    public RawBatch drainRaw() {
        Pointer t = trace();
        int nb = count(t, NBLOCKS), nm = count(t, NMEM), nr = count(t, NREGS);
        RawBatch raw = new RawBatch(nb, bytes(t, BLOCK_STEP, 8 * nb), bytes(t, BLOCK_RIP, 8 * nb),
                bytes(t, BLOCK_INSNS, 4 * nb),
                nm, bytes(t, MEM_STEP, 8 * nm), bytes(t, MEM_RIP, 8 * nm), bytes(t, MEM_ADDR, 8 * nm),
                bytes(t, MEM_SIZE, nm), bytes(t, MEM_OLD, 16 * nm), bytes(t, MEM_NEW, 16 * nm),
                nr, bytes(t, REG_STEP, 8 * nr), bytes(t, REG_ID, nr), bytes(t, REG_LO, 8 * nr), bytes(t, REG_HI, 8 * nr),
                control(t));
        Emulator.LIB.omni_emu_trace_clear(emu.handle());
        return raw;
    }

    /** Copies every table's rows out, leaving them in place. */
    public Batch peek() {
        Pointer t = trace();
        int nb = count(t, NBLOCKS), nm = count(t, NMEM), nr = count(t, NREGS);
        Blocks blocks = new Blocks(longs(t, BLOCK_STEP, nb), longs(t, BLOCK_RIP, nb), ints(t, BLOCK_INSNS, nb));
        Mem mem = new Mem(longs(t, MEM_STEP, nm), longs(t, MEM_RIP, nm), longs(t, MEM_ADDR, nm), bytes(t, MEM_SIZE, nm),
                bytes(t, MEM_OLD, 16 * nm), bytes(t, MEM_NEW, 16 * nm));
        Regs regs = new Regs(longs(t, REG_STEP, nr), bytes(t, REG_ID, nr), longs(t, REG_LO, nr), longs(t, REG_HI, nr));
        return new Batch(blocks, mem, regs, control(t));
    }

    private static Control control(Pointer t) {
        int nc = count(t, NCTL);
        return new Control(longs(t, CTL_STEP, nc), bytes(t, CTL_KIND, nc), longs(t, CTL_RIP, nc), longs(t, CTL_TARGET, nc),
                longs(t, CTL_SP, nc), longs(t, CTL_ARGS, 6 * nc), longs(t, CTL_RET, nc));
    }

    /** Records the block in progress (blocks are otherwise recorded when they end). */
    public void flush() {
        Emulator.LIB.omni_emu_trace_flush(emu.handle());
    }

    /** Rows dropped because a table was completely full (0 unless an instruction exceeds the margin). */
    public long lost() {
        return trace().getLong(LOST);
    }

    /** Register changes the per-instruction tracking missed and the end-of-run check found. */
    public long resyncs() {
        return trace().getLong(RESYNCS);
    }

    public long capacity() {
        return trace().getLong(CAPACITY);
    }

    private static int count(Pointer t, int offset) {
        return Math.toIntExact(t.getLong(offset));
    }

    private static long[] longs(Pointer t, int offset, int n) {
        long[] out = new long[n];
        if (n > 0) t.getPointer(offset).get(0, out, 0, n);
        return out;
    }

    private static int[] ints(Pointer t, int offset, int n) {
        int[] out = new int[n];
        if (n > 0) t.getPointer(offset).get(0, out, 0, n);
        return out;
    }

    private static byte[] bytes(Pointer t, int offset, int n) {
        byte[] out = new byte[n];
        if (n > 0) t.getPointer(offset).get(0, out, 0, n);
        return out;
    }
}
