package dev.omniscope.recorder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.omniscope.recorder.ptrace.Ptrace;
import dev.omniscope.syscalls.Output;
import dev.omniscope.syscalls.ReplayAction;
import dev.omniscope.syscalls.Refusal;
import dev.omniscope.syscalls.Syscall;
import dev.omniscope.syscalls.SyscallCall;
import dev.omniscope.trace.Mapping;
import dev.omniscope.trace.MemoryWrite;
import dev.omniscope.trace.Registers;
import dev.omniscope.trace.TraceEvent;
import dev.omniscope.trace.TraceWriter;

/**
 * What the record loop does at a system call's entry and exit stops, as the syscall table says:
 * before the kernel sees the call, refuse it or rewrite an argument and note what it does to the
 * task; before the program sees the result, answer a refused call; then the exit event, with the
 * kernel's writes read from the task's memory and what appeared in the address space.
 */
final class SyscallStops {
    private final Ptrace ptrace;
    private final TraceWriter writer;
    private final TaskMemory memory;
    private final Warnings warnings;

    SyscallStops(Ptrace ptrace, TraceWriter writer, TaskMemory memory, Warnings warnings) {
        this.ptrace = ptrace;
        this.writer = writer;
        this.memory = memory;
        this.warnings = warnings;
    }

    /**
     * At the entry stop of {@code call}: refuses it (the kernel skips an invalid number and returns
     * -ENOSYS) or rewrites its arguments in {@code regs}, and notes a clear_child_tid address.
     * True when {@code regs} changed, for the caller to write back.
     */
    boolean enter(Task t, Task.InFlight call, SyscallCall atEntry, long[] regs) {
        Syscall spec = call.spec;
        call.refusal = spec.refusalOf(atEntry);
        if (call.refusal != null) {
            regs[Registers.ORIG_RAX] = -1;
            return true;
        }
        if (spec.setsClearChildTid()) t.clearChildTid = call.args[spec.clearChildTidArg()];
        long[] performed = spec.performedArgs(call.args);
        if (performed == call.args) return false;
        for (int i = 0; i < performed.length; i++) regs[Registers.SYSCALL_ARGS[i]] = performed[i];
        return true;
    }

    /** At the exit stop of a call that returned: a refused call's answer and warning. True when {@code regs} changed. */
    boolean exit(Task t, Task.InFlight call, long[] regs) {
        Refusal refusal = call.refusal;
        if (refusal == null) return false;
        if (refusal.warningKind() != null) warnings.add(t.tid, refusal.warningKind(), refusal.warning());
        if (refusal.answeredByKernel()) return false;
        regs[Registers.RAX] = -refusal.errno();
        return true;
    }

    /** The exit event of a finished call, read from the task's memory now that it is about to run. */
    TraceEvent.SyscallExit exitEvent(Task t, Task.PendingExit p) throws IOException {
        Task.InFlight call = p.call();
        Syscall spec = call.spec;
        SyscallCall done = new SyscallCall(call.number, call.args, p.result(), memory.reader(t));
        List<MemoryWrite> writes = new ArrayList<>();
        for (Output.Region r : spec.writtenRegions(done)) writes.add(memory.capture(t, r.address(), r.length()));
        List<Mapping> mappings = List.of();
        if (done.succeeded()) {
            switch (spec.replay()) {
                case MMAP -> mappings = List.of(MmapCapture.mapping(ptrace, t.pid, call.args, p.result(), writer.blobs(), warnings, t.tid));
                case SHMAT -> mappings = MmapCapture.shmat(ptrace, t.pid, p.result(), writer.blobs(), warnings, t.tid);
                case MADVISE -> {
                    long[] a = spec.performedArgs(call.args);
                    writes.addAll(MmapCapture.fileBackedContent(ptrace, t.pid, a[0], a[1], a[2]));
                }
                default -> { }
            }
        }
        long[] regsAfter = null;
        byte[] fpAfter = null;
        if (spec.replay() == ReplayAction.RT_SIGRETURN) {
            regsAfter = p.regs();
            fpAfter = ptrace.fpregs(t.tid);
        }
        int flags = call.refusal != null && call.refusal.flagged() ? TraceEvent.SyscallExit.REFUSED : 0;
        return new TraceEvent.SyscallExit(t.tid, call.number, p.result(), flags, writes, mappings, regsAfter, fpAfter);
    }
}
