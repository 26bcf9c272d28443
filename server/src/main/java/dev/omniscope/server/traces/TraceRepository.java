package dev.omniscope.server.traces;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/**
 * The {@code traces} table: the one place that reads and writes a trace's row (its job state,
 * its loaded index). The methods that take a {@link Connection} run inside a caller's
 * transaction: the loader's attach and the deletion of a trace change partitions and the row
 * together. Blocking (JDBC): call from {@code api.Blocking} or a job thread.
 */
@Repository
public class TraceRepository {
    private static final String COLUMNS = "id, owner, created_at, status, progress, failure_reason, attempts, file_size, "
            + "command, executable, recorded_at, event_count, complete, summary::text as summary, "
            + "case when index_load is null then null else instructions end as index_instructions";
    private static final RowMapper<TraceRecord> ROW = TraceRepository::map;

    private final JdbcTemplate jdbc;
    private final TraceDirectories directories;

    public TraceRepository(JdbcTemplate jdbc, TraceDirectories directories) {
        this.jdbc = jdbc;
        this.directories = directories;
    }

    private static TraceRecord map(ResultSet rs, int n) throws SQLException {
        return new TraceRecord(rs.getString("id"), rs.getString("owner"), rs.getTimestamp("created_at").toInstant(),
                rs.getString("status"), rs.getInt("progress"), rs.getString("failure_reason"), rs.getInt("attempts"),
                rs.getLong("file_size"), rs.getString("command"), rs.getString("executable"), rs.getString("recorded_at"),
                rs.getLong("event_count"), rs.getBoolean("complete"), rs.getString("summary"), (Long) rs.getObject("index_instructions"));
    }

