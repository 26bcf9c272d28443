package dev.omniscope.server.bookmarks;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.omniscope.server.api.Blocking;
import dev.omniscope.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

@RestController
@RequestMapping("/api/traces/{id}/bookmarks")
@Tag(name = "bookmarks", description = "Moments of a trace that people marked")
class BookmarkController {
    private final BookmarkService bookmarks;

    BookmarkController(BookmarkService bookmarks) {
        this.bookmarks = bookmarks;
    }

    @GetMapping
    @Operation(summary = "The trace's bookmarks, by step")
    @ApiResponse(responseCode = "200", description = "the bookmarks")
    Mono<List<Bookmark>> list(Caller caller, @PathVariable String id) {
        return Blocking.call(() -> bookmarks.list(caller, id));
    }

    @PostMapping
    @Operation(summary = "Bookmark a moment (the trace's owner)")
    @ApiResponse(responseCode = "201", description = "the new bookmark")
    Mono<ResponseEntity<Bookmark>> add(Caller caller, @PathVariable String id, @RequestBody(required = false) Mono<BookmarkRequest> body) {
        return body.map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                .flatMap(request -> Blocking.call(() -> bookmarks.add(caller, id, request.orElse(null))))
                .map(b -> ResponseEntity.status(HttpStatus.CREATED).body(b));
    }
}
