package dev.omniscope.server.index;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.omniscope.indexer.index.IndexTable;
import dev.omniscope.server.traces.TraceDataStore;
import dev.omniscope.server.traces.TraceDirectories;
import dev.omniscope.server.traces.TraceRepository;
import jakarta.annotation.PostConstruct;

/**
 * The one owner of a trace's partitions of the index tables: every table a load creates, the
 * attach that makes a load visible, and every drop. Each load has a number ({@code index_loads});
 * its tables are {@code <table>_l<load>}. IndexTable that are no partition belong to a load not yet
 * attached (being filled, or left by a server that died mid-load: {@link #dropAbandonedLoads} at
 * the next start).
 *
 * <p>Deleting a trace ({@link TraceDataStore}) locks its row, drops its partitions and deletes the
 * row in one transaction: a load attaching at that moment either finished first (its partitions
 * are dropped here) or finds the row gone and drops its own tables.
 */
@Component
@Order(1) // before the open traces forget it: a request that opens it in between finds no row
public class IndexPartitions implements TraceDataStore {
    private static final Logger log = LoggerFactory.getLogger(IndexPartitions.class);

    private final DataSource dataSource;
    private final TraceDirectories directories;

    public IndexPartitions(DataSource dataSource, TraceDirectories directories) {
        this.dataSource = dataSource;
        this.directories = directories;
    }

    /** Fresh tables of loads a stopped server left behind (a partition is never dropped here). */
    @PostConstruct
    public void dropAbandonedLoads() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            List<String> abandoned = new ArrayList<>();
            StringBuilder names = new StringBuilder();
            for (IndexTable t : IndexTable.values()) names.append(names.length() == 0 ? "" : "|").append(t.tableName());
            try (ResultSet rs = s.executeQuery("select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                    + "where n.nspname = current_schema() and c.relkind = 'r' and not c.relispartition "
                    + "and c.relname ~ '^(" + names + ")_l[0-9]+$'")) {
                while (rs.next()) abandoned.add(rs.getString(1));
            }
            for (String table : abandoned) s.execute("drop table if exists " + PgSchema.q(table));
            if (!abandoned.isEmpty()) log.info("dropped {} tables of interrupted index loads", abandoned.size());
        }
    }

    /** A new load's number. */
    public long newLoad() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select nextval('index_loads')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Creates load {@code load}'s fresh table of {@code t} in the caller's transaction: shaped like
     * the partitioned parent (defaults and constraints), with trace {@code key} as the key's default
     * and a check constraint (which spares the attach a scan). Returns its quoted name.
     */
    static String create(Statement s, IndexTable t, long load, long key) throws SQLException {
        String table = PgSchema.loadTable(t, load);
        String quoted = PgSchema.q(table);
        s.execute("create table " + quoted + " (like " + PgSchema.q(t.tableName()) + " including defaults including constraints)");
        s.execute("alter table " + quoted + " alter column " + PgSchema.KEY + " set default " + key
                + ", add constraint " + PgSchema.q(table + "_key") + " check (" + PgSchema.KEY + " = " + key + ")");
        return quoted;
    }

    /**
     * The one transaction that makes a load visible: locks the trace's row, drops the partitions of
     * its earlier load (a job repeated after a restart), attaches every table of {@code load} as the
     * trace's partition and records the load in the row.
     */
    public void attach(String traceId, long key, TraceRepository.Load load) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("set local lock_timeout = '60s'");
                TraceRepository.Locked row = TraceRepository.lock(c, traceId);
                if (!row.exists()) throw new IllegalStateException("the trace was deleted while its index was loaded");
                for (IndexTable t : IndexTable.values()) {
                    if (row.load() != null) s.execute("drop table if exists " + PgSchema.q(PgSchema.loadTable(t, row.load())));
                    s.execute("alter table " + PgSchema.q(t.tableName()) + " attach partition "
                            + PgSchema.q(PgSchema.loadTable(t, load.load())) + " for values in (" + key + ")");
                }
                TraceRepository.recordLoad(c, traceId, load);
                c.commit();
            } catch (Exception | Error e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Drops a load's tables, attached or not (a failed load's); on failure they are dropped at the next start. */
    public void drop(long load) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("set lock_timeout = '60s'");
            s.execute("drop table if exists " + tables(load));
        } catch (SQLException e) {
            log.warn("cannot drop the tables of index load {}: {} (they are dropped at the next start)", load, e.getMessage());
        }
    }

    private static String tables(long load) {
        StringBuilder tables = new StringBuilder();
        for (IndexTable t : IndexTable.values()) tables.append(tables.length() == 0 ? "" : ", ").append(PgSchema.q(PgSchema.loadTable(t, load)));
        return tables.toString();
    }

    /**
     * A deleted trace's row and partitions (one transaction), its job's work directory and index.
     * The row's deletion is the claim: a deletion that finds the row gone (another won) throws
     * {@link TraceDataStore.Gone} and removes nothing.
     */
    @Override
    public void delete(String traceId) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("set local lock_timeout = '60s'");
                // an attach holds the row's lock until it commits: then the row names its load, dropped here
                Optional<TraceRepository.Deleted> deleted = TraceRepository.delete(c, traceId);
                if (deleted.isEmpty()) throw new TraceDataStore.Gone(traceId);
                if (deleted.get().load() != null) s.execute("drop table if exists " + tables(deleted.get().load()));
                c.commit();
            } catch (Exception | Error e) {
                c.rollback();
                throw e;
            }
        }
        TraceDirectories.deleteRecursively(directories.work(traceId));
        TraceDirectories.deleteRecursively(directories.trace(traceId).resolve("index"));
    }
}
