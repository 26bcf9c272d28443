package dev.omniscope.indexer.replay;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.omniscope.indexer.emu.EmuException;
import dev.omniscope.syscalls.Syscall;
import dev.omniscope.trace.Mapping;
import dev.omniscope.trace.MemoryWrite;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceFormatException;
import dev.omniscope.trace.TraceEvent;

/**
 * What the kernel did to a replayed address space, done to the process's emulator and region map
 * and reported (region changes to the address names and the listener, the bytes to the listener):
 * an exec's snapshot, a fork's inherited regions, an address space that is gone, what a successful
 * mmap, munmap, mprotect, mremap, brk, madvise, shmat or shmdt did, and the kernel's writes.
 * Memory changes are reported for the address space they change ({@code memoryPid}: a vfork
 * child's are its lender's); a process's own regions (its view) under its own pid.
 */
final class AddressSpaceEffects {
    /** Stops the replay at a kernel write where it has no memory (a divergence). */
    @FunctionalInterface
    interface UnmappedWrite {
        RuntimeException at(long rip, long address, int length);
    }

    private static final long PAGE = 4096;
    private static final long MADV_DONTNEED = 4;
    private static final int ROW = Replayer.KERNEL_WRITE_ROW;

    private final Trace trace;
    private final ReplayListener listener;
    private final AddressNames names;
    private final UnmappedWrite unmapped;

    /** @param names follows the address spaces; may be null */
    AddressSpaceEffects(Trace trace, ReplayListener listener, AddressNames names, UnmappedWrite unmapped) {
        this.trace = trace;
        this.listener = listener;
        this.names = names;
        this.unmapped = unmapped;
    }

    /** A new image (an exec's snapshot): each recorded mapping mapped and filled, reported as one change. */
    void exec(long at, EmulatedProcess p, List<Mapping> mappings) throws IOException {
        if (names != null) names.exec(p.pid);
        List<Region> added = new ArrayList<>();
        for (Mapping m : mappings) {
            if (!mapAndFill(p, m)) continue;
            added.addAll(p.map.map(region(m, at)).added());
        }
        changed(at, p.pid, new MemoryMap.Change(List.of(), added));
    }

    /**
     * A forked child starts with its parent's regions, their bytes inherited at {@code at}; a vfork
     * child's regions are views of its lender's memory as it changes.
     */
    void inherit(long at, EmulatedProcess parent, EmulatedProcess child) {
        List<Region> inherited = new ArrayList<>();
        for (Region r : parent.map.regions()) {
            inherited.add(child.borrowed ? r.borrowedBy(child.memoryPid) : r.inheritedBy(at, parent.memoryPid));
        }
        if (names != null) names.fork(parent.pid, child.pid);
        listener.regionsChanged(at, child.pid, new MemoryMap.Change(List.of(), inherited));
    }

    /** The process's address space is gone (an exec replaced it, or its last task ended): every region removed. */
    void gone(long at, EmulatedProcess p) {
        changed(at, p.pid, new MemoryMap.Change(List.copyOf(p.map.regions()), List.of()));
    }

    /** What a successful call of task {@code tid} did to the address space, as its {@code ReplayAction} says. */
    void syscall(long at, EmulatedProcess p, int tid, Syscall spec, TraceEvent.SyscallEnter s, TraceEvent.SyscallExit x)
            throws IOException {
        long[] a = spec.performedArgs(s.args());
        switch (spec.replay()) {
            case MMAP, SHMAT -> {
                for (Mapping m : x.mappings()) {
                    mapAndFill(p, m);
                    changed(at, p.memoryPid, p.map.map(region(m, at)));
                }
            }
            case MUNMAP -> {
                p.emu.unmap(a[0], pageUp(a[1]));
                changed(at, p.memoryPid, p.map.unmap(a[0], a[0] + pageUp(a[1])));
            }
            case SHMDT -> {
                Region r = p.map.at(a[0]);
                if (r != null) {
                    p.emu.unmap(r.start(), r.length());
                    changed(at, p.memoryPid, p.map.unmap(r.start(), r.end()));
                }
            }
            case MPROTECT -> {
                p.emu.protect(a[0], pageUp(a[1]), (int) a[2] & 7);
                changed(at, p.memoryPid, p.map.protect(a[0], a[0] + pageUp(a[1]), (int) a[2] & 7));
            }
            case MREMAP -> remap(p, tid, a[0], pageUp(a[1]), pageUp(a[2]), x.result(), at, s.rip());
            case BRK -> brk(p, x.result(), at);
            case MADVISE -> {
                if (a[2] == MADV_DONTNEED) zeroAnonymous(p, tid, a[0], a[0] + pageUp(a[1]), at, s.rip());
            }
            default -> { }
        }
    }

    /** Bytes the kernel put in memory, written to the emulator and reported in rows of at most {@link Replayer#KERNEL_WRITE_ROW}. */
    void kernelWrites(long at, EmulatedProcess p, int tid, long rip, List<MemoryWrite> writes) {
        for (MemoryWrite w : writes) {
            byte[] bytes;
            try {
                bytes = w.inline() ? w.bytes() : readBlob(w.blob());
            } catch (IOException e) {
                throw new TraceFormatException("cannot read blob " + w.blob() + ": " + e.getMessage(), e);
            }
            for (int off = 0; off < bytes.length; off += ROW) {
                int n = Math.min(ROW, bytes.length - off);
                long addr = w.address() + off;
                byte[] piece = Arrays.copyOfRange(bytes, off, off + n);
                byte[] before;
                try {
                    before = p.emu.read(addr, n);
                    p.emu.write(addr, piece);
                } catch (EmuException e) {
                    throw unmapped.at(rip, addr, n);
                }
                listener.kernelWrite(at, p.memoryPid, tid, rip, addr, before, piece);
            }
        }
    }

