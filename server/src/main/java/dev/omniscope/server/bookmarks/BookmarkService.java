package dev.omniscope.server.bookmarks;

import java.math.BigInteger;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Service;

import dev.omniscope.server.api.Problems;
import dev.omniscope.server.auth.Caller;
import dev.omniscope.server.traces.TraceAccess;

/** Bookmarks of a trace: read by anyone who may read the trace, added by its owner. Blocking. */
@Service
public class BookmarkService {
    public static final int MAX_NOTE = 2000;
    public static final int MAX_LEN = 1 << 20;
    private static final BigInteger MAX_ADDR = BigInteger.ONE.shiftLeft(64);

    private final JdbcTemplate jdbc;
    private final TraceAccess access;

    public BookmarkService(JdbcTemplate jdbc, TraceAccess access) {
        this.jdbc = jdbc;
        this.access = access;
    }

    private static final RowMapper<Bookmark> ROW = (rs, n) -> {
        long addr = rs.getLong("addr");
        boolean hasAddr = !rs.wasNull();
        String traceId = rs.getString("trace_id");
        long step = rs.getLong("step");
        String hex = hasAddr ? "0x" + Long.toHexString(addr) : null;
        String link = "/t/" + traceId + "/step/" + step + (hex != null ? "?addr=" + hex : "");
        return new Bookmark(rs.getLong("id"), traceId, step, hex, (Integer) rs.getObject("len"), (Integer) rs.getObject("tid"),
                rs.getString("note"), rs.getString("created_by"), rs.getTimestamp("created_at").toInstant(), link);
    };

    public List<Bookmark> list(Caller caller, String traceId) {
        access.readable(caller, traceId);
        return jdbc.query("select * from bookmarks where trace_id = ? order by step, id", ROW, traceId);
    }

    public Bookmark add(Caller caller, String traceId, BookmarkRequest request) {
        access.owned(caller, traceId);
        if (request == null) throw Problems.badRequest("the body must be a JSON object {step, addr?, len?, note?, tid?}");
        if (request.step() == null || request.step() < 0) throw Problems.badRequest("step must be a number, 0 or more");
        Long addr = request.addr() == null ? null : parseAddress(request.addr());
        if (request.len() != null) {
            if (addr == null) throw Problems.badRequest("len needs addr");
            if (request.len() <= 0 || request.len() > MAX_LEN) throw Problems.badRequest("len must be between 1 and " + MAX_LEN);
        } else if (addr != null) {
            throw Problems.badRequest("addr needs len (a number of bytes, more than 0)");
        }
        if (request.tid() != null && request.tid() <= 0) throw Problems.badRequest("tid must be a positive thread id");
        if (request.note() != null && request.note().length() > MAX_NOTE) {
            throw Problems.badRequest("note is " + request.note().length() + " characters; at most " + MAX_NOTE);
        }
        Long id = jdbc.queryForObject("insert into bookmarks (trace_id, step, addr, len, tid, note, created_by) values (?, ?, ?, ?, ?, ?, ?) returning id",
                Long.class, traceId, request.step(), addr, request.len(), request.tid(), request.note(), caller.user());
        return jdbc.queryForObject("select * from bookmarks where id = ?", ROW, id);
    }

    /** "0x..." hex or decimal, within 64 unsigned bits. */
    static long parseAddress(String s) {
        String t = s.trim();
        try {
            BigInteger v = t.startsWith("0x") || t.startsWith("0X") ? new BigInteger(t.substring(2), 16) : new BigInteger(t, 10);
            if (v.signum() < 0 || v.compareTo(MAX_ADDR) >= 0 || t.length() > 40) throw new NumberFormatException();
            return v.longValue();
        } catch (NumberFormatException e) {
            throw Problems.badRequest("addr must be an address: \"0x\" and hex digits, or decimal, below 2^64");
        }
    }

}
