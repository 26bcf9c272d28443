package dev.omniscope.indexer.query;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.omniscope.debuginfo.DebugFunction;
import dev.omniscope.debuginfo.DebugInfo;
import dev.omniscope.debuginfo.DebugScope;

/**
 * Where gdb places a breakpoint, so that "every execution of a line" counts what gdb's hit count
 * counts. {@code break FILE:LINE} (gdb's linespec.c and symtab.c): the line-table rows of that
 * exact line that are statements, or if there is none the nearest later line that has some; of
 * several rows in one lexical block only the first (a line scattered over disjoint ranges by the
 * optimiser is one location); a row at a function's entry moves past the prologue.
 * {@code break FUNCTION}: each function of that name, past its prologue. The prologue, as gdb's
 * amd64_analyze_prologue finds it for gcc: {@code [endbr64] push %rbp; mov %rsp,%rbp}, then on to
 * the next line-table row if that leaves the address mid-line; a function without that frame
 * setup (gcc -O2) is broken at its entry.
 */
final class Breakpoints {
    private static final byte[] ENDBR64 = {(byte) 0xf3, 0x0f, 0x1e, (byte) 0xfa};

    /** A breakpoint location: a run-time address of a module instance. */
    record Location(long address, Symbolizer.ModuleInstance module, String function) {}

    private final Symbolizer symbols;
    private final DebugModules modules;

    Breakpoints(Symbolizer symbols, DebugModules modules) {
        this.symbols = symbols;
        this.modules = modules;
    }

    /** The locations of {@code break FILE:LINE}; empty when no line table names such a file. */
    List<Location> line(String file, int line) {
        List<Symbolizer.LineRow> rows = symbols.lineRows(file);
        List<Symbolizer.LineRow> exact = rows.stream().filter(r -> r.statement() && r.line() == line).toList();
        if (exact.isEmpty()) {
            int best = rows.stream().filter(r -> r.statement() && r.line() > line).mapToInt(Symbolizer.LineRow::line).min().orElse(-1);
            if (best < 0) return List.of();
            exact = rows.stream().filter(r -> r.statement() && r.line() == best).toList();
        }
        Map<Integer, Symbolizer.ModuleInstance> instances = new LinkedHashMap<>();
        for (Symbolizer.ModuleInstance m : symbols.moduleInstances()) instances.put(m.id(), m);
        List<Location> found = new ArrayList<>();
        Set<String> blocks = new HashSet<>();
        Set<Long> addresses = new HashSet<>();
        for (Symbolizer.LineRow r : exact) {
            Symbolizer.ModuleInstance m = instances.get(r.module());
            if (m == null || !addresses.add(r.address())) continue;
            Optional<DebugInfo> debug = modules.debugInfo(m.path());
            List<DebugScope> scopes = debug.map(d -> d.scopesAt(r.address() - m.bias())).orElse(List.of());
            if (!scopes.isEmpty() && !blocks.add(m.id() + ":" + scopes.get(scopes.size() - 1).dieOffset())) continue;
            long address = r.address();
            String function = scopes.isEmpty() ? null : scopes.get(0).qualifiedName();
            if (!scopes.isEmpty()) {
                long entry = scopes.get(0).lowPc() + m.bias();
                long afterPrologue = skipPrologue(m, entry);
                if (Long.compareUnsigned(address, afterPrologue) < 0) address = afterPrologue;
            }
            found.add(new Location(address, m, function));
        }
        found.sort((a, b) -> Long.compareUnsigned(a.address(), b.address()));
        return found;
    }

    /**
     * The locations of {@code break NAME}: functions whose name or qualified name is {@code name},
     * or whose qualified name ends with {@code ::name} (gdb's wild matching), past their prologues.
     */
    List<Location> function(String name) {
        List<Location> found = new ArrayList<>();
        Set<Long> addresses = new HashSet<>();
        for (Symbolizer.ModuleInstance m : symbols.moduleInstances()) {
            if (!symbols.placed(m.id())) continue;
            Optional<DebugInfo> debug = modules.debugInfo(m.path());
            if (debug.isEmpty()) continue;
            for (DebugFunction f : debug.get().functions()) {
                if (!named(f, name)) continue;
                long entry = f.lowPc() + m.bias();
                long address = skipPrologue(m, entry);
                if (addresses.add(address)) found.add(new Location(address, m, f.qualifiedName()));
            }
        }
        found.sort((a, b) -> Long.compareUnsigned(a.address(), b.address()));
        return found;
    }

    static boolean named(DebugFunction f, String name) {
        String q = f.qualifiedName();
        if (f.name().equals(name) || q.equals(name) || f.linkageName().equals(name)) return true;
        // "Klass::method(int)": the name before the parameter list
        int paren = q.indexOf('(');
        String bare = paren < 0 ? q : q.substring(0, paren);
        return bare.equals(name) || bare.endsWith("::" + name);
    }

    /**
     * The address past a function's prologue, as gdb places {@code break FUNCTION}: past
     * {@code [endbr64] push %rbp; mov %rsp,%rbp} and then to the start of the module's next
     * line-table row when that is mid-line; the entry itself when the function does not set up a
     * frame pointer.
     */
    long skipPrologue(Symbolizer.ModuleInstance m, long entry) {
        String key = m.id() + ":" + entry;
        synchronized (prologues) {
            Long known = prologues.get(key);
            if (known != null) return known;
        }
        long found = analyzePrologue(m, entry);
        synchronized (prologues) {
            prologues.put(key, found);
        }
        return found;
    }

    /** Functions' first lines by entry, found once. */
    private final java.util.Map<String, Long> prologues = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Long> eldest) {
            return size() > 4096;
        }
    };

    private long analyzePrologue(Symbolizer.ModuleInstance m, long entry) {
        byte[] code = modules.code(m.path(), entry - m.bias(), 12);
        if (code == null) return entry;
        int at = startsWith(code, 0, ENDBR64) ? 4 : 0;
        if ((code[at] & 0xff) != 0x55) return entry; // push %rbp
        boolean movRspRbp = (code[at + 1] & 0xff) == 0x48
                && ((code[at + 2] & 0xff) == 0x89 && (code[at + 3] & 0xff) == 0xe5
                    || (code[at + 2] & 0xff) == 0x8b && (code[at + 3] & 0xff) == 0xec);
        if (!movRspRbp) return entry;
        long pc = entry + at + 4;
        // mid-line: on to the next row's address (gdb: the end of the line-table entry containing pc)
        if (!symbols.rowStartsAt(m.id(), pc)) {
            Long next = symbols.nextRowAddress(m.id(), pc);
            if (next != null) return next;
        }
        return pc;
    }

    private static boolean startsWith(byte[] code, int at, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) if (code[at + i] != prefix[i]) return false;
        return true;
    }
}
