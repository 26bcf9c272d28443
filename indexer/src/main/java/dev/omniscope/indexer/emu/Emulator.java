package dev.omniscope.indexer.emu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.omniscope.common.NativeLibraries;
import dev.omniscope.trace.Registers;
import jnr.ffi.Pointer;

/**
 * One emulated x86-64 process (address space + CPU) of the replay engine, backed by
 * native/replay/emu.c. Threads of a process share one emulator: the driver swaps their registers
 * with {@link #setRegs} and {@link #setFpregs}. Not thread-safe; close it to free its memory.
 *
 * <p>Errors of the native calls become {@link EmuException}s that name the call and its arguments.
 */
public final class Emulator implements AutoCloseable {
    public static final int PROT_READ = EmuNative.OMNI_PROT_READ;
    public static final int PROT_WRITE = EmuNative.OMNI_PROT_WRITE;
    public static final int PROT_EXEC = EmuNative.OMNI_PROT_EXEC;

    public static final int TRACE_BLOCKS = EmuNative.OMNI_TRACE_BLOCKS;
    public static final int TRACE_MEM = EmuNative.OMNI_TRACE_MEM;
    public static final int TRACE_REGS = EmuNative.OMNI_TRACE_REGS;
    public static final int TRACE_CONTROL = EmuNative.OMNI_TRACE_CONTROL;
    public static final int TRACE_ALL = TRACE_BLOCKS | TRACE_MEM | TRACE_REGS | TRACE_CONTROL;

    /** A mapping as listed by {@link #mappings()}: [start, end) with prot bits. */
    public record Mapping(long start, long end, int prot) {}

    /** A recorded CPUID answer; {@code subleafSignificant} makes the row match only its subleaf. */
    public record CpuidRow(int leaf, int subleaf, boolean subleafSignificant, int eax, int ebx, int ecx, int edx) {}

    /** One decoded instruction: its length in bytes and Intel-syntax text. */
    public record Disassembly(int length, String text) {}

    static final EmuNative LIB = NativeLibraries.load(EmuNative.class, "omnireplay");

    private Pointer handle;
    private final TraceBuffers trace;

    public Emulator() {
        this(LIB.omni_emu_new());
    }

    private Emulator(Pointer handle) {
        if (handle == null || handle.address() == 0) throw new EmuException("cannot create an emulator (Unicorn or Capstone failed to open)", EmuNative.OMNI_ENOMEM);
        this.handle = handle;
        this.trace = new TraceBuffers(this);
    }

    /** The child of fork(2): private memory copied, shared mappings shared, CPU state copied. */
    public Emulator fork() {
        Pointer child = LIB.omni_emu_fork(handle());
        if (child == null || child.address() == 0) throw new EmuException("fork of the emulator failed", EmuNative.OMNI_ENOMEM);
        return new Emulator(child);
    }

    Pointer handle() {
        if (handle == null) throw new IllegalStateException("emulator is closed");
        return handle;
    }

    private void check(int rc, String what) {
        if (rc >= 0) return;
        String message = what + ": " + LIB.omni_emu_strerror(rc);
        if (rc == EmuNative.OMNI_EUNICORN) message += " (uc_err " + LIB.omni_emu_last_uc_err(handle) + ")";
        throw new EmuException(message, rc);
    }

    // ---- memory ----

    public void map(long addr, long len, int prot) {
        map(addr, len, prot, false);
    }

    /** A zero-filled mapping replacing whatever overlapped; {@code shared} = MAP_SHARED (shared with forks). */
    public void map(long addr, long len, int prot, boolean shared) {
        check(LIB.omni_emu_map(handle(), addr, len, prot, shared ? EmuNative.OMNI_MAP_SHARED : 0),
                "map " + range(addr, len));
    }

    public void unmap(long addr, long len) {
        check(LIB.omni_emu_unmap(handle(), addr, len), "unmap " + range(addr, len));
    }

    public void protect(long addr, long len, int prot) {
        check(LIB.omni_emu_protect(handle(), addr, len, prot), "protect " + range(addr, len));
    }

    public void remap(long oldAddr, long oldLen, long newAddr, long newLen) {
        check(LIB.omni_emu_remap(handle(), oldAddr, oldLen, newAddr, newLen),
                "remap " + range(oldAddr, oldLen) + " to " + range(newAddr, newLen));
    }

    /** Writes regardless of protection; not a trace row. */
    public void write(long addr, byte[] data) {
        check(LIB.omni_emu_write(handle(), addr, data, data.length), "write " + range(addr, data.length));
    }

    /** A write by the kernel at {@code step}, recorded as mem rows (rip = the syscall) when mem tracing is on. */
    public void writeAt(long addr, byte[] data, long step, long rip) {
        check(LIB.omni_emu_write_at(handle(), addr, data, data.length, step, rip), "write " + range(addr, data.length));
    }

    public byte[] read(long addr, int len) {
        byte[] out = new byte[len];
        check(LIB.omni_emu_read(handle(), addr, out, len), "read " + range(addr, len));
        return out;
    }

