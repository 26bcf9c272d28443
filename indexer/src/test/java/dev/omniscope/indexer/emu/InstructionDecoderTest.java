package dev.omniscope.indexer.emu;

import static dev.omniscope.indexer.emu.Instruction.AF;
import static dev.omniscope.indexer.emu.Instruction.CF;
import static dev.omniscope.indexer.emu.Instruction.DF;
import static dev.omniscope.indexer.emu.Instruction.OF;
import static dev.omniscope.indexer.emu.Instruction.PF;
import static dev.omniscope.indexer.emu.Instruction.PREFIX_LOCK;
import static dev.omniscope.indexer.emu.Instruction.PREFIX_REP;
import static dev.omniscope.indexer.emu.Instruction.PREFIX_REPNE;
import static dev.omniscope.indexer.emu.Instruction.SF;
import static dev.omniscope.indexer.emu.Instruction.ZF;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.omniscope.indexer.emu.Instruction.Kind;
import dev.omniscope.indexer.emu.Instruction.Mem;
import dev.omniscope.indexer.emu.Instruction.Operand;
import dev.omniscope.indexer.emu.Instruction.Reg;
import dev.omniscope.trace.Registers;
import jnr.ffi.Memory;

/**
 * {@link Instruction#decode}: the exact operands, access, registers and flags of hand-assembled
 * instructions (bytes from GNU as, the assembly in the comment before each), including every
 * place where omni_insn_decode corrects Capstone 4 (native/replay/emu.h lists them).
 */
class InstructionDecoderTest {
    private static final long ADDR = 0x401000;
    private static final int STATUS = CF | PF | AF | ZF | SF | OF, ALL = STATUS | DF;

    private static Reg r(int id, int offset, int size, String name) {
        return new Reg(id, offset, size, name);
    }

    private static final Reg RAX = r(Registers.RAX, 0, 8, "rax"), EAX = r(Registers.RAX, 0, 4, "eax"),
            AX = r(Registers.RAX, 0, 2, "ax"), AL = r(Registers.RAX, 0, 1, "al"), AH = r(Registers.RAX, 1, 1, "ah");
    private static final Reg RBX = r(Registers.RBX, 0, 8, "rbx"), EBX = r(Registers.RBX, 0, 4, "ebx"),
            BL = r(Registers.RBX, 0, 1, "bl");
    private static final Reg RCX = r(Registers.RCX, 0, 8, "rcx"), ECX = r(Registers.RCX, 0, 4, "ecx"),
            CL = r(Registers.RCX, 0, 1, "cl");
    private static final Reg RDX = r(Registers.RDX, 0, 8, "rdx"), EDX = r(Registers.RDX, 0, 4, "edx");
    private static final Reg RSI = r(Registers.RSI, 0, 8, "rsi"), SIL = r(Registers.RSI, 0, 1, "sil");
    private static final Reg RDI = r(Registers.RDI, 0, 8, "rdi"), DI = r(Registers.RDI, 0, 2, "di");
    private static final Reg RBP = r(Registers.RBP, 0, 8, "rbp"), BPL = r(Registers.RBP, 0, 1, "bpl");
    private static final Reg RSP = r(Registers.RSP, 0, 8, "rsp"), SPL = r(Registers.RSP, 0, 1, "spl");
    private static final Reg R8 = r(Registers.R8, 0, 8, "r8"), R8B = r(Registers.R8, 0, 1, "r8b");
    private static final Reg R9 = r(Registers.R9, 0, 8, "r9"), R9W = r(Registers.R9, 0, 2, "r9w");
    private static final Reg R10 = r(Registers.R10, 0, 8, "r10"), R10D = r(Registers.R10, 0, 4, "r10d"),
            R10B = r(Registers.R10, 0, 1, "r10b");
    private static final Reg R11 = r(Registers.R11, 0, 8, "r11");
    private static final Reg RIP = r(Registers.RIP, 0, 8, "rip"), RFLAGS = r(Registers.EFLAGS, 0, 8, "rflags");
    private static final Reg MM0 = r(-1, 0, 8, "mm0"), MM1 = r(-1, 0, 8, "mm1"), YMM0 = r(-1, 0, 32, "ymm0");
    private static final Reg FPSW = r(-1, 0, 2, "fpsw"), ST0 = r(-1, 0, 10, "st(0)"), ST1 = r(-1, 0, 10, "st(1)");
    private static final Reg FS = r(-1, 0, 2, "fs");

    private static Reg xmm(int n) {
        return r(Registers.XMM0 + n, 0, 16, "xmm" + n);
    }

    /** The expected decoding, checked field by field against the decoder's by {@link #is}. */
    private static final class E {
        final String mnemonic, operands;
        int prefixes, tested, written;
        final List<Operand> ops = new ArrayList<>();
        List<Reg> reads = List.of(), writes = List.of();

        E(String mnemonic, String operands) {
            this.mnemonic = mnemonic;
            this.operands = operands;
        }

        /** access: "r", "w", "rw" or "-" (neither). */
        E reg(String access, Reg reg) {
            return reg(access, reg, reg.size());
        }

        E reg(String access, Reg reg, int size) {
            ops.add(new Operand(Kind.REG, size, access.contains("r"), access.contains("w"), reg, 0, null));
            return this;
        }

        E imm(long value, int size) {
            ops.add(new Operand(Kind.IMM, size, true, false, null, value, null));
            return this;
        }

        E mem(String access, int size, Reg base, long disp) {
            return mem(access, size, -1, base, null, 1, disp);
        }

        E mem(String access, int size, int segment, Reg base, Reg index, int scale, long disp) {
            ops.add(new Operand(Kind.MEM, size, access.contains("r"), access.contains("w"), null, 0,
                    new Mem(segment, base, index, scale, disp)));
            return this;
        }

        E reads(Reg... regs) {
            reads = List.of(regs);
            return this;
        }

        E writes(Reg... regs) {
            writes = List.of(regs);
            return this;
        }

        E flags(int tested, int written) {
            this.tested = tested;
            this.written = written;
            return this;
        }

        E prefixes(int prefixes) {
            this.prefixes = prefixes;
            return this;
        }

