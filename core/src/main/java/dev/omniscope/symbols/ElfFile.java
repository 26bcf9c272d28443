package dev.omniscope.symbols;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.omniscope.common.NativeLibraries;
import jnr.ffi.Pointer;

/**
 * An ELF module's symbols, load segments and DWARF line tables and variables, read by
 * native/elf/ (elfutils; its API is native/elf/elfinfo.h). Tables are read on first use and
 * kept; the file stays open (mapped) until {@link #close()}. Safe to share between threads.
 *
 * <p>Addresses are link-time addresses; add the module's load bias ({@link #loadBias}) for the
 * addresses of a run.
 */
public final class ElfFile implements AutoCloseable {
    private static final int ERROR_BUFFER = 1024;
    private static final long PAGE = 4096;

    /** e_type. */
    public enum Type { NONE, REL, EXEC, DYN, CORE, OTHER }

    private final ElfNative lib;
    private final Path path;
    private Pointer handle;
    private final long[] header = new long[ElfNative.HEADER_FIELDS];
    private final String buildId;
    private final String debugFile;
    private final List<LoadSegment> segments;

    private List<ElfSymbol> symbols;
    private Dwarf dwarf;
    private long[] variableTypes;
    private ElfDebugInfo debugInfo;

    private record Dwarf(List<String> files, List<LineRow> lines, List<GlobalVariable> variables) {}

