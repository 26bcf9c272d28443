package dev.omniscope.indexer.dataflow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.omniscope.indexer.dataflow.FileDescriptors.Piece;
import dev.omniscope.indexer.dataflow.ProcessMemory.Lazy;
import dev.omniscope.indexer.query.Locator;
import dev.omniscope.indexer.query.QueryDocuments;
import dev.omniscope.indexer.query.QueryableTrace;

/**
 * The descriptor tables of a trace's processes, replayed from its system calls in step order:
 * which description each descriptor names, their offsets, the streams between recorded processes,
 * and every call that read or wrote data ({@link IoCall}). Built once; {@link FileDescriptors}
 * answers from what it leaves.
 */
final class DescriptorTables {
    private static final int AT_FDCWD = -100, F_DUPFD = 0, F_SETFD = 2, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030, MSG_PEEK = 2,
            SOCK_STREAM = 1;
    private static final long O_APPEND = 0x400, O_DIRECT = 0x4000, O_CLOEXEC = 0x80000, CLONE_FILES = 0x400,
            CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4, MSG_CMSG_CLOEXEC = 0x40000000L, EINPROGRESS = -115;
    /** Calls that return a new descriptor of their own kind (the kind is the call's name). */
    private static final Set<String> OTHER_FDS = Set.of("eventfd", "eventfd2", "epoll_create", "epoll_create1", "signalfd", "signalfd4",
            "timerfd_create", "inotify_init", "inotify_init1", "pidfd_open", "pidfd_getfd", "fanotify_init", "mq_open", "userfaultfd",
            "perf_event_open", "open_by_handle_at");

    /** A syscalls row: arguments as numbers, result null when it never returned. */
    private record Call(long step, int pid, int tid, String name, long[] a, Long result) {
        int fd(int i) {
            return (int) a[i];
        }
    }

    private record Fd(Description d, boolean cloexec) {}

    /** A process's descriptors and working directory (null: unknown); threads share it. */
    private static final class Table {
        final Map<Integer, Fd> fds = new HashMap<>();
        Lazy<String> cwd = Lazy.of(null);

        Table copy() {
            Table t = new Table();
            t.fds.putAll(fds);
            t.cwd = cwd;
            return t;
        }
    }

    /** A thread's call at a step. */
    record Key(int tid, long step) {}

    private final ProcessMemory mem;
    private final Map<Integer, Table> tables = new HashMap<>();
    final Map<Key, IoCall> reads = new HashMap<>();
    final List<IoCall> writes = new ArrayList<>();

    private DescriptorTables(ProcessMemory mem) {
        this.mem = mem;
    }

    static DescriptorTables build(QueryableTrace trace, ProcessMemory mem, String cwd) throws IOException {
        DescriptorTables t = new DescriptorTables(mem);
        List<Call> calls = new ArrayList<>();
        Map<Key, Call> clones = new HashMap<>();
        for (QueryDocuments.Syscall s : trace.store().syscalls(null, null, null, Integer.MAX_VALUE)) {
            long[] a = new long[6];
            for (int i = 0; i < 6; i++) a[i] = Long.parseUnsignedLong(s.args().get(i).substring(2), 16);
            Call c = new Call(s.step(), s.pid(), s.tid(), s.name(), a, s.result());
            calls.add(c);
            if (c.name().startsWith("clone")) clones.put(new Key(c.tid(), c.step()), c);
        }
        List<Locator.Task> starts = Locator.taskStarts(trace.tasks());
        int next = 0;
        for (Call c : calls) {
            while (next < starts.size() && starts.get(next).startStep() <= c.step()) t.start(starts.get(next++), clones, cwd);
            t.apply(c);
        }
        while (next < starts.size()) t.start(starts.get(next++), clones, cwd);
        return t;
    }

