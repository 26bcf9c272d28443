package dev.omniscope.server.query;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.omniscope.indexer.dataflow.ProgramOutput;
import dev.omniscope.indexer.query.Processes;
import dev.omniscope.server.api.Blocking;
import dev.omniscope.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

/**
 * The recorded run as a whole (docs/api.md, "Program output", "Processes"): what the program
 * printed and which processes ran, the documents of {@code omni output --json} and
 * {@code omni processes --json}.
 */
@RestController
@RequestMapping("/api/traces/{id}")
@Tag(name = "program", description = "The recorded run as a whole: its output and its processes.")
class ProgramController {
    private final QueryService queries;

    ProgramController(QueryService queries) {
        this.queries = queries;
    }

    @GetMapping("/output")
    @Operation(summary = "What the program printed: every write to a descriptor the recording inherited, in step order",
            description = "Each chunk is one system call (write, writev, pwrite64, pwritev, sendto, sendmsg...) by a recorded process "
                    + "to an open file description inherited from outside the recording (the first process's stdin, stdout, stderr and "
                    + "other descriptors open at its start, their dups, in every process): {step (of the system call instruction), pid, "
                    + "tid, fd, stream (stdout, stderr or fdN), text (UTF-8, invalid bytes as U+FFFD), buffers: [{addr, len}]}. Writes "
                    + "to files and to pipes between recorded processes are not output. The chunks of `omni output --json`.")
    @ApiResponse(responseCode = "200", description = "a page of output")
    @ApiResponse(responseCode = "400", description = "a bad limit, cursor or pid (one not of this trace)")
    @ApiResponse(responseCode = "404", description = "no such trace")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<ProgramOutput.Page> output(Caller caller, @PathVariable String id,
                                    @Parameter(description = "only this process's writes") @RequestParam(required = false) String pid,
                                    @Parameter(description = "1 to 1000 (default 200)") @RequestParam(required = false) String limit,
                                    @Parameter(description = "the `next` of the previous page") @RequestParam(required = false) String cursor) {
        return Blocking.call(() -> {
            Integer process = Params.optionalId("pid", pid);
            int n = Params.limit(limit, ProgramOutput.DEFAULT_LIMIT, ProgramOutput.MAX_LIMIT);
            return queries.onTrace(caller, id, t -> t.dataflow.output(process, n, cursor));
        });
    }

    @GetMapping("/processes")
    @Operation(summary = "The processes of the trace: forks, programs, threads, exits",
            description = "In order of appearance: {pid, parent, forkStep (the parent's fork/clone/vfork system call instruction), "
                    + "forkTid, start, end (null: alive at the end), exit (\"exited with status 0\", \"killed by SIGSEGV\"), exitCode, "
                    + "signal, programs: [{path, argv, step (from which it runs the program)}], threads: [{tid, start, end}]}. "
                    + "The document of `omni processes --json`.")
    @ApiResponse(responseCode = "200", description = "the processes")
    @ApiResponse(responseCode = "404", description = "no such trace")
    @ApiResponse(responseCode = "409", description = "the trace has no loaded index")
    Mono<Processes.ProcessList> processes(Caller caller, @PathVariable String id) {
        return Blocking.call(() -> queries.onTrace(caller, id, t -> t.processes()));
    }
}
