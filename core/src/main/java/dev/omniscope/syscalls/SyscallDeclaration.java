package dev.omniscope.syscalls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/** The little language of the syscall table: one call's declaration, built up rule by rule. */
final class SyscallDeclaration {
    final int number;
    final String name;
    private final List<String> argNames;
    private final List<Output> outputs = new ArrayList<>();
    private Predicate<SyscallCall> blocks = SyscallTable.NEVER;
    private ReplayAction replay = ReplayAction.EMULATE;
    private Refusal refusal;
    private final List<ArgRewrite> rewrites = new ArrayList<>();
    private int clearChildTidArg = -1;
    private Function<SyscallCall, CloneArgs> newTask;

    SyscallDeclaration(int number, String name, String args) {
        this.number = number;
        this.name = name;
        this.argNames = args.isBlank() ? List.of() : Arrays.stream(args.split(",")).map(String::trim).toList();
    }

    Syscall build() {
        return new Syscall(number, name, argNames, List.copyOf(outputs), blocks, replay, refusal, List.copyOf(rewrites),
                clearChildTidArg, newTask, true);
    }

    SyscallDeclaration out(Output... o) {
        outputs.addAll(List.of(o));
        return this;
    }

    SyscallDeclaration blocks() {
        blocks = c -> true;
        return this;
    }

    SyscallDeclaration blocksWhen(Predicate<SyscallCall> p) {
        blocks = p;
        return this;
    }

    SyscallDeclaration replay(ReplayAction a) {
        replay = a;
        return this;
    }

    /** Every call of the number is refused. */
    SyscallDeclaration refuse(int errno) {
        return refuse(Refusal.always(errno));
    }

    SyscallDeclaration refuse(Refusal r) {
        refusal = r;
        return this;
    }

    /** The kernel gets {@code to} as argument {@code arg} where the program passed {@code from}. */
    SyscallDeclaration rewrite(int arg, long from, long to) {
        rewrites.add(new ArgRewrite(arg, from, to));
        return this;
    }

    /** Argument {@code arg} becomes the caller's clear_child_tid address. */
    SyscallDeclaration setsClearChildTid(int arg) {
        clearChildTidArg = arg;
        return this;
    }

    /** A task appears, as {@code args} says: the replay's CLONE, and the parent's writes (pidfd, parent_tid). */
    SyscallDeclaration createsTask(Function<SyscallCall, CloneArgs> args) {
        newTask = args;
        replay = ReplayAction.CLONE;
        outputs.add((call, regions) -> args.apply(call).parentWrites(regions));
        return this;
    }
}
