package dev.omniscope.indexer.query;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.omniscope.indexer.index.IndexTable;
import dev.omniscope.trace.Registers;

/**
 * {@link ArrowIndex}'s lookups, each a scan of one Arrow file. The files are in step order but
 * for a few rows (docs/index-format.md: the results of system calls that blocked while other tasks
 * ran come when the call returned; calls are written when they return), so lookups that list rows
 * in order read the whole file and keep the first rows of the order ({@link First}), never the
 * whole table.
 */
final class ArrowLookups {
    private final ArrowIndex index;

    ArrowLookups(ArrowIndex index) {
        this.index = index;
    }

    /** The first {@code limit} items in an order, from items offered in any order: memory bounded by the limit. */
    private static final class First<T> {
        private final Comparator<T> order;
        private final int limit;
        private final List<T> items = new ArrayList<>();

        First(Comparator<T> order, int limit) {
            this.order = order;
            this.limit = limit;
        }

        void offer(T item) {
            items.add(item);
            if (items.size() >= 2 * (long) limit + 1024) trim();
        }

        private void trim() {
            items.sort(order); // stable
            if (items.size() > limit) items.subList(limit, items.size()).clear();
        }

        List<T> list() {
            trim();
            return items;
        }
    }

    private static boolean overlaps(long addr, int size, long start, long end) {
        return Long.compareUnsigned(addr, end) < 0 && Long.compareUnsigned(addr + size, start) > 0;
    }

    List<IndexStore.SeqWrite> writes(IndexStore.WriteQuery q) throws IOException {
        long start = q.address(), end = q.address() + q.length();
        Comparator<IndexStore.SeqWrite> ascending = Comparator.<IndexStore.SeqWrite>comparingLong(w -> w.write().step())
                .thenComparingLong(IndexStore.SeqWrite::seq);
        First<IndexStore.SeqWrite> found = new First<>(q.descending() ? ascending.reversed() : ascending, q.limit());
        long[] seq = {0};
        index.scanBatches(IndexTable.MEM_WRITES, row -> {
            int cStep = row.column("step"), cPid = row.column("pid"), cTid = row.column("tid"), cRip = row.column("rip"),
                    cAddr = row.column("addr"), cSize = row.column("size"), cOld = row.column("old"), cNew = row.column("new"),
                    cKernel = row.column("kernel");
            var steps = row.longVector(cStep);
            var addrs = row.longVector(cAddr);
            int n = row.batchRows();
            long first = seq[0];
            seq[0] += n;
            for (int i = 0; i < n; i++) {
                long a = addrs.get(i);
                // Rows are at most 64 bytes: cheap rejection on the address column alone.
                if (Long.compareUnsigned(a, end) >= 0 || Long.compareUnsigned(a + 64, start) <= 0) continue;
                ArrowIndex.at(row, i);
                int size = row.i32(cSize);
                if (!overlaps(a, size, start, end)) continue;
                long step = steps.get(i);
                if (q.from() != null && step < q.from() || q.to() != null && step > q.to()) continue;
                int pid = row.i32(cPid);
                if (q.pid() != null && pid != q.pid()) continue;
                long s = first + i;
                if (q.after() != null && !follows(step, s, q.after(), q.descending())) continue;
                found.offer(new IndexStore.SeqWrite(new History.Write(step, pid, row.i32(cTid), row.i64(cRip), a, size, row.bytes(cOld),
                        row.bytes(cNew), row.bool(cKernel)), s));
            }
            return true;
        });
        return found.list();
    }

    /** Whether (a, b) comes strictly after {@code after} in ascending order (or before it, descending). */
    private static boolean follows(long a, long b, long[] after, boolean descending) {
        int c = a != after[0] ? Long.compare(a, after[0]) : Long.compare(b, after[1]);
        return descending ? c < 0 : c > 0;
    }

