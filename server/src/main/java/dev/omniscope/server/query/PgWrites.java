package dev.omniscope.server.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.omniscope.indexer.index.IndexTable;
import dev.omniscope.indexer.query.History;
import dev.omniscope.indexer.query.IndexStore;
import dev.omniscope.indexer.query.MemoryView;

/**
 * {@link PgIndex}'s lookups of a trace's mem_writes partition, through its {@code (addr, size,
 * step)} index.
 *
 * <p>Rows are at most 64 bytes long, so the writes that can overlap [a, a + len) start in
 * (a - 64, a + len). The distinct (addr, size) pairs there are found first ({@link #pairs}: a
 * recursive query, one B-tree descent per pair however many writes each has; kept per trace, the
 * index never changes), then:
 * <ul>
 * <li>a page of history merges the pairs' writes in (step, seq) order: one ordered index scan per
 * pair under a Merge Append, so a page costs about its own rows however many writes the range had
 * before. Past {@link #MERGE_BRANCHES} pairs (a large range full of distinct stores), a lateral
 * join over the pairs and a sort;
 * <li>memory at a step takes, for each pair, one backward descent to its last write before the
 * step: applied in order, these give every byte its last write, since a write at the same
 * (addr, size) is always covered by a later one there.
 * </ul>
 */
final class PgWrites {
    static final int MERGE_BRANCHES = 64;
    private static final String COLUMNS = PgRow.select(IndexTable.MEM_WRITES, "m") + ", m.seq";
    private static final IndexTable W = IndexTable.MEM_WRITES;
    private static final int STEP = W.column("step"), PID = W.column("pid"), TID = W.column("tid"), RIP = W.column("rip"),
            ADDR = W.column("addr"), SIZE = W.column("size"), OLD = W.column("old"), NEW = W.column("new"), KERNEL = W.column("kernel");

