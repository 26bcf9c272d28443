package dev.omniscope.trace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Little-endian encoding helpers for the trace's binary records. */
final class Binary {
    private Binary() {}

    /** A growable output buffer. */
    static final class Out {
        private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void ensure(int more) {
            if (buf.remaining() >= more) return;
            int capacity = Math.max(buf.capacity() * 2, buf.position() + more);
            buf = ByteBuffer.wrap(Arrays.copyOf(buf.array(), capacity)).position(buf.position()).order(ByteOrder.LITTLE_ENDIAN);
        }

        Out u8(int v) { ensure(1); buf.put((byte) v); return this; }
        Out u32(int v) { ensure(4); buf.putInt(v); return this; }
        Out u64(long v) { ensure(8); buf.putLong(v); return this; }

        Out bytes(byte[] b) {
            u32(b.length);
            return raw(b);
        }

        Out raw(byte[] b) {
            ensure(b.length);
            buf.put(b);
            return this;
        }

        Out string(String s) {
            return bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        Out longs(long[] values) {
            ensure(values.length * 8);
            for (long v : values) buf.putLong(v);
            return this;
        }

        int position() { return buf.position(); }
        void putU32At(int at, int v) { buf.putInt(at, v); }
        byte[] array() { return buf.array(); }
        void reset() { buf.clear(); }
    }

    /** Reads what {@link Out} wrote; any overrun is a {@link TraceFormatException}. */
    static final class In {
        private final ByteBuffer buf;

        In(byte[] bytes, int offset, int length) {
            buf = ByteBuffer.wrap(bytes, offset, length).slice().order(ByteOrder.LITTLE_ENDIAN);
        }

        private void need(long n) {
            if (n < 0 || n > buf.remaining()) throw new TraceFormatException("record ends early (needs " + n + " more bytes)");
        }

        int u8() { need(1); return buf.get() & 0xff; }
        int u32() { need(4); return buf.getInt(); }
        long u64() { need(8); return buf.getLong(); }
        /** Whether bytes remain: optional trailing fields. */
        boolean more() { return buf.hasRemaining(); }

        /** A count that must fit in what is left, each element taking at least {@code minSize} bytes. */
        int count(int minSize) {
            int n = u32();
            if (n < 0 || (long) n * minSize > buf.remaining()) throw new TraceFormatException("implausible count " + Integer.toUnsignedString(n));
            return n;
        }

        byte[] bytes() {
            int n = count(1);
            return raw(n);
        }

        byte[] raw(int n) {
            need(n);
            byte[] b = new byte[n];
            buf.get(b);
            return b;
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        long[] longs(int n) {
            need((long) n * 8);
            long[] v = new long[n];
            for (int i = 0; i < n; i++) v[i] = buf.getLong();
            return v;
        }

        boolean atEnd() { return !buf.hasRemaining(); }
    }
}
