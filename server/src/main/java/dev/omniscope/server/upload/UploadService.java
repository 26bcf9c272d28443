package dev.omniscope.server.upload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.codec.multipart.FilePartEvent;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;

import dev.omniscope.server.api.Blocking;
import dev.omniscope.server.api.Ids;
import dev.omniscope.server.api.Problems;
import dev.omniscope.server.auth.Caller;
import dev.omniscope.server.jobs.IndexingJobs;
import dev.omniscope.server.traces.TraceState;
import dev.omniscope.server.traces.TraceAccess;
import dev.omniscope.server.traces.TraceDirectories;
import dev.omniscope.server.traces.TraceDocuments;
import dev.omniscope.server.traces.TraceRecord;
import dev.omniscope.server.traces.TraceRepository;
import dev.omniscope.trace.TraceHeader;
import dev.omniscope.trace.TraceSummary;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Receives an upload: the multipart part {@code file} is streamed to
 * {@code uploads/<random>.partial} buffer by buffer (never whole in memory) with a running size
 * check, validated in place ({@link TraceValidator}), moved to {@code traces/<id>/trace.omnitrace},
 * recorded, and queued for indexing. A refused or abandoned upload leaves no file and no row.
 */
@Service
public class UploadService {
    private static final Logger log = LoggerFactory.getLogger(UploadService.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The largest refused body still read to its end before the refusal (larger ones: Connection: close at once). */
    private static final long DRAINED_REFUSAL = 64L << 20;
    /** Room for the multipart framing around the file when comparing Content-Length with the limit. */
    private static final long MULTIPART_OVERHEAD = 64 * 1024;

    private final UploadProperties limits;
    private final TraceValidator validator;
    private final TraceDirectories directories;
    private final TraceRepository traces;
    private final IndexingJobs jobs;

    public UploadService(UploadProperties limits, TraceValidator validator, TraceDirectories directories, TraceRepository traces, IndexingJobs jobs) {
        this.limits = limits;
        this.validator = validator;
        this.directories = directories;
        this.traces = traces;
        this.jobs = jobs;
    }

    /** @param contentLength the request's Content-Length, or -1 */
    public Mono<TraceDocuments.Accepted> upload(Caller caller, long contentLength, Flux<PartEvent> parts) {
        TraceAccess.requireUser(caller);
        long max = limits.maxSize().toBytes();
        if (contentLength > max + MULTIPART_OVERHEAD) {
            // Refused by its length. A body of modest size is read to its end first, so that the
            // client, still sending, hears the 413 instead of a connection closed under it.
            if (contentLength > DRAINED_REFUSAL) return Mono.error(tooLarge(max).problem());
            return parts.doOnNext(e -> DataBufferUtils.release(e.content())).onErrorResume(e -> Mono.empty())
                    .then(Mono.error(tooLarge(max).problem()));
        }
        AtomicReference<Path> partial = new AtomicReference<>();
        AtomicBoolean kept = new AtomicBoolean();
        return Mono.fromCallable(() -> {
                    Path p = Files.createTempFile(directories.uploads(), "upload-", ".partial");
                    partial.set(p);
                    return p;
                })
                .subscribeOn(Blocking.scheduler())
                .flatMap(file -> receive(parts, file, max))
                .publishOn(Blocking.scheduler())
                .map(size -> accept(caller, partial.get(), size, kept))
                .onErrorMap(UploadRefused.class, UploadRefused::problem)
                // a full disk (while receiving, moving or recording): a 507 now, so that the file is removed before it is answered
                .onErrorMap(e -> !(e instanceof ErrorResponseException) && Problems.insufficientResources(e) != null,
                        Problems::insufficientResources)
                // remove the file before the refusal is answered, so that nothing is left once the client hears it
                .onErrorResume(e -> Mono.fromRunnable(() -> removePartial(partial.get(), kept))
                        .subscribeOn(Blocking.scheduler()).then(Mono.error(e)))
                .doOnCancel(() -> removePartial(partial.get(), kept)); // the client went away
    }

    private static void removePartial(Path p, AtomicBoolean kept) {
        if (p == null || kept.get()) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("cannot remove {}: {}", p, e.getMessage());
        }
    }

    /**
     * Streams the part named {@code file} into {@code target}; the other parts are drained. Its
     * size. A refusal found in the middle (a second part named file) is raised once the whole body
     * is read, so that the connection can carry the client's next request; only a body too large
     * is refused before its end (with {@code Connection: close}).
     */
    private Mono<Long> receive(Flux<PartEvent> parts, Path target, long max) {
        AtomicLong size = new AtomicLong();
        AtomicBoolean seen = new AtomicBoolean();
        AtomicReference<UploadRefused> refused = new AtomicReference<>();
        return parts.windowUntil(PartEvent::isLast)
                .concatMap(part -> part.switchOnFirst((first, events) -> {
                    PartEvent event = first.get();
                    if (event instanceof FilePartEvent file && "file".equals(file.name())) {
                        if (!seen.compareAndSet(false, true)) {
                            refused.compareAndSet(null, new UploadRefused(HttpStatus.BAD_REQUEST, "bad-request",
                                    "the request has more than one part named 'file'"));
                            return events.doOnNext(e -> DataBufferUtils.release(e.content())).then();
                        }
                        Flux<DataBuffer> content = events.map(PartEvent::content).map(buffer -> {
                            if (size.addAndGet(buffer.readableByteCount()) > max) {
                                DataBufferUtils.release(buffer);
                                throw tooLarge(max);
                            }
                            return buffer;
                        });
                        return writeTo(content, target);
                    }
                    if (event == null) return events.then();
                    return events.doOnNext(e -> DataBufferUtils.release(e.content())).then();
                }))
                .then(Mono.defer(() -> refused.get() != null ? Mono.<Long>error(refused.get()) : seen.get() ? Mono.just(size.get())
                        : Mono.error(new UploadRefused(HttpStatus.BAD_REQUEST, "missing-file",
                                "no part named 'file': send the packed trace as multipart/form-data field 'file' (curl -F file=@trace.omnitrace)"))));
    }

