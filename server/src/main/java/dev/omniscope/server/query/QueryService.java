package dev.omniscope.server.query;

import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;

import dev.omniscope.indexer.query.Location;
import dev.omniscope.indexer.query.QueryDocuments;
import dev.omniscope.indexer.query.QueryException;
import dev.omniscope.indexer.query.QueryableTrace;
import dev.omniscope.indexer.query.Stepper;
import dev.omniscope.indexer.query.ValueDocuments;
import dev.omniscope.server.api.Problems;
import dev.omniscope.server.auth.Caller;
import dev.omniscope.server.traces.IndexState;
import dev.omniscope.server.traces.TraceAccess;

/**
 * The query API over a trace's loaded index (docs/api.md, "Queries"): the caller's access, the
 * parameters parsed from their text (every mistake a 400 naming the parameter), then the
 * trace's {@link QueryableTrace}, which answers as the command line does; its refusals become
 * problem details. A trace without a loaded index is a 409. Blocking (JDBC, blob reads):
 * controllers call it on {@code api.Blocking}'s threads.
 */
@Service
public class QueryService {
    public static final int DEFAULT_LIMIT = 1000, MAX_LIMIT = 10_000;

    private final TraceAccess access;
    private final OpenTraces open;

    public QueryService(TraceAccess access, OpenTraces open) {
        this.access = access;
        this.open = open;
    }

    /** The trace's index state, if the caller may read it and an index is loaded; else 404 or 409. */
    private IndexState indexed(Caller caller, String id) {
        IndexState r = access.readableIndex(caller, id);
        if (r.loaded()) return r;
        String why = switch (r.status()) {
            case "queued" -> "is queued for indexing";
            case "indexing" -> "is being indexed (" + r.progress() + "%)";
            default -> "has no index: " + (r.failureReason() == null ? "indexing failed" : r.failureReason());
        };
        throw Problems.notIndexed("trace " + id + " " + why + "; follow /api/traces/" + id + "/events");
    }

    /** A query of the caller's trace: its refusals as problem details (400 or 404). */
    @FunctionalInterface
    private interface Query<T> {
        T ask(QueryableTrace trace) throws Exception;
    }

    private <T> T ask(Caller caller, String id, Query<T> query) {
        return onTrace(caller, id, t -> query.ask(t.queries));
    }

    /** A question of the caller's open trace (its queries and data flow), with the queries' refusals. */
    @FunctionalInterface
    interface OnTrace<T> {
        T ask(OpenTrace trace) throws Exception;
    }

    /** As the queries do: the caller's access, 409 without an index, refusals as problem details. */
    <T> T onTrace(Caller caller, String id, OnTrace<T> query) {
        IndexState r = indexed(caller, id);
        try {
            return open.with(r, query::ask);
        } catch (QueryException e) {
            if (e.position() != null) throw Problems.badExpression(e.getMessage(), e.position());
            throw e.kind() == QueryException.Kind.NOT_FOUND ? Problems.notFound(e.getMessage()) : Problems.badRequest(e.getMessage());
        } catch (ErrorResponseException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the index of trace " + id + ": " + e.getMessage(), e);
        }
    }

