package dev.omniscope.syscalls;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The semantics of one system call that the recorder and the replay need: its name and argument
 * names, what it writes into the caller's memory, whether it may block (then other threads may run
 * meanwhile), what the replay does with it, and what the recorder does to it: refuse it, rewrite
 * an argument, note the caller's clear_child_tid address, create a task.
 *
 * @param refusal          when and how the recorder refuses the call; null when it never does
 * @param rewrites         arguments the recorder changes before the kernel sees the call
 * @param clearChildTidArg the argument that becomes the caller's clear_child_tid address
 *                         (set_tid_address), or -1
 * @param newTask          for a call that creates a task, its clone arguments; null otherwise
 * @param modeled          false for a call the table only names: recorded conservatively (result only),
 *                         with a warning in the trace
 */
public record Syscall(int number, String name, List<String> argNames, List<Output> outputs,
                      Predicate<SyscallCall> blocks, ReplayAction replay, Refusal refusal, List<ArgRewrite> rewrites,
                      int clearChildTidArg, Function<SyscallCall, CloneArgs> newTask, boolean modeled) {

    /** Whether the call may wait for another task or for the outside world (decided on its arguments). */
    public boolean mayBlock(SyscallCall atEntry) {
        return blocks.test(atEntry);
    }

    /** The refusal that applies to this call (decided on its arguments at its entry), or null. */
    public Refusal refusalOf(SyscallCall atEntry) {
        return refusal != null && refusal.applies().test(atEntry) ? refusal : null;
    }

    /** The arguments the kernel got: the program's after the recorder's rewrites ({@code args} itself when none applies). */
    public long[] performedArgs(long[] args) {
        long[] performed = args;
        for (ArgRewrite r : rewrites) {
            if (args[r.arg()] != r.from()) continue;
            if (performed == args) performed = args.clone();
            performed[r.arg()] = r.to();
        }
        return performed;
    }

    /** Whether the call sets the caller's clear_child_tid address (to argument {@link #clearChildTidArg}). */
    public boolean setsClearChildTid() {
        return clearChildTidArg >= 0;
    }

    /** For a call that creates a task (clone, clone3, fork, vfork), what it asks for; null for any other call. */
    public CloneArgs cloneArgs(SyscallCall call) {
        return newTask != null ? newTask.apply(call) : null;
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
