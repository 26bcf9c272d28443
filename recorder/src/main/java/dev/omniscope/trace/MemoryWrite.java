package dev.omniscope.trace;

/** Bytes the kernel (not an instruction) put into a task's memory at {@code address}. */
public record MemoryWrite(long address, byte[] bytes) {
    public long end() {
        return address + bytes.length;
    }
}
