package dev.omniscope.server.traces;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import tools.jackson.databind.JsonNode;

/** The JSON documents of the traces API (docs/api.md). */
public final class TraceDocuments {
    private TraceDocuments() {}

    public record Links(String self, String web, String events) {
        public static Links of(String id) {
            return new Links("/api/traces/" + id, "/t/" + id, "/api/traces/" + id + "/events");
        }
    }

    /** The answer to an upload. */
    public record Accepted(String id, String status, long fileSize, Links links) {}

    /** A trace in a list. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Brief(String id, String owner, Instant createdAt, String status, int progress, String failureReason,
                        String command, String executable, String recordedAt, long fileSize, long eventCount, boolean complete,
                        Links links) {
        public static Brief of(TraceRecord t) {
            return new Brief(t.id(), t.owner(), t.createdAt(), t.status(), t.progress(), t.failureReason(), t.command(),
                    t.executable(), t.recordedAt(), t.fileSize(), t.eventCount(), t.complete(), Links.of(t.id()));
        }
    }

    /**
     * One trace: {@link Brief}'s fields plus {@code attempts} and {@code summary} (what the upload's
     * pass over the trace found: header facts, processes, event counts, system calls, warnings).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Detail(String id, String owner, Instant createdAt, String status, int progress, String failureReason,
                         int attempts, String command, String executable, String recordedAt, long fileSize, long eventCount,
                         boolean complete, JsonNode summary, Index index, Links links) {}

    /**
     * The trace's loaded index (null until one is loaded): the steps it covers ([0, instructions)),
     * whether the replay reached the end and if not where and why it stopped, rows per table,
     * how long the replay and the load took.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Index(long instructions, boolean complete, JsonNode problem, JsonNode rows, Long indexMillis, Long loadMillis,
                        Instant loadedAt) {}

    /** A page of traces; {@code next} is the cursor of the following page, null on the last. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Page(List<Brief> traces, String next) {}
}
