package dev.omniscope.indexer.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.omniscope.indexer.index.Tables;

/** Calls from the calls table: by function, by task, in call order. */
public final class Calls {
    private Calls() {}

    /**
     * Whether a call of {@code name} matches a search for {@code function}: the same name, or a
     * demangled C++ name with that name before its parameters ({@code f} finds {@code f(int)}).
     */
    public static boolean matches(String function, String name) {
        return function.equals(name) || (name != null && name.startsWith(function + "("));
    }

    /** Calls of {@code function} (its name, or demangled C++ name; null for any) by {@code tid} (null for any), by call step. */
    public static List<CallEntry> find(IndexTables index, String function, Integer tid, int limit) throws IOException {
        List<CallEntry> found = new ArrayList<>();
        index.scan(Tables.CALLS, r -> {
            String name = r.string(r.column("function"));
            if (function != null && !matches(function, name)) return true;
            if (tid != null && r.i32(r.column("tid")) != tid) return true;
            found.add(entry(r));
            return true;
        });
        found.sort(Comparator.comparingLong(CallEntry::callStep));
        return limit > 0 && found.size() > limit ? found.subList(0, limit) : found;
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
}
