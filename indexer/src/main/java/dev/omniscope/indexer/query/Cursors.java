package dev.omniscope.indexer.query;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The cursors of paged answers: opaque to clients, "kind:v1:v2..." in base64url, where the kind
 * names the listing (so that a history cursor is refused by the calls listing) and the values are
 * the position of the last item of the previous page.
 */
public final class Cursors {
    /** History pages in step order, and in reverse step order. */
    public static final String HISTORY = "h", HISTORY_DESCENDING = "hd";
    public static final String CALLS = "c", SYSCALLS = "s";
    /** Executions of a line, address or function. */
    public static final String EXECUTIONS = "x";
    /** The program's output (writes to inherited descriptors). */
    public static final String OUTPUT = "o";

    private Cursors() {}

    public static String encode(String kind, long... values) {
        StringBuilder sb = new StringBuilder(kind);
        for (long v : values) sb.append(':').append(v);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sb.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** The values of a cursor given out for {@code kind}; null for none; a {@link QueryException} for any other text. */
    public static long[] decode(String text, String kind, int count) {
        if (text == null) return null;
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII).split(":");
            if (parts.length != count + 1 || !parts[0].equals(kind)) throw new IllegalArgumentException();
            long[] values = new long[count];
            for (int i = 0; i < count; i++) values[i] = Long.parseLong(parts[i + 1]);
            return values;
        } catch (IllegalArgumentException e) {
            throw QueryException.badRequest("cursor is not one this endpoint gave out (pass the 'next' of the previous page)");
        }
    }
}
