package dev.omniscope.syscalls;

/**
 * What a replay does with a system call besides checking it: most are emulated (the recorded
 * result and kernel writes are applied); the rest change state the emulator itself keeps.
 */
public enum ReplayAction {
    /** Set the result register and apply the recorded writes. */
    EMULATE,
    MMAP, MUNMAP, MPROTECT, MREMAP, BRK, MADVISE, SHMAT, SHMDT,
    /** arch_prctl: FS or GS base. */
    ARCH_PRCTL,
    /** clone, clone3, fork, vfork: a task appears (its NewTask event follows). */
    CLONE,
    /** execve, execveat: on success an Exec event replaces the program. */
    EXECVE,
    /** exit: this task ends. */
    EXIT,
    /** exit_group: every task of the process ends. */
    EXIT_GROUP,
    /** rt_sigreturn: the whole register state comes back from the recording. */
    RT_SIGRETURN
}
