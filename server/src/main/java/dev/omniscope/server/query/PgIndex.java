package dev.omniscope.server.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.omniscope.indexer.index.IndexTable;
import dev.omniscope.indexer.query.CallEntry;
import dev.omniscope.indexer.query.Calls;
import dev.omniscope.indexer.query.IndexStore;
import dev.omniscope.indexer.query.Locator;
import dev.omniscope.indexer.query.MemoryView;
import dev.omniscope.indexer.query.QueryDocuments;
import dev.omniscope.indexer.query.Timeline;
import dev.omniscope.server.index.PgSchema;
import dev.omniscope.server.index.PackedRegisters;
import dev.omniscope.trace.Registers;

/**
 * A trace's index in PostgreSQL, as an {@link IndexStore}: lookups by index in the trace's
 * partitions (named directly: {@code mem_writes_l7}, its load's number), each one query. The
 * block at a step is one backward descent of the blocks' step index; registers one descent per
 * register of the (tid, reg, first_step) index and a decode of that run; the call stack walks
 * down the (tid, depth, call_step) index one depth at a time while the calls it finds are open,
 * plus the calls that never returned; calls of several names or threads merge one ordered scan
 * per name or thread. Memory writes are {@link PgWrites}. Thread-safe.
 */
final class PgIndex implements IndexStore {
    /** Every register id reg_changes can hold, as a PostgreSQL array literal. */
    private static final String REGISTER_IDS;

    static {
        StringJoiner ids = new StringJoiner(",", "{", "}");
        for (int r : Registers.rowIds()) ids.add(Integer.toString(r));
        REGISTER_IDS = ids.toString();
    }

    private static final String CALL_COLUMNS = PgRow.select(IndexTable.CALLS, "c");

    private final JdbcTemplate jdbc;
    private final long load;
    private final long instructions;
    private final PgWrites writes;
    private final Supplier<Timeline> timeline;
    private volatile List<String> functionNames;
    private volatile List<Integer> tids;
    private volatile Timeline loadedTimeline;

    /** The partitions of load {@code load}, covering {@code instructions} steps; {@code timeline} reads the stored timeline. */
    PgIndex(JdbcTemplate jdbc, long load, long instructions, Supplier<Timeline> timeline) {
        this.jdbc = jdbc;
        this.load = load;
        this.instructions = instructions;
        this.timeline = timeline;
        this.writes = new PgWrites(jdbc, table(IndexTable.MEM_WRITES));
    }

    /** The quoted name of this load's partition of {@code t}. */
    private String table(IndexTable t) {
        return PgSchema.q(PgSchema.loadTable(t, load));
    }

    @Override
    public long instructions() {
        return instructions;
    }

    /**
     * The memory a scan's sort may use. A scan is of a small table (modules, symbols, lines: libc's
     * lines are a few hundred thousand rows, tens of megabytes) in file order, which no index
     * serves: at PostgreSQL's default work_mem (4 MB) the sort spills to a temporary file, and a
     * trace could then not be opened at all while the database's disk is full. In memory it needs
     * no disk; it runs once per opened trace ({@code OpenTraces} holds a few).
     */
    static final String SCAN_WORK_MEM = "256MB";

    @Override
    public void scan(IndexTable t, Visitor visitor) {
        jdbc.execute((java.sql.Connection c) -> {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("set local work_mem = '" + SCAN_WORK_MEM + "'");
                s.setFetchSize(10_000); // streamed: the rows are visited, never all held here
                try (java.sql.ResultSet rs = s.executeQuery("select " + PgRow.select(t, null) + " from " + table(t)
                        + " order by " + PgSchema.fileOrder(t))) {
                    PgRow row = new PgRow(t, rs);
                    while (rs.next()) visitor.visit(row);
                }
                c.commit();
            } catch (IOException e) {
                c.rollback();
                throw new UncheckedIOException(e);
            } catch (java.sql.SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
            return null;
        });
    }

    // ---- memory writes

    @Override
    public List<SeqWrite> writes(WriteQuery q) {
        return writes.writes(q);
    }

