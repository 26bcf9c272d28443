package dev.omniscope.indexer.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.omniscope.indexer.emu.Emulator;
import dev.omniscope.indexer.index.IndexTable;
import dev.omniscope.trace.Registers;

/** Builds a {@link Location}: which task runs at a step, where, with what registers and call stack. */
public final class Locator {
    private static final int CONTEXT_AFTER = 6;

    /** Thrown for a step or task the index does not have; the message is for people. */
    public static final class NotFound extends RuntimeException {
        public NotFound(String message) {
            super(message);
        }
    }

    private Locator() {}

    /** A block of the blocks table: {@code instructions} steps from {@code step}, starting at {@code rip}. */
    public record Block(long step, int pid, int tid, long rip, int instructions) {}

    /**
     * A call open at a step (a calls row, with what a frame shows); {@code returnStep} null if it
     * never returned; {@code sp} the stack pointer after the call (where the return address is),
     * null when not known.
     */
    public record OpenCall(int depth, long callStep, Long returnStep, String function, long callSite, List<String> args, Long sp) {}

    /**
     * A task's lifetime per program, a row of the tasks table: which process a thread belongs to
     * when, the thread that made it ({@code parentTid}, null for the first), {@code kind} (thread,
     * process, vfork), the program it ran, and how it ended ({@code waitStatus}: null while alive,
     * and when its program was replaced by an exec).
     */
    public record Task(int tid, int pid, Integer parentTid, String kind, String program, long startStep, Long endStep, Integer waitStatus) {}

    /**
     * What the index answers about a moment: {@link QueryableTrace}'s answers from its
     * {@link IndexStore}. {@link #locate} and {@link Stepper} build on these.
     */
    public interface Moments {
        /** Steps in the index: it covers [0, instructions). */
        long instructions();

        /** The block whose instructions include {@code step}, or null. */
        Block blockAt(long step) throws IOException;

        /** The last value of each register (id) of {@code tid} before {@code step}: [value, high half]. */
        Map<Integer, long[]> registers(int tid, long step) throws IOException;

        /** The process of {@code tid} at {@code step}, or -1. */
        int pidOf(int tid, long step) throws IOException;

        /** The calls of {@code tid} with call_step < step and (return_step null or ≥ step), in any order. */
        List<OpenCall> openCalls(int tid, long step) throws IOException;

        /**
         * Up to {@code limit} blocks of {@code tid}: {@code forward}, those starting at or after
         * {@code step}, in step order; else those starting at or before it, the latest first.
         */
        List<Block> blocks(int tid, long step, boolean forward, int limit) throws IOException;

        /**
         * The call of {@code tid} at {@code depth}: {@code forward}, the first with call_step ≥
         * {@code step}; else the last with call_step ≤ {@code step}; null when there is none.
         */
        OpenCall call(int tid, int depth, long step, boolean forward) throws IOException;
    }

    /** The tasks table's rows, for {@link #pidOf(List, int, long)}. */
    public static List<Task> tasks(TableSource tables) throws IOException {
        List<Task> tasks = new ArrayList<>();
        tables.scan(IndexTable.TASKS, r -> {
            tasks.add(new Task(r.i32(r.column("tid")), r.i32(r.column("pid")), r.nullableI32(r.column("parent_tid")),
                    r.string(r.column("kind")), r.string(r.column("program")), r.i64(r.column("start_step")),
                    r.nullableI64(r.column("end_step")), r.nullableI32(r.column("wait_status"))));
            return true;
        });
        return tasks;
    }

    /** The tasks rows in the order they started (stably: rows of one step keep the table's order). */
    public static List<Task> byStart(List<Task> tasks) {
        List<Task> sorted = new ArrayList<>(tasks);
        sorted.sort(Comparator.comparingLong(Task::startStep));
        return sorted;
    }

    /**
     * Whether row {@code next} of a thread continues its row {@code before}: an exec replaced the
     * program (the old row closed at the new one's start, with no status), the same task.
     */
    public static boolean continues(Task before, Task next) {
        return before != null && before.tid() == next.tid() && before.waitStatus() == null && before.endStep() != null
                && before.endStep() == next.startStep();
    }

    /** The rows that begin a task (a thread or process), in start order: those that continue one after an exec left out. */
    public static List<Task> taskStarts(List<Task> tasks) {
        List<Task> starts = new ArrayList<>();
        Map<Integer, Task> last = new java.util.HashMap<>();
        for (Task r : byStart(tasks)) {
            if (!continues(last.put(r.tid(), r), r)) starts.add(r);
        }
        return starts;
    }

    /** The process of {@code tid} at {@code step} (the last tasks row of that thread live then), or -1. */
    public static int pidOf(List<Task> tasks, int tid, long step) {
        int pid = -1;
        for (Task t : tasks) {
            if (t.tid() == tid && t.startStep() < step && (t.endStep() == null || step <= t.endStep() + 1)) pid = t.pid();
        }
        return pid;
    }

    /** The process thread {@code tid} belongs to at {@code step}, from its first step on; -1 when it is not alive then. */
    public static int processAlive(List<Task> tasks, int tid, long step) {
        int pid = -1;
        for (Task t : tasks) {
            if (t.tid() == tid && t.startStep() <= step && (t.endStep() == null || step <= t.endStep() + 1)) pid = t.pid();
        }
        return pid;
    }

    /** A calls row as an open call. */
    public static OpenCall openCall(TableRow r) {
        List<String> args = new ArrayList<>();
        for (int a = 0; a < 6; a++) args.add(History.hex(r.i64(r.column("arg" + a))));
        return new OpenCall(r.i32(r.column("depth")), r.i64(r.column("call_step")), r.nullableI64(r.column("return_step")),
                r.string(r.column("function")),
                r.i64(r.column("call_site")), args, r.i64(r.column("sp")));
    }

