package dev.omniscope.server.index;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

import org.postgresql.copy.CopyIn;

/**
 * Rows in PostgreSQL's binary COPY format, buffered and streamed to a {@link CopyIn}: the header,
 * then per row a field count and each field as a length and its bytes (big-endian integers, raw
 * bytea and UTF-8 text), then the trailer. Nothing but the buffer is held in memory.
 */
final class BinaryCopy {
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    private final CopyIn copy;
    private final byte[] buffer = new byte[1 << 20];
    private int used;
    private long rows;

    BinaryCopy(CopyIn copy) throws SQLException {
        this.copy = copy;
        write(HEADER, 0, HEADER.length);
    }

    long rows() {
        return rows;
    }

    private void room(int n) throws SQLException {
        if (used + n > buffer.length) flush();
    }

    private void flush() throws SQLException {
        if (used > 0) copy.writeToCopy(buffer, 0, used);
        used = 0;
    }

    private void write(byte[] b, int off, int len) throws SQLException {
        if (len > buffer.length - used) {
            flush();
            if (len > buffer.length) {
                copy.writeToCopy(b, off, len);
                return;
            }
        }
        System.arraycopy(b, off, buffer, used, len);
        used += len;
    }

    private void int16(int v) {
        buffer[used++] = (byte) (v >>> 8);
        buffer[used++] = (byte) v;
    }

    private void int32(int v) {
        buffer[used++] = (byte) (v >>> 24);
        buffer[used++] = (byte) (v >>> 16);
        buffer[used++] = (byte) (v >>> 8);
        buffer[used++] = (byte) v;
    }

    private void int64(long v) {
        int32((int) (v >>> 32));
        int32((int) v);
    }

    void startRow(int fields) throws SQLException {
        room(2);
        int16(fields);
        rows++;
    }

    void i16(int v) throws SQLException {
        room(6);
        int32(2);
        int16(v);
    }

    void i32(int v) throws SQLException {
        room(8);
        int32(4);
        int32(v);
    }

    void i64(long v) throws SQLException {
        room(12);
        int32(8);
        int64(v);
    }

    void bool(boolean v) throws SQLException {
        room(5);
        int32(1);
        buffer[used++] = (byte) (v ? 1 : 0);
    }

    void nul() throws SQLException {
        room(4);
        int32(-1);
    }

    void bytes(byte[] b) throws SQLException {
        if (b == null) {
            nul();
            return;
        }
        room(4);
        int32(b.length);
        write(b, 0, b.length);
    }

    void text(String s) throws SQLException {
        bytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the trailer and ends the COPY; the number of rows PostgreSQL took. */
    long finish() throws SQLException {
        room(2);
        int16(-1);
        flush();
        return copy.endCopy();
    }

    void cancel() {
        try {
            if (copy.isActive()) copy.cancelCopy();
        } catch (SQLException ignored) {
            // the connection is rolled back or closed next
        }
    }
}
