package dev.omniscope.indexer.dataflow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.omniscope.indexer.query.Locator;
import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.indexer.query.QueryableTrace;

/**
 * Data-flow questions about a trace: where a value came from ({@link #origin}), where it went
 * ({@link #uses}), and what the program wrote out ({@link #output}), for the command line and the
 * server alike. Parameters are checked here, so both refuse the same questions with the same
 * words. Thread-safe.
 */
public final class DataFlow {
    /** The deepest origin tree one question builds (compute levels; copies do not count). */
    public static final int MAX_DEPTH = 64;
    public static final int DEFAULT_DEPTH = 6;
    /** The longest memory range asked about. */
    public static final int MAX_LENGTH = 4096;
    /** The most steps one page of uses looks through. */
    public static final long MAX_SPAN = Uses.MAX_SCAN;

    private final QueryableTrace trace;
    private final Machine machine;
    private final Origins origins;
    private final Uses uses;

    private FileDescriptors descriptors;
    private List<FileDescriptors.OutputWrite> writes;

    /** Data flow over a trace's queries, system calls' data followed through its file descriptors. */
    private DataFlow(QueryableTrace trace) {
        this.trace = trace;
        this.machine = new Machine(trace);
        this.origins = new Origins(machine, trace.symbols(), (tid, step, address, length) -> descriptors().inputs(tid, step, address, length));
        this.uses = new Uses(machine, trace.symbols(), this::writes);
    }

    /** The descriptor model, built from the system calls when first needed. */
    private synchronized FileDescriptors descriptors() throws IOException {
        if (descriptors == null) descriptors = FileDescriptors.build(trace, trace.trace().header().cwd());
        return descriptors;
    }

    /** Every write to a descriptor with its buffers, listed once (each lists its buffers from memory). */
    private synchronized List<FileDescriptors.OutputWrite> writes() throws IOException {
        if (writes == null) writes = descriptors().writes();
        return writes;
    }

    /** Data flow over a trace's queries. */
    public static DataFlow of(QueryableTrace trace) {
        return new DataFlow(trace);
    }

    /**
     * A question about a value: at {@code step}, in thread {@code tid} (null: the one running
     * then), of memory ({@code address}, {@code length}), a register ({@code register}: rax, eax,
     * al, xmm0...) or an expression ({@code expr} in frame {@code frame}), exactly one of them; or
     * a node of an earlier answer ({@code node}, its token), which says all of that itself.
     */
    public record Question(Long step, Integer tid, Long address, Integer length, String register, String expr, int frame, String node) {}

    /** The origin tree of a value, compute nodes expanded {@code depth} levels. */
    public OriginNode origin(Question q, int depth) throws IOException {
        if (depth < 0 || depth > MAX_DEPTH) throw QueryException.badRequest("depth must be between 0 and " + MAX_DEPTH + ", not " + depth);
        Loc.At at = place(q);
        return origins.tree(at.loc(), at.step(), depth);
    }

    /**
     * The instructions that read a value before it was overwritten: a page of at most {@code limit},
     * from the moment or the {@code cursor} of the previous page, looking at most {@code span} steps
     * further (null: {@link #MAX_SPAN}).
     */
    public UsesPage uses(Question q, int limit, String cursor, Long span) throws IOException {
        if (limit < 1 || limit > Uses.MAX_LIMIT) throw QueryException.badRequest("limit must be between 1 and " + Uses.MAX_LIMIT + ", not " + limit);
        if (span != null && (span < 1 || span > MAX_SPAN)) throw QueryException.badRequest("span must be between 1 and " + MAX_SPAN + ", not " + span);
        Loc.At at = place(q);
        return uses.page(at.loc(), at.step(), limit, cursor, span == null ? MAX_SPAN : span);
    }

    /**
     * The program's output ({@link ProgramOutput}): a page of at most {@code limit} writes of
     * process {@code pid} (null: every process) after {@code cursor} (the previous page's next).
     */
    public ProgramOutput.Page output(Integer pid, int limit, String cursor) throws IOException {
        return ProgramOutput.page(writes(), trace.memory(), trace.pids(), pid, limit, cursor);
    }

    /** The place and moment a question asks about, checked. */
    private Loc.At place(Question q) throws IOException {
        if (q.node() != null) {
            Loc.At at = Loc.parse(q.node());
            trace.requireStep("the node's step", at.step(), true);
            if (at.loc() instanceof Loc.Mem m && !trace.pids().contains(m.pid())) throw QueryException.notFound("the node's process " + m.pid() + " is not in this trace");
            if (at.loc() instanceof Loc.Reg r && !trace.tids().contains(r.tid())) throw QueryException.notFound("the node's thread " + r.tid() + " is not in this trace");
            return at;
        }
        if (q.step() == null) throw QueryException.badRequest("step is missing: give the moment (a step) the value is read at");
        long step = trace.requireStep("step", q.step(), true);
        List<String> given = new ArrayList<>();
        if (q.address() != null || q.length() != null) given.add("addr and len");
        if (q.register() != null) given.add("reg");
        if (q.expr() != null) given.add("expr");
        if (given.size() != 1) {
            throw QueryException.badRequest(given.isEmpty() ? "say which value: addr and len (memory), reg (a register) or expr (an expression)"
                    : "give one of addr and len, reg or expr, not " + String.join(" and ", given));
        }
        if (q.tid() != null && !trace.tids().contains(q.tid())) {
            throw QueryException.notFound("tid " + q.tid() + " is not a thread of this trace (its threads: " + trace.tids() + ")");
        }
        Locator.TaskState task = trace.taskAt(Math.min(step, Math.max(0, trace.instructions() - 1)), q.tid());
        if (q.register() != null) {
            RegisterNames.Part p = RegisterNames.parse(q.register());
            if (p == null) throw QueryException.badRequest("no register named '" + QueryException.quote(q.register()) + "' (rax, eax, ax, al, ah, r8d, xmm0, eflags...)");
            return new Loc.At(new Loc.Reg(task.tid(), p.id(), p.offset(), p.length()), step);
        }
        if (q.expr() != null) {
            QueryableTrace.Designation d = trace.designate(task.step(), task.tid(), q.frame(), q.expr());
            return new Loc.At(new Loc.Mem(task.pid(), d.address(), d.length()), step);
        }
        if (q.address() == null || q.length() == null) throw QueryException.badRequest("give both addr and len");
        if (q.length() < 1 || q.length() > MAX_LENGTH) throw QueryException.badRequest("len must be between 1 and " + MAX_LENGTH + ", not " + q.length());
        return new Loc.At(new Loc.Mem(task.pid(), q.address(), q.length()), step);
    }
}