        void is(int... bytes) {
            String what = mnemonic + " " + operands;
            Instruction got = Instruction.decode(code(bytes), ADDR);
            assertThat(got).as(what).isNotNull();
            assertThat(got.size()).as("size of %s", what).isEqualTo(bytes.length);
            assertThat(got.address()).isEqualTo(ADDR);
            assertThat(got.mnemonic()).as("mnemonic of %s", what).isEqualTo(mnemonic);
            assertThat(got.operandText()).as("operands of %s", what).isEqualTo(operands);
            assertThat(got.prefixes()).as("prefixes of %s", what).isEqualTo(prefixes);
            assertThat(got.operands()).as("operands of %s", what).containsExactlyElementsOf(ops);
            assertThat(got.implicitReads()).as("implicit reads of %s", what).containsExactlyElementsOf(reads);
            assertThat(got.implicitWrites()).as("implicit writes of %s", what).containsExactlyElementsOf(writes);
            assertThat(got.flagsTested()).as("flags tested by %s", what).isEqualTo(tested);
            assertThat(got.flagsWritten()).as("flags written by %s", what).isEqualTo(written);
        }
    }

    private static E e(String mnemonic, String operands) {
        return new E(mnemonic, operands);
    }

    private static byte[] code(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = (byte) b[i];
        return out;
    }

    @Test
    void moves() {
        // mov rax, rbx
        e("mov", "rax, rbx").reg("w", RAX).reg("r", RBX).is(0x48, 0x89, 0xd8);
        // mov eax, dword ptr [rbp - 0x14]
        e("mov", "eax, dword ptr [rbp - 0x14]").reg("w", EAX).mem("r", 4, RBP, -0x14).is(0x8b, 0x45, 0xec);
        // mov qword ptr [rsp + 8], rcx
        e("mov", "qword ptr [rsp + 8], rcx").mem("w", 8, RSP, 8).reg("r", RCX).is(0x48, 0x89, 0x4c, 0x24, 0x08);
        // mov dword ptr [rax + rbx*4 + 0x10], 0x2a   (Capstone 4: the immediate has no access)
        e("mov", "dword ptr [rax + rbx*4 + 0x10], 0x2a").mem("w", 4, -1, RAX, RBX, 4, 0x10).imm(0x2a, 4)
                .is(0xc7, 0x44, 0x98, 0x10, 0x2a, 0x00, 0x00, 0x00);
        // movzx eax, byte ptr [rdi]
        e("movzx", "eax, byte ptr [rdi]").reg("w", EAX).mem("r", 1, RDI, 0).is(0x0f, 0xb6, 0x07);
        // movzx ecx, ax
        e("movzx", "ecx, ax").reg("w", ECX).reg("r", AX).is(0x0f, 0xb7, 0xc8);
        // movsx rax, word ptr [rsi]
        e("movsx", "rax, word ptr [rsi]").reg("w", RAX).mem("r", 2, RSI, 0).is(0x48, 0x0f, 0xbf, 0x06);
        // movsxd rax, dword ptr [rdi + 8]
        e("movsxd", "rax, dword ptr [rdi + 8]").reg("w", RAX).mem("r", 4, RDI, 8).is(0x48, 0x63, 0x47, 0x08);
        // movsxd rdx, ecx
        e("movsxd", "rdx, ecx").reg("w", RDX).reg("r", ECX).is(0x48, 0x63, 0xd1);
        // lea rax, [rbx + rcx*8 - 0x20]   (the memory operand is an address, not read)
        e("lea", "rax, [rbx + rcx*8 - 0x20]").reg("w", RAX).mem("-", 8, -1, RBX, RCX, 8, -0x20)
                .is(0x48, 0x8d, 0x44, 0xcb, 0xe0);
        // movabs rax, 0x1122334455667788
        e("movabs", "rax, 0x1122334455667788").reg("w", RAX).imm(0x1122334455667788L, 8)
                .is(0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11);
        // mov eax, 0xffffffff   (Capstone gives the immediate zero-extended)
        e("mov", "eax, 0xffffffff").reg("w", EAX).imm(0xffffffffL, 4).is(0xb8, 0xff, 0xff, 0xff, 0xff);
        // xchg rcx, rax   (Capstone orders them rax, rcx)
        e("xchg", "rax, rcx").reg("rw", RAX).reg("rw", RCX).is(0x48, 0x91);
        // xchg qword ptr [rdi], rax
        e("xchg", "qword ptr [rdi], rax").mem("rw", 8, RDI, 0).reg("rw", RAX).is(0x48, 0x87, 0x07);
        // bswap eax
        e("bswap", "eax").reg("rw", EAX).is(0x0f, 0xc8);
    }

    @Test
    void partialRegistersAreOffsetsAndSizesOfTheirRows() {
        // mov ah, bl
        e("mov", "ah, bl").reg("w", AH).reg("r", BL).is(0x88, 0xdc);
        // mov r8b, sil
        e("mov", "r8b, sil").reg("w", R8B).reg("r", SIL).is(0x41, 0x88, 0xf0);
        // mov r9w, di
        e("mov", "r9w, di").reg("w", R9W).reg("r", DI).is(0x66, 0x41, 0x89, 0xf9);
        // mov r10b, bpl
        e("mov", "r10b, bpl").reg("w", R10B).reg("r", BPL).is(0x41, 0x88, 0xea);
        // movsx r10d, spl
        e("movsx", "r10d, spl").reg("w", R10D).reg("r", SPL).is(0x44, 0x0f, 0xbe, 0xd4);
        // movq mm0, mm1   (registers the index does not keep: id -1)
        e("movq", "mm0, mm1").reg("w", MM0).reg("r", MM1).is(0x0f, 0x6f, 0xc1);
        // vmovdqu ymm0, ymmword ptr [rdi]
        e("vmovdqu", "ymm0, ymmword ptr [rdi]").reg("w", YMM0).mem("r", 32, RDI, 0).is(0xc5, 0xfe, 0x6f, 0x07);
        // mov eax, ds
        e("mov", "eax, ds").reg("w", EAX).reg("r", r(-1, 0, 2, "ds")).is(0x8c, 0xd8);
    }

