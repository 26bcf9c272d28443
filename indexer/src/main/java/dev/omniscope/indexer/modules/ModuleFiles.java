package dev.omniscope.indexer.modules;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import dev.omniscope.symbols.ElfFile;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceFiles;

/**
 * The ELF files of a trace's modules, opened for symbols and lines: from the trace itself
 * (modules.json, with separate debug files laid out by build-id) or, for a trace that carries
 * none (cut short), from this machine's disk at the recorded path. Unpacked into a temporary
 * directory removed by {@link #close()}.
 */
public final class ModuleFiles implements AutoCloseable {
    private final Trace trace;
    private final Map<String, TraceFiles.Module> carried = new HashMap<>();
    private final Map<String, Optional<ElfFile>> opened = new HashMap<>();
    private final Path directory;
    private final Path debugRoot;
    private final boolean fromThisMachine;

    public ModuleFiles(Trace trace) throws IOException {
        this(trace, Files.createTempDirectory("omni-modules"), true);
    }

    /**
     * Unpacks into {@code directory} (created if missing, removed by {@link #close()}). With
     * {@code fromThisMachine} false, a module the trace does not carry is not looked for at its
     * recorded path on this machine: a server replaying uploaded traces opens only what they carry.
     */
    public ModuleFiles(Trace trace, Path directory, boolean fromThisMachine) throws IOException {
        this.trace = trace;
        this.fromThisMachine = fromThisMachine;
        for (TraceFiles.Module m : TraceFiles.read(trace, TraceFiles.MODULES, TraceFiles.Modules.class,
                new TraceFiles.Modules(java.util.List.of())).modules()) {
            carried.put(m.path(), m);
        }
        this.directory = Files.createDirectories(directory);
        debugRoot = directory.resolve("debug");
    }

    /** The module mapped from {@code path}, or empty when neither the trace nor this machine has it as ELF. */
    public synchronized Optional<ElfFile> open(String path) {
        return opened.computeIfAbsent(path, this::load);
    }

    private Optional<ElfFile> load(String path) {
        try {
            TraceFiles.Module m = carried.get(path);
            if (m == null) {
                if (!fromThisMachine) return Optional.empty();
                Path local = Path.of(path);
                return Files.isRegularFile(local) ? Optional.of(ElfFile.open(local)) : Optional.empty();
            }
            Path file = unpack(m.blob(), directory.resolve("m" + opened.size()));
            // the build-id names a path: only hex digits, so that a hostile trace cannot name another directory
            if (m.debugBlob() != null && m.buildId() != null && m.buildId().matches("[0-9a-fA-F]{3,128}")) {
                Path debug = debugRoot.resolve(".build-id").resolve(m.buildId().substring(0, 2))
                        .resolve(m.buildId().substring(2) + ".debug");
                Files.createDirectories(debug.getParent());
                unpack(m.debugBlob(), debug);
            }
            return Optional.of(ElfFile.open(file, debugRoot));
        } catch (IOException e) { // ElfException included: not ELF, unreadable
            return Optional.empty();
        }
    }

    private Path unpack(String blob, Path target) throws IOException {
        try (InputStream in = trace.openBlob(blob)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    @Override
    public synchronized void close() throws IOException {
        for (Optional<ElfFile> f : opened.values()) f.ifPresent(ElfFile::close);
        opened.clear();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
