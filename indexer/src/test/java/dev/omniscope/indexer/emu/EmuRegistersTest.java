package dev.omniscope.indexer.emu;

import static dev.omniscope.indexer.emu.EmuFixture.CODE;
import static dev.omniscope.indexer.emu.EmuFixture.DATA;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.omniscope.indexer.emu.Emulator.CpuidRow;
import dev.omniscope.trace.Registers;

class EmuRegistersTest {

    @Test
    void registersRoundTripIncludingBasesFlagsSelectorsAndOrigRax() {
        try (Emulator emu = new Emulator()) {
            long[] r = new long[Registers.COUNT];
            for (int i = 0; i < Registers.COUNT; i++) r[i] = 0x1111_0000_0000_0000L * (i % 7 + 1) + i;
            r[Registers.RIP] = 0x401000;
            r[Registers.EFLAGS] = 0x2 | 0x1 | 0x40 | 0x80 | 0x400 | 0x800;  // CF ZF SF DF OF
            r[Registers.FS_BASE] = 0x7fff_f7d8_6740L;
            r[Registers.GS_BASE] = 0x1234_5000L;
            r[Registers.CS] = 0x33;
            r[Registers.SS] = 0x2b;
            r[Registers.DS] = r[Registers.ES] = r[Registers.FS] = r[Registers.GS] = 0;
            r[Registers.ORIG_RAX] = -1;
            emu.setRegs(r);
            assertThat(emu.regs()).containsExactly(r);
        }
    }

    @Test
    void fsAndGsBasesAddressMemory() {
        TestCode code = EmuFixture.asm("""
                mov rax, qword ptr fs:[8]
                mov rbx, qword ptr gs:[16]
                syscall
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            emu.writeLong(DATA + 0x108, 0xf5f5);
            emu.writeLong(DATA + 0x210, 0x6565);
            long[] r = emu.regs();
            r[Registers.FS_BASE] = DATA + 0x100;
            r[Registers.GS_BASE] = DATA + 0x200;
            emu.setRegs(r);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(emu.reg(Registers.RAX)).isEqualTo(0xf5f5);
            assertThat(emu.reg(Registers.RBX)).isEqualTo(0x6565);
        }
    }

    @Test
    void fpregsRoundTripAndXmmReachesTheCode() {
        TestCode code = EmuFixture.asm("""
                paddq xmm0, xmm1
                movq rax, xmm0
                pextrq rbx, xmm0, 1
                syscall
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            ByteBuffer fx = ByteBuffer.wrap(emu.fpregs()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(fx.getShort(0)).isEqualTo((short) 0x37f);  // fcw after reset
            assertThat(fx.getInt(24)).isEqualTo(0x1f80);          // mxcsr after reset
            fx.putShort(0, (short) 0x27f);
            fx.putInt(24, 0x9f80);  // flush-to-zero on
            for (int x = 0; x < 16; x++) {
                fx.putLong(160 + 16 * x, 0x0101_0101_0000_0000L * (x + 1) + x);
                fx.putLong(168 + 16 * x, 0x0202_0202_0000_0000L * (x + 1) + x);
            }
            emu.setFpregs(fx.array());
            byte[] back = emu.fpregs();
            assertThat(ByteBuffer.wrap(back).order(ByteOrder.LITTLE_ENDIAN).getShort(0)).isEqualTo((short) 0x27f);
            assertThat(ByteBuffer.wrap(back).order(ByteOrder.LITTLE_ENDIAN).getInt(24)).isEqualTo(0x9f80);
            for (int i = 160; i < 416; i++) assertThat(back[i]).as("byte %d", i).isEqualTo(fx.array()[i]);

            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(emu.reg(Registers.RAX)).isEqualTo(0x0101_0101_0000_0000L + 0x0202_0202_0000_0000L + 1);
            assertThat(emu.reg(Registers.RBX)).isEqualTo(0x0202_0202_0000_0000L * 3 + 1);
        }
    }

    @Test
    void x87StackAppearsInStackOrderWithAnAbridgedTagWord() {
        TestCode code = EmuFixture.asm("""
                fld1
                fldz
                syscall
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            ByteBuffer fx = ByteBuffer.wrap(emu.fpregs()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat((fx.getShort(2) >> 11) & 7).isEqualTo(6);  // top of stack after two pushes
            assertThat(fx.get(4) & 0xff).isEqualTo(0b1100_0000);    // physical registers 6 and 7 in use
            assertThat(fx.getLong(32)).isZero();                     // st0 = 0.0
            assertThat(fx.getLong(48)).isEqualTo(0x8000_0000_0000_0000L);  // st1 = 1.0: mantissa
            assertThat(fx.getShort(56)).isEqualTo((short) 0x3fff);         // and exponent
        }
    }

    @Test
    void cpuidAnswersFromTheTable() {
        TestCode code = EmuFixture.asm("""
                mov eax, 7
                mov ecx, 1
                cpuid
                mov rsi, rcx
                syscall
                mov eax, 7
                mov ecx, 0
                cpuid
                mov rsi, rcx
                syscall
                mov eax, 7
                mov ecx, 5
                cpuid
                mov rsi, rcx
                syscall
                mov eax, 1
                mov ecx, 9
                cpuid
                mov rsi, rcx
                syscall
                mov eax, 0x80000008
                cpuid
                mov rsi, rcx
                syscall
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            emu.setCpuid(List.of(
                    new CpuidRow(0, 0, false, 0xd, 0x756e6547, 0x6c65746e, 0x49656e69),
                    new CpuidRow(1, 0, false, 0x806ec, 0x100800, 0x7ffafbbf, 0xbfebfbff),
                    new CpuidRow(7, 0, true, 0, 0x29c6fbf, 0x40000000, 0xbc000400),
                    new CpuidRow(7, 1, true, 0x1, 0x2, 0x3, 0x4)));
            long[] r = emu.regs();
            r[Registers.RBX] = r[Registers.RDX] = -1;
            emu.setRegs(r);

            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(cpuidResult(emu)).containsExactly(1, 2, 3, 4);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(cpuidResult(emu)).containsExactly(0, 0x29c6fbf, 0x40000000, 0xbc000400L);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(cpuidResult(emu)).as("subleaf without a row").containsExactly(0, 0, 0, 0);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(cpuidResult(emu)).as("leaf whose subleaf is not significant")
                    .containsExactly(0x806ec, 0x100800, 0x7ffafbbf, 0xbfebfbffL);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(cpuidResult(emu)).as("leaf without a row").containsExactly(0, 0, 0, 0);
        }
    }

    /** eax, ebx, ecx, edx of the last cpuid: the code saved ecx in rsi, since the syscall sets rcx. */
    private static long[] cpuidResult(Emulator emu) {
        long[] r = emu.regs();
        return new long[] {r[Registers.RAX], r[Registers.RBX], r[Registers.RSI], r[Registers.RDX]};
    }
}
