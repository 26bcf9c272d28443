package dev.omniscope.recorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.omniscope.recorder.ptrace.Ptrace;
import dev.omniscope.recorder.ptrace.TraceeSpawner;
import dev.omniscope.common.WaitStatus;
import dev.omniscope.syscalls.CloneArgs;
import dev.omniscope.syscalls.Syscall;
import dev.omniscope.syscalls.SyscallCall;
import dev.omniscope.syscalls.SyscallTable;
import dev.omniscope.trace.CpuidEntry;
import dev.omniscope.trace.MemoryWrite;
import dev.omniscope.trace.Registers;
import dev.omniscope.trace.StackDigest;
import dev.omniscope.trace.TraceEvent;
import dev.omniscope.trace.TraceWriter;

/**
 * The record loop: runs a program under ptrace and writes every nondeterministic input to a trace
 * (docs/architecture.md, "Recording"). One task runs user code at a time; the order in which the
 * loop lets tasks run is the order of the trace's events, which is what makes the replay exact.
 *
 * <p>Everything here runs on one thread, the tracer; only {@link Preemption} sends signals from
 * another (tgkill is not a ptrace request).
 */
public final class Recorder {
    private static final int SIGTRAP_SYSCALL = WaitStatus.SIGTRAP | 0x80; // PTRACE_O_TRACESYSGOOD
    private static final int SI_KERNEL = 0x80;
    private static final int ERESTARTSYS = -512, ERESTARTNOINTR = -513, ERESTARTNOHAND = -514, ERESTART_RESTARTBLOCK = -516;

    /** What a finished recording reports. */
    public record Result(int waitStatus, long events, long syscalls, int warnings, Path trace) {
        /** The recorded program's exit code, as a shell reports it: 128+N when signal N killed it. */
        public int exitCode() {
            WaitStatus s = new WaitStatus(waitStatus);
            return s.exited() ? s.exitCode() : 128 + s.termSignal();
        }
    }

    private final Ptrace ptrace = new Ptrace();
    private final TraceWriter writer;
    private final Warnings warnings = new Warnings();
    private final TaskMemory memory;
    private final SyscallStops syscallStops;
    private final Map<Integer, Task> tasks = new LinkedHashMap<>();
    private final ArrayDeque<Task> runQueue = new ArrayDeque<>();
    private final Map<Integer, WaitStatus> earlyStops = new HashMap<>();
    private final Preemption preemption = new Preemption(ptrace);
    private List<CpuidEntry> cpuid;
    private CpuidFaulting cpuidFaulting; // null: the program executes CPUID itself
    /** The task holding the slot: running user code, or in a system call that will not block. */
    private Task current;
    private int rootPid;
    private int rootStatus;
    private long syscalls;
    private volatile boolean stopRequested;

    public Recorder(TraceWriter writer) {
        this.writer = writer;
        this.memory = new TaskMemory(ptrace, writer.blobs());
        this.syscallStops = new SyscallStops(ptrace, writer, memory, warnings);
    }

    /** Asks the loop to end the recording: the recorded processes are killed and the trace finished. */
    public void requestStop() {
        stopRequested = true;
        for (Task t : List.copyOf(tasks.values())) ptrace.tgkill(t.pid, t.tid, 9);
    }

    /**
     * Records {@code argv} run as {@code executable} in {@code recording}'s environment, to the end.
     * With CPUID faulting the program's CPUIDs are answered from the table of the CPU the emulator
     * is ({@link dev.omniscope.trace.EmulatedCpu}); without, it executes them on the host.
     */
    public Result record(Path executable, List<String> argv, RecordingEnvironment recording) throws IOException {
        TraceeSpawner.Spawned spawned = new TraceeSpawner().spawn(executable, argv, recording.environment(), TraceeSpawner.Options.RECORDING);
        rootPid = spawned.pid();
        Task root = new Task(rootPid, rootPid);
        tasks.put(root.tid, root);
        cpuid = CpuidProbe.probe(ptrace);
        if (recording.cpuidWarning() != null) warnings.add(rootPid, "no-cpuid-faulting", recording.cpuidWarning());
        if (recording.faultCpuid()) {
            cpuid = dev.omniscope.trace.EmulatedCpu.table(cpuid);
            cpuidFaulting = new CpuidFaulting(ptrace, cpuid);
            root.faultCpuidAtExecExit = true;
        }
        try {
            writer.append(ExecSnapshot.capture(ptrace, rootPid, rootPid, writer.blobs(), cpuid, warnings));
            root.swallowExecExit = true;
            root.state = Task.State.IN_SYSCALL;
            current = root;
            ptrace.resumeToSyscall(rootPid, 0);
            preemption.start();
            loop();
        } catch (IOException | RuntimeException e) {
            // Leave nothing running: the trace so far stays readable (and is reported incomplete).
            for (Task t : tasks.values()) ptrace.tgkill(t.pid, t.tid, 9);
            throw e;
        } finally {
            preemption.stop();
        }
        writeWarnings();
        writer.append(new TraceEvent.End(rootStatus));
        return new Result(rootStatus, writer.events(), syscalls, warnings.distinct(), writer.directory());
    }

