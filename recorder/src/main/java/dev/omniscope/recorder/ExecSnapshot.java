package dev.omniscope.recorder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.omniscope.recorder.ptrace.Ptrace;
import dev.omniscope.trace.BlobStore;
import dev.omniscope.trace.CpuidEntry;
import dev.omniscope.trace.Mapping;
import dev.omniscope.trace.TraceEvent;

/**
 * The state of a task right after execve: registers, every mapping with its bytes, auxv, and the
 * CPUID table. Taken at PTRACE_EVENT_EXEC, after the vDSO is patched, so that the replay starts
 * from exactly what the program was about to run.
 */
final class ExecSnapshot {
    private ExecSnapshot() {}

    /** Pseudo-mappings the kernel does not let us read, replayed as zero-filled. */
    private static boolean unreadable(String path) {
        return path.equals("[vvar]") || path.equals("[vvar_vclock]") || path.equals("[vsyscall]");
    }

    static TraceEvent.Exec capture(Ptrace ptrace, int pid, int tid, BlobStore blobs, List<CpuidEntry> cpuid,
                                   Warnings warnings) throws IOException {
        List<ProcMaps.Entry> maps = ProcMaps.read(pid);
        List<TraceEvent.PatchedFunction> patched = List.of();
        for (ProcMaps.Entry e : maps) {
            if (e.path().equals("[vdso]")) patched = VdsoPatcher.patch(ptrace, pid, e.start(), e.end());
        }
        List<Mapping> mappings = new ArrayList<>();
        for (ProcMaps.Entry e : maps) mappings.add(snapshot(ptrace, pid, tid, e, blobs, warnings));
        String exe = Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).toString();
        byte[] cmdline = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
        List<String> argv = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                argv.add(new String(cmdline, from, i - from, StandardCharsets.UTF_8));
                from = i + 1;
            }
        }
        byte[] auxv = Files.readAllBytes(Path.of("/proc/" + pid + "/auxv"));
        return new TraceEvent.Exec(pid, tid, exe, argv, ptrace.regs(tid), ptrace.fpregs(tid), auxv, mappings, cpuid,
                ptrace.xcr0(), patched);
    }

    static Mapping snapshot(Ptrace ptrace, int pid, int tid, ProcMaps.Entry e, BlobStore blobs, Warnings warnings) throws IOException {
        int flags = (e.shared() ? Mapping.SHARED : 0) | (e.fileBacked() ? 0 : Mapping.ANONYMOUS);
        if (unreadable(e.path())) {
            return new Mapping(e.start(), e.end(), e.prot(), flags, e.offset(), e.path(), Mapping.Content.UNREADABLE, null, 0);
        }
        long length = e.end() - e.start();
        try {
            String hash = blobs.put(length, (off, buf, len) -> {
                long n = ptrace.readForced(pid, e.start() + off, buf, len);
                if (n != len) throw new IOException("read " + n + " of " + len + " bytes");
            });
            return new Mapping(e.start(), e.end(), e.prot(), flags, e.offset(), e.path(), Mapping.Content.BLOB, hash, length);
        } catch (IOException ex) {
            warnings.add(tid, "unreadable-mapping", "could not read mapping " + e.path() + " at 0x" + Long.toHexString(e.start())
                    + " (" + ex.getMessage() + "); it replays as zeros");
            return new Mapping(e.start(), e.end(), e.prot(), flags, e.offset(), e.path(), Mapping.Content.UNREADABLE, null, 0);
        }
    }
}