    @Test
    void addressesRipRelativeAndSegmentBases() {
        // mov rax, qword ptr [rip + 0x2000]
        e("mov", "rax, qword ptr [rip + 0x2000]").reg("w", RAX).mem("r", 8, RIP, 0x2000)
                .is(0x48, 0x8b, 0x05, 0x00, 0x20, 0x00, 0x00);
        // mov rax, qword ptr fs:[0x28]
        e("mov", "rax, qword ptr fs:[0x28]").reg("w", RAX).mem("r", 8, Registers.FS_BASE, null, null, 1, 0x28)
                .is(0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0x00, 0x00, 0x00);
        // mov qword ptr gs:[rax + 8], rbx
        e("mov", "qword ptr gs:[rax + 8], rbx").mem("w", 8, Registers.GS_BASE, RAX, null, 1, 8).reg("r", RBX)
                .is(0x65, 0x48, 0x89, 0x58, 0x08);
        // jmp qword ptr [rax*8 + 0x1000]
        e("jmp", "qword ptr [rax*8 + 0x1000]").mem("r", 8, -1, null, RAX, 8, 0x1000)
                .is(0xff, 0x24, 0xc5, 0x00, 0x10, 0x00, 0x00);
        // nop dword ptr [rax + rax]   (not accessed)
        e("nop", "dword ptr [rax + rax]").mem("-", 4, -1, RAX, RAX, 1, 0).is(0x0f, 0x1f, 0x04, 0x00);
        // prefetchw byte ptr [rdi]   (not accessed; Capstone 4 says it writes every flag)
        e("prefetchw", "byte ptr [rdi]").mem("-", 1, RDI, 0).is(0x0f, 0x0d, 0x0f);
    }

    @Test
    void stackAndControl() {
        // push rbp
        e("push", "rbp").reg("r", RBP).reads(RSP).writes(RSP).is(0x55);
        // push qword ptr [rip + 0x100]
        e("push", "qword ptr [rip + 0x100]").mem("r", 8, RIP, 0x100).reads(RSP).writes(RSP)
                .is(0xff, 0x35, 0x00, 0x01, 0x00, 0x00);
        // push -1
        e("push", "-1").imm(-1, 8).reads(RSP).writes(RSP).is(0x6a, 0xff);
        // pop rbx
        e("pop", "rbx").reg("w", RBX).reads(RSP).writes(RSP).is(0x5b);
        // pop qword ptr [rdi]
        e("pop", "qword ptr [rdi]").mem("w", 8, RDI, 0).reads(RSP).writes(RSP).is(0x8f, 0x07);
        // push fs / pop fs   (Capstone 4: no access, no rsp)
        e("push", "fs").reg("r", FS).reads(RSP).writes(RSP).is(0x0f, 0xa0);
        e("pop", "fs").reg("w", FS).reads(RSP).writes(RSP).is(0x0f, 0xa1);
        // call 0x401105   (e8 00 01 00 00: the target is an immediate, read)
        e("call", "0x401105").imm(0x401105, 8).reads(RSP, RIP).writes(RSP).is(0xe8, 0x00, 0x01, 0x00, 0x00);
        // call rax
        e("call", "rax").reg("r", RAX).reads(RSP).writes(RSP).is(0xff, 0xd0);
        // ret
        e("ret", "").reads(RSP).writes(RSP).is(0xc3);
        // ret 8
        e("ret", "8").imm(8, 8).reads(RSP).writes(RSP).is(0xc2, 0x08, 0x00);
        // leave
        e("leave", "").reads(RBP, RSP).writes(RBP, RSP).is(0xc9);
        // enter 0x10, 0   (Capstone 4: no registers)
        e("enter", "0x10, 0").imm(0x10, 8).imm(0, 8).reads(RBP, RSP).writes(RBP, RSP).is(0xc8, 0x10, 0x00, 0x00);
        // jne 0x401010
        e("jne", "0x401010").imm(0x401010, 8).reads(RFLAGS).flags(ZF, 0).is(0x75, 0x0e);
        // ja 0x401010
        e("ja", "0x401010").imm(0x401010, 8).reads(RFLAGS).flags(ZF | CF, 0).is(0x77, 0x0e);
        // loop 0x401000
        e("loop", "0x401000").imm(0x401000, 8).reads(RCX).writes(RCX).is(0xe2, 0xfe);
        // jrcxz 0x401000
        e("jrcxz", "0x401000").imm(0x401000, 8).reads(RCX).is(0xe3, 0xfe);
    }

