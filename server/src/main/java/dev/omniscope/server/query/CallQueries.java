package dev.omniscope.server.query;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import dev.omniscope.indexer.index.Tables;
import dev.omniscope.indexer.query.CallEntry;
import dev.omniscope.indexer.query.Calls;

/**
 * Calls from a trace's calls partition, in (call_step, tid) order, a page at a time: by function
 * (the names {@link Calls#matches} accepts, each an ordered scan of the (function, call_step)
 * index, merged), a call's children (one range of the (tid, depth, call_step) index), or the
 * outermost calls of a thread or of every thread.
 */
final class CallQueries {
    private static final String COLUMNS = PgRow.select(Tables.CALLS, "c");

    private CallQueries() {}

    /** The cursor condition: after (call_step, tid). */
    private static String after(long[] after, List<Object> args) {
        if (after == null) return "";
        args.add(after[0]);
        args.add(after[0]);
        args.add((int) after[1]);
        return " and c.call_step >= ? and (c.call_step > ? or c.tid > ?)";
    }

    private static List<CallEntry> run(TraceIndex t, String sql, List<Object> args) {
        return t.jdbc.query(sql, (rs, n) -> Calls.entry(new PgRow(Tables.CALLS, rs)), args.toArray());
    }

    /** One ordered branch per condition, merged: conditions are SQL over alias c with their arguments. */
    private static List<CallEntry> merged(TraceIndex t, List<String> conditions, List<List<Object>> conditionArgs, long[] after, int limit) {
        if (conditions.isEmpty()) return List.of();
        String table = t.table(Tables.CALLS);
        List<Object> args = new ArrayList<>();
        StringJoiner union = new StringJoiner(" union all ", "select * from (", ") u order by call_step, tid limit ?");
        for (int i = 0; i < conditions.size(); i++) {
            args.addAll(conditionArgs.get(i));
            String cursor = after(after, args);
            union.add("(select " + COLUMNS + " from " + table + " c where " + conditions.get(i) + cursor
                    + " order by c.call_step, c.tid limit ?)");
            args.add(limit);
        }
        args.add(limit);
        return run(t, union.toString(), args);
    }

    static List<CallEntry> byFunction(TraceIndex t, String function, Integer tid, long[] after, int limit) {
        List<String> conditions = new ArrayList<>();
        List<List<Object>> args = new ArrayList<>();
        List<String> names = t.functionNames().stream().filter(name -> Calls.matches(function, name)).toList();
        if (names.size() > HistoryQuery.MERGE_BRANCHES) {
            // a name with very many overloads: one scan and a sort
            List<Object> a = new ArrayList<>();
            a.add(names.toArray(new String[0]));
            String where = "c.function = any(?)";
            if (tid != null) {
                where += " and c.tid = ?";
                a.add(tid);
            }
            String sql = "select " + COLUMNS + " from " + t.table(Tables.CALLS) + " c where " + where + after(after, a)
                    + " order by c.call_step, c.tid limit ?";
            a.add(limit);
            return run(t, sql, a);
        }
        for (String name : names) {
            conditions.add("c.function = ?" + (tid != null ? " and c.tid = ?" : ""));
            args.add(tid != null ? List.of(name, tid) : List.of(name));
        }
        return merged(t, conditions, args, after, limit);
    }

    /** The call of {@code tid} at {@code callStep}, or null. */
    static CallEntry call(TraceIndex t, int tid, long callStep) {
        List<Object> args = new ArrayList<>(List.of(tid, callStep));
        List<CallEntry> found = run(t, "select " + COLUMNS + " from " + t.table(Tables.CALLS) + " c where c.tid = ? and c.call_step = ?", args);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The calls made directly by {@code parent}: one depth deeper, between its call and its return. */
    static List<CallEntry> children(TraceIndex t, CallEntry parent, long[] after, int limit) {
        List<Object> args = new ArrayList<>(List.of(parent.tid(), parent.depth() + 1, parent.callStep()));
        String sql = "select " + COLUMNS + " from " + t.table(Tables.CALLS) + " c where c.tid = ? and c.depth = ? and c.call_step > ?";
        if (parent.returnStep() != null) {
            sql += " and c.call_step <= ?";
            args.add(parent.returnStep());
        }
        sql += after(after, args) + " order by c.call_step, c.tid limit ?";
        args.add(limit);
        return run(t, sql, args);
    }

    /** The outermost calls (depth 0) of {@code tid}, or of every thread. */
    static List<CallEntry> roots(TraceIndex t, Integer tid, long[] after, int limit) {
        List<String> conditions = new ArrayList<>();
        List<List<Object>> args = new ArrayList<>();
        List<Integer> tids = tid != null ? List.of(tid) : t.tids();
        if (tids.size() > HistoryQuery.MERGE_BRANCHES) {
            List<Object> a = new ArrayList<>();
            String sql = "select " + COLUMNS + " from " + t.table(Tables.CALLS) + " c where c.depth = 0" + after(after, a)
                    + " order by c.call_step, c.tid limit ?";
            a.add(limit);
            return run(t, sql, a);
        }
        for (int thread : tids) {
            conditions.add("c.tid = ? and c.depth = 0");
            args.add(List.of(thread));
        }
        return merged(t, conditions, args, after, limit);
    }
}
