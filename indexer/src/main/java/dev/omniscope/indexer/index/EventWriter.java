package dev.omniscope.indexer.index;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import dev.omniscope.indexer.index.IndexTable.Col;
import dev.omniscope.syscalls.SyscallTable;
import dev.omniscope.trace.Registers;
import dev.omniscope.trace.TraceEvent;

/**
 * The events tables: {@code syscalls} and {@code signals}, a row as each is reported, and
 * {@code tasks}, a row per program a task ran, written when it ends (at the end of the replay for
 * those still running).
 */
final class EventWriter {
    private static final class Syscalls {
        static final IndexTable T = IndexTable.SYSCALLS;
        static final Col<Long> STEP = T.i64("step"), RESULT = T.i64("result"), RIP = T.i64("rip");
        static final List<Col<Long>> ARGS = T.i64s("arg", 6);
        static final Col<Integer> PID = T.i32("pid"), TID = T.i32("tid"), NUMBER = T.i32("number");
        static final Col<String> NAME = T.string("name");
    }

    private static final class Signals {
        static final IndexTable T = IndexTable.SIGNALS;
        static final Col<Long> STEP = T.i64("step"), RIP = T.i64("rip"), HANDLER = T.i64("handler");
        static final Col<Integer> PID = T.i32("pid"), TID = T.i32("tid"), SIGNO = T.i32("signo");
        static final Col<String> DISPOSITION = T.string("disposition");
    }

    private static final class Tasks {
        static final IndexTable T = IndexTable.TASKS;
        static final Col<Integer> TID = T.i32("tid"), PID = T.i32("pid"), PARENT_TID = T.i32("parent_tid"),
                WAIT_STATUS = T.i32("wait_status");
        static final Col<String> KIND = T.string("kind"), PROGRAM = T.string("program");
        static final Col<Long> START_STEP = T.i64("start_step"), END_STEP = T.i64("end_step");
    }

    private record OpenTask(int pid, Integer parent, String kind, String program, long start) {}

    private final TableWriter syscalls, signals, tasks;
    /** Tasks by tid; sorted, so that those still open at the end are written in a stable order. */
    private final Map<Integer, OpenTask> openTasks = new TreeMap<>();

    EventWriter(Function<IndexTable, TableWriter> tables) {
        this.syscalls = tables.apply(Syscalls.T);
        this.signals = tables.apply(Signals.T);
        this.tasks = tables.apply(Tasks.T);
    }

    void syscall(long step, int pid, int tid, TraceEvent.SyscallEnter enter, TraceEvent.SyscallExit exit) {
        syscalls.setLong(Syscalls.STEP, step);
        syscalls.setInt(Syscalls.PID, pid);
        syscalls.setInt(Syscalls.TID, tid);
        syscalls.setInt(Syscalls.NUMBER, enter.number());
        syscalls.setString(Syscalls.NAME, SyscallTable.name(enter.number()));
        for (int a = 0; a < 6; a++) syscalls.setLong(Syscalls.ARGS.get(a), enter.args()[a]);
        syscalls.setNullableLong(Syscalls.RESULT, exit == null ? null : exit.result());
        syscalls.setLong(Syscalls.RIP, enter.rip());
        syscalls.endRow();
    }

    void signal(long step, int pid, int tid, TraceEvent.Signal signal) {
        signals.setLong(Signals.STEP, step);
        signals.setInt(Signals.PID, pid);
        signals.setInt(Signals.TID, tid);
        signals.setInt(Signals.SIGNO, signal.signo());
        signals.setString(Signals.DISPOSITION, signal.disposition().name().toLowerCase());
        signals.setLong(Signals.RIP, signal.deliveryRegs()[Registers.RIP]);
        signals.setNullableLong(Signals.HANDLER, signal.handlerRegs() == null ? null : signal.handlerRegs()[Registers.RIP]);
        signals.endRow();
    }

    /**
     * A task's state was reported: a new task opens its row (running its parent's program, if the
     * parent is known) and true is returned; for a known task (an exec) nothing changes here.
     */
    boolean taskState(long step, int pid, int tid, int parentTid, TraceEvent.TaskKind kind) {
        if (openTasks.containsKey(tid)) return false; // an exec: exec() records the new program
        Integer parent = parentTid == 0 ? null : parentTid;
        String program = parent != null && openTasks.containsKey(parentTid) ? openTasks.get(parentTid).program() : "";
        openTasks.put(tid, new OpenTask(pid, parent, kind.name().toLowerCase(), program, step));
        return true;
    }

    /** One row per program a task ran: the old image's row closes, the new one opens. */
    void exec(long step, int pid, int tid, TraceEvent.Exec exec) {
        OpenTask t = openTasks.get(tid);
        if (t != null) {
            writeTask(tid, t, step, null);
            openTasks.put(tid, new OpenTask(pid, t.parent(), t.kind(), exec.executable(), step));
        } else {
            openTasks.put(tid, new OpenTask(pid, null, "process", exec.executable(), step));
        }
    }

    void taskEnded(long step, int tid, int waitStatus) {
        OpenTask t = openTasks.remove(tid);
        if (t != null) writeTask(tid, t, step, waitStatus);
    }

    /** The end of the replay: the tasks still running live to the end (null end step and status). */
    void finish() {
        for (Map.Entry<Integer, OpenTask> e : openTasks.entrySet()) writeTask(e.getKey(), e.getValue(), null, null);
        openTasks.clear();
    }

    private void writeTask(int tid, OpenTask t, Long endStep, Integer waitStatus) {
        tasks.setInt(Tasks.TID, tid);
        tasks.setInt(Tasks.PID, t.pid());
        tasks.setNullableInt(Tasks.PARENT_TID, t.parent());
        tasks.setString(Tasks.KIND, t.kind());
        tasks.setString(Tasks.PROGRAM, t.program());
        tasks.setLong(Tasks.START_STEP, t.start());
        tasks.setNullableLong(Tasks.END_STEP, endStep);
        tasks.setNullableInt(Tasks.WAIT_STATUS, waitStatus);
        tasks.endRow();
    }
}
