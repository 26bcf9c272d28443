package dev.omniscope.indexer.replay;

import dev.omniscope.indexer.emu.TraceBuffers;
import dev.omniscope.trace.TraceEvent;

/**
 * What a replay reports as it goes, in step order per task: the index writer implements it
 * (verification needs none of it). Steps: an instruction's rows carry its own step; what the kernel
 * did (a system call's writes and result, a signal frame, a new task's first state) carries the
 * step of the last instruction before it became visible: the system call instruction's own step,
 * or for asynchronous things the step just before the next instruction (-1 when nothing ran yet).
 * Arrays passed in are only valid during the call.
 */
public interface ReplayListener {
    ReplayListener NONE = new ReplayListener() {};

    /** A process's program starts: the first one, or execve replacing an image (its old regions are reported removed first). */
    default void exec(long step, int pid, int tid, TraceEvent.Exec exec) {}

    /**
     * A task exists from {@code step} on (the first task at the first exec, then clone/fork/vfork),
     * with its first registers (27, user_regs_struct order) and fxsave state. After an exec the
     * task's registers are reported again here with the exec's step.
     */
    default void taskState(long step, int pid, int tid, int parentTid, TraceEvent.TaskKind kind, long[] regs, byte[] fpregs) {}

    default void taskEnded(long step, int pid, int tid, int waitStatus) {}

    /**
     * What the emulator recorded while task (pid, tid) ran: its blocks, stores, register changes,
     * calls and returns. Its stores changed the memory of {@code memoryPid}: its own pid, or for a
     * vfork child the process whose memory it runs in.
     */
    default void executed(int pid, int memoryPid, int tid, TraceBuffers.RawBatch batch) {}

    /**
     * Bytes the kernel put in the memory of {@code pid} (system call outputs, signal frames, thread-id
     * words, content moved by mremap), in pieces of at most {@link Replayer#KERNEL_WRITE_ROW} bytes.
     * A vfork child's calls write its lender's memory: {@code pid} is the lender's, {@code tid} the child's.
     */
    default void kernelWrite(long step, int pid, int tid, long rip, long address, byte[] oldBytes, byte[] newBytes) {}

    /** The task's rip when it stops running (a thread switch): what the blocks cannot tell of a task that is not running. */
    default void switchedOut(long step, int pid, int tid, long rip) {}

    /** A system call, reported at its exit (exit and exit_group, which have none, at their entry with {@code exit} null). */
    default void syscall(long step, int pid, int tid, TraceEvent.SyscallEnter enter, TraceEvent.SyscallExit exit) {}

    /** A signal reached the task (delivery at {@code step}); for a handler, its frame comes as kernel writes. */
    default void signal(long step, int pid, int tid, TraceEvent.Signal signal) {}

    /** The address space of {@code pid} changed at {@code step}. */
    default void regionsChanged(long step, int pid, MemoryMap.Change change) {}

    /** Something the replay could not reproduce; the replay stops after reporting it. */
    default void stopped(ReplayProblem problem) {}
}