    /**
     * A task starts: the first with the descriptors it inherited, a thread sharing its process's
     * table, a process with a copy of its parent's (sharing it with CLONE_FILES).
     */
    private void start(Locator.Task r, Map<Key, Call> clones, String cwd) throws IOException {
        Table parent = r.parentTid() == null ? null : tables.get(r.parentTid());
        if (parent == null) {
            Table t = new Table();
            if (r.parentTid() == null) {
                String[] std = {"stdin", "stdout", "stderr"};
                for (int fd = 0; fd < 3; fd++) t.fds.put(fd, new Fd(Description.inherited(std[fd]), false));
                t.cwd = Lazy.of(cwd);
            }
            tables.put(r.tid(), t);
            return;
        }
        boolean share = r.kind().equals("thread");
        Call clone = clones.get(new Key(r.parentTid(), r.startStep()));
        if (!share && clone != null) {
            long flags = clone.name().equals("clone3") ? mem.u64(clone.pid(), clone.a()[0], clone.step()) : clone.a()[0];
            share = (flags & CLONE_FILES) != 0;
        }
        tables.put(r.tid(), share ? parent : parent.copy());
    }

    private Table table(int tid) {
        return tables.computeIfAbsent(tid, k -> new Table());
    }

    /**
     * The description {@code fd} names; for a descriptor never opened in the recording, one of
     * unknown kind from then on, inherited from outside the recording.
     */
    private static Description desc(Table t, int fd) {
        return t.fds.computeIfAbsent(fd, k -> new Fd(Description.inherited("unknown"), false)).d().resolved();
    }

