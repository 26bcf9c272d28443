package dev.omniscope.server.shares;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.omniscope.server.api.Blocking;
import dev.omniscope.server.api.Ids;
import dev.omniscope.server.api.Problems;
import dev.omniscope.server.auth.Caller;
import dev.omniscope.server.traces.ShareRepository;
import dev.omniscope.server.traces.TraceAccess;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/**
 * Share links: a token (256 random bits, shown once) that grants read access to one trace, given
 * as {@code ?share=TOKEN} or the header {@code X-Omni-Share}. Only the trace's owner creates, lists
 * and revokes them.
 */
@RestController
@RequestMapping("/api/traces/{id}/shares")
@Tag(name = "shares", description = "Links that let others read one trace")
class ShareController {
    /** A new share link; {@code token} is shown only here. */
    record Created(String id, String token, String url) {}

    private final ShareRepository shares;
    private final TraceAccess access;

    ShareController(ShareRepository shares, TraceAccess access) {
        this.shares = shares;
        this.access = access;
    }

    @PostMapping
    @Operation(summary = "Create a share link for the trace (owner only)")
    @ApiResponse(responseCode = "201", description = "the link; its token is not shown again")
    Mono<ResponseEntity<Created>> create(Caller caller, @PathVariable String id) {
        return Blocking.call(() -> {
            access.owned(caller, id);
            String shareId = Ids.random128();
            String token = Ids.random(32);
            shares.insert(shareId, id, token, caller.user());
            return ResponseEntity.status(HttpStatus.CREATED).body(new Created(shareId, token, "/t/" + id + "?share=" + token));
        });
    }

    @GetMapping
    @Operation(summary = "The trace's share links, without their tokens (owner only)")
    @ApiResponse(responseCode = "200", description = "the links")
    Mono<List<ShareRepository.Share>> list(Caller caller, @PathVariable String id) {
        return Blocking.call(() -> {
            access.owned(caller, id);
            return shares.list(id);
        });
    }

    @DeleteMapping("/{shareId}")
    @Operation(summary = "Revoke a share link (owner only)")
    @ApiResponse(responseCode = "204", description = "revoked: the token opens nothing any more")
    Mono<ResponseEntity<Void>> revoke(Caller caller, @PathVariable String id, @PathVariable String shareId) {
        return Blocking.call(() -> {
            access.owned(caller, id);
            if (!shares.delete(id, shareId)) throw Problems.notFound("no share link " + Problems.printable(shareId) + " on this trace");
            return ResponseEntity.noContent().<Void>build();
        });
    }
}
