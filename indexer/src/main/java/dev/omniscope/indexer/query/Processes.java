package dev.omniscope.indexer.query;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.omniscope.common.WaitStatus;
import dev.omniscope.trace.EventStreamReader;
import dev.omniscope.trace.TraceEvent;

/**
 * The processes of a trace, in order of appearance (docs/api.md, "Processes"): who forked each
 * and at which step, the programs it ran (with their argv) from which step, its threads' lifetimes,
 * how it ended. From the index's tasks table (one row per thread per program, with steps) and
 * system calls: the argv of a program an execve started is read from the exec'ing process's memory
 * at the execve (its second argument), the first program's from the trace's first exec event. What
 * {@code omni info} lists from the events alone (core's TraceSummary), with the steps.
 */
public final class Processes {
    private static final int MAX_ARGS = 4096, MAX_STRING = 1 << 16, MAX_ARGV_BYTES = 1 << 20;

    /** A program a process ran from {@code step}: its path and arguments. */
    public record Program(String path, List<String> argv, long step) {}

    /** A thread of a process: the steps it began and ended at ({@code end} null: alive at the end of the trace). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Thread(int tid, long start, Long end) {}

    /**
     * A process: its parent (null for the first), the fork (the parent thread's fork, clone or vfork
     * system call instruction: its step and thread), its first and last steps ({@code end} null:
     * alive at the end of the trace), how it ended ({@code exit}: "exited with status 0", "killed by
     * SIGSEGV"; with {@code exitCode} or {@code signal}; all null while alive), its programs and threads.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Process(int pid, Integer parent, Long forkStep, Integer forkTid, long start, Long end, String exit, Integer exitCode,
                          String signal, List<Program> programs, List<Thread> threads) {}

    public record ProcessList(List<Process> processes) {}

    private Processes() {}

    /** The processes of {@code trace}, in the order they appeared. */
    public static ProcessList of(QueryableTrace trace) throws IOException {
        List<Locator.Task> rows = Locator.byStart(trace.tasks());
        Map<Integer, List<Locator.Task>> byPid = new LinkedHashMap<>();
        for (Locator.Task r : rows) byPid.computeIfAbsent(r.pid(), k -> new ArrayList<>()).add(r);
        Map<Integer, Process> done = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<Locator.Task>> e : byPid.entrySet()) {
            done.put(e.getKey(), process(trace, rows, e.getValue(), done));
        }
        return new ProcessList(List.copyOf(done.values()));
    }

    private static Process process(QueryableTrace trace, List<Locator.Task> all, List<Locator.Task> rows, Map<Integer, Process> before)
            throws IOException {
        Locator.Task first = rows.get(0);
        int pid = first.pid();
        Integer forkTid = first.parentTid();
        Integer parent = null;
        Long forkStep = null;
        if (forkTid != null) {
            int p = Locator.pidOf(trace.tasks(), forkTid, first.startStep());
            parent = p < 0 ? null : p;
            forkStep = first.startStep();
        }
        List<Program> programs = new ArrayList<>();
        Process parentProcess = parent == null ? null : before.get(parent);
        if (parentProcess != null) {
            // a forked child runs its parent's program, as it was at the fork
            Program running = null;
            for (Program p : parentProcess.programs()) if (p.step() <= first.startStep()) running = p;
            programs.add(new Program(first.program(), running != null ? running.argv() : List.of(first.program()), first.startStep()));
        } else {
            programs.add(new Program(first.program(), firstArgv(trace, first), Math.max(0, first.startStep())));
        }
        Map<Integer, Locator.Task> last = new LinkedHashMap<>();
        Map<Integer, Long> threadStarts = new LinkedHashMap<>();
        for (Locator.Task r : rows) {
            Locator.Task previous = last.put(r.tid(), r);
            if (Locator.continues(previous, r)) {
                programs.add(new Program(r.program(), execArgv(trace, r), r.startStep()));
            } else if (!threadStarts.containsKey(r.tid())) {
                threadStarts.put(r.tid(), r.startStep());
            }
        }
        List<Thread> threads = new ArrayList<>();
        Long end = 0L;
        Locator.Task ending = null;
        for (Map.Entry<Integer, Long> t : threadStarts.entrySet()) {
            Locator.Task l = last.get(t.getKey());
            threads.add(new Thread(t.getKey(), Math.max(0, t.getValue()), l.endStep()));
            if (end != null && l.endStep() == null) end = null;
            if (end != null && l.endStep() >= end) {
                end = l.endStep();
                ending = l;
            }
        }
        String exit = null, signal = null;
        Integer code = null;
        if (end != null && ending != null && ending.waitStatus() != null) {
            WaitStatus s = new WaitStatus(ending.waitStatus());
            exit = s.toString();
            if (s.exited()) code = s.exitCode();
            if (s.killedBySignal()) signal = WaitStatus.signalName(s.termSignal());
        }
        // the first task's row starts at -1 (its state before the first instruction): it runs from step 0
        return new Process(pid, parent, forkStep, forkTid, Math.max(0, first.startStep()), end, exit, code, signal, programs, threads);
    }

    /** The arguments of the recording's first program: its exec event's, else the recorded command. */
    private static List<String> firstArgv(QueryableTrace trace, Locator.Task first) throws IOException {
        try (EventStreamReader events = trace.trace().events()) {
            for (Iterator<TraceEvent> it = events; it.hasNext(); ) {
                TraceEvent e = it.next();
                if (e instanceof TraceEvent.Exec x) return x.pid() == first.pid() ? List.copyOf(x.argv()) : trace.trace().header().command();
            }
        }
        return trace.trace().header().command();
    }

    /**
     * The arguments of the program an exec started in row {@code r}'s thread at its start step: the
     * execve's (or execveat's) argv, read from the process's memory before the call; else the path alone.
     */
    private static List<String> execArgv(QueryableTrace trace, Locator.Task r) throws IOException {
        for (QueryDocuments.Syscall s : trace.store().syscalls(r.startStep(), r.startStep(), null, 64)) {
            if (s.tid() != r.tid() || !(s.name().equals("execve") || s.name().equals("execveat"))) continue;
            long argv = Long.parseUnsignedLong(s.args().get(s.name().equals("execve") ? 1 : 2).substring(2), 16);
            List<String> args = strings(trace.memory(), s.pid(), argv, s.step());
            if (args != null) return args;
        }
        return List.of(r.program());
    }

    /** The strings of a null-terminated array of string pointers at {@code array}, as memory was at {@code step}; null when unreadable. */
    private static List<String> strings(MemoryView memory, int pid, long array, long step) throws IOException {
        if (array == 0) return List.of();
        List<String> out = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < MAX_ARGS; i += 64) {
            MemoryView.Bytes b = memory.read(pid, array + 8L * i, 8 * 64, step);
            ByteBuffer words = ByteBuffer.wrap(b.data()).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < 64; k++) {
                if (!b.mapped()[8 * k]) return out.isEmpty() ? null : out;
                long p = words.getLong(8 * k);
                if (p == 0) return out;
                String s = string(memory, pid, p, step);
                if (s == null) return out.isEmpty() ? null : out;
                out.add(s);
                total += s.length();
                if (total > MAX_ARGV_BYTES) return out;
            }
        }
        return out;
    }

    /** A NUL-terminated string at {@code address}, as UTF-8 (at most 64 KiB); null when its first byte is unmapped. */
    static String string(MemoryView memory, int pid, long address, long step) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int n = 0; n < MAX_STRING; n += 256) {
            MemoryView.Bytes b = memory.read(pid, address + n, 256, step);
            for (int i = 0; i < 256; i++) {
                if (!b.mapped()[i]) return n == 0 && i == 0 ? null : bytes.toString(StandardCharsets.UTF_8);
                if (b.data()[i] == 0) return bytes.toString(StandardCharsets.UTF_8);
                bytes.write(b.data()[i]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
