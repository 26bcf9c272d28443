package dev.omniscope.server.upload;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

import dev.omniscope.server.api.Problems;

/** Why an upload is not accepted; becomes a 4xx problem whose {@code type} ends with {@code reason}. */
final class UploadRefused extends RuntimeException {
    final HttpStatus status;
    final String reason;

    UploadRefused(HttpStatus status, String reason, String message) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
    }

    ErrorResponseException problem() {
        String title = switch (reason) {
            case "too-large" -> "Upload too large";
            case "missing-file" -> "No file";
            case "decompression-bomb" -> "Contents expand too much";
            case "unsafe-entry" -> "Unsafe archive entry";
            case "truncated" -> "Truncated upload";
            default -> "Not a valid trace";
        };
        return Problems.of(status, reason, title, getMessage());
    }
}
