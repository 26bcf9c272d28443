package dev.omniscope.server.traces;


/** A trace's job state, as the events stream sends it. */
public record TraceState(String id, String status, int progress, String failureReason) {
    public static TraceState of(TraceRecord t) {
        return new TraceState(t.id(), t.status(), t.progress(), t.failureReason());
    }

    public boolean finished() {
        return TraceRecord.INDEXED.equals(status) || TraceRecord.FAILED.equals(status);
    }
}
