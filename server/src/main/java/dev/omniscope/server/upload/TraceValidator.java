package dev.omniscope.server.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.omniscope.trace.Trace;
import dev.omniscope.trace.TraceFormatException;
import dev.omniscope.trace.TraceSummary;

/**
 * Checks an uploaded file before the server accepts it, reading every entry in place (nothing is
 * extracted): the archive (PackedTrace refuses absolute names, '..', links, devices, truncation),
 * the header, one full pass over the events (TraceSummary), and every blob streamed through its
 * decompressor and checked against its hash. What the compressed contents expand to (event chunks
 * and blobs) is bounded by {@link UploadProperties#expansionBudget}: a decompression bomb is
 * refused as soon as it passes the budget, before it costs more time.
 */
@Component
public class TraceValidator {
    /** What a valid upload holds. */
    public record Validated(TraceSummary summary, long expandedBytes) {}

    private static final int CHUNK_HEADER = 20;
    private static final int CHUNK_MAGIC = 0x4B4E4843;

    private final UploadProperties limits;

    public TraceValidator(UploadProperties limits) {
        this.limits = limits;
    }

    /** Validates {@code file} (of {@code size} bytes); refusals are {@link UploadRefused} with a message naming no server path. */
    Validated validate(Path file, long size) {
        long budget = limits.expansionBudget(size);
        try (Trace trace = Trace.open(file)) {
            long expanded = declaredEventBytes(trace);
            checkBudget(expanded, budget, size, "its event stream");
            TraceSummary summary = TraceSummary.of(trace);
            if (!summary.complete() && summary.incompleteReason() != null && summary.incompleteReason().startsWith("damaged")) {
                throw new UploadRefused(HttpStatus.UNPROCESSABLE_CONTENT, "damaged", "the trace is " + clean(summary.incompleteReason(), file));
            }
            byte[] buffer = new byte[1 << 16];
            for (String entry : trace.storage().entries()) {
                if (!entry.startsWith("blobs/")) continue;
                String hash = entry.substring("blobs/".length()).replace("/", "");
                try (InputStream in = trace.openBlob(hash)) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        expanded += n;
                        checkBudget(expanded, budget, size, "blob " + hash);
                    }
                }
            }
            return new Validated(summary, expanded);
        } catch (TraceFormatException e) {
            String message = clean(e.getMessage(), file);
            String reason = message.contains("is truncated") ? "truncated"
                    : message.contains("is not allowed") || message.contains(" link") || message.contains("a device")
                      || message.contains("a FIFO") || message.contains("holds only regular files") ? "unsafe-entry"
                    : message.contains("damaged") ? "damaged"
                    : "not-a-trace";
            throw new UploadRefused(HttpStatus.UNPROCESSABLE_CONTENT, reason, message);
        } catch (IOException e) {
            throw new UploadRefused(HttpStatus.UNPROCESSABLE_CONTENT, "not-a-trace", "the upload cannot be read as a trace: " + clean(String.valueOf(e.getMessage()), file));
        }
    }

    private void checkBudget(long expanded, long budget, long size, String where) {
        if (expanded <= budget) return;
        boolean byRatio = budget < limits.maxExpandedSize().toBytes();
        throw new UploadRefused(HttpStatus.UNPROCESSABLE_CONTENT, "decompression-bomb",
                "the trace's compressed contents expand past " + budget + " bytes (at " + where + "): the limit is "
                + (byRatio ? limits.maxExpansionRatio() + " times the upload's " + size + " bytes (omni.upload.max-expansion-ratio)"
                           : limits.maxExpandedSize().toBytes() + " bytes (omni.upload.max-expanded-size)"));
    }

    /**
     * The uncompressed size the event stream's chunk headers declare (the reader checks each chunk
     * against its header), read without decompressing anything.
     */
    private static long declaredEventBytes(Trace trace) throws IOException {
        if (!trace.storage().has(Trace.EVENTS)) return 0;
        long total = 0;
        try (InputStream in = trace.storage().open(Trace.EVENTS)) {
            if (in.skip(16) < 16) return 0;
            byte[] header = new byte[CHUNK_HEADER];
            while (in.readNBytes(header, 0, CHUNK_HEADER) == CHUNK_HEADER) {
                ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
                if (h.getInt() != CHUNK_MAGIC) break; // the summary pass reports it
                total += Integer.toUnsignedLong(h.getInt());
                long compressed = Integer.toUnsignedLong(h.getInt());
                long skipped = in.skip(compressed);
                if (skipped < compressed) break; // truncated: the summary pass reports it
            }
        }
        return total;
    }

    /** A message without the server's paths. */
    private static String clean(String message, Path file) {
        return message.replace(file.toString() + "/", "").replace(file.toString(), "the upload");
    }
}
