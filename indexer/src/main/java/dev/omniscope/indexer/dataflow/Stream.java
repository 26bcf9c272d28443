package dev.omniscope.indexer.dataflow;

import java.util.ArrayList;
import java.util.List;

/**
 * One direction of a pipe or socketpair between recorded processes: the bytes written into it, in
 * the writers' order, and how far the readers have taken. Positions are counted separately for
 * writers and readers, each in step order, so a read whose row carries the step it blocked at
 * still takes the bytes written while it waited.
 */
final class Stream {
    /**
     * Bytes [position, position + length) of the stream came from {@code write} (null: not from a
     * recorded buffer, e.g. sendfile), starting at byte {@code writeIndex} of its data; the
     * descriptions it passed with SCM_RIGHTS.
     */
    record Chunk(long position, long length, IoCall write, long writeIndex, List<Description> rights) {
        long end() {
            return position + length;
        }
    }

    /** Descriptors a reader received with SCM_RIGHTS, waiting for the send that passed them. */
    private record Receipt(long start, long length, List<Description> received) {}

    /** Datagram semantics (SOCK_DGRAM, SOCK_SEQPACKET, a packet pipe): each read takes one whole message. */
    final boolean datagram;
    private final List<Chunk> chunks = new ArrayList<>();
    private final List<Receipt> pending = new ArrayList<>();
    private long written, read;
    private int messagesRead;
    /** A call not modelled moved bytes in (or out): positions past it are not known. */
    private boolean writesLost, readsLost;

    Stream(boolean datagram) {
        this.datagram = datagram;
    }

    /** A write of {@code length} bytes: appended at the end. */
    void append(IoCall write, long length, List<Description> rights) {
        if (length <= 0 || writesLost) return;
        chunks.add(new Chunk(written, length, write, 0, rights));
        written += length;
        if (!rights.isEmpty()) pending.removeIf(this::link);
    }

    /**
     * A read of {@code length} bytes: the position of its first byte (for datagrams: the index of
     * its message; -1 when not known); {@code peek} (MSG_PEEK) leaves them for the next read.
     */
    long take(long length, boolean peek) {
        if (readsLost) return -1;
        if (datagram) return peek ? messagesRead : messagesRead++;
        long at = read;
        if (!peek) read += length;
        return at;
    }

    /** A call that is not modelled (sendmmsg, recvmmsg) wrote into the stream, or read from it: what follows has no known writer. */
    void lose(boolean writes) {
        if (writes) writesLost = true;
        else readsLost = true;
    }

    /** Descriptors a read at {@code start} (a position, or a message index) of {@code length} bytes received. */
    void receive(long start, long length, List<Description> received) {
        if (start < 0) return;
        Receipt r = new Receipt(start, length, received);
        if (!link(r)) pending.add(r);
    }

    /** The received descriptors stand for those of the first send with SCM_RIGHTS in the bytes read. */
    private boolean link(Receipt r) {
        List<Chunk> candidates = !datagram ? chunks : r.start() < chunks.size() ? List.of(chunks.get((int) r.start())) : List.of();
        for (Chunk c : candidates) {
            if (c.rights().isEmpty() || !datagram && (c.position() < r.start() || c.position() >= r.start() + r.length())) continue;
            for (int i = 0; i < Math.min(c.rights().size(), r.received().size()); i++) r.received().get(i).target = c.rights().get(i);
            return true;
        }
        return false;
    }

    /** Message {@code index} of a datagram stream, or null. */
    Chunk message(int index) {
        return index >= 0 && index < chunks.size() ? chunks.get(index) : null;
    }

    /** The chunk holding byte {@code position}, or null when no recorded write put it there. */
    Chunk chunkAt(long position) {
        int lo = 0, hi = chunks.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Chunk c = chunks.get(mid);
            if (position < c.position()) hi = mid - 1;
            else if (position >= c.end()) lo = mid + 1;
            else return c;
        }
        return null;
    }
}
