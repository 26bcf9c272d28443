package dev.omniscope.server.api;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * The API's errors: RFC 9457 problem details, thrown from services and rendered by Spring's
 * problem-details handling. {@code type} names the kind of problem (see docs/api.md, "Errors").
 */
public final class Problems {
    private static final String TYPE_BASE = "https://omniscope.dev/problems/";

    private Problems() {}

    public static ErrorResponseException of(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create(TYPE_BASE + type));
        return new ErrorResponseException(status, problem, null);
    }

    public static ErrorResponseException badRequest(String detail) {
        return of(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", detail);
    }

    /** An expression that cannot be evaluated: the detail is the reason, {@code position} the offset in the expression where it is. */
    public static ErrorResponseException badExpression(String detail, int position) {
        ErrorResponseException e = of(HttpStatus.BAD_REQUEST, "bad-expression", "Bad expression", detail);
        e.getBody().setProperty("position", position);
        return e;
    }

    /** Unknown, malformed, or not visible to the caller: the answer is the same, so existence is not revealed. */
    public static ErrorResponseException traceNotFound(String id) {
        return of(HttpStatus.NOT_FOUND, "not-found", "Not found", "no trace " + printable(id));
    }

    public static ErrorResponseException notFound(String detail) {
        return of(HttpStatus.NOT_FOUND, "not-found", "Not found", detail);
    }

    /** The trace exists but has no loaded index to answer from (queued, indexing, or failed before loading). */
    public static ErrorResponseException notIndexed(String detail) {
        return of(HttpStatus.CONFLICT, "not-indexed", "Not indexed", detail);
    }

    public static ErrorResponseException forbidden(String detail) {
        return of(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail);
    }

    public static ErrorResponseException unauthorized(String detail) {
        return of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", detail);
    }

    /** The marker of a full file system in an IOException's message (ENOSPC, as the JDK words it on Linux). */
    private static final String NO_SPACE = "No space left on device";

    /**
     * What an unexpected exception means for the caller, when it is a shortage of a resource
     * rather than a fault: the server's disk is full (an {@code IOException} "No space left on
     * device", PostgreSQL's SQLState 53100 {@code disk_full}) is a {@code 507}; PostgreSQL short of
     * another resource (class 53: memory, connections, {@code temp_file_limit}) is a {@code 503}.
     * Null when it is neither. The detail never names a path: the exception's message is not
     * quoted.
     */
    public static ErrorResponseException insufficientResources(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.IOException && t.getMessage() != null && t.getMessage().contains(NO_SPACE)) return storageFull();
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("53")) {
                if (sql.getSQLState().equals("53100")) return storageFull();
                ErrorResponseException problem = of(HttpStatus.SERVICE_UNAVAILABLE, "insufficient-resources", "Insufficient resources",
                        "the database is short of a resource (" + databaseResource(sql.getSQLState())
                                + ") and cannot answer now; try again later");
                problem.getHeaders().set("Retry-After", "30");
                return problem;
            }
        }
        return null;
    }

    /** The server's disk is full: nothing was stored; traces already indexed still answer. */
    public static ErrorResponseException storageFull() {
        return of(HttpStatus.INSUFFICIENT_STORAGE, "storage-full", "Insufficient storage",
                "the server's disk is full: nothing was stored (ask its administrator to free space; traces already indexed still answer)");
    }

    private static String databaseResource(String sqlState) {
        return switch (sqlState) {
            case "53200" -> "memory";
            case "53300" -> "connections";
            case "53400" -> "a configured limit, such as temp_file_limit";
            default -> "SQLState " + sqlState;
        };
    }

    /** Anything else that escaped a controller: the server's fault, explained in its log, never to the caller. */
    public static ErrorResponseException internal() {
        return of(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal server error",
                "the server failed to answer this request; its log says why");
    }

    /** An identifier from a URL, shortened and stripped of anything odd, to quote in a message. */
    public static String printable(String s) {
        if (s == null) return "";
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("[^A-Za-z0-9_.~-]", "?");
    }
}
