package dev.omniscope.indexer.dataflow;

/**
 * An open file description, as the kernel shares it between descriptors (dup, fork, SCM_RIGHTS):
 * what it is, its path, its offset, and for a pipe or socket between recorded processes the
 * streams it reads from and writes to.
 */
final class Description {
    /** file, pipe, socket, stdin, stdout, stderr, unknown (opened before the recording), or the creating call's name (eventfd2...). */
    final String kind;
    /** A file's path (resolved against the working directory when it was known), else null. */
    final ProcessMemory.Lazy<String> path;
    /** The file offset of the next read or write; null when not a file with offsets, or not known. */
    Long offset;
    /** O_APPEND: every write moves the offset to the (unknown) end of the file. */
    boolean append;
    /** The stream a read takes its bytes from, and the one a write appends to (pipes and socketpairs); else null. */
    Stream in, out;
    /** A socket's peer address, when one was given or reported; else null. */
    ProcessMemory.Lazy<String> peer = ProcessMemory.Lazy.of(null);
    /** A descriptor received with SCM_RIGHTS stands for the sender's description, once the sender's call is known. */
    Description target;
    /**
     * Open before the recording began: the first process's stdin, stdout and stderr, and any other
     * descriptor a process used without opening it (so inherited from outside). What is written to
     * one leaves the recording: the program's output.
     */
    final boolean inherited;

    Description(String kind, ProcessMemory.Lazy<String> path, Long offset) {
        this(kind, path, offset, false);
    }

    private Description(String kind, ProcessMemory.Lazy<String> path, Long offset, boolean inherited) {
        this.kind = kind;
        this.path = path == null ? ProcessMemory.Lazy.of(null) : path;
        this.offset = offset;
        this.inherited = inherited;
    }

    /** A description open before the recording: stdin, stdout, stderr, or unknown (another inherited descriptor). */
    static Description inherited(String kind) {
        return new Description(kind, null, null, true);
    }

    /** This description, or the one it was found to stand for. */
    Description resolved() {
        Description d = this;
        while (d.target != null) d = d.target;
        return d;
    }
}
