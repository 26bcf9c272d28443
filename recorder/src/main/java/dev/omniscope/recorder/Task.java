package dev.omniscope.recorder;

import java.util.concurrent.atomic.AtomicInteger;

import dev.omniscope.syscalls.Refusal;
import dev.omniscope.syscalls.Syscall;

/** A traced thread, as the record loop sees it. */
final class Task {
    enum State {
        /** Stopped by us at a point from which it will run user code when scheduled. */
        RUNNABLE,
        /** Running user code: it holds the one slot (only one task runs at a time). */
        RUNNING,
        /** Inside a system call in the kernel. */
        IN_SYSCALL,
        /** In a group stop (SIGSTOP and friends) until SIGCONT. */
        GROUP_STOPPED,
        /** Past PTRACE_EVENT_EXIT, waiting to be reaped. */
        EXITING
    }

    /** A system call between its entry and its exit. */
    static final class InFlight {
        final int number;
        final long[] args;
        final Syscall spec;
        /** Other tasks may run while this one waits in the kernel. */
        boolean blocking;
        /** The table's refusal that applied at the entry (the kernel never saw the call), or null. */
        Refusal refusal;

        InFlight(int number, long[] args, Syscall spec) {
            this.number = number;
            this.args = args;
            this.spec = spec;
        }
    }

    /** A finished system call whose exit event is written when the task is scheduled again. */
    record PendingExit(InFlight call, long result, long[] regs) {}

    final int tid;
    int pid;
    State state = State.RUNNABLE;
    InFlight syscall;
    PendingExit pendingExit;
    /** The system call was interrupted (-ERESTART*): the next entry stop is its restart, not a new call. */
    long interruptedResult;
    long[] interruptedRegs;
    boolean restarting;
    /** The execve exit that follows the exec the recording starts with has no entry in the trace. */
    boolean swallowExecExit;
    /** It just exec'd: CPUID faulting is set again at the exec's syscall exit (execve reset it). */
    boolean faultCpuidAtExecExit;
    /** A signal stop seen while the task was not allowed to run: delivered when it is scheduled. */
    int pendingSignal;
    byte[] pendingSiginfo;
    /** set_tid_address / CLONE_CHILD_CLEARTID: the kernel zeroes this word when the thread exits. */
    long clearChildTid;
    boolean exitRecorded;
    /** SIGSTKFLTs the preemption timer sent that have not arrived yet. */
    final AtomicInteger preemptionsSent = new AtomicInteger();

    Task(int tid, int pid) {
        this.tid = tid;
        this.pid = pid;
    }

    @Override
    public String toString() {
        return "task " + tid + " (process " + pid + ", " + state + ")";
    }
}
