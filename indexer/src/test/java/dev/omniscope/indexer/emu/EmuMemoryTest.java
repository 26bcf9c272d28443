package dev.omniscope.indexer.emu;

import static dev.omniscope.indexer.emu.EmuFixture.CODE;
import static dev.omniscope.indexer.emu.EmuFixture.DATA;
import static dev.omniscope.indexer.emu.EmuFixture.PAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.omniscope.indexer.emu.Emulator.Mapping;
import dev.omniscope.trace.Registers;

class EmuMemoryTest {
    private static final int RW = Emulator.PROT_READ | Emulator.PROT_WRITE;
    private static final int RX = Emulator.PROT_READ | Emulator.PROT_EXEC;
    private static final long BASE = 0x100000;

    /** Fills [addr, addr+len) with bytes that say which page they are on. */
    private static void fillPages(Emulator emu, long addr, int pages) {
        for (int p = 0; p < pages; p++) {
            byte[] page = new byte[PAGE];
            Arrays.fill(page, (byte) (p + 1));
            emu.write(addr + (long) p * PAGE, page);
        }
    }

    @Test
    void unmapOfTheMiddleKeepsBothEndsAndTheirContents() {
        try (Emulator emu = new Emulator()) {
            emu.map(BASE, 16 * PAGE, RW);
            fillPages(emu, BASE, 16);
            emu.unmap(BASE + 4 * PAGE, 2 * PAGE);

            assertThat(emu.mappings()).containsExactly(
                    new Mapping(BASE, BASE + 4 * PAGE, RW), new Mapping(BASE + 6 * PAGE, BASE + 16 * PAGE, RW));
            assertThat(emu.read(BASE + 4 * PAGE - 1, 1)).containsExactly(4);
            assertThat(emu.read(BASE + 6 * PAGE, 1)).containsExactly(7);
            assertThatThrownBy(() -> emu.read(BASE + 4 * PAGE, 1))
                    .isInstanceOf(EmuException.class).hasMessageContaining("not mapped");
            assertThatThrownBy(() -> emu.read(BASE + 4 * PAGE - 4, 8)).isInstanceOf(EmuException.class);
        }
    }

    @Test
    void unmapIgnoresHolesAndMayCoverSeveralMappings() {
        try (Emulator emu = new Emulator()) {
            emu.map(BASE, 2 * PAGE, RW);
            emu.map(BASE + 4 * PAGE, 2 * PAGE, RX);
            emu.unmap(BASE + PAGE, 4 * PAGE);
            assertThat(emu.mappings()).containsExactly(
                    new Mapping(BASE, BASE + PAGE, RW), new Mapping(BASE + 5 * PAGE, BASE + 6 * PAGE, RX));
            emu.unmap(0, 0x1000000);
            assertThat(emu.mappings()).isEmpty();
        }
    }

    @Test
    void mapReplacesWhatOverlapsWithZeroes() {
        try (Emulator emu = new Emulator()) {
            emu.map(BASE, 8 * PAGE, RW);
            fillPages(emu, BASE, 8);
            emu.map(BASE + 2 * PAGE, 2 * PAGE, RX);
            assertThat(emu.mappings()).containsExactly(new Mapping(BASE, BASE + 2 * PAGE, RW),
                    new Mapping(BASE + 2 * PAGE, BASE + 4 * PAGE, RX), new Mapping(BASE + 4 * PAGE, BASE + 8 * PAGE, RW));
            assertThat(emu.read(BASE + 2 * PAGE, 2 * PAGE)).containsOnly(0);
            assertThat(emu.read(BASE + 4 * PAGE, 1)).containsExactly(5);
        }
    }

    @Test
    void misalignedRangesAreRejected() {
        try (Emulator emu = new Emulator()) {
            assertThatThrownBy(() -> emu.map(BASE + 1, PAGE, RW)).isInstanceOf(EmuException.class)
                    .hasMessageContaining("invalid argument");
            assertThatThrownBy(() -> emu.map(BASE, 100, RW)).isInstanceOf(EmuException.class);
            assertThatThrownBy(() -> emu.write(BASE, new byte[1])).isInstanceOf(EmuException.class)
                    .hasMessageContaining("not mapped");
        }
    }