    @Override
    public void writes(int pid, long address, int length, long since, long before, MemoryView.WriteVisitor visitor) {
        writes.lastWrites(pid, address, length, since, before, visitor);
    }

    // ---- what runs when

    @Override
    public Locator.Block blockAt(long step) {
        List<Locator.Block> found = jdbc.query("select step, pid, tid, rip, instructions from " + table(IndexTable.BLOCKS)
                        + " where step <= ? order by step desc limit 1",
                (rs, n) -> new Locator.Block(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getLong(4), rs.getInt(5)), step);
        if (found.isEmpty()) return null;
        Locator.Block b = found.get(0);
        return step < b.step() + b.instructions() ? b : null;
    }

    @Override
    public List<Locator.Block> blocks(int tid, long step, boolean forward, int limit) {
        return jdbc.query("select step, pid, tid, rip, instructions from " + table(IndexTable.BLOCKS) + " where tid = ? and step "
                        + (forward ? ">= ? order by step" : "<= ? order by step desc") + " limit ?",
                (rs, n) -> new Locator.Block(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getLong(4), rs.getInt(5)), tid, step, limit);
    }

    @Override
    public List<Locator.Block> blocksAt(long[] rips, long[] afterSteps, int limit) {
        if (rips.length == 0) return List.of();
        // one index range scan per start, each already in step order, merged: never a sort of every execution
        StringBuilder sql = new StringBuilder("select step, pid, tid, rip, instructions from (");
        List<Object> args = new ArrayList<>();
        for (int i = 0; i < rips.length; i++) {
            if (i > 0) sql.append(" union all ");
            sql.append("(select step, pid, tid, rip, instructions from ").append(table(IndexTable.BLOCKS))
                    .append(" where rip = ? and step > ? order by step limit ?)");
            args.add(rips[i]);
            args.add(afterSteps[i]);
            args.add(limit);
        }
        sql.append(") b order by step limit ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, n) -> new Locator.Block(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getLong(4), rs.getInt(5)),
                args.toArray());
    }

    @Override
    public Map<Integer, long[]> registers(int tid, long step) {
        Map<Integer, long[]> regs = new TreeMap<>();
        jdbc.query("select r.reg, x.first_step, x.changes, x.step, x.value, x.value_hi from unnest(?::smallint[]) r(reg) "
                        + "cross join lateral (select first_step, changes, step, value, value_hi from " + table(IndexTable.REG_CHANGES)
                        + " c where c.tid = ? and c.reg = r.reg and c.first_step < ? order by c.first_step desc limit 1) x",
                rs -> {
                    long[] v = PackedRegisters.lastBefore(rs.getLong(2), rs.getBytes(4), rs.getBytes(5), rs.getBytes(6), rs.getInt(3), step);
                    if (v != null) regs.put((int) rs.getShort(1), v);
                }, REGISTER_IDS, tid, step);
        return regs;
    }

    @Override
    public List<BlockShape> blockShapes(int tid, long from, long to) {
        return jdbc.query("select pid, rip, instructions, min(step) from " + table(IndexTable.BLOCKS)
                        + " where tid = ? and step >= ? and step < ? group by pid, rip, instructions",
                (rs, n) -> new BlockShape(rs.getInt(1), rs.getLong(2), rs.getInt(3), rs.getLong(4)), tid, from, to);
    }

    @Override
    public List<Locator.Block> blocksIn(int tid, long from, long to, long[] rips, int limit) {
        if (rips.length == 0) return List.of();
        Long[] boxed = new Long[rips.length];
        for (int i = 0; i < rips.length; i++) boxed[i] = rips[i];
        return jdbc.query("select step, pid, tid, rip, instructions from " + table(IndexTable.BLOCKS)
                        + " where tid = ? and step >= ? and step < ? and rip = any(?) order by step limit ?",
                ps -> {
                    ps.setInt(1, tid);
                    ps.setLong(2, from);
                    ps.setLong(3, to);
                    ps.setArray(4, ps.getConnection().createArrayOf("bigint", boxed));
                    ps.setInt(5, limit);
                },
                (rs, n) -> new Locator.Block(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getLong(4), rs.getInt(5)));
    }