    @Test
    void arithmetic() {
        // add rax, 8
        e("add", "rax, 8").reg("rw", RAX).imm(8, 8).writes(RFLAGS).flags(0, STATUS).is(0x48, 0x83, 0xc0, 0x08);
        // add dword ptr [rbp - 4], eax
        e("add", "dword ptr [rbp - 4], eax").mem("rw", 4, RBP, -4).reg("r", EAX).writes(RFLAGS).flags(0, STATUS)
                .is(0x01, 0x45, 0xfc);
        // sub rsp, 0x18
        e("sub", "rsp, 0x18").reg("rw", RSP).imm(0x18, 8).writes(RFLAGS).flags(0, STATUS).is(0x48, 0x83, 0xec, 0x18);
        // imul rax, rbx
        e("imul", "rax, rbx").reg("rw", RAX).reg("r", RBX).writes(RFLAGS).flags(0, STATUS).is(0x48, 0x0f, 0xaf, 0xc3);
        // imul eax, dword ptr [rdi], 0xc
        e("imul", "eax, dword ptr [rdi], 0xc").reg("w", EAX).mem("r", 4, RDI, 0).imm(0xc, 4).writes(RFLAGS)
                .flags(0, STATUS).is(0x6b, 0x07, 0x0c);
        // imul rcx   (one operand: rdx:rax = rax * rcx)
        e("imul", "rcx").reg("r", RCX).reads(RAX).writes(RAX, RDX, RFLAGS).flags(0, STATUS).is(0x48, 0xf7, 0xe9);
        // mul rcx
        e("mul", "rcx").reg("r", RCX).reads(RAX).writes(RAX, RDX, RFLAGS).flags(0, STATUS).is(0x48, 0xf7, 0xe1);
        // mul bl   (Capstone 4 lists al and ax written: ax covers al)
        e("mul", "bl").reg("r", BL).reads(AL).writes(AX, RFLAGS).flags(0, STATUS).is(0xf6, 0xe3);
        // div rcx
        e("div", "rcx").reg("r", RCX).reads(RAX, RDX).writes(RAX, RDX, RFLAGS).flags(0, STATUS).is(0x48, 0xf7, 0xf1);
        // div byte ptr [rax]
        e("div", "byte ptr [rax]").mem("r", 1, RAX, 0).reads(AX).writes(AL, AH, RFLAGS).flags(0, STATUS).is(0xf6, 0x30);
        // idiv ecx
        e("idiv", "ecx").reg("r", ECX).reads(EAX, EDX).writes(EAX, EDX, RFLAGS).flags(0, STATUS).is(0xf7, 0xf9);
        // cdq
        e("cdq", "").reads(EAX).writes(EAX, EDX).is(0x99);
        // cqo
        e("cqo", "").reads(RAX).writes(RAX, RDX).is(0x48, 0x99);
        // cdqe
        e("cdqe", "").reads(EAX).writes(RAX).is(0x48, 0x98);
        // inc dword ptr [rax]   (CF untouched)
        e("inc", "dword ptr [rax]").mem("rw", 4, RAX, 0).writes(RFLAGS).flags(0, STATUS & ~CF).is(0xff, 0x00);
        // dec ecx
        e("dec", "ecx").reg("rw", ECX).writes(RFLAGS).flags(0, STATUS & ~CF).is(0xff, 0xc9);
        // neg rax
        e("neg", "rax").reg("rw", RAX).writes(RFLAGS).flags(0, STATUS).is(0x48, 0xf7, 0xd8);
        // not rax
        e("not", "rax").reg("rw", RAX).is(0x48, 0xf7, 0xd0);
        // and rax, rcx
        e("and", "rax, rcx").reg("rw", RAX).reg("r", RCX).writes(RFLAGS).flags(0, STATUS).is(0x48, 0x21, 0xc8);
        // shl rax, cl
        e("shl", "rax, cl").reg("rw", RAX).reg("r", CL).reads(CL).writes(RFLAGS).flags(0, STATUS).is(0x48, 0xd3, 0xe0);
        // shr rax, 1
        e("shr", "rax, 1").reg("rw", RAX).imm(1, 8).writes(RFLAGS).flags(0, STATUS).is(0x48, 0xd1, 0xe8);
        // rol rax, 3
        e("rol", "rax, 3").reg("rw", RAX).imm(3, 1).writes(RFLAGS).flags(0, CF | OF).is(0x48, 0xc1, 0xc0, 0x03);
        // rol dword ptr [rsp + rax*8], 0xe1   (Capstone 4: the memory only read)
        e("rol", "dword ptr [rsp + rax*8], 0xe1").mem("rw", 4, -1, RSP, RAX, 8, 0).imm(0xe1, 1).writes(RFLAGS)
                .flags(0, CF | OF).is(0xc1, 0x04, 0xc4, 0xe1);
        // shrd rax, rbx, cl   (Capstone 4: cl has no access)
        e("shrd", "rax, rbx, cl").reg("rw", RAX).reg("r", RBX).reg("r", CL).reads(CL).writes(RFLAGS).flags(0, STATUS)
                .is(0x48, 0x0f, 0xad, 0xd8);
        // bt eax, ecx
        e("bt", "eax, ecx").reg("r", EAX).reg("r", ECX).writes(RFLAGS).flags(0, CF | OF | SF | PF | AF).is(0x0f, 0xa3, 0xc8);
        // bsf rax, rcx   (rax stays when rcx is 0)
        e("bsf", "rax, rcx").reg("rw", RAX).reg("r", RCX).writes(RFLAGS).flags(0, STATUS).is(0x48, 0x0f, 0xbc, 0xc1);
        // tzcnt rax, rcx
        e("tzcnt", "rax, rcx").reg("w", RAX).reg("r", RCX).writes(RFLAGS).flags(0, STATUS).is(0xf3, 0x48, 0x0f, 0xbc, 0xc1);
        // popcnt rax, rcx
        e("popcnt", "rax, rcx").reg("w", RAX).reg("r", RCX).writes(RFLAGS).flags(0, STATUS)
                .is(0xf3, 0x48, 0x0f, 0xb8, 0xc1);
    }

    @Test
    void comparisonsAndIdioms() {
        // xor eax, eax   (zeroing: eax is written, not read)
        e("xor", "eax, eax").reg("w", EAX).reg("-", EAX).writes(RFLAGS).flags(0, STATUS).is(0x31, 0xc0);
        // xor eax, ecx
        e("xor", "eax, ecx").reg("rw", EAX).reg("r", ECX).writes(RFLAGS).flags(0, STATUS).is(0x31, 0xc8);
        // sbb eax, eax   (eax = -CF)
        e("sbb", "eax, eax").reg("w", EAX).reg("-", EAX).reads(RFLAGS).writes(RFLAGS).flags(CF, STATUS).is(0x19, 0xc0);
        // cmp rax, rbx
        e("cmp", "rax, rbx").reg("r", RAX).reg("r", RBX).writes(RFLAGS).flags(0, STATUS).is(0x48, 0x39, 0xd8);
        // test al, 1   (Capstone 4 says al is written)
        e("test", "al, 1").reg("r", AL).imm(1, 1).writes(RFLAGS).flags(0, STATUS).is(0xa8, 0x01);
        // test byte ptr [rdi], 1
        e("test", "byte ptr [rdi], 1").mem("r", 1, RDI, 0).imm(1, 1).writes(RFLAGS).flags(0, STATUS).is(0xf6, 0x07, 0x01);
        // test rax, rbx
        e("test", "rax, rbx").reg("r", RAX).reg("r", RBX).writes(RFLAGS).flags(0, STATUS).is(0x48, 0x85, 0xd8);
    }