    @Test
    void protectChangesPartOfAMappingAndIsEnforcedOnStores() {
        TestCode code = EmuFixture.asm("""
                mov qword ptr [rdi], 1
                mov qword ptr [rdi + 0x1000], 2
                syscall
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            emu.protect(DATA + PAGE, PAGE, Emulator.PROT_READ);
            assertThat(emu.mappings()).contains(new Mapping(DATA, DATA + PAGE, RW),
                    new Mapping(DATA + PAGE, DATA + 2 * PAGE, Emulator.PROT_READ),
                    new Mapping(DATA + 2 * PAGE, DATA + 16 * PAGE, RW));
            Stop stop = EmuFixture.runTo(emu, Stop.Reason.MEM_FAULT);
            assertThat(stop.faultKind()).isEqualTo(Stop.FAULT_WRITE);
            assertThat(stop.protectionFault()).isTrue();
            assertThat(stop.faultAddr()).isEqualTo(DATA + PAGE);
            assertThat(stop.rip()).isEqualTo(CODE + 7);
            assertThat(emu.reg(Registers.RIP)).isEqualTo(CODE + 7);
            assertThat(emu.readLong(DATA)).isEqualTo(1);
            assertThat(emu.readLong(DATA + PAGE)).isZero();

            emu.protect(DATA, 16 * PAGE, RW);
            assertThat(emu.mappings()).contains(new Mapping(DATA, DATA + 16 * PAGE, RW));
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(emu.readLong(DATA + PAGE)).isEqualTo(2);
        }
    }

    @Test
    void protectOfARangeWithAHoleFailsAndChangesNothing() {
        try (Emulator emu = new Emulator()) {
            emu.map(BASE, PAGE, RW);
            emu.map(BASE + 2 * PAGE, PAGE, RW);
            assertThatThrownBy(() -> emu.protect(BASE, 3 * PAGE, Emulator.PROT_READ))
                    .isInstanceOf(EmuException.class).hasMessageContaining("not mapped");
            assertThat(emu.mappings()).containsExactly(
                    new Mapping(BASE, BASE + PAGE, RW), new Mapping(BASE + 2 * PAGE, BASE + 3 * PAGE, RW));
        }
    }

    @Test
    void fetchFromMemoryWithoutExecPermissionFaults() {
        TestCode code = EmuFixture.asm("""
                mov rax, 0x20000
                jmp rax
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            Stop stop = EmuFixture.runTo(emu, Stop.Reason.MEM_FAULT);
            assertThat(stop.faultKind()).isEqualTo(Stop.FAULT_FETCH);
            assertThat(stop.protectionFault()).isTrue();
            assertThat(stop.faultAddr()).isEqualTo(DATA);
            assertThat(stop.steps()).isEqualTo(2);
        }
    }

    @Test
    void remapGrowsInPlaceWithAZeroTail() {
        try (Emulator emu = new Emulator()) {
            emu.map(BASE, 2 * PAGE, RW);
            fillPages(emu, BASE, 2);
            emu.remap(BASE, 2 * PAGE, BASE, 5 * PAGE);
            assertThat(emu.mappings()).containsExactly(new Mapping(BASE, BASE + 5 * PAGE, RW));
            assertThat(emu.read(BASE + PAGE, 1)).containsExactly(2);
            assertThat(emu.read(BASE + 2 * PAGE, 3 * PAGE)).containsOnly(0);

            emu.remap(BASE, 5 * PAGE, BASE, PAGE);
            assertThat(emu.mappings()).containsExactly(new Mapping(BASE, BASE + PAGE, RW));
            assertThat(emu.read(BASE, 1)).containsExactly(1);
        }
    }

    @Test
    void remapMovesContentsAndUnmapsTheOldRange() {
        try (Emulator emu = new Emulator()) {
            emu.map(BASE, 2 * PAGE, RX);
            fillPages(emu, BASE, 2);
            long target = 0x200000;
            emu.map(target, 8 * PAGE, RW);  // replaced by the move
            emu.remap(BASE, 2 * PAGE, target, 3 * PAGE);
            assertThat(emu.mappings()).containsExactly(new Mapping(target, target + 3 * PAGE, RX),
                    new Mapping(target + 3 * PAGE, target + 8 * PAGE, RW));
            assertThat(emu.read(target + PAGE, 1)).containsExactly(2);
            assertThat(emu.read(target + 2 * PAGE, PAGE)).containsOnly(0);
            assertThatThrownBy(() -> emu.read(BASE, 1)).isInstanceOf(EmuException.class);
            assertThatThrownBy(() -> emu.remap(BASE, PAGE, 0x300000, PAGE)).isInstanceOf(EmuException.class)
                    .hasMessageContaining("not mapped");
        }
    }