    /**
     * Writes the buffers in order, each to its end, then closes the file: done means every byte is
     * in it. (DataBufferUtils.write through an AsynchronousFileChannel let the file be validated now
     * and then without its last writes: "no ustar header" near the end of a good trace.)
     */
    private static Mono<Void> writeTo(Flux<DataBuffer> content, Path target) {
        // A write that fails (a full disk) empties the file to give the space back at once, and the rest
        // of the part is read and dropped: the refusal is answered once the body is read, so that the
        // client hears it (a connection closed while it is still sending loses the answer).
        AtomicReference<IOException> failed = new AtomicReference<>();
        return Mono.using(() -> FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING),
                channel -> content.publishOn(Blocking.scheduler())
                        .doOnNext(buffer -> {
                            try (DataBuffer.ByteBufferIterator pieces = buffer.readableByteBuffers()) {
                                while (failed.get() == null && pieces.hasNext()) {
                                    ByteBuffer piece = pieces.next();
                                    while (piece.hasRemaining()) channel.write(piece);
                                }
                            } catch (IOException e) {
                                failed.set(e);
                                try {
                                    channel.truncate(0);
                                } catch (IOException ignored) {
                                    // removed with the file when the upload is refused
                                }
                            } finally {
                                DataBufferUtils.release(buffer);
                            }
                        })
                        .doOnDiscard(DataBuffer.class, DataBufferUtils::release)
                        .then(Mono.defer(() -> failed.get() == null ? Mono.<Void>empty()
                                : Mono.error(new java.io.UncheckedIOException(failed.get())))),
                channel -> {
                    try {
                        channel.close();
                    } catch (IOException e) {
                        log.warn("cannot close {}: {}", target, e.getMessage());
                    }
                });
    }

    private static UploadRefused tooLarge(long max) {
        return new UploadRefused(HttpStatus.PAYLOAD_TOO_LARGE, "too-large",
                "the upload is larger than this server's limit of " + max + " bytes (omni.upload.max-size)");
    }

    /** Validates, moves into place, records and queues. Blocking. */
    private TraceDocuments.Accepted accept(Caller caller, Path partial, long size, AtomicBoolean kept) {
        TraceValidator.Validated valid = validator.validate(partial, size);
        String id = Ids.random128();
        Path dir = directories.trace(id);
        try {
            Files.createDirectories(dir);
            Files.move(partial, directories.packedTrace(id), StandardCopyOption.ATOMIC_MOVE);
            kept.set(true);
            TraceSummary s = valid.summary();
            TraceHeader h = s.header();
            long events = s.eventCounts().values().stream().mapToLong(Long::longValue).sum();
            TraceRecord row = new TraceRecord(id, caller.user(), null, TraceRecord.QUEUED, 0, null, 0, size,
                    commandLine(h.command()), h.executable(), h.created(), events, s.complete(), summaryJson(s, valid.expandedBytes()), null);
            jobs.open(id, new TraceState(id, TraceRecord.QUEUED, 0, null));
            try {
                traces.insert(row);
            } catch (RuntimeException e) {
                jobs.cancel(id);
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            try {
                TraceDirectories.deleteRecursively(dir);
            } catch (IOException ignored) {
                // reported below
            }
            if (e instanceof ErrorResponseException || e instanceof UploadRefused) throw (RuntimeException) e;
            throw new IllegalStateException("cannot store the upload: " + e.getMessage(), e);
        }
        jobs.submit(id);
        log.info("accepted trace {} ({} bytes) from {}", id, size, caller.user());
        return new TraceDocuments.Accepted(id, TraceRecord.QUEUED, size, TraceDocuments.Links.of(id));
    }

    /** The summary as stored: everything but the header's environment (which may hold secrets). */
    static String summaryJson(TraceSummary s, long expandedBytes) {
        TraceHeader h = s.header();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recorder", h.recorder());
        m.put("created", h.created());
        m.put("command", h.command());
        m.put("executable", h.executable());
        m.put("cwd", h.cwd());
        m.put("host", h.host());
        m.put("masking", h.masking());
        m.put("complete", s.complete());
        m.put("incompleteReason", s.incompleteReason());
        m.put("exitStatus", s.exitStatus());
        m.put("processes", s.processes());
        m.put("eventCounts", s.eventCounts());
        m.put("syscalls", s.syscalls());
        m.put("snapshotBytes", s.snapshotBytes());
        m.put("blobs", s.blobs());
        m.put("blobBytes", s.blobBytes());
        m.put("expandedBytes", expandedBytes);
        m.put("eventStreamBytes", s.eventStreamBytes());
        m.put("totalBytes", s.totalBytes());
        m.put("modules", s.modules());
        m.put("sources", s.sources());
        m.put("warnings", s.warnings());
        return JSON.writeValueAsString(m);
    }

    /** The command line as a shell would take it back. */
    static String commandLine(List<String> argv) {
        if (argv == null) return null;
        StringBuilder sb = new StringBuilder();
        for (String a : argv) {
            if (sb.length() > 0) sb.append(' ');
            if (!a.isEmpty() && a.matches("[A-Za-z0-9_./=:,@%+-]+")) sb.append(a);
            else sb.append('\'').append(a.replace("'", "'\\''")).append('\'');
        }
        return sb.toString();
    }
}
