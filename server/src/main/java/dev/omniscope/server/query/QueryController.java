package dev.omniscope.server.query;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.omniscope.indexer.query.Location;
import dev.omniscope.indexer.query.QueryDocuments;
import dev.omniscope.indexer.query.Stepper;
import dev.omniscope.indexer.query.ValueDocuments;
import dev.omniscope.server.api.Blocking;
import dev.omniscope.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/**
 * The query API over a trace's loaded index: memory history, memory, registers, moments, calls,
 * system calls, symbols, sources, the timeline. Parameters are taken as strings and checked by
 * {@link QueryService} (every mistake a 400 naming the parameter).
 */
@RestController
@RequestMapping("/api/traces/{id}")
@Tag(name = "queries", description = "The execution of an indexed trace: data-flow history, memory, registers, calls, system calls, "
        + "symbols, sources. 409 while the trace has no loaded index.")
class QueryController {
    private static final String STEP = "a step: the number of instructions retired before the moment (state before that instruction)";
    private static final String ADDR = "an address: 0x and hex digits (or decimal)";
    private static final String LIMIT = "page size, 1 to 10000 (default 1000)";
    private static final String CURSOR = "the `next` of the previous page";
    private static final String TID = "the thread (default: the one running at the step)";
    private static final String FRAME = "the frame, numbered as gdb does: 0 is where the thread is (default)";

    private final QueryService queries;

    QueryController(QueryService queries) {
        this.queries = queries;
    }

    @GetMapping("/memory/history")
    @Operation(summary = "When did this value change: every write to a variable or a range of memory, in step order (or reversed)",
            description = "The documents of `omni history --json`: step, pid, tid, rip, function, file, line, addr, size, old, new, "
                    + "after (the whole range after the write), kernel. Give `symbol`, or `addr` and `len`, or `expr` and `step` "
                    + "(with `tid` and `frame`): the memory an expression such as `acc->balance` designates at that moment.")
    @ApiResponse(responseCode = "200", description = "a page of writes")
    @ApiResponse(responseCode = "400", description = "a bad parameter (the detail names it), an ambiguous symbol, an unknown pid, a step outside the trace")
    @ApiResponse(responseCode = "404", description = "no such trace, or no variable of that name")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index (queued, indexing, or failed before loading)")
    Mono<QueryDocuments.HistoryPage> history(Caller caller, @PathVariable String id,
                                             @Parameter(description = "a global or static variable (or sized data symbol)") @RequestParam(required = false) String symbol,
                                             @Parameter(description = ADDR) @RequestParam(required = false) String addr,
                                             @Parameter(description = "bytes, 1 to 4096") @RequestParam(required = false) String len,
                                             @Parameter(description = "an expression designating memory (with step)") @RequestParam(required = false) String expr,
                                             @Parameter(description = "with expr: the moment it is evaluated at") @RequestParam(required = false) String step,
                                             @Parameter(description = "with expr: the thread (default: the one running at the step)") @RequestParam(required = false) String tid,
                                             @Parameter(description = "with expr: the frame, 0 innermost (default)") @RequestParam(required = false) String frame,
                                             @Parameter(description = "only this process") @RequestParam(required = false) String pid,
                                             @Parameter(description = "only writes at or after this step") @RequestParam(required = false) String from,
                                             @Parameter(description = "only writes at or before this step") @RequestParam(required = false) String to,
                                             @Parameter(description = "asc (default): in step order; desc: the latest first (`to=S-1&order=desc&limit=1`: "
                                                     + "the last write before step S)") @RequestParam(required = false) String order,
                                             @Parameter(description = LIMIT) @RequestParam(required = false) String limit,
                                             @Parameter(description = CURSOR) @RequestParam(required = false) String cursor) {
        return Blocking.call(() -> queries.history(caller, id, new QueryService.HistorySubject(symbol, addr, len, expr, step, tid, frame), pid,
                from, to, order, limit, cursor));
    }

