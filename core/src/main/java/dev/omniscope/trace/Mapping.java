package dev.omniscope.trace;

/**
 * A region of a task's address space and what was in it when it appeared: at an exec, every
 * mapping of the new image; after mmap, the new mapping.
 *
 * @param prot      PROT_READ 1, PROT_WRITE 2, PROT_EXEC 4
 * @param flags     {@link #SHARED}, {@link #ANONYMOUS}
 * @param offset    offset in the file, for file mappings
 * @param path      the file, or a pseudo-name such as [stack], [heap], [vdso]; empty if none
 * @param content   how the initial bytes are stored
 * @param blob      with {@link Content#BLOB}: the SHA-256 (hex) of the bytes from {@code start}
 * @param blobLength with {@link Content#BLOB}: how many bytes the blob covers; the rest is zero
 */
public record Mapping(long start, long end, int prot, int flags, long offset, String path,
                      Content content, String blob, long blobLength) {
    public static final int SHARED = 1;
    public static final int ANONYMOUS = 2;

    public enum Content {
        /** All zero (fresh anonymous memory). */
        ZERO,
        /** The bytes are a blob in the trace. */
        BLOB,
        /** The kernel would not let the recorder read them ([vvar], [vsyscall]); replayed as zero. */
        UNREADABLE
    }

    public long length() {
        return end - start;
    }

    public boolean shared() {
        return (flags & SHARED) != 0;
    }

    public String protString() {
        return ((prot & 1) != 0 ? "r" : "-") + ((prot & 2) != 0 ? "w" : "-") + ((prot & 4) != 0 ? "x" : "-")
                + (shared() ? "s" : "p");
    }
}