    @Test
    void flagConsumers() {
        // adc rax, rbx   (Capstone 4 does not say it tests CF)
        e("adc", "rax, rbx").reg("rw", RAX).reg("r", RBX).reads(RFLAGS).writes(RFLAGS).flags(CF, STATUS)
                .is(0x48, 0x11, 0xd8);
        // sbb qword ptr [rdi], rax
        e("sbb", "qword ptr [rdi], rax").mem("rw", 8, RDI, 0).reg("r", RAX).reads(RFLAGS).writes(RFLAGS)
                .flags(CF, STATUS).is(0x48, 0x19, 0x07);
        // rcl rax, 1
        e("rcl", "rax, 1").reg("rw", RAX).imm(1, 8).reads(RFLAGS).writes(RFLAGS).flags(CF, CF | OF).is(0x48, 0xd1, 0xd0);
        // rcr qword ptr [rdi], cl   (Capstone 4: the memory only read, CF not tested)
        e("rcr", "qword ptr [rdi], cl").mem("rw", 8, RDI, 0).reg("r", CL).reads(CL, RFLAGS).writes(RFLAGS)
                .flags(CF, CF | OF).is(0x48, 0xd3, 0x1f);
        // adox rax, rbx   (Capstone 4: rax only written, OF not tested)
        e("adox", "rax, rbx").reg("rw", RAX).reg("r", RBX).reads(RFLAGS).writes(RFLAGS).flags(OF, OF)
                .is(0xf3, 0x48, 0x0f, 0x38, 0xf6, 0xc3);
        // sete al
        e("sete", "al").reg("w", AL).reads(RFLAGS).flags(ZF, 0).is(0x0f, 0x94, 0xc0);
        // setb cl
        e("setb", "cl").reg("w", CL).reads(RFLAGS).flags(CF, 0).is(0x0f, 0x92, 0xc1);
        // setg al
        e("setg", "al").reg("w", AL).reads(RFLAGS).flags(OF | SF | ZF, 0).is(0x0f, 0x9f, 0xc0);
        // sete byte ptr [rax]
        e("sete", "byte ptr [rax]").mem("w", 1, RAX, 0).reads(RFLAGS).flags(ZF, 0).is(0x0f, 0x94, 0x00);
        // setb byte ptr [rdi + rax]   (Capstone 4: read, unlike sete's)
        e("setb", "byte ptr [rdi + rax]").mem("w", 1, -1, RDI, RAX, 1, 0).reads(RFLAGS).flags(CF, 0)
                .is(0x0f, 0x92, 0x04, 0x07);
        // cmovne rax, rbx   (conditional: the destination is read and written)
        e("cmovne", "rax, rbx").reg("rw", RAX).reg("r", RBX).reads(RFLAGS).flags(ZF, 0).is(0x48, 0x0f, 0x45, 0xc3);
        // cmovle eax, ecx
        e("cmovle", "eax, ecx").reg("rw", EAX).reg("r", ECX).reads(RFLAGS).flags(OF | SF | ZF, 0).is(0x0f, 0x4e, 0xc1);
        // cmc   (Capstone 4: CF modified, not tested)
        e("cmc", "").reads(RFLAGS).writes(RFLAGS).flags(CF, CF).is(0xf5);
        // stc
        e("stc", "").writes(RFLAGS).flags(0, CF).is(0xf9);
        // cld / std
        e("cld", "").writes(RFLAGS).flags(0, DF).is(0xfc);
        e("std", "").writes(RFLAGS).flags(0, DF).is(0xfd);
        // pushfq   (copies every flag)
        e("pushfq", "").reads(RSP, RFLAGS).writes(RSP).flags(ALL, 0).is(0x9c);
        // popfq
        e("popfq", "").reads(RSP).writes(RSP, RFLAGS).flags(0, ALL).is(0x9d);
        // lahf   (Capstone 4: no flags tested)
        e("lahf", "").reads(RFLAGS).writes(AH).flags(SF | ZF | AF | PF | CF, 0).is(0x9f);
        // sahf
        e("sahf", "").reads(AH).writes(RFLAGS).flags(0, SF | ZF | AF | PF | CF).is(0x9e);
    }

    @Test
    void atomics() {
        // lock xadd qword ptr [rdi], rax
        e("xadd", "qword ptr [rdi], rax").prefixes(PREFIX_LOCK).mem("rw", 8, RDI, 0).reg("rw", RAX).writes(RFLAGS)
                .flags(0, STATUS).is(0xf0, 0x48, 0x0f, 0xc1, 0x07);
        // lock cmpxchg qword ptr [rdi], rcx   (Capstone 4: the destination only read, rax not written)
        e("cmpxchg", "qword ptr [rdi], rcx").prefixes(PREFIX_LOCK).mem("rw", 8, RDI, 0).reg("r", RCX).reads(RAX)
                .writes(RAX, RFLAGS).flags(0, STATUS).is(0xf0, 0x48, 0x0f, 0xb1, 0x0f);
        // cmpxchg eax, ecx   (Capstone 4: eax only written)
        e("cmpxchg", "eax, ecx").reg("rw", EAX).reg("r", ECX).reads(EAX).writes(EAX, RFLAGS).flags(0, STATUS)
                .is(0x0f, 0xb1, 0xc8);
        // cmpxchg16b xmmword ptr [rdi]
        e("cmpxchg16b", "xmmword ptr [rdi]").mem("rw", 16, RDI, 0).reads(RAX, RBX, RCX, RDX).writes(RAX, RDX, RFLAGS)
                .flags(0, ZF).is(0x48, 0x0f, 0xc7, 0x0f);
        // lock or dword ptr [rsp], 0
        e("or", "dword ptr [rsp], 0").prefixes(PREFIX_LOCK).mem("rw", 4, RSP, 0).imm(0, 4).writes(RFLAGS)
                .flags(0, STATUS).is(0xf0, 0x83, 0x0c, 0x24, 0x00);
    }