    @GetMapping("/memory")
    @Operation(summary = "Memory of a process as it was at a step",
            description = "From the last writes before the step, else the content the region began with (a blob of the trace, "
                    + "zeros, or for a forked child the parent's memory at the fork). `bytes` is hex; unmapped bytes read 00 and are "
                    + "listed in `unmapped`.")
    @ApiResponse(responseCode = "200", description = "the bytes")
    @ApiResponse(responseCode = "400", description = "a bad parameter, a length over 65536, a step outside the trace, an unknown pid, "
            + "a tid not alive at the step or not of the given pid")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<QueryDocuments.Memory> memory(Caller caller, @PathVariable String id,
                                       @Parameter(description = ADDR) @RequestParam(required = false) String addr,
                                       @Parameter(description = "bytes, 1 to 65536") @RequestParam(required = false) String len,
                                       @Parameter(description = STEP + "; 0 to the trace's instructions (the end)") @RequestParam(required = false) String step,
                                       @Parameter(description = "the process (default: tid's, else the one running at the step)") @RequestParam(required = false) String pid,
                                       @Parameter(description = "a thread: the memory of its process at the step") @RequestParam(required = false) String tid) {
        return Blocking.call(() -> queries.memory(caller, id, addr, len, step, pid, tid));
    }

    @GetMapping("/registers")
    @Operation(summary = "A thread's registers at a step")
    @ApiResponse(responseCode = "200", description = "the registers")
    @ApiResponse(responseCode = "400", description = "a bad parameter, a step outside the trace, an unknown tid or one not alive at the step")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<QueryDocuments.Registers> registers(Caller caller, @PathVariable String id,
                                             @Parameter(description = STEP) @RequestParam(required = false) String step,
                                             @Parameter(description = "the thread (default: the one running at the step)") @RequestParam(required = false) String tid) {
        return Blocking.call(() -> queries.registers(caller, id, step, tid));
    }

    @GetMapping("/steps/{step}")
    @Operation(summary = "A moment: where a thread is (function, source line, disassembly), its registers and call stack",
            description = "The document of `omni at --json`.")
    @ApiResponse(responseCode = "200", description = "the moment")
    @ApiResponse(responseCode = "400", description = "a bad step or tid, a step outside the trace, a thread not alive at the step")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<Location> step(Caller caller, @PathVariable String id, @Parameter(description = STEP) @PathVariable String step,
                        @Parameter(description = "the thread (default: the one running at the step)") @RequestParam(required = false) String tid) {
        return Blocking.call(() -> queries.location(caller, id, step, tid));
    }

    @GetMapping("/steps/{step}/move")
    @Operation(summary = "Stepping through time: the moment a debugger's step goes to from this one",
            description = "The next or previous instruction of the thread, its next or previous source line (gdb's next and "
                    + "reverse-next: calls stepped over), step-in (gdb's step: calls with source lines entered), out (gdb's finish: "
                    + "the caller's instruction after the innermost open call returns), call-start (the innermost open call's first "
                    + "instruction; from there, the enclosing call's). Source lines are the line-table statements of source files the "
                    + "trace carries; where there is none (a library), next-line and step-in finish the call first; a return into a "
                    + "caller without them stops right after the return, as gdb's next does. "
                    + "Answer: {step, pid, tid, to}; with `lenient=true`, no such moment is {step: null, pid, tid, to, reason}.")
    @ApiResponse(responseCode = "200", description = "the moment to go to (or, lenient, why there is none)")
    @ApiResponse(responseCode = "400", description = "a bad or missing `to`, a bad tid or one not of this trace, a step outside the "
            + "trace, a `lenient` other than true or false")
    @ApiResponse(responseCode = "404", description = "no such trace, or no such moment (the thread ends, no open call, the start "
            + "of the thread) unless lenient; the detail says why")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<Stepper.Answer> move(Caller caller, @PathVariable String id, @Parameter(description = STEP) @PathVariable String step,
                              @Parameter(description = "the move: next-instruction, prev-instruction, next-line, prev-line, step-in, out, "
                                      + "call-start") @RequestParam(required = false) String to,
                              @Parameter(description = "the thread (default: the one running at the step; a thread that does not "
                                      + "run then moves from where it resumes)") @RequestParam(required = false) String tid,
                              @Parameter(description = "true: where there is no such moment, answer 200 with step null and the "
                                      + "reason, instead of 404") @RequestParam(required = false) String lenient) {
        return Blocking.call(() -> queries.move(caller, id, step, to, tid, lenient));
    }

