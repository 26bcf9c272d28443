package dev.omniscope.recorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import dev.omniscope.recorder.ptrace.Ptrace;
import dev.omniscope.trace.BlobStore;
import dev.omniscope.trace.Mapping;
import dev.omniscope.trace.MemoryWrite;

/** What appears in memory when a program maps something: the contents the replay must put there. */
final class MmapCapture {
    private static final long PAGE = 4096;
    private static final long MAP_SHARED = 0x01, MAP_SHARED_VALIDATE = 0x03, MAP_ANONYMOUS = 0x20, MADV_DONTNEED = 4;

    private MmapCapture() {}

    /** The mapping an mmap(args) that returned {@code address} created. */
    static Mapping mapping(Ptrace ptrace, int pid, long[] args, long address, BlobStore blobs, Warnings warnings, int tid)
            throws IOException {
        long length = (args[1] + PAGE - 1) & -PAGE;
        int prot = (int) args[2] & 7;
        long flags = args[3];
        boolean shared = (flags & MAP_SHARED_VALIDATE) == MAP_SHARED || (flags & MAP_SHARED_VALIDATE) == MAP_SHARED_VALIDATE;
        int mappingFlags = shared ? Mapping.SHARED : 0;
        if ((flags & MAP_ANONYMOUS) != 0) {
            return new Mapping(address, address + length, prot, mappingFlags | Mapping.ANONYMOUS, 0, "", Mapping.Content.ZERO, null, 0);
        }
        long fd = args[4], offset = args[5];
        Path fdPath = Path.of("/proc/" + pid + "/fd/" + fd);
        String path = Files.readSymbolicLink(fdPath).toString();
        if (shared && (prot & 2) != 0) {
            warnings.add(tid, "shared-writable-mapping", "writable shared mapping of " + path
                    + ": writes to it by processes outside the recording are not recorded");
        }
        try (FileChannel file = FileChannel.open(fdPath, StandardOpenOption.READ)) {
            long available = Math.max(0, Math.min(length, file.size() - offset));
            if (available == 0) {
                return new Mapping(address, address + length, prot, mappingFlags, offset, path, Mapping.Content.ZERO, null, 0);
            }
            String hash = blobs.put(available, (off, buf, len) -> {
                ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
                while (b.hasRemaining()) {
                    if (file.read(b, offset + off + b.position()) < 0) throw new IOException(path + " shrank while it was being recorded");
                }
            });
            return new Mapping(address, address + length, prot, mappingFlags, offset, path, Mapping.Content.BLOB, hash, available);
        } catch (IOException e) {
            // A device or special file: take what the program sees through its memory instead.
            ProcMaps.Entry entry = new ProcMaps.Entry(address, address + length, prot, shared, offset, 1, path);
            return ExecSnapshot.snapshot(ptrace, pid, tid, entry, blobs, warnings);
        }
    }

    /** The System V shared memory segment attached at {@code address}. */
    static List<Mapping> shmat(Ptrace ptrace, int pid, long address, BlobStore blobs, Warnings warnings, int tid) throws IOException {
        warnings.add(tid, "shared-memory", "System V shared memory: writes by processes outside the recording are not recorded");
        List<Mapping> out = new ArrayList<>();
        for (ProcMaps.Entry e : ProcMaps.read(pid)) {
            if (e.start() == address) out.add(ExecSnapshot.snapshot(ptrace, pid, tid, e, blobs, warnings));
        }
        return out;
    }

    /**
     * After madvise(DONTNEED) private file-backed pages read back from the file, anonymous ones as
     * zero: the replay zeroes the anonymous ones itself, and these are the file-backed bytes.
     * {@code advice} is the one performed (MADV_FREE is performed as DONTNEED: the syscall table's rewrite).
     */
    static List<MemoryWrite> fileBackedContent(Ptrace ptrace, int pid, long start, long length, long advice) throws IOException {
        List<MemoryWrite> writes = new ArrayList<>();
        if (advice != MADV_DONTNEED) return writes;
        long end = start + length;
        for (ProcMaps.Entry e : ProcMaps.read(pid)) {
            if (e.shared() || !e.fileBacked() || e.end() <= start || e.start() >= end) continue;
            long from = Math.max(start, e.start()), to = Math.min(end, e.end());
            for (long a = from; a < to; a += MemoryWrite.INLINE_LIMIT) {
                writes.add(new MemoryWrite(a, ptrace.read(pid, a, (int) Math.min(MemoryWrite.INLINE_LIMIT, to - a))));
            }
        }
        return writes;
    }
}
