package dev.omniscope.server.query;

import java.io.IOException;
import dev.omniscope.server.traces.IndexState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.omniscope.indexer.query.Timeline;
import dev.omniscope.server.traces.TraceDataStore;
import dev.omniscope.server.traces.TraceDirectories;
import dev.omniscope.server.traces.TraceRepository;
import jakarta.annotation.PreDestroy;
import tools.jackson.databind.json.JsonMapper;

/**
 * The traces the query API holds open ({@link OpenTrace}), the most recently used
 * {@code omni.query.open-traces} (default 8). Opening one reads its small tables (symbols, lines,
 * regions...) once; a reload of a trace's index (a new load number) opens it anew. A trace in use
 * by a request when it is evicted is closed when that request is done.
 */
@Component
@Order(2) // after the partitions are gone: a request that opened the trace in between is then closed too
public class OpenTraces implements TraceDataStore {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final JdbcTemplate jdbc;
    private final TraceDirectories directories;
    private final TraceRepository traces;
    private final int capacity;
    private final Map<String, OpenTrace> open;
    private final Map<String, Object> opening = new ConcurrentHashMap<>();

    public OpenTraces(JdbcTemplate jdbc, TraceDirectories directories, TraceRepository traces,
                      @Value("${omni.query.open-traces:8}") int capacity) {
        this.jdbc = jdbc;
        this.directories = directories;
        this.traces = traces;
        this.capacity = Math.max(1, capacity);
        this.open = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** Work on an open trace. */
    @FunctionalInterface
    interface Work<T> {
        T apply(OpenTrace index) throws Exception;
    }

    /** Runs {@code work} with the trace's open index (opened if needed). */
    <T> T with(IndexState state, Work<T> work) throws Exception {
        OpenTrace index = acquire(state);
        try {
            return work.apply(index);
        } finally {
            index.release();
        }
    }

    private OpenTrace acquire(IndexState state) throws IOException {
        while (true) {
            OpenTrace found = cached(state);
            if (found != null && found.acquire()) return found;
            // one opening per trace at a time; others wait for it
            Object lock = opening.computeIfAbsent(state.id(), k -> new Object());
            synchronized (lock) {
                found = cached(state);
                if (found == null) {
                    String id = state.id();
                    found = new OpenTrace(id, state.load(), Optional.ofNullable(state.instructions()).orElse(0L),
                            directories.packedTrace(id), jdbc, () -> timeline(id));
                    put(found);
                }
            }
            opening.remove(state.id(), lock);
            if (found.acquire()) return found;
        }
    }

    /** The timeline the loader stored with the trace's row. */
    private Timeline timeline(String id) {
        String json = traces.timelineJson(id);
        if (json == null) throw new IllegalStateException("trace " + id + " has no stored timeline");
        return JSON.readValue(json, Timeline.class);
    }

    private synchronized OpenTrace cached(IndexState state) {
        OpenTrace t = open.get(state.id());
        return t != null && t.load == state.load() ? t : null;
    }

    private synchronized void put(OpenTrace t) {
        OpenTrace previous = open.put(t.id, t);
        if (previous != null && previous != t) previous.release();
        while (open.size() > capacity) {
            var eldest = open.entrySet().iterator().next();
            open.remove(eldest.getKey());
            eldest.getValue().release();
        }
    }

    /** A deleted trace: forgotten, and closed once no request uses it. */
    @Override
    public void delete(String id) {
        evict(id);
    }

    /** Forgets a trace; closed once no request uses it. */
    synchronized void evict(String id) {
        OpenTrace t = open.remove(id);
        if (t != null) t.release();
    }

    @PreDestroy
    synchronized void closeAll() {
        for (OpenTrace t : open.values()) t.release();
        open.clear();
    }
}
