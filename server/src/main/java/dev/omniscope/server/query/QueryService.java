package dev.omniscope.server.query;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.springframework.stereotype.Service;

import dev.omniscope.indexer.index.Tables;
import dev.omniscope.indexer.query.CallEntry;
import dev.omniscope.indexer.query.Calls;
import dev.omniscope.indexer.query.History;
import dev.omniscope.indexer.query.HistoryEntry;
import dev.omniscope.indexer.query.Location;
import dev.omniscope.indexer.query.Locator;
import dev.omniscope.indexer.query.MemoryView;
import dev.omniscope.indexer.query.Stepper;
import dev.omniscope.indexer.query.Symbolizer;
import dev.omniscope.server.api.Problems;
import dev.omniscope.server.auth.Caller;
import dev.omniscope.server.traces.IndexRecord;
import dev.omniscope.server.traces.TraceAccess;
import dev.omniscope.server.traces.TraceRepository;
import tools.jackson.databind.json.JsonMapper;

/**
 * The query API over a trace's loaded index (docs/api.md, "Queries"). Blocking (JDBC, blob
 * reads): controllers call it on bounded-elastic. Parameters arrive as strings and are checked
 * here, so that every mistake is a 400 naming the parameter; a trace without a loaded index is a
 * 409. The documents and their semantics are the indexer's ({@link History}, {@link Locator},
 * {@link Calls}, {@link MemoryView}, {@link Symbolizer}); only where rows come from differs.
 */
@Service
public class QueryService {
    /** The longest range a history watches (as {@code omni history}). */
    public static final int HISTORY_MAX_LENGTH = 4096;
    /** The most bytes one memory read returns. */
    public static final int MEMORY_MAX_LENGTH = 65536;
    public static final int DEFAULT_LIMIT = 1000, MAX_LIMIT = 10_000;
    public static final int MAX_BUCKETS = Math.min(1024, dev.omniscope.server.index.Timeline.SLICES);
    private static final HexFormat HEX = HexFormat.of();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TraceAccess access;
    private final TraceRepository traces;
    private final OpenTraces open;

    public QueryService(TraceAccess access, TraceRepository traces, OpenTraces open) {
        this.access = access;
        this.traces = traces;
        this.open = open;
    }

    /** The trace's index state, if the caller may read it and an index is loaded; else 404 or 409. */
    private IndexRecord indexed(Caller caller, String id) {
        IndexRecord r = access.readableIndex(caller, id);
        if (r.loaded()) return r;
        String why = switch (r.status()) {
            case "queued" -> "is queued for indexing";
            case "indexing" -> "is being indexed (" + r.progress() + "%)";
            default -> "has no index: " + (r.failureReason() == null ? "indexing failed" : r.failureReason());
        };
        throw Problems.notIndexed("trace " + id + " " + why + "; follow /api/traces/" + id + "/events");
    }

    private <T> T with(Caller caller, String id, OpenTraces.Work<T> work) {
        IndexRecord r = indexed(caller, id);
        try {
            return open.with(r, work);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the index of trace " + id + ": " + e.getMessage(), e);
        }
    }

    // ---- checks shared by the endpoints

    private static void requirePid(TraceIndex t, Integer pid) {
        if (pid != null && !t.pids().contains(pid)) {
            throw Problems.badRequest("pid " + pid + " is not a process of this trace (its processes: " + t.pids() + ")");
        }
    }

    private static void requireTid(TraceIndex t, Integer tid) {
        if (tid != null && !t.tids().contains(tid)) {
            throw Problems.badRequest("tid " + tid + " is not a thread of this trace (its threads: " + t.tids() + ")");
        }
    }

    /** A step of the trace: 0 to the last step, or to the end ({@code instructions}) when {@code end} is allowed. */
    private static long step(TraceIndex t, String name, String text, boolean end) {
        if (text == null) throw Problems.badRequest(name + " is required (a step: 0 to " + Math.max(0, t.instructions - 1) + ")");
        long last = end ? t.instructions : Math.max(0, t.instructions - 1);
        try {
            return Params.number(name, text, 0, last);
        } catch (org.springframework.web.ErrorResponseException e) {
            long v;
            try {
                v = Long.parseLong(text.trim());
            } catch (NumberFormatException n) {
                throw e;
            }
            throw Problems.badRequest(name + " " + v + " is outside the trace: its index covers steps 0 to " + last);
        }
    }

