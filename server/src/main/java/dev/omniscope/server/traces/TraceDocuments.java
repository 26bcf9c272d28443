package dev.omniscope.server.traces;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.omniscope.common.WaitStatus;
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

    /**
     * What a list shows of a trace's summary: the recorded command's argv, how the recording ended
     * ("exited with status 0", "killed by SIGSEGV"; null when it did not finish), how many
     * processes it recorded.
     */
    public record Facts(List<String> arguments, String exitStatus, Integer processCount) {
        static final Facts NONE = new Facts(null, null, null);

        /** The facts of a stored summary (TraceSummary's JSON); none when it cannot be read. */
        public static Facts of(JsonNode summary) {
            if (summary == null || !summary.isObject()) return NONE;
            List<String> arguments = null;
            JsonNode command = summary.path("command");
            if (command.isArray()) {
                arguments = new java.util.ArrayList<>();
                for (JsonNode a : command) arguments.add(a.asString());
            }
            JsonNode exit = summary.path("exitStatus");
            String exitStatus = exit.isIntegralNumber() ? new WaitStatus(exit.asInt()).toString() : null;
            JsonNode processes = summary.path("processes");
            return new Facts(arguments, exitStatus, processes.isArray() ? processes.size() : null);
        }
    }

    /**
     * A trace in a list. {@code arguments}, {@code exitStatus} and {@code processCount} are the
     * summary's ({@link Facts}); {@code instructions} the loaded index's steps (null until indexed).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Brief(String id, String owner, Instant createdAt, String status, int progress, String failureReason,
                        String command, @JsonInclude(JsonInclude.Include.ALWAYS) List<String> arguments, String executable,
                        String recordedAt, long fileSize, long eventCount, boolean complete,
                        @JsonInclude(JsonInclude.Include.ALWAYS) String exitStatus,
                        @JsonInclude(JsonInclude.Include.ALWAYS) Integer processCount,
                        @JsonInclude(JsonInclude.Include.ALWAYS) Long instructions, Links links) {
        public static Brief of(TraceRecord t, Facts f) {
            return new Brief(t.id(), t.owner(), t.createdAt(), t.status(), t.progress(), t.failureReason(), t.command(), f.arguments(),
                    t.executable(), t.recordedAt(), t.fileSize(), t.eventCount(), t.complete(), f.exitStatus(), f.processCount(),
                    t.instructions(), Links.of(t.id()));
        }
    }

    /**
     * One trace: {@link Brief}'s fields plus {@code attempts} and {@code summary} (what the upload's
     * pass over the trace found: header facts, processes, event counts, system calls, warnings).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Detail(String id, String owner, Instant createdAt, String status, int progress, String failureReason,
                         int attempts, String command, @JsonInclude(JsonInclude.Include.ALWAYS) List<String> arguments, String executable,
                         String recordedAt, long fileSize, long eventCount, boolean complete,
                         @JsonInclude(JsonInclude.Include.ALWAYS) String exitStatus,
                         @JsonInclude(JsonInclude.Include.ALWAYS) Integer processCount,
                         @JsonInclude(JsonInclude.Include.ALWAYS) Long instructions, JsonNode summary, Index index, Links links) {}

    /**
     * The trace's loaded index (null until one is loaded): the steps it covers ([0, instructions)),
     * whether the replay reached the end and if not where and why it stopped, rows per table,
     * how long the replay and the load took, and the moment the trace opens at ({@code opening}:
     * {step, pid, tid, reason, function, file, line}; null when none was found).
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Index(long instructions, boolean complete, JsonNode problem, JsonNode rows, Long indexMillis, Long loadMillis,
                        Instant loadedAt, JsonNode opening) {}

    /** A page of traces; {@code next} is the cursor of the following page, null on the last. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Page(List<Brief> traces, String next) {}
}
