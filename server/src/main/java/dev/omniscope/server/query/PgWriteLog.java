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
     * The distinct (addr, size) pairs of writes that can overlap [$3, $4): ? = table. Parameters:
     * the low bound (address - 64, exclusive), the high bound (address + length, exclusive), the
     * range's start.
     */
    static String pairs(String table) {
        return "with recursive pairs(addr, size) as ("
                + "(select addr, size from " + table + " where addr > ? and addr < ? order by addr, size limit 1) "
                + "union all "
                + "select n.addr, n.size from pairs p cross join lateral (select m.addr, m.size from " + table + " m "
                + "where (m.addr, m.size) > (p.addr, p.size) and m.addr < ? order by m.addr, m.size limit 1) n) "
                + "select addr, size from pairs where addr + size > ?";
    }

    private final JdbcTemplate jdbc;
    private final String table;

    PgWriteLog(JdbcTemplate jdbc, String table) {
        this.jdbc = jdbc;
        this.table = table;
    }

    /** The bounds of candidate rows for [address, address + length), saturating at the ends of the signed range. */
    static long low(long address) {
        return address < Long.MIN_VALUE + 64 ? Long.MIN_VALUE : address - 64;
    }

    static long high(long address, int length) {
        return address > Long.MAX_VALUE - length ? Long.MAX_VALUE : address + length;
    }

    private record Found(long step, long seq, long addr, byte[] bytes) {}

    @Override
    public void writes(int pid, long address, int length, long since, long before, MemoryView.WriteVisitor visitor) {
        long lo = low(address), hi = high(address, length);
        List<Found> found = new ArrayList<>();
        jdbc.query(pairs(table).replace("select addr, size from pairs where addr + size > ?",
                        "select w.step, w.seq, w.addr, w.\"new\" from pairs p cross join lateral "
                                + "(select step, seq, addr, \"new\" from " + table + " m where m.addr = p.addr and m.size = p.size "
                                + "and m.step < ? and m.step >= ? and m.pid = ? order by m.step desc, m.seq desc limit 1) w "
                                + "where p.addr + p.size > ?"),
                rs -> {
                    found.add(new Found(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getBytes(4)));
                }, lo, hi, hi, before, since, pid, address);
        found.sort(Comparator.comparingLong(Found::step).thenComparingLong(Found::seq));
        for (Found f : found) visitor.write(f.step(), f.addr(), f.bytes());
    }
}
