package dev.omniscope.symbols;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongBiFunction;

import dev.omniscope.debuginfo.CfiRow;
import dev.omniscope.debuginfo.DebugFunction;
import dev.omniscope.debuginfo.DebugInfo;
import dev.omniscope.debuginfo.DebugScope;
import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.DebugVariable;
import dev.omniscope.debuginfo.DwarfOp;
import dev.omniscope.debuginfo.VarLocation;
import jnr.ffi.Pointer;

/**
 * {@link DebugInfo} over libomnielf's structured queries ({@code omni_elf_scopes_at},
 * {@code omni_elf_type}, {@code omni_elf_functions}, {@code omni_elf_cfi_at}; their encoding is
 * elfinfo.h's "Query results"). Each query is two native calls under the {@link ElfFile}'s lock;
 * types are kept in a bounded LRU cache, the function and static variable lists once read.
 */
final class ElfDebugInfo implements DebugInfo {
    private static final int TYPE_CACHE = 8192;
    private static final int NAME_CACHE = 1024;

    private final ElfFile elf;
    private final Map<Long, Optional<DebugType>> types = lru(TYPE_CACHE);
    private final Map<String, Long> typeNames = lru(NAME_CACHE);
    private List<DebugFunction> functions;
    private java.util.Map<String, String> aliases;
    private List<StaticVariable> statics;

    ElfDebugInfo(ElfFile elf) {
        this.elf = elf;
    }

    private static <K, V> Map<K, V> lru(int capacity) {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public List<DebugScope> scopesAt(long pc) {
        Reader r = query((n, h) -> n.omni_elf_scopes_at(h, pc), "scopes");
        if (r.empty()) return List.of();
        int count = r.count();
        List<DebugScope> scopes = new ArrayList<>(count);
        DebugScope.Kind[] kinds = DebugScope.Kind.values();
        for (int i = 0; i < count; i++) {
            DebugScope.Kind kind = kinds[r.u8()];
            String name = r.str(), linkage = r.str(), qualified = r.str();
            long die = r.u64(), low = r.u64(), entry = r.u64();
            List<DwarfOp> frameBase = r.ops();
            long returnType = r.u64();
            String callFile = r.str();
            int callLine = r.u32();
            String declFile = r.str();
            int declLine = r.u32();
            int language = r.u32();
            int nv = r.count();
            List<DebugVariable> vars = new ArrayList<>(nv);
            for (int v = 0; v < nv; v++) {
                String vname = r.str();
                long type = r.u64();
                int line = r.u32();
                VarLocation location = r.location();
                int flags = r.u8();
                vars.add(new DebugVariable(vname, (flags & ElfNative.VAR_PARAMETER) != 0, type, line, location,
                        (flags & ElfNative.VAR_ARTIFICIAL) != 0, (flags & ElfNative.VAR_EXTERNAL) != 0, r.u64(), r.u64()));
            }
            scopes.add(new DebugScope(kind, name, linkage, qualified, die, low, entry, frameBase, returnType, callFile, callLine,
                    declFile, declLine, language, vars));
        }
        return List.copyOf(scopes);
    }

    @Override
    public Optional<DebugType> type(long offset) {
        if (offset == 0) return Optional.empty();
        synchronized (types) {
            Optional<DebugType> cached = types.get(offset);
            if (cached != null) return cached;
        }
        Optional<DebugType> t = readType(offset);
        synchronized (types) {
            types.put(offset, t);
        }
        return t;
    }

    private Optional<DebugType> readType(long offset) {
        Reader r = query((n, h) -> n.omni_elf_type(h, offset), "a type");
        if (r.empty()) return Optional.empty();
        long off = r.u64();
        int tag = r.u32();
        String name = r.str(), qualified = r.str();
        long byteSize = r.u64();
        int encoding = r.u32();
        long target = r.u64();
        int nm = r.count();
        List<DebugType.Member> members = new ArrayList<>(nm);
        for (int i = 0; i < nm; i++) {
            String mname = r.str();
            long type = r.u64(), byteOffset = r.u64();
            int bitSize = r.u32();
            long bitOffset = r.u64();
            int f = r.u8();
            byte[] constant = (f & 16) != 0 ? r.bytes() : null;
            members.add(new DebugType.Member(mname, type, byteOffset, bitSize, bitOffset, (f & 1) != 0, (f & 2) != 0, (f & 4) != 0,
                    (f & 8) != 0, constant));
        }
        int ne = r.count();
        List<DebugType.Enumerator> enumerators = new ArrayList<>(ne);
        for (int i = 0; i < ne; i++) enumerators.add(new DebugType.Enumerator(r.str(), r.u64()));
        int nd = r.count();
        List<Long> dimensions = new ArrayList<>(nd);
        for (int i = 0; i < nd; i++) dimensions.add(r.u64());
        int np = r.count();
        List<Long> parameters = new ArrayList<>(np);
        for (int i = 0; i < np; i++) parameters.add(r.u64());
        int nt = r.count();
        List<DebugType.TemplateParameter> templates = new ArrayList<>(nt);
        for (int i = 0; i < nt; i++) {
            String tname = r.str();
            long type = r.u64();
            boolean hasValue = r.u8() != 0;
            long value = r.u64();
            templates.add(new DebugType.TemplateParameter(tname, type, hasValue ? value : null));
        }
        int flags = r.u8();
        int language = r.u32();
        return Optional.of(new DebugType(off, tag, name, qualified, byteSize, encoding, target, (flags & 1) != 0, (flags & 2) != 0,
                (flags & 4) != 0, (flags & 8) != 0, members, enumerators, dimensions, parameters, templates, language));
    }

    @Override
    public Optional<DebugType> typeNamed(String qualifiedName) {
        Long offset;
        synchronized (typeNames) {
            offset = typeNames.get(qualifiedName);
        }
        if (offset == null) {
            offset = elf.typeNamed(qualifiedName);
            synchronized (typeNames) {
                typeNames.put(qualifiedName, offset);
            }
        }
        return type(offset);
    }

    @Override
    public Optional<CfiRow> cfiAt(long pc) {
        Reader r = query((n, h) -> n.omni_elf_cfi_at(h, pc), "call frame information");
        if (r.empty()) return Optional.empty();
        long start = r.u64(), end = r.u64();
        int ra = r.u32();
        List<DwarfOp> cfa = r.ops();
        int n = r.count();
        Map<Integer, CfiRow.Rule> rules = new HashMap<>();
        CfiRow.Rule.Kind[] kinds = CfiRow.Rule.Kind.values();
        for (int i = 0; i < n; i++) {
            int reg = r.u32();
            CfiRow.Rule.Kind kind = kinds[r.u8()];
            rules.put(reg, new CfiRow.Rule(kind, r.ops()));
        }
        return Optional.of(new CfiRow(start, end, ra, cfa, rules));
    }

    @Override
    public synchronized List<DebugFunction> functions() {
        if (functions != null) return functions;
        Reader r = query((n, h) -> n.omni_elf_functions(h), "functions");
        int count = r.empty() ? 0 : r.count();
        List<DebugFunction> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = r.str(), qualified = r.str(), linkage = r.str();
            long low = r.u64(), high = r.u64(), die = r.u64();
            String file = r.str();
            int line = r.u32();
            boolean external = r.u8() != 0;
            out.add(new DebugFunction(name, qualified, linkage, low, high, die, file, line, external));
        }
        return functions = List.copyOf(out);
    }

