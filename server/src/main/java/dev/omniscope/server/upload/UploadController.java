package dev.omniscope.server.upload;

import java.net.URI;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import dev.omniscope.server.auth.Caller;
import dev.omniscope.server.traces.TraceDocuments;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Encoding;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code POST /api/traces}: upload a packed trace. */
@RestController
@Tag(name = "traces")
class UploadController {
    private final UploadService uploads;

    UploadController(UploadService uploads) {
        this.uploads = uploads;
    }

    /** The multipart form, for the OpenAPI description. */
    record UploadForm(@Schema(type = "string", format = "binary", description = "a packed trace (omni pack)") String file) {}

    @PostMapping(path = "/api/traces", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "Upload a packed trace (multipart field `file`)",
            description = "The file is checked in full before it is accepted (archive entries, header, every event, every blob "
                    + "decompressed within the expansion limits); then it is queued for indexing. Follow the job at `links.events`.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(content = @Content(
                    mediaType = MediaType.MULTIPART_FORM_DATA_VALUE, schema = @Schema(implementation = UploadForm.class),
                    encoding = @Encoding(name = "file", contentType = "application/octet-stream"))))
    @ApiResponse(responseCode = "202", description = "accepted and queued for indexing; Location names the trace")
    Mono<ResponseEntity<TraceDocuments.Accepted>> upload(Caller caller, ServerWebExchange exchange,
                                                         @io.swagger.v3.oas.annotations.Parameter(hidden = true) @RequestBody Flux<PartEvent> parts) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        return Mono.defer(() -> uploads.upload(caller, length, parts))
                .doOnError(ErrorResponseException.class, e -> {
                    // refused before the whole body was read: the connection cannot carry another request
                    int status = e.getStatusCode().value();
                    if (status == 413) exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
                })
                .map(accepted -> ResponseEntity.status(HttpStatus.ACCEPTED)
                        .location(URI.create(accepted.links().self()))
                        .body(accepted));
    }
}
