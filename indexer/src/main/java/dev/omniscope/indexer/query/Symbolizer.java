package dev.omniscope.indexer.query;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.omniscope.indexer.index.IndexTable;

/**
 * Names addresses from an index's own tables (modules, module_regions, symbols, lines,
 * variables): which module covered an address in a process at a step, the function containing
 * it, its source line; and the reverse, a variable's or symbol's address from its name.
 * Everything it holds is per program, not per instruction: small next to the trace.
 */
public final class Symbolizer {
    /** A named place: a function with the offset into it, a file and line. */
    public record Place(String function, String file, Integer line) {
        public static final Place NOWHERE = new Place(null, null, null);
    }

    /** A named piece of memory. */
    public record Variable(String name, long address, long size, String type, String module) {}

    private record Placement(int pid, long start, long end, long fromStep, long toStep, int module) {}

    private static final class Module {
        int id;
        String path;
        long bias;
        long[] symStart = new long[0];
        long[] symSize = new long[0];
        String[] symName = new String[0];
        int[] symRank = new int[0];
        long[] lineAddress = new long[0];
        int[] lineNumber = new int[0];
        String[] lineFile = new String[0];
        boolean[] lineEnd = new boolean[0];
        boolean[] lineStmt = new boolean[0];
    }

    /**
     * A row of the line table: the source line an address belongs to. {@code start}: the row's
     * address (an address equal to it is the start of the row); {@code statement}: is_stmt.
     */
    public record Line(long start, String file, int line, boolean statement) {
        /** The same source line (file and number) as {@code other}. */
        public boolean sameLine(Line other) {
            return other != null && line == other.line && file.equals(other.file);
        }
    }

    private final List<Placement> placements = new ArrayList<>();
    private final Map<Integer, Module> modules = new HashMap<>();
    private final List<Variable> variables = new ArrayList<>();
    /** The variables by name, and by name without its scope ("ns::x" under "x" too): lookups by name come per request. */
    private final Map<String, List<Variable>> variablesByName = new HashMap<>(), variablesByUnscopedName = new HashMap<>();
    /** The programs tasks ran (executables, not libraries): their names win over a library's. */
    private final java.util.Set<String> programs = new java.util.HashSet<>();
    /** The source files the trace carries (the sources table). */
    private final java.util.Set<String> carried = new java.util.HashSet<>();

    private Symbolizer() {}

    public static Symbolizer load(TableSource index) throws IOException {
        Symbolizer s = new Symbolizer();
        index.scan(IndexTable.TASKS, r -> {
            s.programs.add(r.string(r.column("program")));
            return true;
        });
        index.scan(IndexTable.MODULES, r -> {
            Module m = new Module();
            m.id = r.i32(r.column("module_id"));
            m.path = r.string(r.column("path"));
            m.bias = r.i64(r.column("bias"));
            s.modules.put(r.i32(r.column("module_id")), m);
            return true;
        });
        index.scan(IndexTable.MODULE_REGIONS, r -> {
            Long to = r.nullableI64(r.column("to_step"));
            s.placements.add(new Placement(r.i32(r.column("pid")), r.i64(r.column("start")), r.i64(r.column("end")),
                    r.i64(r.column("from_step")), to == null ? Long.MAX_VALUE : to, r.i32(r.column("module_id"))));
            return true;
        });
        loadSymbols(index, s);
        loadLines(index, s);
        index.scan(IndexTable.SOURCES, r -> {
            s.carried.add(r.string(r.column("path")));
            return true;
        });
        index.scan(IndexTable.VARIABLES, r -> {
            Module m = s.modules.get(r.i32(r.column("module_id")));
            String name = r.string(r.column("qualified_name"));
            s.variables.add(new Variable(name, r.i64(r.column("address")), r.i64(r.column("size")), r.string(r.column("type")),
                    m == null ? null : m.path));
            return true;
        });
        // Symbols of data objects with a size stand in for variables of modules without DWARF.
        index.scan(IndexTable.SYMBOLS, r -> {
            if ("object".equals(r.string(r.column("kind"))) && r.i64(r.column("size")) > 0) {
                Module m = s.modules.get(r.i32(r.column("module_id")));
                // C++ data symbols by their demangled names, as gdb shows them: "vtable for Item", not _ZTV4Item
                String demangled = r.string(r.column("demangled"));
                String name = demangled != null && !demangled.isEmpty() ? demangled : r.string(r.column("name"));
                s.variables.add(new Variable(name, r.i64(r.column("start")), r.i64(r.column("size")), null, m == null ? null : m.path));
            }
            return true;
        });
        for (Variable v : s.variables) {
            s.variablesByName.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(v);
            s.variablesByUnscopedName.computeIfAbsent(unscoped(v.name()), k -> new ArrayList<>()).add(v);
        }
        return s;
    }

