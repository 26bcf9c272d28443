package dev.omniscope.server.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.DataSource;

import org.springframework.stereotype.Component;

import dev.omniscope.indexer.index.Tables;
import dev.omniscope.server.query.OpenTraces;
import dev.omniscope.server.traces.TraceDataStore;
import dev.omniscope.server.traces.TraceDirectories;

/**
 * What a trace has besides its row and file: its partitions of the index tables, its job's work
 * directory, and what the query API holds open for it. Deleting drops the partitions and the row
 * in one transaction that first locks the row: a job attaching a load at that moment either
 * finished first (its partitions are dropped here) or finds the row gone and drops its own.
 */
@Component
class IndexedTraceData implements TraceDataStore {
    private final DataSource dataSource;
    private final TraceDirectories directories;
    private final OpenTraces open;

    IndexedTraceData(DataSource dataSource, TraceDirectories directories, OpenTraces open) {
        this.dataSource = dataSource;
        this.directories = directories;
        this.open = open;
    }

    @Override
    public void delete(String traceId) throws Exception {
        open.evict(traceId);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("set local lock_timeout = '60s'");
                Long load = null;
                try (PreparedStatement p = c.prepareStatement("select index_load from traces where id = ? for update")) {
                    p.setString(1, traceId);
                    try (ResultSet rs = p.executeQuery()) {
                        if (rs.next()) load = (Long) rs.getObject(1);
                    }
                }
                if (load != null) {
                    StringBuilder tables = new StringBuilder();
                    for (Tables t : Tables.values()) {
                        tables.append(tables.length() == 0 ? "" : ", ").append(IndexSchema.q(IndexSchema.loadTable(t, load)));
                    }
                    s.execute("drop table if exists " + tables);
                }
                try (PreparedStatement p = c.prepareStatement("delete from traces where id = ?")) {
                    p.setString(1, traceId);
                    p.executeUpdate();
                }
                c.commit();
            } catch (Exception | Error e) {
                c.rollback();
                throw e;
            }
        }
        open.evict(traceId);
        TraceDirectories.deleteRecursively(directories.work(traceId));
        TraceDirectories.deleteRecursively(directories.trace(traceId).resolve("index"));
    }
}