    private final JdbcTemplate jdbc;
    private final String table;
    /** (lo, hi) to the (addr, size) pairs of mem_writes between. */
    private final Map<String, List<long[]>> pairs = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<long[]>> eldest) {
            return size() > 4096;
        }
    };

    PgWrites(JdbcTemplate jdbc, String table) {
        this.jdbc = jdbc;
        this.table = table;
    }

    /**
     * The distinct (addr, size) pairs of writes with lo < addr < hi, in order: a walk of the
     * (addr, size, step) index, one descent per pair (an index-only scan).
     */
    private static String pairsQuery(String table) {
        return "with recursive pairs(addr, size) as ("
                + "(select addr, size from " + table + " where addr > ? and addr < ? order by addr, size limit 1) "
                + "union all "
                + "select n.addr, n.size from pairs p cross join lateral (select m.addr, m.size from " + table + " m "
                + "where (m.addr, m.size) > (p.addr, p.size) and m.addr < ? order by m.addr, m.size limit 1) n) "
                + "select addr, size from pairs";
    }

    /** The distinct (addr, size) of writes that can overlap [address, address + length): they start in (address - 64, address + length) and reach address. */
    private List<long[]> pairs(long address, int length) {
        long lo = address < Long.MIN_VALUE + 64 ? Long.MIN_VALUE : address - 64;
        long hi = address > Long.MAX_VALUE - length ? Long.MAX_VALUE : address + length;
        String key = lo + ":" + hi;
        List<long[]> all;
        synchronized (pairs) {
            all = pairs.get(key);
        }
        if (all == null) {
            all = jdbc.query(pairsQuery(table), (rs, n) -> new long[] {rs.getLong(1), rs.getInt(2)}, lo, hi, hi);
            synchronized (pairs) {
                pairs.put(key, all);
            }
        }
        List<long[]> near = new ArrayList<>();
        for (long[] p : all) if (p[0] + p[1] > address) near.add(p);
        return near;
    }

    /** A PostgreSQL array literal of one field of pairs. */
    private static String arrayLiteral(List<long[]> pairs, int field) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < pairs.size(); i++) sb.append(i == 0 ? "" : ",").append(pairs.get(i)[field]);
        return sb.append('}').toString();
    }

    List<IndexStore.SeqWrite> writes(IndexStore.WriteQuery q) {
        List<long[]> near = pairs(q.address(), q.length());
        if (near.isEmpty()) return List.of();
        // conditions every branch shares
        StringBuilder common = new StringBuilder();
        List<Object> commonArgs = new ArrayList<>();
        long[] after = q.after();
        long start = q.from() == null ? Long.MIN_VALUE : q.from();
        long end = q.to() == null ? Long.MAX_VALUE : q.to();
        if (after != null && !q.descending()) start = Math.max(start, after[0]);
        if (after != null && q.descending()) end = Math.min(end, after[0]);
        if (start != Long.MIN_VALUE) {
            common.append(" and m.step >= ?");
            commonArgs.add(start);
        }
        if (after != null) {
            common.append(q.descending() ? " and (m.step < ? or m.seq < ?)" : " and (m.step > ? or m.seq > ?)");
            commonArgs.add(after[0]);
            commonArgs.add(after[1]);
        }
        if (end != Long.MAX_VALUE) {
            common.append(" and m.step <= ?");
            commonArgs.add(end);
        }
        if (q.pid() != null) {
            common.append(" and m.pid = ?");
            commonArgs.add(q.pid());
        }
        String mOrder = q.descending() ? "m.step desc, m.seq desc" : "m.step, m.seq";
        String sql;
        List<Object> args = new ArrayList<>();
        if (near.size() == 1) {
            sql = "select " + COLUMNS + " from " + table + " m where m.addr = ? and m.size = ?" + common + " order by " + mOrder + " limit ?";
            args.add(near.get(0)[0]);
            args.add((int) near.get(0)[1]);
            args.addAll(commonArgs);
        } else if (near.size() <= MERGE_BRANCHES) {
            StringJoiner union = new StringJoiner(" union all ", "select * from (",
                    ") u order by " + (q.descending() ? "step desc, seq desc" : "step, seq") + " limit ?");
            for (long[] p : near) {
                union.add("(select " + COLUMNS + " from " + table + " m where m.addr = ? and m.size = ?" + common
                        + " order by " + mOrder + " limit ?)");
                args.add(p[0]);
                args.add((int) p[1]);
                args.addAll(commonArgs);
                args.add(q.limit());
            }
            sql = union.toString();
        } else {
            sql = "select w.* from unnest(?::bigint[], ?::integer[]) p(addr, size) cross join lateral (select " + COLUMNS + " from "
                    + table + " m where m.addr = p.addr and m.size = p.size" + common + " order by " + mOrder + " limit ?) w "
                    + "order by " + (q.descending() ? "w.step desc, w.seq desc" : "w.step, w.seq") + " limit ?";
            args.add(arrayLiteral(near, 0));
            args.add(arrayLiteral(near, 1));
            args.addAll(commonArgs);
            args.add(q.limit());
        }
        args.add(q.limit());
        return jdbc.query(sql, (rs, n) -> row(rs), args.toArray());
    }

    private static IndexStore.SeqWrite row(java.sql.ResultSet rs) throws java.sql.SQLException {
        PgRow r = new PgRow(IndexTable.MEM_WRITES, rs);
        History.Write w = new History.Write(r.i64(STEP), r.i32(PID), r.i32(TID), r.i64(RIP), r.i64(ADDR), r.i32(SIZE), r.bytes(OLD),
                r.bytes(NEW), r.bool(KERNEL));
        return new IndexStore.SeqWrite(w, rs.getLong(IndexTable.MEM_WRITES.columns().size() + 1));
    }

    private record Found(long step, long seq, long addr, byte[] bytes) {}

    /** For each pair near the range, its last write of {@code pid} with since ≤ step < before; applied in (step, seq) order. */
    void lastWrites(int pid, long address, int length, long since, long before, MemoryView.WriteVisitor visitor) {
        List<long[]> near = pairs(address, length);
        if (near.isEmpty()) return;
        List<Found> found = new ArrayList<>();
        jdbc.query("select w.step, w.seq, w.addr, w.\"new\" from unnest(?::bigint[], ?::integer[]) p(addr, size) cross join lateral "
                        + "(select step, seq, addr, \"new\" from " + table + " m where m.addr = p.addr and m.size = p.size "
                        + "and m.step < ? and m.step >= ? and m.pid = ? order by m.step desc, m.seq desc limit 1) w",
                rs -> {
                    found.add(new Found(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getBytes(4)));
                }, arrayLiteral(near, 0), arrayLiteral(near, 1), before, since, pid);
        found.sort(Comparator.comparingLong(Found::step).thenComparingLong(Found::seq));
        for (Found f : found) visitor.write(f.step(), f.addr(), f.bytes());
    }
}