    private static void loadSymbols(TableSource index, Symbolizer s) throws IOException {
        Map<Integer, List<Object[]>> byModule = new HashMap<>();
        index.scan(IndexTable.SYMBOLS, r -> {
            String kind = r.string(r.column("kind"));
            long size = r.i64(r.column("size"));
            if (!kind.equals("func") && !kind.equals("ifunc") || size <= 0) return true;
            String demangled = r.string(r.column("demangled"));
            String binding = r.string(r.column("binding"));
            int rank = binding.equals("global") ? 0 : binding.equals("weak") ? 1 : 2; // the most public alias names a place
            String name = demangled != null ? demangled : r.string(r.column("name"));
            // "memcpy@@GLIBC_2.14": the version is not part of the name people use; a PLT stub keeps "@plt".
            int version = name.endsWith("@plt") ? -1 : name.indexOf('@');
            byModule.computeIfAbsent(r.i32(r.column("module_id")), k -> new ArrayList<>()).add(new Object[] {
                    r.i64(r.column("start")), size, version > 0 ? name.substring(0, version) : name, rank});
            return true;
        });
        byModule.forEach((id, list) -> {
            Module m = s.modules.get(id);
            if (m == null) return;
            list.sort((a, b) -> {
                int c = Long.compareUnsigned((Long) a[0], (Long) b[0]);
                return c != 0 ? c : Integer.compare((Integer) a[3], (Integer) b[3]);
            });
            int n = list.size();
            m.symStart = new long[n];
            m.symSize = new long[n];
            m.symName = new String[n];
            m.symRank = new int[n];
            for (int i = 0; i < n; i++) {
                m.symStart[i] = (Long) list.get(i)[0];
                m.symSize[i] = (Long) list.get(i)[1];
                m.symName[i] = (String) list.get(i)[2];
                m.symRank[i] = (Integer) list.get(i)[3];
            }
        });
    }

    private static void loadLines(TableSource index, Symbolizer s) throws IOException {
        Map<Integer, List<Object[]>> byModule = new HashMap<>();
        index.scan(IndexTable.LINES, r -> {
            byModule.computeIfAbsent(r.i32(r.column("module_id")), k -> new ArrayList<>()).add(new Object[] {
                    r.i64(r.column("address")), r.i32(r.column("line")), r.string(r.column("file")), r.bool(r.column("end_sequence")),
                    r.bool(r.column("is_stmt"))});
            return true;
        });
        byModule.forEach((id, list) -> {
            Module m = s.modules.get(id);
            if (m == null) return;
            // Stable: rows at one address keep their order (an end_sequence before a new sequence's start).
            list.sort((a, b) -> Long.compareUnsigned((Long) a[0], (Long) b[0]));
            int n = list.size();
            m.lineAddress = new long[n];
            m.lineNumber = new int[n];
            m.lineFile = new String[n];
            m.lineEnd = new boolean[n];
            m.lineStmt = new boolean[n];
            for (int i = 0; i < n; i++) {
                m.lineAddress[i] = (Long) list.get(i)[0];
                m.lineNumber[i] = (Integer) list.get(i)[1];
                m.lineFile[i] = ((String) list.get(i)[2]).intern();
                m.lineEnd[i] = (Boolean) list.get(i)[3];
                m.lineStmt[i] = (Boolean) list.get(i)[4];
            }
        });
    }