    private static Long optionalStep(String name, String text) {
        return Params.optionalNumber(name, text, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static long step(String name, String text) {
        if (text == null) throw Problems.badRequest(name + " is required (a step)");
        return Params.number(name, text, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** What a history watches: a variable, a range, or what an expression designates at a moment (step, tid, frame). */
    public record HistorySubject(String symbol, String addr, String len, String expr, String step, String tid, String frame) {}

    public QueryDocuments.HistoryPage history(Caller caller, String id, HistorySubject subject, String pid, String from, String to,
                                             String order, String limit, String cursor) {
        if (subject.expr() != null) {
            if (subject.symbol() != null || subject.addr() != null || subject.len() != null) {
                throw Problems.badRequest("give one of expr (with step), symbol, or addr and len");
            }
            long at = step("step", subject.step());
            Integer thread = Params.optionalId("tid", subject.tid());
            int frameNumber = (int) Params.number("frame", subject.frame() == null ? "0" : subject.frame(), 0, StackLimits.MAX_FRAMES);
            Integer process = Params.optionalId("pid", pid);
            int n = Params.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
            Long fromStep = optionalStep("from", from), toStep = optionalStep("to", to);
            boolean descending = descending(order);
            return ask(caller, id, t -> {
                QueryableTrace.Designation d = t.designate(at, thread, frameNumber, subject.expr());
                QueryDocuments.HistoryPage page = t.history(new QueryableTrace.HistoryQuery(null, d.address(), d.length(), process, fromStep,
                        toStep, n, cursor, descending));
                return new QueryDocuments.HistoryPage(page.addr(), page.len(), subject.expr(), page.entries(), page.next());
            });
        }
        return history(caller, id, subject.symbol(), subject.addr(), subject.len(), pid, from, to, order, limit, cursor);
    }

    private static boolean descending(String order) {
        boolean descending = order != null && order.trim().equals("desc");
        if (order != null && !descending && !order.trim().equals("asc")) {
            throw Problems.badRequest("order '" + Problems.printable(order) + "' is not asc or desc");
        }
        return descending;
    }

    public QueryDocuments.HistoryPage history(Caller caller, String id, String symbol, String addr, String len, String pid,
                                             String from, String to, String order, String limit, String cursor) {
        boolean descending = descending(order);
        if (symbol != null && (addr != null || len != null)) throw Problems.badRequest("give either symbol, or addr and len, not both");
        if (symbol == null && (addr == null || len == null)) {
            throw Problems.badRequest("give symbol (a variable's name), addr and len (a range of memory), or expr and step (what an expression designates then)");
        }
        Integer process = Params.optionalId("pid", pid);
        int n = Params.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        long address = symbol == null ? Params.address("addr", addr) : 0;
        int length = symbol == null ? (int) Params.number("len", len, 1, QueryableTrace.HISTORY_MAX_LENGTH) : 0;
        Long fromStep = optionalStep("from", from), toStep = optionalStep("to", to);
        return ask(caller, id, t -> t.history(new QueryableTrace.HistoryQuery(symbol, address, length, process, fromStep, toStep, n, cursor,
                descending)));
    }

    public QueryDocuments.Memory memory(Caller caller, String id, String addr, String len, String step, String pid, String tid) {
        long address = Params.address("addr", addr);
        if (len == null) throw Problems.badRequest("len is required (1 to " + QueryableTrace.MEMORY_MAX_LENGTH + ")");
        int length = (int) Params.number("len", len, 1, QueryableTrace.MEMORY_MAX_LENGTH);
        Integer process = Params.optionalId("pid", pid);
        Integer thread = Params.optionalId("tid", tid);
        long at = step("step", step);
        return ask(caller, id, t -> t.memory(address, length, at, process, thread));
    }

    public Location location(Caller caller, String id, String step, String tid) {
        Integer thread = Params.optionalId("tid", tid);
        long at = step("step", step);
        return ask(caller, id, t -> t.location(at, thread));
    }

    public QueryDocuments.Registers registers(Caller caller, String id, String step, String tid) {
        Integer thread = Params.optionalId("tid", tid);
        long at = step("step", step);
        return ask(caller, id, t -> t.registers(at, thread));
    }

    /**
     * Where a move from a moment goes (docs/api.md, "Moves"): 404 when there is no such moment, or
     * with {@code lenient} an answer without a step that says why.
     */
    public Stepper.Answer move(Caller caller, String id, String step, String to, String tid, String lenient) {
        if (to == null || to.isBlank()) throw Problems.badRequest("to is required: one of " + Stepper.Move.names());
        Stepper.Move move = Stepper.Move.of(to.trim());
        if (move == null) throw Problems.badRequest("to '" + Problems.printable(to) + "' is not a move: one of " + Stepper.Move.names());
        Integer thread = Params.optionalId("tid", tid);
        long at = step("step", step);
        boolean noFailure = Params.flag("lenient", lenient);
        return ask(caller, id, t -> t.move(at, thread, move, noFailure));
    }

    // ---- source-level values

    /** Limits of the value endpoints' parameters. */
    private static final class StackLimits {
        static final int MAX_FRAMES = 10_000;
    }

    private static int frame(String frame) {
        return frame == null ? 0 : (int) Params.number("frame", frame, 0, StackLimits.MAX_FRAMES);
    }

    public ValueDocuments.Frames frames(Caller caller, String id, String step, String tid) {
        Integer thread = Params.optionalId("tid", tid);
        long at = step("step", step);
        return ask(caller, id, t -> t.frames(at, thread));
    }

    public ValueDocuments.Variables variables(Caller caller, String id, String step, String tid, String frame) {
        Integer thread = Params.optionalId("tid", tid);
        long at = step("step", step);
        int k = frame(frame);
        return ask(caller, id, t -> t.variables(at, thread, k));
    }

    public ValueDocuments.Printed print(Caller caller, String id, String step, String tid, String frame, String expr) {
        Integer thread = Params.optionalId("tid", tid);
        long at = step("step", step);
        int k = frame(frame);
        if (expr == null) throw Problems.badRequest("expr is required (an expression such as acc->balance)");
        return ask(caller, id, t -> t.print(at, thread, k, expr));
    }

    public ValueDocuments.Children children(Caller caller, String id, String step, String tid, String frame, String expr, String offset,
                                            String limit) {
        Integer thread = Params.optionalId("tid", tid);
        long at = step("step", step);
        int k = frame(frame);
        if (expr == null) throw Problems.badRequest("expr is required (the value to expand)");
        long from = offset == null ? 0 : Params.number("offset", offset, 0, Long.MAX_VALUE);
        int n = Params.limit(limit, 100, 1000);
        return ask(caller, id, t -> t.children(at, thread, k, expr, from, n));
    }

    public ValueDocuments.Signatures signatures(Caller caller, String id, String tid, String steps) {
        Integer thread = Params.optionalId("tid", tid);
        if (thread == null) throw Problems.badRequest("tid is required: a call is named by its thread and its call step");
        if (steps == null || steps.isBlank()) throw Problems.badRequest("steps is required: call steps, separated by commas");
        java.util.List<Long> callSteps = new java.util.ArrayList<>();
        for (String part : steps.split(",")) {
            if (callSteps.size() > QueryableTrace.MAX_SIGNATURES) break;
            callSteps.add(Params.number("steps", part.trim(), 0, Long.MAX_VALUE));
        }
        return ask(caller, id, t -> t.signatures(thread, callSteps));
    }

    public ValueDocuments.ExecutionsPage executions(Caller caller, String id, String line, String address, String function,
                                                    java.util.List<String> print, String from, String limit, String cursor) {
        Long at = address == null ? null : Params.address("address", address);
        Long fromStep = optionalStep("from", from);
        int n = Params.limit(limit, 100, 1000);
        return ask(caller, id, t -> t.executions(new QueryableTrace.ExecutionsQuery(line, at, function, print, fromStep, n, cursor)));
    }

    public QueryDocuments.CallsPage calls(Caller caller, String id, String function, String parent, String tid, String limit, String cursor) {
        Integer thread = Params.optionalId("tid", tid);
        Long parentStep = Params.optionalNumber("parent", parent, -1, Long.MAX_VALUE);
        int n = Params.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        return ask(caller, id, t -> t.calls(new QueryableTrace.CallsQuery(function, parentStep, thread, function == null && parentStep == null, n,
                cursor)));
    }

    public QueryDocuments.SyscallsPage syscalls(Caller caller, String id, String from, String to, String limit, String cursor) {
        int n = Params.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        Long fromStep = optionalStep("from", from), toStep = optionalStep("to", to);
        return ask(caller, id, t -> t.syscalls(fromStep, toStep, n, cursor));
    }

    public QueryDocuments.Symbols symbols(Caller caller, String id, String prefix, String limit) {
        int n = Params.limit(limit, 100, 1000);
        return ask(caller, id, t -> t.symbols(prefix, n));
    }

    /** A carried source file's text; 404 when the trace does not carry it. */
    public String source(Caller caller, String id, String path) {
        return ask(caller, id, t -> t.source(path));
    }

    public QueryDocuments.Timeline timeline(Caller caller, String id, String buckets) {
        int n = buckets == null ? 100 : (int) Params.number("buckets", buckets, 1, QueryableTrace.MAX_BUCKETS);
        return ask(caller, id, t -> t.timeline(n));
    }
}
