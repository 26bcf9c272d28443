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

    /** An identifier from a URL, shortened and stripped of anything odd, to quote in a message. */
    public static String printable(String s) {
        if (s == null) return "";
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("[^A-Za-z0-9_.~-]", "?");
    }
}
