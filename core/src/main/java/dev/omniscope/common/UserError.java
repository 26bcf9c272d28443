package dev.omniscope.common;

/**
 * A failure the user can act on (bad input, a port in use, a missing file): reported as one
 * line, without a stack trace.
 */
public class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(String message) {
        this(message, 1);
    }

    public UserError(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
