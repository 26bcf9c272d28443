package dev.omniscope.server.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.omniscope.indexer.index.Tables;
import dev.omniscope.indexer.query.Locator;
import dev.omniscope.server.index.PackedRegisters;

/**
 * The server's {@link Locator.Moments}: index lookups in the trace's partitions. The block at a
 * step is one backward descent of the blocks' step index; registers one descent per register of
 * the (tid, reg, first_step) index and a decode of that run; the call stack walks down the
 * (tid, depth, call_step) index one depth at a time while the calls it finds are open, plus the
 * calls that never returned.
 */
final class PgMoments implements Locator.Moments {
    /** Every register id reg_changes can hold (docs/index-format.md): 0..26, xmm 32..47, mxcsr 48. */
    private static final String REGISTER_IDS;

    static {
        StringBuilder sb = new StringBuilder("{");
        for (int r = 0; r < 64; r++) sb.append(r == 0 ? "" : ",").append(r);
        REGISTER_IDS = sb.append('}').toString();
    }

    private final TraceIndex index;

    PgMoments(TraceIndex index) {
        this.index = index;
    }

    @Override
    public long instructions() {
        return index.instructions;
    }

    @Override
    public Locator.Block blockAt(long step) {
        List<Locator.Block> found = index.jdbc.query("select step, pid, tid, rip, instructions from " + index.table(Tables.BLOCKS)
                        + " where step <= ? order by step desc limit 1",
                (rs, n) -> new Locator.Block(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getLong(4), rs.getInt(5)), step);
        if (found.isEmpty()) return null;
        Locator.Block b = found.get(0);
        return step < b.step() + b.instructions() ? b : null;
    }

    @Override
    public Map<Integer, long[]> registers(int tid, long step) {
        Map<Integer, long[]> regs = new TreeMap<>();
        index.jdbc.query("select r.reg, x.first_step, x.changes, x.step, x.value, x.value_hi from unnest(?::smallint[]) r(reg) "
                        + "cross join lateral (select first_step, changes, step, value, value_hi from " + index.table(Tables.REG_CHANGES)
                        + " c where c.tid = ? and c.reg = r.reg and c.first_step < ? order by c.first_step desc limit 1) x",
                rs -> {
                    long[] v = PackedRegisters.lastBefore(rs.getLong(2), rs.getBytes(4), rs.getBytes(5), rs.getBytes(6), rs.getInt(3), step);
                    if (v != null) regs.put((int) rs.getShort(1), v);
                }, REGISTER_IDS, tid, step);
        return regs;
    }

    @Override
    public int pidOf(int tid, long step) {
        return Locator.pidOf(index.tasks, tid, step);
    }

    @Override
    public List<Locator.OpenCall> openCalls(int tid, long step) {
        String calls = index.table(Tables.CALLS);
        String columns = PgRow.select(Tables.CALLS, "c");
        List<Locator.OpenCall> open = new ArrayList<>();
        index.jdbc.query("with recursive chain as ("
                        + "(select " + columns + " from " + calls + " c where c.tid = ? and c.depth = 0 and c.call_step < ? "
                        + "order by c.call_step desc limit 1) "
                        + "union all "
                        + "select " + PgRow.select(Tables.CALLS, "n") + " from chain p cross join lateral (select " + columns + " from " + calls
                        + " c where c.tid = ? and c.depth = p.depth + 1 and c.call_step < ? order by c.call_step desc limit 1) n "
                        + "where p.return_step is null or p.return_step >= ?) "
                        + "select * from chain where return_step is null or return_step >= ? "
                        + "union "
                        + "select " + columns + " from " + calls + " c where c.tid = ? and c.return_step is null and c.call_step < ?",
                rs -> {
                    open.add(Locator.openCall(new PgRow(Tables.CALLS, rs)));
                }, tid, step, tid, step, step, step, tid, step);
        return open;
    }

    @Override
    public List<Locator.Block> blocks(int tid, long step, boolean forward, int limit) {
        return index.jdbc.query("select step, pid, tid, rip, instructions from " + index.table(Tables.BLOCKS) + " where tid = ? and step "
                        + (forward ? ">= ? order by step" : "<= ? order by step desc") + " limit ?",
                (rs, n) -> new Locator.Block(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getLong(4), rs.getInt(5)), tid, step, limit);
    }

    @Override
    public Locator.OpenCall call(int tid, int depth, long step, boolean forward) {
        List<Locator.OpenCall> found = index.jdbc.query("select " + PgRow.select(Tables.CALLS, "c") + " from " + index.table(Tables.CALLS)
                        + " c where c.tid = ? and c.depth = ? and c.call_step " + (forward ? ">= ? order by c.call_step" : "<= ? order by c.call_step desc")
                        + " limit 1",
                (rs, n) -> Locator.openCall(new PgRow(Tables.CALLS, rs)), tid, depth, step);
        return found.isEmpty() ? null : found.get(0);
    }
}