    /** Every write of {@code pid} overlapping the range with since ≤ step < before, applied in (step, table) order. */
    void lastWrites(int pid, long address, int length, long since, long before, MemoryView.WriteVisitor visitor) throws IOException {
        long end = address + length;
        List<Object[]> found = new ArrayList<>();
        index.scanBatches(IndexTable.MEM_WRITES, row -> {
            int cStep = row.column("step"), cPid = row.column("pid"), cAddr = row.column("addr"), cNew = row.column("new");
            var steps = row.longVector(cStep);
            var addrs = row.longVector(cAddr);
            int n = row.batchRows();
            for (int i = 0; i < n; i++) {
                long s = steps.get(i);
                if (s >= before || s < since) continue;
                long a = addrs.get(i);
                // rows are at most 64 bytes long
                if (Long.compareUnsigned(a, end) >= 0 || Long.compareUnsigned(a + 64, address) <= 0) continue;
                ArrowIndex.at(row, i);
                if (row.i32(cPid) != pid) continue;
                found.add(new Object[] {s, a, row.bytes(cNew)});
            }
            return true;
        });
        found.sort(Comparator.comparingLong(w -> (Long) w[0])); // stable: a step's writes keep their order
        for (Object[] w : found) visitor.write((Long) w[0], (Long) w[1], (byte[]) w[2]);
    }

    /** The block whose instructions include {@code step} (blocks are in step order). */
    Locator.Block blockAt(long step) throws IOException {
        Locator.Block[] found = {null};
        index.scanBatches(IndexTable.BLOCKS, index.blockBatch(step, false), row -> {
            var steps = row.longVector(row.column("step"));
            int n = row.batchRows();
            if (n == 0 || steps.get(0) > step) return false;
            if (steps.get(n - 1) + 100_000 < step) return true; // quick skip: this batch ends well before
            for (int i = 0; i < n; i++) {
                long s = steps.get(i);
                if (s > step) return false;
                ArrowIndex.at(row, i);
                int count = row.i32(row.column("instructions"));
                if (step < s + count) {
                    found[0] = new Locator.Block(s, row.i32(row.column("pid")), row.i32(row.column("tid")), row.i64(row.column("rip")), count);
                    return false;
                }
            }
            return true;
        });
        return found[0];
    }

    /** {@link IndexStore#blocks}: from the batch holding {@code step} (blocks are in step order), forwards or back batch by batch. */
    List<Locator.Block> blocks(int tid, long step, boolean forward, int limit) throws IOException {
        List<Locator.Block> found = new ArrayList<>();
        int start = index.blockBatch(step);
        if (forward) {
            index.scanBatches(IndexTable.BLOCKS, start, row -> {
                blockRows(row, tid, step, true, found, limit);
                return found.size() < limit;
            });
            return found;
        }
        for (int b = start; b >= 0 && found.size() < limit; b--) {
            List<Locator.Block> batch = new ArrayList<>();
            index.scanBatches(IndexTable.BLOCKS, b, row -> {
                blockRows(row, tid, step, false, batch, Integer.MAX_VALUE);
                return false;
            });
            for (int i = batch.size() - 1; i >= 0 && found.size() < limit; i--) found.add(batch.get(i));
        }
        return found;
    }

    /** {@link IndexStore#blockShapes}: the window's batches, from the one holding {@code from}. */
    List<IndexStore.BlockShape> blockShapes(int tid, long from, long to) throws IOException {
        Map<List<Long>, IndexStore.BlockShape> found = new java.util.LinkedHashMap<>();
        index.scanBatches(IndexTable.BLOCKS, index.blockBatch(from), row -> {
            List<Locator.Block> batch = new ArrayList<>();
            boolean more = windowRows(row, tid, from, to, null, batch);
            for (Locator.Block b : batch) {
                found.putIfAbsent(List.of((long) b.pid(), b.rip(), (long) b.instructions()),
                        new IndexStore.BlockShape(b.pid(), b.rip(), b.instructions(), b.step()));
            }
            return more;
        });
        return new ArrayList<>(found.values());
    }

