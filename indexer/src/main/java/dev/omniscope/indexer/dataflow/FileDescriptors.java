package dev.omniscope.indexer.dataflow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.omniscope.indexer.query.QueryableTrace;

/**
 * Where the bytes a system call wrote into memory came from: the file and offset a read took them
 * from, the peer a socket received them from, or, for a pipe or socketpair between recorded
 * processes, the recorded write that put them there (its thread, step and buffer address), so
 * that the origin of a value can be followed into the writer's memory. And every write to a
 * descriptor, for an output view.
 *
 * <p>Built once from the trace's system calls (in step order), tasks and memory: the descriptor
 * table of every process (threads share their process's; a forked or spawned process starts with a
 * copy of its parent's, sharing the open file descriptions and so their offsets), the offset of
 * every open file description, and the byte streams of pipes and socketpairs. Approximations: see
 * docs/architecture.md, "Data flow". Thread-safe once built.
 */
public final class FileDescriptors {
    /** A piece of a buffer: [address, address + length). */
    public record Piece(long address, long length) {}

    /**
     * A piece of a read's destination: [address, address + length) of the reader's memory, and
     * where its bytes came from.
     *
     * @param syscall the reading call (read, pread64, readv, preadv, preadv2, recvfrom, recvmsg, vmsplice)
     * @param fd      the descriptor it read
     * @param kind    what the descriptor was: {@code file}, {@code pipe}, {@code socket}, {@code stdin} (and
     *                {@code stdout}, {@code stderr}: inherited from outside the recording), {@code unknown}
     *                (opened before the recording, or received from a process not recorded), or the name of
     *                the call that made it ({@code eventfd2}, {@code timerfd_create}...)
     * @param path    a file's path (relative paths resolved against the working directory when it is
     *                known); null for anything else
     * @param offset  the file offset of the piece's first byte; null when the descriptor is not a file
     *                with offsets (pipe, socket, terminal, unknown) or its offset is not known
     * @param peer    the socket address the bytes came from (recvfrom's or recvmsg's source, else the
     *                address the socket was connected to or accepted from), as "1.2.3.4:80",
     *                "[::1]:80", "unix:/path", "unix:@abstract"; null when not known
     * @param writer  the recorded write that put the piece's bytes into the pipe or socket; null when
     *                they did not come from one
     */
    public record Input(long address, int length, String syscall, int fd, String kind, String path, Long offset, String peer,
                        Writer writer) {
        /** Bytes [from, from + n) of this piece, its origin moved along. */
        Input slice(long from, int n) {
            long shift = from - address;
            Writer w = writer == null ? null
                    : new Writer(writer.pid(), writer.tid(), writer.step(), writer.address() + shift, writer.syscall(), writer.fd());
            return new Input(from, n, syscall, fd, kind, path, offset == null ? null : offset + shift, peer, w);
        }
    }

    /**
     * The recorded write that put a piece's bytes into a pipe or socket: the writing thread, its
     * process (the one whose memory holds the buffer: a vfork child's is its own pid, whose memory
     * is its parent's), the step of its call, where the piece's first byte was in its buffer then,
     * the call (write, writev, pwritev, sendto, sendmsg) and its descriptor.
     */
    public record Writer(int pid, int tid, long step, long address, String syscall, int fd) {}

    /**
     * A call that wrote data to a descriptor: write, writev, pwrite64, pwritev, pwritev2, sendto,
     * sendmsg, vmsplice. {@code kind}, {@code path} and {@code peer} are {@link Input}'s; {@code offset} the
     * file offset of its first byte (null: not a file, or not known, as after an O_APPEND write);
     * {@code length} the bytes written (its result); {@code pieces} the buffers they came from, in
     * order, cut to {@code length} bytes; {@code inherited}: the description was open before the
     * recording (stdin, stdout, stderr, another inherited descriptor, or a dup of one), so the bytes
     * left the recorded processes: the program's output.
     */
    public record OutputWrite(long step, int pid, int tid, String syscall, int fd, String kind, String path, Long offset, String peer,
                              long length, List<Piece> pieces, boolean inherited) {}

    private final DescriptorTables tables;

    private FileDescriptors(DescriptorTables tables) {
        this.tables = tables;
    }