    private static Long optionalStep(TraceIndex t, String name, String text) {
        return text == null ? null : step(t, name, text, true);
    }

    /** A range [address, address + length) that does not wrap around the top of the address space. */
    private static void requireRange(long address, int length) {
        if (address < 0 && address + length > 0 && address + length != 0 || address >= 0 && address + length < 0) {
            throw Problems.badRequest("the range " + History.hex(address) + " + " + length + " crosses 0x8000000000000000 or wraps around");
        }
    }

    // ---- history

    public QueryDocuments.HistoryPage history(Caller caller, String id, String symbol, String addr, String len, String pid,
                                             String from, String to, String order, String limit, String cursor) {
        boolean descending = order != null && order.trim().equals("desc");
        if (order != null && !descending && !order.trim().equals("asc")) {
            throw Problems.badRequest("order '" + Problems.printable(order) + "' is not asc or desc");
        }
        if (symbol != null && (addr != null || len != null)) throw Problems.badRequest("give either symbol, or addr and len, not both");
        if (symbol == null && (addr == null || len == null)) {
            throw Problems.badRequest("give symbol (a variable's name), or addr and len (a range of memory)");
        }
        Integer process = Params.optionalId("pid", pid);
        int n = Params.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        long[] after = Params.cursor(cursor, descending ? HistoryQuery.DESC : HistoryQuery.ASC, 2);
        long address = symbol == null ? Params.address("addr", addr) : 0;
        int length = symbol == null ? (int) Params.number("len", len, 1, HISTORY_MAX_LENGTH) : 0;
        return with(caller, id, t -> {
            requirePid(t, process);
            Long fromStep = optionalStep(t, "from", from), toStep = optionalStep(t, "to", to);
            if (fromStep != null && toStep != null && fromStep > toStep) throw Problems.badRequest("from " + fromStep + " is after to " + toStep);
            long start = address;
            int size = length;
            String name = null;
            if (symbol != null) {
                Symbolizer.Variable v = variable(t, symbol);
                start = v.address();
                size = (int) Math.min(v.size(), HISTORY_MAX_LENGTH);
                name = v.name();
            }
            requireRange(start, size);
            return HistoryQuery.page(t, start, size, name, process, fromStep, toStep, n, after, descending);
        });
    }

    /** A variable by name, as {@code omni history --symbol}: 404 when there is none, 400 when the name is ambiguous. */
    private static Symbolizer.Variable variable(TraceIndex t, String name) {
        List<Symbolizer.Variable> found = t.symbols.variables(name);
        if (found.isEmpty()) throw Problems.notFound("no variable or data symbol named '" + Problems.printable(name) + "' in the recorded modules");
        if (found.size() > 1) {
            StringBuilder sb = new StringBuilder("'" + Problems.printable(name) + "' names several variables; pick one with addr and len:");
            for (Symbolizer.Variable v : found) {
                sb.append(String.format(" %s (%d bytes at %s in %s);", v.name(), v.size(), History.hex(v.address()), v.module()));
            }
            throw Problems.badRequest(sb.toString());
        }
        if (found.get(0).size() <= 0) throw Problems.badRequest("'" + Problems.printable(name) + "' has no size; give addr and len");
        return found.get(0);
    }

    // ---- memory, registers, a moment