    @Test
    void sse() {
        // movd xmm0, eax
        e("movd", "xmm0, eax").reg("w", xmm(0)).reg("r", EAX).is(0x66, 0x0f, 0x6e, 0xc0);
        // movq rax, xmm1   (reads the low 8 bytes)
        e("movq", "rax, xmm1").reg("w", RAX).reg("r", xmm(1), 8).is(0x66, 0x48, 0x0f, 0x7e, 0xc8);
        // movq xmm2, rdx
        e("movq", "xmm2, rdx").reg("w", xmm(2)).reg("r", RDX).is(0x66, 0x48, 0x0f, 0x6e, 0xd2);
        // movd dword ptr [rdi], xmm1
        e("movd", "dword ptr [rdi], xmm1").mem("w", 4, RDI, 0).reg("r", xmm(1), 4).is(0x66, 0x0f, 0x7e, 0x0f);
        // movq qword ptr [rdi], xmm1   (Capstone 4: the destination read)
        e("movq", "qword ptr [rdi], xmm1").mem("w", 8, RDI, 0).reg("r", xmm(1), 8).is(0x66, 0x0f, 0xd6, 0x0f);
        // movaps xmm0, xmm1
        e("movaps", "xmm0, xmm1").reg("w", xmm(0)).reg("r", xmm(1)).is(0x0f, 0x28, 0xc1);
        // movups xmmword ptr [rdi], xmm2   (Capstone 4: the destination read)
        e("movups", "xmmword ptr [rdi], xmm2").mem("w", 16, RDI, 0).reg("r", xmm(2)).is(0x0f, 0x11, 0x17);
        // movups xmm0, xmmword ptr [rdi]
        e("movups", "xmm0, xmmword ptr [rdi]").reg("w", xmm(0)).mem("r", 16, RDI, 0).is(0x0f, 0x10, 0x07);
        // movdqa xmm3, xmmword ptr [rsi]
        e("movdqa", "xmm3, xmmword ptr [rsi]").reg("w", xmm(3)).mem("r", 16, RSI, 0).is(0x66, 0x0f, 0x6f, 0x1e);
        // movdqa xmmword ptr [rdi], xmm1   (Capstone 4: the destination read)
        e("movdqa", "xmmword ptr [rdi], xmm1").mem("w", 16, RDI, 0).reg("r", xmm(1)).is(0x66, 0x0f, 0x7f, 0x0f);
        // movdqu xmm4, xmmword ptr [rsi + 0x10]
        e("movdqu", "xmm4, xmmword ptr [rsi + 0x10]").reg("w", xmm(4)).mem("r", 16, RSI, 0x10)
                .is(0xf3, 0x0f, 0x6f, 0x66, 0x10);
        // movdqu xmmword ptr [rdi], xmm1
        e("movdqu", "xmmword ptr [rdi], xmm1").mem("w", 16, RDI, 0).reg("r", xmm(1)).is(0xf3, 0x0f, 0x7f, 0x0f);
        // movss xmm0, dword ptr [rax]   (zeroes the rest of xmm0; Capstone 4 says it tests DF)
        e("movss", "xmm0, dword ptr [rax]").reg("w", xmm(0)).mem("r", 4, RAX, 0).is(0xf3, 0x0f, 0x10, 0x00);
        // movss dword ptr [rdi], xmm1
        e("movss", "dword ptr [rdi], xmm1").mem("w", 4, RDI, 0).reg("r", xmm(1), 4).is(0xf3, 0x0f, 0x11, 0x0f);
        // movsd xmm1, qword ptr [rax]
        e("movsd", "xmm1, qword ptr [rax]").reg("w", xmm(1)).mem("r", 8, RAX, 0).is(0xf2, 0x0f, 0x10, 0x08);
        // movsd xmm1, xmm2   (merges: xmm1's high half stays)
        e("movsd", "xmm1, xmm2").reg("rw", xmm(1)).reg("r", xmm(2), 8).is(0xf2, 0x0f, 0x10, 0xca);
        // movsd qword ptr [rdi], xmm1
        e("movsd", "qword ptr [rdi], xmm1").mem("w", 8, RDI, 0).reg("r", xmm(1), 8).is(0xf2, 0x0f, 0x11, 0x0f);
        // movlpd xmm0, qword ptr [rdi]
        e("movlpd", "xmm0, qword ptr [rdi]").reg("rw", xmm(0)).mem("r", 8, RDI, 0).is(0x66, 0x0f, 0x12, 0x07);
        // movlpd qword ptr [rdi], xmm1   (Capstone 4: the destination read)
        e("movlpd", "qword ptr [rdi], xmm1").mem("w", 8, RDI, 0).reg("r", xmm(1)).is(0x66, 0x0f, 0x13, 0x0f);
        // movhpd xmm0, qword ptr [rdi + 8]
        e("movhpd", "xmm0, qword ptr [rdi + 8]").reg("rw", xmm(0)).mem("r", 8, RDI, 8).is(0x66, 0x0f, 0x16, 0x47, 0x08);
        // movhpd qword ptr [rdi], xmm1
        e("movhpd", "qword ptr [rdi], xmm1").mem("w", 8, RDI, 0).reg("r", xmm(1)).is(0x66, 0x0f, 0x17, 0x0f);
        // pxor xmm0, xmm0   (zeroing)
        e("pxor", "xmm0, xmm0").reg("w", xmm(0)).reg("-", xmm(0)).is(0x66, 0x0f, 0xef, 0xc0);
        // pxor xmm0, xmm1
        e("pxor", "xmm0, xmm1").reg("rw", xmm(0)).reg("r", xmm(1)).is(0x66, 0x0f, 0xef, 0xc1);
        // pshufd xmm1, xmm2, 0x1b
        e("pshufd", "xmm1, xmm2, 0x1b").reg("w", xmm(1)).reg("r", xmm(2)).imm(0x1b, 1).is(0x66, 0x0f, 0x70, 0xca, 0x1b);
        // punpcklbw xmm0, xmm1
        e("punpcklbw", "xmm0, xmm1").reg("rw", xmm(0)).reg("r", xmm(1)).is(0x66, 0x0f, 0x60, 0xc1);
        // pcmpeqb xmm0, xmm1
        e("pcmpeqb", "xmm0, xmm1").reg("rw", xmm(0)).reg("r", xmm(1)).is(0x66, 0x0f, 0x74, 0xc1);
        // pextrw word ptr [rdi], xmm0, 1   (Capstone 4: the destination read)
        e("pextrw", "word ptr [rdi], xmm0, 1").mem("w", 2, RDI, 0).reg("r", xmm(0)).imm(1, 1)
                .is(0x66, 0x0f, 0x3a, 0x15, 0x07, 0x01);
        // cvtsi2sd xmm0, rax   (keeps xmm0's high half; Capstone 4: only written)
        e("cvtsi2sd", "xmm0, rax").reg("rw", xmm(0)).reg("r", RAX).is(0xf2, 0x48, 0x0f, 0x2a, 0xc0);
        // sqrtsd xmm0, xmm1
        e("sqrtsd", "xmm0, xmm1").reg("rw", xmm(0)).reg("r", xmm(1)).is(0xf2, 0x0f, 0x51, 0xc1);
        // ucomisd xmm0, xmm1
        e("ucomisd", "xmm0, xmm1").reg("r", xmm(0)).reg("r", xmm(1)).writes(RFLAGS).flags(0, STATUS).is(0x66, 0x0f, 0x2e, 0xc1);
        // pcmpistri xmm0, xmm1, 0x1a   (Capstone 4: rflags written but no flag bits)
        e("pcmpistri", "xmm0, xmm1, 0x1a").reg("r", xmm(0)).reg("r", xmm(1)).imm(0x1a, 1).writes(ECX, RFLAGS)
                .flags(0, STATUS).is(0x66, 0x0f, 0x3a, 0x63, 0xc1, 0x1a);
        // stmxcsr dword ptr [rsp]   (Capstone 4: read)
        e("stmxcsr", "dword ptr [rsp]").mem("w", 4, RSP, 0).is(0x0f, 0xae, 0x1c, 0x24);
        // fxsave [rsp]   (512 bytes; Capstone 4: 8)
        e("fxsave", "[rsp]").mem("w", 512, RSP, 0).is(0x0f, 0xae, 0x04, 0x24);
        // vmovdqu8 ymmword ptr [rax]{k1}, ymm16   (a masked store; Capstone 4: read)
        e("vmovdqu8", "ymmword ptr [rax] {k1}, ymm16").mem("w", 32, RAX, 0).reg("r", r(-1, 0, 8, "k1"), 2)
                .reg("r", r(-1, 0, 32, "ymm16")).is(0x62, 0xe1, 0x7f, 0x29, 0x7f, 0x00);
    }

