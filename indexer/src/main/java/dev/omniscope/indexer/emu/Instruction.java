package dev.omniscope.indexer.emu;

import java.util.List;

/**
 * One decoded x86-64 instruction with what data flow needs to know about it: its operands (which
 * it reads, which it writes, memory operands' address parts), the registers it reads and writes
 * without naming them (push's rsp, mul's rdx, adc's flags) and the flags it tests and writes.
 * Capstone's detail, decoded by {@code omni_insn_decode} (native/replay/emu.h).
 *
 * @param address           where it is
 * @param size              its length in bytes
 * @param mnemonic          Capstone's mnemonic, lower case ("mov", "movzx", "rep movsb" is "movsb" with {@link #PREFIX_REP})
 * @param operandText       Capstone's operand text ("eax, dword ptr [rbp - 0x14]")
 * @param prefixes          {@link #PREFIX_REP}, {@link #PREFIX_REPNE}, {@link #PREFIX_LOCK}
 * @param operands          the explicit operands, in Intel order (destination first)
 * @param implicitReads     registers read without being an operand (Capstone's regs_read)
 * @param implicitWrites    registers written without being an operand (Capstone's regs_write)
 * @param flagsTested       rflags bits the instruction reads ({@link #CF}...)
 * @param flagsWritten      rflags bits it modifies, sets, resets or leaves undefined
 */
public record Instruction(long address, int size, String mnemonic, String operandText, int prefixes, List<Operand> operands,
                          List<Reg> implicitReads, List<Reg> implicitWrites, int flagsTested, int flagsWritten) {
    public static final int PREFIX_REP = 1, PREFIX_REPNE = 2, PREFIX_LOCK = 4;
    /** rflags bits, as in the register. */
    public static final int CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, DF = 0x400, OF = 0x800;

    /**
     * A register or a part of one: {@code id} the register row id of {@link dev.omniscope.trace.Registers}
     * (rax 10, xmm n 32 + n, rip 16, eflags 18, fs_base 21, gs_base 22), or -1 for a register the
     * index does not keep (x87, mm, segment selectors, control registers); {@code offset} and
     * {@code size} the bytes of it named (al: 0, 1; ah: 1, 1; eax: 0, 4; xmm0: 0, 16); {@code name}
     * Capstone's name ("eax").
     */
    public record Reg(int id, int offset, int size, String name) {}

    public enum Kind { REG, IMM, MEM }

    /**
     * An operand: its kind, its size in bytes, whether the instruction reads and writes it
     * (Capstone's access; an immediate is read), and the register ({@code REG}), the value
     * ({@code IMM}, sign-extended as Capstone gives it) or the address parts ({@code MEM}).
     */
    public record Operand(Kind kind, int size, boolean read, boolean written, Reg reg, long imm, Mem mem) {}

    /**
     * A memory operand's address: segment base register ({@code fs_base} 21 or {@code gs_base} 22
     * for fs: and gs:, else -1), base and index registers (null when absent; a rip-relative operand
     * has base rip, whose value is the next instruction's address), scale (1, 2, 4, 8) and
     * displacement. {@code lea}'s operand is a MEM that the instruction does not read.
     */
    public record Mem(int segment, Reg base, Reg index, int scale, long disp) {}

    /** "prefixes mnemonic operands", as the disassembly shows it ("rep movsb byte ptr [rdi], byte ptr [rsi]"). */
    public String text() {
        String m = mnemonic;
        if ((prefixes & PREFIX_REPNE) != 0) m = "repne " + m;
        if ((prefixes & PREFIX_REP) != 0) m = (mnemonic.startsWith("cmps") || mnemonic.startsWith("scas") ? "repe " : "rep ") + m;
        if ((prefixes & PREFIX_LOCK) != 0) m = "lock " + m;
        return operandText.isEmpty() ? m : m + " " + operandText;
    }

    /** Decodes the instruction at the start of {@code code} as if at {@code address}; null when the bytes are not one. */
    public static Instruction decode(byte[] code, long address) {
        return InstructionDecoder.decode(code, address);
    }
}