    private void loop() throws IOException {
        int[] status = new int[1];
        while (!tasks.isEmpty()) {
            if (current == null) {
                Task next = runQueue.poll();
                if (next != null) {
                    schedule(next);
                    continue;
                }
            }
            preemption.update(current, !runQueue.isEmpty());
            int tid = (int) ptrace.waitAny(status, 0);
            handle(tid, new WaitStatus(status[0]));
            writeWarnings();
            writer.flushIfStale();
        }
    }

    private void writeWarnings() throws IOException {
        for (TraceEvent.Warning w : warnings.drain()) writer.append(w);
    }

    // ---- scheduling

    private void schedule(Task t) throws IOException {
        current = t;
        t.state = Task.State.RUNNING;
        try {
            if (t.pendingExit != null) writeSyscallExit(t);
            if (t.pendingSignal != 0) {
                int sig = t.pendingSignal;
                t.pendingSignal = 0;
                deliverSignal(t, sig, t.pendingSiginfo);
                return;
            }
            ptrace.resumeToSyscall(t.tid, 0);
        } catch (Ptrace.TaskGoneException gone) {
            release(t); // its death is reported by waitpid shortly
        }
    }

    private void release(Task t) {
        if (current == t) current = null;
    }

    private void makeRunnable(Task t) {
        t.state = Task.State.RUNNABLE;
        release(t);
        if (!runQueue.contains(t)) runQueue.add(t);
    }

    // ---- stops

    private void handle(int tid, WaitStatus status) throws IOException {
        Task t = tasks.get(tid);
        if (t == null) {
            earlyStops.put(tid, status); // a new task's first stop, before its parent's clone event
            return;
        }
        try {
            if (status.exited() || status.killedBySignal()) {
                onDeath(t, status);
            } else if (status.stopSignal() == SIGTRAP_SYSCALL) {
                onSyscallStop(t);
            } else if (status.ptraceEvent() != 0) {
                onPtraceEvent(t, status);
            } else {
                onSignal(t, status.stopSignal());
            }
        } catch (Ptrace.TaskGoneException gone) {
            // Killed between its stop and our request (another thread's exit_group, SIGKILL): its
            // exit is reported next.
            release(t);
        }
    }

    private void onSyscallStop(Task t) throws IOException {
        long[] regs = ptrace.regs(t.tid);
        if (t.state == Task.State.RUNNING) {
            onSyscallEntry(t, regs);
        } else if (t.restarting) {
            // The kernel restarts an interrupted call: to the program it is the same call.
            t.restarting = false;
            ptrace.resumeToSyscall(t.tid, 0);
        } else {
            onSyscallExit(t, regs);
        }
    }

    private void onSyscallEntry(Task t, long[] regs) throws IOException {
        int nr = (int) regs[Registers.ORIG_RAX];
        long[] args = Registers.syscallArgs(regs);
        Syscall spec = SyscallTable.of(nr);
        writer.append(new TraceEvent.SyscallEnter(t.tid, nr, args, regs[Registers.RIP] - 2));
        syscalls++;
        if (!spec.modeled()) {
            warnings.add(t.tid, "unknown-syscall", spec.name() + " (" + nr + ") is not in the syscall table: its result is "
                    + "recorded, memory it writes is not");
        }
        Task.InFlight call = new Task.InFlight(nr, args, spec);
        t.syscall = call;
        SyscallCall atEntry = new SyscallCall(nr, args, 0, memory.reader(t));
        if (syscallStops.enter(t, call, atEntry, regs)) ptrace.setRegs(t.tid, regs);
        call.blocking = tasks.size() > 1 && spec.mayBlock(atEntry);
        t.state = Task.State.IN_SYSCALL;
        if (call.blocking) release(t);
        ptrace.resumeToSyscall(t.tid, 0);
    }