    public QueryDocuments.Memory memory(Caller caller, String id, String addr, String len, String step, String pid) {
        long address = Params.address("addr", addr);
        if (len == null) throw Problems.badRequest("len is required (1 to " + MEMORY_MAX_LENGTH + ")");
        int length = (int) Params.number("len", len, 1, MEMORY_MAX_LENGTH);
        requireRange(address, length);
        Integer process = Params.optionalId("pid", pid);
        return with(caller, id, t -> {
            long at = step(t, "step", step, true);
            requirePid(t, process);
            int p;
            if (process != null) {
                p = process;
            } else {
                Locator.Block running = at < t.instructions ? t.moments.blockAt(at) : null;
                p = running != null ? running.pid() : t.pids().isEmpty() ? 0 : t.pids().get(0);
            }
            MemoryView.Bytes bytes = t.memory.read(p, address, length, at);
            List<QueryDocuments.Unmapped> unmapped = new ArrayList<>();
            for (int i = 0; i < length; ) {
                if (bytes.mapped()[i]) {
                    i++;
                    continue;
                }
                int j = i;
                while (j < length && !bytes.mapped()[j]) j++;
                unmapped.add(new QueryDocuments.Unmapped(History.hex(address + i), j - i));
                i = j;
            }
            return new QueryDocuments.Memory(at, p, History.hex(address), length, HEX.formatHex(bytes.data()), unmapped);
        });
    }

    public Location location(Caller caller, String id, String step, String tid) {
        Integer thread = Params.optionalId("tid", tid);
        return with(caller, id, t -> locate(t, step(t, "step", step, false), thread));
    }

    public QueryDocuments.Registers registers(Caller caller, String id, String step, String tid) {
        Integer thread = Params.optionalId("tid", tid);
        return with(caller, id, t -> {
            Location l = locate(t, step(t, "step", step, false), thread);
            return new QueryDocuments.Registers(l.step(), l.pid(), l.tid(), l.running(), l.registers());
        });
    }

    /** Where a move from a moment goes (docs/api.md, "Moves"): 404 when there is no such moment. */
    public Stepper.Moment move(Caller caller, String id, String step, String to, String tid) {
        if (to == null || to.isBlank()) throw Problems.badRequest("to is required: one of " + Stepper.Move.names());
        Stepper.Move move = Stepper.Move.of(to.trim());
        if (move == null) throw Problems.badRequest("to '" + Problems.printable(to) + "' is not a move: one of " + Stepper.Move.names());
        Integer thread = Params.optionalId("tid", tid);
        return with(caller, id, t -> {
            long at = step(t, "step", step, false);
            requireTid(t, thread);
            try {
                return t.stepper.move(at, thread, move);
            } catch (Locator.NotFound e) {
                throw Problems.badRequest(e.getMessage());
            } catch (Stepper.NoMoment e) {
                throw Problems.notFound(e.getMessage());
            }
        });
    }

    private static Location locate(TraceIndex t, long step, Integer tid) throws IOException {
        requireTid(t, tid);
        try {
            return Locator.locate(t.moments, t.memory, t.symbols, step, tid);
        } catch (Locator.NotFound e) {
            throw Problems.badRequest(e.getMessage());
        }
    }

    // ---- calls and system calls

    public QueryDocuments.CallsPage calls(Caller caller, String id, String function, String parent, String tid, String limit, String cursor) {
        if (function != null && parent != null) throw Problems.badRequest("give function (a search) or parent (a call's children), not both");
        if (function != null && function.isBlank()) throw Problems.badRequest("function is empty");
        Integer thread = Params.optionalId("tid", tid);
        Long parentStep = Params.optionalNumber("parent", parent, -1, Long.MAX_VALUE);
        if (parentStep != null && thread == null) throw Problems.badRequest("parent needs tid: a call is named by its thread and its call step");
        int n = Params.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        long[] after = Params.cursor(cursor, "c", 2);
        return with(caller, id, t -> {
            requireTid(t, thread);
            List<CallEntry> calls;
            if (function != null) {
                calls = CallQueries.byFunction(t, function, thread, after, n + 1);
            } else if (parentStep != null) {
                CallEntry call = CallQueries.call(t, thread, parentStep);
                if (call == null) throw Problems.notFound("thread " + thread + " made no call at step " + parentStep);
                calls = CallQueries.children(t, call, after, n + 1);
            } else {
                calls = CallQueries.roots(t, thread, after, n + 1);
            }
            String next = null;
            if (calls.size() > n) {
                calls = calls.subList(0, n);
                CallEntry last = calls.get(n - 1);
                next = Params.cursor("c", last.callStep(), last.tid());
            }
            return new QueryDocuments.CallsPage(calls, next);
        });
    }

