package dev.omniscope.indexer;

import static dev.omniscope.recorder.testing.Omni.testProgram;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.omniscope.indexer.index.IndexSummary;
import dev.omniscope.indexer.index.IndexTable;
import dev.omniscope.indexer.testing.Indexed;
import dev.omniscope.recorder.testing.Omni;

/** Properties of the index as a whole: deterministic, bounded in memory on long runs. */
class IndexPropertiesTest {
    @TempDir
    Path work;

    @Test
    void indexingTheSameTraceTwiceGivesIdenticalTables() throws Exception {
        Path trace = work.resolve("threads");
        Omni.record(trace, List.of(testProgram("threads_mutex").toString()));
        Path first = work.resolve("first"), second = work.resolve("second");
        assertThat(Indexed.omni("1g", "index", "--quiet", "--out", first.toString(), trace.toString()).exitCode()).isZero();
        assertThat(Indexed.omni("1g", "index", "--quiet", "--out", second.toString(), trace.toString()).exitCode()).isZero();
        for (IndexTable t : IndexTable.values()) {
            assertThat(Files.mismatch(first.resolve(t.fileName()), second.resolve(t.fileName())))
                    .as(t.fileName() + " differs").isEqualTo(-1L);
        }
    }

    @Test
    void aHundredMillionInstructionsIndexWithinAGigabyteOfHeap() throws Exception {
        Path trace = work.resolve("loop");
        Omni.Run recorded = Omni.record(trace, List.of(testProgram("loop100m").toString()));
        assertThat(recorded.exitCode()).isZero();
        Omni.Run index = Indexed.omni("1g", "index", "--quiet", trace.toString());
        assertThat(index.exitCode()).as(index.stderr()).isZero();
        IndexSummary summary = dev.omniscope.indexer.query.ArrowIndex.open(trace.resolve("index")).summary();
        assertThat(summary.complete()).isTrue();
        assertThat(summary.instructions()).isGreaterThanOrEqualTo(100_000_000L);
        // Every iteration stores to `sink`.
        assertThat(summary.rows().get("mem_writes")).isGreaterThan(11_000_000L);
    }
}