    private void onSyscallExit(Task t, long[] regs) throws IOException {
        if (t.faultCpuidAtExecExit) {
            t.faultCpuidAtExecExit = false;
            long rc = cpuidFaulting.enable(t.pid, t.tid);
            if (rc != 0) {
                warnings.add(t.tid, "no-cpuid-faulting", "arch_prctl(ARCH_SET_CPUID) failed (" + ptrace.strerror((int) -rc)
                        + ") after exec: this program executes CPUID itself and may use features the replay cannot run");
            }
        }
        if (t.swallowExecExit) {
            t.swallowExecExit = false;
            t.state = Task.State.RUNNING;
            ptrace.resumeToSyscall(t.tid, 0);
            return;
        }
        long result = regs[Registers.RAX];
        if (t.syscall == null) {
            throw new IllegalStateException("syscall exit without an entry on " + t);
        }
        if (result == ERESTARTSYS || result == ERESTARTNOINTR || result == ERESTARTNOHAND || result == ERESTART_RESTARTBLOCK) {
            // Interrupted by a signal: either a handler runs (then the exit is written with the
            // signal) or the kernel restarts the call out of the program's sight.
            t.restarting = true;
            t.interruptedResult = result;
            t.interruptedRegs = regs;
            ptrace.resumeToSyscall(t.tid, 0);
            return;
        }
        if (syscallStops.exit(t, t.syscall, regs)) ptrace.setRegs(t.tid, regs);
        t.pendingExit = new Task.PendingExit(t.syscall, regs[Registers.RAX], regs);
        if (current == t) {
            writeSyscallExit(t);
            t.state = Task.State.RUNNING;
            ptrace.resumeToSyscall(t.tid, 0);
        } else {
            makeRunnable(t);
        }
    }

    /** Writes a task's pending syscall exit, reading the memory the kernel wrote now that it is about to run. */
    private void writeSyscallExit(Task t) throws IOException {
        Task.PendingExit p = t.pendingExit;
        t.pendingExit = null;
        t.syscall = null;
        t.restarting = false;
        writer.append(syscallStops.exitEvent(t, p));
    }

    // ---- ptrace events: clone/fork/vfork, exec, exit, group stops

    private void onPtraceEvent(Task t, WaitStatus status) throws IOException {
        switch (status.ptraceEvent()) {
            case WaitStatus.PTRACE_EVENT_FORK, WaitStatus.PTRACE_EVENT_VFORK, WaitStatus.PTRACE_EVENT_CLONE -> onNewTask(t, status.ptraceEvent());
            case WaitStatus.PTRACE_EVENT_EXEC -> onExec(t);
            case WaitStatus.PTRACE_EVENT_EXIT -> onExitEvent(t);
            case WaitStatus.PTRACE_EVENT_STOP -> onGroupStop(t, status);
            default -> ptrace.resumeToSyscall(t.tid, 0);
        }
    }

    private void onNewTask(Task parent, int event) throws IOException {
        int childTid = (int) ptrace.eventMessage(parent.tid);
        WaitStatus first = earlyStops.remove(childTid);
        if (first == null) {
            int[] st = new int[1];
            ptrace.waitFor(childTid, st);
            first = new WaitStatus(st[0]);
        }
        Task.InFlight call = parent.syscall;
        CloneArgs clone = call != null ? call.spec.cloneArgs(new SyscallCall(call.number, call.args, 0, memory.reader(parent))) : null;
        if (clone == null) clone = event == WaitStatus.PTRACE_EVENT_VFORK ? CloneArgs.VFORK : CloneArgs.FORK;
        TraceEvent.TaskKind kind = clone.thread() ? TraceEvent.TaskKind.THREAD
                : clone.vfork() ? TraceEvent.TaskKind.VFORK : TraceEvent.TaskKind.PROCESS;
        int childPid = kind == TraceEvent.TaskKind.THREAD ? parent.pid : childTid;
        Task child = new Task(childTid, childPid);
        List<MemoryWrite> writes = new ArrayList<>();
        if (clone.childSetTid() != 0) writes.add(new MemoryWrite(clone.childSetTid(), ptrace.read(childPid, clone.childSetTid(), 4)));
        child.clearChildTid = clone.childClearTid();
        if (!first.stopped()) {
            warnings.add(childTid, "lost-task", "new task " + childTid + " " + first + " before it could run");
        }
        writer.append(new TraceEvent.NewTask(childTid, childPid, parent.tid, kind, clone.flags(), ptrace.regs(childTid),
                ptrace.fpregs(childTid), writes));
        tasks.put(childTid, child);
        makeRunnable(child);
        if (kind == TraceEvent.TaskKind.VFORK && parent.syscall != null) {
            // The parent sleeps until the child execs or exits: the child must be able to run.
            parent.syscall.blocking = true;
            release(parent);
        }
        ptrace.resumeToSyscall(parent.tid, 0);
    }

