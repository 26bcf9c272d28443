package dev.omniscope.indexer.emu;

import static dev.omniscope.indexer.emu.EmuNative.OMNI_INSN_HEADER;
import static dev.omniscope.indexer.emu.EmuNative.OMNI_INSN_MAX;
import static dev.omniscope.indexer.emu.EmuNative.OMNI_INSN_OPERAND;
import static dev.omniscope.indexer.emu.EmuNative.OMNI_INSN_OP_IMM;
import static dev.omniscope.indexer.emu.EmuNative.OMNI_INSN_OP_MEM;
import static dev.omniscope.indexer.emu.EmuNative.OMNI_INSN_OP_REG;
import static dev.omniscope.indexer.emu.EmuNative.OMNI_INSN_READ;
import static dev.omniscope.indexer.emu.EmuNative.OMNI_INSN_REG;
import static dev.omniscope.indexer.emu.EmuNative.OMNI_INSN_TEXT_MAX;
import static dev.omniscope.indexer.emu.EmuNative.OMNI_INSN_WRITE;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * {@link Instruction#decode} through {@code omni_insn_decode} (native/replay/emu.h, which defines
 * the array read here). Thread-safe: the native side keeps a Capstone handle per thread, the
 * buffers here are per thread, and the {@link Instruction.Reg}s (one per Capstone register) are
 * shared once made.
 */
final class InstructionDecoder {
    private static final EmuNative LIB = Emulator.LIB;
    /** Capstone 4 has about 240 x86 registers. */
    private static final int MAX_REGS = 512;
    private static final AtomicReferenceArray<Instruction.Reg> REGS = new AtomicReferenceArray<>(MAX_REGS);

    /**
     * A thread's buffers: native memory for the call (so that only what it wrote is copied into
     * Java: a heap array would be copied out and back whole) and the array the layout is read from.
     */
    private static final class Buffers {
        final Pointer out = Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(LIB), OMNI_INSN_MAX * Long.BYTES);
        final Pointer text = Memory.allocateDirect(jnr.ffi.Runtime.getRuntime(LIB), OMNI_INSN_TEXT_MAX);
        final long[] a = new long[OMNI_INSN_MAX];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private InstructionDecoder() {}

    static Instruction decode(byte[] code, long address) {
        if (code.length == 0) return null;
        Buffers b = BUFFERS.get();
        int n = LIB.omni_insn_decode(code, code.length, address, b.out, OMNI_INSN_MAX, b.text, OMNI_INSN_TEXT_MAX);
        if (n == EmuNative.OMNI_EINVAL) return null;
        if (n < 0) throw new EmuException("omni_insn_decode: " + LIB.omni_emu_strerror(n), n);
        long[] a = b.a;
        b.out.get(0, a, 0, n);
        String text = b.text.getString(0, OMNI_INSN_TEXT_MAX, StandardCharsets.US_ASCII);
        int tab = text.indexOf('\t');
        String mnemonic = text.substring(0, tab), operandText = text.substring(tab + 1);
        int nops = (int) a[4], nreads = (int) a[5], nwrites = (int) a[6];
        Instruction.Operand[] ops = new Instruction.Operand[nops];
        int p = OMNI_INSN_HEADER;
        for (int i = 0; i < nops; i++, p += OMNI_INSN_OPERAND) ops[i] = operand(a, p);
        Instruction.Reg[] reads = new Instruction.Reg[nreads], writes = new Instruction.Reg[nwrites];
        for (int i = 0; i < nreads; i++, p += OMNI_INSN_REG) reads[i] = reg(a, p);
        for (int i = 0; i < nwrites; i++, p += OMNI_INSN_REG) writes[i] = reg(a, p);
        return new Instruction(address, (int) a[0], mnemonic, operandText, (int) a[1], List.of(ops), List.of(reads),
                List.of(writes), (int) a[2], (int) a[3]);
    }

    private static Instruction.Operand operand(long[] a, int p) {
        int kind = (int) a[p], size = (int) a[p + 1], access = (int) a[p + 2];
        boolean read = (access & OMNI_INSN_READ) != 0, written = (access & OMNI_INSN_WRITE) != 0;
        return switch (kind) {
            case OMNI_INSN_OP_REG -> new Instruction.Operand(Instruction.Kind.REG, size, read, written, reg(a, p + 3), 0, null);
            case OMNI_INSN_OP_IMM -> new Instruction.Operand(Instruction.Kind.IMM, size, read, written, null, a[p + 3], null);
            case OMNI_INSN_OP_MEM -> new Instruction.Operand(Instruction.Kind.MEM, size, read, written, null, 0,
                    new Instruction.Mem((int) a[p + 3], reg(a, p + 4), reg(a, p + 8), (int) a[p + 12], a[p + 13]));
            default -> throw new EmuException("omni_insn_decode: operand kind " + kind, EmuNative.OMNI_EINVAL);
        };
    }

    /** The register at a[p..p+4): id, offset, size, Capstone's number (0: none, null). */
    private static Instruction.Reg reg(long[] a, int p) {
        int number = (int) a[p + 3];
        if (number == 0) return null;
        Instruction.Reg r = number < MAX_REGS ? REGS.get(number) : null;
        if (r != null) return r;
        String name = LIB.omni_insn_reg_name(number);
        r = new Instruction.Reg((int) a[p], (int) a[p + 1], (int) a[p + 2], name == null ? "reg" + number : name);
        if (number < MAX_REGS) REGS.set(number, r);
        return r;
    }
}
