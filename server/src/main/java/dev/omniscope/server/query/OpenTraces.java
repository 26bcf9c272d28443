package dev.omniscope.server.query;

import java.io.IOException;
import dev.omniscope.server.traces.IndexRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.omniscope.server.traces.TraceDirectories;
import jakarta.annotation.PreDestroy;

/**
 * The traces the query API holds open ({@link TraceIndex}), the most recently used
 * {@code omni.query.open-traces} (default 8). Opening one reads its small tables (symbols, lines,
 * regions...) once; a reload of a trace's index (a new load number) opens it anew. A trace in use
 * by a request when it is evicted is closed when that request is done.
 */
@Component
public class OpenTraces {
    private final JdbcTemplate jdbc;
    private final TraceDirectories directories;
    private final int capacity;
    private final Map<String, TraceIndex> open;
    private final Map<String, Object> opening = new ConcurrentHashMap<>();

    public OpenTraces(JdbcTemplate jdbc, TraceDirectories directories, @Value("${omni.query.open-traces:8}") int capacity) {
        this.jdbc = jdbc;
        this.directories = directories;
        this.capacity = Math.max(1, capacity);
        this.open = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** Work on an open trace. */
    @FunctionalInterface
    interface Work<T> {
        T apply(TraceIndex index) throws Exception;
    }

    /** Runs {@code work} with the trace's open index (opened if needed). */
    <T> T with(IndexRecord state, Work<T> work) throws Exception {
        TraceIndex index = acquire(state);
        try {
            return work.apply(index);
        } finally {
            index.release();
        }
    }

    private TraceIndex acquire(IndexRecord state) throws IOException {
        while (true) {
            TraceIndex found = cached(state);
            if (found != null && found.acquire()) return found;
            // one opening per trace at a time; others wait for it
            Object lock = opening.computeIfAbsent(state.id(), k -> new Object());
            synchronized (lock) {
                found = cached(state);
                if (found == null) {
                    found = new TraceIndex(state.id(), state.key(), state.load(), Optional.ofNullable(state.instructions()).orElse(0L),
                            directories.packedTrace(state.id()), jdbc);
                    put(found);
                }
            }
            opening.remove(state.id(), lock);
            if (found.acquire()) return found;
        }
    }

    private synchronized TraceIndex cached(IndexRecord state) {
        TraceIndex t = open.get(state.id());
        return t != null && t.load == state.load() ? t : null;
    }

    private synchronized void put(TraceIndex t) {
        TraceIndex previous = open.put(t.id, t);
        if (previous != null && previous != t) previous.release();
        while (open.size() > capacity) {
            var eldest = open.entrySet().iterator().next();
            open.remove(eldest.getKey());
            eldest.getValue().release();
        }
    }

    /** Forgets a trace (deleted, or its index replaced); closed once no request uses it. */
    public synchronized void evict(String id) {
        TraceIndex t = open.remove(id);
        if (t != null) t.release();
    }

    @PreDestroy
    synchronized void closeAll() {
        for (TraceIndex t : open.values()) t.release();
        open.clear();
    }
}
