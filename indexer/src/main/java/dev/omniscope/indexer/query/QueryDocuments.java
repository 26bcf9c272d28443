package dev.omniscope.indexer.query;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The documents {@link QueryableTrace} answers with, besides {@link HistoryEntry},
 * {@link CallEntry} and {@link Location}: pages around them, memory, registers, system calls,
 * symbols, the timeline. The server returns them as they are, and the command line prints them
 * with --json. Addresses and register values are "0x..." strings, bytes lowercase hex in memory
 * order.
 */
public final class QueryDocuments {
    private QueryDocuments() {}

    /**
     * A page of a history: the watched range, its writes in step order, and the cursor of the next
     * page (null on the last).
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record HistoryPage(String addr, int len, String symbol, List<HistoryEntry> entries, String next) {}

    /** An unmapped piece of a memory read. */
    public record Unmapped(String addr, int len) {}

    /**
     * Memory of a process at a step (before its instruction): {@code bytes} in hex, unmapped bytes
     * as 00 and listed in {@code unmapped}.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Memory(long step, int pid, String addr, int len, String bytes, List<Unmapped> unmapped) {}

    /** A task's registers at a step: the Location document's registers. */
    public record Registers(long step, int pid, int tid, boolean running, java.util.Map<String, String> registers) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record CallsPage(List<CallEntry> calls, String next) {}

    /** A system call: {@code result} is the signed return value (null for exit and exit_group). */
    public record Syscall(long step, int pid, int tid, int number, String name, List<String> args, Long result, String rip) {
        /** A syscalls row as the document. */
        public static Syscall of(TableRow r) {
            List<String> args = new java.util.ArrayList<>();
            for (int a = 0; a < 6; a++) args.add(History.hex(r.i64(r.column("arg" + a))));
            return new Syscall(r.i64(r.column("step")), r.i32(r.column("pid")), r.i32(r.column("tid")), r.i32(r.column("number")),
                    r.string(r.column("name")), args, r.nullableI64(r.column("result")), History.hex(r.i64(r.column("rip"))));
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SyscallsPage(List<Syscall> syscalls, String next) {}

    /** A function or a variable: where it is and how big. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Symbol(String name, String kind, String addr, long size, String type, String module) {}

    public record Symbols(List<Symbol> symbols) {}

    /** The steps [from, to) of a timeline bucket: who ran, and what began there. */
    public record Bucket(long from, long to, List<TaskSlice> tasks, long syscalls, long signals, long calls) {}

    public record TaskSlice(int tid, int pid, long instructions) {}

    public record Timeline(long instructions, List<Bucket> buckets) {}
}
