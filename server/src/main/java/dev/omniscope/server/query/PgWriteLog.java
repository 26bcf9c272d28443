package dev.omniscope.server.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.omniscope.indexer.query.MemoryView;

/**
 * The server's {@link MemoryView.WriteLog}: for a range, the last write before a step of each
 * distinct (addr, size) that can overlap it, from the {@code (addr, size, step)} index of the
 * trace's mem_writes partition. Rows are at most 64 bytes long, so the candidates start in
 * (address - 64, address + length); a recursive query walks their distinct (addr, size) pairs
 * (one B-tree descent each, however many writes each has), and for each pair one backward
 * descent finds its last write before the step. The writes found, applied in order, give every
 * byte its last write: a write at the same (addr, size) is always covered by a later one there.
 */
final class PgWriteLog implements MemoryView.WriteLog {
    /**
     * The distinct (addr, size) pairs of writes with lo < addr < hi, in order: a walk of the
     * (addr, size, step) index, one descent per pair (an index-only scan).
     */
    static String pairs(String table) {
        return "with recursive pairs(addr, size) as ("
                + "(select addr, size from " + table + " where addr > ? and addr < ? order by addr, size limit 1) "
                + "union all "
                + "select n.addr, n.size from pairs p cross join lateral (select m.addr, m.size from " + table + " m "
                + "where (m.addr, m.size) > (p.addr, p.size) and m.addr < ? order by m.addr, m.size limit 1) n) "
                + "select addr, size from pairs";
    }

    /** The pairs that can overlap a range: from {@link #pairs}, cached per trace. */
    @FunctionalInterface
    interface Pairs {
        List<long[]> near(long address, int length);
    }

    private final JdbcTemplate jdbc;
    private final String table;
    private final Pairs pairs;

    PgWriteLog(JdbcTemplate jdbc, String table, Pairs pairs) {
        this.jdbc = jdbc;
        this.table = table;
        this.pairs = pairs;
    }

    /** The bounds of candidate rows for [address, address + length), saturating at the ends of the signed range. */
    static long low(long address) {
        return address < Long.MIN_VALUE + 64 ? Long.MIN_VALUE : address - 64;
    }

    static long high(long address, int length) {
        return address > Long.MAX_VALUE - length ? Long.MAX_VALUE : address + length;
    }

    /** A PostgreSQL array literal of one field of pairs. */
    static String arrayLiteral(List<long[]> pairs, int field) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < pairs.size(); i++) sb.append(i == 0 ? "" : ",").append(pairs.get(i)[field]);
        return sb.append('}').toString();
    }

    private record Found(long step, long seq, long addr, byte[] bytes) {}

    @Override
    public void writes(int pid, long address, int length, long since, long before, MemoryView.WriteVisitor visitor) {
        List<long[]> near = pairs.near(address, length);
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
