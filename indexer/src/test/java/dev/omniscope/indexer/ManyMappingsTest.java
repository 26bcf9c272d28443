package dev.omniscope.indexer;

import static dev.omniscope.recorder.testing.Omni.testProgram;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.omniscope.indexer.index.IndexSummary;
import dev.omniscope.indexer.query.HistoryEntry;
import dev.omniscope.indexer.testing.Indexed;
import dev.omniscope.recorder.testing.Omni;

/**
 * Issue 11: a program with 8,400 mappings (more than the 4,096 memory sections of QEMU inside
 * Unicorn) replays exactly, with its SIGSEGV on a read-only page, and indexes completely.
 */
class ManyMappingsTest {
    @TempDir
    Path work;

    @Test
    void aProgramWithThousandsOfMappingsReplaysAndIndexes() throws Exception {
        Path trace = work.resolve("many_mappings");
        Omni.Run run = Omni.record(trace, List.of(testProgram("many_mappings").toString()));
        assertThat(run.stderr()).contains("omni: trace:");
        assertThat(run.stdout()).contains("SIGSEGV at page 4001, value still 0", "many_mappings done");
        IndexSummary summary = Indexed.index(trace);
        assertThat(summary.complete()).as(summary.problem() == null ? "" : summary.problem().message()).isTrue();

        var verify = Indexed.omni("512m", "replay", "--verify", trace.toString());
        assertThat(verify.exitCode()).as(verify.stdout() + verify.stderr()).isZero();
        assertThat(verify.stdout()).startsWith(String.format("replay OK: %,d instructions", summary.instructions()));

        // Every store of the program into the pages, the last one after the munmap.
        List<HistoryEntry> writes = Indexed.history(trace, "last_written");
        assertThat(writes).hasSize(4200 + 1);
        assertThat(writes.get(0).new_()).isEqualTo("0100000000000000");
        assertThat(writes.get(writes.size() - 1).new_()).isEqualTo("ed5e000000000000");
        List<String> phases = Indexed.history(trace, "phase").stream().map(HistoryEntry::new_).toList();
        assertThat(phases).containsExactly("01000000", "02000000", "03000000", "04000000", "05000000", "06000000");
    }
}