    private void apply(Call c) throws IOException {
        if (c.result() == null) return; // it never returned
        long res = c.result();
        long[] a = c.a();
        Table t = table(c.tid());
        if (c.name().equals("connect") && res == EINPROGRESS) res = 0; // a non-blocking connect: the peer is set
        if (res < 0 && res >= -4095) return; // failed calls change nothing
        int pid = c.pid();
        long step = c.step();
        switch (c.name()) {
            case "open" -> open(c, t, AT_FDCWD, a[0], a[1]);
            case "openat" -> open(c, t, c.fd(0), a[1], a[2]);
            case "creat" -> open(c, t, AT_FDCWD, a[0], 01101); // O_CREAT | O_WRONLY | O_TRUNC
            case "openat2" -> open(c, t, c.fd(0), a[1], mem.u64(pid, a[2], step)); // struct open_how starts with flags
            case "memfd_create" -> t.fds.put((int) res, new Fd(new Description("file",
                    Lazy.memo(() -> "memfd:" + mem.string(pid, a[0], step)), 0L), (a[1] & 1) != 0));
            case "close" -> t.fds.remove(c.fd(0));
            case "close_range" -> closeRange(c, t);
            case "dup" -> t.fds.put((int) res, new Fd(desc(t, c.fd(0)), false));
            case "dup2", "dup3" -> {
                if (a[0] != a[1]) t.fds.put(c.fd(1), new Fd(desc(t, c.fd(0)), (a[2] & O_CLOEXEC) != 0 && c.name().equals("dup3")));
            }
            case "fcntl" -> fcntl(c, t, res);
            case "execve", "execveat" -> exec(c.tid(), t);
            case "unshare" -> {
                if ((a[0] & CLONE_FILES) != 0) tables.put(c.tid(), t.copy());
            }
            case "chdir" -> {
                Lazy<String> cwd = t.cwd;
                t.cwd = Lazy.memo(() -> ProcessMemory.resolve(cwd.get(), mem.string(pid, a[0], step)));
            }
            case "fchdir" -> t.cwd = desc(t, c.fd(0)).path;
            case "pipe", "pipe2" -> {
                ByteBuffer fds = mem.bytes(pid, a[0], 8, step + 1);
                Stream s = new Stream(c.name().equals("pipe2") && (a[1] & O_DIRECT) != 0);
                Description r = new Description("pipe", null, null), w = new Description("pipe", null, null);
                r.in = s;
                w.out = s;
                boolean cloexec = c.name().equals("pipe2") && (a[1] & O_CLOEXEC) != 0;
                t.fds.put(fds.getInt(0), new Fd(r, cloexec));
                t.fds.put(fds.getInt(4), new Fd(w, cloexec));
            }
            case "socketpair" -> {
                ByteBuffer fds = mem.bytes(pid, a[3], 8, step + 1);
                boolean datagram = (a[1] & 0xf) != SOCK_STREAM;
                Stream there = new Stream(datagram), back = new Stream(datagram);
                Description d0 = new Description("socket", null, null), d1 = new Description("socket", null, null);
                d0.out = there;
                d1.in = there;
                d1.out = back;
                d0.in = back;
                t.fds.put(fds.getInt(0), new Fd(d0, (a[1] & O_CLOEXEC) != 0));
                t.fds.put(fds.getInt(4), new Fd(d1, (a[1] & O_CLOEXEC) != 0));
            }
            case "socket" -> t.fds.put((int) res, new Fd(new Description("socket", null, null), (a[1] & O_CLOEXEC) != 0));
            case "connect" -> desc(t, c.fd(0)).peer = Lazy.memo(() -> mem.sockaddr(pid, a[1], a[2], step));
            case "accept", "accept4" -> {
                Description d = new Description("socket", null, null);
                if (a[1] != 0 && a[2] != 0) d.peer = Lazy.memo(() -> reported(pid, a[1], a[2], step));
                t.fds.put((int) res, new Fd(d, c.name().equals("accept4") && (a[3] & O_CLOEXEC) != 0));
            }
            case "lseek" -> desc(t, c.fd(0)).offset = res;
            case "read" -> read(c, t, null, false, buffer(a[1], Math.min(res, a[2])), null);
            case "pread64" -> read(c, t, a[3], false, buffer(a[1], Math.min(res, a[2])), null);
            case "readv" -> read(c, t, null, false, iovecs(c, a[1], a[2]), null);
            case "preadv", "preadv2" -> read(c, t, a[3] == -1 ? null : a[3], false, iovecs(c, a[1], a[2]), null);
            case "recvfrom" -> read(c, t, null, (a[3] & MSG_PEEK) != 0, buffer(a[1], Math.min(res, a[2])),
                    a[4] == 0 || a[5] == 0 ? null : Lazy.memo(() -> reported(pid, a[4], a[5], step)));
            case "recvmsg" -> recvmsg(c, t);
            case "write", "sendto" -> write(c, t, null, buffer(a[1], Math.min(res, a[2])), List.of(),
                    c.name().equals("sendto") && a[4] != 0 ? Lazy.memo(() -> mem.sockaddr(pid, a[4], a[5], step)) : null);
            case "pwrite64" -> write(c, t, a[3], buffer(a[1], Math.min(res, a[2])), List.of(), null);
            case "writev" -> write(c, t, null, iovecs(c, a[1], a[2]), List.of(), null);
            case "pwritev", "pwritev2" -> write(c, t, a[3] == -1 ? null : a[3], iovecs(c, a[1], a[2]), List.of(), null);
            case "sendmsg" -> sendmsg(c, t);
            case "vmsplice" -> { // a pipe's write end takes the iovecs' bytes; its read end gives its bytes to them
                if (desc(t, c.fd(0)).in != null) read(c, t, null, false, iovecs(c, a[1], a[2]), null);
                else write(c, t, null, iovecs(c, a[1], a[2]), List.of(), null);
            }
            case "sendmmsg", "recvmmsg" -> {
                Description d = desc(t, c.fd(0));
                Stream s = c.name().equals("sendmmsg") ? d.out : d.in;
                if (s != null) s.lose(c.name().equals("sendmmsg"));
            }
            case "sendfile" -> transfer(t, c.fd(1), a[2] != 0, c.fd(0), false, res);
            case "copy_file_range", "splice" -> transfer(t, c.fd(0), a[1] != 0, c.fd(2), a[3] != 0, res);
            case "tee" -> {
                Description out = desc(t, c.fd(1));
                if (out.out != null) out.out.append(null, res, List.of());
            }
            default -> {
                if (OTHER_FDS.contains(c.name()) && !(c.name().startsWith("signalfd") && a[0] != -1)) {
                    t.fds.put((int) res, new Fd(new Description(c.name(), null, null), false));
                }
            }
        }
    }

    /** The socket address the kernel wrote at {@code address}, its length at {@code lengthAddress} (accept, recvfrom). */
    private String reported(int pid, long address, long lengthAddress, long step) throws IOException {
        return mem.sockaddr(pid, address, mem.bytes(pid, lengthAddress, 4, step + 1).getInt(0), step + 1);
    }

