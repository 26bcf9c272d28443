package dev.omniscope.syscalls;

import java.util.function.Predicate;

/**
 * A call the recorder does not let the kernel see (its number becomes -1, which the kernel
 * answers with -ENOSYS): the program gets {@code -errno} instead.
 *
 * @param applies     on the call's entry: whether it is refused (every call of the number, or some arguments)
 * @param warningKind with {@code warning}: a warning the trace carries each time (null for none)
 * @param flagged     whether the exit event says so ({@code SyscallExit.REFUSED}). Every refusal is
 *                    flagged but prctl(PR_SET_TSC)'s, which never was: kept so that traces do not change
 */
public record Refusal(Predicate<SyscallCall> applies, int errno, String warningKind, String warning, boolean flagged) {
    /** Every call of the number, flagged, without a warning. */
    static Refusal always(int errno) {
        return new Refusal(c -> true, errno, null, null, true);
    }

    /** Whether the kernel's own answer to the invalid number, -ENOSYS, is already what the program gets. */
    public boolean answeredByKernel() {
        return errno == SyscallTable.ENOSYS;
    }
}
