package dev.omniscope.indexer.replay;

/**
 * A piece of a process's address space during a replay, and where its bytes came from, so that
 * memory can be read at any step from the index: the bytes of {@code [start, end)} at a step are
 * the last writes (by instructions or the kernel) since {@code contentStep}, else this origin.
 *
 * @param prot        PROT_READ 1, PROT_WRITE 2, PROT_EXEC 4
 * @param shared      MAP_SHARED
 * @param path        the mapped file or pseudo-name ([heap], [stack]), or empty
 * @param fileOffset  offset of {@code start} in the file
 * @param origin      what the bytes were when this content began
 * @param blob        with {@link Origin#BLOB}: the blob holding the bytes from {@code blobOffset}
 * @param blobOffset  with {@link Origin#BLOB}: offset in the blob of the byte at {@code start}
 * @param blobLength  with {@link Origin#BLOB}: the blob's length (bytes past it are zero)
 * @param contentStep the step whose effect created this content (-1: before the first instruction)
 * @param sourcePid   with {@link Origin#INHERITED}: the process whose memory this was at the fork;
 *                    with {@link Origin#BORROWED}: the process whose memory this is
 */
public record Region(long start, long end, int prot, boolean shared, String path, long fileOffset, Origin origin,
                     String blob, long blobOffset, long blobLength, long contentStep, int sourcePid) {

    public enum Origin {
        /** Fresh anonymous memory, or bytes the kernel would not let the recorder read. */
        ZERO,
        /** Bytes of a blob in the trace (exec snapshot, mapped file). */
        BLOB,
        /** A forked child's copy: the parent's memory ({@code sourcePid}) as of {@code contentStep}. */
        INHERITED,
        /** A vfork child's view: the lender's memory ({@code sourcePid}) at the same step, its writes included. */
        BORROWED
    }

    public long length() {
        return end - start;
    }

    /** The part of this region within [from, to), with its origin offsets adjusted. */
    public Region slice(long from, long to) {
        long s = Math.max(start, from), e = Math.min(end, to);
        return new Region(s, e, prot, shared, path, fileOffset + (s - start), origin, blob, blobOffset + (s - start),
                blobLength, contentStep, sourcePid);
    }

    public Region withProt(int newProt) {
        return new Region(start, end, newProt, shared, path, fileOffset, origin, blob, blobOffset, blobLength, contentStep, sourcePid);
    }

    /** The same pages seen in a forked child: their content is the parent's at the fork. */
    public Region inheritedBy(long forkStep, int parentPid) {
        if (shared) return this; // both processes see the same pages: content stays the parent's own
        return new Region(start, end, prot, false, path, fileOffset, Origin.INHERITED, null, 0, 0, forkStep, parentPid);
    }

    /** The same pages seen by a vfork child, which runs in its lender's memory. */
    public Region borrowedBy(int lenderPid) {
        return new Region(start, end, prot, shared, path, fileOffset, Origin.BORROWED, null, 0, 0, contentStep, lenderPid);
    }
}