    /** The trace's index state (whether one is loaded, what it covers). */
    public Optional<IndexState> index(String id) {
        return jdbc.query("select id, owner, status, progress, failure_reason, trace_key, index_load, loaded_at, instructions, index_complete, "
                + "index_problem::text, index_rows::text, index_millis, load_millis, index_opening::text from traces where id = ?", (rs, n) -> new IndexState(
                rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5), rs.getLong(6), (Long) rs.getObject(7),
                rs.getTimestamp(8) == null ? null : rs.getTimestamp(8).toInstant(), (Long) rs.getObject(9), (Boolean) rs.getObject(10),
                rs.getString(11), rs.getString(12), (Long) rs.getObject(13), (Long) rs.getObject(14), rs.getString(15)), id).stream().findFirst();
    }

    /** The trace's timeline (see index.Timeline), as stored JSON; null when no index is loaded. */
    public String timelineJson(String id) {
        return jdbc.query("select index_timeline::text from traces where id = ?", rs -> rs.next() ? rs.getString(1) : null, id);
    }

    public void insert(TraceRecord t) {
        jdbc.update("insert into traces (id, owner, status, progress, file_size, command, executable, recorded_at, event_count, complete, summary) "
                        + "values (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?::jsonb)",
                t.id(), t.owner(), t.status(), t.fileSize(), t.command(), t.executable(), t.recordedAt(), t.eventCount(),
                t.complete(), t.summaryJson());
    }

    public Optional<TraceRecord> find(String id) {
        return jdbc.query("select " + COLUMNS + " from traces where id = ?", ROW, id).stream().findFirst();
    }

    /**
     * Newest first; {@code owner} null for every owner; after the position ({@code afterTime}, {@code afterId})
     * when given (keyset pagination: stable while traces are added).
     */
    public List<TraceRecord> list(String owner, Instant afterTime, String afterId, int limit) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from traces where true");
        List<Object> args = new java.util.ArrayList<>();
        if (owner != null) {
            sql.append(" and owner = ?");
            args.add(owner);
        }
        if (afterTime != null) {
            sql.append(" and (created_at, id) < (?, ?)");
            args.add(Timestamp.from(afterTime));
            args.add(afterId);
        }
        sql.append(" order by created_at desc, id desc limit ?");
        args.add(limit);
        return jdbc.query(sql.toString(), ROW, args.toArray());
    }

    /** The trace's number in this database (the partition key of its index tables), or null when the trace is gone. */
    public Long key(String id) {
        return jdbc.query("select trace_key from traces where id = ?", rs -> rs.next() ? rs.getLong(1) : null, id);
    }

    /** The trace's row, locked until the transaction ends: whether it exists, and the load its index partitions are. */
    public record Locked(boolean exists, Long load) {}

    public static Locked lock(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("select index_load from traces where id = ? for update")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? new Locked(true, (Long) rs.getObject(1)) : new Locked(false, null);
            }
        }
    }

    /**
     * What a load of the trace's index is: from the index's summary, the load's timing, the
     * timeline and the opening moment (JSON texts; the opening null when none was found).
     */
    public record Load(long load, long instructions, boolean complete, String problemJson, String rowsJson, long indexMillis,
                       long loadMillis, String timelineJson, String openingJson) {}

    /** Records that {@code load}'s tables are now the trace's partitions. */
    public static void recordLoad(Connection c, String id, Load l) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("update traces set index_load = ?, loaded_at = now(), instructions = ?, "
                + "index_complete = ?, index_problem = ?::jsonb, index_rows = ?::jsonb, index_millis = ?, load_millis = ?, "
                + "index_timeline = ?::jsonb, index_opening = ?::jsonb, updated_at = now() where id = ?")) {
            p.setLong(1, l.load());
            p.setLong(2, l.instructions());
            p.setBoolean(3, l.complete());
            p.setString(4, l.problemJson());
            p.setString(5, l.rowsJson());
            p.setLong(6, l.indexMillis());
            p.setLong(7, l.loadMillis());
            p.setString(8, l.timelineJson());
            p.setString(9, l.openingJson());
            p.setString(10, id);
            p.executeUpdate();
        }
    }

    /**
     * Deletes the row (with its bookmarks and shares) in the caller's transaction: the claim of a
     * deletion. Of concurrent deletions of one trace exactly one gets the row (the others wait for
     * its lock, then find it gone); it alone removes the trace's data and files. Empty when the
     * row was gone.
     */
    public static Optional<Deleted> delete(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("delete from traces where id = ? returning index_load")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(new Deleted((Long) rs.getObject(1))) : Optional.empty();
            }
        }
    }

    /** A deleted row: the load whose partitions it named (null without one). */
    public record Deleted(Long load) {}

    /** queued to indexing, counting the attempt; false if the trace is gone or not queued. */
    public boolean claim(String id) {
        return jdbc.update("update traces set status = 'indexing', attempts = attempts + 1, progress = 0, failure_reason = null, "
                + "updated_at = now() where id = ? and status = 'queued'", id) > 0;
    }

    public void progress(String id, int percent) {
        jdbc.update("update traces set progress = ?, updated_at = now() where id = ? and status = 'indexing'", percent, id);
    }

    /**
     * indexing to indexed or failed; false if the trace is gone. The reason is stored as
     * {@link TraceDirectories#withoutPaths} words it: a reason never names the server's own paths.
     */
    public boolean finish(String id, String status, String failureReason) {
        failureReason = failureReason == null ? null : directories.withoutPaths(failureReason, id);
        return jdbc.update("update traces set status = ?, failure_reason = ?, progress = case when ? = 'indexed' then 100 else progress end, "
                + "updated_at = now() where id = ? and status = 'indexing'", status, failureReason, status, id) > 0;
    }

    /**
     * After a restart: jobs left {@code indexing} by a server that stopped are queued again, or
     * failed once they have been started {@code maxAttempts} times. Returns the queued ids, oldest first.
     */
    public List<String> recover(int maxAttempts) {
        jdbc.update("update traces set status = 'failed', updated_at = now(), failure_reason = "
                + "'indexing was interrupted ' || attempts || ' times (the server stopped during it); giving up' "
                + "where status = 'indexing' and attempts >= ?", maxAttempts);
        jdbc.update("update traces set status = 'queued', progress = 0, updated_at = now() where status = 'indexing'");
        return jdbc.queryForList("select id from traces where status = 'queued' order by created_at, id", String.class);
    }
}
