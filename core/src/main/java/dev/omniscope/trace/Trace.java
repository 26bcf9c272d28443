package dev.omniscope.trace;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import com.github.luben.zstd.ZstdInputStream;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * A recorded trace, opened for reading: a directory written by {@code omni record} or a file
 * written by {@code omni pack}. Everything that reads traces goes through here.
 */
public final class Trace implements AutoCloseable {
    public static final String HEADER = "trace.json";
    public static final String EVENTS = "events";

    static final JsonMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final TraceStorage storage;
    private final TraceHeader header;

    private Trace(TraceStorage storage) throws IOException {
        this.storage = storage;
        this.header = readHeader(storage);
    }

    /** Opens a trace directory or packed trace; anything else is a {@link TraceFormatException} saying why. */
    public static Trace open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            if (!Files.isRegularFile(path.resolve(HEADER))) {
                throw new TraceFormatException(path + " is not a trace directory (no " + HEADER + ")");
            }
            return new Trace(new DirectoryStorage(path));
        }
        if (Files.isRegularFile(path)) {
            PackedTrace packed = PackedTrace.open(path);
            try {
                return new Trace(packed);
            } catch (IOException | RuntimeException e) {
                packed.close();
                throw e;
            }
        }
        throw new TraceFormatException("no trace at " + path);
    }

    private static TraceHeader readHeader(TraceStorage storage) throws IOException {
        TraceHeader header;
        try (InputStream in = storage.open(HEADER)) {
            header = JSON.readValue(in, TraceHeader.class);
        } catch (JacksonException e) {
            throw new TraceFormatException(storage.location() + ": " + HEADER + " is not valid: " + e.getOriginalMessage());
        }
        if (header == null || !TraceHeader.FORMAT.equals(header.format())) {
            throw new TraceFormatException(storage.location() + " is not an Omniscope trace");
        }
        if (header.version() != TraceHeader.VERSION) {
            throw new TraceFormatException(storage.location() + " is trace format version " + header.version()
                    + "; this omni reads version " + TraceHeader.VERSION);
        }
        return header;
    }

    /** The JSON mapper for the trace's JSON entries. */
    public static JsonMapper json() {
        return JSON;
    }

    public TraceHeader header() {
        return header;
    }

    public TraceStorage storage() {
        return storage;
    }

    /** The events from the start; close the reader when done. */
    public EventStreamReader events() throws IOException {
        if (!storage.has(EVENTS)) throw new TraceFormatException(storage.location() + " has no event stream");
        return new EventStreamReader(storage.open(EVENTS), storage.location() + "/" + EVENTS);
    }

    /**
     * A blob's bytes, decompressed; reading past the end checks them against their hash, so a
     * damaged blob is an error rather than wrong memory.
     */
    public InputStream openBlob(String hash) throws IOException {
        String entry = BlobStore.entryName(hash);
        if (!storage.has(entry)) throw new TraceFormatException(storage.location() + " lacks blob " + hash);
        MessageDigest sha = BlobStore.sha256();
        return new FilterInputStream(new ZstdInputStream(storage.open(entry))) {
            private boolean checked;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n;
                try {
                    n = super.read(b, off, len);
                } catch (IOException e) {
                    throw new TraceFormatException(storage.location() + ": blob " + hash + " is damaged: " + e.getMessage(), e);
                }
                if (n > 0) sha.update(b, off, n);
                if (n < 0 && !checked) {
                    checked = true;
                    if (!HexFormat.of().formatHex(sha.digest()).equals(hash)) {
                        throw new TraceFormatException(storage.location() + ": blob " + hash + " is damaged (its content does not match its hash)");
                    }
                }
                return n;
            }
        };
    }

    @Override
    public void close() throws IOException {
        storage.close();
    }
}
