package dev.omniscope.indexer.emu;

import dev.omniscope.indexer.emu.EmuNative.TraceLayout;
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

    /** Register changes: step, register id ({@link Reg}), new value (xmm: lo and hi halves). */
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
        int nb = count(t, TraceLayout.NBLOCKS), nm = count(t, TraceLayout.NMEM);
        int nr = count(t, TraceLayout.NREGS), nc = count(t, TraceLayout.NCTL);
        Control control = new Control(longs(t, TraceLayout.CTL_STEP, nc), bytes(t, TraceLayout.CTL_KIND, nc),
                longs(t, TraceLayout.CTL_RIP, nc), longs(t, TraceLayout.CTL_TARGET, nc),
                longs(t, TraceLayout.CTL_SP, nc), longs(t, TraceLayout.CTL_ARGS, 6 * nc),
                longs(t, TraceLayout.CTL_RET, nc));
        RawBatch raw = new RawBatch(nb, bytes(t, TraceLayout.BLOCK_STEP, 8 * nb), bytes(t, TraceLayout.BLOCK_RIP, 8 * nb),
                bytes(t, TraceLayout.BLOCK_INSNS, 4 * nb),
                nm, bytes(t, TraceLayout.MEM_STEP, 8 * nm), bytes(t, TraceLayout.MEM_RIP, 8 * nm),
                bytes(t, TraceLayout.MEM_ADDR, 8 * nm), bytes(t, TraceLayout.MEM_SIZE, nm),
                bytes(t, TraceLayout.MEM_OLD, 16 * nm), bytes(t, TraceLayout.MEM_NEW, 16 * nm),
                nr, bytes(t, TraceLayout.REG_STEP, 8 * nr), bytes(t, TraceLayout.REG_ID, nr),
                bytes(t, TraceLayout.REG_LO, 8 * nr), bytes(t, TraceLayout.REG_HI, 8 * nr), control);
        Emulator.LIB.omni_emu_trace_clear(emu.handle());
        return raw;
    }

    /** Copies every table's rows out, leaving them in place. */
    public Batch peek() {
        Pointer t = trace();
        int nb = count(t, TraceLayout.NBLOCKS), nm = count(t, TraceLayout.NMEM);
        int nr = count(t, TraceLayout.NREGS), nc = count(t, TraceLayout.NCTL);
        Blocks blocks = new Blocks(longs(t, TraceLayout.BLOCK_STEP, nb), longs(t, TraceLayout.BLOCK_RIP, nb),
                ints(t, TraceLayout.BLOCK_INSNS, nb));
        Mem mem = new Mem(longs(t, TraceLayout.MEM_STEP, nm), longs(t, TraceLayout.MEM_RIP, nm),
                longs(t, TraceLayout.MEM_ADDR, nm), bytes(t, TraceLayout.MEM_SIZE, nm),
                bytes(t, TraceLayout.MEM_OLD, 16 * nm), bytes(t, TraceLayout.MEM_NEW, 16 * nm));
        Regs regs = new Regs(longs(t, TraceLayout.REG_STEP, nr), bytes(t, TraceLayout.REG_ID, nr),
                longs(t, TraceLayout.REG_LO, nr), longs(t, TraceLayout.REG_HI, nr));
        Control control = new Control(longs(t, TraceLayout.CTL_STEP, nc), bytes(t, TraceLayout.CTL_KIND, nc),
                longs(t, TraceLayout.CTL_RIP, nc), longs(t, TraceLayout.CTL_TARGET, nc),
                longs(t, TraceLayout.CTL_SP, nc), longs(t, TraceLayout.CTL_ARGS, 6 * nc),
                longs(t, TraceLayout.CTL_RET, nc));
        return new Batch(blocks, mem, regs, control);
    }

    /** Records the block in progress (blocks are otherwise recorded when they end). */
    public void flush() {
        Emulator.LIB.omni_emu_trace_flush(emu.handle());
    }

    /** Rows dropped because a table was completely full (0 unless an instruction exceeds the margin). */
    public long lost() {
        return trace().getLong(TraceLayout.LOST);
    }

    /** Register changes the per-instruction tracking missed and the end-of-run check found. */
    public long resyncs() {
        return trace().getLong(TraceLayout.RESYNCS);
    }

    public long capacity() {
        return trace().getLong(TraceLayout.CAPACITY);
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
