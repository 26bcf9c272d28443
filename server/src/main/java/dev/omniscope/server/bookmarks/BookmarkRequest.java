package dev.omniscope.server.bookmarks;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of {@code POST /api/traces/{id}/bookmarks}. */
public record BookmarkRequest(
        @Schema(description = "the moment: instructions retired before it, 0 or more", requiredMode = Schema.RequiredMode.REQUIRED, example = "1234")
        Long step,
        @Schema(description = "a memory address, \"0x\" hex or decimal, unsigned 64-bit", example = "0x7ffd1000") String addr,
        @Schema(description = "bytes at addr, 1 to 1048576; needs addr", example = "8") Integer len,
        @Schema(description = "up to 2000 characters") String note,
        @Schema(description = "a thread id, positive") Integer tid) {}
