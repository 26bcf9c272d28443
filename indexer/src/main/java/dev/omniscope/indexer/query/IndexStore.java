package dev.omniscope.indexer.query;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Where a trace's index is stored: the few lookups that depend on the storage, and nothing else.
 * {@link QueryableTrace} answers every query over one of these, the same way for both
 * implementations: {@link ArrowIndex} (an index directory's Arrow files, for the command line)
 * and the server's PostgreSQL partitions. A lookup returns rows; what they mean (documents,
 * names, memory contents, moves) is the queryable trace's.
 *
 * <p>Orders are part of the contract, so that both stores give the same pages: writes in
 * (step, seq), calls in (call_step, tid), system calls in (step, tid), where {@code seq} is a
 * row's position in the index's mem_writes table.
 */
public interface IndexStore extends TableSource, MemoryView.WriteLog {
    /** Steps in the index: it covers [0, instructions). */
    long instructions();

    // ---- memory writes

    /**
     * Which writes overlapping [address, address + length) to list: of process {@code pid} (null:
     * every process), with from ≤ step ≤ to (null: open), strictly after {@code after} in the
     * listing's order ((step, seq); null: from the start), the first {@code limit} of them in
     * (step, seq) order, or the last ones first when {@code descending}.
     */
    record WriteQuery(long address, int length, Integer pid, Long from, Long to, long[] after, boolean descending, int limit) {}

    /** A row of mem_writes with its position in the table. */
    record SeqWrite(History.Write write, long seq) {}

    /** The writes {@code q} asks for, in its order. */
    List<SeqWrite> writes(WriteQuery q) throws IOException;

    // ---- what runs when

    /** The block whose instructions include {@code step}, or null. */
    Locator.Block blockAt(long step) throws IOException;

    /**
     * Up to {@code limit} blocks of {@code tid}: {@code forward}, those starting at or after
     * {@code step}, in step order; else those starting at or before it, the latest first.
     */
    List<Locator.Block> blocks(int tid, long step, boolean forward, int limit) throws IOException;

    /**
     * The first {@code limit}, in step order, of the blocks that start at one of {@code rips}, each
     * with step > its {@code afterSteps} entry: the executions of code addresses begin with these
     * (the executions of a source line).
     */
    List<Locator.Block> blocksAt(long[] rips, long[] afterSteps, int limit) throws IOException;

    /** A block thread ran: its process, address and length, and the first step it ran with them in a window. */
    record BlockShape(int pid, long rip, int instructions, long firstStep) {}

    /** The distinct blocks {@code tid} ran with from ≤ step < to (what a walk over that window must decode), in any order. */
    List<BlockShape> blockShapes(int tid, long from, long to) throws IOException;

    /** The first {@code limit} blocks of {@code tid} with from ≤ step < to that start at one of {@code rips}, in step order. */
    List<Locator.Block> blocksIn(int tid, long from, long to, long[] rips, int limit) throws IOException;

    /** The last value of each register (row id) of {@code tid} before {@code step}: [value, high half, the step of that change]. */
    Map<Integer, long[]> registers(int tid, long step) throws IOException;

    /** The last value of register {@code reg} of {@code tid} before {@code step}: [value, high half, the step of that change], or null. */
    long[] register(int tid, int reg, long step) throws IOException;

    /** Receives register changes. */
    @FunctionalInterface
    interface RegisterChangeVisitor {
        void change(long step, int reg, long value, long high);
    }

    /**
     * Visits the register changes of {@code tid} with from ≤ step < to, of the registers {@code regs}
     * (null: every one), in step order (a step's changes in any order).
     */
    void registerChanges(int tid, long from, long to, int[] regs, RegisterChangeVisitor visitor) throws IOException;

    // ---- calls

    /**
     * Which calls to list: those of one of {@code functions} (exact names; null: any function), of
     * thread {@code tid} (null: any), at {@code depth} (null: any), with from ≤ call_step ≤ to
     * (null: open), strictly after {@code after} = (call_step, tid) in the listing's order; the
     * first {@code limit} in (call_step, tid) order, or the last first when {@code descending}.
     */
    record CallQuery(List<String> functions, Integer tid, Integer depth, Long from, Long to, long[] after, boolean descending,
                     int limit) {}

    List<CallEntry> calls(CallQuery q) throws IOException;

    /** The calls of {@code tid} with call_step < step and (return_step null or ≥ step), in any order. */
    List<Locator.OpenCall> openCalls(int tid, long step) throws IOException;

    /** The distinct function names of the calls table, sorted. */
    List<String> functionNames() throws IOException;

    // ---- system calls, the timeline

    /** System calls with from ≤ step ≤ to (null: open), after {@code after} = (step, tid), the first {@code limit} in (step, tid) order. */
    List<QueryDocuments.Syscall> syscalls(Long from, Long to, long[] after, int limit) throws IOException;

    /** The trace's timeline (counts per slice of the step axis). */
    Timeline timeline() throws IOException;
}