    private Module moduleAt(int pid, long address, long step) {
        for (Placement p : placements) {
            if (p.pid == pid && Long.compareUnsigned(address, p.start) >= 0 && Long.compareUnsigned(address, p.end) < 0
                    && p.fromStep < step && step <= p.toStep) {
                return modules.get(p.module);
            }
        }
        return null;
    }

    /** An ELF file loaded at one load bias (a modules row). */
    public record ModuleInstance(int id, String path, long bias) {}

    /** The module instance whose code contains {@code address} in process {@code pid} at {@code step}, or null. */
    public ModuleInstance moduleInstance(int pid, long address, long step) {
        Module m = moduleAt(pid, address, step);
        return m == null ? null : new ModuleInstance(m.id, m.path, m.bias);
    }

    /** The module instance whose code contains {@code address} in any process at any time (the first placed there), or null. */
    public ModuleInstance moduleInstanceAnytime(long address) {
        for (Placement p : placements) {
            if (Long.compareUnsigned(address, p.start) >= 0 && Long.compareUnsigned(address, p.end) < 0) {
                Module m = modules.get(p.module);
                if (m != null) return new ModuleInstance(m.id, m.path, m.bias);
            }
        }
        return null;
    }

    /** {@link #place} of a code address in whichever process, at whichever time, had code there. */
    public Place placeAnytime(long address) {
        for (Placement p : placements) {
            if (Long.compareUnsigned(address, p.start) >= 0 && Long.compareUnsigned(address, p.end) < 0) {
                Module m = modules.get(p.module);
                if (m != null) return new Place(function(m, address), lineFile(m, address), lineNumber(m, address));
            }
        }
        return Place.NOWHERE;
    }

    /** Whether {@code path} is a program some task ran (an executable, not a library). */
    public boolean isProgram(String path) {
        return programs.contains(path);
    }

    /** Every module instance of the trace, in id order. */
    public List<ModuleInstance> moduleInstances() {
        return modules.values().stream().map(m -> new ModuleInstance(m.id, m.path, m.bias))
                .sorted(java.util.Comparator.comparingInt(ModuleInstance::id)).toList();
    }

    /** Whether the module instance was mapped in some process of the trace (its code placed anywhere, at any time). */
    public boolean placed(int moduleId) {
        for (Placement p : placements) if (p.module == moduleId) return true;
        return false;
    }

    /** A line-table row of a module instance: its run-time address, file, line and is_stmt. */
    public record LineRow(int module, long address, String file, int line, boolean statement) {}

    /**
     * The line-table rows (not sequence ends) of files whose path ends with {@code file} at a
     * directory boundary (gdb's rule: "vals.c" names ".../src/vals.c", "src/vals.c" too), in
     * address order per module instance.
     */
    public List<LineRow> lineRows(String file) {
        List<LineRow> rows = new ArrayList<>();
        for (Module m : modules.values()) {
            String matched = null, rejected = null;
            for (int i = 0; i < m.lineAddress.length; i++) {
                if (m.lineEnd[i]) continue;
                String f = m.lineFile[i];
                if (f != matched) {
                    if (f == rejected || !fileMatches(f, file)) {
                        rejected = f;
                        continue;
                    }
                    matched = f;
                }
                rows.add(new LineRow(m.id, m.lineAddress[i], f, m.lineNumber[i], m.lineStmt[i]));
            }
        }
        return rows;
    }

    /** Whether a line-table row of the module instance starts at {@code address}. */
    public boolean rowStartsAt(int moduleId, long address) {
        Module m = modules.get(moduleId);
        int i = m == null ? -1 : floor(m.lineAddress, address);
        return i >= 0 && m.lineAddress[i] == address;
    }

    /** The address of the module instance's first line-table row after {@code address}, or null. */
    public Long nextRowAddress(int moduleId, long address) {
        Module m = modules.get(moduleId);
        if (m == null) return null;
        int i = floor(m.lineAddress, address) + 1;
        return i < m.lineAddress.length ? m.lineAddress[i] : null;
    }

