package dev.omniscope.server.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import dev.omniscope.indexer.index.Tables;
import dev.omniscope.indexer.query.History;
import dev.omniscope.indexer.query.HistoryEntry;

/**
 * A page of "when did this value change" from PostgreSQL.
 *
 * <p>The writes that can overlap [a, a + len) start in (a - 64, a + len) (rows are at most 64
 * bytes). The distinct (addr, size) pairs there are found first ({@link PgWriteLog#pairs}: one
 * B-tree descent each), then their writes are merged in (step, seq) order: one ordered index scan
 * per pair under a Merge Append, so a page costs about its own rows however many writes the
 * range had before. Past {@link #MERGE_BRANCHES} pairs (a large range full of distinct stores),
 * one scan of each pair's first rows and a sort.
 *
 * <p>Entries are made by the indexer's {@link History.Tracker}, as in {@code omni history}: the
 * range's content per process is read from memory at the first write of that process on the page
 * (with the writes of that step already on earlier pages applied; not read at all when that write
 * covers the whole range), then each write applied.
 */
final class HistoryQuery {
    static final int MERGE_BRANCHES = 64;
    private static final String COLUMNS = PgRow.select(Tables.MEM_WRITES, "m") + ", m.seq";
    private static final Tables W = Tables.MEM_WRITES;
    private static final int STEP = W.column("step"), PID = W.column("pid"), TID = W.column("tid"), RIP = W.column("rip"),
            ADDR = W.column("addr"), SIZE = W.column("size"), OLD = W.column("old"), NEW = W.column("new"), KERNEL = W.column("kernel");

    private HistoryQuery() {}

    private record Row(History.Write write, long seq) {}

    /** The cursor kinds: pages in step order, and in reverse step order. */
    static final String ASC = "h", DESC = "hd";

    /**
     * A page of writes: in step order, or with {@code descending} the latest first (the page's
     * entries are then made in step order from the earliest of them, and listed reversed).
     * {@code after}: the (step, seq) of the previous page's last write.
     */
    static QueryDocuments.HistoryPage page(TraceIndex t, long address, int length, String symbol, Integer pid, Long from, Long to,
                                           int limit, long[] after, boolean descending) throws IOException {
        String table = t.table(Tables.MEM_WRITES);
        List<long[]> pairs = t.pairsNear(address, length);
        List<HistoryEntry> entries = new ArrayList<>();
        if (pairs.isEmpty()) return new QueryDocuments.HistoryPage(History.hex(address), length, symbol, entries, null);

        // conditions every branch shares
        StringBuilder common = new StringBuilder();
        List<Object> commonArgs = new ArrayList<>();
        long start = from == null ? Long.MIN_VALUE : from;
        long end = to == null ? Long.MAX_VALUE : to;
        if (after != null && !descending) start = Math.max(start, after[0]);
        if (after != null && descending) end = Math.min(end, after[0]);
        if (start != Long.MIN_VALUE) {
            common.append(" and m.step >= ?");
            commonArgs.add(start);
        }
        if (after != null) {
            common.append(descending ? " and (m.step < ? or m.seq < ?)" : " and (m.step > ? or m.seq > ?)");
            commonArgs.add(after[0]);
            commonArgs.add(after[1]);
        }
        if (end != Long.MAX_VALUE) {
            common.append(" and m.step <= ?");
            commonArgs.add(end);
        }
        if (pid != null) {
            common.append(" and m.pid = ?");
            commonArgs.add(pid);
        }
        String order = descending ? "step desc, seq desc" : "step, seq";
        String mOrder = descending ? "m.step desc, m.seq desc" : "m.step, m.seq";
        String wOrder = descending ? "w.step desc, w.seq desc" : "w.step, w.seq";
        String sql;
        List<Object> args = new ArrayList<>();
        if (pairs.size() == 1) {
            sql = "select " + COLUMNS + " from " + table + " m where m.addr = ? and m.size = ?" + common + " order by " + mOrder + " limit ?";
            args.add(pairs.get(0)[0]);
            args.add((int) pairs.get(0)[1]);
            args.addAll(commonArgs);
        } else if (pairs.size() <= MERGE_BRANCHES) {
            StringJoiner union = new StringJoiner(" union all ", "select * from (", ") u order by " + order + " limit ?");
            for (long[] p : pairs) {
                union.add("(select " + COLUMNS + " from " + table + " m where m.addr = ? and m.size = ?" + common
                        + " order by " + mOrder + " limit ?)");
                args.add(p[0]);
                args.add((int) p[1]);
                args.addAll(commonArgs);
                args.add(limit + 1);
            }
            sql = union.toString();
        } else {
            sql = "select w.* from unnest(?::bigint[], ?::integer[]) p(addr, size) cross join lateral (select " + COLUMNS + " from "
                    + table + " m where m.addr = p.addr and m.size = p.size" + common + " order by " + mOrder + " limit ?) w "
                    + "order by " + wOrder + " limit ?";
            args.add(PgWriteLog.arrayLiteral(pairs, 0));
            args.add(PgWriteLog.arrayLiteral(pairs, 1));
            args.addAll(commonArgs);
            args.add(limit + 1);
        }
        args.add(limit + 1);
        List<Row> rows = t.jdbc.query(sql, (rs, n) -> row(rs), args.toArray());

        List<Row> page = new ArrayList<>(rows.subList(0, Math.min(limit, rows.size())));
        if (descending) java.util.Collections.reverse(page);
        History.Tracker tracker = new History.Tracker(t.memory, t.symbols, address, length);
        for (Row r : page) {
            History.Write w = r.write();
            // writes of this step before the first that the page does not have (earlier pages', or not listed: a reverse
            // page) change the range first; else the tracker reads the range as of the first write's step when it needs it
            if (!tracker.knows(w.pid()) && (descending || after != null && w.step() == after[0])) {
                List<Row> earlier = sameStepBefore(t, table, pairs, w.pid(), w.step(), r.seq());
                if (!earlier.isEmpty()) {
                    tracker.seed(w.pid(), w.step());
                    for (Row e : earlier) tracker.apply(e.write(), false);
                }
            }
            entries.add(tracker.apply(w, true));
        }
        if (descending) java.util.Collections.reverse(entries);
        String next = null;
        if (rows.size() > limit) {
            Row last = rows.get(limit - 1);
            next = Params.cursor(descending ? DESC : ASC, last.write().step(), last.seq());
        }
        return new QueryDocuments.HistoryPage(History.hex(address), length, symbol, entries, next);
    }

    /** The overlapping writes of {@code pid} at {@code step} before {@code seq}, in order. */
    private static List<Row> sameStepBefore(TraceIndex t, String table, List<long[]> pairs, int pid, long step, long seq) {
        return t.jdbc.query("select w.* from unnest(?::bigint[], ?::integer[]) p(addr, size) cross join lateral (select " + COLUMNS
                        + " from " + table + " m where m.addr = p.addr and m.size = p.size and m.step = ? and m.seq < ? and m.pid = ?) w "
                        + "order by w.seq",
                (rs, n) -> row(rs), PgWriteLog.arrayLiteral(pairs, 0), PgWriteLog.arrayLiteral(pairs, 1), step, seq, pid);
    }

    private static Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
        PgRow r = new PgRow(Tables.MEM_WRITES, rs);
        History.Write w = new History.Write(r.i64(STEP), r.i32(PID), r.i32(TID), r.i64(RIP), r.i64(ADDR), r.i32(SIZE), r.bytes(OLD),
                r.bytes(NEW), r.bool(KERNEL));
        return new Row(w, rs.getLong(Tables.MEM_WRITES.columns().size() + 1));
    }
}