    /** {@link IndexStore#blocksIn}. */
    List<Locator.Block> blocksIn(int tid, long from, long to, long[] rips, int limit) throws IOException {
        Set<Long> wanted = new HashSet<>();
        for (long r : rips) wanted.add(r);
        List<Locator.Block> found = new ArrayList<>();
        index.scanBatches(IndexTable.BLOCKS, index.blockBatch(from), row -> windowRows(row, tid, from, to, wanted, found) && found.size() < limit);
        return found.size() > limit ? found.subList(0, limit) : found;
    }

    /** The blocks of {@code tid} in one batch with from ≤ step < to (starting at one of {@code rips}, when not null); false past {@code to}. */
    private static boolean windowRows(ArrowIndex.Row row, int tid, long from, long to, Set<Long> rips, List<Locator.Block> out) {
        var steps = row.longVector(row.column("step"));
        var ripColumn = row.longVector(row.column("rip"));
        int cTid = row.column("tid"), cPid = row.column("pid"), cCount = row.column("instructions");
        int n = row.batchRows();
        for (int i = 0; i < n; i++) {
            long s = steps.get(i);
            if (s < from) continue;
            if (s >= to) return false;
            if (rips != null && !rips.contains(ripColumn.get(i))) continue;
            ArrowIndex.at(row, i);
            if (row.i32(cTid) != tid) continue;
            out.add(new Locator.Block(s, row.i32(cPid), tid, ripColumn.get(i), row.i32(cCount)));
        }
        return true;
    }

    /** The blocks of {@code tid} in one batch starting at or after {@code step} ({@code after}), or at or before it. */
    private static void blockRows(ArrowIndex.Row row, int tid, long step, boolean after, List<Locator.Block> out, int limit) {
        var steps = row.longVector(row.column("step"));
        int cTid = row.column("tid"), cPid = row.column("pid"), cRip = row.column("rip"), cCount = row.column("instructions");
        int n = row.batchRows();
        for (int i = 0; i < n && out.size() < limit; i++) {
            long s = steps.get(i);
            if (after ? s < step : s > step) {
                if (after) continue;
                return;
            }
            ArrowIndex.at(row, i);
            if (row.i32(cTid) != tid) continue;
            out.add(new Locator.Block(s, row.i32(cPid), tid, row.i64(cRip), row.i32(cCount)));
        }
    }

