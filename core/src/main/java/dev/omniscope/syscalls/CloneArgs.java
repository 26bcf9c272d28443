package dev.omniscope.syscalls;

import java.util.List;

/**
 * What a call that creates a task (clone, clone3, fork, vfork) asks of the kernel, read once: the
 * table's rule for the parent's writes and the recorder's new task both come from it.
 *
 * @param flags     clone flags, with the exit signal in the low byte
 * @param pidfd     where CLONE_PIDFD stores the pidfd (clone3 only; see {@link #ofClone})
 * @param childTid  where CLONE_CHILD_SETTID stores the child's tid, and CLONE_CHILD_CLEARTID's address
 * @param parentTid where CLONE_PARENT_SETTID stores the child's tid, in the parent
 */
public record CloneArgs(long flags, long pidfd, long childTid, long parentTid) {
    public static final long CLONE_VM = 0x100, CLONE_PIDFD = 0x1000, CLONE_VFORK = 0x4000, CLONE_THREAD = 0x10000,
            CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_CHILD_SETTID = 0x1000000;
    private static final long SIGCHLD = 17;

    /** fork(): a process, SIGCHLD to the parent when it ends. */
    public static final CloneArgs FORK = new CloneArgs(SIGCHLD, 0, 0, 0);
    /** vfork(): a process sharing the parent's memory, the parent waiting until it execs or exits. */
    public static final CloneArgs VFORK = new CloneArgs(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0);

    /**
     * clone(flags, stack, parent_tid, child_tid, tls), from its registers. With CLONE_PIDFD the
     * kernel stores the pidfd at parent_tid; that write is not declared (as it never was), so
     * {@code pidfd} is 0 here.
     */
    public static CloneArgs ofClone(SyscallCall call) {
        return new CloneArgs(call.arg(0), 0, call.arg(3), call.arg(2));
    }

    /** clone3(cl_args, size): struct clone_args {u64 flags, pidfd, child_tid, parent_tid, ...} in the caller's memory. */
    public static CloneArgs ofClone3(SyscallCall call) {
        long args = call.arg(0);
        SyscallCall.MemoryReader m = call.memory();
        return new CloneArgs(m.u64(args), m.u64(args + 8), m.u64(args + 16), m.u64(args + 24));
    }

    /** A thread of the caller's process (CLONE_THREAD). */
    public boolean thread() {
        return (flags & CLONE_THREAD) != 0;
    }

    /** The caller waits until the child execs or exits (CLONE_VFORK). */
    public boolean vfork() {
        return (flags & CLONE_VFORK) != 0;
    }

    /** Where the kernel writes the child's tid in the child's memory (CLONE_CHILD_SETTID), or 0. */
    public long childSetTid() {
        return (flags & CLONE_CHILD_SETTID) != 0 ? childTid : 0;
    }

    /** The child's clear_child_tid address (CLONE_CHILD_CLEARTID), or 0. */
    public long childClearTid() {
        return (flags & CLONE_CHILD_CLEARTID) != 0 ? childTid : 0;
    }

    /** The parent's memory the kernel writes: the pidfd (CLONE_PIDFD), the child's tid (CLONE_PARENT_SETTID). */
    void parentWrites(List<Output.Region> regions) {
        if ((flags & CLONE_PIDFD) != 0 && pidfd != 0) regions.add(new Output.Region(pidfd, SyscallTable.INT));
        if ((flags & CLONE_PARENT_SETTID) != 0 && parentTid != 0) regions.add(new Output.Region(parentTid, SyscallTable.INT));
    }
}
