package dev.omniscope.trace;

/**
 * The top of a task's stack at a fingerprinted moment (a signal's delivery, a preemption): how
 * many bytes from rsp up, and their hash. Registers name a moment of a loop only up to its
 * iteration when the loop keeps its state in memory: `openssl speed` hashes the same buffer with
 * the same registers in every iteration until a SIGALRM stops it, and only the count saved on the
 * stack tells the iterations apart. So the replay compares these bytes too (trace-format.md,
 * "Fingerprints").
 *
 * @param length bytes from rsp (at most {@link #MAX_LENGTH}; fewer where the stack's memory ends)
 * @param hash   64-bit FNV-1a of those bytes
 */
public record StackDigest(int length, long hash) {
    /** How much of the stack a digest covers: a few frames of a loop's callees. */
    public static final int MAX_LENGTH = 4096;

    public static StackDigest of(byte[] bytes) {
        return new StackDigest(bytes.length, hash(bytes));
    }

    /** Whether {@code bytes} (read at the same rsp, {@link #length} of them) are the bytes digested. */
    public boolean matches(byte[] bytes) {
        return bytes.length == length && hash(bytes) == hash;
    }

    private static long hash(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) h = (h ^ (b & 0xFF)) * 0x100000001b3L;
        return h;
    }
}
