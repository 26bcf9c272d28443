package dev.omniscope.trace;

/**
 * Bytes the kernel (not an instruction) put into a task's memory at {@code address}: inline for
 * small writes, or, for large ones (a big read()), a blob of {@code blobLength} bytes so that no
 * event record grows beyond a chunk.
 */
public record MemoryWrite(long address, byte[] bytes, String blob, long blobLength) {
    /** Writes up to this size are stored in the event itself. */
    public static final int INLINE_LIMIT = 64 * 1024;

    public MemoryWrite(long address, byte[] bytes) {
        this(address, bytes, null, bytes.length);
    }

    public static MemoryWrite ofBlob(long address, String blob, long length) {
        return new MemoryWrite(address, null, blob, length);
    }

    public boolean inline() {
        return bytes != null;
    }

    public long length() {
        return inline() ? bytes.length : blobLength;
    }

    public long end() {
        return address + length();
    }
}