    @Override
    public long[] register(int tid, int reg, long step) {
        List<long[]> found = jdbc.query("select first_step, changes, step, value, value_hi from " + table(IndexTable.REG_CHANGES)
                        + " c where c.tid = ? and c.reg = ? and c.first_step < ? order by c.first_step desc limit 1",
                (rs, n) -> PackedRegisters.lastBefore(rs.getLong(1), rs.getBytes(3), rs.getBytes(4), rs.getBytes(5), rs.getInt(2), step),
                tid, (short) reg, step);
        return found.isEmpty() ? null : found.get(0);
    }

    @Override
    public void registerChanges(int tid, long from, long to, int[] regs, RegisterChangeVisitor visitor) {
        // runs overlapping [from, to), decoded and merged into step order (a window at a time: the caller bounds it)
        List<long[]> changes = new ArrayList<>();
        jdbc.query("select reg, first_step, changes, step, value, value_hi from " + table(IndexTable.REG_CHANGES)
                        + " where tid = ? and first_step < ? and last_step >= ? and reg = any(?::smallint[])",
                rs -> {
                    int reg = rs.getShort(1);
                    PackedRegisters.decode(rs.getLong(2), rs.getBytes(4), rs.getBytes(5), rs.getBytes(6), rs.getInt(3), (step, value, hi) -> {
                        if (step >= from && step < to) changes.add(new long[] {step, reg, value, hi});
                    });
                }, tid, to, from, regs == null ? REGISTER_IDS : ids(regs));
        changes.sort(java.util.Comparator.comparingLong(c -> c[0]));
        for (long[] c : changes) visitor.change(c[0], (int) c[1], c[2], c[3]);
    }

    private static String ids(int[] regs) {
        StringJoiner ids = new StringJoiner(",", "{", "}");
        for (int r : regs) ids.add(Integer.toString(r));
        return ids.toString();
    }

    // ---- calls

    @Override
    public List<CallEntry> calls(CallQuery q) {
        List<String> conditions = new ArrayList<>();
        List<List<Object>> conditionArgs = new ArrayList<>();
        List<Object> shared = new ArrayList<>();
        StringBuilder where = new StringBuilder();
        if (q.depth() != null) {
            where.append(" and c.depth = ?");
            shared.add(q.depth());
        }
        if (q.from() != null) {
            where.append(" and c.call_step >= ?");
            shared.add(q.from());
        }
        if (q.to() != null) {
            where.append(" and c.call_step <= ?");
            shared.add(q.to());
        }
        if (q.after() != null) {
            where.append(q.descending() ? " and c.call_step <= ? and (c.call_step < ? or c.tid < ?)"
                    : " and c.call_step >= ? and (c.call_step > ? or c.tid > ?)");
            shared.add(q.after()[0]);
            shared.add(q.after()[0]);
            shared.add((int) q.after()[1]);
        }
        // One ordered scan per function name (the (function, call_step) index), or per thread when
        // the outermost calls of every thread are asked for (the (tid, depth, call_step) index).
        List<Integer> threads = q.tid() != null ? List.of(q.tid()) : q.functions() == null && q.depth() != null ? tids() : null;
        if (q.functions() != null && q.functions().size() <= PgWrites.MERGE_BRANCHES) {
            for (String name : q.functions()) {
                conditions.add("c.function = ?" + (q.tid() != null ? " and c.tid = ?" : ""));
                conditionArgs.add(q.tid() != null ? List.of(name, q.tid()) : List.of(name));
            }
        } else if (q.functions() == null && threads != null && threads.size() <= PgWrites.MERGE_BRANCHES) {
            for (int thread : threads) {
                conditions.add("c.tid = ?");
                conditionArgs.add(List.of(thread));
            }
        } else {
            // very many overloads, or threads: one scan and a sort
            List<Object> args = new ArrayList<>();
            String condition = "true";
            if (q.functions() != null) {
                condition = "c.function = any(?)";
                args.add(q.functions().toArray(new String[0]));
            }
            if (q.tid() != null) {
                condition += " and c.tid = ?";
                args.add(q.tid());
            }
            conditions.add(condition);
            conditionArgs.add(args);
        }
        String order = q.descending() ? "call_step desc, tid desc" : "call_step, tid";
        List<Object> args = new ArrayList<>();
        StringJoiner union = new StringJoiner(" union all ", "select * from (", ") u order by " + order + " limit ?");
        for (int i = 0; i < conditions.size(); i++) {
            args.addAll(conditionArgs.get(i));
            args.addAll(shared);
            union.add("(select " + CALL_COLUMNS + " from " + table(IndexTable.CALLS) + " c where " + conditions.get(i) + where
                    + " order by c." + order.replace(", ", ", c.") + " limit ?)");
            args.add(q.limit());
        }
        args.add(q.limit());
        return jdbc.query(union.toString(), (rs, n) -> Calls.entry(new PgRow(IndexTable.CALLS, rs)), args.toArray());
    }

