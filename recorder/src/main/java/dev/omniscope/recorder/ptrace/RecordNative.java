package dev.omniscope.recorder.ptrace;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/** jnr-ffi binding of native/record/omnirecord.h; see that file for the contracts. */
public interface RecordNative {
    int OMNI_SPAWN_NO_ASLR = 1;
    int OMNI_SPAWN_TRAP_TSC = 2;

    /** @param result struct omni_spawn_result as three ints: pid, first_stop, exec_errno */
    int PTRACE_CONT = 7;

    /** ptrace(2) without the variadic wrapper: the result, or -errno. Not for PTRACE_PEEK*. */
    long omni_ptrace(int request, int pid, long addr, long data);

    int omni_spawn(@In String path, @In String[] argv, @In String[] envp, int flags, @Out int[] result);
}
