package dev.omniscope.server.traces;

import org.springframework.stereotype.Component;

/**
 * Today's {@link TraceDataStore}: a trace's derived files ({@code traces/<id>/work}, and
 * {@code traces/<id>/index} where index files will go). The index loader replaces this class with
 * one that also drops the trace's table partitions.
 */
@Component
class StoredTraceData implements TraceDataStore {
    private final TraceDirectories directories;

    StoredTraceData(TraceDirectories directories) {
        this.directories = directories;
    }

    @Override
    public void delete(String traceId) throws Exception {
        TraceDirectories.deleteRecursively(directories.work(traceId));
        TraceDirectories.deleteRecursively(directories.trace(traceId).resolve("index"));
    }
}
