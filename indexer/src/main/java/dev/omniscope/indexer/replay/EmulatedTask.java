package dev.omniscope.indexer.replay;

import dev.omniscope.trace.TraceEvent;

/** One replayed thread: its registers while another task of its process is loaded, and the call it is in. */
final class EmulatedTask {
    final int tid;
    EmulatedProcess process;
    long[] regs;
    byte[] fpregs;
    /** The system call entered and not yet returned from, or null. */
    TraceEvent.SyscallEnter pending;
    /** The step of that call's syscall instruction. */
    long syscallStep;

    EmulatedTask(int tid, EmulatedProcess process, long[] regs, byte[] fpregs) {
        this.tid = tid;
        this.process = process;
        this.regs = regs;
        this.fpregs = fpregs;
    }
}
