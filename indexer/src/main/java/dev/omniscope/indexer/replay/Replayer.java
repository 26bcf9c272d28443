package dev.omniscope.indexer.replay;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import dev.omniscope.indexer.emu.EmuException;
import dev.omniscope.indexer.emu.Emulator;
import dev.omniscope.indexer.emu.Stop;
import dev.omniscope.indexer.replay.ProblemReports.Stopped;
import dev.omniscope.syscalls.ReplayAction;
import dev.omniscope.syscalls.Syscall;
import dev.omniscope.syscalls.SyscallTable;
import dev.omniscope.trace.CpuidEntry;
import dev.omniscope.trace.EventStreamReader;
import dev.omniscope.trace.Registers;
import dev.omniscope.trace.StackDigest;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceEvent;
import dev.omniscope.trace.TraceFormatException;

/**
 * Replays a trace in the emulator (docs/architecture.md, "Replay"): tasks run one at a time in
 * the order of the trace's events; each event says how far its task runs (to a system call, a
 * recorded rdtsc, a fingerprint) and what the kernel did there, which the replay applies instead
 * of a kernel. Every system call is checked against the recording; the first mismatch is a
 * divergence and ends the replay, as does an instruction the emulator cannot execute. What calls do
 * to address spaces is {@link AddressSpaceEffects}; the words of a problem are {@link ProblemReports}.
 */
public final class Replayer {
    /** Kernel writes are reported in pieces of at most this many bytes (so that index rows stay small). */
    public static final int KERNEL_WRITE_ROW = 64;
    private static final int TRACE_CAPACITY = 1 << 16;
    /**
     * How often the rip of a recorded switch point may run without its registers before the replay
     * gives up on reaching it: a bound (minutes of emulation) that turns a never-matching point
     * into a divergence instead of an endless run.
     */
    private static final long FINGERPRINT_HITS = Long.getLong("omni.replay.fingerprintHits", 1_000_000_000L);
    private static final long ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002;

