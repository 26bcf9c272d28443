package dev.omniscope.indexer.emu;

import static dev.omniscope.indexer.emu.EmuFixture.CODE;
import static dev.omniscope.indexer.emu.EmuFixture.DATA;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.omniscope.trace.Registers;

class EmuStopsTest {
    private static final TestCode COUNT_LOOP = EmuFixture.asm("""
            xor ecx, ecx
            loop:
            add rcx, 1
            cmp rcx, 100
            jne loop
            sys:
            syscall
            """);

    @Test
    void syscallStopsAfterTheInstructionWithRcxAndR11SetAsTheCpuDoes() {
        TestCode code = EmuFixture.asm("""
                mov eax, 60
                mov edi, 7
                stc
                sys:
                syscall
                nop
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            emu.setStep(1000);
            Stop stop = EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            long after = code.at("sys") + 2;
            assertThat(stop.rip()).isEqualTo(code.at("sys"));
            assertThat(stop.steps()).isEqualTo(4);
            assertThat(stop.step()).isEqualTo(1004);
            assertThat(emu.step()).isEqualTo(1004);
            long[] r = emu.regs();
            assertThat(r[Registers.RIP]).isEqualTo(after);
            assertThat(r[Registers.RCX]).isEqualTo(after);
            assertThat(r[Registers.R11]).isEqualTo(r[Registers.EFLAGS]);
            assertThat(r[Registers.R11] & 1).as("carry set by stc").isEqualTo(1);
            assertThat(r[Registers.RAX]).isEqualTo(60);
            assertThat(r[Registers.RDI]).isEqualTo(7);
        }
    }

    @Test
    void stopAddressStopsBeforeTheInstructionSoTheDriverCanEmulateRdtsc() {
        TestCode code = EmuFixture.asm("""
                nop
                tsc:
                rdtsc
                shl rdx, 32
                or rax, rdx
                syscall
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            emu.setStopAddress(code.at("tsc"));
            Stop stop = EmuFixture.runTo(emu, Stop.Reason.ADDRESS);
            assertThat(stop.rip()).isEqualTo(code.at("tsc"));
            assertThat(stop.steps()).isEqualTo(1);
            assertThat(emu.reg(Registers.RIP)).isEqualTo(code.at("tsc"));

            // Checked before the first instruction of a run too: running again stops at once.
            assertThat(emu.run(0).reason()).isEqualTo(Stop.Reason.ADDRESS);
            assertThat(emu.step()).isEqualTo(1);

            long[] r = emu.regs();
            r[Registers.RAX] = 0x1234;
            r[Registers.RDX] = 0x5678;
            r[Registers.RIP] += 2;
            emu.retire(r);
            assertThat(emu.step()).isEqualTo(2);
            stop = EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(emu.reg(Registers.RAX)).isEqualTo(0x5678_0000_1234L);
            assertThat(stop.step()).isEqualTo(5);
        }
    }