    @Test
    void x87FlagsAreNotRflags() {
        // fld qword ptr [rax]   (Capstone 4's eflags field holds FPU flags here)
        e("fld", "qword ptr [rax]").mem("r", 8, RAX, 0).writes(FPSW).is(0xdd, 0x00);
        // fstp qword ptr [rax]   (Capstone 4: read)
        e("fstp", "qword ptr [rax]").mem("w", 8, RAX, 0).writes(FPSW).is(0xdd, 0x18);
        // fnstcw word ptr [rsp]
        e("fnstcw", "word ptr [rsp]").mem("w", 2, RSP, 0).is(0xd9, 0x3c, 0x24);
        // frstor [rax]   (108 bytes read; Capstone 4: 4 bytes written)
        e("frstor", "dword ptr [rax]").mem("r", 108, RAX, 0).is(0xdd, 0x20);
        // fcomi st(1)   (sets ZF PF CF, clears OF SF AF)
        e("fcomi", "st(1)").reg("r", ST1).writes(RFLAGS, FPSW).flags(0, STATUS).is(0xdb, 0xf1);
        // fcmovb st(0), st(1)   (Capstone 4 has the access the wrong way round)
        e("fcmovb", "st(0), st(1)").reg("rw", ST0).reg("r", ST1).reads(RFLAGS).writes(FPSW).flags(CF, 0).is(0xda, 0xc1);
    }

    @Test
    void stringInstructions() {
        // rep movsb byte ptr [rdi], byte ptr [rsi]
        e("movsb", "byte ptr [rdi], byte ptr [rsi]").prefixes(PREFIX_REP).mem("w", 1, RDI, 0).mem("r", 1, RSI, 0)
                .reads(RDI, RSI, RFLAGS, RCX).writes(RDI, RSI, RCX).flags(DF, 0).is(0xf3, 0xa4);
        // rep movsq
        e("movsq", "qword ptr [rdi], qword ptr [rsi]").prefixes(PREFIX_REP).mem("w", 8, RDI, 0).mem("r", 8, RSI, 0)
                .reads(RDI, RSI, RFLAGS, RCX).writes(RDI, RSI, RCX).flags(DF, 0).is(0xf3, 0x48, 0xa5);
        // movsb   (no rep: rcx untouched)
        e("movsb", "byte ptr [rdi], byte ptr [rsi]").mem("w", 1, RDI, 0).mem("r", 1, RSI, 0)
                .reads(RDI, RSI, RFLAGS).writes(RDI, RSI).flags(DF, 0).is(0xa4);
        // rep stosb
        e("stosb", "byte ptr [rdi], al").prefixes(PREFIX_REP).mem("w", 1, RDI, 0).reg("r", AL)
                .reads(AL, RDI, RFLAGS, RCX).writes(RDI, RCX).flags(DF, 0).is(0xf3, 0xaa);
        // rep stosq   (Capstone 4 lists rcx twice)
        e("stosq", "qword ptr [rdi], rax").prefixes(PREFIX_REP).mem("w", 8, RDI, 0).reg("r", RAX)
                .reads(RAX, RCX, RDI, RFLAGS).writes(RCX, RDI).flags(DF, 0).is(0xf3, 0x48, 0xab);
        // lodsb
        e("lodsb", "al, byte ptr [rsi]").reg("w", AL).mem("r", 1, RSI, 0).reads(RSI, RFLAGS).writes(AL, RSI)
                .flags(DF, 0).is(0xac);
        // repne scasb   (Capstone 4 forgets DF)
        e("scasb", "al, byte ptr [rdi]").prefixes(PREFIX_REPNE).reg("r", AL).mem("r", 1, RDI, 0)
                .reads(AL, RDI, RFLAGS, RCX).writes(RDI, RFLAGS, RCX).flags(DF, STATUS).is(0xf2, 0xae);
        // repe cmpsb
        e("cmpsb", "byte ptr [rsi], byte ptr [rdi]").prefixes(PREFIX_REP).mem("r", 1, RSI, 0).mem("r", 1, RDI, 0)
                .reads(RDI, RSI, RFLAGS, RCX).writes(RDI, RSI, RFLAGS, RCX).flags(DF, STATUS).is(0xf3, 0xa6);
        // cmpsd dword ptr [rsi], dword ptr [rdi]   (Capstone 4: no access)
        e("cmpsd", "dword ptr [rsi], dword ptr [rdi]").mem("r", 4, RSI, 0).mem("r", 4, RDI, 0)
                .reads(RDI, RSI, RFLAGS).writes(RDI, RSI, RFLAGS).flags(DF, STATUS).is(0xa7);
        // rep movsd dword ptr [rdi], dword ptr [rsi]   (same Capstone id as SSE movsd)
        e("movsd", "dword ptr [rdi], dword ptr [rsi]").prefixes(PREFIX_REP).mem("w", 4, RDI, 0).mem("r", 4, RSI, 0)
                .reads(RDI, RSI, RFLAGS, RCX).writes(RDI, RSI, RCX).flags(DF, 0).is(0xf3, 0xa5);
        // rep insb   (Capstone 4: no access, edi instead of rdi, DF not tested)
        e("insb", "byte ptr [rdi], dx").prefixes(PREFIX_REP).mem("w", 1, RDI, 0).reg("r", r(Registers.RDX, 0, 2, "dx"))
                .reads(r(Registers.RDX, 0, 2, "dx"), RDI, RFLAGS, RCX).writes(RDI, RCX).flags(DF, 0).is(0xf3, 0x6c);
    }