    private static Region region(Mapping m, long at) {
        return new Region(m.start(), m.end(), m.prot(), m.shared(), m.path(), m.offset(),
                m.content() == Mapping.Content.BLOB ? Region.Origin.BLOB : Region.Origin.ZERO, m.blob(), 0, m.blobLength(), at, 0);
    }

    /** Maps a recorded mapping into the emulator with its bytes; false when the emulator cannot map there ([vsyscall]). */
    private boolean mapAndFill(EmulatedProcess p, Mapping m) throws IOException {
        try {
            p.emu.map(m.start(), m.length(), m.prot(), m.shared());
        } catch (EmuException e) {
            if (m.path().equals("[vsyscall]")) return false;
            throw e;
        }
        if (m.content() == Mapping.Content.BLOB && m.blobLength() > 0) {
            try (InputStream in = trace.openBlob(m.blob())) {
                byte[] buffer = new byte[1 << 20];
                long at = m.start();
                int n;
                while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                    p.emu.write(at, n == buffer.length ? buffer : Arrays.copyOf(buffer, n));
                    at += n;
                }
            }
        }
        return true;
    }

    private void changed(long at, int pid, MemoryMap.Change change) {
        if (change.isEmpty()) return;
        if (names != null) names.regionsChanged(pid, change);
        listener.regionsChanged(at, pid, change);
    }

    private void remap(EmulatedProcess p, int tid, long oldAddr, long oldLen, long newLen, long newAddr, long at, long rip) {
        List<Region> old = p.map.overlapping(oldAddr, oldAddr + oldLen);
        p.emu.remap(oldAddr, oldLen, newAddr, newLen);
        if (newAddr == oldAddr) {
            if (newLen < oldLen) changed(at, p.memoryPid, p.map.unmap(oldAddr + newLen, oldAddr + oldLen));
            if (newLen > oldLen && !old.isEmpty()) {
                Region last = old.get(old.size() - 1);
                changed(at, p.memoryPid, p.map.map(new Region(oldAddr + oldLen, oldAddr + newLen, last.prot(), last.shared(), "", 0,
                        Region.Origin.ZERO, null, 0, 0, at, 0)));
            }
            return;
        }
        // Moved: the new place's bytes are reported as kernel writes, so the index reads them there.
        changed(at, p.memoryPid, p.map.unmap(oldAddr, oldAddr + oldLen));
        int prot = old.isEmpty() ? 3 : old.get(0).prot();
        boolean shared = !old.isEmpty() && old.get(0).shared();
        String path = old.isEmpty() ? "" : old.get(0).path();
        long offset = old.isEmpty() ? 0 : old.get(0).fileOffset();
        changed(at, p.memoryPid, p.map.map(new Region(newAddr, newAddr + newLen, prot, shared, path, offset,
                Region.Origin.ZERO, null, 0, 0, at, 0)));
        byte[] zero = new byte[ROW];
        for (long addr = newAddr; addr < newAddr + Math.min(oldLen, newLen); addr += ROW) {
            byte[] moved = p.emu.read(addr, ROW);
            if (!Arrays.equals(moved, zero)) listener.kernelWrite(at, p.memoryPid, tid, rip, addr, zero, moved);
        }
    }

    private void brk(EmulatedProcess p, long result, long at) {
        if (p.brk == null) {
            p.brk = result; // the first call (brk(0)) says where the heap starts
            return;
        }
        long from = pageUp(p.brk), to = pageUp(result);
        if (to > from) {
            p.emu.map(from, to - from, 3);
            changed(at, p.memoryPid, p.map.map(new Region(from, to, 3, false, "[heap]", 0, Region.Origin.ZERO, null, 0, 0, at, 0)));
        } else if (to < from) {
            p.emu.unmap(to, from - to);
            changed(at, p.memoryPid, p.map.unmap(to, from));
        }
        p.brk = result;
    }

    /**
     * madvise(DONTNEED): private anonymous pages read back as zero (private file pages come back as
     * recorded writes). MADV_FREE was performed as DONTNEED: the syscall table's rewrite.
     */
    private void zeroAnonymous(EmulatedProcess p, int tid, long from, long to, long at, long rip) {
        byte[] zero = new byte[ROW];
        for (Region r : p.map.overlapping(from, to)) {
            if (r.shared() || (r.path().startsWith("/") && r.origin() != Region.Origin.ZERO)) continue;
            for (long addr = r.start(); addr < r.end(); addr += ROW) {
                byte[] before = p.emu.read(addr, ROW);
                if (Arrays.equals(before, zero)) continue;
                p.emu.write(addr, zero);
                listener.kernelWrite(at, p.memoryPid, tid, rip, addr, before, zero);
            }
        }
    }

    private byte[] readBlob(String hash) throws IOException {
        try (InputStream in = trace.openBlob(hash)) {
            return in.readAllBytes();
        }
    }

    private static long pageUp(long n) {
        return (n + PAGE - 1) & -PAGE;
    }
}
