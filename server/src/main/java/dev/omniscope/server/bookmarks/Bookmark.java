package dev.omniscope.server.bookmarks;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A moment someone marked: a step, optionally a memory range ({@code addr} as "0x..." hex, an
 * unsigned 64-bit address, and {@code len} bytes) and a thread, with a note.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Bookmark(long id, String traceId, long step, String addr, Integer len, Integer tid, String note,
                       String createdBy, Instant createdAt, String link) {}