    private void open(Call c, Table t, int dirfd, long pathAddress, long flags) {
        Lazy<String> dir = dirfd == AT_FDCWD ? t.cwd : t.fds.containsKey(dirfd) ? desc(t, dirfd).path : Lazy.of(null);
        int pid = c.pid();
        long step = c.step();
        Lazy<String> path = Lazy.memo(() -> {
            String p = mem.string(pid, pathAddress, step);
            return p != null && p.startsWith("/") ? p : ProcessMemory.resolve(dir.get(), p);
        });
        Description d = new Description("file", path, 0L);
        d.append = (flags & O_APPEND) != 0;
        t.fds.put(c.result().intValue(), new Fd(d, (flags & O_CLOEXEC) != 0));
    }

    private void closeRange(Call c, Table t) {
        long first = c.a()[0], last = c.a()[1], flags = c.a()[2];
        if ((flags & CLOSE_RANGE_UNSHARE) != 0) tables.put(c.tid(), t = t.copy());
        for (Integer fd : List.copyOf(t.fds.keySet())) {
            if (Integer.toUnsignedLong(fd) < first || Integer.toUnsignedLong(fd) > last) continue;
            if ((flags & CLOSE_RANGE_CLOEXEC) != 0) t.fds.put(fd, new Fd(t.fds.get(fd).d(), true));
            else t.fds.remove(fd);
        }
    }

