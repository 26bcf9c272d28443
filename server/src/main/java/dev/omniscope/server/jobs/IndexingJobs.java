package dev.omniscope.server.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.omniscope.server.traces.TraceDirectories;
import dev.omniscope.server.traces.TraceRecord;
import dev.omniscope.server.api.Blocking;
import dev.omniscope.server.traces.TraceJobs;
import dev.omniscope.server.traces.TraceRepository;
import dev.omniscope.server.traces.TraceState;
import jakarta.annotation.PreDestroy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Indexing jobs: one per uploaded trace, run in the background by a fixed pool of
 * {@code omni.indexing.concurrency} threads. The database row is the job's state
 * ({@code queued -> indexing -> indexed | failed}, progress in percent, attempts); this class keeps
 * the running part and a live stream of state changes per unfinished trace.
 *
 * <p>Restarts: a job the server stopped in the middle stays {@code indexing} in the database; at
 * the next start {@link TraceRepository#recover} queues it again, or fails it with a reason once
 * it has been started {@code omni.indexing.max-attempts} times, so no trace stays {@code indexing}
 * forever. Work is repeated from the start (a job is a pure function of the trace file).
 */
@Component
public class IndexingJobs implements TraceJobs {
    private static final Logger log = LoggerFactory.getLogger(IndexingJobs.class);
    private static final Sinks.EmitFailureHandler RETRY = Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1));
    private static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;

    private final TraceRepository traces;
    private final TraceDirectories directories;
    private final TraceProcessor processor;
    private final IndexingProperties properties;
    private final ExecutorService pool;
    private final Map<String, Sinks.Many<TraceState>> live = new ConcurrentHashMap<>();
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    /** Jobs running now, completed when their thread is done with the trace's files. */
    private final Map<String, CompletableFuture<Void>> running = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    public IndexingJobs(TraceRepository traces, TraceDirectories directories, TraceProcessor processor, IndexingProperties properties) {
        this.traces = traces;
        this.directories = directories;
        this.processor = processor;
        this.properties = properties;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(properties.concurrency(), r -> {
            Thread t = new Thread(r, "omni-indexing-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues again what a stopped server left unfinished, then starts the queue. */
    @EventListener(ApplicationReadyEvent.class)
    public void recover() {
        List<String> queued = traces.recover(properties.maxAttempts());
        if (!queued.isEmpty()) log.info("{} traces waiting to be indexed from before the restart", queued.size());
        for (String id : queued) {
            open(id, new TraceState(id, TraceRecord.QUEUED, 0, null));
            submit(id);
        }
    }

    /** Before a new trace's row is visible: its live state stream exists from the first moment. */
    public void open(String id, TraceState initial) {
        Sinks.Many<TraceState> sink = Sinks.many().replay().latest();
        sink.emitNext(initial, RETRY);
        live.put(id, sink);
    }

    public void submit(String id) {
        pool.execute(() -> run(id));
    }

    /**
     * The trace is being deleted: its job stops at its next progress report, its stream ends.
     * Completes when no job uses the trace's files any more.
     */
    @Override
    public CompletableFuture<Void> cancel(String id) {
        cancelled.add(id);
        Sinks.Many<TraceState> sink = live.remove(id);
        if (sink != null) sink.emitComplete(RETRY);
        return running.getOrDefault(id, CompletableFuture.completedFuture(null));
    }

    /**
     * The trace's state changes from {@code current} (read by the caller) on, ending once it is
     * indexed or failed (or deleted).
     */
    @Override
    public Flux<TraceState> watch(TraceState current) {
        Sinks.Many<TraceState> sink = live.get(current.id());
        if (sink != null) return sink.asFlux();
        if (current.finished()) return Flux.just(current);
        // Not (or no longer) running here: the job just finished, or is about to be recovered. Follow the row.
        return Flux.just(current).concatWith(Flux.interval(Duration.ofSeconds(1))
                .concatMap(tick -> Blocking.call(() -> traces.find(current.id())))
                .takeWhile(Optional::isPresent)
                .map(row -> TraceState.of(row.get()))
                .takeUntil(TraceState::finished))
                .distinctUntilChanged();
    }

    private void run(String id) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        running.put(id, done);
        try {
            runJob(id);
        } finally {
            running.remove(id, done);
            done.complete(null);
        }
    }

    private void runJob(String id) {
        if (stopping) return;
        if (cancelled.remove(id)) return;
        Sinks.Many<TraceState> sink = live.get(id);
        Optional<TraceRecord> row = traces.find(id);
        if (row.isEmpty() || !traces.claim(id)) {
            row.ifPresent(r -> finish(id, TraceState.of(r)));
            return;
        }
        TraceRecord trace = row.get();
        emit(sink, new TraceState(id, TraceRecord.INDEXING, 0, null));
        log.info("indexing trace {} (attempt {})", id, trace.attempts() + 1);
        Path work = directories.work(id);
        TraceProcessor.Outcome outcome;
        try {
            TraceDirectories.deleteRecursively(work);
            Files.createDirectories(work);
            outcome = processor.process(new TraceProcessor.Job(id, directories.packedTrace(id), work, trace.eventCount(), progress(id, sink)));
        } catch (CancellationException e) {
            outcome = null;
        } catch (Throwable e) {
            if (stopping) {
                outcome = null;
            } else {
                log.warn("indexing trace {} failed", id, e);
                outcome = TraceProcessor.Outcome.failed("indexing failed: " + e);
            }
        } finally {
            try {
                TraceDirectories.deleteRecursively(cancelled.contains(id) ? directories.trace(id) : work);
            } catch (IOException e) {
                log.warn("cannot remove {}: {}", work, e.getMessage());
            }
        }
        if (outcome == null) {
            // Deleted (nothing to record), or the server is stopping: the row stays 'indexing' and the
            // next start runs the job again.
            log.info("indexing trace {} stopped ({})", id, stopping ? "the server is stopping" : "the trace was deleted");
            cancelled.remove(id);
            return;
        }
        String status = outcome.ok() ? TraceRecord.INDEXED : TraceRecord.FAILED;
        if (traces.finish(id, status, outcome.failureReason())) {
            log.info("trace {} {}{}", id, status, outcome.ok() ? "" : ": " + outcome.failureReason());
            finish(id, traces.find(id).map(TraceState::of).orElse(new TraceState(id, status, outcome.ok() ? 100 : 0, outcome.failureReason())));
        } else {
            finish(id, null);
        }
    }

    private TraceProcessor.Progress progress(String id, Sinks.Many<TraceState> sink) {
        return new TraceProcessor.Progress() {
            int percent;
            long lastWrite = System.nanoTime() - PROGRESS_INTERVAL_NANOS;

            @Override
            public void report(double fraction) {
                if (stopping || cancelled.contains(id) || Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("indexing of " + id + " stopped");
                }
                int now = (int) Math.max(0, Math.min(99, Math.floor(fraction * 100))); // 100 only when finished
                long t = System.nanoTime();
                if (now > percent && t - lastWrite >= PROGRESS_INTERVAL_NANOS) {
                    percent = now;
                    lastWrite = t;
                    traces.progress(id, now);
                    emit(sink, new TraceState(id, TraceRecord.INDEXING, now, null));
                }
            }
        };
    }

    private void finish(String id, TraceState last) {
        Sinks.Many<TraceState> sink = live.remove(id);
        cancelled.remove(id);
        if (sink == null) return;
        if (last != null) emit(sink, last);
        sink.emitComplete(RETRY);
    }

    private static void emit(Sinks.Many<TraceState> sink, TraceState state) {
        if (sink != null) sink.emitNext(state, RETRY);
    }

    @PreDestroy
    void stop() throws InterruptedException {
        stopping = true;
        pool.shutdownNow();
        if (!pool.awaitTermination(10, TimeUnit.SECONDS)) log.warn("an indexing job did not stop within 10 s");
        for (Sinks.Many<TraceState> sink : live.values()) sink.emitComplete(RETRY);
    }
}