    /** A call as an open call. */
    public static OpenCall openCall(CallEntry c) {
        return new OpenCall(c.depth(), c.callStep(), c.returnStep(), c.function(), Long.parseUnsignedLong(c.callSite().substring(2), 16),
                c.args(), null);
    }

    /** A task at a step: its process, whether it runs the step's instruction, where it is, its registers (ids, [value, high]). */
    public record TaskState(long step, int pid, int tid, boolean running, long rip, Map<Integer, long[]> registers, Block block) {}

    /** The state of task {@code tid} (null: the one running) at {@code step}; {@link NotFound} when there is none. */
    public static TaskState state(Moments index, MemoryView memory, long step, Integer tid) throws IOException {
        long end = index.instructions();
        if (step < 0 || step >= Math.max(end, 1)) {
            throw new NotFound("step " + step + " is outside the trace (steps 0 to " + Math.max(end - 1, 0) + ")");
        }
        Block running = index.blockAt(step);
        int task = tid != null ? tid : running != null ? running.tid() : -1;
        if (task < 0) throw new NotFound("no task runs at step " + step);
        Map<Integer, long[]> regs = index.registers(task, step);
        if (regs.isEmpty()) throw new NotFound("task " + task + " does not exist at step " + step);
        int pid = index.pidOf(task, step);
        if (pid < 0) throw new NotFound("task " + task + " does not exist at step " + step);
        boolean isRunning = running != null && running.tid() == task;
        long rip;
        if (isRunning) {
            rip = decode(memory, pid, running, step, null);
        } else {
            long[] r = regs.get(Registers.RIP);
            rip = r == null ? 0 : r[0];
        }
        return new TaskState(step, pid, task, isRunning, rip, regs, isRunning ? running : null);
    }

    public static Location locate(Moments index, MemoryView memory, Symbolizer symbols, long step, Integer tid) throws IOException {
        TaskState state = state(index, memory, step, tid);
        int task = state.tid(), pid = state.pid();
        Map<Integer, long[]> regs = state.registers();
        boolean isRunning = state.running();
        List<Location.Instruction> listing = new ArrayList<>();
        long rip = state.rip();
        if (isRunning) {
            decode(memory, pid, state.block(), step, listing);
        } else {
            decodeFrom(memory, pid, rip, step, rip, listing);
        }
        Map<String, String> named = new LinkedHashMap<>();
        for (int r = 0; r < Registers.COUNT; r++) {
            if (r == Registers.ORIG_RAX || r == Registers.CS || r == Registers.SS || r >= Registers.DS) continue;
            long value = r == Registers.RIP ? rip : regs.containsKey(r) ? regs.get(r)[0] : 0;
            named.put(Registers.NAMES.get(r), History.hex(value));
        }
        for (int x = 0; x < Registers.XMM_COUNT; x++) {
            long[] v = regs.get(Registers.XMM0 + x);
            if (v != null) named.put("xmm" + x, String.format("0x%016x%016x", v[1], v[0]));
        }
        if (regs.containsKey(Registers.MXCSR)) named.put(Registers.name(Registers.MXCSR), History.hex(regs.get(Registers.MXCSR)[0]));
        Symbolizer.Place place = symbols.place(pid, rip, step);
        List<Location.Frame> frames = new ArrayList<>();
        for (OpenCall c : index.openCalls(task, step)) {
            Symbolizer.Place at = symbols.place(pid, c.callSite(), step);
            frames.add(new Location.Frame(c.depth(), c.callStep(), c.function(), History.hex(c.callSite()),
                    at.function(), at.file(), at.line(), c.args()));
        }
        frames.sort(Comparator.comparingLong(Location.Frame::callStep));
        return new Location(step, pid, task, isRunning, History.hex(rip), place.function(), place.file(), place.line(),
                listing, named, frames);
    }

    /** Decodes the running block up to the instruction at {@code step} and a few after (into {@code out}, when not null); returns its rip. */
    private static long decode(MemoryView memory, int pid, Block b, long step, List<Location.Instruction> out) throws IOException {
        long address = b.rip();
        long rip = address;
        int target = (int) (step - b.step());
        int count = out == null ? target + 1 : b.instructions() + CONTEXT_AFTER;
        byte[] code = memory.read(pid, address, 16 * count, step).data();
        int offset = 0;
        for (int i = 0; i < count && offset < code.length - 15; i++) {
            Emulator.Disassembly d = Emulator.disasm(java.util.Arrays.copyOfRange(code, offset, offset + 16), address + offset);
            if (d == null || d.length() <= 0) break;
            if (i == target) rip = address + offset;
            if (out != null) out.add(new Location.Instruction(History.hex(address + offset), d.text(), i == target));
            offset += d.length();
        }
        return rip;
    }

    private static void decodeFrom(MemoryView memory, int pid, long address, long step, long rip, List<Location.Instruction> out)
            throws IOException {
        byte[] code = memory.read(pid, address, 16 * (CONTEXT_AFTER + 1), step).data();
        int offset = 0;
        for (int i = 0; i <= CONTEXT_AFTER && offset < code.length - 15; i++) {
            Emulator.Disassembly d = Emulator.disasm(java.util.Arrays.copyOfRange(code, offset, offset + 16), address + offset);
            if (d == null || d.length() <= 0) break;
            out.add(new Location.Instruction(History.hex(address + offset), d.text(), address + offset == rip));
            offset += d.length();
        }
    }
}
