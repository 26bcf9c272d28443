package dev.omniscope.syscalls;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The semantics of one system call that the recorder and the replay need: its name and argument
 * names, what it writes into the caller's memory, whether it may block (then other threads may run
 * meanwhile), what the replay does with it, and whether the recorder refuses it.
 *
 * @param modeled false for a call the table only names: recorded conservatively (result only),
 *                with a warning in the trace
 */
public record Syscall(int number, String name, List<String> argNames, List<Output> outputs,
                      Predicate<SyscallCall> blocks, ReplayAction replay, int refuseWithErrno, boolean modeled) {

    /** Whether the call may wait for another task or for the outside world (decided on its arguments). */
    public boolean mayBlock(SyscallCall atEntry) {
        return blocks.test(atEntry);
    }

    public boolean refused() {
        return refuseWithErrno != 0;
    }

    /** The regions the kernel wrote for this call; empty unless it succeeded. */
    public List<Output.Region> writtenRegions(SyscallCall call) {
        List<Output.Region> regions = new ArrayList<>();
        if (call.succeeded()) for (Output o : outputs) o.collect(call, regions);
        return regions;
    }

    /** A readable call, e.g. {@code read(fd=3, buf=0x7ffe1000, count=4096)}. */
    public String describe(long[] args) {
        StringBuilder sb = new StringBuilder(name).append('(');
        for (int i = 0; i < argNames.size(); i++) {
            if (i > 0) sb.append(", ");
            long v = args[i];
            sb.append(argNames.get(i)).append('=').append(Math.abs(v) < 4096 ? Long.toString(v) : "0x" + Long.toHexString(v));
        }
        return sb.append(')').toString();
    }
}
