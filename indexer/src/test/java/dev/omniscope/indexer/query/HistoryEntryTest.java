package dev.omniscope.indexer.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.omniscope.trace.Trace;

class HistoryEntryTest {
    @Test
    void theDocumentHasEveryFieldInOrderWithNullsWritten() {
        HistoryEntry placed = new HistoryEntry(12, 100, 101, "0x401000", "main+0x4", "/src/a.c", 7, "0x404010", 4, "00000000",
                "2a000000", "2a000000ffff", false);
        assertThat(Trace.json().writeValueAsString(placed)).isEqualTo("{\"step\":12,\"pid\":100,\"tid\":101,\"rip\":\"0x401000\","
                + "\"function\":\"main+0x4\",\"file\":\"/src/a.c\",\"line\":7,\"addr\":\"0x404010\",\"size\":4,\"old\":\"00000000\","
                + "\"new\":\"2a000000\",\"after\":\"2a000000ffff\",\"kernel\":false}");
        HistoryEntry nowhere = new HistoryEntry(Long.MAX_VALUE, 1, 1, "0x0", null, null, null, "0x10", 1, "00", "01", "01", true);
        assertThat(Trace.json().writeValueAsString(nowhere)).isEqualTo("{\"step\":" + Long.MAX_VALUE + ",\"pid\":1,\"tid\":1,"
                + "\"rip\":\"0x0\",\"function\":null,\"file\":null,\"line\":null,\"addr\":\"0x10\",\"size\":1,\"old\":\"00\","
                + "\"new\":\"01\",\"after\":\"01\",\"kernel\":true}");
    }

    @Test
    void theDocumentReadsBackAsTheSameEntry() {
        HistoryEntry e = new HistoryEntry(3, 2, 2, "0x1", "f", "g.c", null, "0x2", 8, "0102030405060708", "0807060504030201",
                "0807060504030201", false);
        assertThat(Trace.json().readValue(Trace.json().writeValueAsString(e), HistoryEntry.class)).isEqualTo(e);
    }
}