    @Test
    void system() {
        // cpuid
        e("cpuid", "").reads(EAX, ECX).writes(EAX, EBX, ECX, EDX).is(0x0f, 0xa2);
        // syscall   (Capstone 4: nothing)
        e("syscall", "").reads(RAX, RDI, RSI, RDX, R10, R8, R9, RFLAGS, RIP).writes(RAX, RCX, R11).flags(ALL, 0)
                .is(0x0f, 0x05);
        // rdtsc
        e("rdtsc", "").writes(RAX, RDX).is(0x0f, 0x31);
        // xlatb   (Capstone 4: nothing)
        e("xlatb", "").reads(AL, RBX).writes(AL).is(0xd7);
        // endbr64
        e("endbr64", "").is(0xf3, 0x0f, 0x1e, 0xfa);
        // nop
        e("nop", "").is(0x90);
    }

    @Test
    void invalidTruncatedOrEmptyBytesAreNull() {
        assertThat(Instruction.decode(code(0x48, 0x8b), 0)).isNull();
        assertThat(Instruction.decode(code(0x06), 0)).as("push es does not exist in 64-bit mode").isNull();
        assertThat(Instruction.decode(new byte[0], 0)).isNull();
    }

    @Test
    void decodesTheFirstInstructionOfLongerCode() {
        Instruction i = Instruction.decode(code(0x55, 0x48, 0x89, 0xe5, 0xc3), ADDR);
        assertThat(i.size()).isEqualTo(1);
        assertThat(i.text()).isEqualTo("push rbp");
    }

    @Test
    void textIsTheDisassemblyWithItsPrefixes() {
        int[][] codes = {
            {0x48, 0x8b, 0x45, 0xf8}, {0xf3, 0xa4}, {0xf3, 0x48, 0xab}, {0xf2, 0xae}, {0xf3, 0xa6},
            {0xf0, 0x48, 0x0f, 0xc1, 0x07}, {0xe8, 0x00, 0x01, 0x00, 0x00}, {0xc3}, {0x0f, 0x05},
            {0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0x00, 0x00, 0x00},
        };
        for (int[] c : codes) {
            Instruction i = Instruction.decode(code(c), ADDR);
            assertThat(i.text()).isEqualTo(Emulator.disasm(code(c), ADDR).text());
        }
    }

    private static int decodeInto(byte[] code, int outlen, int textlen) {
        jnr.ffi.Runtime runtime = jnr.ffi.Runtime.getRuntime(Emulator.LIB);
        return Emulator.LIB.omni_insn_decode(code, code.length, 0, Memory.allocateDirect(runtime, outlen * Long.BYTES),
                outlen, Memory.allocateDirect(runtime, textlen), textlen);
    }

    @Test
    void aTooSmallBufferIsAnError() {
        // mov rax, rbx: header and two register operands, 35 int64s; "mov\trax, rbx" and its NUL, 13 bytes
        byte[] c = code(0x48, 0x89, 0xd8);
        assertThat(decodeInto(c, 35, 13)).isEqualTo(35);
        assertThat(decodeInto(c, 34, 13)).isEqualTo(EmuNative.OMNI_ERANGE);
        assertThat(decodeInto(c, 35, 12)).isEqualTo(EmuNative.OMNI_ERANGE);
    }

    @Test
    void decodesTheSameOnManyThreads() throws Exception {
        int[][] codes = {
            {0x48, 0x89, 0xd8}, {0xf3, 0xa4}, {0x0f, 0x05}, {0x66, 0x0f, 0xef, 0xc0}, {0xf0, 0x48, 0x0f, 0xb1, 0x0f},
            {0x48, 0x8b, 0x05, 0x00, 0x20, 0x00, 0x00}, {0xdb, 0xf1}, {0x9c},
        };
        List<Instruction> expected = Arrays.stream(codes).map(c -> Instruction.decode(code(c), ADDR)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 2000; round++) {
                        int k = round % codes.length;
                        if (!Instruction.decode(code(codes[k]), ADDR).equals(expected.get(k))) return false;
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) assertThat(f.get()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    /** EmuNative's OMNI_INSN_* and OMNI_ERANGE are emu.h's (read from the source tree). */
    @Test
    void layoutConstantsAreEmuHs() throws IOException, ReflectiveOperationException {
        Path h = Path.of(System.getProperty("omni.native.dir")).resolveSibling("replay").resolve("emu.h");
        String header = Files.readString(h).replaceAll("//[^\n]*", "");
        Matcher define = Pattern.compile("#define\\s+(OMNI_INSN_\\w+|OMNI_ERANGE)\\s+\\(?(-?\\d+)\\)?\\s*\n").matcher(header);
        int seen = 0;
        while (define.find()) {
            assertThat(EmuNative.class.getField(define.group(1)).getInt(null)).as(define.group(1))
                    .isEqualTo(Integer.parseInt(define.group(2)));
            seen++;
        }
        Matcher enumItem = Pattern.compile("\\b(OMNI_INSN_\\w+)\\s*=\\s*(\\d+)").matcher(header);
        while (enumItem.find()) {
            assertThat(EmuNative.class.getField(enumItem.group(1)).getInt(null)).as(enumItem.group(1))
                    .isEqualTo(Integer.parseInt(enumItem.group(2)));
            seen++;
        }
        assertThat(seen).as("OMNI_ERANGE, four OMNI_INSN_ sizes, eight enumerators").isEqualTo(5 + 8);
        assertThat(EmuNative.OMNI_INSN_MAX).isEqualTo(EmuNative.OMNI_INSN_HEADER + 8 * EmuNative.OMNI_INSN_OPERAND
                + 64 * EmuNative.OMNI_INSN_REG);
        assertThat(Instruction.PREFIX_REP).isEqualTo(EmuNative.OMNI_INSN_REP);
        assertThat(Instruction.PREFIX_REPNE).isEqualTo(EmuNative.OMNI_INSN_REPNE);
        assertThat(Instruction.PREFIX_LOCK).isEqualTo(EmuNative.OMNI_INSN_LOCK);
    }
}
