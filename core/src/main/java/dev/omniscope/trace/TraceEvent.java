package dev.omniscope.trace;

import java.util.List;

/**
 * One record of a trace's event stream. Events are in the order in which the recorder let tasks
 * run: between two consecutive events only one task executed user code, so a replay that runs
 * tasks in event order reproduces the recording. The layout of each kind is in
 * docs/trace-format.md; {@link EventCodec} is its one implementation.
 */
public sealed interface TraceEvent {
    /** The task (thread id) the event belongs to; 0 for trace-wide events. */
    int tid();

    /** A task replaced its program (and the trace's first event: the recorded program starts). */
    record Exec(int pid, int tid, String executable, List<String> argv, long[] regs, byte[] fpregs, byte[] auxv,
                List<Mapping> mappings, List<CpuidEntry> cpuid, long xcr0, List<PatchedFunction> patched) implements TraceEvent {}

    /** A vDSO function the recorder rewrote into a real system call (so that its result is recorded). */
    record PatchedFunction(String name, long address, int syscall) {}

    /** A task reached a system call: the replay checks the number and arguments against these. */
    record SyscallEnter(int tid, int number, long[] args, long rip) implements TraceEvent {}

    /**
     * A task returns to user code from its system call with {@code result}, after the kernel wrote
     * {@code writes} into its memory and made {@code mappings} appear. {@code regsAfter} and
     * {@code fpregsAfter} are the whole register state where the call sets it (rt_sigreturn).
     */
    record SyscallExit(int tid, int number, long result, int flags, List<MemoryWrite> writes, List<Mapping> mappings,
                       long[] regsAfter, byte[] fpregsAfter) implements TraceEvent {
        /** The recorder refused the call (rseq, io_uring...): the kernel never ran it. */
        public static final int REFUSED = 1;
    }

    /**
     * A signal reached a task at the moment whose registers are {@code deliveryRegs}. With a
     * handler, the kernel wrote the signal frame ({@code frame}) and the handler starts with
     * {@code handlerRegs}/{@code handlerFpregs}. {@code stack} (null in older traces) is the top of
     * the stack at delivery, part of the fingerprint.
     */
    record Signal(int tid, int signo, Disposition disposition, byte[] siginfo, long[] deliveryRegs,
                  long[] handlerRegs, byte[] handlerFpregs, List<MemoryWrite> frame, StackDigest stack) implements TraceEvent {}

    enum Disposition { HANDLER, TERMINATE, CORE, STOP }

    /** A trapped rdtsc or rdtscp at {@code rip}, and the value the recorder gave it. */
    record Rdtsc(int tid, long rip, long tsc, int aux, boolean rdtscp) implements TraceEvent {}

    /**
     * The recorder interrupted a task that ran too long while others waited: the switch point, its
     * registers and (null in older traces) the top of its stack.
     */
    record Preempt(int tid, long[] regs, StackDigest stack) implements TraceEvent {}

    /** A task came to life by clone, fork or vfork of {@code parentTid}; written at that moment. */
    record NewTask(int tid, int pid, int parentTid, TaskKind kind, long cloneFlags, long[] regs, byte[] fpregs,
                   List<MemoryWrite> writes) implements TraceEvent {}

    enum TaskKind { THREAD, PROCESS, VFORK }

    /** A task ended with a wait status; the kernel's last writes (clear_child_tid) with it. */
    record TaskExit(int tid, int pid, int waitStatus, boolean lastOfProcess, List<MemoryWrite> writes) implements TraceEvent {}

    /** Something that may keep a replay from matching the recording, said where it happened. */
    record Warning(int tid, String code, String message) implements TraceEvent {}

    /** The recording finished: the recorded program's wait status. Absent from a truncated trace. */
    record End(int waitStatus) implements TraceEvent {
        @Override
        public int tid() {
            return 0;
        }
    }
}