    public QueryDocuments.SyscallsPage syscalls(Caller caller, String id, String from, String to, String limit, String cursor) {
        int n = Params.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        long[] after = Params.cursor(cursor, "s", 2);
        return with(caller, id, t -> {
            Long fromStep = optionalStep(t, "from", from), toStep = optionalStep(t, "to", to);
            if (fromStep != null && toStep != null && fromStep > toStep) throw Problems.badRequest("from " + fromStep + " is after to " + toStep);
            StringBuilder sql = new StringBuilder("select " + PgRow.select(Tables.SYSCALLS, null) + " from " + t.table(Tables.SYSCALLS)
                    + " where true");
            List<Object> args = new ArrayList<>();
            if (fromStep != null) {
                sql.append(" and step >= ?");
                args.add(fromStep);
            }
            if (toStep != null) {
                sql.append(" and step <= ?");
                args.add(toStep);
            }
            if (after != null) {
                sql.append(" and step >= ? and (step > ? or tid > ?)");
                args.add(after[0]);
                args.add(after[0]);
                args.add((int) after[1]);
            }
            sql.append(" order by step, tid limit ?");
            args.add(n + 1);
            List<QueryDocuments.Syscall> found = t.jdbc.query(sql.toString(), (rs, i) -> syscall(new PgRow(Tables.SYSCALLS, rs)),
                    args.toArray());
            String next = null;
            if (found.size() > n) {
                found = found.subList(0, n);
                next = Params.cursor("s", found.get(n - 1).step(), found.get(n - 1).tid());
            }
            return new QueryDocuments.SyscallsPage(found, next);
        });
    }

    private static QueryDocuments.Syscall syscall(PgRow r) {
        List<String> args = new ArrayList<>();
        for (int a = 0; a < 6; a++) args.add(History.hex(r.i64(r.column("arg" + a))));
        return new QueryDocuments.Syscall(r.i64(r.column("step")), r.i32(r.column("pid")), r.i32(r.column("tid")),
                r.i32(r.column("number")), r.string(r.column("name")), args, r.nullableI64(r.column("result")),
                History.hex(r.i64(r.column("rip"))));
    }

    // ---- symbols, sources, timeline

    public QueryDocuments.Symbols symbols(Caller caller, String id, String prefix, String limit) {
        int n = Params.limit(limit, 100, 1000);
        return with(caller, id, t -> new QueryDocuments.Symbols(t.symbols.search(prefix == null ? "" : prefix, n).stream()
                .map(s -> new QueryDocuments.Symbol(s.name(), s.kind(), History.hex(s.address()), s.size(), s.type(), s.module()))
                .toList()));
    }

    /** A carried source file's text; 404 when the trace does not carry it. */
    public String source(Caller caller, String id, String path) {
        return with(caller, id, t -> {
            TraceIndex.Source s = t.sources.get(path);
            if (s == null && path.startsWith("//")) s = t.sources.get(path.substring(1));
            if (s == null && !path.startsWith("/")) s = t.sources.get("/" + path);
            if (s == null) throw Problems.notFound("trace " + id + " carries no source file " + Problems.printable(path));
            try (InputStream in = t.trace.openBlob(s.blob())) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        });
    }

    public QueryDocuments.Timeline timeline(Caller caller, String id, String buckets) {
        int n = buckets == null ? 100 : (int) Params.number("buckets", buckets, 1, MAX_BUCKETS);
        IndexRecord r = indexed(caller, id);
        String json = traces.timelineJson(id);
        if (json == null) throw Problems.notIndexed("trace " + id + " has no timeline");
        dev.omniscope.server.index.Timeline t = JSON.readValue(json, dev.omniscope.server.index.Timeline.class);
        return TimelineQuery.buckets(t, n);
    }
}