    @Override
    public List<Locator.OpenCall> openCalls(int tid, long step) {
        String calls = table(IndexTable.CALLS);
        List<Locator.OpenCall> open = new ArrayList<>();
        jdbc.query("with recursive chain as ("
                        + "(select " + CALL_COLUMNS + " from " + calls + " c where c.tid = ? and c.depth = 0 and c.call_step < ? "
                        + "order by c.call_step desc limit 1) "
                        + "union all "
                        + "select " + PgRow.select(IndexTable.CALLS, "n") + " from chain p cross join lateral (select " + CALL_COLUMNS + " from "
                        + calls + " c where c.tid = ? and c.depth = p.depth + 1 and c.call_step < ? order by c.call_step desc limit 1) n "
                        + "where p.return_step is null or p.return_step >= ?) "
                        + "select * from chain where return_step is null or return_step >= ? "
                        + "union "
                        + "select " + CALL_COLUMNS + " from " + calls + " c where c.tid = ? and c.return_step is null and c.call_step < ?",
                rs -> {
                    open.add(Locator.openCall(new PgRow(IndexTable.CALLS, rs)));
                }, tid, step, tid, step, step, step, tid, step);
        return open;
    }

    /** The distinct function names in calls (a walk of the (function, call_step) index), once. */
    @Override
    public List<String> functionNames() {
        List<String> names = functionNames;
        if (names == null) {
            String calls = table(IndexTable.CALLS);
            names = jdbc.queryForList("with recursive f(name) as ("
                    + "(select function from " + calls + " where function is not null order by function limit 1) "
                    + "union all select (select c.function from " + calls + " c where c.function > f.name order by c.function limit 1) "
                    + "from f where f.name is not null) select name from f where name is not null", String.class);
            functionNames = names;
        }
        return names;
    }

    /** The threads of the trace, from the tasks table, once. */
    private List<Integer> tids() {
        List<Integer> found = tids;
        if (found == null) {
            found = jdbc.queryForList("select distinct tid from " + table(IndexTable.TASKS) + " order by tid", Integer.class);
            tids = found;
        }
        return found;
    }

    // ---- system calls, the timeline

    @Override
    public List<QueryDocuments.Syscall> syscalls(Long from, Long to, long[] after, int limit) {
        StringBuilder sql = new StringBuilder("select " + PgRow.select(IndexTable.SYSCALLS, null) + " from " + table(IndexTable.SYSCALLS) + " where true");
        List<Object> args = new ArrayList<>();
        if (from != null) {
            sql.append(" and step >= ?");
            args.add(from);
        }
        if (to != null) {
            sql.append(" and step <= ?");
            args.add(to);
        }
        if (after != null) {
            sql.append(" and step >= ? and (step > ? or tid > ?)");
            args.add(after[0]);
            args.add(after[0]);
            args.add((int) after[1]);
        }
        sql.append(" order by step, tid limit ?");
        args.add(limit);
        return jdbc.query(sql.toString(), (rs, i) -> QueryDocuments.Syscall.of(new PgRow(IndexTable.SYSCALLS, rs)), args.toArray());
    }

    /** The timeline the loader computed and stored with the trace, read once. */
    @Override
    public Timeline timeline() {
        Timeline t = loadedTimeline;
        if (t == null) {
            t = timeline.get();
            loadedTimeline = t;
        }
        return t;
    }
}
