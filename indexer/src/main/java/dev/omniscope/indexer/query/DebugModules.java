package dev.omniscope.indexer.query;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.omniscope.debuginfo.DebugInfo;
import dev.omniscope.indexer.modules.ModuleFiles;
import dev.omniscope.symbols.ElfFile;
import dev.omniscope.symbols.LoadSegment;
import dev.omniscope.trace.Trace;

/**
 * The DWARF of a trace's modules, for values: the ELF files the trace carries (with their
 * separate debug files), unpacked on first use into a temporary directory and opened with
 * {@link ElfFile#debugInfo()}. What is per instruction stays in the index; types, scopes and
 * locations are read from the modules on demand, as a debugger reads them. Thread-safe.
 */
final class DebugModules implements AutoCloseable {
    private final Trace trace;
    private final boolean fromThisMachine;
    private ModuleFiles files;
    private final Map<String, Optional<ElfFile>> elves = new HashMap<>();
    private boolean closed;

    /** @param fromThisMachine look for a module the trace does not carry at its recorded path (the command line; never the server) */
    DebugModules(Trace trace, boolean fromThisMachine) {
        this.trace = trace;
        this.fromThisMachine = fromThisMachine;
    }

    /** The module at {@code path}, or empty when neither the trace carries it nor (if allowed) this machine has it. */
    synchronized Optional<ElfFile> elf(String path) {
        if (closed) throw new IllegalStateException("the trace is closed");
        Optional<ElfFile> known = elves.get(path);
        if (known != null) return known;
        Optional<ElfFile> found;
        try {
            if (files == null) files = new ModuleFiles(trace, Files.createTempDirectory("omni-debug"), fromThisMachine);
            found = files.open(path);
        } catch (IOException e) {
            found = Optional.empty();
        }
        elves.put(path, found);
        return found;
    }

    /** The DWARF of the module at {@code path} (empty answers for a module without any). */
    Optional<DebugInfo> debugInfo(String path) {
        return elf(path).map(ElfFile::debugInfo);
    }

    /**
     * {@code length} bytes of the module's file image at link-time {@code address} (its code as
     * loaded, before any relocation); null when the address is outside its loaded segments.
     */
    byte[] code(String path, long address, int length) {
        Optional<ElfFile> elf = elf(path);
        if (elf.isEmpty()) return null;
        for (LoadSegment s : elf.get().segments()) {
            if (!s.contains(address)) continue;
            long offsetInSegment = address - s.vaddr();
            int n = (int) Math.max(0, Math.min(length, s.fileSize() - offsetInSegment));
            byte[] out = new byte[length];
            try (RandomAccessFile f = new RandomAccessFile(elf.get().path().toFile(), "r")) {
                f.seek(s.fileOffset() + offsetInSegment);
                f.readFully(out, 0, n);
            } catch (IOException e) {
                return null;
            }
            return out;
        }
        return null;
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        elves.clear();
        if (files != null) files.close();
    }
}
