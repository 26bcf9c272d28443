package dev.omniscope.indexer.emu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omniscope.trace.Registers;

/** A process-like layout for tests: code, data and stack mapped, code loaded, rip and rsp set. */
final class EmuFixture {
    static final long CODE = 0x10000;
    static final long DATA = 0x20000;
    static final long STACK = 0x70000;
    static final long STACK_TOP = 0x80000;
    static final int PAGE = 4096;

    private EmuFixture() {}

    /** An emulator with code (R-X, 64 KiB at CODE), data (RW-, 64 KiB at DATA) and a stack (RW-). */
    static Emulator load(TestCode code) {
        Emulator emu = new Emulator();
        emu.map(CODE, 0x10000, Emulator.PROT_READ | Emulator.PROT_EXEC);
        emu.map(DATA, 0x10000, Emulator.PROT_READ | Emulator.PROT_WRITE);
        emu.map(STACK, STACK_TOP - STACK, Emulator.PROT_READ | Emulator.PROT_WRITE);
        emu.write(code.base(), code.bytes());
        long[] r = emu.regs();
        r[Registers.RIP] = code.base();
        r[Registers.RSP] = STACK_TOP - 0x100;
        r[Registers.RDI] = DATA;
        emu.setRegs(r);
        return emu;
    }

    static TestCode asm(String source) {
        return TestCode.asm(CODE, source);
    }

    /** Runs to the next stop and checks its reason. */
    static Stop runTo(Emulator emu, Stop.Reason reason) {
        Stop stop = emu.run(0);
        assertThat(stop.reason()).as("stop %s", stop).isEqualTo(reason);
        return stop;
    }
}
