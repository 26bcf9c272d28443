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
import dev.omniscope.indexer.index.IndexTable;
import dev.omniscope.indexer.query.ArrowIndex;
import dev.omniscope.indexer.query.TableRow;
import dev.omniscope.indexer.query.Timeline;
import dev.omniscope.server.traces.TraceRepository;
import jakarta.annotation.PostConstruct;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads a trace's index (the Arrow files of {@code omni index}) into PostgreSQL.
 *
 * <p>For every index table of a new load, a fresh table ({@link IndexPartitions#create}) is filled
 * from the Arrow file with binary {@code COPY ... FREEZE} one record batch at a time, then
 * indexed and analyzed, each table in its own transaction. None of that is visible: only
 * partitions are. Then {@link IndexPartitions#attach} makes the load the trace's, in one
 * transaction. A load that fails or is cancelled drops its fresh tables.
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
    private final IndexPartitions partitions;

    public IndexLoader(DataSource dataSource, IndexPartitions partitions) {
        this.dataSource = dataSource;
        this.partitions = partitions;
    }

    /**
     * Loads the index in {@code directory} as the partitions of trace {@code traceId} (key
     * {@code traceKey}) and records it with the trace, and the moment it opens at ({@code openingJson}, may be null). Throws when anything fails; nothing of the
     * load is then visible.
     */
    public Loaded load(String traceId, long traceKey, Path directory, IndexSummary summary, String openingJson, Progress progress)
            throws Exception {
        long started = System.nanoTime();
        long load = partitions.newLoad();
        long rowsInIndex = 0;
        for (IndexTable t : IndexTable.values()) rowsInIndex += summary.rows().getOrDefault(t.tableName(), 0L);
        long total = rowsInIndex;
        long[] done = {0};
        Timeline.Builder timeline = new Timeline.Builder(summary.instructions());
        boolean attached = false;
        try (ArrowIndex index = ArrowIndex.open(directory)) {
            long rows = 0;
            StringBuilder tables = new StringBuilder();
            for (IndexTable t : IndexTable.values()) {
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
            partitions.attach(traceId, traceKey, new TraceRepository.Load(load, summary.instructions(), summary.complete(),
                    summary.problem() == null ? null : JSON.writeValueAsString(summary.problem()), JSON.writeValueAsString(summary.rows()),
                    summary.durationMillis(), millis, JSON.writeValueAsString(timeline.build()), openingJson));
            attached = true;
            log.info("loaded the index of trace {}: {} rows ({} index rows) in {} ms (load {}{})", traceId, rows, rowsInIndex, millis, load,
                    tables);
            return new Loaded(load, rows, millis);
        } finally {
            if (!attached) partitions.drop(load);
        }
    }

    /** Creates, fills, indexes and analyzes one fresh table; the rows it took. */
    private long loadTable(ArrowIndex index, IndexTable t, long load, long key, Timeline.Builder timeline, java.util.function.LongConsumer loaded)
            throws Exception {
        String table = PgSchema.loadTable(t, load);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("set local maintenance_work_mem = '256MB'");
                String quoted = IndexPartitions.create(s, t, load, key);
                BinaryCopy copy = new BinaryCopy(c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                        "copy " + quoted + " (" + PgSchema.copyColumnList(t) + ") from stdin with (format binary, freeze)"));
                long taken;
                try {
                    if (PgSchema.packed(t)) copyPacked(index, t, copy, loaded);
                    else copyRows(index, t, copy, timeline, loaded);
                    taken = copy.finish();
                } catch (Exception | Error e) {
                    copy.cancel();
                    throw e;
                }
                for (PgSchema.Index i : PgSchema.indexes(t)) s.execute(PgSchema.createIndex(table, i));
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
    private static void copyRows(ArrowIndex index, IndexTable t, BinaryCopy copy, Timeline.Builder timeline,
                                 java.util.function.LongConsumer loaded) throws IOException, SQLException {
        List<IndexTable.Column> columns = t.columns();
        int fields = PgSchema.copyColumns(t).size();
        boolean seq = PgSchema.hasSeq(t);
        long[] n = {0};
        index.scanBatches(t, row -> {
            int rows = row.batchRows();
            try {
                for (int i = 0; i < rows; i++) {
                    ArrowIndex.at(row, i);
                    copy.startRow(fields);
                    for (int c = 0; c < columns.size(); c++) field(copy, row, c, columns.get(c));
                    if (seq) copy.i64(n[0]);
                    n[0]++;
                    timeline.row(t, row);
                }
            } catch (SQLException e) {
                throw new IOException(e.getMessage(), e);
            }
            loaded.accept(rows);
            return true;
        });
    }

    private static void field(BinaryCopy copy, TableRow row, int c, IndexTable.Column column) throws SQLException {
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

    /** reg_changes as runs of one register of one thread ({@link PackedRegisters}). */
    private static void copyPacked(ArrowIndex index, IndexTable t, BinaryCopy copy, java.util.function.LongConsumer loaded)
            throws IOException, SQLException {
        int cStep = t.column("step"), cPid = t.column("pid"), cTid = t.column("tid"), cReg = t.column("reg"),
                cValue = t.column("value"), cHi = t.column("value_hi");
        int fields = PgSchema.copyColumns(t).size();
        Map<Long, PackedRegisters.Run[]> runs = new HashMap<>();
        index.scanBatches(t, row -> {
            int rows = row.batchRows();
            try {
                long lastTask = Long.MIN_VALUE;
                PackedRegisters.Run[] byReg = null;
                for (int i = 0; i < rows; i++) {
                    ArrowIndex.at(row, i);
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
        // column order: PgSchema.columns(REG_CHANGES) after the key
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
}
