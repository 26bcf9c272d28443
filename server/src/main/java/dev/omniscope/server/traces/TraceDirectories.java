package dev.omniscope.server.traces;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import dev.omniscope.common.OmniHome;

/**
 * The server's files, under {@code omni.server.data-dir} (default {@code $OMNI_HOME/server}):
 * <pre>
 * uploads/&lt;random&gt;.partial      an upload being received and checked (never anywhere else)
 * traces/&lt;id&gt;/trace.omnitrace     an accepted packed trace, read in place (nothing is extracted)
 * traces/&lt;id&gt;/work/              a job's scratch space, emptied before every attempt
 * </pre>
 */
@Component
public class TraceDirectories {
    private final Path root;

    public TraceDirectories(@Value("${omni.server.data-dir:}") String dataDir) {
        this.root = (dataDir == null || dataDir.isBlank() ? OmniHome.root().resolve("server") : Path.of(dataDir))
                .toAbsolutePath().normalize();
        try {
            Files.createDirectories(uploads());
            Files.createDirectories(root.resolve("traces"));
            removeAbandonedUploads();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the server's data directory " + root + " (set OMNI_HOME to a writable directory)", e);
        }
    }

    /** Uploads a killed server was receiving (an hour old: not those of another server sharing this directory). */
    private void removeAbandonedUploads() throws IOException {
        long cutoff = System.currentTimeMillis() - 3_600_000L;
        try (Stream<Path> files = Files.list(uploads())) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".partial")).toList()) {
                if (Files.getLastModifiedTime(p).toMillis() < cutoff) Files.deleteIfExists(p);
            }
        }
    }

    public Path root() {
        return root;
    }

    public Path uploads() {
        return root.resolve("uploads");
    }

    /** Only ever called with ids that passed {@code Ids.wellFormed}: they cannot name another directory. */
    public Path trace(String id) {
        return root.resolve("traces").resolve(id);
    }

    public Path packedTrace(String id) {
        return trace(id).resolve("trace.omnitrace");
    }

    public Path work(String id) {
        return trace(id).resolve("work");
    }

    /**
     * A message (a job's failure reason) as it may be shown: the trace's file, its directory and the
     * data directory named as what they are rather than by path (docs/api.md: messages never name
     * the server's own paths), in every spelling a library may have used (absolute, real).
     */
    public String withoutPaths(String message, String id) {
        String out = message;
        for (Path base : spellings(root)) {
            Path dir = base.resolve("traces").resolve(id);
            out = out.replace(dir.resolve("trace.omnitrace").toString(), "the trace")
                    .replace(dir.resolve("work").toString(), "the job's work directory")
                    .replace(dir.toString(), "the trace's directory")
                    .replace(base.toString(), "the server's data directory");
        }
        return out;
    }

    private static java.util.List<Path> spellings(Path root) {
        java.util.List<Path> all = new java.util.ArrayList<>(java.util.List.of(root));
        try {
            Path real = root.toRealPath();
            if (!real.equals(root)) all.add(0, real); // the longer spelling first when one is inside the other
        } catch (IOException e) {
            // the data directory as configured is the only spelling
        }
        all.sort(Comparator.comparingInt((Path p) -> p.toString().length()).reversed());
        return all;
    }

    /** Removes a file or a directory tree if it exists. */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
