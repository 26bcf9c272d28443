package dev.omniscope.recorder.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.omniscope.trace.EventStreamReader;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceEvent;

/** A small trace's events, all in memory (tests only: real readers stream). */
public final class Events {
    private Events() {}

    public static List<TraceEvent> all(Path trace) throws IOException {
        List<TraceEvent> events = new ArrayList<>();
        try (Trace t = Trace.open(trace); EventStreamReader r = t.events()) {
            r.forEachRemaining(events::add);
        }
        return events;
    }

    public static <T extends TraceEvent> List<T> of(List<TraceEvent> events, Class<T> kind) {
        return events.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    public static byte[] blob(Path trace, String hash) throws IOException {
        try (Trace t = Trace.open(trace); var in = t.openBlob(hash)) {
            return in.readAllBytes();
        }
    }
}
