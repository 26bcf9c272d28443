package dev.omniscope.indexer.dataflow;

import static dev.omniscope.recorder.testing.Omni.testProgram;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.omniscope.indexer.dataflow.FileDescriptors.Input;
import dev.omniscope.indexer.dataflow.FileDescriptors.OutputWrite;
import dev.omniscope.indexer.dataflow.FileDescriptors.Piece;
import dev.omniscope.indexer.dataflow.FileDescriptors.Writer;
import dev.omniscope.indexer.query.QueryDocuments.Syscall;
import dev.omniscope.indexer.query.QueryableTrace;
import dev.omniscope.indexer.testing.Indexed;
import dev.omniscope.recorder.testing.Omni;

/**
 * Where the bytes a system call wrote came from, on real programs recorded and indexed: a file and
 * its offsets (copy_io), a pipe within a process, a socketpair between a parent and its forked
 * child in both directions, and a pipe whose read end was passed with SCM_RIGHTS (pipes_sockets).
 * Expected addresses and steps come from the index's own syscalls rows and memory.
 */
class FileDescriptorsTest {
    @TempDir
    static Path work;

    private static long arg(Syscall s, int i) {
        return Long.parseUnsignedLong(s.args().get(i).substring(2), 16);
    }

    private static List<Syscall> syscalls(QueryableTrace q) throws Exception {
        return q.syscalls(null, null, Integer.MAX_VALUE, null).syscalls();
    }

