package dev.omniscope.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.omniscope.testing.Tar;

/** The packed-trace reader refuses what a hostile upload could carry. */
class PackedTraceTest {
    @TempDir
    Path work;

    private Path tar(String file, Object... entries) throws Exception {
        return Tar.write(work.resolve(file), entries);
    }

    private static final String HEADER = "{\"format\":\"omniscope-trace\",\"version\":1}";

    @Test
    void acceptsAPlainArchive() throws Exception {
        try (PackedTrace p = PackedTrace.open(tar("ok.tar", "trace.json", '0', HEADER, "events", '0', "x"))) {
            assertThat(p.entries()).containsExactly("trace.json", "events");
            assertThat(new String(p.open("trace.json").readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(HEADER);
        }
    }

    @Test
    void refusesAbsolutePathsDotDotLinksDevicesAndDuplicates() throws Exception {
        assertRefused(tar("abs.tar", "trace.json", '0', HEADER, "/etc/passwd", '0', "x"), "is not allowed");
        assertRefused(tar("dots.tar", "trace.json", '0', HEADER, "blobs/../../evil", '0', "x"), "is not allowed");
        assertRefused(tar("symlink.tar", "trace.json", '0', HEADER, "events", '2', ""), "is a symbolic link");
        assertRefused(tar("hardlink.tar", "trace.json", '0', HEADER, "events", '1', ""), "is a hard link");
        assertRefused(tar("device.tar", "trace.json", '0', HEADER, "events", '3', ""), "is a device");
        assertRefused(tar("fifo.tar", "trace.json", '0', HEADER, "events", '6', ""), "is a FIFO");
        assertRefused(tar("dup.tar", "trace.json", '0', HEADER, "trace.json", '0', HEADER), "appears twice");
        assertRefused(tar("noheader.tar", "events", '0', "x"), "no trace.json");
    }

    @Test
    void refusesTruncatedAndCorruptArchives() throws Exception {
        Path ok = tar("ok.tar", "trace.json", '0', HEADER, "events", '0', "x".repeat(2000));
        byte[] bytes = Files.readAllBytes(ok);
        assertRefused(Files.write(work.resolve("cut.tar"), java.util.Arrays.copyOf(bytes, 1500)), "is truncated");
        bytes[100] ^= 0x5A; // a header byte: the checksum no longer matches
        assertRefused(Files.write(work.resolve("bad.tar"), bytes), "checksum mismatch");
        assertRefused(Files.write(work.resolve("short.bin"), new byte[10]), "is not a packed trace");
    }

    private static void assertRefused(Path file, String message) {
        assertThatThrownBy(() -> PackedTrace.open(file).close()).isInstanceOf(TraceFormatException.class).hasMessageContaining(message);
    }
}
