package dev.omniscope.indexer.dataflow;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.omniscope.indexer.query.Cursors;
import dev.omniscope.indexer.query.History;
import dev.omniscope.indexer.query.MemoryView;
import dev.omniscope.indexer.query.QueryException;

/**
 * The program's output (docs/api.md, "Program output"): every system call by a recorded process
 * that wrote to an open file description the recording inherited from outside (the first
 * process's stdin, stdout and stderr, any other descriptor open when it started, and their dups
 * and copies in every process), in step order, with the text written and the buffers it came from.
 * Writes to files, and to pipes and sockets the recorded processes made, are not output. From the
 * descriptor model's list of writes ({@link FileDescriptors#writes}); the bytes are read from the
 * writer's memory at the call.
 */
public final class ProgramOutput {
    public static final int DEFAULT_LIMIT = 200, MAX_LIMIT = 1000;
    /** The most bytes of one write given as text (a longer write's text is its first bytes; its buffers say how long it was). */
    public static final int MAX_TEXT = 1 << 20;

    /** A piece of the writer's memory the bytes came from. */
    public record Buffer(String addr, long len) {}

    /**
     * One write: the step of its system call instruction, the writing process and thread, the
     * descriptor, {@code stream} ("stdout", "stderr" or "fdN": the description's origin, so a dup
     * of stderr is "stderr"), the bytes as UTF-8 text (invalid bytes as U+FFFD) and their buffers.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Chunk(long step, int pid, int tid, int fd, String stream, String text, List<Buffer> buffers) {}

    /** A page of output; {@code next} continues it (null on the last). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Page(List<Chunk> chunks, String next) {}

    private ProgramOutput() {}

    /** The page of {@code limit} chunks of {@code pid}'s (null: every process's) output after {@code cursor}. */
    static Page page(List<FileDescriptors.OutputWrite> writes, MemoryView memory, List<Integer> pids, Integer pid, int limit, String cursor)
            throws IOException {
        if (limit < 1 || limit > MAX_LIMIT) throw QueryException.badRequest("limit must be between 1 and " + MAX_LIMIT + ", not " + limit);
        long[] after = Cursors.decode(cursor, Cursors.OUTPUT, 2);
        if (pid != null && !pids.contains(pid)) {
            throw QueryException.badRequest("pid " + pid + " is not a process of this trace (its processes: " + pids + ")");
        }
        List<Chunk> chunks = new ArrayList<>();
        String next = null;
        for (FileDescriptors.OutputWrite w : writes) {
            if (!w.inherited() || pid != null && w.pid() != pid) continue;
            if (after != null && (w.step() < after[0] || w.step() == after[0] && w.tid() <= after[1])) continue;
            if (chunks.size() == limit) {
                Chunk last = chunks.get(limit - 1);
                next = Cursors.encode(Cursors.OUTPUT, last.step(), last.tid());
                break;
            }
            chunks.add(chunk(w, memory));
        }
        return new Page(chunks, next);
    }

    private static Chunk chunk(FileDescriptors.OutputWrite w, MemoryView memory) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Buffer> buffers = new ArrayList<>();
        for (FileDescriptors.Piece p : w.pieces()) {
            buffers.add(new Buffer(History.hex(p.address()), p.length()));
            int n = (int) Math.min(p.length(), MAX_TEXT - bytes.size());
            if (n > 0) bytes.writeBytes(memory.read(w.pid(), p.address(), n, w.step()).data());
        }
        String stream = w.kind().equals("stdout") || w.kind().equals("stderr") ? w.kind() : "fd" + w.fd();
        return new Chunk(w.step(), w.pid(), w.tid(), w.fd(), stream, new String(bytes.toByteArray(), StandardCharsets.UTF_8), buffers);
    }
}
