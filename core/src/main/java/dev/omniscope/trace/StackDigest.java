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
 * @param hash   64-bit FNV-1a of those bytes (saved MXCSR flags left out: {@link #hash})
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

    /**
     * FNV-1a over the bytes, except that an aligned 32-bit word that reads as an MXCSR value with
     * default controls (0x1F80 plus any of the six exception flags) counts as 0x1F80: programs save
     * MXCSR on their stacks (the JVM's call stub does), and the emulator's (QEMU 5) never sets the
     * sticky exception flags a real CPU sets, a difference that changes nothing the program does.
     */
    private static long hash(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            if ((i & 3) == 0 && i + 3 < bytes.length && (b & 0xC0) == 0x80 && bytes[i + 1] == 0x1F && bytes[i + 2] == 0
                    && bytes[i + 3] == 0) {
                b = 0x80; // the low byte of 0x00001F80..0x00001FBF: its flags dropped
            }
            h = (h ^ b) * 0x100000001b3L;
        }
        return h;
    }
}
