package dev.omniscope.recorder.ptrace;

import dev.omniscope.common.NativeLibraries;
import dev.omniscope.trace.Registers;

/**
 * The ptrace operations of the record loop, with errors as exceptions. {@link TaskGoneException}
 * marks the one failure that is normal: the task died (ESRCH) between its stop and our request,
 * as happens when another thread calls exit_group. Every call must come from the thread that
 * spawned the tracee: the kernel's tracer is a thread.
 */
public final class Ptrace {
    public static final int ESRCH = 3;
    public static final int SIGTRAP = 5, SIGSEGV = 11, SIGSTKFLT = 16, SIGSTOP = 19;

    private final RecordNative lib = NativeLibraries.load(RecordNative.class, "omnirecord");
    private final LibC libc = NativeLibraries.system(LibC.class, "c");

    /** The task died before the request reached it. */
    public static final class TaskGoneException extends RuntimeException {
        public TaskGoneException(int tid) {
            super("task " + tid + " is gone", null, false, false);
        }
    }

    private void check(long rc, String what, int tid) {
        if (rc >= 0) return;
        if (rc == -ESRCH) throw new TaskGoneException(tid);
        throw new IllegalStateException(what + " on task " + tid + " failed: " + libc.strerror((int) -rc));
    }

    public long[] regs(int tid) {
        long[] regs = new long[Registers.COUNT];
        check(lib.omni_get_regs(tid, regs), "PTRACE_GETREGS", tid);
        return regs;
    }

    public void setRegs(int tid, long[] regs) {
        check(lib.omni_set_regs(tid, regs), "PTRACE_SETREGS", tid);
    }

    public byte[] fpregs(int tid) {
        byte[] fp = new byte[Registers.FP_SIZE];
        check(lib.omni_get_fpregs(tid, fp), "PTRACE_GETFPREGS", tid);
        return fp;
    }

    public byte[] siginfo(int tid) {
        byte[] info = new byte[128];
        check(lib.omni_get_siginfo(tid, info), "PTRACE_GETSIGINFO", tid);
        return info;
    }

    public long eventMessage(int tid) {
        long msg = lib.omni_get_event_msg(tid);
        if (msg < 0 && msg > -4096) check(msg, "PTRACE_GETEVENTMSG", tid);
        return msg;
    }

    /** Resumes a stopped task until its next syscall stop (or any other stop), delivering {@code signal}. */
    public void resumeToSyscall(int tid, int signal) {
        check(lib.omni_ptrace(RecordNative.PTRACE_SYSCALL, tid, 0, signal), "PTRACE_SYSCALL", tid);
    }

    public void cont(int tid, int signal) {
        check(lib.omni_ptrace(RecordNative.PTRACE_CONT, tid, 0, signal), "PTRACE_CONT", tid);
    }

    /** Delivers {@code signal} and stops at the first instruction of its handler. */
    public void singleStep(int tid, int signal) {
        check(lib.omni_ptrace(9, tid, 0, signal), "PTRACE_SINGLESTEP", tid); // PTRACE_SINGLESTEP = 9
    }

    public void listen(int tid) {
        check(lib.omni_ptrace(RecordNative.PTRACE_LISTEN, tid, 0, 0), "PTRACE_LISTEN", tid);
    }

    /** waitpid(pid, __WALL | options): the pid and status, or pid 0 with WNOHANG and nothing to report. */
    public long waitAny(int[] status, int options) {
        long rc = lib.omni_wait(-1, status, LibC.__WALL | options);
        if (rc < 0) throw new IllegalStateException("waitpid failed: " + libc.strerror((int) -rc));
        return rc;
    }

    public long waitFor(int tid, int[] status) {
        long rc = lib.omni_wait(tid, status, LibC.__WALL);
        if (rc < 0) throw new IllegalStateException("waitpid(" + tid + ") failed: " + libc.strerror((int) -rc));
        return rc;
    }

    /** Whether there are tracees left to wait for (waitpid says ECHILD when not). */
    public boolean hasChildren() {
        int[] status = new int[1];
        return lib.omni_wait(-1, status, LibC.__WALL | LibC.WNOHANG) != -10; // -ECHILD
    }

    public void tgkill(int pid, int tid, int signal) {
        lib.omni_tgkill(pid, tid, signal); // may race with the task's death; harmless
    }

    /** Reads up to {@code length} bytes; a shorter array where memory ends. */
    public byte[] read(int pid, long address, int length) {
        byte[] buf = new byte[length];
        long n = lib.omni_read_mem(pid, address, buf, length);
        if (n == length) return buf;
        if (n < 0) n = 0;
        // process_vm_readv stops at the first unreadable page; /proc/PID/mem can do more.
        long forced = lib.omni_read_mem_forced(pid, address, buf, length);
        long got = Math.max(n, forced);
        return got == length ? buf : java.util.Arrays.copyOf(buf, (int) Math.max(got, 0));
    }

    /** Reads exactly {@code length} bytes into {@code buf}, including pages the program cannot read; -errno on failure. */
    public long readForced(int pid, long address, byte[] buf, int length) {
        return lib.omni_read_mem_forced(pid, address, buf, length);
    }

    public void write(int pid, long address, byte[] bytes) {
        long n = lib.omni_write_mem(pid, address, bytes, bytes.length);
        if (n != bytes.length) {
            throw new IllegalStateException("cannot write " + bytes.length + " bytes at 0x" + Long.toHexString(address)
                    + " in process " + pid + ": " + (n < 0 ? libc.strerror((int) -n) : "short write"));
        }
    }

    public int[] cpuid(int leaf, int subleaf) {
        int[] out = new int[4];
        lib.omni_cpuid(leaf, subleaf, out);
        return out;
    }

    /** The time stamp counter and TSC_AUX, as rdtscp gives them. */
    public long rdtscp(int[] aux) {
        return lib.omni_rdtscp(aux);
    }

    /** XCR0: the register state the OS enables (what xgetbv tells a program). */
    public long xcr0() {
        return lib.omni_xgetbv0();
    }

    /** Whether CPUID faulting works on this machine: 0, or the -errno arch_prctl(ARCH_SET_CPUID) gave a test child. */
    public int cpuidFaultingProbe() {
        return lib.omni_cpuid_faulting_probe();
    }

    /** Whether CPUID faulting works on this machine ({@link #cpuidFaultingProbe} gave 0). */
    public boolean hasCpuidFaulting() {
        return cpuidFaultingProbe() == 0;
    }

    public String strerror(int errno) {
        return libc.strerror(errno);
    }
}
