package dev.omniscope.recorder.ptrace;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/** jnr-ffi binding of native/record/omnirecord.h; see that file for the contracts. */
public interface RecordNative {
    int OMNI_SPAWN_NO_ASLR = 1;
    int OMNI_SPAWN_TRAP_TSC = 2;

    int PTRACE_CONT = 7;
    int PTRACE_SYSCALL = 24;
    int PTRACE_INTERRUPT = 0x4207;
    int PTRACE_LISTEN = 0x4208;
    int PTRACE_DETACH = 17;

    /** @param result struct omni_spawn_result as three ints: pid, first_stop, exec_errno */
    int omni_spawn(@In String path, @In String[] argv, @In String[] envp, int flags, @Out int[] result);

    /** ptrace(2) without the variadic wrapper: the result, or -errno. Not for PTRACE_PEEK*. */
    long omni_ptrace(int request, int pid, long addr, long data);

    int omni_get_regs(int tid, @Out long[] regs);

    int omni_set_regs(int tid, @In long[] regs);

    int omni_get_fpregs(int tid, @Out byte[] fpregs);

    int omni_get_siginfo(int tid, @Out byte[] siginfo);

    long omni_get_event_msg(int tid);

    long omni_wait(int pid, @Out int[] status, int options);

    int omni_tgkill(int tgid, int tid, int sig);

    long omni_read_mem(int pid, long addr, @Out byte[] buf, long len);

    long omni_read_mem_forced(int pid, long addr, @Out byte[] buf, long len);

    long omni_write_mem(int pid, long addr, @In byte[] buf, long len);

    void omni_cpuid(int leaf, int subleaf, @Out int[] out);

    long omni_rdtscp(@Out int[] aux);

    long omni_xgetbv0();

    int omni_cpuid_faulting_probe();
}
