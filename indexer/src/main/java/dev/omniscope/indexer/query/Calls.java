package dev.omniscope.indexer.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.omniscope.indexer.index.Tables;

/** Calls from the calls table: by function, by task, in call order. */
public final class Calls {
    private Calls() {}

    /** Calls of {@code function} (its name, or demangled C++ name; null for any) by {@code tid} (null for any), by call step. */
    public static List<CallEntry> find(IndexTables index, String function, Integer tid, int limit) throws IOException {
        List<CallEntry> found = new ArrayList<>();
        index.scan(Tables.CALLS, r -> {
            String name = r.string(r.column("function"));
            if (function != null && !function.equals(name) && !(name != null && name.startsWith(function + "("))) return true;
            if (tid != null && r.i32(r.column("tid")) != tid) return true;
            List<String> args = new ArrayList<>();
            for (int a = 0; a < 6; a++) args.add(History.hex(r.i64(r.column("arg" + a))));
            Long ret = r.nullableI64(r.column("return_value"));
            found.add(new CallEntry(r.i64(r.column("call_step")), r.nullableI64(r.column("return_step")), r.i32(r.column("pid")),
                    r.i32(r.column("tid")), r.i32(r.column("depth")), History.hex(r.i64(r.column("call_site"))),
                    History.hex(r.i64(r.column("target"))), name, args, ret == null ? null : History.hex(ret),
                    r.bool(r.column("unwound"))));
            return true;
        });
        found.sort(Comparator.comparingLong(CallEntry::callStep));
        return limit > 0 && found.size() > limit ? found.subList(0, limit) : found;
    }
}
