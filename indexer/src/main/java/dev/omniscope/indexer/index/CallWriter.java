package dev.omniscope.indexer.index;

import java.util.List;
import java.util.function.Function;

import dev.omniscope.indexer.emu.TraceBuffers;
import dev.omniscope.indexer.index.IndexTable.Col;
import dev.omniscope.indexer.modules.ModuleMap;

/**
 * The {@code calls} table: the emulator's call and ret rows go through {@link CallStacks}, and each
 * call it closes is written with its target's function named by the writer's module map.
 */
final class CallWriter {
    private static final class Calls {
        static final IndexTable T = IndexTable.CALLS;
        static final Col<Long> CALL_STEP = T.i64("call_step"), RETURN_STEP = T.i64("return_step"),
                CALL_SITE = T.i64("call_site"), TARGET = T.i64("target"), SP = T.i64("sp"),
                RETURN_VALUE = T.i64("return_value");
        static final List<Col<Long>> ARGS = T.i64s("arg", 6);
        static final Col<Integer> PID = T.i32("pid"), TID = T.i32("tid"), DEPTH = T.i32("depth");
        static final Col<String> FUNCTION = T.string("function");
        static final Col<Boolean> UNWOUND = T.bool("unwound");
    }

    private final TableWriter calls;
    private final ModuleMap modules;
    private final CallStacks stacks = new CallStacks(this::write);

    CallWriter(Function<IndexTable, TableWriter> tables, ModuleMap modules) {
        this.calls = tables.apply(Calls.T);
        this.modules = modules;
    }

    /** The calls and rets of one batch of task (pid, tid). */
    void executed(int pid, int tid, TraceBuffers.Control ctl) {
        for (int i = 0; i < ctl.rows(); i++) {
            if (ctl.kind()[i] == TraceBuffers.Control.CALL) {
                long[] args = new long[6];
                for (int a = 0; a < 6; a++) args[a] = ctl.arg(i, a);
                // named now: by the time the call ends, an execve may have unmapped its module
                stacks.call(pid, tid, ctl.step()[i], ctl.rip()[i], ctl.target()[i], modules.function(pid, ctl.target()[i]), ctl.sp()[i], args);
            } else {
                stacks.ret(tid, ctl.step()[i], ctl.sp()[i], ctl.ret()[i]);
            }
        }
    }

    /** A forked child (not a thread) returns from the same calls as its parent. */
    void fork(int parentTid, int childTid, int childPid) {
        stacks.fork(parentTid, childTid, childPid);
    }

    /** The task replaced its program at {@code step} (the execve): its open calls end there, unwound. */
    void replaced(int tid, long step) {
        stacks.replaced(tid, step);
    }

    /** The task ended: its open calls never return. */
    void end(int tid) {
        stacks.end(tid);
    }

    /** The end of the replay: every call still open never returned. */
    void finish() {
        stacks.endAll();
    }

    private void write(CallStacks.Frame f, Long returnStep, Long returnValue, boolean unwound) {
        calls.setLong(Calls.CALL_STEP, f.callStep());
        calls.setNullableLong(Calls.RETURN_STEP, returnStep);
        calls.setInt(Calls.PID, f.pid());
        calls.setInt(Calls.TID, f.tid());
        calls.setInt(Calls.DEPTH, f.depth());
        calls.setLong(Calls.CALL_SITE, f.site());
        calls.setLong(Calls.TARGET, f.target());
        calls.setString(Calls.FUNCTION, f.function());
        calls.setLong(Calls.SP, f.sp());
        for (int a = 0; a < 6; a++) calls.setLong(Calls.ARGS.get(a), f.args()[a]);
        calls.setNullableLong(Calls.RETURN_VALUE, returnValue);
        calls.setBool(Calls.UNWOUND, unwound);
        calls.endRow();
    }
}