    @Test
    void forkCopiesPrivateMemoryAndSharesSharedMemory() {
        long priv = BASE, shared = 0x200000;
        try (Emulator parent = new Emulator()) {
            parent.map(priv, 2 * PAGE, RW);
            parent.map(shared, 4 * PAGE, RW, true);
            parent.writeLong(priv, 11);
            parent.writeLong(shared, 22);
            parent.setReg(Registers.RBX, 0x1234);

            Emulator child = parent.fork();
            try {
                assertThat(child.mappings()).isEqualTo(parent.mappings());
                assertThat(child.reg(Registers.RBX)).isEqualTo(0x1234);
                assertThat(child.readLong(priv)).isEqualTo(11);
                assertThat(child.readLong(shared)).isEqualTo(22);

                child.writeLong(priv, 33);
                child.writeLong(shared, 44);
                assertThat(parent.readLong(priv)).isEqualTo(11);
                assertThat(parent.readLong(shared)).isEqualTo(44);
                parent.writeLong(shared + 3 * PAGE, 55);
                assertThat(child.readLong(shared + 3 * PAGE)).isEqualTo(55);

                // A partial unmap in one process leaves the other's view alone; the backing outlives the parent.
                parent.unmap(shared, PAGE);
                parent.close();
                assertThat(child.readLong(shared)).isEqualTo(44);
                assertThat(child.readLong(shared + 3 * PAGE)).isEqualTo(55);
            } finally {
                child.close();
            }
        }
    }

    @Test
    void sharedMemoryIsSharedWithStoresOfTheOtherProcessesCode() {
        TestCode code = EmuFixture.asm("""
                mov rax, 0x200000
                mov qword ptr [rax], rbx
                syscall
                """);
        try (Emulator parent = EmuFixture.load(code)) {
            parent.map(0x200000, PAGE, RW, true);
            try (Emulator child = parent.fork()) {
                child.setReg(Registers.RBX, 99);
                EmuFixture.runTo(child, Stop.Reason.SYSCALL);
                assertThat(parent.readLong(0x200000)).isEqualTo(99);
                assertThat(parent.reg(Registers.RIP)).isEqualTo(CODE);
            }
        }
    }

    @Test
    void codeWrittenAfterItRanIsDecodedAgain() {
        TestCode first = EmuFixture.asm("""
                mov eax, 1
                syscall
                """);
        TestCode second = EmuFixture.asm("""
                mov eax, 2
                syscall
                """);
        try (Emulator emu = EmuFixture.load(first)) {
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(emu.reg(Registers.RAX)).isEqualTo(1);
            emu.write(CODE, second.bytes());
            emu.setReg(Registers.RIP, CODE);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(emu.reg(Registers.RAX)).isEqualTo(2);
        }
    }

    /**
     * fxsave writes zeros in bytes 10-15 of each x87 register slot, as the CPU does (QEMU 5 leaves
     * them): stale bytes there differed from the recording's and reached registers through an SSE
     * strlen reading past a string in a reused frame.
     */
    @Test
    void fxsaveZeroesTheReservedBytesOfItsRegisterSlotsAsTheCpuDoes() {
        TestCode code = EmuFixture.asm("""
                fxsave64 [rdi]
                syscall
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            byte[] stale = new byte[512];
            Arrays.fill(stale, (byte) 0xAA);
            emu.write(DATA, stale);
            emu.traceEnable(Emulator.TRACE_MEM, 4096);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            byte[] image = emu.read(DATA, 512);
            for (int slot = 0; slot < 8; slot++) {
                for (int b = 10; b < 16; b++) assertThat(image[32 + 16 * slot + b]).as("slot %d byte %d", slot, b).isZero();
            }
            // The zeros are the instruction's stores, in its rows.
            TraceBuffers.Mem m = emu.trace().drain().mem();
            boolean covered = false;
            for (int i = 0; i < m.rows(); i++) covered |= m.addr()[i] <= DATA + 32 + 10 && m.addr()[i] + m.newBytes(i).length >= DATA + 32 + 16;
            assertThat(covered).isTrue();
        }
    }

    @Test
    void aStoreStraddlingTwoMappingsRecordsItsNewBytesOnBothSides() {
        // The page after the boundary is a new RWX mapping: another Unicorn region, other host memory.
        TestCode code = EmuFixture.asm("""
                mov rax, 0x1122334455667788
                mov qword ptr [rdi + 0xffc], rax
                syscall
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            emu.map(DATA + PAGE, PAGE, RW | Emulator.PROT_EXEC);
            emu.traceEnable(Emulator.TRACE_MEM, 4096);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(emu.readLong(DATA + PAGE - 4)).isEqualTo(0x1122334455667788L);
            TraceBuffers.Mem m = emu.trace().drain().mem();
            long[] newValue = new long[1];
            StringBuilder rows = new StringBuilder();
            for (int i = 0; i < m.rows(); i++) {
                byte[] neu = m.newBytes(i);
                rows.append(String.format("%#x+%d ", m.addr()[i], neu.length));
                for (int b = 0; b < neu.length; b++)
                    newValue[0] |= (neu[b] & 0xffL) << (8 * (m.addr()[i] - (DATA + PAGE - 4) + b));
            }
            assertThat(newValue[0]).as("new bytes of rows %s", rows).isEqualTo(0x1122334455667788L);
        }
    }