    private void fcntl(Call c, Table t, long res) {
        long cmd = c.a()[1], arg = c.a()[2];
        int fd = c.fd(0);
        if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) t.fds.put((int) res, new Fd(desc(t, fd), cmd == F_DUPFD_CLOEXEC));
        else if (cmd == F_SETFD) t.fds.put(fd, new Fd(desc(t, fd), (arg & 1) != 0));
        else if (cmd == F_SETFL) desc(t, fd).append = (arg & O_APPEND) != 0;
    }

    /** A successful exec: the process gets a table of its own, without its close-on-exec descriptors. */
    private void exec(int tid, Table t) {
        Table own = t.copy();
        own.fds.values().removeIf(Fd::cloexec);
        tables.put(tid, own);
    }

    private static Lazy<List<Piece>> buffer(long address, long length) {
        return Lazy.of(length > 0 ? List.of(new Piece(address, length)) : List.of());
    }

    private Lazy<List<Piece>> iovecs(Call c, long iov, long count) {
        return Lazy.memo(() -> mem.iovecs(c.pid(), iov, count, c.result(), c.step()));
    }

    /** A call read {@code c.result()} bytes: from the file at an explicit offset, the description's offset (advanced), or its stream. */
    private void read(Call c, Table t, Long explicit, boolean peek, Lazy<List<Piece>> pieces, Lazy<String> from) {
        read(c, t, explicit, peek, pieces, from, null);
    }

    private IoCall read(Call c, Table t, Long explicit, boolean peek, Lazy<List<Piece>> pieces, Lazy<String> from, Description[] used) {
        Description d = desc(t, c.fd(0));
        long n = c.result();
        Long offset = null;
        long position = 0;
        if (d.in != null) {
            position = d.in.take(n, peek);
        } else if (explicit != null) {
            offset = explicit;
        } else if (d.offset != null) {
            offset = d.offset;
            if (!peek) d.offset += n;
        }
        IoCall call = new IoCall(c.pid(), c.tid(), c.step(), c.name(), c.fd(0), d, offset, d.in, position, n, pieces, peer(from, d));
        reads.put(new Key(c.tid(), c.step()), call);
        if (used != null) used[0] = d;
        return call;
    }

    private void recvmsg(Call c, Table t) throws IOException {
        int pid = c.pid();
        long step = c.step(), msg = c.a()[1];
        Lazy<String> from = Lazy.memo(() -> {
            ByteBuffer h = mem.bytes(pid, msg, 16, step + 1);
            return mem.sockaddr(pid, h.getLong(0), h.getInt(8), step + 1);
        });
        Lazy<List<Piece>> pieces = Lazy.memo(() -> {
            ByteBuffer h = mem.bytes(pid, msg, 32, step);
            return mem.iovecs(pid, h.getLong(16), h.getLong(24), c.result(), step);
        });
        Description[] used = new Description[1];
        IoCall call = read(c, t, null, (c.a()[2] & MSG_PEEK) != 0, pieces, from, used);
        // Descriptors passed with SCM_RIGHTS: the kernel wrote their numbers into the control buffer.
        List<Integer> fds = rights(pid, msg, step + 1);
        if (fds.isEmpty()) return;
        List<Description> received = new ArrayList<>();
        for (int fd : fds) {
            Description d = new Description("unknown", null, null);
            received.add(d);
            t.fds.put(fd, new Fd(d, (c.a()[2] & MSG_CMSG_CLOEXEC) != 0));
        }
        if (used[0].in != null) used[0].in.receive(call.position(), c.result(), received);
    }

    private void sendmsg(Call c, Table t) throws IOException {
        int pid = c.pid();
        long step = c.step(), msg = c.a()[1];
        Lazy<List<Piece>> pieces = Lazy.memo(() -> {
            ByteBuffer h = mem.bytes(pid, msg, 32, step);
            return mem.iovecs(pid, h.getLong(16), h.getLong(24), c.result(), step);
        });
        Lazy<String> to = Lazy.memo(() -> {
            ByteBuffer h = mem.bytes(pid, msg, 16, step);
            return mem.sockaddr(pid, h.getLong(0), h.getInt(8), step);
        });
        List<Description> passed = new ArrayList<>();
        for (int fd : rights(pid, msg, step)) passed.add(desc(t, fd));
        write(c, t, null, pieces, passed, to);
    }

    /** The descriptors of the SCM_RIGHTS messages in the control data of the msghdr at {@code msg}, as they were at {@code step}. */
    private List<Integer> rights(int pid, long msg, long step) throws IOException {
        ByteBuffer h = mem.bytes(pid, msg, 56, step);
        long control = h.getLong(32), length = Math.min(h.getLong(40), 4096);
        List<Integer> fds = new ArrayList<>();
        if (control == 0 || length < 16) return fds;
        ByteBuffer b = mem.bytes(pid, control, (int) length, step);
        for (int at = 0; at + 16 <= length; ) {
            long len = b.getLong(at);
            if (len < 16 || at + len > length) break;
            if (b.getInt(at + 8) == 1 && b.getInt(at + 12) == 1) { // SOL_SOCKET, SCM_RIGHTS
                for (int k = at + 16; k + 4 <= at + len; k += 4) fds.add(b.getInt(k));
            }
            at += (int) ((len + 7) & ~7);
        }
        return fds;
    }

    /** A call wrote {@code c.result()} bytes: into its stream, or the file at an explicit offset or the description's (advanced). */
    private void write(Call c, Table t, Long explicit, Lazy<List<Piece>> pieces, List<Description> passed, Lazy<String> to) {
        Description d = desc(t, c.fd(0));
        long n = c.result();
        Long offset = explicit != null ? explicit : d.out == null && !d.append ? d.offset : null;
        IoCall call = new IoCall(c.pid(), c.tid(), c.step(), c.name(), c.fd(0), d, offset, null, 0, n, pieces, peer(to, d));
        writes.add(call);
        if (d.out != null) d.out.append(call, n, passed);
        else if (explicit == null) advanceWrite(d, n);
    }

    /** The address a call named (recvfrom's source, sendto's destination), else the socket's peer. */
    private static Lazy<String> peer(Lazy<String> named, Description d) {
        Lazy<String> socket = d.peer;
        if (named == null) return socket;
        return Lazy.memo(() -> {
            String p = named.get();
            return p != null ? p : socket.get();
        });
    }

    private static void advanceWrite(Description d, long n) {
        if (d.append) d.offset = null;
        else if (d.offset != null) d.offset += n;
    }

    /**
     * sendfile, copy_file_range, splice: {@code n} bytes from one descriptor to another in the
     * kernel; the offsets not given explicitly advance, the streams take and receive the bytes
     * (received ones have no recorded writer).
     */
    private static void transfer(Table t, int inFd, boolean inExplicit, int outFd, boolean outExplicit, long n) {
        Description in = desc(t, inFd), out = desc(t, outFd);
        if (in.in != null) in.in.take(n, false);
        else if (!inExplicit && in.offset != null) in.offset += n;
        if (out.out != null) out.out.append(null, n, List.of());
        else if (!outExplicit) advanceWrite(out, n);
    }
}
