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

    private static final class Buffers {
        final long[] out = new long[OMNI_INSN_MAX];
        final byte[] text = new byte[OMNI_INSN_TEXT_MAX];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private InstructionDecoder() {}

    static Instruction decode(byte[] code, long address) {
        if (code.length == 0) return null;
        Buffers b = BUFFERS.get();
        long[] a = b.out;
        int n = LIB.omni_insn_decode(code, code.length, address, a, a.length, b.text, b.text.length);
        if (n == EmuNative.OMNI_EINVAL) return null;
        if (n < 0) throw new EmuException("omni_insn_decode: " + LIB.omni_emu_strerror(n), n);
        int tab = 0, end = 0;
        while (end < b.text.length && b.text[end] != 0) {
            if (b.text[end] == '\t') tab = end;
            end++;
        }
        String mnemonic = new String(b.text, 0, tab, StandardCharsets.US_ASCII);
        String operandText = new String(b.text, tab + 1, end - tab - 1, StandardCharsets.US_ASCII);
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
