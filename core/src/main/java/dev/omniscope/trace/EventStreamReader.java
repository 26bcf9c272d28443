package dev.omniscope.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.zip.CRC32C;

import com.github.luben.zstd.Zstd;

/**
 * Reads an event stream chunk by chunk, holding one chunk in memory. A stream that stops inside a
 * chunk (the recorder was killed while writing it) ends early and reports {@link #truncated()}; a
 * chunk whose checksum does not match, a wrong magic number or an impossible length is damage and
 * raises a {@link TraceFormatException} that says where.
 */
public final class EventStreamReader implements Iterator<TraceEvent>, AutoCloseable {
    /** Bounds on what one chunk may claim, so that hostile input cannot make us allocate gigabytes. */
    static final int MAX_CHUNK = 64 << 20;

    private final InputStream in;
    private final String name;
    private long offset;
    private int chunkIndex;
    private byte[] chunk;
    private Binary.In records;
    private TraceEvent next;
    private boolean truncated;
    private boolean finished;

    public EventStreamReader(InputStream in, String name) throws IOException {
        this.in = in;
        this.name = name;
        byte[] header = new byte[16];
        int n = in.readNBytes(header, 0, 16);
        if (n < 16 || !Arrays.equals(Arrays.copyOf(header, 8), EventStreamWriter.MAGIC)) {
            throw new TraceFormatException(name + " is not an Omniscope event stream (wrong magic number)");
        }
        int version = ByteBuffer.wrap(header, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (version != EventStreamWriter.FORMAT_VERSION) {
            throw new TraceFormatException(name + " has event format version " + version + "; this omni reads version "
                    + EventStreamWriter.FORMAT_VERSION);
        }
        offset = 16;
    }

    @Override
    public boolean hasNext() {
        if (next != null) return true;
        if (finished) return false;
        try {
            next = advance();
        } catch (IOException e) {
            throw new TraceFormatException("cannot read " + name + ": " + e.getMessage(), e);
        }
        if (next == null) finished = true;
        return next != null;
    }

    @Override
    public TraceEvent next() {
        if (!hasNext()) throw new NoSuchElementException();
        TraceEvent e = next;
        next = null;
        return e;
    }

    /** Whether the stream ended inside a chunk (known once iteration has finished). */
    public boolean truncated() {
        return truncated;
    }

    private TraceEvent advance() throws IOException {
        while (true) {
            if (records == null || records.atEnd()) {
                if (!readChunk()) return null;
            }
            TraceEvent event;
            try {
                int kind = records.u8();
                int length = records.u32();
                if (length < 0) throw new TraceFormatException("record length " + Integer.toUnsignedString(length));
                byte[] payload = records.raw(length);
                event = EventCodec.decode(kind, new Binary.In(payload, 0, payload.length));
            } catch (TraceFormatException e) {
                throw damaged(e.getMessage());
            }
            if (event != null) return event; // unknown kinds are skipped: a later format may add some
        }
    }

    private boolean readChunk() throws IOException {
        byte[] header = new byte[EventStreamWriter.CHUNK_HEADER];
        int n = in.readNBytes(header, 0, header.length);
        if (n == 0) return false;
        if (n < header.length) {
            truncated = true;
            return false;
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int magic = h.getInt(), length = h.getInt(), compressedLength = h.getInt(), crc = h.getInt();
        if (magic != EventStreamWriter.CHUNK_MAGIC) throw damaged("no chunk header");
        if (length < 0 || length > MAX_CHUNK || compressedLength < 0 || compressedLength > MAX_CHUNK) {
            throw damaged("impossible chunk size");
        }
        byte[] compressed = new byte[compressedLength];
        int got = in.readNBytes(compressed, 0, compressedLength);
        if (got < compressedLength) {
            truncated = true;
            return false;
        }
        CRC32C check = new CRC32C();
        check.update(compressed);
        if ((int) check.getValue() != crc) throw damaged("checksum mismatch");
        chunk = new byte[length];
        long size = Zstd.decompressByteArray(chunk, 0, length, compressed, 0, compressedLength);
        if (Zstd.isError(size) || size != length) throw damaged("cannot decompress");
        records = new Binary.In(chunk, 0, length);
        offset += header.length + compressedLength;
        chunkIndex++;
        return true;
    }

    private TraceFormatException damaged(String what) {
        return new TraceFormatException(name + " is damaged in chunk " + chunkIndex + " (at byte " + offset + "): " + what);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
