package dev.omniscope.server.traces;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import dev.omniscope.server.api.Ids;
import dev.omniscope.server.api.Problems;
import dev.omniscope.server.auth.Caller;

/**
 * Who may do what with a trace. Its owner (or anyone, with authentication off) may read and change
 * it; a share token grants reading that one trace. A trace the caller may not read is answered
 * exactly as one that does not exist (404), so that ids cannot be probed. Blocking (JDBC).
 */
@Component
public class TraceAccess {
    private final TraceRepository traces;
    private final ShareRepository shares;

    public TraceAccess(TraceRepository traces, ShareRepository shares) {
        this.traces = traces;
        this.shares = shares;
    }

    /** The trace, if the caller may read it; else 404. */
    public TraceRecord readable(Caller caller, String id) {
        TraceRecord t = find(id);
        if (caller.owns(t.owner())) return t;
        if (caller.shareToken() != null && shares.grants(caller.shareToken(), id)) return t;
        throw Problems.traceNotFound(id);
    }

    /**
     * The trace's index state, if the caller may read the trace; else 404, as {@link #readable}.
     * One light query (the query API's hot path): the row's summary is not read.
     */
    public IndexState readableIndex(Caller caller, String id) {
        if (!Ids.wellFormed(id)) throw Problems.traceNotFound(id);
        IndexState t = index(id);
        if (caller.owns(t.owner())) return t;
        if (caller.shareToken() != null && shares.grants(caller.shareToken(), id)) return t;
        throw Problems.traceNotFound(id);
    }

    /**
     * Loaded indexes, each kept for {@link #LOADED_INDEX_SECONDS}: every query asks for its trace's
     * row, and a loaded index (owner, load, counts) changes only when the trace is deleted or its
     * index loaded anew, which {@link #forget} it. Whether a share token still grants access is
     * asked every time.
     */
    private final Map<String, Loaded> loaded = new ConcurrentHashMap<>();
    static final long LOADED_INDEX_SECONDS = 1;

    private record Loaded(IndexState index, long until) {}

    private IndexState index(String id) {
        long now = System.nanoTime();
        Loaded cached = loaded.get(id);
        if (cached != null && now - cached.until() < 0) return cached.index();
        IndexState t = traces.index(id).orElseThrow(() -> Problems.traceNotFound(id));
        if (t.loaded()) {
            if (loaded.size() >= 10_000) loaded.clear(); // bounded: a second's worth of traces is far fewer
            loaded.put(id, new Loaded(t, now + LOADED_INDEX_SECONDS * 1_000_000_000L));
        } else {
            loaded.remove(id);
        }
        return t;
    }

    /** Drops what is kept of the trace (deleted, or its index loaded anew). */
    public void forget(String id) {
        loaded.remove(id);
    }

    /** The trace, if the caller owns it; 404 if it may not read it, 403 if it reads it through a share link only. */
    public TraceRecord owned(Caller caller, String id) {
        TraceRecord t = readable(caller, id);
        if (!caller.owns(t.owner())) {
            if (!caller.hasUser()) throw Problems.unauthorized("a share link grants read access only; sign in as the trace's owner to change it");
            throw Problems.forbidden("a share link grants read access only; only the trace's owner may change it");
        }
        return t;
    }

    /** The caller is a user (not only the holder of a share link), else 401. */
    public static void requireUser(Caller caller) {
        if (!caller.hasUser()) throw Problems.unauthorized("a share link opens only its trace; this needs a user's credentials");
    }

    private TraceRecord find(String id) {
        if (!Ids.wellFormed(id)) throw Problems.traceNotFound(id);
        Optional<TraceRecord> t = traces.find(id);
        return t.orElseThrow(() -> Problems.traceNotFound(id));
    }
}
