package dev.omniscope.server.traces;

import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import dev.omniscope.server.auth.Credentials;

/** The {@code shares} table: share tokens by SHA-256, each granting read access to one trace. */
@Repository
public class ShareRepository {
    /** A share link, without its token (which only its creator ever saw). */
    public record Share(String id, String traceId, String createdBy, Instant createdAt) {}

    private final JdbcTemplate jdbc;

    public ShareRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(String id, String traceId, String token, String createdBy) {
        jdbc.update("insert into shares (id, trace_id, token_hash, created_by) values (?, ?, ?, ?)",
                id, traceId, Credentials.sha256Hex(token), createdBy);
    }

    /** Whether {@code token} grants access to {@code traceId}. */
    public boolean grants(String token, String traceId) {
        if (token == null || token.length() > 200) return false;
        Integer n = jdbc.queryForObject("select count(*) from shares where token_hash = ? and trace_id = ?", Integer.class,
                Credentials.sha256Hex(token), traceId);
        return n != null && n > 0;
    }

    public List<Share> list(String traceId) {
        return jdbc.query("select id, trace_id, created_by, created_at from shares where trace_id = ? order by created_at, id",
                (rs, n) -> new Share(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant()), traceId);
    }

    public boolean delete(String traceId, String id) {
        return jdbc.update("delete from shares where trace_id = ? and id = ?", traceId, id) > 0;
    }
}