    @Override
    public synchronized java.util.Map<String, String> namespaceAliases() {
        if (aliases != null) return aliases;
        Reader r = query((n, h) -> n.omni_elf_namespace_aliases(h), "namespace aliases");
        int count = r.empty() ? 0 : r.count();
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String alias = r.str(), target = r.str();
            out.putIfAbsent(alias, target);
        }
        return aliases = java.util.Collections.unmodifiableMap(out);
    }

    @Override
    public synchronized List<StaticVariable> staticVariables() {
        if (statics != null) return statics;
        List<GlobalVariable> globals = elf.globals();
        long[] types = elf.globalTypes();
        List<StaticVariable> out = new ArrayList<>(globals.size());
        for (int i = 0; i < globals.size(); i++) {
            GlobalVariable g = globals.get(i);
            out.add(new StaticVariable(g.name(), g.qualifiedName(), g.address(), types[i]));
        }
        for (ElfFile.ThreadLocal t : elf.threadLocals()) out.add(new StaticVariable(t.name(), t.qualifiedName(), t.offset(), t.type(), true));
        return statics = List.copyOf(out);
    }

    private Reader query(ToLongBiFunction<ElfNative, Pointer> call, String what) {
        byte[] bytes = elf.query(call);
        if (bytes == null) throw new IllegalStateException("out of native memory reading " + what + " of " + elf.path());
        return new Reader(bytes);
    }

    /** Reads elfinfo.h's result encoding. */
    private static final class Reader {
        private final ByteBuffer b;

        Reader(byte[] bytes) {
            b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        boolean empty() {
            return !b.hasRemaining();
        }

        int u8() {
            return b.get() & 0xff;
        }

        int u32() {
            return b.getInt();
        }

        int count() {
            int n = b.getInt();
            if (n < 0 || n > b.remaining()) throw new IllegalStateException("corrupt result: count " + n);
            return n;
        }

        long u64() {
            return b.getLong();
        }

        byte[] bytes() {
            byte[] out = new byte[count()];
            b.get(out);
            return out;
        }

        String str() {
            int n = b.getInt();
            if (n == -1) return null;
            if (n < 0 || n > b.remaining()) throw new IllegalStateException("corrupt result: string of " + n);
            String s = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
            b.position(b.position() + n);
            return s;
        }

        List<DwarfOp> ops() {
            int n = count();
            if (n == 0) return List.of();
            List<DwarfOp> ops = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int atom = u8();
                long number = u64(), number2 = u64(), offset = u64();
                byte[] block = bytes();
                List<DwarfOp> nested = ops();
                ops.add(new DwarfOp(atom, number, number2, block, nested, offset));
            }
            return ops;
        }

        VarLocation location() {
            int kind = u8();
            return switch (kind) {
                case ElfNative.LOC_EXPRESSION -> {
                    List<DwarfOp> ops = ops();
                    yield ops.isEmpty() ? new VarLocation.OptimizedOut() : new VarLocation.Expression(ops);
                }
                case ElfNative.LOC_CONSTANT -> new VarLocation.Constant(bytes());
                default -> new VarLocation.OptimizedOut();
            };
        }
    }
}