    @Test
    void rdtscWithoutAStopAddressStopsAsNondeterministic() {
        TestCode code = EmuFixture.asm("""
                nop
                rdtscp
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            Stop stop = EmuFixture.runTo(emu, Stop.Reason.NONDET);
            assertThat(stop.detail()).isEqualTo(EmuNative.OMNI_NONDET_RDTSCP);
            assertThat(stop.rip()).isEqualTo(CODE + 1);
            assertThat(stop.steps()).isEqualTo(1);
        }
    }

    /** Registers just before `add rcx, 1` with rcx = k: after 1 + 3k instructions. */
    private static long[] registersAtIteration(int k) {
        try (Emulator probe = EmuFixture.load(COUNT_LOOP)) {
            Stop stop = probe.run(1 + 3L * k);
            assertThat(stop.reason()).isEqualTo(Stop.Reason.LIMIT);
            assertThat(probe.reg(Registers.RCX)).isEqualTo(k);
            return probe.regs();
        }
    }

    @Test
    void fingerprintStopsOnlyWhereAllRegistersMatch() {
        long[] fp = registersAtIteration(37);
        try (Emulator emu = EmuFixture.load(COUNT_LOOP)) {
            emu.setFingerprint(fp);
            Stop stop = EmuFixture.runTo(emu, Stop.Reason.FINGERPRINT);
            assertThat(stop.rip()).isEqualTo(COUNT_LOOP.at("loop"));
            assertThat(stop.steps()).isEqualTo(1 + 3 * 37);
            assertThat(emu.reg(Registers.RCX)).isEqualTo(37);

            emu.setFingerprint(null);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(emu.reg(Registers.RCX)).isEqualTo(COUNT_LOOP.at("sys") + 2);
        }
    }

    @Test
    void fingerprintComparesNeitherFlagsNorOrigRax() {
        // x86 leaves flags undefined after many instructions; a CPU and QEMU may disagree on them.
        long[] fp = registersAtIteration(5);
        try (Emulator emu = EmuFixture.load(COUNT_LOOP)) {
            fp[Registers.EFLAGS] ^= 0x8D5;   // CF, PF, AF, ZF, SF, OF all flipped
            fp[Registers.ORIG_RAX] = 12345;
            emu.setFingerprint(fp);
            assertThat(emu.run(0).reason()).isEqualTo(Stop.Reason.FINGERPRINT);
        }
        try (Emulator emu = EmuFixture.load(COUNT_LOOP)) {
            fp[Registers.RAX] ^= 1;          // a general register: no match, the loop runs to its syscall
            emu.setFingerprint(fp);
            assertThat(emu.run(0).reason()).isEqualTo(Stop.Reason.SYSCALL);
        }
    }

    @Test
    void aFingerprintThatNeverMatchesStopsAtItsHitLimit() {
        long[] fp = registersAtIteration(5);
        fp[Registers.RBX] ^= 0x5A5A;         // never true in this loop
        try (Emulator emu = EmuFixture.load(COUNT_LOOP)) {
            emu.setFingerprint(fp);
            emu.setFingerprintLimit(3);
            Stop stop = emu.run(0);
            assertThat(stop.reason()).isEqualTo(Stop.Reason.LIMIT);
            assertThat(stop.detail()).isEqualTo(1);
            assertThat(stop.rip()).isEqualTo(fp[Registers.RIP]);
        }
    }

    @Test
    void fingerprintMatchingTheFirstInstructionStopsBeforeAnyStep() {
        try (Emulator emu = EmuFixture.load(COUNT_LOOP)) {
            emu.setFingerprint(emu.regs());
            Stop stop = EmuFixture.runTo(emu, Stop.Reason.FINGERPRINT);
            assertThat(stop.steps()).isZero();
            assertThat(stop.rip()).isEqualTo(CODE);
        }
    }

    @Test
    void avxIsAnInvalidInstructionWithRipAtIt() {
        TestCode code = EmuFixture.asm("""
                nop
                avx:
                vmovdqu ymm0, ymmword ptr [rdi]
                nop
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            Stop stop = EmuFixture.runTo(emu, Stop.Reason.INVALID_INSN);
            assertThat(stop.rip()).isEqualTo(code.at("avx"));
            assertThat(emu.reg(Registers.RIP)).isEqualTo(code.at("avx"));
            assertThat(stop.steps()).isEqualTo(1);
            Emulator.Disassembly d = Emulator.disasm(emu.read(stop.rip(), 15), stop.rip());
            assertThat(d.text()).isEqualTo("vmovdqu ymm0, ymmword ptr [rdi]");
        }
    }

    @Test
    void interruptsReportTheirVector() {
        TestCode code = EmuFixture.asm("""
                int3
                int 0x80
                ud2
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            Stop stop = EmuFixture.runTo(emu, Stop.Reason.INTERRUPT);
            assertThat(stop.detail()).isEqualTo(3);
            assertThat(stop.rip()).isEqualTo(CODE);
            assertThat(emu.reg(Registers.RIP)).as("int3 is a trap: rip after it").isEqualTo(CODE + 1);
            assertThat(stop.steps()).isEqualTo(1);

            stop = EmuFixture.runTo(emu, Stop.Reason.INTERRUPT);
            assertThat(stop.detail()).isEqualTo(0x80);
            assertThat(emu.reg(Registers.RIP)).isEqualTo(CODE + 3);

            stop = EmuFixture.runTo(emu, Stop.Reason.INTERRUPT);
            assertThat(stop.detail()).isEqualTo(6);
            assertThat(stop.rip()).isEqualTo(CODE + 3);
            assertThat(emu.reg(Registers.RIP)).as("ud2 faults: rip at it").isEqualTo(CODE + 3);
            assertThat(stop.steps()).isZero();
            assertThat(emu.step()).isEqualTo(2);
        }
    }

    @Test
    void divideByZeroAndHltFaultAtTheInstruction() {
        TestCode code = EmuFixture.asm("""
                xor ecx, ecx
                div:
                div rcx
                hlt:
                hlt
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            Stop stop = EmuFixture.runTo(emu, Stop.Reason.INTERRUPT);
            assertThat(stop.detail()).isZero();
            assertThat(stop.rip()).isEqualTo(code.at("div"));
            assertThat(emu.reg(Registers.RIP)).isEqualTo(code.at("div"));
            assertThat(emu.step()).isEqualTo(1);

            emu.setReg(Registers.RIP, code.at("hlt"));
            stop = EmuFixture.runTo(emu, Stop.Reason.INTERRUPT);
            assertThat(stop.detail()).isEqualTo(13);
            assertThat(emu.reg(Registers.RIP)).isEqualTo(code.at("hlt"));
        }
    }

