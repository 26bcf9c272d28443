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
    private final Integer position;

    private QueryException(Kind kind, String message, Integer position) {
        super(message);
        this.kind = kind;
        this.position = position;
    }

    public static QueryException badRequest(String message) {
        return new QueryException(Kind.BAD_REQUEST, message, null);
    }

    /**
     * An expression that cannot be evaluated: the message (gdb's words) and the offset in the
     * expression where the error is, or -1 when it is not about one place.
     */
    public static QueryException badExpression(String message, int position) {
        return new QueryException(Kind.BAD_REQUEST, message, position < 0 ? null : position);
    }

    public static QueryException notFound(String message) {
        return new QueryException(Kind.NOT_FOUND, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** For an expression's error, the offset in the expression where it is; else null. */
    public Integer position() {
        return position;
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
