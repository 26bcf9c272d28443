package dev.omniscope.server.traces;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job's failure reason never names the server's own paths (docs/api.md, "Errors"). */
class TraceDirectoriesTest {
    @Test
    void reasonsNameTheTraceRatherThanItsPath(@TempDir Path tmp) throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        TraceDirectories dirs = new TraceDirectories(link.toString());
        String id = "AAAAAAAAAAAAAAAAAAAAAA";
        assertThat(dirs.withoutPaths("the trace cannot be read: " + dirs.packedTrace(id) + " lacks blob 1f2e", id))
                .isEqualTo("the trace cannot be read: the trace lacks blob 1f2e");
        // the spelling a library reached through the real path
        assertThat(dirs.withoutPaths("indexing failed: java.io.IOException: " + real.resolve("traces").resolve(id).resolve("trace.omnitrace")
                + ": truncated", id)).isEqualTo("indexing failed: java.io.IOException: the trace: truncated");
        assertThat(dirs.withoutPaths("cannot write " + dirs.work(id).resolve("index/blocks.arrow"), id))
                .isEqualTo("cannot write the job's work directory/index/blocks.arrow");
        assertThat(dirs.withoutPaths("cannot list " + dirs.trace(id) + " or " + dirs.uploads(), id))
                .isEqualTo("cannot list the trace's directory or the server's data directory/uploads");
        for (String reason : new String[] {"replay failed: divergence at step 12", "a reason with /usr/lib/libc.so.6 (the trace's own path)"}) {
            assertThat(dirs.withoutPaths(reason, id)).isEqualTo(reason);
        }
    }
}
