package dev.omniscope.server.jobs;

import org.springframework.stereotype.Component;

import dev.omniscope.indexer.modules.ModuleFiles;
import dev.omniscope.indexer.modules.ModuleMap;
import dev.omniscope.indexer.replay.ReplayListener;
import dev.omniscope.indexer.replay.Replayer;
import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceFormatException;

/**
 * Today's indexing job: replay the trace in the emulator and verify it against the recording
 * (as {@code omni replay --verify}), tracing nothing. A divergence, an instruction the emulator
 * cannot execute, or a trace that ends early fails the job with the replay's description.
 * Progress is events replayed over the trace's event count.
 */
@Component
class ReplayProcessor implements TraceProcessor {
    @Override
    public Outcome process(Job job) throws Exception {
        try (Trace trace = Trace.open(job.packedTrace());
             // modules carried by the trace, unpacked into the job's work directory; never this machine's files
             ModuleFiles files = new ModuleFiles(trace, job.workDirectory().resolve("modules"), false)) {
            long total = Math.max(1, job.eventCount());
            Replayer.Result result = new Replayer(trace, ReplayListener.NONE, 0, new ModuleMap(files, m -> { }))
                    .run((events, steps) -> job.progress().report(Math.min(1.0, events / (double) total)));
            if (result.ok()) return Outcome.succeeded();
            return Outcome.failed("replay failed: " + result.problem().describe());
        } catch (TraceFormatException e) {
            return Outcome.failed("the trace cannot be read: " + e.getMessage().replace(job.packedTrace().toString(), "the trace"));
        }
    }
}