    private ElfFile(ElfNative lib, Path path, Pointer handle) {
        this.lib = lib;
        this.path = path;
        this.handle = handle;
        lib.omni_elf_header(handle, header);
        this.buildId = lib.omni_elf_build_id(handle);
        this.debugFile = lib.omni_elf_debug_path(handle);
        int n = (int) header[ElfNative.SEGMENT_COUNT];
        long[] vaddr = new long[n], memsz = new long[n], offset = new long[n], filesz = new long[n];
        int[] flags = new int[n];
        lib.omni_elf_segments(handle, n, vaddr, memsz, offset, filesz, flags);
        List<LoadSegment> segs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) segs.add(new LoadSegment(vaddr[i], memsz[i], offset[i], filesz[i], flags[i]));
        this.segments = List.copyOf(segs);
    }

    /** Opens an ELF file, looking for separate debug info under /usr/lib/debug. */
    public static ElfFile open(Path path) throws ElfException {
        return open(path, null);
    }

    /**
     * Opens an ELF file.
     *
     * @param debugRoot where separate debug info is looked for by build-id ({@code .build-id/xx/...})
     *                  and by .gnu_debuglink; null for /usr/lib/debug
     * @throws ElfException when the file is missing, unreadable or not ELF; the message says which
     */
    public static ElfFile open(Path path, Path debugRoot) throws ElfException {
        ElfNative lib = NativeLibraries.load(ElfNative.class, "omnielf");
        byte[] err = new byte[ERROR_BUFFER];
        Pointer handle = lib.omni_elf_open(path.toString(), debugRoot == null ? null : debugRoot.toString(), err,
                err.length);
        if (handle == null) throw new ElfException(cString(err, 0));
        return new ElfFile(lib, path, handle);
    }

    public Path path() {
        return path;
    }

    public Type type() {
        int t = (int) header[ElfNative.TYPE];
        return t >= 0 && t <= 4 ? Type.values()[t] : Type.OTHER;
    }

    /** e_machine: 62 for x86-64. */
    public int machine() {
        return (int) header[ElfNative.MACHINE];
    }

    public boolean is64Bit() {
        return header[ElfNative.CLASS] == 64;
    }

    public long entry() {
        return header[ElfNative.ENTRY];
    }

    /** NT_GNU_BUILD_ID as lowercase hex. */
    public Optional<String> buildId() {
        return buildId.isEmpty() ? Optional.empty() : Optional.of(buildId);
    }

    /** Whether DWARF was found, in the file or in separate debug info. */
    public boolean hasDwarf() {
        return header[ElfNative.HAS_DWARF] != 0;
    }

    /** The separate debug file that lines, variables and local symbols come from, if one was found. */
    public Optional<Path> debugFile() {
        return debugFile.isEmpty() ? Optional.empty() : Optional.of(Path.of(debugFile));
    }

    /** PT_LOAD program headers in file order. */
    public List<LoadSegment> segments() {
        return segments;
    }

    /**
     * The load bias of a module that the recorder saw mapped at {@code mapStart} from file offset
     * {@code mapOffset}: the kernel maps each PT_LOAD from its page-aligned file offset to its
     * page-aligned address plus the bias.
     *
     * @throws IllegalArgumentException when no PT_LOAD starts at that file offset
     */
    public long loadBias(long mapStart, long mapOffset) {
        for (LoadSegment s : segments) {
            if (pageDown(s.fileOffset()) == mapOffset) return mapStart - pageDown(s.vaddr());
        }
        throw new IllegalArgumentException(path + " has no PT_LOAD segment at file offset 0x" + Long.toHexString(mapOffset));
    }

    private static long pageDown(long x) {
        return x & -PAGE;
    }

    /** Problems that did not stop reading, such as a compile unit with an unreadable line table. */
    public synchronized List<String> warnings() {
        String w = lib.omni_elf_warnings(live());
        return w.isEmpty() ? List.of() : List.of(w.split("\n"));
    }

    /** .symtab (of the file and of its debug file) and .dynsym, deduplicated, by value then name. */
    public synchronized List<ElfSymbol> symbols() {
        if (symbols != null) return symbols;
        Pointer h = live();
        int n = count(lib.omni_elf_symbol_count(h), "symbols");
        long[] value = new long[n], size = new long[n];
        int[] name = new int[n], demangled = new int[n];
        byte[] kind = new byte[n], binding = new byte[n], defined = new byte[n];
        lib.omni_elf_symbols(h, n, value, size, name, demangled, kind, binding, defined);
        Pool pool = pool(ElfNative.POOL_SYMBOLS, "symbols");
        ElfSymbol.Kind[] kinds = ElfSymbol.Kind.values();
        ElfSymbol.Binding[] bindings = ElfSymbol.Binding.values();
        List<ElfSymbol> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String nm = pool.at(name[i]);
            out.add(new ElfSymbol(nm, demangled[i] == name[i] ? nm : pool.at(demangled[i]), value[i], size[i],
                    kinds[kind[i]], bindings[binding[i]], defined[i] != 0));
        }
        return symbols = List.copyOf(out);
    }

    /** Source files of the line tables: absolute where the compile directory is, normalised. */
    public synchronized List<String> sourceFiles() {
        return dwarf().files();
    }

    /** Every compile unit's line table, sequence after sequence. */
    public synchronized List<LineRow> lineRows() {
        return dwarf().lines();
    }

    /** Variables at fixed addresses, by address. */
    public synchronized List<GlobalVariable> globals() {
        return dwarf().variables();
    }

    /**
     * What the DWARF says about values (scopes and variables at a pc, types, call frame
     * information, functions), for evaluating expressions; one instance per file, thread-safe.
     * Without DWARF its answers are empty, except call frame information from .eh_frame.
     */
    public synchronized dev.omniscope.debuginfo.DebugInfo debugInfo() {
        if (debugInfo == null) debugInfo = new ElfDebugInfo(this);
        return debugInfo;
    }

    /** The type DIE offset of each of {@link #globals()}, in the same order. */
    synchronized long[] globalTypes() {
        if (variableTypes != null) return variableTypes;
        int n = globals().size();
        long[] types = new long[n];
        lib.omni_elf_variable_types(live(), n, types);
        return variableTypes = types;
    }

    /** A query of elfinfo.h's "Query results": runs it and copies its answer out; null when out of native memory. */
    synchronized byte[] query(java.util.function.ToLongBiFunction<ElfNative, Pointer> call) {
        Pointer h = live();
        long size = call.applyAsLong(lib, h);
        if (size < 0) return null;
        byte[] out = new byte[Math.toIntExact(size)];
        if (size > 0) lib.omni_elf_result_copy(h, out, size);
        return out;
    }

    /** {@code omni_elf_type_named}: 0 when none. */
    synchronized long typeNamed(String qualifiedName) {
        return lib.omni_elf_type_named(live(), qualifiedName);
    }

    private Dwarf dwarf() {
        if (dwarf != null) return dwarf;
        Pointer h = live();
        int nf = count(lib.omni_elf_file_count(h), "DWARF");
        int[] fileOffsets = new int[nf];
        lib.omni_elf_files(h, nf, fileOffsets);

        int nl = count(lib.omni_elf_line_count(h), "DWARF");
        long[] address = new long[nl];
        int[] file = new int[nl], line = new int[nl], column = new int[nl];
        byte[] flags = new byte[nl];
        lib.omni_elf_lines(h, nl, address, file, line, column, flags);

        int nv = count(lib.omni_elf_variable_count(h), "DWARF");
        long[] vaddr = new long[nv], vsize = new long[nv];
        int[] vname = new int[nv], vscope = new int[nv], vtype = new int[nv], vfile = new int[nv], vline = new int[nv];
        lib.omni_elf_variables(h, nv, vaddr, vsize, vname, vscope, vtype, vfile, vline);

        Pool pool = pool(ElfNative.POOL_DWARF, "DWARF");
        List<String> files = new ArrayList<>(nf);
        for (int off : fileOffsets) files.add(pool.at(off));
        List<LineRow> lines = new ArrayList<>(nl);
        for (int i = 0; i < nl; i++) {
            lines.add(new LineRow(address[i], file[i], line[i], column[i], (flags[i] & ElfNative.LINE_STMT) != 0,
                    (flags[i] & ElfNative.LINE_END_SEQUENCE) != 0));
        }
        List<GlobalVariable> variables = new ArrayList<>(nv);
        for (int i = 0; i < nv; i++) {
            String f = vfile[i] >= 0 && vfile[i] < nf ? files.get(vfile[i]) : null;
            variables.add(new GlobalVariable(pool.at(vname[i]), vaddr[i], vsize[i], pool.at(vtype[i]), f, vline[i],
                    pool.at(vscope[i])));
        }
        return dwarf = new Dwarf(List.copyOf(files), List.copyOf(lines), List.copyOf(variables));
    }

    private Pointer live() {
        if (handle == null) throw new IllegalStateException(path + " is closed");
        return handle;
    }

    private int count(long n, String table) {
        if (n < 0) throw new IllegalStateException("out of native memory reading the " + table + " of " + path);
        return Math.toIntExact(n);
    }

    private Pool pool(int which, String table) {
        int size = count(lib.omni_elf_pool_size(live(), which), table);
        byte[] bytes = new byte[size];
        lib.omni_elf_pool_copy(live(), which, bytes, size);
        return new Pool(bytes);
    }

    /** NUL-terminated UTF-8 strings by offset; each decoded once. */
    private static final class Pool {
        private final byte[] bytes;
        private final Map<Integer, String> decoded = new HashMap<>();

        Pool(byte[] bytes) {
            this.bytes = bytes;
        }

        String at(int offset) {
            if (offset < 0 || offset >= bytes.length) {
                throw new IllegalStateException("string offset " + offset + " outside a pool of " + bytes.length);
            }
            return decoded.computeIfAbsent(offset, o -> cString(bytes, o));
        }
    }

    private static String cString(byte[] bytes, int offset) {
        int end = offset;
        while (end < bytes.length && bytes[end] != 0) end++;
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (handle != null) {
            lib.omni_elf_close(handle);
            handle = null;
        }
    }

    @Override
    public String toString() {
        return "ElfFile[" + path + ", " + type() + (hasDwarf() ? ", DWARF" : "") + "]";
    }
}
