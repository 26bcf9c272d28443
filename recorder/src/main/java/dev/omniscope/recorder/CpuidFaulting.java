package dev.omniscope.recorder;

import java.util.List;

import dev.omniscope.common.WaitStatus;
import dev.omniscope.recorder.ptrace.Ptrace;
import dev.omniscope.trace.CpuidEntry;
import dev.omniscope.trace.EmulatedCpu;
import dev.omniscope.trace.Registers;

/**
 * CPUID faulting, as rr does it: {@code arch_prctl(ARCH_SET_CPUID, 0)} makes every CPUID the
 * program executes raise SIGSEGV (si_code SI_KERNEL, rip at the instruction), and the recorder
 * answers it from the trace's CPUID table ({@link EmulatedCpu}), the one the replay answers from.
 * So the answers need no event of their own. The setting is inherited by fork and clone and reset
 * by execve: it is set again at every exec.
 */
final class CpuidFaulting {
    private static final int SYS_ARCH_PRCTL = 158, ARCH_SET_CPUID = 0x1012;
    private static final int SIGTRAP_SYSCALL = WaitStatus.SIGTRAP | 0x80;

    private final Ptrace ptrace;
    private final List<CpuidEntry> table;

    CpuidFaulting(Ptrace ptrace, List<CpuidEntry> table) {
        this.ptrace = ptrace;
        this.table = table;
    }

    /** Whether this machine faults CPUID for a process that asks (tried in a child, not here). */
    static boolean available(Ptrace ptrace) {
        return ptrace.cpuidFaultingProbe() == 0;
    }

    /**
     * Makes the task's new program fault on CPUID; called at the syscall-exit stop of its execve,
     * before it runs an instruction. The task runs {@code arch_prctl(ARCH_SET_CPUID, 0)} through a
     * syscall instruction written over its first instruction; the bytes and registers are put back
     * afterwards. Returns the call's result: 0, or -errno.
     */
    long enable(int pid, int tid) {
        long[] saved = ptrace.regs(tid);
        long rip = saved[Registers.RIP];
        byte[] original = ptrace.read(pid, rip, 2);
        long[] call = saved.clone();
        call[Registers.RAX] = SYS_ARCH_PRCTL;
        call[Registers.RDI] = ARCH_SET_CPUID;
        call[Registers.RSI] = 0;
        ptrace.write(pid, rip, new byte[] {0x0F, 0x05});
        ptrace.setRegs(tid, call);
        int deferredSignal = 0;
        try {
            for (int stops = 0; stops < 2; ) { // the call's entry, then its exit
                ptrace.resumeToSyscall(tid, 0);
                int[] st = new int[1];
                ptrace.waitFor(tid, st);
                WaitStatus s = new WaitStatus(st[0]);
                if (!s.stopped()) throw new Ptrace.TaskGoneException(tid);
                if (s.stopSignal() == SIGTRAP_SYSCALL) stops++;
                else deferredSignal = s.stopSignal(); // a signal meanwhile: sent again once the program runs
            }
            return ptrace.regs(tid)[Registers.RAX];
        } finally {
            ptrace.write(pid, rip, original);
            ptrace.setRegs(tid, saved);
            if (deferredSignal != 0) ptrace.tgkill(pid, tid, deferredSignal);
        }
    }

    /**
     * Answers a faulted CPUID at the task's SIGSEGV stop, when the instruction at rip is CPUID:
     * sets eax, ebx, ecx, edx from the table and steps over it. False when it is not a CPUID.
     */
    boolean answer(int pid, int tid) {
        long[] regs = ptrace.regs(tid);
        long rip = regs[Registers.RIP];
        byte[] insn = ptrace.read(pid, rip, 2);
        if (insn.length < 2 || insn[0] != 0x0F || (insn[1] & 0xFF) != 0xA2) return false;
        int[] r = EmulatedCpu.answer(table, (int) regs[Registers.RAX], (int) regs[Registers.RCX]);
        regs[Registers.RAX] = r[0] & 0xFFFFFFFFL;
        regs[Registers.RBX] = r[1] & 0xFFFFFFFFL;
        regs[Registers.RCX] = r[2] & 0xFFFFFFFFL;
        regs[Registers.RDX] = r[3] & 0xFFFFFFFFL;
        regs[Registers.RIP] = rip + 2;
        ptrace.setRegs(tid, regs);
        ptrace.resumeToSyscall(tid, 0);
        return true;
    }
}