    /** The start of the function symbol containing a run-time address of the module instance, or null. */
    public Long functionStart(int moduleId, long address) {
        Module m = modules.get(moduleId);
        int i = m == null ? -1 : symbolIndex(m, address);
        return i < 0 ? null : m.symStart[i];
    }

    /** gdb's compare_filenames_for_search: the path ends with the searched name, at a directory separator unless whole. */
    static boolean fileMatches(String path, String searched) {
        if (!path.endsWith(searched)) return false;
        int before = path.length() - searched.length();
        return before == 0 || !searched.startsWith("/") && path.charAt(before - 1) == '/';
    }

    /** The function (name+0xoffset) and source line of an address in a process at a step. */
    public Place place(int pid, long address, long step) {
        Module m = moduleAt(pid, address, step);
        if (m == null) return Place.NOWHERE;
        return new Place(function(m, address), lineFile(m, address), lineNumber(m, address));
    }

    /** The name of the function containing the address, without offset; null when none. */
    public String functionName(int pid, long address, long step) {
        Module m = moduleAt(pid, address, step);
        int i = m == null ? -1 : symbolIndex(m, address);
        return i < 0 ? null : m.symName[i];
    }

    private static int symbolIndex(Module m, long address) {
        int hi = floor(m.symStart, address);
        int best = -1;
        // Innermost function containing the address; among aliases the most public name.
        for (int i = hi; i >= 0 && i > hi - 64; i--) {
            if (Long.compareUnsigned(address - m.symStart[i], m.symSize[i]) < 0) {
                if (best < 0 || m.symStart[i] > m.symStart[best]
                        || (m.symStart[i] == m.symStart[best] && m.symRank[i] < m.symRank[best])) best = i;
            }
        }
        return best;
    }

    private static String function(Module m, long address) {
        int i = symbolIndex(m, address);
        if (i < 0) {
            String base = m.path.substring(m.path.lastIndexOf('/') + 1);
            return base + "+?";
        }
        long offset = address - m.symStart[i];
        return offset == 0 ? m.symName[i] : m.symName[i] + "+0x" + Long.toHexString(offset);
    }

    private static int lineIndex(Module m, long address) {
        int i = floor(m.lineAddress, address);
        if (i < 0 || m.lineEnd[i]) return -1;
        // gdb (find_pc_sect_line): the last row at that address; when it is not a statement, the
        // statement row just before it at the same address (-O2 code often has several rows at
        // one address, the last a non-statement one)
        for (int j = i; !m.lineStmt[j] && j > 0 && m.lineAddress[j - 1] == m.lineAddress[j] && !m.lineEnd[j - 1]
                && m.lineNumber[j - 1] != 0; j--) {
            if (m.lineStmt[j - 1]) return j - 1;
        }
        return i;
    }

    /**
     * The line-table row of an address in a process at a step, counting only rows of source files
     * the trace carries (what a user can read; libraries' lines from separate debug files name
     * sources the trace does not have), or every row when the trace carries no source; null when
     * there is none.
     */
    public Line sourceLine(int pid, long address, long step) {
        Module m = moduleAt(pid, address, step);
        int i = m == null ? -1 : lineIndex(m, address);
        if (i < 0 || !carried.isEmpty() && !carried.contains(m.lineFile[i])) return null;
        // several rows at one address: a statement if any of them is
        boolean statement = false;
        for (int j = i; j >= 0 && m.lineAddress[j] == m.lineAddress[i]; j--) statement |= m.lineStmt[j] && !m.lineEnd[j];
        return new Line(m.lineAddress[i], m.lineFile[i], m.lineNumber[i], statement);
    }

    private static String lineFile(Module m, long address) {
        int i = lineIndex(m, address);
        return i < 0 ? null : m.lineFile[i];
    }

    private static Integer lineNumber(Module m, long address) {
        int i = lineIndex(m, address);
        return i < 0 ? null : m.lineNumber[i];
    }