    @GetMapping("/steps/{step}/frames")
    @Operation(summary = "A thread's call stack at a moment, as gdb's backtrace: frames innermost first with their parameters",
            description = "Frames unwound with the modules' call frame information; an inlined function is a frame of its own. "
                    + "Each: index (gdb's frame number), function, pc, file, line, inlined, cfa, callStep (the call that entered it), "
                    + "args [{name, expression, type, value, address, size, children}].")
    @ApiResponse(responseCode = "200", description = "the frames")
    @ApiResponse(responseCode = "400", description = "a bad step or tid, a step outside the trace")
    @ApiResponse(responseCode = "404", description = "no such trace, an unknown tid or one not alive at the step")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<ValueDocuments.Frames> frames(Caller caller, @PathVariable String id, @Parameter(description = STEP) @PathVariable String step,
                                       @Parameter(description = TID) @RequestParam(required = false) String tid) {
        return Blocking.call(() -> queries.frames(caller, id, step, tid));
    }

    @GetMapping("/steps/{step}/variables")
    @Operation(summary = "A frame's parameters and locals at a moment, typed, formatted as gdb's info args and info locals",
            description = "The document of `omni locals --json`: {frame, args, locals}, each value {name, expression, type, value, "
                    + "address, size, children}. `value` is gdb's text (`<optimized out>` where gdb says so); `children` counts "
                    + "members or elements to expand with /children.")
    @ApiResponse(responseCode = "200", description = "the variables")
    @ApiResponse(responseCode = "400", description = "a bad step, tid or frame, a step outside the trace")
    @ApiResponse(responseCode = "404", description = "no such trace, an unknown tid, a frame the stack does not have")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<ValueDocuments.Variables> variables(Caller caller, @PathVariable String id, @Parameter(description = STEP) @PathVariable String step,
                                             @Parameter(description = TID) @RequestParam(required = false) String tid,
                                             @Parameter(description = FRAME) @RequestParam(required = false) String frame) {
        return Blocking.call(() -> queries.variables(caller, id, step, tid, frame));
    }

    @GetMapping("/steps/{step}/print")
    @Operation(summary = "An expression's value at a moment in a frame, as gdb's print shows it",
            description = "The document of `omni print --json`: {expr, type, value, address, size, children}. Names (locals, "
                    + "parameters, globals, ns::name, Class::static_member), . -> [] * &, arithmetic, comparisons, logical operators, "
                    + "casts to base and pointer types. A bad expression is a 400 problem with `position`, the offset of the error.")
    @ApiResponse(responseCode = "200", description = "the value")
    @ApiResponse(responseCode = "400", description = "a bad expression (with its position), a bad step, tid or frame")
    @ApiResponse(responseCode = "404", description = "no such trace, an unknown tid, a frame the stack does not have")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<ValueDocuments.Printed> print(Caller caller, @PathVariable String id, @Parameter(description = STEP) @PathVariable String step,
                                       @Parameter(description = "the expression") @RequestParam(required = false) String expr,
                                       @Parameter(description = TID) @RequestParam(required = false) String tid,
                                       @Parameter(description = FRAME) @RequestParam(required = false) String frame) {
        return Blocking.call(() -> queries.print(caller, id, step, tid, frame, expr));
    }

