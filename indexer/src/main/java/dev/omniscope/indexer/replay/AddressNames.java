package dev.omniscope.indexer.replay;

/**
 * What the replay needs from whoever names code addresses (the module map): to follow every change
 * of the replayed address spaces, in event order, and to name an address in a problem report.
 */
public interface AddressNames {
    /** A process's image is replaced: it starts with no regions. */
    void exec(int pid);

    /** A forked child starts with its parent's regions. */
    void fork(int parentPid, int childPid);

    void regionsChanged(int pid, MemoryMap.Change change);

    /** "function+0x1f", or the module and offset, or null when nothing is known at the address. */
    String name(int pid, long address);
}
