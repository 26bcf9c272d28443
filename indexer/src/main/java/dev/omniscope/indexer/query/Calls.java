package dev.omniscope.indexer.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Calls as documents, and which names a search for a function finds. */
public final class Calls {
    private Calls() {}

    /**
     * Whether a call of {@code name} matches a search for {@code function}: the same name, or a
     * demangled C++ name with that name before its parameters ({@code f} finds {@code f(int)}).
     */
    public static boolean matches(String function, String name) {
        return function.equals(name) || (name != null && name.startsWith(function + "("));
    }

    /** A calls row as the document. */
    public static CallEntry entry(TableRow r) {
        List<String> args = new ArrayList<>();
        for (int a = 0; a < 6; a++) args.add(History.hex(r.i64(r.column("arg" + a))));
        Long ret = r.nullableI64(r.column("return_value"));
        return new CallEntry(r.i64(r.column("call_step")), r.nullableI64(r.column("return_step")), r.i32(r.column("pid")),
                r.i32(r.column("tid")), r.i32(r.column("depth")), History.hex(r.i64(r.column("call_site"))),
                History.hex(r.i64(r.column("target"))), r.string(r.column("function")), args, ret == null ? null : History.hex(ret),
                r.bool(r.column("unwound")));
    }

    /** A page of calls ({@link QueryableTrace#calls}), its thread already checked. */
    static QueryDocuments.CallsPage page(IndexStore store, QueryableTrace.CallsQuery q) throws IOException {
        String function = q.function();
        Integer tid = q.tid();
        int limit = q.limit();
        if (function != null && q.parent() != null) throw QueryException.badRequest("give function (a search) or parent (a call's children), not both");
        if (function != null && function.isBlank()) throw QueryException.badRequest("function is empty");
        if (q.parent() != null && tid == null) throw QueryException.badRequest("parent needs tid: a call is named by its thread and its call step");
        if (limit < 1) throw QueryException.badRequest("limit must be at least 1, not " + limit);
        long[] after = Cursors.decode(q.cursor(), Cursors.CALLS, 2);
        int n = limit == Integer.MAX_VALUE ? limit : limit + 1;
        List<CallEntry> calls;
        if (function != null) {
            List<String> names = store.functionNames().stream().filter(name -> Calls.matches(function, name)).toList();
            calls = names.isEmpty() ? List.of() : store.calls(new IndexStore.CallQuery(names, tid, null, null, null, after, false, n));
        } else if (q.parent() != null) {
            CallEntry call = call(store, tid, q.parent());
            if (call == null) throw QueryException.notFound("thread " + tid + " made no call at step " + q.parent());
            calls = store.calls(new IndexStore.CallQuery(null, tid, call.depth() + 1, call.callStep() + 1, call.returnStep(), after, false, n));
        } else {
            calls = store.calls(new IndexStore.CallQuery(null, tid, q.outermost() ? 0 : null, null, null, after, false, n));
        }
        String next = null;
        if (calls.size() > limit) {
            calls = calls.subList(0, limit);
            CallEntry last = calls.get(limit - 1);
            next = Cursors.encode(Cursors.CALLS, last.callStep(), last.tid());
        }
        return new QueryDocuments.CallsPage(calls, next);
    }

    /** The call of {@code tid} at {@code callStep}, or null. */
    private static CallEntry call(IndexStore store, int tid, long callStep) throws IOException {
        List<CallEntry> found = store.calls(new IndexStore.CallQuery(null, tid, null, callStep, callStep, null, false, 1));
        return found.isEmpty() ? null : found.get(0);
    }

}
