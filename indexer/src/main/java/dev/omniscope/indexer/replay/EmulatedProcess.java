package dev.omniscope.indexer.replay;

import dev.omniscope.indexer.emu.Emulator;

/** One replayed process: its emulator (memory and the loaded task's registers) and its region map. */
final class EmulatedProcess {
    final int pid;
    final Emulator emu;
    final MemoryMap map;
    /** A vfork child uses its parent's memory until it execs or exits. */
    final boolean borrowed;
    /** The program break; null until the first brk says where the heap starts. */
    Long brk;
    /** The task whose registers are in the emulator. */
    EmulatedTask loaded;
    /** What xgetbv answers: the recording machine's XCR0 (the emulator has none of its own). */
    long xcr0;

    EmulatedProcess(int pid, Emulator emu, MemoryMap map, boolean borrowed) {
        this.pid = pid;
        this.emu = emu;
        this.map = map;
        this.borrowed = borrowed;
    }
}