    /** The last index whose value is at most {@code key} (unsigned), or -1. */
    private static int floor(long[] sorted, long key) {
        int lo = 0, hi = sorted.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(sorted[mid], key) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        // the last of equal keys
        while (found + 1 < sorted.length && sorted[found + 1] == key) found++;
        return found;
    }

    /**
     * Variables (DWARF globals and statics, else sized data symbols) whose name is {@code name}.
     * When the recorded programs themselves have one, libraries' namesakes (libc's statics) are
     * left out, as a debugger looks in the program first.
     */
    public List<Variable> variables(String name) {
        List<Variable> exact = variablesByName.getOrDefault(name, List.of());
        if (exact.isEmpty()) exact = variablesByUnscopedName.getOrDefault(name, List.of());
        List<Variable> inPrograms = exact.stream().filter(v -> programs.contains(v.module())).toList();
        return dedupe(inPrograms.isEmpty() ? exact : inPrograms);
    }

    private static List<Variable> dedupe(List<Variable> found) {
        // The same variable through DWARF and through the symbol table, or through several module instances at one address.
        Map<Long, Variable> byAddress = new java.util.LinkedHashMap<>();
        for (Variable v : found) byAddress.merge(v.address(), v, (a, b) -> a.type() != null ? a : b);
        return new ArrayList<>(byAddress.values());
    }

    private Variable[] byAddress;

    /**
     * The variable (or sized data symbol) containing {@code address}, as gdb annotates a pointer
     * ({@code counter}, {@code table+16}: the offset in decimal); empty when none.
     */
    public synchronized java.util.Optional<String> dataSymbolAt(long address) {
        if (byAddress == null) {
            byAddress = variables.stream().filter(v -> v.size() > 0)
                    .sorted((a, b) -> Long.compareUnsigned(a.address(), b.address())).toArray(Variable[]::new);
        }
        int lo = 0, hi = byAddress.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(byAddress[mid].address(), address) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        for (int i = found; i >= 0 && i > found - 8; i--) {
            Variable v = byAddress[i];
            long offset = address - v.address();
            if (Long.compareUnsigned(offset, v.size()) < 0) return java.util.Optional.of(offset == 0 ? v.name() : v.name() + "+" + offset);
        }
        return java.util.Optional.empty();
    }

    /** A function or variable found by name: what {@link #search} lists. */
    public record Symbol(String name, String kind, long address, long size, String type, String module) {}

    /** A C++ name without its scope ("ns::x" is "x"); other names as they are. */
    private static String unscoped(String name) {
        int colons = name.lastIndexOf("::");
        return colons < 0 ? name : name.substring(colons + 2);
    }

    /**
     * Functions (sized function symbols) and variables (as {@link #variables}) whose name, or
     * unscoped name, starts with {@code prefix}: the recorded programs' own first, then by name and
     * address; one entry per kind, name and address. At most {@code limit}.
     */
    public List<Symbol> search(String prefix, int limit) {
        List<Symbol> found = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Variable v : variables) {
            if ((v.name().startsWith(prefix) || unscoped(v.name()).startsWith(prefix)) && seen.add("v" + v.name() + "@" + v.address())) {
                found.add(new Symbol(v.name(), "variable", v.address(), v.size(), v.type(), v.module()));
            }
        }
        for (Module m : modules.values()) {
            for (int i = 0; i < m.symName.length; i++) {
                String name = m.symName[i];
                if (name.startsWith(prefix) && seen.add("f" + name + "@" + m.symStart[i])) {
                    found.add(new Symbol(name, "function", m.symStart[i], m.symSize[i], null, m.path));
                }
            }
        }
        found.sort(java.util.Comparator.<Symbol>comparingInt(s -> programs.contains(s.module()) ? 0 : 1)
                .thenComparing(Symbol::name).thenComparing(Symbol::address, Long::compareUnsigned).thenComparing(Symbol::kind));
        return found.size() > limit ? new ArrayList<>(found.subList(0, limit)) : found;
    }

    /** Every source file a module's lines name, for listing. */
    public List<String> moduleNames() {
        List<String> names = new ArrayList<>();
        for (Module m : modules.values()) names.add(m.path);
        return names;
    }
}
