package dev.omniscope.server.traces;

import java.time.Duration;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.omniscope.server.api.Blocking;
import dev.omniscope.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Listing, reading, following and deleting traces. */
@RestController
@RequestMapping("/api/traces")
@Tag(name = "traces", description = "Uploaded traces, their indexing status and their summaries")
class TraceController {
    private final TraceService service;

    TraceController(TraceService service) {
        this.service = service;
    }

    @GetMapping
    @Operation(summary = "The caller's traces, newest first",
            description = "Keyset pagination: pass the page's `next` as `cursor` to get the following page.")
    @ApiResponse(responseCode = "200", description = "a page of traces")
    Mono<TraceDocuments.Page> list(Caller caller,
                                   @Parameter(description = "page size, 1 to 200 (default 50)") @RequestParam(required = false) Integer limit,
                                   @Parameter(description = "the `next` of the previous page") @RequestParam(required = false) String cursor) {
        return Blocking.call(() -> service.list(caller, limit, cursor));
    }

    @GetMapping("/{id}")
    @Operation(summary = "One trace: status, progress, command line, processes, event counts")
    @ApiResponse(responseCode = "200", description = "the trace")
    Mono<TraceDocuments.Detail> get(Caller caller, @PathVariable String id) {
        return Blocking.call(() -> service.get(caller, id));
    }

    @GetMapping(path = "/{id}/events", produces = {MediaType.TEXT_EVENT_STREAM_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    @Operation(summary = "The indexing job's progress, as server-sent events",
            description = "Each event (`event: status`) is the trace's state {id, status, progress, failureReason}. The first is "
                    + "the current state; the stream ends after `indexed` or `failed` (or when the trace is deleted).")
    @ApiResponse(responseCode = "200", description = "the event stream",
            content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(implementation = TraceState.class)))
    Mono<ResponseEntity<?>> events(Caller caller, @PathVariable String id) {
        Mono<ResponseEntity<?>> answer = Blocking.call(() -> service.state(caller, id)).map(current -> {
            Flux<ServerSentEvent<TraceState>> events = service.watch(current)
                    .map(s -> ServerSentEvent.builder(s).event("status").build());
            // a comment now and then keeps proxies from closing a quiet stream
            Flux<ServerSentEvent<TraceState>> keepAlive = Flux.interval(Duration.ofSeconds(15))
                    .map(t -> ServerSentEvent.<TraceState>builder().comment("keep-alive").build());
            Flux<ServerSentEvent<TraceState>> body = events.publish(shared -> Flux.merge(shared, keepAlive.takeUntilOther(shared.then(Mono.just(1)))));
            return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(body);
        });
        return answer
                // an EventSource asks for text/event-stream; a refusal is still a problem document
                .onErrorResume(ErrorResponseException.class, e -> Mono.<ResponseEntity<?>>just(ResponseEntity.status(e.getStatusCode())
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(e.getBody())));
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Delete a trace: its file, its job, its bookmarks and share links (owner only)")
    @ApiResponse(responseCode = "204", description = "deleted")
    Mono<ResponseEntity<Void>> delete(Caller caller, @PathVariable String id) {
        return Blocking.call(() -> {
            service.delete(caller, id);
            return ResponseEntity.noContent().<Void>build();
        });
    }
}