    @GetMapping("/steps/{step}/children")
    @Operation(summary = "The members or elements of a value, a page at a time",
            description = "Each child is a value document whose `expression` designates it (`acc->balance`, `items[3]`), to expand "
                    + "further or to open its history. `next` is the offset of the next page.")
    @ApiResponse(responseCode = "200", description = "a page of children")
    @ApiResponse(responseCode = "400", description = "a bad expression, offset or limit")
    @ApiResponse(responseCode = "404", description = "no such trace, an unknown tid, a frame the stack does not have")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<ValueDocuments.Children> children(Caller caller, @PathVariable String id, @Parameter(description = STEP) @PathVariable String step,
                                           @Parameter(description = "the value to expand") @RequestParam(required = false) String expr,
                                           @Parameter(description = TID) @RequestParam(required = false) String tid,
                                           @Parameter(description = FRAME) @RequestParam(required = false) String frame,
                                           @Parameter(description = "the first child (default 0)") @RequestParam(required = false) String offset,
                                           @Parameter(description = "1 to 1000 (default 100)") @RequestParam(required = false) String limit) {
        return Blocking.call(() -> queries.children(caller, id, step, tid, frame, expr, offset, limit));
    }

    @GetMapping("/calls/signatures")
    @Operation(summary = "Calls with their real signatures: parameters by name and type, and the typed return value",
            description = "For each call step of `steps` (the `callStep`s of calls of thread `tid`): {callStep, tid, function, firstLine, "
                    + "args: [value], returned: value or null}. The arguments are the callee's parameters where its first line "
                    + "begins (after the prologue, where gdb's `break FUNCTION` stops); the return value is read from the registers "
                    + "after its return by the x86-64 ABI. Calls of functions without debug information are left out.")
    @ApiResponse(responseCode = "200", description = "the signatures")
    @ApiResponse(responseCode = "400", description = "no tid, no steps, a malformed step, more than 200 steps")
    @ApiResponse(responseCode = "404", description = "no such trace, an unknown tid, no call of that thread at a step")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<ValueDocuments.Signatures> signatures(Caller caller, @PathVariable String id,
                                               @Parameter(description = "the thread") @RequestParam(required = false) String tid,
                                               @Parameter(description = "call steps, separated by commas (at most 200)") @RequestParam(required = false) String steps) {
        return Blocking.call(() -> queries.signatures(caller, id, tid, steps));
    }

    @GetMapping("/executions")
    @Operation(summary = "Every execution of a source line, an address or a function, with chosen expressions' values at each",
            description = "An omniscient printf. `line` (FILE:LINE): the executions of the addresses gdb's `break FILE:LINE` stops "
                    + "at; `function`: of its first line after the prologue (`break FUNCTION`); `address`: of that instruction. "
                    + "Each execution {step, tid, pid, address, values: {EXPR: value}}, in step order; `locations` lists the "
                    + "addresses counted. The documents of `omni executions --json`.")
    @ApiResponse(responseCode = "200", description = "a page of executions")
    @ApiResponse(responseCode = "400", description = "not exactly one of line, address, function; a malformed line; too many prints")
    @ApiResponse(responseCode = "404", description = "no such trace, file, line with code or function")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<ValueDocuments.ExecutionsPage> executions(Caller caller, @PathVariable String id,
                                                   @Parameter(description = "FILE:LINE (FILE may be a base name)") @RequestParam(required = false) String line,
                                                   @Parameter(description = ADDR) @RequestParam(required = false) String address,
                                                   @Parameter(description = "a function's name") @RequestParam(required = false) String function,
                                                   @Parameter(description = "an expression to evaluate at each execution (repeatable, at most 16)")
                                                   @RequestParam(required = false) java.util.List<String> print,
                                                   @Parameter(description = "only executions at or after this step") @RequestParam(required = false) String from,
                                                   @Parameter(description = "1 to 1000 (default 100)") @RequestParam(required = false) String limit,
                                                   @Parameter(description = CURSOR) @RequestParam(required = false) String cursor) {
        return Blocking.call(() -> queries.executions(caller, id, line, address, function, print, from, limit, cursor));
    }