    public long readLong(long addr) {
        return ByteBuffer.wrap(read(addr, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    public void writeLong(long addr, long value) {
        write(addr, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }

    public List<Mapping> mappings() {
        int n = LIB.omni_emu_mappings(handle(), new long[0], 0);
        long[] raw = new long[3 * n];
        n = Math.min(n, LIB.omni_emu_mappings(handle(), raw, n));
        List<Mapping> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(new Mapping(raw[3 * i], raw[3 * i + 1], (int) raw[3 * i + 2]));
        return out;
    }

    // ---- registers ----

    /** The 27 registers in {@link Registers} order. */
    public long[] regs() {
        long[] r = new long[Registers.COUNT];
        check(LIB.omni_emu_get_regs(handle(), r), "get registers");
        return r;
    }

    /** Sets all 27 registers (ends the trace block; see emu.h for rep instructions). */
    public void setRegs(long[] r) {
        check(LIB.omni_emu_set_regs(handle(), regArray(r)), "set registers");
    }

    /** setRegs that records a register row at {@code step} for each register that changes. */
    public void setRegsAt(long[] r, long step) {
        check(LIB.omni_emu_set_regs_at(handle(), regArray(r), step), "set registers");
    }

    /** The caller emulated the instruction at rip (a recorded rdtsc): rows for what changes, then one step. */
    public void retire(long[] r) {
        check(LIB.omni_emu_retire(handle(), regArray(r)), "retire");
    }

    public long reg(int id) {
        return regs()[id];
    }

    public void setReg(int id, long value) {
        long[] r = regs();
        r[id] = value;
        setRegs(r);
    }

    /** 512 bytes in fxsave layout (fcw, fsw, ftw, fop, rip, rdp, mxcsr, mxcsr_mask, st0-7, xmm0-15). */
    public byte[] fpregs() {
        byte[] fx = new byte[512];
        check(LIB.omni_emu_get_fpregs(handle(), fx), "get fpregs");
        return fx;
    }

    public void setFpregs(byte[] fx) {
        if (fx.length != 512) throw new IllegalArgumentException("fpregs are 512 bytes, got " + fx.length);
        check(LIB.omni_emu_set_fpregs(handle(), fx), "set fpregs");
    }

    private static long[] regArray(long[] r) {
        if (r.length != Registers.COUNT) throw new IllegalArgumentException("registers are " + Registers.COUNT + " longs, got " + r.length);
        return r;
    }

    // ---- CPUID ----

    /** Every CPUID from now on answers from these rows (missing leaf: zeros); empty restores Unicorn's. */
    public void setCpuid(List<CpuidRow> rows) {
        int[] raw = new int[7 * rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            CpuidRow r = rows.get(i);
            int[] row = {r.leaf(), r.subleaf(), r.subleafSignificant() ? EmuNative.OMNI_CPUID_SUBLEAF : 0,
                r.eax(), r.ebx(), r.ecx(), r.edx()};
            System.arraycopy(row, 0, raw, 7 * i, 7);
        }
        check(LIB.omni_emu_set_cpuid(handle(), raw, rows.size()), "set cpuid");
    }

    // ---- running ----

    /** Runs from rip until a stop; {@code maxSteps} 0 = no limit. */
    public Stop run(long maxSteps) {
        byte[] raw = new byte[Stop.size()];
        check(LIB.omni_emu_run(handle(), maxSteps, raw), "run");
        return Stop.decode(raw);
    }

    /** Stop before executing the instruction at addr (0 clears). */
    public void setStopAddress(long addr) {
        check(LIB.omni_emu_set_stop_address(handle(), addr), "set stop address");
    }

    /** Stop before the first instruction whose registers match (see emu.h); null clears. */
    public void setFingerprint(long[] r) {
        check(LIB.omni_emu_set_fingerprint(handle(), r == null ? null : regArray(r)), "set fingerprint");
    }

    /** After this many executions of the fingerprint's rip without a match, stop with LIMIT (detail 1); 0: no bound. */
    public void setFingerprintLimit(long maxHits) {
        check(LIB.omni_emu_set_fingerprint_limit(handle(), maxHits), "set fingerprint limit");
    }

    public long step() {
        return LIB.omni_emu_get_step(handle());
    }

    public void setStep(long step) {
        LIB.omni_emu_set_step(handle(), step);
    }

    // ---- tracing ----

    /** Enables the TRACE_* tables with {@code capacity} rows each (0 keeps the capacity). */
    public void traceEnable(int flags, long capacity) {
        check(LIB.omni_emu_trace_enable(handle(), flags, capacity), "enable tracing");
    }

    /** The trace tables, drained into Java arrays between runs. */
    public TraceBuffers trace() {
        return trace;
    }

    // ---- diagnostics ----

    /**
     * How many registers this emulator reads straight from Unicorn's CPU state rather than through
     * uc_reg_read (36 when all were found; the values are the same either way, see emu_regs.c).
     */
    public int directRegisters() {
        return LIB.omni_emu_direct_regs(handle(), -1);
    }

    /** Turns direct register reads off (every read through uc_reg_read) or back on; for tests. */
    public void useDirectRegisters(boolean on) {
        LIB.omni_emu_direct_regs(handle(), on ? 1 : 0);
    }

    // ---- disassembly ----

    /** Decodes the instruction at the start of {@code code} (as if at addr); null if invalid. */
    public static Disassembly disasm(byte[] code, long addr) {
        byte[] out = new byte[160];
        int n = LIB.omni_disasm(code, code.length, addr, out, out.length);
        if (n < 0) return null;
        int end = 0;
        while (end < out.length && out[end] != 0) end++;
        return new Disassembly(n, new String(out, 0, end, StandardCharsets.US_ASCII));
    }

    @Override
    public void close() {
        if (handle != null) {
            LIB.omni_emu_free(handle);
            handle = null;
        }
    }

    private static String range(long addr, long len) {
        return String.format("[%#x, %#x)", addr, addr + len);
    }
}