    /** How a replay ended. {@code problem} is null when it reached the end of a complete trace. */
    public record Result(long instructions, long syscalls, long events, ReplayProblem problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    /** What a run must reach: a stop, or a moment by its fingerprint (registers and, when recorded, the top of the stack). */
    private record Target(Stop.Reason reason, long rip, long[] fingerprint, StackDigest stack, String describe) {}

    private final Trace trace;
    private final ReplayListener listener;
    private final int traceFlags;
    private final ProblemReports problems;
    private final AddressSpaceEffects effects;
    private final Map<Integer, EmulatedTask> tasks = new HashMap<>();
    private final Map<Integer, EmulatedProcess> processes = new HashMap<>();
    private final List<Emulator> emulators = new ArrayList<>();
    /**
     * The task whose registers are in each emulator. Per emulator, not per process: a vfork child
     * and its suspended parent share one emulator (the child runs in the parent's memory).
     */
    private final Map<Emulator, EmulatedTask> loaded = new IdentityHashMap<>();
    private EmulatedTask current;
    private long step;
    private long syscalls;
    private long events;

    /**
     * @param traceFlags {@code Emulator.TRACE_*} tables to produce (0 to only verify)
     * @param modules    names addresses in problem reports and is kept up to date (the indexer's
     *                   module map); may be null
     */
    public Replayer(Trace trace, ReplayListener listener, int traceFlags, AddressNames modules) {
        this.trace = trace;
        this.listener = listener;
        this.traceFlags = traceFlags;
        this.problems = new ProblemReports(modules);
        this.effects = new AddressSpaceEffects(trace, listener, modules,
                (rip, address, length) -> problems.unmappedKernelWrite(step, current, rip, address, length));
    }

    /** Receives, now and then, how many events and instructions have been replayed. */
    @FunctionalInterface
    public interface Progress {
        void update(long events, long steps);
    }

    /** Replays the whole trace, reporting progress as it goes. */
    public Result run(Progress progress) throws IOException {
        ReplayProblem problem = null;
        boolean ended = false;
        try (EventStreamReader reader = trace.events()) {
            for (Iterator<TraceEvent> it = reader; it.hasNext(); ) {
                TraceEvent e = it.next();
                events++;
                apply(e);
                if (e instanceof TraceEvent.End) ended = true;
                if ((events & 255) == 0) progress.update(events, step);
            }
            if (ended) {
                for (EmulatedTask t : tasks.values()) unfinishedCall(t);
            } else {
                problem = problems.problem(ReplayProblem.Kind.TRUNCATED_TRACE, step, current, current != null ? currentRip() : 0,
                        reader.truncated() ? "the recording stopped inside a chunk" : "the recording did not finish");
            }
        } catch (Stopped s) {
            problem = s.problem;
        } catch (TraceFormatException e) {
            problem = problems.problem(ReplayProblem.Kind.TRUNCATED_TRACE, step, current, current != null ? currentRip() : 0,
                    e.getMessage());
        } catch (EmuException e) {
            // What the kernel did that the emulator cannot do in its own memory (its region limit, say).
            problem = problems.problem(ReplayProblem.Kind.EMULATOR_LIMIT, step, current, current != null ? currentRip() : 0,
                    e.getMessage());
        } finally {
            for (Emulator emu : emulators) emu.close();
        }
        if (problem != null) listener.stopped(problem);
        progress.update(events, step);
        return new Result(step, syscalls, events, problem);
    }

    private long currentRip() {
        return loaded.get(current.process.emu) == current ? current.process.emu.regs()[Registers.RIP] : current.regs[Registers.RIP];
    }

    private void apply(TraceEvent e) throws IOException {
        if (e instanceof TraceEvent.Exec x) exec(x);
        else if (e instanceof TraceEvent.SyscallEnter x) syscallEnter(x);
        else if (e instanceof TraceEvent.SyscallExit x) syscallExit(x);
        else if (e instanceof TraceEvent.Rdtsc x) rdtsc(x);
        else if (e instanceof TraceEvent.Signal x) signal(x);
        else if (e instanceof TraceEvent.Preempt x) preempt(x);
        else if (e instanceof TraceEvent.NewTask x) newTask(x);
        else if (e instanceof TraceEvent.TaskExit x) taskExit(x);
        // Warning and End change nothing
    }

    // ---- tasks and processes

    private EmulatedTask task(int tid) {
        EmulatedTask t = tasks.get(tid);
        if (t == null) throw problems.unknownTask(step, tid);
        return t;
    }

    /** Makes {@code t} the running task, its registers loaded into its process's emulator. */
    private void switchTo(EmulatedTask t) {
        if (current != null && current != t && loaded.get(current.process.emu) == current) {
            long rip = current.process.emu.regs()[Registers.RIP];
            listener.switchedOut(step - 1, current.process.pid, current.tid, rip);
        }
        Emulator emu = t.process.emu;
        EmulatedTask previous = loaded.get(emu);
        if (previous != t) {
            if (previous != null && tasks.get(previous.tid) == previous && previous.process.emu == emu) {
                previous.regs = emu.regs();
                previous.fpregs = emu.fpregs();
            }
            emu.setRegs(t.regs);
            emu.setFpregs(t.fpregs);
            loaded.put(emu, t);
        }
        current = t;
    }

    private Emulator newEmulator(List<CpuidEntry> cpuid) {
        Emulator emu = new Emulator();
        emulators.add(emu);
        if (traceFlags != 0) emu.traceEnable(traceFlags, TRACE_CAPACITY);
        List<Emulator.CpuidRow> rows = new ArrayList<>();
        for (CpuidEntry c : cpuid) {
            rows.add(new Emulator.CpuidRow(c.leaf(), c.subleaf(), c.subleafSignificant(), c.eax(), c.ebx(), c.ecx(), c.edx()));
        }
        emu.setCpuid(rows);
        return emu;
    }

    private void exec(TraceEvent.Exec x) throws IOException {
        EmulatedProcess old = processes.get(x.pid());
        EmulatedTask t = tasks.get(x.tid());
        long at = t != null && t.pending != null ? t.syscallStep : step - 1;
        if (old != null) {
            effects.gone(at, old);
            // Other threads of the old image are gone; their exits follow in the trace.
        }
        EmulatedProcess p = new EmulatedProcess(x.pid(), newEmulator(x.cpuid()), new MemoryMap());
        p.xcr0 = x.xcr0();
        processes.put(p.pid, p);
        effects.exec(at, p, x.mappings());
        if (t == null) {
            t = new EmulatedTask(x.tid(), p, x.regs(), x.fpregs());
            tasks.put(t.tid, t);
        } else {
            loaded.remove(t.process.emu, t); // a vfork child leaves its parent's emulator here
            t.process = p;
            t.regs = x.regs();
            t.fpregs = x.fpregs();
        }
        current = null;
        switchTo(t);
        if (old != null) release(old);
        listener.exec(at, p.pid, t.tid, x);
        listener.taskState(at, p.pid, t.tid, 0, TraceEvent.TaskKind.PROCESS, x.regs(), x.fpregs());
    }

    private void newTask(TraceEvent.NewTask n) {
        EmulatedTask parent = task(n.parentTid());
        long at = parent.pending != null ? parent.syscallStep : step - 1;
        EmulatedProcess p = parent.process;
        EmulatedProcess cp;
        switch (n.kind()) {
            case THREAD -> cp = p;
            case VFORK -> {
                cp = EmulatedProcess.borrowing(n.pid(), p);
                cp.brk = p.brk;
                cp.xcr0 = p.xcr0;
                processes.put(cp.pid, cp);
                effects.inherit(at, p, cp);
            }
            default -> {
                Emulator child = p.emu.fork();
                emulators.add(child);
                cp = new EmulatedProcess(n.pid(), child, p.map.copy());
                cp.brk = p.brk;
                cp.xcr0 = p.xcr0;
                processes.put(cp.pid, cp);
                effects.inherit(at, p, cp);
            }
        }
        EmulatedTask c = new EmulatedTask(n.tid(), cp, n.regs(), n.fpregs());
        tasks.put(c.tid, c);
        listener.taskState(at, cp.pid, c.tid, parent.tid, n.kind(), n.regs(), n.fpregs());
        effects.kernelWrites(at, cp, c.tid, n.regs()[Registers.RIP], n.writes());
    }

    private void taskExit(TraceEvent.TaskExit x) {
        EmulatedTask t = tasks.get(x.tid());
        if (t == null) return; // already gone with an exec of its process
        long at = Math.max(step - 1, -1);
        unfinishedCall(t);
        effects.kernelWrites(at, t.process, t.tid, 0, x.writes());
        tasks.remove(t.tid);
        if (current == t) current = null;
        loaded.remove(t.process.emu, t);
        listener.taskEnded(at, t.process.pid, t.tid, x.waitStatus());
        if (x.lastOfProcess() && processes.get(t.process.pid) == t.process) {
            processes.remove(t.process.pid);
            effects.gone(at, t.process); // a vfork child's view of its lender's memory ends too
        }
        release(t.process);
    }

    /**
     * A call its task never returned from (a thread blocked in futex when exit_group ended its
     * process, or a call still blocked when the recording ended) is reported without an exit, as
     * exit and exit_group are, so that every matched call has its row.
     */
    private void unfinishedCall(EmulatedTask t) {
        if (t.pending == null) return;
        ReplayAction action = SyscallTable.of(t.pending.number()).replay();
        if (action != ReplayAction.EXIT && action != ReplayAction.EXIT_GROUP) {
            listener.syscall(t.syscallStep, t.process.pid, t.tid, t.pending, null);
        }
        t.pending = null;
    }

    /** Frees a process's emulator once no task runs in it and no vfork child borrows it. */
    private void release(EmulatedProcess p) {
        for (EmulatedTask o : tasks.values()) if (o.process.emu == p.emu) return;
        loaded.remove(p.emu);
        if (emulators.remove(p.emu)) p.emu.close();
    }

    // ---- running to the next event

    private Stop runTo(EmulatedTask t, Target target) {
        Emulator emu = t.process.emu;
        emu.setStep(step);
        fingerprint(emu, target);
        long stackMisses = 0;
        boolean stepping = false; // running one instruction past registers that matched with another stack
        try {
            while (true) {
                Stop stop = emu.run(stepping ? 1 : 0);
                step = emu.step();
                if (traceFlags != 0) listener.executed(t.process.pid, t.process.memoryPid, t.tid, emu.trace().drainRaw());
                boolean stepped = stepping && stop.steps() > 0;
                if (stepped) {
                    stepping = false;
                    fingerprint(emu, target);
                }
                switch (stop.reason()) {
                    case BUFFER_FULL -> { }
                    case SYSCALL, NONDET -> {
                        if (stop.reason() == target.reason() && (target.rip() == 0 || stop.rip() == target.rip())) return stop;
                        throw problems.unexpectedStop(step, t, stop, target.describe());
                    }
                    case FINGERPRINT -> {
                        if (target.reason() != Stop.Reason.FINGERPRINT) throw problems.unexpectedStop(step, t, stop, target.describe());
                        if (sameStack(emu, target.stack())) return stop;
                        // The same registers in another iteration of a loop that keeps its state in memory.
                        if (++stackMisses > FINGERPRINT_HITS) {
                            throw problems.neverMatched(step, t, stop, target.describe() + " (the registers matched, the stack did not)",
                                    FINGERPRINT_HITS, target.fingerprint());
                        }
                        emu.setFingerprint(null);
                        stepping = true;
                    }
                    case INVALID_INSN -> {
                        if (!emulateXgetbv(t, stop.rip())) throw problems.unsupportedInstruction(step, t, stop.rip());
                    }
                    case MEM_FAULT, INTERRUPT -> {
                        // A fault the recording shows as a signal: its fingerprint is this very state (no
                        // later iteration can be meant: the program cannot go past its fault).
                        if (target.fingerprint() != null && Registers.sameFingerprint(emu.regs(), target.fingerprint())) return stop;
                        throw problems.unexpectedStop(step, t, stop, target.describe());
                    }
                    case LIMIT -> {
                        if (!stepped) throw problems.neverMatched(step, t, stop, target.describe(), FINGERPRINT_HITS, target.fingerprint());
                    }
                    default -> throw problems.emulatorFailed(step, t, stop, target.describe());
                }
            }
        } finally {
            emu.setFingerprint(null);
        }
    }

    private static void fingerprint(Emulator emu, Target target) {
        emu.setFingerprint(target.fingerprint());
        emu.setFingerprintLimit(target.fingerprint() != null ? FINGERPRINT_HITS : 0);
    }

    /** Whether the top of the emulated stack is what the recording's digest says (no digest: registers decide alone). */
    private static boolean sameStack(Emulator emu, StackDigest stack) {
        if (stack == null) return true;
        byte[] bytes;
        try {
            bytes = emu.read(emu.regs()[Registers.RSP], stack.length());
        } catch (EmuException e) {
            return true; // memory the emulator does not have (the recorder read past the stack's end): registers decide
        }
        return stack.matches(bytes);
    }

    /** xgetbv (ecx = 0) reads XCR0, which the emulator does not have: answered from the recording. */
    private boolean emulateXgetbv(EmulatedTask t, long rip) {
        Emulator emu = t.process.emu;
        byte[] insn = emu.read(rip, 3);
        long[] r = emu.regs();
        if (insn[0] != 0x0F || insn[1] != 0x01 || (insn[2] & 0xFF) != 0xD0 || (r[Registers.RCX] & 0xFFFFFFFFL) != 0) return false;
        r[Registers.RAX] = t.process.xcr0 & 0xFFFFFFFFL;
        r[Registers.RDX] = t.process.xcr0 >>> 32;
        r[Registers.RIP] = rip + 3;
        emu.retire(r);
        step = emu.step();
        return true;
    }

    // ---- events

    private void syscallEnter(TraceEvent.SyscallEnter s) {
        EmulatedTask t = task(s.tid());
        switchTo(t);
        Syscall spec = SyscallTable.of(s.number());
        Stop stop = runTo(t, new Target(Stop.Reason.SYSCALL, 0, null, null, "system call " + spec.describe(s.args())
                + " at 0x" + Long.toHexString(s.rip())));
        long[] r = t.process.emu.regs();
        if (r[Registers.RAX] != s.number() || !Arrays.equals(Registers.syscallArgs(r), s.args()) || stop.rip() != s.rip()) {
            throw problems.otherSyscall(step, t, stop.rip(), s, r);
        }
        t.pending = s;
        t.syscallStep = stop.step() - 1;
        syscalls++;
        if (spec.replay() == ReplayAction.EXIT || spec.replay() == ReplayAction.EXIT_GROUP) {
            listener.syscall(t.syscallStep, t.process.pid, t.tid, s, null);
        }
    }

    private void syscallExit(TraceEvent.SyscallExit x) throws IOException {
        EmulatedTask t = task(x.tid());
        TraceEvent.SyscallEnter s = t.pending;
        if (s == null || s.number() != x.number()) throw problems.exitNotEntered(step, t, x.number());
        switchTo(t);
        EmulatedProcess p = t.process;
        long at = t.syscallStep;
        long[] regs;
        if (x.regsAfter() != null) {
            regs = x.regsAfter().clone();
            p.emu.setFpregs(x.fpregsAfter());
        } else {
            regs = p.emu.regs();
            regs[Registers.RAX] = x.result();
        }
        Syscall spec = SyscallTable.of(s.number());
        boolean ok = x.result() >= 0 || x.result() < -4095;
        if (ok) {
            effects.syscall(at, p, t.tid, spec, s, x);
            if (spec.replay() == ReplayAction.ARCH_PRCTL) archPrctl(s.args(), regs);
        }
        effects.kernelWrites(at, p, t.tid, s.rip(), x.writes());
        p.emu.setRegsAt(regs, at);
        listener.syscall(at, p.pid, t.tid, s, x);
        t.pending = null;
    }

    /** arch_prctl(ARCH_SET_FS or ARCH_SET_GS, base): the base register the call leaves. */
    private static void archPrctl(long[] args, long[] regs) {
        if (args[0] == ARCH_SET_FS) regs[Registers.FS_BASE] = args[1];
        if (args[0] == ARCH_SET_GS) regs[Registers.GS_BASE] = args[1];
    }

    private void rdtsc(TraceEvent.Rdtsc r) {
        EmulatedTask t = task(r.tid());
        switchTo(t);
        runTo(t, new Target(Stop.Reason.NONDET, r.rip(), null, null, (r.rdtscp() ? "rdtscp" : "rdtsc") + " at 0x" + Long.toHexString(r.rip())));
        long[] regs = t.process.emu.regs();
        regs[Registers.RAX] = r.tsc() & 0xFFFFFFFFL;
        regs[Registers.RDX] = r.tsc() >>> 32;
        if (r.rdtscp()) regs[Registers.RCX] = r.aux() & 0xFFFFFFFFL;
        regs[Registers.RIP] = r.rip() + (r.rdtscp() ? 3 : 2);
        t.process.emu.retire(regs);
    }

    /**
     * Runs {@code t} to a recorded moment. Already there by its registers (a signal or preemption
     * right at a system call's exit, the commonest case) is the moment, whatever the stack says: no
     * other iteration can be meant before the task's next event. While running, the stack digest
     * tells apart iterations of a loop with the same registers. (Stack bytes the emulator computes
     * differently without consequence, an fxsave image's x87 fields left in a frame, would
     * otherwise make the moment unreachable.)
     */
    private void reach(EmulatedTask t, long[] fingerprint, StackDigest stack, String what) {
        switchTo(t);
        Emulator emu = t.process.emu;
        if (Registers.sameFingerprint(emu.regs(), fingerprint)) return;
        runTo(t, new Target(Stop.Reason.FINGERPRINT, 0, fingerprint, stack, what + " at 0x" + Long.toHexString(fingerprint[Registers.RIP])));
    }

    private void signal(TraceEvent.Signal sg) {
        EmulatedTask t = task(sg.tid());
        reach(t, sg.deliveryRegs(), sg.stack(), "signal " + sg.signo());
        boolean fatal = sg.disposition() == TraceEvent.Disposition.TERMINATE || sg.disposition() == TraceEvent.Disposition.CORE;
        if (fatal && t.pending == null) diesAt(t);
        long at = step - 1;
        listener.signal(at, t.process.pid, t.tid, sg);
        if (sg.disposition() == TraceEvent.Disposition.HANDLER) {
            effects.kernelWrites(at, t.process, t.tid, sg.deliveryRegs()[Registers.RIP], sg.frame());
            t.process.emu.setFpregs(sg.handlerFpregs());
            t.process.emu.setRegsAt(sg.handlerRegs(), at);
        }
    }

    /**
     * A signal kills {@code t} at the instruction it is at (a fault's own instruction, which never
     * completes): that instruction counts as the task's last step, in which nothing changes, and the
     * task's last block is written now, under its own thread (its process's emulator goes with it).
     * So a crash is a moment of the index, the faulting instruction's, and the signal's row carries its step.
     */
    private void diesAt(EmulatedTask t) {
        Emulator emu = t.process.emu;
        emu.retire(emu.regs());
        step = emu.step();
        if (traceFlags != 0) {
            emu.trace().flush();
            listener.executed(t.process.pid, t.process.memoryPid, t.tid, emu.trace().drainRaw());
        }
    }

    private void preempt(TraceEvent.Preempt pr) {
        reach(task(pr.tid()), pr.regs(), pr.stack(), "the switch point");
    }
}
