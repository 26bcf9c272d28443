package dev.omniscope.indexer.replay;

import dev.omniscope.indexer.emu.Emulator;

/** One replayed process: its emulator (memory and the loaded task's registers, shared by a vfork child) and its region map. */
final class EmulatedProcess {
    final int pid;
    final Emulator emu;
    final MemoryMap map;
    /** A vfork child uses its parent's memory until it execs or exits. */
    final boolean borrowed;
    /** Whose address space this process's memory is: its own pid, or for a vfork child the lender's. */
    final int memoryPid;
    /** The program break; null until the first brk says where the heap starts. */
    Long brk;
    /** What xgetbv answers: the recording machine's XCR0 (the emulator has none of its own). */
    long xcr0;

    /** A process with its own address space. */
    EmulatedProcess(int pid, Emulator emu, MemoryMap map) {
        this(pid, emu, map, false, pid);
    }

    /** A vfork child: it runs in {@code lender}'s emulator and memory. */
    static EmulatedProcess borrowing(int pid, EmulatedProcess lender) {
        return new EmulatedProcess(pid, lender.emu, lender.map, true, lender.memoryPid);
    }

    private EmulatedProcess(int pid, Emulator emu, MemoryMap map, boolean borrowed, int memoryPid) {
        this.pid = pid;
        this.emu = emu;
        this.map = map;
        this.borrowed = borrowed;
        this.memoryPid = memoryPid;
    }
}