    /**
     * 8,400 pages of alternating protections (more pieces than QEMU's 4,096 memory sections): the
     * first thousand regions are exact, then protecting inside a region only adds permissions, so
     * the emulator never holds more regions than QEMU allows and the program runs.
     */
    @Test
    void thousandsOfAlternatingProtectionsStayWithinTheEmulatorsRegions() {
        long big = 0x10000000L;
        int pages = 8400;
        TestCode code = EmuFixture.asm("""
                mov qword ptr [rdi], 7
                mov rax, qword ptr [rdi + 0x1000]
                mov qword ptr [rdi + 0x2000], rax
                syscall
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            emu.map(big, (long) pages * PAGE, RW);
            for (int p = 1; p < pages; p += 2) emu.protect(big + (long) p * PAGE, PAGE, Emulator.PROT_READ);
            long regions = emu.mappings().stream().filter(m -> m.start() >= big).count();
            assertThat(regions).isBetween(900L, 1100L);
            // The first pages are exact: a store into a read-only one faults as natively.
            assertThat(emu.mappings().stream().filter(m -> m.start() == big + PAGE).findFirst().orElseThrow().prot())
                    .isEqualTo(Emulator.PROT_READ);

            emu.writeLong(big + 4001L * PAGE, 5);
            emu.setReg(Registers.RDI, big + 4000L * PAGE);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
            assertThat(emu.readLong(big + 4000L * PAGE)).isEqualTo(7);
            assertThat(emu.readLong(big + 4002L * PAGE)).isEqualTo(5);

            emu.unmap(big + 6000L * PAGE, 1000L * PAGE);
            assertThatThrownBy(() -> emu.readLong(big + 6500L * PAGE)).isInstanceOf(EmuException.class);
            try (Emulator child = emu.fork()) {
                assertThat(child.mappings()).isEqualTo(emu.mappings());
                assertThat(child.readLong(big + 4000L * PAGE)).isEqualTo(7);
            }
        }
    }

    @Test
    void readsOfAnInaccessiblePageFaultAsProtectionFaults() {
        TestCode code = EmuFixture.asm("""
                mov rax, qword ptr [rdi]
                mov rax, qword ptr [rdi + 0x1000]
                syscall
                """);
        try (Emulator emu = EmuFixture.load(code)) {
            emu.protect(DATA + PAGE, PAGE, 0);
            Stop stop = EmuFixture.runTo(emu, Stop.Reason.MEM_FAULT);
            assertThat(stop.faultKind()).isEqualTo(Stop.FAULT_READ);
            assertThat(stop.protectionFault()).isTrue();
            assertThat(stop.faultAddr()).isEqualTo(DATA + PAGE);
            emu.protect(DATA + PAGE, PAGE, Emulator.PROT_READ);
            EmuFixture.runTo(emu, Stop.Reason.SYSCALL);
        }
    }

    /**
     * More separate mappings than QEMU allows: an error the replay reports, never QEMU's abort.
     * Slow (about 3 minutes: each Unicorn map costs time linear in its regions), so only when
     * asked: -Domni.slow=true.
     */
    @Test
    @EnabledIfSystemProperty(named = "omni.slow", matches = "true")
    void moreRegionsThanUnicornAllowsIsAnErrorNotAnAbort() {
        try (Emulator emu = new Emulator()) {
            long base = 0x10000000L;
            assertThatThrownBy(() -> {
                for (int p = 0; p < 9000; p++) emu.map(base + 2L * p * PAGE, PAGE, RW);
            }).isInstanceOf(EmuException.class).hasMessageContaining("more separate mappings than the emulator can hold");
            int held = emu.mappings().size();
            assertThat(held).isLessThan(4096);
            emu.writeLong(base, 1); // still usable
            assertThat(emu.readLong(base)).isEqualTo(1);
        }
    }
}
