package dev.omniscope.indexer.query;

/**
 * A question the trace cannot answer as asked: a parameter outside what the trace has (a step
 * past its end, a thread it never ran, a range that wraps, a cursor it never gave out), or
 * something it asked for that does not exist (no such variable, source file, call or moment). The
 * message is for people; the server answers 400 or 404 with it, the command line exits 2 or 1.
 */
public final class QueryException extends RuntimeException {
    /** Whether the question was malformed or its subject does not exist. */
    public enum Kind { BAD_REQUEST, NOT_FOUND }

    private final Kind kind;

    private QueryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static QueryException badRequest(String message) {
        return new QueryException(Kind.BAD_REQUEST, message);
    }

    public static QueryException notFound(String message) {
        return new QueryException(Kind.NOT_FOUND, message);
    }

    public Kind kind() {
        return kind;
    }

    /**
     * A name the asker gave (a variable, a function, a path), to quote in a message: control
     * characters replaced and at most 120 characters, since a server answers with it.
     */
    public static String quote(String s) {
        if (s == null) return "";
        String cut = s.length() > 120 ? s.substring(0, 120) + "..." : s;
        StringBuilder sb = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) || c == 0xFFFD ? '?' : c));
        return sb.toString();
    }
}