    List<Locator.Block> blocksAt(long[] rips, long[] afterSteps, int limit) throws IOException {
        Map<Long, Long> after = new HashMap<>();
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < rips.length; i++) {
            after.merge(rips[i], afterSteps[i], Math::min);
            earliest = Math.min(earliest, afterSteps[i]);
        }
        long from = earliest;
        List<Locator.Block> found = new ArrayList<>();
        index.scanBatches(IndexTable.BLOCKS, index.blockBatch(from), row -> {
            var steps = row.longVector(row.column("step"));
            var ripColumn = row.longVector(row.column("rip"));
            int n = row.batchRows();
            if (n == 0 || steps.get(n - 1) <= from) return true;
            for (int i = 0; i < n && found.size() < limit; i++) {
                Long a = after.get(ripColumn.get(i));
                if (a == null || steps.get(i) <= a) continue;
                ArrowIndex.at(row, i);
                found.add(new Locator.Block(steps.get(i), row.i32(row.column("pid")), row.i32(row.column("tid")), ripColumn.get(i),
                        row.i32(row.column("instructions"))));
            }
            return found.size() < limit;
        });
        return found;
    }

    /**
     * The last value of each register of {@code tid} before {@code step}: [value, high half]. A
     * thread's rows are in step order (the table as a whole is not quite: see docs/index-format.md),
     * so the scan stops at the thread's first row at or after the step.
     */
    Map<Integer, long[]> registers(int tid, long step) throws IOException {
        Map<Integer, long[]> regs = new TreeMap<>();
        index.scanBatches(IndexTable.REG_CHANGES, row -> {
            var steps = row.longVector(row.column("step"));
            int cTid = row.column("tid"), cReg = row.column("reg"), cValue = row.column("value"), cHi = row.column("value_hi");
            int n = row.batchRows();
            for (int i = 0; i < n; i++) {
                ArrowIndex.at(row, i);
                if (row.i32(cTid) != tid) continue;
                if (steps.get(i) >= step) return false;
                regs.put(row.i16(cReg), new long[] {row.i64(cValue), row.i64(cHi), steps.get(i)});
            }
            return true;
        });
        return regs;
    }

    /** {@link IndexStore#registerChanges}: the thread's rows are in step order, so the scan stops at its first row at or after {@code to}. */
    void registerChanges(int tid, long from, long to, int[] regs, IndexStore.RegisterChangeVisitor visitor) throws IOException {
        boolean[] wanted = new boolean[Registers.MXCSR + 1];
        for (int r = 0; r < wanted.length; r++) wanted[r] = regs == null;
        if (regs != null) for (int r : regs) if (r >= 0 && r < wanted.length) wanted[r] = true;
        index.scanBatches(IndexTable.REG_CHANGES, row -> {
            var steps = row.longVector(row.column("step"));
            int n = row.batchRows();
            if (n == 0 || steps.get(n - 1) < from) return true;
            int cTid = row.column("tid"), cReg = row.column("reg"), cValue = row.column("value"), cHi = row.column("value_hi");
            for (int i = 0; i < n; i++) {
                long s = steps.get(i);
                if (s < from) continue;
                ArrowIndex.at(row, i);
                if (row.i32(cTid) != tid) continue;
                if (s >= to) return false;
                int reg = row.i16(cReg);
                if (reg >= 0 && reg < wanted.length && wanted[reg]) visitor.change(s, reg, row.i64(cValue), row.i64(cHi));
            }
            return true;
        });
    }

    List<CallEntry> calls(IndexStore.CallQuery q) throws IOException {
        Set<String> functions = q.functions() == null ? null : new HashSet<>(q.functions());
        Comparator<CallEntry> ascending = Comparator.comparingLong(CallEntry::callStep).thenComparingInt(CallEntry::tid);
        First<CallEntry> found = new First<>(q.descending() ? ascending.reversed() : ascending, q.limit());
        index.scan(IndexTable.CALLS, r -> {
            if (functions != null && !functions.contains(r.string(r.column("function")))) return true;
            int tid = r.i32(r.column("tid"));
            if (q.tid() != null && tid != q.tid()) return true;
            if (q.depth() != null && r.i32(r.column("depth")) != q.depth()) return true;
            long step = r.i64(r.column("call_step"));
            if (q.from() != null && step < q.from() || q.to() != null && step > q.to()) return true;
            if (q.after() != null && !follows(step, tid, q.after(), q.descending())) return true;
            found.offer(Calls.entry(r));
            return true;
        });
        return found.list();
    }

    List<Locator.OpenCall> openCalls(int tid, long step) throws IOException {
        List<Locator.OpenCall> open = new ArrayList<>();
        index.scan(IndexTable.CALLS, r -> {
            if (r.i32(r.column("tid")) != tid) return true;
            long call = r.i64(r.column("call_step"));
            Long ret = r.nullableI64(r.column("return_step"));
            if (call >= step || (ret != null && ret < step)) return true;
            open.add(Locator.openCall(r));
            return true;
        });
        return open;
    }

    List<String> functionNames() throws IOException {
        TreeSet<String> names = new TreeSet<>();
        index.scan(IndexTable.CALLS, r -> {
            String name = r.string(r.column("function"));
            if (name != null) names.add(name);
            return true;
        });
        return new ArrayList<>(names);
    }

    List<QueryDocuments.Syscall> syscalls(Long from, Long to, long[] after, int limit) throws IOException {
        First<QueryDocuments.Syscall> found = new First<>(
                Comparator.comparingLong(QueryDocuments.Syscall::step).thenComparingInt(QueryDocuments.Syscall::tid), limit);
        index.scan(IndexTable.SYSCALLS, r -> {
            long step = r.i64(r.column("step"));
            if (from != null && step < from || to != null && step > to) return true;
            if (after != null && !follows(step, r.i32(r.column("tid")), after, false)) return true;
            found.offer(QueryDocuments.Syscall.of(r));
            return true;
        });
        return found.list();
    }
}
