package dev.omniscope.indexer.replay;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import dev.omniscope.indexer.emu.EmuException;
import dev.omniscope.indexer.emu.Emulator;
import dev.omniscope.indexer.emu.Stop;
import dev.omniscope.indexer.modules.ModuleMap;
import dev.omniscope.syscalls.ReplayAction;
import dev.omniscope.syscalls.Syscall;
import dev.omniscope.syscalls.SyscallTable;
import dev.omniscope.trace.CpuidEntry;
import dev.omniscope.trace.EventStreamReader;
import dev.omniscope.trace.Mapping;
import dev.omniscope.trace.MemoryWrite;
import dev.omniscope.trace.Registers;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceEvent;
import dev.omniscope.trace.TraceFormatException;

/**
 * Replays a trace in the emulator (docs/architecture.md, "Replay"): tasks run one at a time in
 * the order of the trace's events; each event says how far its task runs (to a system call, a
 * recorded rdtsc, a fingerprint) and what the kernel did there, which the replay applies instead
 * of a kernel. Every system call is checked against the recording; the first mismatch is a
 * divergence and ends the replay, as does an instruction the emulator cannot execute.
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
    private static final long PAGE = 4096;
    private static final long ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002;
    private static final long MADV_DONTNEED = 4, MADV_FREE = 8;

    /** How a replay ended. {@code problem} is null when it reached the end of a complete trace. */
    public record Result(long instructions, long syscalls, long events, ReplayProblem problem) {
        public boolean ok() {
            return problem == null;
        }
    }

    private static final class Process {
        final int pid;
        final Emulator emu;
        final MemoryMap map;
        /** A vfork child uses its parent's memory until it execs or exits. */
        final boolean borrowed;
        Long brk;
        Task loaded;
        /** What xgetbv answers: the recording machine's XCR0 (the emulator has none of its own). */
        long xcr0;

        Process(int pid, Emulator emu, MemoryMap map, boolean borrowed) {
            this.pid = pid;
            this.emu = emu;
            this.map = map;
            this.borrowed = borrowed;
        }
    }

    private static final class Task {
        final int tid;
        Process process;
        long[] regs;
        byte[] fpregs;
        TraceEvent.SyscallEnter pending;
        long syscallStep;

        Task(int tid, Process process, long[] regs, byte[] fpregs) {
            this.tid = tid;
            this.process = process;
            this.regs = regs;
            this.fpregs = fpregs;
        }
    }

    /** What a run must reach. */
    private record Target(Stop.Reason reason, long rip, long[] fingerprint, String describe) {}

    /** Ends the replay early with a problem. */
    private static final class Stopped extends RuntimeException {
        final ReplayProblem problem;

        Stopped(ReplayProblem problem) {
            super(problem.describe(), null, false, false);
            this.problem = problem;
        }
    }

    private final Trace trace;
    private final ReplayListener listener;
    private final int traceFlags;
    private final ModuleMap modules;
    private final Map<Integer, Task> tasks = new HashMap<>();
    private final Map<Integer, Process> processes = new HashMap<>();
    private final List<Emulator> emulators = new ArrayList<>();
    private Task current;
    private long step;
    private long syscalls;
    private long events;

    /**
     * @param traceFlags {@code Emulator.TRACE_*} tables to produce (0 to only verify)
     * @param modules    names addresses in problem reports and is kept up to date; may be null
     */
    public Replayer(Trace trace, ReplayListener listener, int traceFlags, ModuleMap modules) {
        this.trace = trace;
        this.listener = listener;
        this.traceFlags = traceFlags;
        this.modules = modules;
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
            if (!ended) {
                problem = problem(ReplayProblem.Kind.TRUNCATED_TRACE, current, current != null ? currentRip() : 0,
                        reader.truncated() ? "the recording stopped inside a chunk" : "the recording did not finish");
            }
        } catch (Stopped s) {
            problem = s.problem;
        } catch (TraceFormatException e) {
            problem = problem(ReplayProblem.Kind.TRUNCATED_TRACE, current, current != null ? currentRip() : 0, e.getMessage());
        } finally {
            for (Emulator emu : emulators) emu.close();
        }
        if (problem != null) listener.stopped(problem);
        progress.update(events, step);
        return new Result(step, syscalls, events, problem);
    }

    private long currentRip() {
        return current.process.loaded == current ? current.process.emu.regs()[Registers.RIP] : current.regs[Registers.RIP];
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

    private Task task(int tid) {
        Task t = tasks.get(tid);
        if (t == null) {
            throw new Stopped(new ReplayProblem(ReplayProblem.Kind.DIVERGENCE, step, 0, tid, 0, null,
                    "the trace names task " + tid + ", which the replay does not know"));
        }
        return t;
    }

    /** Makes {@code t} the running task, its registers loaded into its process's emulator. */
    private void switchTo(Task t) {
        if (current != null && current != t && current.process.loaded == current) {
            long rip = current.process.emu.regs()[Registers.RIP];
            listener.switchedOut(step - 1, current.process.pid, current.tid, rip);
        }
        Process p = t.process;
        if (p.loaded != t) {
            if (p.loaded != null && tasks.get(p.loaded.tid) == p.loaded) {
                p.loaded.regs = p.emu.regs();
                p.loaded.fpregs = p.emu.fpregs();
            }
            p.emu.setRegs(t.regs);
            p.emu.setFpregs(t.fpregs);
            p.loaded = t;
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
        Process old = processes.get(x.pid());
        Task t = tasks.get(x.tid());
        long at = t != null && t.pending != null ? t.syscallStep : step - 1;
        if (old != null) {
            changed(at, old.pid, new MemoryMap.Change(List.copyOf(old.map.regions()), List.of()));
            // Other threads of the old image are gone; their exits follow in the trace.
        }
        Process p = new Process(x.pid(), newEmulator(x.cpuid()), new MemoryMap(), false);
        p.xcr0 = x.xcr0();
        processes.put(p.pid, p);
        if (modules != null) modules.exec(p.pid);
        List<Region> added = new ArrayList<>();
        for (Mapping m : x.mappings()) {
            if (!mapAndFill(p, m)) continue;
            Region r = new Region(m.start(), m.end(), m.prot(), m.shared(), m.path(), m.offset(),
                    m.content() == Mapping.Content.BLOB ? Region.Origin.BLOB : Region.Origin.ZERO,
                    m.blob(), 0, m.blobLength(), at, 0);
            added.addAll(p.map.map(r).added());
        }
        changed(at, p.pid, new MemoryMap.Change(List.of(), added));
        if (t == null) {
            t = new Task(x.tid(), p, x.regs(), x.fpregs());
            tasks.put(t.tid, t);
        } else {
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

    /** Maps a recorded mapping into the emulator with its bytes; false when the emulator cannot map there ([vsyscall]). */
    private boolean mapAndFill(Process p, Mapping m) throws IOException {
        try {
            p.emu.map(m.start(), m.length(), m.prot(), m.shared());
        } catch (EmuException e) {
            if (m.path().equals("[vsyscall]")) return false;
            throw e;
        }
        if (m.content() == Mapping.Content.BLOB && m.blobLength() > 0) {
            try (InputStream in = trace.openBlob(m.blob())) {
                byte[] buffer = new byte[1 << 20];
                long at = m.start();
                int n;
                while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                    p.emu.write(at, n == buffer.length ? buffer : Arrays.copyOf(buffer, n));
                    at += n;
                }
            }
        }
        return true;
    }

    private void changed(long at, int pid, MemoryMap.Change change) {
        if (change.isEmpty()) return;
        if (modules != null) modules.regionsChanged(pid, change);
        listener.regionsChanged(at, pid, change);
    }

    private void newTask(TraceEvent.NewTask n) {
        Task parent = task(n.parentTid());
        long at = parent.pending != null ? parent.syscallStep : step - 1;
        Process p = parent.process;
        Process cp;
        switch (n.kind()) {
            case THREAD -> cp = p;
            case VFORK -> {
                cp = new Process(n.pid(), p.emu, p.map, true);
                cp.brk = p.brk;
                cp.xcr0 = p.xcr0;
                processes.put(cp.pid, cp);
                inheritRegions(at, p, cp);
            }
            default -> {
                Emulator child = p.emu.fork();
                emulators.add(child);
                cp = new Process(n.pid(), child, p.map.copy(), false);
                cp.brk = p.brk;
                cp.xcr0 = p.xcr0;
                processes.put(cp.pid, cp);
                inheritRegions(at, p, cp);
            }
        }
        Task c = new Task(n.tid(), cp, n.regs(), n.fpregs());
        tasks.put(c.tid, c);
        listener.taskState(at, cp.pid, c.tid, parent.tid, n.kind(), n.regs(), n.fpregs());
        kernelWrites(at, cp, c.tid, n.regs()[Registers.RIP], n.writes());
    }

    private void inheritRegions(long at, Process parent, Process child) {
        List<Region> inherited = new ArrayList<>();
        for (Region r : parent.map.regions()) inherited.add(r.inheritedBy(at, parent.pid));
        if (modules != null) modules.fork(parent.pid, child.pid);
        listener.regionsChanged(at, child.pid, new MemoryMap.Change(List.of(), inherited));
    }

    private void taskExit(TraceEvent.TaskExit x) {
        Task t = tasks.get(x.tid());
        if (t == null) return; // already gone with an exec of its process
        long at = Math.max(step - 1, -1);
        kernelWrites(at, t.process, t.tid, 0, x.writes());
        tasks.remove(t.tid);
        if (current == t) current = null;
        if (t.process.loaded == t) t.process.loaded = null;
        listener.taskEnded(at, t.process.pid, t.tid, x.waitStatus());
        if (x.lastOfProcess() && processes.get(t.process.pid) == t.process) {
            processes.remove(t.process.pid);
            if (!t.process.borrowed) changed(at, t.process.pid, new MemoryMap.Change(List.copyOf(t.process.map.regions()), List.of()));
        }
        release(t.process);
    }

    /** Frees a process's emulator once no task runs in it and no vfork child borrows it. */
    private void release(Process p) {
        for (Task o : tasks.values()) if (o.process.emu == p.emu) return;
        if (emulators.remove(p.emu)) p.emu.close();
    }

    // ---- running to the next event

    private Stop runTo(Task t, Target target) {
        Emulator emu = t.process.emu;
        emu.setStep(step);
        emu.setFingerprint(target.fingerprint());
        emu.setFingerprintLimit(target.fingerprint() != null ? FINGERPRINT_HITS : 0);
        try {
            while (true) {
                Stop stop = emu.run(0);
                step = emu.step();
                if (traceFlags != 0) listener.executed(t.process.pid, t.tid, emu.trace().drainRaw());
                switch (stop.reason()) {
                    case BUFFER_FULL -> { }
                    case SYSCALL, NONDET, FINGERPRINT -> {
                        if (stop.reason() == target.reason() && (target.rip() == 0 || stop.rip() == target.rip())) return stop;
                        throw divergence(t, stop.rip(), "expected " + target.describe() + ", the program "
                                + describeStop(t, stop));
                    }
                    case INVALID_INSN -> {
                        if (!emulateXgetbv(t, stop.rip())) {
                            throw new Stopped(problem(ReplayProblem.Kind.UNSUPPORTED_INSTRUCTION, t, stop.rip(), disassemble(emu, stop.rip())));
                        }
                    }
                    case MEM_FAULT, INTERRUPT -> {
                        // A fault the recording shows as a signal: its fingerprint is this very state.
                        if (target.fingerprint() != null && Registers.sameFingerprint(emu.regs(), target.fingerprint())) return stop;
                        throw divergence(t, stop.rip(), "expected " + target.describe() + ", the program " + describeStop(t, stop));
                    }
                    case LIMIT -> throw divergence(t, stop.rip(), "expected " + target.describe() + ", but 0x"
                            + Long.toHexString(stop.rip()) + " ran " + FINGERPRINT_HITS + " times without the recorded registers"
                            + " (at the last time: " + differences(emu.regs(), target.fingerprint()) + ")");
                    default -> throw divergence(t, stop.rip(), "the emulator stopped (" + stop.reason() + ", unicorn error "
                            + stop.ucErr() + ") before " + target.describe());
                }
            }
        } finally {
            emu.setFingerprint(null);
        }
    }

    /** The fingerprint registers that differ, "rax 0x1 (recorded 0x2), ...". */
    private static String differences(long[] actual, long[] recorded) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Registers.COUNT; i++) {
            if (i == Registers.ORIG_RAX || i == Registers.EFLAGS || i == Registers.CS || i == Registers.SS || i >= Registers.DS) continue;
            if (actual[i] == recorded[i]) continue;
            if (sb.length() > 0) sb.append(", ");
            sb.append(Registers.NAMES.get(i)).append(" 0x").append(Long.toHexString(actual[i]))
                    .append(" (recorded 0x").append(Long.toHexString(recorded[i])).append(')');
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    /** xgetbv (ecx = 0) reads XCR0, which the emulator does not have: answered from the recording. */
    private boolean emulateXgetbv(Task t, long rip) {
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

    private String describeStop(Task t, Stop stop) {
        return switch (stop.reason()) {
            case SYSCALL -> {
                long[] r = t.process.emu.regs();
                yield "made system call " + SyscallTable.of((int) r[Registers.RAX]).describe(Registers.syscallArgs(r))
                        + " at 0x" + Long.toHexString(stop.rip());
            }
            case NONDET -> "executed " + disassemble(t.process.emu, stop.rip()) + " at 0x" + Long.toHexString(stop.rip());
            case FINGERPRINT -> "reached the recorded switch point";
            case MEM_FAULT -> String.format("faulted (%s of 0x%x%s) at 0x%x", switch (stop.faultKind()) {
                case Stop.FAULT_READ -> "read";
                case Stop.FAULT_WRITE -> "write";
                default -> "fetch";
            }, stop.faultAddr(), stop.protectionFault() ? ", not permitted" : ", unmapped", stop.rip());
            case INTERRUPT -> "raised interrupt " + stop.detail() + " at 0x" + Long.toHexString(stop.rip());
            default -> stop.reason().toString();
        };
    }

    private static String disassemble(Emulator emu, long rip) {
        try {
            Emulator.Disassembly d = Emulator.disasm(emu.read(rip, 16), rip);
            return d != null && d.length() > 0 ? "'" + d.text() + "'" : "an undecodable instruction";
        } catch (EmuException e) {
            return "an instruction at unreadable memory";
        }
    }

    private Stopped divergence(Task t, long rip, String detail) {
        return new Stopped(problem(ReplayProblem.Kind.DIVERGENCE, t, rip, detail));
    }

    private ReplayProblem problem(ReplayProblem.Kind kind, Task t, long rip, String detail) {
        int pid = t != null ? t.process.pid : 0, tid = t != null ? t.tid : 0;
        String function = modules != null && t != null ? modules.name(pid, rip) : null;
        return new ReplayProblem(kind, step, pid, tid, rip, function, detail);
    }

    // ---- events

    private void syscallEnter(TraceEvent.SyscallEnter s) {
        Task t = task(s.tid());
        switchTo(t);
        Syscall spec = SyscallTable.of(s.number());
        Stop stop = runTo(t, new Target(Stop.Reason.SYSCALL, 0, null, "system call " + spec.describe(s.args())
                + " at 0x" + Long.toHexString(s.rip())));
        long[] r = t.process.emu.regs();
        long[] args = Registers.syscallArgs(r);
        if (r[Registers.RAX] != s.number() || !Arrays.equals(args, s.args()) || stop.rip() != s.rip()) {
            throw divergence(t, stop.rip(), "expected system call " + spec.describe(s.args()) + " at 0x" + Long.toHexString(s.rip())
                    + ", the program made " + SyscallTable.of((int) r[Registers.RAX]).describe(args) + " at 0x" + Long.toHexString(stop.rip()));
        }
        t.pending = s;
        t.syscallStep = stop.step() - 1;
        syscalls++;
        if (spec.replay() == ReplayAction.EXIT || spec.replay() == ReplayAction.EXIT_GROUP) {
            listener.syscall(t.syscallStep, t.process.pid, t.tid, s, null);
        }
    }

    private void syscallExit(TraceEvent.SyscallExit x) throws IOException {
        Task t = task(x.tid());
        TraceEvent.SyscallEnter s = t.pending;
        if (s == null || s.number() != x.number()) {
            throw divergence(t, 0, "the trace returns from " + SyscallTable.name(x.number()) + " that task " + t.tid + " did not enter");
        }
        switchTo(t);
        Process p = t.process;
        long at = t.syscallStep;
        long[] regs;
        if (x.regsAfter() != null) {
            regs = x.regsAfter().clone();
            p.emu.setFpregs(x.fpregsAfter());
        } else {
            regs = p.emu.regs();
            regs[Registers.RAX] = x.result();
        }
        boolean ok = x.result() >= 0 || x.result() < -4095;
        if (ok) memoryEffects(t, s, x, regs, at);
        kernelWrites(at, p, t.tid, s.rip(), x.writes());
        p.emu.setRegsAt(regs, at);
        listener.syscall(at, p.pid, t.tid, s, x);
        t.pending = null;
    }

    /** What a successful call did to the address space, done to the emulator and the memory map. */
    private void memoryEffects(Task t, TraceEvent.SyscallEnter s, TraceEvent.SyscallExit x, long[] regs, long at) throws IOException {
        Process p = t.process;
        long[] a = s.args();
        switch (SyscallTable.of(s.number()).replay()) {
            case MMAP, SHMAT -> {
                for (Mapping m : x.mappings()) {
                    mapAndFill(p, m);
                    Region r = new Region(m.start(), m.end(), m.prot(), m.shared(), m.path(), m.offset(),
                            m.content() == Mapping.Content.BLOB ? Region.Origin.BLOB : Region.Origin.ZERO,
                            m.blob(), 0, m.blobLength(), at, 0);
                    changed(at, p.pid, p.map.map(r));
                }
            }
            case MUNMAP -> {
                p.emu.unmap(a[0], pageUp(a[1]));
                changed(at, p.pid, p.map.unmap(a[0], a[0] + pageUp(a[1])));
            }
            case SHMDT -> {
                Region r = p.map.at(a[0]);
                if (r != null) {
                    p.emu.unmap(r.start(), r.length());
                    changed(at, p.pid, p.map.unmap(r.start(), r.end()));
                }
            }
            case MPROTECT -> {
                p.emu.protect(a[0], pageUp(a[1]), (int) a[2] & 7);
                changed(at, p.pid, p.map.protect(a[0], a[0] + pageUp(a[1]), (int) a[2] & 7));
            }
            case MREMAP -> remap(t, a[0], pageUp(a[1]), pageUp(a[2]), x.result(), at, s.rip());
            case BRK -> brk(p, x.result(), at);
            case MADVISE -> {
                if (a[2] == MADV_DONTNEED || a[2] == MADV_FREE) zeroAnonymous(t, a[0], a[0] + pageUp(a[1]), at, s.rip());
            }
            case ARCH_PRCTL -> {
                if (a[0] == ARCH_SET_FS) regs[Registers.FS_BASE] = a[1];
                if (a[0] == ARCH_SET_GS) regs[Registers.GS_BASE] = a[1];
            }
            default -> { }
        }
    }

    private void remap(Task t, long oldAddr, long oldLen, long newLen, long newAddr, long at, long rip) {
        Process p = t.process;
        List<Region> old = p.map.overlapping(oldAddr, oldAddr + oldLen);
        p.emu.remap(oldAddr, oldLen, newAddr, newLen);
        if (newAddr == oldAddr) {
            if (newLen < oldLen) changed(at, p.pid, p.map.unmap(oldAddr + newLen, oldAddr + oldLen));
            if (newLen > oldLen && !old.isEmpty()) {
                Region last = old.get(old.size() - 1);
                changed(at, p.pid, p.map.map(new Region(oldAddr + oldLen, oldAddr + newLen, last.prot(), last.shared(), "", 0,
                        Region.Origin.ZERO, null, 0, 0, at, 0)));
            }
            return;
        }
        // Moved: the new place's bytes are reported as kernel writes, so the index reads them there.
        changed(at, p.pid, p.map.unmap(oldAddr, oldAddr + oldLen));
        int prot = old.isEmpty() ? 3 : old.get(0).prot();
        boolean shared = !old.isEmpty() && old.get(0).shared();
        String path = old.isEmpty() ? "" : old.get(0).path();
        long offset = old.isEmpty() ? 0 : old.get(0).fileOffset();
        changed(at, p.pid, p.map.map(new Region(newAddr, newAddr + newLen, prot, shared, path, offset,
                Region.Origin.ZERO, null, 0, 0, at, 0)));
        byte[] zero = new byte[KERNEL_WRITE_ROW];
        for (long addr = newAddr; addr < newAddr + Math.min(oldLen, newLen); addr += KERNEL_WRITE_ROW) {
            byte[] moved = p.emu.read(addr, KERNEL_WRITE_ROW);
            if (!Arrays.equals(moved, zero)) listener.kernelWrite(at, p.pid, t.tid, rip, addr, zero, moved);
        }
    }

    private void brk(Process p, long result, long at) {
        if (p.brk == null) {
            p.brk = result; // the first call (brk(0)) says where the heap starts
            return;
        }
        long from = pageUp(p.brk), to = pageUp(result);
        if (to > from) {
            p.emu.map(from, to - from, 3);
            changed(at, p.pid, p.map.map(new Region(from, to, 3, false, "[heap]", 0, Region.Origin.ZERO, null, 0, 0, at, 0)));
        } else if (to < from) {
            p.emu.unmap(to, from - to);
            changed(at, p.pid, p.map.unmap(to, from));
        }
        p.brk = result;
    }

    /** madvise(DONTNEED): private anonymous pages read back as zero (private file pages come back as recorded writes). */
    private void zeroAnonymous(Task t, long from, long to, long at, long rip) {
        Process p = t.process;
        byte[] zero = new byte[KERNEL_WRITE_ROW];
        for (Region r : p.map.overlapping(from, to)) {
            if (r.shared() || (r.path().startsWith("/") && r.origin() != Region.Origin.ZERO)) continue;
            for (long addr = r.start(); addr < r.end(); addr += KERNEL_WRITE_ROW) {
                byte[] before = p.emu.read(addr, KERNEL_WRITE_ROW);
                if (Arrays.equals(before, zero)) continue;
                p.emu.write(addr, zero);
                listener.kernelWrite(at, p.pid, t.tid, rip, addr, before, zero);
            }
        }
    }

    private void kernelWrites(long at, Process p, int tid, long rip, List<MemoryWrite> writes) {
        for (MemoryWrite w : writes) {
            byte[] bytes;
            try {
                bytes = w.inline() ? w.bytes() : readBlob(w.blob());
            } catch (IOException e) {
                throw new TraceFormatException("cannot read blob " + w.blob() + ": " + e.getMessage(), e);
            }
            for (int off = 0; off < bytes.length; off += KERNEL_WRITE_ROW) {
                int n = Math.min(KERNEL_WRITE_ROW, bytes.length - off);
                long addr = w.address() + off;
                byte[] piece = Arrays.copyOfRange(bytes, off, off + n);
                byte[] before;
                try {
                    before = p.emu.read(addr, n);
                    p.emu.write(addr, piece);
                } catch (EmuException e) {
                    throw divergence(current, rip, String.format("the kernel wrote %d bytes at 0x%x, which the replay has not mapped", n, addr));
                }
                listener.kernelWrite(at, p.pid, tid, rip, addr, before, piece);
            }
        }
    }

    private byte[] readBlob(String hash) throws IOException {
        try (InputStream in = trace.openBlob(hash)) {
            return in.readAllBytes();
        }
    }

    private void rdtsc(TraceEvent.Rdtsc r) {
        Task t = task(r.tid());
        switchTo(t);
        runTo(t, new Target(Stop.Reason.NONDET, r.rip(), null, (r.rdtscp() ? "rdtscp" : "rdtsc") + " at 0x" + Long.toHexString(r.rip())));
        long[] regs = t.process.emu.regs();
        regs[Registers.RAX] = r.tsc() & 0xFFFFFFFFL;
        regs[Registers.RDX] = r.tsc() >>> 32;
        if (r.rdtscp()) regs[Registers.RCX] = r.aux() & 0xFFFFFFFFL;
        regs[Registers.RIP] = r.rip() + (r.rdtscp() ? 3 : 2);
        t.process.emu.retire(regs);
    }

    private void reach(Task t, long[] fingerprint, String what) {
        switchTo(t);
        if (Registers.sameFingerprint(t.process.emu.regs(), fingerprint)) return;
        runTo(t, new Target(Stop.Reason.FINGERPRINT, 0, fingerprint, what + " at 0x" + Long.toHexString(fingerprint[Registers.RIP])));
    }

    private void signal(TraceEvent.Signal sg) {
        Task t = task(sg.tid());
        reach(t, sg.deliveryRegs(), "signal " + sg.signo());
        long at = step - 1;
        listener.signal(at, t.process.pid, t.tid, sg);
        if (sg.disposition() == TraceEvent.Disposition.HANDLER) {
            kernelWrites(at, t.process, t.tid, sg.deliveryRegs()[Registers.RIP], sg.frame());
            t.process.emu.setFpregs(sg.handlerFpregs());
            t.process.emu.setRegsAt(sg.handlerRegs(), at);
        }
    }

    private void preempt(TraceEvent.Preempt pr) {
        reach(task(pr.tid()), pr.regs(), "the switch point");
    }

    private static long pageUp(long n) {
        return (n + PAGE - 1) & -PAGE;
    }
}
