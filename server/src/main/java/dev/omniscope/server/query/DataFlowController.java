package dev.omniscope.server.query;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.omniscope.indexer.dataflow.DataFlow;
import dev.omniscope.indexer.dataflow.OriginNode;
import dev.omniscope.indexer.dataflow.UsesPage;
import dev.omniscope.server.api.Blocking;
import dev.omniscope.server.api.Problems;
import dev.omniscope.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/**
 * Data flow over a trace's loaded index (docs/api.md, "Data flow"): where a value came from and
 * where it went, the documents of {@code omni origin --json} and {@code omni uses --json}.
 */
@RestController
@RequestMapping("/api/traces/{id}")
@Tag(name = "data flow", description = "Where a value came from (its origin tree) and where it went (its uses).")
class DataFlowController {
    private static final String VALUE = "Exactly one of: addr and len (memory), reg (a register: rax, eax, al, xmm0...), expr (a C/C++ "
            + "lvalue in frame `frame`), or node (the `node` token of an earlier answer's node, which says step and place itself).";

    private final QueryService queries;

    DataFlowController(QueryService queries) {
        this.queries = queries;
    }

    @GetMapping("/origin")
    @Operation(summary = "Where a value came from: its origin tree", description = "The document of `omni origin --json`: a node {kind "
            + "(compute, copy, syscall, initial, constant, unknown), step, tid, pid, rip, function, file, line, disassembly, location, "
            + "value, inputs: [nodes], via: [copy nodes], syscall {name, fd, path, offset, length} or initial {what: argv, envp, auxv, "
            + "image, mapping...}, node (its token), expand (true when its inputs were left out: ask its node)}. " + VALUE)
    @ApiResponse(responseCode = "200", description = "the origin tree")
    @ApiResponse(responseCode = "400", description = "a bad or missing parameter, not exactly one value, a bad expression or node")
    @ApiResponse(responseCode = "404", description = "no such trace, an unknown tid, a node of another trace's process or thread")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<OriginNode> origin(Caller caller, @PathVariable String id,
                            @Parameter(description = "the moment") @RequestParam(required = false) String step,
                            @Parameter(description = "the thread (default: the one running at the step)") @RequestParam(required = false) String tid,
                            @Parameter(description = "start address") @RequestParam(required = false) String addr,
                            @Parameter(description = "length in bytes, 1 to 4096") @RequestParam(required = false) String len,
                            @Parameter(description = "a register name") @RequestParam(required = false) String reg,
                            @Parameter(description = "an expression") @RequestParam(required = false) String expr,
                            @Parameter(description = "the frame of expr (default 0)") @RequestParam(required = false) String frame,
                            @Parameter(description = "a node token") @RequestParam(required = false) String node,
                            @Parameter(description = "levels of computations to expand, 0 to 64 (default 6)") @RequestParam(required = false) String depth) {
        return Blocking.call(() -> {
            DataFlow.Question q = question(step, tid, addr, len, reg, expr, frame, node);
            int d = depth == null ? DataFlow.DEFAULT_DEPTH : (int) Params.number("depth", depth, 0, DataFlow.MAX_DEPTH);
            return queries.onTrace(caller, id, t -> t.dataflow.origin(q, d));
        });
    }

    @GetMapping("/uses")
    @Operation(summary = "Where a value went: the instructions that read it until it was overwritten", description = "The document of "
            + "`omni uses --json`: {location, from, until (the step its last byte was overwritten, null: never), uses: [{step, pid, tid, "
            + "rip, function, file, line, disassembly, read, operand, copy, produced: [{location, value, node}]}], next, scannedTo}. "
            + "A produced place's node asks where that went (uses?node=) or came from (origin?node=). " + VALUE)
    @ApiResponse(responseCode = "200", description = "a page of uses")
    @ApiResponse(responseCode = "400", description = "a bad or missing parameter, not exactly one value, a bad cursor")
    @ApiResponse(responseCode = "404", description = "no such trace or thread")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<UsesPage> uses(Caller caller, @PathVariable String id,
                        @Parameter(description = "the moment") @RequestParam(required = false) String step,
                        @Parameter(description = "the thread (default: the one running at the step)") @RequestParam(required = false) String tid,
                        @Parameter(description = "start address") @RequestParam(required = false) String addr,
                        @Parameter(description = "length in bytes, 1 to 4096") @RequestParam(required = false) String len,
                        @Parameter(description = "a register name") @RequestParam(required = false) String reg,
                        @Parameter(description = "an expression") @RequestParam(required = false) String expr,
                        @Parameter(description = "the frame of expr (default 0)") @RequestParam(required = false) String frame,
                        @Parameter(description = "a node token") @RequestParam(required = false) String node,
                        @Parameter(description = "1 to 200 (default 50)") @RequestParam(required = false) String limit,
                        @Parameter(description = "the `next` of the previous page") @RequestParam(required = false) String cursor,
                        @Parameter(description = "look at most this many steps further (1 to 2^26, the default)") @RequestParam(required = false) String span) {
        return Blocking.call(() -> {
            DataFlow.Question q = question(step, tid, addr, len, reg, expr, frame, node);
            int n = Params.limit(limit, 50, 200);
            Long steps = Params.optionalNumber("span", span, 1, DataFlow.MAX_SPAN);
            return queries.onTrace(caller, id, t -> t.dataflow.uses(q, n, cursor, steps));
        });
    }

    private static DataFlow.Question question(String step, String tid, String addr, String len, String reg, String expr, String frame,
                                              String node) {
        if (node == null && step == null) throw Problems.badRequest("step is required (the moment the value is read at), or node");
        Long at = step == null ? null : Params.number("step", step, 0, Long.MAX_VALUE);
        Integer thread = Params.optionalId("tid", tid);
        Long address = addr == null ? null : Params.address("addr", addr);
        Integer length = len == null ? null : (int) Params.number("len", len, 1, DataFlow.MAX_LENGTH);
        int k = frame == null ? 0 : (int) Params.number("frame", frame, 0, 100_000);
        return new DataFlow.Question(at, thread, address, length, reg, expr, k, node);
    }
}
