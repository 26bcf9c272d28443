package dev.omniscope.syscalls;

/**
 * One system call as the recorder saw it: number, arguments and result, and a way to read the
 * caller's memory (for outputs whose place or size is itself in memory: iovecs, socklen_t...).
 */
public record SyscallCall(int number, long[] args, long result, MemoryReader memory) {
    /** Reads the traced task's memory. */
    @FunctionalInterface
    public interface MemoryReader {
        /** Reads {@code length} bytes at {@code address}; fewer if memory ends. */
        byte[] read(long address, int length);

        default long u64(long address) {
            byte[] b = read(address, 8);
            if (b.length < 8) return 0;
            return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        }

        default long u32(long address) {
            byte[] b = read(address, 4);
            if (b.length < 4) return 0;
            return Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
        }
    }

    public long arg(int i) {
        return args[i];
    }

    public boolean succeeded() {
        return result >= 0 || result < -4095;
    }
}