    private void onExec(Task t) throws IOException {
        int former = (int) ptrace.eventMessage(t.tid);
        if (former != t.tid) {
            warnings.add(t.tid, "exec-from-thread", "a non-leader thread (" + former + ") called execve");
        }
        // The other threads of the process are gone; their deaths are reported separately.
        writer.append(ExecSnapshot.capture(ptrace, t.pid, t.tid, writer.blobs(), cpuid, warnings));
        t.faultCpuidAtExecExit = cpuidFaulting != null;
        ptrace.resumeToSyscall(t.tid, 0);
    }

    private void onExitEvent(Task t) throws IOException {
        int status = (int) ptrace.eventMessage(t.tid);
        boolean lastOfProcess = tasks.values().stream().noneMatch(o -> o != t && o.pid == t.pid && !o.exitRecorded);
        List<MemoryWrite> writes = new ArrayList<>();
        if (t.clearChildTid != 0 && !lastOfProcess) {
            writes.add(new MemoryWrite(t.clearChildTid, new byte[4])); // the kernel zeroes it and wakes the joiner
        }
        writer.append(new TraceEvent.TaskExit(t.tid, t.pid, status, lastOfProcess, writes));
        t.exitRecorded = true;
        t.state = Task.State.EXITING;
        t.pendingExit = null;
        t.syscall = null;
        runQueue.remove(t);
        release(t);
        ptrace.cont(t.tid, 0);
        if (t.tid != t.pid) {
            // A thread zeroes its clear_child_tid word (and wakes pthread_join) on its way out:
            // wait until it has, so that no other task runs before what the trace says happened.
            // (Not for a group leader: the kernel reports it only after every other thread.)
            int[] st = new int[1];
            ptrace.waitFor(t.tid, st);
            onDeath(t, new WaitStatus(st[0]));
        }
    }

    private void onGroupStop(Task t, WaitStatus status) {
        int sig = status.stopSignal();
        if (sig == Ptrace.SIGSTOP || sig == 20 || sig == 21 || sig == 22) { // SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU
            t.state = Task.State.GROUP_STOPPED;
            release(t);
            runQueue.remove(t);
            ptrace.listen(t.tid);
        } else {
            ptrace.resumeToSyscall(t.tid, 0);
        }
    }

    private void onDeath(Task t, WaitStatus status) throws IOException {
        if (!t.exitRecorded) {
            boolean lastOfProcess = tasks.values().stream().noneMatch(o -> o != t && o.pid == t.pid && !o.exitRecorded);
            writer.append(new TraceEvent.TaskExit(t.tid, t.pid, status.raw(), lastOfProcess, List.of()));
        }
        tasks.remove(t.tid);
        runQueue.remove(t);
        release(t);
        if (t.tid == rootPid) rootStatus = status.raw();
    }

    // ---- signals

    private void onSignal(Task t, int sig) throws IOException {
        if (t.state == Task.State.GROUP_STOPPED) {
            t.state = Task.State.RUNNABLE; // woken by SIGCONT: it continues when scheduled
        }
        byte[] siginfo = ptrace.siginfo(t.tid);
        int code = ByteBuffer.wrap(siginfo).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
        if (sig == Ptrace.SIGSEGV && code == SI_KERNEL
                && (emulateRdtsc(t) || (cpuidFaulting != null && cpuidFaulting.answer(t.pid, t.tid)))) return;
        if (sig == Ptrace.SIGSTKFLT && t.preemptionsSent.get() > 0) {
            t.preemptionsSent.decrementAndGet();
            onPreemption(t);
            return;
        }
        Signals.Disposition disposition = Signals.disposition(t.pid, sig);
        if (disposition == Signals.Disposition.IGNORED) {
            // Nothing happens to the program; an interrupted call restarts unseen.
            ptrace.resumeToSyscall(t.tid, sig);
            return;
        }
        if (t.restarting) {
            // The signal interrupted a system call and will be seen by the program: the call
            // returns (with its -ERESTART* value, which the handler's frame records) first.
            t.restarting = false;
            t.pendingExit = new Task.PendingExit(t.syscall, t.interruptedResult, t.interruptedRegs);
        }
        if (current != t) {
            // Not this task's turn: it takes the signal when it is scheduled.
            t.pendingSignal = sig;
            t.pendingSiginfo = siginfo;
            makeRunnable(t);
            return;
        }
        deliverSignal(t, sig, siginfo);
    }

