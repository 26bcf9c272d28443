package dev.omniscope.trace;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import com.github.luben.zstd.ZstdOutputStream;

/**
 * Content-addressed storage of the bytes a trace carries (memory at exec, mapped files): each
 * distinct content is stored once, zstd-compressed, as {@code blobs/<2 hex>/<62 hex>} named by the
 * SHA-256 of the uncompressed bytes. libc mapped by ten processes is one blob.
 */
public final class BlobStore {
    static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final int ZSTD_LEVEL = 3;

    /** Reads the content to store, in pieces: {@code read(offset, buffer, length)} fills the buffer. */
    @FunctionalInterface
    public interface Source {
        void read(long offset, byte[] buffer, int length) throws IOException;
    }

    private final Path root;
    private long blobs;
    private long storedBytes;
    private long dedupedBytes;

    public BlobStore(Path traceDirectory) throws IOException {
        this.root = traceDirectory.resolve("blobs");
        Files.createDirectories(root);
    }

    public static String entryName(String hash) {
        if (!HASH.matcher(hash).matches()) throw new TraceFormatException("not a blob hash: " + hash);
        return "blobs/" + hash.substring(0, 2) + "/" + hash.substring(2);
    }

    /**
     * Stores {@code length} bytes read from {@code source} and returns their hash. The content is
     * read twice when new (once to hash, once to compress), so that nothing but a buffer is held.
     */
    public String put(long length, Source source) throws IOException {
        byte[] buffer = new byte[(int) Math.min(length, 1 << 20)];
        MessageDigest sha = sha256();
        for (long off = 0; off < length; off += buffer.length) {
            int n = (int) Math.min(buffer.length, length - off);
            source.read(off, buffer, n);
            sha.update(buffer, 0, n);
        }
        String hash = HexFormat.of().formatHex(sha.digest());
        Path file = root.resolve(entryName(hash).substring("blobs/".length()));
        if (Files.exists(file)) {
            dedupedBytes += length;
            return hash;
        }
        Files.createDirectories(file.getParent());
        Path partial = Files.createTempFile(file.getParent(), "blob", ".partial");
        try (OutputStream out = new ZstdOutputStream(Files.newOutputStream(partial), ZSTD_LEVEL)) {
            for (long off = 0; off < length; off += buffer.length) {
                int n = (int) Math.min(buffer.length, length - off);
                source.read(off, buffer, n);
                out.write(buffer, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        blobs++;
        storedBytes += length;
        return hash;
    }

    public String put(byte[] content) throws IOException {
        return put(content.length, (off, buf, len) -> System.arraycopy(content, (int) off, buf, 0, len));
    }

    public long blobs() {
        return blobs;
    }

    /** Uncompressed bytes of the blobs written by this store. */
    public long storedBytes() {
        return storedBytes;
    }

    /** Bytes that were already stored and not written again. */
    public long dedupedBytes() {
        return dedupedBytes;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