    @Test
    void unmappedReadWriteAndFetchStopWithTheFaultAddress() {
        TestCode code = EmuFixture.asm("""
                mov rax, qword ptr [0x5000]
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            Stop stop = EmuFixture.runTo(emu, Stop.Reason.MEM_FAULT);
            assertThat(stop.faultKind()).isEqualTo(Stop.FAULT_READ);
            assertThat(stop.protectionFault()).isFalse();
            assertThat(stop.faultAddr()).isEqualTo(0x5000);
            assertThat(stop.rip()).isEqualTo(CODE);
            assertThat(stop.steps()).isZero();
        }
        code = EmuFixture.asm("""
                mov rbx, 0x900008
                push rax
                mov qword ptr [rbx], rax
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            emu.traceEnable(Emulator.TRACE_ALL, 4096);
            Stop stop = EmuFixture.runTo(emu, Stop.Reason.MEM_FAULT);
            assertThat(stop.faultKind()).isEqualTo(Stop.FAULT_WRITE);
            assertThat(stop.faultAddr()).isEqualTo(0x900008);
            assertThat(stop.rip()).isEqualTo(CODE + 7 + 1);
            assertThat(emu.reg(Registers.RIP)).isEqualTo(CODE + 8);
            assertThat(stop.steps()).isEqualTo(2);
            // The push is a row; the faulting store is not.
            assertThat(emu.trace().drain().mem().rows()).isEqualTo(1);
        }
        code = EmuFixture.asm("""
                mov rax, 0x7000000
                jmp rax
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            Stop stop = EmuFixture.runTo(emu, Stop.Reason.MEM_FAULT);
            assertThat(stop.faultKind()).isEqualTo(Stop.FAULT_FETCH);
            assertThat(stop.faultAddr()).isEqualTo(0x7000000);
            assertThat(stop.rip()).isEqualTo(0x7000000);
            assertThat(stop.steps()).as("the jump executed").isEqualTo(2);
        }
    }

    @Test
    void limitStopsAfterMaxStepsAndTheRunGoesOnWhereItStopped() {
        long[] whole;
        try (Emulator emu = EmuFixture.load(COUNT_LOOP)) {
            Stop stop = EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(stop.steps()).isEqualTo(1 + 3 * 100 + 1);
            whole = emu.regs();
        }
        try (Emulator emu = EmuFixture.load(COUNT_LOOP)) {
            long total = 0;
            Stop stop;
            while ((stop = emu.run(7)).reason() == Stop.Reason.LIMIT) {
                assertThat(stop.steps()).isEqualTo(7);
                total += stop.steps();
            }
            assertThat(stop.reason()).isEqualTo(Stop.Reason.SYSCALL);
            assertThat(total + stop.steps()).isEqualTo(302);
            assertThat(emu.regs()).containsExactly(whole);
        }
    }

    @Test
    void repMovsbIsOneStepHoweverManyIterations() {
        TestCode code = EmuFixture.asm("""
                lea rsi, [rdi + 0x1000]
                mov ecx, 3000
                rep movsb
                nop
                syscall
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            byte[] src = new byte[3000];
            for (int i = 0; i < src.length; i++) src[i] = (byte) (i * 31 + 7);
            emu.write(DATA + 0x1000, src);
            Stop stop = EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(stop.steps()).isEqualTo(5);
            assertThat(emu.read(DATA, 3000)).isEqualTo(src);
            assertThat(emu.reg(Registers.RSI)).isEqualTo(DATA + 0x1000 + 3000);
            assertThat(emu.reg(Registers.RDI)).isEqualTo(DATA + 3000);
        }
    }
}