    /** Delivers a signal that changes the program (runs a handler, or ends or stops it), recording how. */
    private void deliverSignal(Task t, int sig, byte[] siginfo) throws IOException {
        if (t.pendingExit != null) writeSyscallExit(t); // interrupted call: the handler sees its -ERESTART* result
        long[] deliveryRegs = ptrace.regs(t.tid);
        StackDigest stack = stackDigest(t, deliveryRegs);
        Signals.Disposition disposition = Signals.disposition(t.pid, sig);
        if (disposition != Signals.Disposition.HANDLER) {
            TraceEvent.Disposition d = switch (disposition) {
                case CORE -> TraceEvent.Disposition.CORE;
                case STOP -> TraceEvent.Disposition.STOP;
                default -> TraceEvent.Disposition.TERMINATE;
            };
            writer.append(new TraceEvent.Signal(t.tid, sig, d, siginfo, deliveryRegs, null, null, List.of(), stack));
            ptrace.resumeToSyscall(t.tid, sig);
            return;
        }
        // Single-stepping into the delivery stops at the handler's first instruction, with the
        // frame written: exactly what the replay must reproduce.
        ptrace.singleStep(t.tid, sig);
        int[] st = new int[1];
        ptrace.waitFor(t.tid, st);
        WaitStatus after = new WaitStatus(st[0]);
        if (!after.stopped()) {
            writer.append(new TraceEvent.Signal(t.tid, sig, TraceEvent.Disposition.TERMINATE, siginfo, deliveryRegs, null, null, List.of(), stack));
            onDeath(t, after);
            return;
        }
        long[] handlerRegs = ptrace.regs(t.tid);
        byte[] handlerFp = ptrace.fpregs(t.tid);
        List<MemoryWrite> frame = List.of(signalFrame(t, deliveryRegs, handlerRegs));
        writer.append(new TraceEvent.Signal(t.tid, sig, TraceEvent.Disposition.HANDLER, siginfo, deliveryRegs, handlerRegs, handlerFp, frame, stack));
        if (after.stopSignal() == WaitStatus.SIGTRAP) {
            ptrace.resumeToSyscall(t.tid, 0); // the single-step report itself is ours, not the program's
        } else {
            handle(t.tid, after); // another signal arrived on top: its handler runs first
        }
    }

    /** The top of the stack at a moment recorded by its fingerprint (a signal's delivery, a preemption). */
    private StackDigest stackDigest(Task t, long[] regs) {
        return StackDigest.of(ptrace.read(t.pid, regs[Registers.RSP], StackDigest.MAX_LENGTH));
    }

    /** The bytes the kernel wrote for a signal: from the handler's stack pointer up to the interrupted one's red zone. */
    private MemoryWrite signalFrame(Task t, long[] before, long[] handler) throws IOException {
        long low = handler[Registers.RSP];
        long high = before[Registers.RSP] - 128;
        long length = high > low && high - low < (1 << 16) ? high - low : 16384; // alternate stack: a generous bound
        return memory.capture(t, low, length);
    }

    private boolean emulateRdtsc(Task t) throws IOException {
        long[] regs = ptrace.regs(t.tid);
        byte[] insn = ptrace.read(t.pid, regs[Registers.RIP], 3);
        boolean rdtsc = insn.length >= 2 && insn[0] == 0x0F && insn[1] == 0x31;
        boolean rdtscp = insn.length >= 3 && insn[0] == 0x0F && insn[1] == 0x01 && (insn[2] & 0xFF) == 0xF9;
        if (!rdtsc && !rdtscp) return false;
        int[] aux = new int[1];
        long tsc = ptrace.rdtscp(aux);
        long rip = regs[Registers.RIP];
        regs[Registers.RAX] = tsc & 0xFFFFFFFFL;
        regs[Registers.RDX] = tsc >>> 32;
        if (rdtscp) regs[Registers.RCX] = aux[0] & 0xFFFFFFFFL;
        regs[Registers.RIP] = rip + (rdtscp ? 3 : 2);
        ptrace.setRegs(t.tid, regs);
        writer.append(new TraceEvent.Rdtsc(t.tid, rip, tsc, aux[0], rdtscp));
        ptrace.resumeToSyscall(t.tid, 0);
        return true;
    }

    private void onPreemption(Task t) throws IOException {
        if (t.state == Task.State.RUNNING && current == t) {
            long[] regs = ptrace.regs(t.tid);
            writer.append(new TraceEvent.Preempt(t.tid, regs, stackDigest(t, regs)));
            makeRunnable(t);
        } else if (t.state == Task.State.IN_SYSCALL) {
            // It was in a call we did not expect to block: let others run while it waits.
            if (t.syscall != null) t.syscall.blocking = true;
            release(t);
            ptrace.resumeToSyscall(t.tid, 0);
        } else {
            ptrace.resumeToSyscall(t.tid, 0);
        }
    }
}
