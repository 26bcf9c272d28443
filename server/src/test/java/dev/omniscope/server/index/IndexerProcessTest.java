package dev.omniscope.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.omniscope.server.jobs.IndexingProperties;

class IndexerProcessTest {
    @Test
    void theCauseIsTheLastLineNamingOneWithoutThePathsOfThisMachine() {
        List<String> stderr = List.of(
                "14:36:01.383 INFO  o.a.arrow.memory.BaseAllocator - Debug mode disabled.",
                "java: /build/unicorn-2.0.1/qemu/exec.c:1012: phys_section_add: Assertion `map->sections_nb < TARGET_PAGE_SIZE' failed.",
                "");
        assertThat(IndexerProcess.cause(stderr))
                .isEqualTo("java: exec.c:1012: phys_section_add: Assertion `map->sections_nb < TARGET_PAGE_SIZE' failed.");
        assertThat(IndexerProcess.cause(List.of("something", "    at x.y(Z.java:1)"))).isEqualTo("something");
        assertThat(IndexerProcess.cause(List.of())).isNull();
        assertThat(IndexerProcess.clean("cannot open /home/omni/.omniscope/server/traces/abc/work/index/x.arrow: no space"))
                .isEqualTo("cannot open x.arrow: no space");
        assertThat(IndexerProcess.clean("x".repeat(400))).hasSize(300);
        assertThat(IndexerProcess.signal(6)).isEqualTo("SIGABRT");
    }

    @Test
    void theChildRunsUnderItsLimitsFromAShellThatExecsTheJvm() {
        List<String> command = new IndexerProcess(IndexingProperties.defaults()).command(Path.of("/d/t.omnitrace"), Path.of("/d/work"));
        assertThat(command.subList(0, 3)).containsExactly("/bin/sh", "-c", "ulimit -c 0 && ulimit -v 8388608 && exec \"$0\" \"$@\"");
        assertThat(command.get(3)).endsWith("/java");
        assertThat(command).contains("-Xmx1024m", "-XX:MaxDirectMemorySize=1024m", "-XX:+ExitOnOutOfMemoryError",
                "dev.omniscope.indexer.index.IndexChild");
        assertThat(command.subList(command.size() - 2, command.size())).containsExactly("/d/t.omnitrace", "/d/work");
    }
}
