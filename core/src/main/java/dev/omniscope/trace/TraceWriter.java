package dev.omniscope.trace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a trace directory: trace.json first, then events and blobs as the recording goes. */
public final class TraceWriter implements AutoCloseable {
    private final Path directory;
    private final EventStreamWriter events;
    private final BlobStore blobs;

    private TraceWriter(Path directory) throws IOException {
        this.directory = directory;
        this.events = new EventStreamWriter(directory.resolve(Trace.EVENTS));
        this.blobs = new BlobStore(directory);
    }

    /** Creates {@code directory} (which must not exist, or be empty) and writes the header into it. */
    public static TraceWriter create(Path directory, TraceHeader header) throws IOException {
        if (Files.exists(directory)) {
            try (var entries = Files.list(directory)) {
                if (entries.findAny().isPresent()) throw new IOException(directory + " already exists and is not empty");
            }
        }
        Files.createDirectories(directory);
        Path partial = directory.resolve(Trace.HEADER + ".partial");
        Trace.JSON.writerWithDefaultPrettyPrinter().writeValue(partial.toFile(), header);
        Files.move(partial, directory.resolve(Trace.HEADER), StandardCopyOption.ATOMIC_MOVE);
        return new TraceWriter(directory);
    }

    public void append(TraceEvent event) throws IOException {
        events.append(event);
    }

    /** Call often: writes buffered events once they are a second old. */
    public void flushIfStale() throws IOException {
        events.flushIfStale();
    }

    /** Writes every buffered event, so that a reader of the directory sees them. */
    public void flush() throws IOException {
        events.flush();
    }

    public BlobStore blobs() {
        return blobs;
    }

    public Path directory() {
        return directory;
    }

    public long events() {
        return events.events();
    }

    @Override
    public void close() throws IOException {
        events.close();
    }
}
