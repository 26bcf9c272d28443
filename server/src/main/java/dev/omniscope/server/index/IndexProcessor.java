package dev.omniscope.server.index;

import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.omniscope.indexer.index.IndexSummary;
import dev.omniscope.indexer.query.ArrowIndex;
import dev.omniscope.indexer.query.Opening;
import dev.omniscope.indexer.query.QueryableTrace;
import dev.omniscope.server.jobs.TraceProcessor;
import dev.omniscope.server.traces.TraceAccess;
import dev.omniscope.server.traces.TraceRepository;
import dev.omniscope.trace.Trace;

/**
 * An indexing job's work: {@code omni index} of the packed trace into the job's work directory
 * (the replay with every table on; modules unpacked there, never this machine's files), run in a
 * child process ({@link IndexerProcess}: the emulator's native code cannot take the server down), then
 * the index loaded into PostgreSQL ({@link IndexLoader}). Progress: the replay's events over the
 * trace's, then rows loaded over the index's. Before the load, the moment the trace opens at
 * ({@link Opening}) is found over the index's Arrow files and stored with it.
 *
 * <p>A replay that stops early (a divergence, an instruction the emulator cannot execute, a trace
 * cut short) still leaves an index of everything up to that step. It is loaded, so that people
 * can see what ran up to the problem, and the job then fails with the replay's reason: the trace
 * is {@code failed}, and its index answers queries over the steps it covers.
 */
@Component
public class IndexProcessor implements TraceProcessor {
    private static final Logger log = LoggerFactory.getLogger(IndexProcessor.class);
    /** The share of the progress bar the replay takes; loading takes the rest. */
    static final double REPLAY = 0.35;

    private final IndexLoader loader;
    private final TraceRepository traces;
    private final TraceAccess access;
    private final IndexerProcess replays;

    public IndexProcessor(IndexLoader loader, TraceRepository traces, TraceAccess access, IndexerProcess replays) {
        this.loader = loader;
        this.replays = replays;
        this.traces = traces;
        this.access = access;
    }

    @Override
    public Outcome process(Job job) throws Exception {
        Long key = traces.key(job.traceId());
        if (key == null) return Outcome.failed("the trace was deleted");
        Path index = job.workDirectory().resolve("index");
        IndexerProcess.Result replay = replays.replay(job, fraction -> job.progress().report(REPLAY * fraction));
        if (replay.summary() == null) return Outcome.failed(replay.failureReason());
        IndexSummary summary = replay.summary();
        job.progress().report(REPLAY);
        String opening = opening(job.packedTrace(), index);
        try {
            loader.load(job.traceId(), key, index, summary, opening,
                    (done, total) -> job.progress().report(REPLAY + (1 - REPLAY) * Math.min(1.0, done / (double) total)));
        } catch (java.util.concurrent.CancellationException e) {
            throw e;
        } catch (Exception e) {
            return Outcome.failed("loading the index failed: " + e.getMessage());
        } finally {
            access.forget(job.traceId()); // a new load replaced the one queries may have kept
        }
        if (summary.complete()) return Outcome.succeeded();
        return Outcome.failed("replay failed: " + summary.problem().message());
    }

    /**
     * The moment the trace opens at ({@link Opening}), as JSON, from the index's Arrow files before
     * they are loaded; null when there is none or it cannot be found (the load goes on without it).
     */
    private static String opening(Path packedTrace, Path index) {
        try (Trace trace = Trace.open(packedTrace); ArrowIndex arrow = ArrowIndex.open(index);
             QueryableTrace queries = new QueryableTrace(trace, arrow)) {
            Opening o = Opening.of(queries);
            return o == null ? null : Trace.json().writeValueAsString(o);
        } catch (Exception | LinkageError e) {
            log.warn("the opening moment of {} could not be found: {}", packedTrace.getFileName(), e.toString());
            return null;
        }
    }
}