    @GetMapping("/calls")
    @Operation(summary = "Calls with arguments and return values: by function, a call's children, or the outermost calls",
            description = "The documents of `omni calls --json`, by call step. `function`: calls of that function (C++: any overload). "
                    + "`parent` and `tid`: the calls made directly by that call. Neither: the outermost calls of `tid` (or of every thread).")
    @ApiResponse(responseCode = "200", description = "a page of calls")
    @ApiResponse(responseCode = "400", description = "a bad parameter, function with parent, parent without tid, an unknown tid")
    @ApiResponse(responseCode = "404", description = "no such trace, or no call of that thread at that step")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<QueryDocuments.CallsPage> calls(Caller caller, @PathVariable String id,
                                         @Parameter(description = "a function's name") @RequestParam(required = false) String function,
                                         @Parameter(description = "a call's call step (with tid): its children") @RequestParam(required = false) String parent,
                                         @Parameter(description = "a thread") @RequestParam(required = false) String tid,
                                         @Parameter(description = LIMIT) @RequestParam(required = false) String limit,
                                         @Parameter(description = CURSOR) @RequestParam(required = false) String cursor) {
        return Blocking.call(() -> queries.calls(caller, id, function, parent, tid, limit, cursor));
    }

    @GetMapping("/syscalls")
    @Operation(summary = "System calls in step order, with arguments and results")
    @ApiResponse(responseCode = "200", description = "a page of system calls")
    @ApiResponse(responseCode = "400", description = "a bad parameter, a step outside the trace")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<QueryDocuments.SyscallsPage> syscalls(Caller caller, @PathVariable String id,
                                               @Parameter(description = "from this step") @RequestParam(required = false) String from,
                                               @Parameter(description = "to this step (inclusive)") @RequestParam(required = false) String to,
                                               @Parameter(description = LIMIT) @RequestParam(required = false) String limit,
                                               @Parameter(description = CURSOR) @RequestParam(required = false) String cursor) {
        return Blocking.call(() -> queries.syscalls(caller, id, from, to, limit, cursor));
    }

    @GetMapping("/symbols")
    @Operation(summary = "Functions and variables whose name starts with a prefix, with addresses and sizes",
            description = "The recorded programs' own first, then libraries'; by name.")
    @ApiResponse(responseCode = "200", description = "the symbols")
    @ApiResponse(responseCode = "400", description = "a bad limit")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<QueryDocuments.Symbols> symbols(Caller caller, @PathVariable String id,
                                         @Parameter(description = "a name prefix (empty: all)") @RequestParam(required = false) String q,
                                         @Parameter(description = "1 to 1000 (default 100)") @RequestParam(required = false) String limit) {
        return Blocking.call(() -> queries.symbols(caller, id, q, limit));
    }

    @GetMapping(path = "/sources/{*file}", produces = {"text/plain;charset=UTF-8", MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    @Operation(summary = "A source file the trace carries, by its path (as recorded; URL-encode it, or append it to the URL)")
    @ApiResponse(responseCode = "200", description = "the file's text")
    @ApiResponse(responseCode = "404", description = "no such trace, or the trace does not carry that file")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<ResponseEntity<String>> source(Caller caller, @PathVariable String id, @PathVariable String file) {
        return Blocking.call(() -> ResponseEntity.ok().contentType(new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8))
                .body(queries.source(caller, id, file)));
    }

    @GetMapping("/timeline")
    @Operation(summary = "The execution in buckets of steps: which threads ran, and counts of system calls, signals and calls")
    @ApiResponse(responseCode = "200", description = "the buckets")
    @ApiResponse(responseCode = "400", description = "buckets outside 1 to 1024")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<QueryDocuments.Timeline> timeline(Caller caller, @PathVariable String id,
                                           @Parameter(description = "1 to 1024 (default 100)") @RequestParam(required = false) String buckets) {
        return Blocking.call(() -> queries.timeline(caller, id, buckets));
    }
}
