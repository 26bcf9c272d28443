package dev.omniscope.server.traces;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import dev.omniscope.server.api.Problems;
import dev.omniscope.server.auth.Caller;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Listing, reading and deleting traces (uploads are {@code upload.UploadService}). Blocking. */
@Service
public class TraceService {
    private static final Logger log = LoggerFactory.getLogger(TraceService.class);
    public static final int MAX_LIMIT = 200;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TraceRepository traces;
    private final TraceAccess access;
    private final TraceJobs jobs;
    private final List<TraceDataStore> dataStores;
    private final TraceDirectories directories;

    public TraceService(TraceRepository traces, TraceAccess access, TraceJobs jobs, List<TraceDataStore> dataStores,
                        TraceDirectories directories) {
        this.traces = traces;
        this.access = access;
        this.jobs = jobs;
        this.dataStores = dataStores;
        this.directories = directories;
    }

    public TraceDocuments.Page list(Caller caller, Integer limit, String cursor) {
        TraceAccess.requireUser(caller);
        int n = limit == null ? 50 : limit;
        if (n < 1 || n > MAX_LIMIT) throw Problems.badRequest("limit must be between 1 and " + MAX_LIMIT + ", not " + n);
        Instant afterTime = null;
        String afterId = null;
        if (cursor != null) {
            try {
                String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
                int dot = decoded.indexOf('.');
                long micros = Long.parseLong(decoded.substring(0, dot));
                afterTime = Instant.EPOCH.plusNanos(Math.multiplyExact(micros, 1000L));
                afterId = decoded.substring(dot + 1);
            } catch (RuntimeException e) {
                throw Problems.badRequest("cursor is not one this server gave out (use the 'next' of a previous page)");
            }
        }
        List<TraceRecord> rows = traces.list(caller.seesAll() ? null : caller.user(), afterTime, afterId, n + 1);
        String next = null;
        if (rows.size() > n) {
            rows = rows.subList(0, n);
            TraceRecord last = rows.get(n - 1);
            long micros = last.createdAt().getEpochSecond() * 1_000_000L + last.createdAt().getNano() / 1000;
            next = Base64.getUrlEncoder().withoutPadding().encodeToString((micros + "." + last.id()).getBytes(StandardCharsets.US_ASCII));
        }
        return new TraceDocuments.Page(rows.stream().map(t -> TraceDocuments.Brief.of(t, TraceDocuments.Facts.of(summary(t)))).toList(), next);
    }

    public TraceDocuments.Detail get(Caller caller, String id) {
        TraceRecord t = access.readable(caller, id);
        JsonNode summary = summary(t);
        TraceDocuments.Index index = traces.index(id).filter(IndexState::loaded).map(i -> new TraceDocuments.Index(
                i.instructions() == null ? 0 : i.instructions(), Boolean.TRUE.equals(i.complete()), tree(i.problemJson()), tree(i.rowsJson()),
                i.indexMillis(), i.loadMillis(), i.loadedAt(), tree(i.openingJson()))).orElse(null);
        TraceDocuments.Facts f = TraceDocuments.Facts.of(summary);
        return new TraceDocuments.Detail(t.id(), t.owner(), t.createdAt(), t.status(), t.progress(), t.failureReason(), t.attempts(),
                t.command(), f.arguments(), t.executable(), t.recordedAt(), t.fileSize(), t.eventCount(), t.complete(), f.exitStatus(),
                f.processCount(), index == null ? null : index.instructions(), summary, index, TraceDocuments.Links.of(t.id()));
    }

    /** The trace's stored summary, or null when it cannot be read. */
    private static JsonNode summary(TraceRecord t) {
        if (t.summaryJson() == null) return null;
        try {
            return JSON.readTree(t.summaryJson());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static JsonNode tree(String json) {
        return json == null ? null : JSON.readTree(json);
    }

    /** The state now, for the events stream; checks access. */
    public TraceState state(Caller caller, String id) {
        return TraceState.of(access.readable(caller, id));
    }

    public Flux<TraceState> watch(TraceState current) {
        return jobs.watch(current);
    }

    /** Removes the trace: its job, its derived data, its row (with bookmarks and shares), its files. */
    public void delete(Caller caller, String id) throws Exception {
        access.owned(caller, id);
        try {
            // a running job stops at its next progress report; it cleans up after itself if that takes longer
            jobs.cancel(id).get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            log.info("the job of trace {} is still running; it removes its files when it stops", id);
        }
        try {
            for (TraceDataStore store : dataStores) store.delete(id); // in their @Order; the first removes the row
        } catch (TraceDataStore.Gone e) {
            throw Problems.traceNotFound(id); // a concurrent deletion claimed it: it removes the files
        }
        access.forget(id);
        TraceDirectories.deleteRecursively(directories.trace(id));
        log.info("deleted trace {}", id);
    }
}
