package dev.omniscope.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A trace directory, as {@code omni record} writes it. */
final class DirectoryStorage implements TraceStorage {
    private final Path root;

    DirectoryStorage(Path root) {
        this.root = root;
    }

    private Path resolve(String entry) {
        Path p = root.resolve(entry).normalize();
        if (!p.startsWith(root)) throw new TraceFormatException("entry " + entry + " is outside the trace");
        return p;
    }

    @Override
    public boolean has(String entry) {
        return Files.isRegularFile(resolve(entry));
    }

    @Override
    public InputStream open(String entry) throws IOException {
        return Files.newInputStream(resolve(entry));
    }

    @Override
    public long size(String entry) throws IOException {
        return Files.size(resolve(entry));
    }

    @Override
    public List<String> entries() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
                    .filter(name -> !name.startsWith("index/")) // the indexer's output is not part of the trace
                    .sorted().toList();
        }
    }

    @Override
    public String location() {
        return root.toString();
    }

    @Override
    public void close() {}
}
