package dev.omniscope.symbols;

/**
 * A PT_LOAD program header: file bytes [fileOffset, fileOffset + fileSize) appear at link-time
 * addresses [vaddr, vaddr + memSize) plus the module's load bias; the rest up to memSize is zeros.
 *
 * @param flags p_flags: {@link #EXECUTE}, {@link #WRITE}, {@link #READ}
 */
public record LoadSegment(long vaddr, long memSize, long fileOffset, long fileSize, int flags) {
    public static final int EXECUTE = 1;
    public static final int WRITE = 2;
    public static final int READ = 4;

    public boolean executable() {
        return (flags & EXECUTE) != 0;
    }

    public boolean writable() {
        return (flags & WRITE) != 0;
    }

    public boolean readable() {
        return (flags & READ) != 0;
    }

    /** Whether a link-time address lies in this segment. */
    public boolean contains(long address) {
        return Long.compareUnsigned(address - vaddr, memSize) < 0;
    }
}
