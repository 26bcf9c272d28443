package dev.omniscope.recorder;

import java.io.IOException;
import java.util.Arrays;

import dev.omniscope.recorder.ptrace.Ptrace;
import dev.omniscope.syscalls.SyscallCall;
import dev.omniscope.trace.BlobStore;
import dev.omniscope.trace.MemoryWrite;

/** A traced process's memory as the recorder reads it: for the syscall table's rules, and as the trace's writes. */
final class TaskMemory {
    private final Ptrace ptrace;
    private final BlobStore blobs;

    TaskMemory(Ptrace ptrace, BlobStore blobs) {
        this.ptrace = ptrace;
        this.blobs = blobs;
    }

    SyscallCall.MemoryReader reader(Task t) {
        return (address, length) -> ptrace.read(t.pid, address, length);
    }

    /** The bytes of a region of task memory, inline or as a blob when large. */
    MemoryWrite capture(Task t, long address, long length) throws IOException {
        if (length <= MemoryWrite.INLINE_LIMIT) return new MemoryWrite(address, ptrace.read(t.pid, address, (int) length));
        String hash = blobs.put(length, (off, buf, len) -> {
            byte[] part = ptrace.read(t.pid, address + off, len);
            System.arraycopy(part, 0, buf, 0, part.length);
            Arrays.fill(buf, part.length, len, (byte) 0);
        });
        return MemoryWrite.ofBlob(address, hash, length);
    }
}
