package dev.omniscope.indexer.query;

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
}
