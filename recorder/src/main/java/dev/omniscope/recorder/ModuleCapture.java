package dev.omniscope.recorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.omniscope.symbols.ElfException;
import dev.omniscope.symbols.ElfFile;
import dev.omniscope.trace.BlobStore;
import dev.omniscope.trace.EventStreamReader;
import dev.omniscope.trace.Mapping;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceEvent;
import dev.omniscope.trace.TraceFiles;

/**
 * The last step of a recording: stores in the trace the files needed to name what ran (the ELF
 * file of every module that had executable code mapped, its separate debug file) and the source
 * files their DWARF line tables name that exist on this machine. A pass over the finished trace,
 * so the record loop stays about recording.
 */
public final class ModuleCapture {
    /** Larger files are not carried (a generated source, a huge debug file): the index names without them. */
    static final long MAX_SOURCE = 8L << 20, MAX_MODULE = 512L << 20;

    /** What was stored. */
    public record Captured(int modules, int debugFiles, int sources, long bytes) {}

    private ModuleCapture() {}

    public static Captured capture(Path traceDirectory, BlobStore blobs) throws IOException {
        Set<String> modulePaths = new LinkedHashSet<>();
        try (Trace trace = Trace.open(traceDirectory); EventStreamReader events = trace.events()) {
            for (Iterator<TraceEvent> it = events; it.hasNext(); ) {
                TraceEvent e = it.next();
                if (e instanceof TraceEvent.Exec x) {
                    modulePaths.add(x.executable());
                    addExecutable(x.mappings(), modulePaths);
                } else if (e instanceof TraceEvent.SyscallExit x) {
                    addExecutable(x.mappings(), modulePaths);
                }
            }
        }
        List<TraceFiles.Module> modules = new ArrayList<>();
        Set<String> sourcePaths = new TreeSet<>();
        long bytes = 0;
        int debugFiles = 0;
        for (String path : modulePaths) {
            Path file = Path.of(path);
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_MODULE) continue;
            try (ElfFile elf = ElfFile.open(file)) {
                String blob = blobs.put(Files.readAllBytes(file));
                bytes += Files.size(file);
                String debugPath = null, debugBlob = null;
                if (elf.debugFile().isPresent() && Files.size(elf.debugFile().get()) <= MAX_MODULE) {
                    debugPath = elf.debugFile().get().toString();
                    debugBlob = blobs.put(Files.readAllBytes(elf.debugFile().get()));
                    bytes += Files.size(elf.debugFile().get());
                    debugFiles++;
                }
                modules.add(new TraceFiles.Module(path, blob, Files.size(file), elf.buildId().orElse(null), debugPath, debugBlob));
                sourcePaths.addAll(elf.sourceFiles());
            } catch (ElfException e) {
                // not ELF (a script's interpreter is; the script is not mapped executable): nothing to name
            }
        }
        List<TraceFiles.Source> sources = new ArrayList<>();
        for (String path : sourcePaths) {
            Path file = Path.of(path);
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_SOURCE) continue;
            byte[] content = Files.readAllBytes(file);
            sources.add(new TraceFiles.Source(path, blobs.put(content), content.length));
            bytes += content.length;
        }
        write(traceDirectory.resolve(TraceFiles.MODULES), new TraceFiles.Modules(modules));
        write(traceDirectory.resolve(TraceFiles.SOURCES), new TraceFiles.Sources(sources));
        return new Captured(modules.size(), debugFiles, sources.size(), bytes);
    }

    private static void addExecutable(List<Mapping> mappings, Set<String> paths) {
        for (Mapping m : mappings) {
            if ((m.prot() & 4) != 0 && (m.flags() & Mapping.ANONYMOUS) == 0 && m.path().startsWith("/")) paths.add(m.path());
        }
    }

    private static void write(Path target, Object value) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        Files.writeString(partial, Trace.json().writerWithDefaultPrettyPrinter().writeValueAsString(value));
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
