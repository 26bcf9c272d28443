package dev.omniscope.trace;

/** A trace that is not one, or is damaged: the message says what and where, for people. */
public class TraceFormatException extends RuntimeException {
    public TraceFormatException(String message) {
        super(message);
    }

    public TraceFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