    /**
     * Built once from the trace's system calls (in step order), tasks and memory (paths, pipe fds,
     * iovecs); {@code cwd} is the recording's working directory ({@code Trace.header().cwd()}),
     * against which relative paths are resolved (null: unknown, and they stay as given).
     */
    public static FileDescriptors build(QueryableTrace trace, String cwd) throws IOException {
        return new FileDescriptors(DescriptorTables.build(trace, new ProcessMemory(trace.memory()), cwd));
    }

    /**
     * The pieces of [address, address + length) that the system call made by thread {@code tid} at
     * {@code step} wrote into memory, in address order, each with where its bytes came from; empty
     * when that call is not one that reads data from a descriptor (or did not write this range).
     * Where a call's buffers overlap, the bytes are those of the later buffer, as the kernel fills
     * them in order.
     */
    public List<Input> inputs(int tid, long step, long address, int length) throws IOException {
        IoCall call = tables.reads.get(new DescriptorTables.Key(tid, step));
        if (call == null || length <= 0) return List.of();
        List<Input> found = new ArrayList<>();
        long end = address + length, index = 0;
        for (Piece p : call.pieces().get()) {
            long lo = Math.max(p.address(), address), hi = Math.min(p.address() + p.length(), end);
            if (lo < hi) overlay(found, origins(call, index + (lo - p.address()), lo, (int) (hi - lo)));
            index += p.length();
        }
        found.sort(Comparator.comparingLong(Input::address));
        return found;
    }

    /** Every write to a descriptor, in step order (then thread), with its buffers. */
    public List<OutputWrite> writes() throws IOException {
        List<OutputWrite> out = new ArrayList<>();
        for (IoCall w : tables.writes) {
            Description d = w.desc().resolved();
            String path = d.path.get();
            out.add(new OutputWrite(w.step(), w.pid(), w.tid(), w.syscall(), w.fd(), d.kind, path, device(path) ? null : w.offset(),
                    w.peer().get(), w.length(), w.pieces().get(), d.inherited));
        }
        return out;
    }

    /** Where bytes [index, index + n) of a read's data came from; they are at {@code address} in the reader's memory. */
    private static List<Input> origins(IoCall call, long index, long address, int n) throws IOException {
        Description d = call.desc().resolved();
        String path = d.path.get(), peer = call.peer().get();
        List<Input> out = new ArrayList<>();
        long start = call.stream() == null ? -1 : call.streamStart();
        if (start < 0) {
            Long offset = call.offset() == null || device(path) ? null : call.offset() + index;
            out.add(new Input(address, n, call.syscall(), call.fd(), d.kind, path, offset, peer, null));
            return out;
        }
        long pos = start + index;
        while (n > 0) {
            Stream.Chunk chunk = call.stream().chunkAt(pos);
            Writer writer = null;
            int m = n;
            if (chunk != null) {
                m = (int) Math.min(n, chunk.end() - pos);
                if (chunk.write() != null) {
                    // The writer's buffers, in data order: find the one holding the byte, and cut where it ends.
                    long at = chunk.writeIndex() + (pos - chunk.position()), cumulative = 0;
                    for (Piece q : chunk.write().pieces().get()) {
                        if (at < cumulative + q.length()) {
                            m = (int) Math.min(m, cumulative + q.length() - at);
                            IoCall w = chunk.write();
                            writer = new Writer(w.pid(), w.tid(), w.step(), q.address() + (at - cumulative), w.syscall(), w.fd());
                            break;
                        }
                        cumulative += q.length();
                    }
                }
            }
            out.add(new Input(address, m, call.syscall(), call.fd(), d.kind, path, null, peer, writer));
            address += m;
            pos += m;
            n -= m;
        }
        return out;
    }

    /** A device (a terminal, /dev/null, /dev/urandom...): a file without offsets. */
    private static boolean device(String path) {
        return path != null && path.startsWith("/dev/") && !path.startsWith("/dev/shm/");
    }

    /** Adds {@code later} to {@code found}, cutting away what it overwrites there. */
    private static void overlay(List<Input> found, List<Input> later) {
        for (Input l : later) {
            long lo = l.address(), hi = l.address() + l.length();
            List<Input> kept = new ArrayList<>();
            for (Input f : found) {
                long fEnd = f.address() + f.length();
                if (fEnd <= lo || f.address() >= hi) {
                    kept.add(f);
                    continue;
                }
                if (f.address() < lo) kept.add(f.slice(f.address(), (int) (lo - f.address())));
                if (fEnd > hi) kept.add(f.slice(hi, (int) (fEnd - hi)));
            }
            kept.add(l);
            found.clear();
            found.addAll(kept);
        }
    }
}
