package dev.omniscope.trace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import com.github.luben.zstd.Zstd;

/**
 * Writes the event stream as it goes: events are encoded into a buffer that becomes a compressed,
 * checksummed chunk when it is large or old enough. A recorder killed at any moment leaves every
 * chunk written before it readable (docs/trace-format.md, "Streams").
 */
public final class EventStreamWriter implements AutoCloseable {
    static final byte[] MAGIC = {'O', 'M', 'N', 'I', 'E', 'V', 'T', 'S'};
    static final int CHUNK_MAGIC = 0x4B4E4843; // "CHNK"
    static final int CHUNK_HEADER = 20;
    static final int FORMAT_VERSION = 1;

    private static final int CHUNK_TARGET = 1 << 20;
    private static final long FLUSH_AFTER_NANOS = 1_000_000_000L;
    private static final int ZSTD_LEVEL = 3;

    private final FileChannel file;
    private final Binary.Out pending = new Binary.Out();
    private int pendingRecords;
    private long oldestPendingNanos;
    private long events;
    private long compressedBytes;
    private long uncompressedBytes;

    public EventStreamWriter(Path path) throws IOException {
        file = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).put(MAGIC).putInt(FORMAT_VERSION).putInt(0).flip();
        writeFully(header);
    }

    public void append(TraceEvent event) throws IOException {
        if (pendingRecords == 0) oldestPendingNanos = System.nanoTime();
        EventCodec.encode(event, pending);
        pendingRecords++;
        events++;
        if (pending.position() >= CHUNK_TARGET) flush();
    }

    /** Writes the pending chunk if its oldest event waited longer than a second (bounds what a kill loses). */
    public void flushIfStale() throws IOException {
        if (pendingRecords > 0 && System.nanoTime() - oldestPendingNanos > FLUSH_AFTER_NANOS) flush();
    }

    public void flush() throws IOException {
        if (pendingRecords == 0) return;
        int length = pending.position();
        byte[] compressed = compress(pending.array(), length);
        CRC32C crc = new CRC32C();
        crc.update(compressed);
        ByteBuffer header = ByteBuffer.allocate(CHUNK_HEADER).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(CHUNK_MAGIC).putInt(length).putInt(compressed.length).putInt((int) crc.getValue())
                .putInt(pendingRecords).flip();
        writeFully(header);
        writeFully(ByteBuffer.wrap(compressed));
        compressedBytes += CHUNK_HEADER + compressed.length;
        uncompressedBytes += length;
        pending.reset();
        pendingRecords = 0;
    }

    private static byte[] compress(byte[] src, int length) {
        byte[] dst = new byte[(int) Zstd.compressBound(length)];
        long n = Zstd.compressByteArray(dst, 0, dst.length, src, 0, length, ZSTD_LEVEL);
        if (Zstd.isError(n)) throw new IllegalStateException("zstd: " + Zstd.getErrorName(n));
        return java.util.Arrays.copyOf(dst, (int) n);
    }

    private void writeFully(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) file.write(buf);
    }

    public long events() {
        return events;
    }

    public long compressedBytes() {
        return compressedBytes;
    }

    public long uncompressedBytes() {
        return uncompressedBytes;
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
            file.force(true);
        } finally {
            file.close();
        }
    }
}
