package dev.omniscope.server.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.omniscope.indexer.index.IndexSummary;
import dev.omniscope.indexer.index.Tables;
import dev.omniscope.indexer.query.IndexTables;
import dev.omniscope.indexer.query.TableRow;
import jakarta.annotation.PostConstruct;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads a trace's index (the Arrow files of {@code omni index}) into PostgreSQL.
 *
 * <p>Each load has a number ({@code index_loads}); for every index table it creates a fresh table
 * {@code <table>_l<load>} shaped like the partitioned parent, with the trace's key as the
 * default and a check constraint, streams the Arrow file into it with binary {@code COPY ...
 * FREEZE} one record batch at a time, builds its indexes and analyzes it, each table in its own
 * transaction. None of that is visible: only partitions are. Then one transaction attaches every
 * fresh table as the trace's partition (dropping the partitions of an earlier load of the same
 * trace) and records the load in the trace's row. A load that fails or is cancelled drops its
 * fresh tables; one that a crash interrupted leaves tables that are no partition, which
 * {@link #dropAbandonedLoads} removes at the next start.
 */
@Component
public class IndexLoader {
    private static final Logger log = LoggerFactory.getLogger(IndexLoader.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Where a load reports how far it got, rows loaded out of all; may throw to cancel. */
    public interface Progress {
        void rows(long done, long total);
    }

    /** What a load did. */
    public record Loaded(long load, long rows, long millis) {}

    private final DataSource dataSource;

    public IndexLoader(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Fresh tables of loads a stopped server left behind (a partition is never dropped here). */
    @PostConstruct
    public void dropAbandonedLoads() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            List<String> abandoned = new ArrayList<>();
            StringBuilder names = new StringBuilder();
            for (Tables t : Tables.values()) names.append(names.length() == 0 ? "" : "|").append(t.tableName());
            try (ResultSet rs = s.executeQuery("select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                    + "where n.nspname = current_schema() and c.relkind = 'r' and not c.relispartition "
                    + "and c.relname ~ '^(" + names + ")_l[0-9]+$'")) {
                while (rs.next()) abandoned.add(rs.getString(1));
            }
            for (String table : abandoned) s.execute("drop table if exists " + IndexSchema.q(table));
            if (!abandoned.isEmpty()) log.info("dropped {} tables of interrupted index loads", abandoned.size());
        }
    }

    /**
     * Loads the index in {@code directory} as the partitions of trace {@code traceId} (key
     * {@code traceKey}) and records it with the trace. Throws when anything fails; nothing of the
     * load is then visible.
     */
    public Loaded load(String traceId, long traceKey, Path directory, IndexSummary summary, Progress progress) throws Exception {
        long started = System.nanoTime();
        long load;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select nextval('index_loads')")) {
            rs.next();
            load = rs.getLong(1);
        }
        long rowsInIndex = 0;
        for (Tables t : Tables.values()) rowsInIndex += summary.rows().getOrDefault(t.tableName(), 0L);
        long total = rowsInIndex;
        long[] done = {0};
        Timeline.Builder timeline = new Timeline.Builder(summary.instructions());
        boolean attached = false;
        try (IndexTables index = IndexTables.open(directory)) {
            long rows = 0;
            StringBuilder tables = new StringBuilder();
            for (Tables t : Tables.values()) {
                if (!Files.isRegularFile(directory.resolve(t.fileName()))) throw new IOException("the index has no " + t.fileName());
                long tableStarted = System.nanoTime();
                long taken = loadTable(index, t, load, traceKey, timeline, n -> {
                    done[0] += n;
                    progress.rows(done[0], Math.max(1, total));
                });
                rows += taken;
                long ms = (System.nanoTime() - tableStarted) / 1_000_000;
                if (ms >= 100) tables.append(String.format(", %s %,d rows %,d ms", t.tableName(), taken, ms));
            }
            progress.rows(done[0], Math.max(1, total)); // the last chance to cancel: after this the load is visible
            long millis = (System.nanoTime() - started) / 1_000_000;
            attach(traceId, traceKey, load, summary, timeline.build(), millis);
            attached = true;
            log.info("loaded the index of trace {}: {} rows ({} index rows) in {} ms (load {}{})", traceId, rows, rowsInIndex, millis, load,
                    tables);
            return new Loaded(load, rows, millis);
        } finally {
            if (!attached) dropLoad(load);
        }
    }

    /** Creates, fills, indexes and analyzes one fresh table; the rows it took. */
    private long loadTable(IndexTables index, Tables t, long load, long key, Timeline.Builder timeline, java.util.function.LongConsumer loaded)
            throws Exception {
        String table = IndexSchema.loadTable(t, load);
        String quoted = IndexSchema.q(table);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("set local maintenance_work_mem = '256MB'");
                s.execute("create table " + quoted + " (like " + IndexSchema.q(t.tableName()) + " including defaults including constraints)");
                s.execute("alter table " + quoted + " alter column " + IndexSchema.KEY + " set default " + key
                        + ", add constraint " + IndexSchema.q(table + "_key") + " check (" + IndexSchema.KEY + " = " + key + ")");
                BinaryCopy copy = new BinaryCopy(c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                        "copy " + quoted + " (" + IndexSchema.copyColumnList(t) + ") from stdin with (format binary, freeze)"));
                long taken;
                try {
                    if (IndexSchema.packed(t)) copyPacked(index, t, copy, loaded);
                    else copyRows(index, t, copy, timeline, loaded);
                    taken = copy.finish();
                } catch (Exception | Error e) {
                    copy.cancel();
                    throw e;
                }
                for (IndexSchema.Index i : IndexSchema.indexes(t)) s.execute(IndexSchema.createIndex(table, i));
                c.commit();
                s.execute("analyze " + quoted);
                c.commit();
                return taken;
            } catch (Exception | Error e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Copies rows as they are (plus mem_writes' seq), one record batch at a time; feeds the timeline. */
    private static void copyRows(IndexTables index, Tables t, BinaryCopy copy, Timeline.Builder timeline,
                                 java.util.function.LongConsumer loaded) throws IOException, SQLException {
        List<Tables.Column> columns = t.columns();
        int fields = IndexSchema.copyColumns(t).size();
        boolean seq = IndexSchema.hasSeq(t);
        long[] n = {0};
        index.scanBatches(t, row -> {
            int rows = row.batchRows();
            try {
                for (int i = 0; i < rows; i++) {
                    IndexTables.at(row, i);
                    copy.startRow(fields);
                    for (int c = 0; c < columns.size(); c++) field(copy, row, c, columns.get(c));
                    if (seq) copy.i64(n[0]);
                    n[0]++;
                    timeline(t, row, timeline);
                }
            } catch (SQLException e) {
                throw new IOException(e.getMessage(), e);
            }
            loaded.accept(rows);
            return true;
        });
    }

    private static void field(BinaryCopy copy, TableRow row, int c, Tables.Column column) throws SQLException {
        if (column.nullable() && row.isNull(c)) {
            copy.nul();
            return;
        }
        switch (column.type()) {
            case I16 -> copy.i16(row.i16(c));
            case I32 -> copy.i32(row.i32(c));
            case I64 -> copy.i64(row.i64(c));
            case BOOL -> copy.bool(row.bool(c));
            case STRING -> copy.text(row.string(c));
            case BYTES -> copy.bytes(row.bytes(c));
        }
    }

    private static final int BLOCK_STEP = Tables.BLOCKS.column("step"), BLOCK_PID = Tables.BLOCKS.column("pid"),
            BLOCK_TID = Tables.BLOCKS.column("tid"), BLOCK_COUNT = Tables.BLOCKS.column("instructions"),
            SYSCALL_STEP = Tables.SYSCALLS.column("step"), SIGNAL_STEP = Tables.SIGNALS.column("step"),
            CALL_STEP = Tables.CALLS.column("call_step");

    private static void timeline(Tables t, TableRow row, Timeline.Builder timeline) {
        switch (t) {
            case BLOCKS -> timeline.block(row.i64(BLOCK_STEP), row.i32(BLOCK_PID), row.i32(BLOCK_TID), row.i32(BLOCK_COUNT));
            case SYSCALLS -> timeline.syscall(row.i64(SYSCALL_STEP));
            case SIGNALS -> timeline.signal(row.i64(SIGNAL_STEP));
            case CALLS -> timeline.call(row.i64(CALL_STEP));
            default -> { }
        }
    }

    /** reg_changes as runs of one register of one thread ({@link PackedRegisters}). */
    private static void copyPacked(IndexTables index, Tables t, BinaryCopy copy, java.util.function.LongConsumer loaded)
            throws IOException, SQLException {
        int cStep = t.column("step"), cPid = t.column("pid"), cTid = t.column("tid"), cReg = t.column("reg"),
                cValue = t.column("value"), cHi = t.column("value_hi");
        int fields = IndexSchema.copyColumns(t).size();
        Map<Long, PackedRegisters.Run[]> runs = new HashMap<>();
        index.scanBatches(t, row -> {
            int rows = row.batchRows();
            try {
                long lastTask = Long.MIN_VALUE;
                PackedRegisters.Run[] byReg = null;
                for (int i = 0; i < rows; i++) {
                    IndexTables.at(row, i);
                    int pid = row.i32(cPid), tid = row.i32(cTid);
                    long task = ((long) pid << 32) | (tid & 0xFFFFFFFFL);
                    if (task != lastTask || byReg == null) {
                        byReg = runs.computeIfAbsent(task, k -> new PackedRegisters.Run[64]);
                        lastTask = task;
                    }
                    int reg = row.i16(cReg);
                    if (reg >= byReg.length) {
                        byReg = java.util.Arrays.copyOf(byReg, reg + 1);
                        runs.put(task, byReg);
                    }
                    PackedRegisters.Run run = byReg[reg];
                    if (run == null) run = byReg[reg] = new PackedRegisters.Run(pid, tid, (short) reg);
                    run.add(row.i64(cStep), row.i64(cValue), row.i64(cHi));
                    if (run.full()) writeRun(copy, run, fields);
                }
            } catch (SQLException e) {
                throw new IOException(e.getMessage(), e);
            }
            loaded.accept(rows);
            return true;
        });
        for (PackedRegisters.Run[] byReg : runs.values()) {
            for (PackedRegisters.Run run : byReg) if (run != null && run.changes > 0) writeRun(copy, run, fields);
        }
    }

    private static void writeRun(BinaryCopy copy, PackedRegisters.Run run, int fields) throws SQLException {
        // column order: IndexSchema.columns(REG_CHANGES) after the key
        copy.startRow(fields);
        copy.i32(run.pid);
        copy.i32(run.tid);
        copy.i16(run.reg);
        copy.i64(run.firstStep);
        copy.i64(run.lastStep);
        copy.i32(run.changes);
        copy.bytes(run.steps.toByteArray());
        copy.bytes(run.values.toByteArray());
        copy.bytes(run.anyHi ? run.his.toByteArray() : null);
        run.reset();
    }

    /** The one transaction that makes a load visible: its tables become the trace's partitions. */
    private void attach(String traceId, long key, long load, IndexSummary summary, Timeline timeline, long millis) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("set local lock_timeout = '60s'");
                Long previous;
                try (PreparedStatement p = c.prepareStatement("select index_load from traces where id = ? for update")) {
                    p.setString(1, traceId);
                    try (ResultSet rs = p.executeQuery()) {
                        if (!rs.next()) throw new IllegalStateException("the trace was deleted while its index was loaded");
                        previous = (Long) rs.getObject(1);
                    }
                }
                for (Tables t : Tables.values()) {
                    if (previous != null) s.execute("drop table if exists " + IndexSchema.q(IndexSchema.loadTable(t, previous)));
                    s.execute("alter table " + IndexSchema.q(t.tableName()) + " attach partition "
                            + IndexSchema.q(IndexSchema.loadTable(t, load)) + " for values in (" + key + ")");
                }
                try (PreparedStatement p = c.prepareStatement("update traces set index_load = ?, loaded_at = now(), instructions = ?, "
                        + "index_complete = ?, index_problem = ?::jsonb, index_rows = ?::jsonb, index_millis = ?, load_millis = ?, "
                        + "index_timeline = ?::jsonb, updated_at = now() where id = ?")) {
                    p.setLong(1, load);
                    p.setLong(2, summary.instructions());
                    p.setBoolean(3, summary.complete());
                    p.setString(4, summary.problem() == null ? null : JSON.writeValueAsString(summary.problem()));
                    p.setString(5, JSON.writeValueAsString(summary.rows()));
                    p.setLong(6, summary.durationMillis());
                    p.setLong(7, millis);
                    p.setString(8, JSON.writeValueAsString(timeline));
                    p.setString(9, traceId);
                    p.executeUpdate();
                }
                c.commit();
            } catch (Exception | Error e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Drops a load's tables, attached or not (a failed load's, or a deleted trace's). */
    public void dropLoad(long load) {
        StringBuilder tables = new StringBuilder();
        for (Tables t : Tables.values()) tables.append(tables.length() == 0 ? "" : ", ").append(IndexSchema.q(IndexSchema.loadTable(t, load)));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("set lock_timeout = '60s'");
            s.execute("drop table if exists " + tables);
        } catch (SQLException e) {
            log.warn("cannot drop the tables of index load {}: {} (they are dropped at the next start)", load, e.getMessage());
        }
    }
}