    private static ByteBuffer memory(QueryableTrace q, int pid, long address, int length, long step) throws Exception {
        return ByteBuffer.wrap(q.memory().read(pid, address, length, step).data()).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void copyIoReadsComeFromTheSourceFileAtTheirOffsets() throws Exception {
        Path dir = Files.createDirectories(work.resolve("copy"));
        byte[] source = new byte[3 * 4096 + 100];
        for (int i = 0; i < source.length; i++) source[i] = (byte) (i * 31 + i / 4096 * 7 + 1);
        Files.write(dir.resolve("source.bin"), source);
        Path trace = work.resolve("copy_io.trace");
        // Relative paths, from the recorded process's working directory: the model resolves them.
        Omni.Run run = Omni.run(Omni.omniCommand("record", "-o", trace.toString(), "--", testProgram("copy_io").toString(),
                "source.bin", "dest.bin"), Map.of(), dir);
        assertThat(run.stderr()).contains("omni: trace:");
        assertThat(run.stdout()).contains("copied 12388 bytes");
        assertThat(Indexed.index(trace).complete()).isTrue();
        String sourcePath = dir.resolve("source.bin").toAbsolutePath().toString();
        String destPath = dir.resolve("dest.bin").toAbsolutePath().toString();

        try (Indexed.Queries q = Indexed.queries(trace)) {
            FileDescriptors fds = FileDescriptors.build(q.queries(), q.trace().header().cwd());
            List<Syscall> reads = syscalls(q.queries()).stream().filter(s -> s.name().equals("read") && arg(s, 2) == 4096).toList();
            assertThat(reads).extracting(Syscall::result).containsExactly(4096L, 4096L, 4096L, 100L, 0L);
            int fd = (int) arg(reads.get(0), 0);

            // The third read: the byte at buffer offset 10 is the source's byte 2 * 4096 + 10.
            Syscall third = reads.get(2);
            long buf = arg(third, 1);
            assertThat(fds.inputs(third.tid(), third.step(), buf + 10, 1))
                    .containsExactly(new Input(buf + 10, 1, "read", fd, "file", sourcePath, 2 * 4096L + 10, null, null));
            // Without the working directory, the path stays as the program gave it.
            assertThat(FileDescriptors.build(q.queries(), null).inputs(third.tid(), third.step(), buf + 10, 1))
                    .extracting(Input::path).containsExactly("source.bin");
            // A range wider than the buffer: only what the call wrote.
            assertThat(fds.inputs(third.tid(), third.step(), buf - 16, 4096 + 32))
                    .containsExactly(new Input(buf, 4096, "read", fd, "file", sourcePath, 2 * 4096L, null, null));
            // And those bytes are the file's at that offset, as the index has the buffer after the call.
            assertThat(memory(q.queries(), third.pid(), buf, 4096, third.step() + 1).array())
                    .isEqualTo(Arrays.copyOfRange(source, 2 * 4096, 3 * 4096));
            Syscall fourth = reads.get(3);
            assertThat(fds.inputs(fourth.tid(), fourth.step(), buf, 4096))
                    .containsExactly(new Input(buf, 100, "read", fd, "file", sourcePath, 3 * 4096L, null, null));
            // The last read (end of file) wrote nothing; a call that is not a read has no inputs.
            assertThat(fds.inputs(reads.get(4).tid(), reads.get(4).step(), buf, 4096)).isEmpty();
            Syscall open = syscalls(q.queries()).stream().filter(s -> s.name().startsWith("open") && s.result() == fd).findFirst().orElseThrow();
            assertThat(fds.inputs(open.tid(), open.step(), buf, 4096)).isEmpty();

            // Every write: the copy, at consecutive offsets of the destination, and the report on stdout.
            List<OutputWrite> writes = fds.writes();
            List<OutputWrite> copy = writes.stream().filter(w -> destPath.equals(w.path())).toList();
            assertThat(copy).extracting(OutputWrite::offset).containsExactly(0L, 4096L, 8192L, 12288L);
            assertThat(copy).extracting(OutputWrite::pieces).containsExactly(List.of(new Piece(buf, 4096)), List.of(new Piece(buf, 4096)),
                    List.of(new Piece(buf, 4096)), List.of(new Piece(buf, 100)));
            List<OutputWrite> stdout = writes.stream().filter(w -> w.kind().equals("stdout")).toList();
            assertThat(stdout).hasSize(1);
            OutputWrite report = stdout.get(0);
            assertThat(new String(memory(q.queries(), report.pid(), report.pieces().get(0).address(), (int) report.length(), report.step()).array()))
                    .isEqualTo("copied 12388 bytes\n");
            assertThat(report).extracting(OutputWrite::fd, OutputWrite::path, OutputWrite::offset).containsExactly(1, null, null);
        }
    }

    @Test
    void pipesAndSocketpairsLeadToTheWriters() throws Exception {
        Path trace = work.resolve("pipes_sockets.trace");
        assertThat(Indexed.recordAndIndex(trace, List.of(testProgram("pipes_sockets").toString())).complete()).isTrue();
        try (Indexed.Queries q = Indexed.queries(trace)) {
            QueryableTrace t = q.queries();
            FileDescriptors fds = FileDescriptors.build(t, q.trace().header().cwd());
            List<Syscall> all = syscalls(t);
            int parent = all.get(0).pid(); // the first to make a call
            assertThat(t.pids()).hasSize(2).contains(parent);
            int child = t.pids().stream().filter(p -> p != parent).findFirst().orElseThrow();
            List<Syscall> ofParent = all.stream().filter(s -> s.pid() == parent).toList();
            List<Syscall> ofChild = all.stream().filter(s -> s.pid() == child).toList();

            // A pipe within the process: "hello through a pipe" (20 bytes), written then read.
            Syscall pipe = ofParent.stream().filter(s -> s.name().startsWith("pipe")).findFirst().orElseThrow();
            Syscall hello = first(ofParent, "write", pipe.step(), 20);
            Syscall read = first(ofParent, "read", hello.step(), -1);
            assertThat(read.result()).isEqualTo(20L);
            long buf = arg(read, 1), helloAt = arg(hello, 1);
            Writer helloWriter = new Writer(parent, hello.tid(), hello.step(), helloAt, "write", (int) arg(hello, 0));
            assertThat(fds.inputs(read.tid(), read.step(), buf, 255))
                    .containsExactly(new Input(buf, 20, "read", (int) arg(read, 0), "pipe", null, null, null, helloWriter));
            assertThat(fds.inputs(read.tid(), read.step(), buf + 6, 5)).containsExactly(new Input(buf + 6, 5, "read", (int) arg(read, 0),
                    "pipe", null, null, null, new Writer(parent, hello.tid(), hello.step(), helloAt + 6, "write", (int) arg(hello, 0))));
            assertThat(memory(t, parent, buf, 20, read.step() + 1).array()).isEqualTo(memory(t, parent, helloAt, 20, hello.step()).array());

            // Parent to child: the parent's write(ping) is what the child's read got (the child's table is a copy made at the fork).
            Syscall ping = first(ofParent, "write", read.step(), 22);
            Syscall childRead = first(ofChild, "read", 0, -1);
            assertThat(childRead.result()).isEqualTo(22L);
            assertThat(fds.inputs(childRead.tid(), childRead.step(), arg(childRead, 1), 256)).containsExactly(new Input(arg(childRead, 1), 22,
                    "read", (int) arg(childRead, 0), "socket", null, null, null,
                    new Writer(parent, ping.tid(), ping.step(), arg(ping, 1), "write", (int) arg(ping, 0))));

            // Child to parent: the child's sendmsg of two iovecs ("echo: " and its buffer) into the parent's recvmsg's two iovecs.
            Syscall send = first(ofChild, "sendmsg", 0, -1);
            Syscall recv = first(ofParent, "recvmsg", ping.step(), -1);
            assertThat(send.result()).isEqualTo(28L);
            assertThat(recv.result()).isEqualTo(28L);
            long[][] sent = iovecs(t, child, arg(send, 1), send.step()), received = iovecs(t, parent, arg(recv, 1), recv.step());
            assertThat(sent[0][1]).isEqualTo(6);
            assertThat(sent[1][1]).isEqualTo(22);
            long head = received[0][0], tail = received[1][0];
            assertThat(received[0][1]).isEqualTo(6);
            assertThat(received[1][1]).isEqualTo(22);
            int s = (int) arg(recv, 0);
            Input fromPrefix = new Input(head, 6, "recvmsg", s, "socket", null, null, null,
                    new Writer(child, send.tid(), send.step(), sent[0][0], "sendmsg", (int) arg(send, 0)));
            Input fromBuffer = new Input(tail, 22, "recvmsg", s, "socket", null, null, null,
                    new Writer(child, send.tid(), send.step(), sent[1][0], "sendmsg", (int) arg(send, 0)));
            long lo = Math.min(head, tail), hi = Math.max(head + 6, tail + 22);
            assertThat(fds.inputs(recv.tid(), recv.step(), lo, (int) (hi - lo)))
                    .containsExactlyElementsOf(head < tail ? List.of(fromPrefix, fromBuffer) : List.of(fromBuffer, fromPrefix));
            // A piece of the second iovec: its writer address moves along.
            assertThat(fds.inputs(recv.tid(), recv.step(), tail + 3, 4)).containsExactly(new Input(tail + 3, 4, "recvmsg", s, "socket", null, null,
                    null, new Writer(child, send.tid(), send.step(), sent[1][0] + 3, "sendmsg", (int) arg(send, 0))));

            // A pipe made by the child, its read end passed to the parent with SCM_RIGHTS: the parent's read leads to the child's
            // write (whether or not the parent's read blocked before the child wrote, its row coming first in step order).
            Syscall childPipe = ofChild.stream().filter(c -> c.name().startsWith("pipe")).findFirst().orElseThrow();
            Syscall via = first(ofChild, "write", childPipe.step(), 26);
            Syscall passing = first(ofParent, "recvmsg", recv.step(), -1);
            Syscall passedRead = first(ofParent, "read", passing.step(), 26);
            long into = arg(passedRead, 1);
            assertThat(passedRead.result()).isEqualTo(26L);
            assertThat(fds.inputs(passedRead.tid(), passedRead.step(), into, 26)).containsExactly(new Input(into, 26, "read",
                    (int) arg(passedRead, 0), "pipe", null, null, null, new Writer(child, via.tid(), via.step(), arg(via, 1), "write", (int) arg(via, 0))));
            assertThat(memory(t, parent, into, 26, passedRead.step() + 1).array()).isEqualTo(memory(t, child, arg(via, 1), 26, via.step()).array());
        }
    }

    @Test
    void popenOutputLeadsToTheShellTheSpawnedChildBecame() throws Exception {
        // popen: posix_spawn (a vfork child, with a copy of the parent's table) dup2s the pipe's
        // close-on-exec write end onto its stdout, which survives the exec of /bin/sh; the shell's echo writes it.
        Path trace = work.resolve("spawns.trace");
        assertThat(Indexed.recordAndIndex(trace, List.of(testProgram("spawns").toString())).complete()).isTrue();
        try (Indexed.Queries q = Indexed.queries(trace)) {
            QueryableTrace t = q.queries();
            FileDescriptors fds = FileDescriptors.build(t, q.trace().header().cwd());
            List<Syscall> all = syscalls(t);
            int parent = all.get(0).pid();
            List<Syscall> echoes = all.stream().filter(s -> s.pid() != parent && s.name().equals("write") && arg(s, 0) == 1
                    && s.result() == 3).toList();
            assertThat(echoes).hasSize(1);
            Syscall echo = echoes.get(0);
            assertThat(new String(memory(t, echo.pid(), arg(echo, 1), 3, echo.step()).array())).isEqualTo("49\n");
            List<Syscall> reads = all.stream().filter(s -> s.pid() == parent && s.name().equals("read") && s.result() == 3).toList();
            assertThat(reads).hasSize(1);
            Syscall read = reads.get(0);
            long buf = arg(read, 1);
            assertThat(fds.inputs(read.tid(), read.step(), buf, 4096)).containsExactly(new Input(buf, 3, "read", (int) arg(read, 0), "pipe",
                    null, null, null, new Writer(echo.pid(), echo.tid(), echo.step(), arg(echo, 1), "write", 1)));
            // The shell's write, as the output list has it: to the pipe, not the recording's stdout.
            assertThat(fds.writes()).filteredOn(w -> w.step() == echo.step() && w.tid() == echo.tid()).singleElement()
                    .extracting(OutputWrite::kind, OutputWrite::fd, OutputWrite::length).containsExactly("pipe", 1, 3L);
        }
    }

    /** The first call named {@code name} after {@code after} (with count argument {@code count}, unless -1). */
    private static Syscall first(List<Syscall> calls, String name, long after, long count) {
        return calls.stream().filter(s -> s.name().equals(name) && s.step() > after && (count < 0 || arg(s, 2) == count)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " after step " + after));
    }

    /** The two iovecs of the msghdr at {@code msg}: {base, len} each. */
    private static long[][] iovecs(QueryableTrace t, int pid, long msg, long step) throws Exception {
        ByteBuffer h = memory(t, pid, msg, 56, step);
        ByteBuffer iov = memory(t, pid, h.getLong(16), 32, step);
        assertThat(h.getLong(24)).isEqualTo(2);
        return new long[][] {{iov.getLong(0), iov.getLong(8)}, {iov.getLong(16), iov.getLong(24)}};
    }
}
