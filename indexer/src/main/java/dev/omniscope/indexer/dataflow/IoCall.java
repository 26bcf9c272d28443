package dev.omniscope.indexer.dataflow;

import java.util.List;

/**
 * A system call that moved data between a descriptor and memory: a read (its bytes entered the
 * caller's buffers) or a write (its buffers' bytes left).
 *
 * @param desc     the descriptor's description when the call was made
 * @param offset   the file offset of the data's first byte; null when not a file with offsets, or not known
 * @param stream   reads of a pipe or socketpair: the stream the bytes came from; else null
 * @param position reads of a stream: the stream position of the data's first byte, or for a
 *                 datagram stream the index of the message read; -1 when not known
 * @param length   the bytes moved (the call's result)
 * @param pieces   the caller's buffers, in data order, cut to {@code length} bytes (read from memory on first use)
 * @param peer     the socket address the bytes came from or went to, if known
 */
record IoCall(int pid, int tid, long step, String syscall, int fd, Description desc, Long offset, Stream stream, long position,
              long length, ProcessMemory.Lazy<List<FileDescriptors.Piece>> pieces, ProcessMemory.Lazy<String> peer) {
    /** The stream position of the data's first byte, or -1 when a datagram's message is not known. */
    long streamStart() {
        if (!stream.datagram || position < 0) return position;
        Stream.Chunk m = stream.message((int) position);
        return m == null ? -1 : m.position();
    }
}
