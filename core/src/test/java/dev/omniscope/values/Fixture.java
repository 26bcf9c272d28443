package dev.omniscope.values;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

import dev.omniscope.debuginfo.CfiRow;
import dev.omniscope.debuginfo.DebugFunction;
import dev.omniscope.debuginfo.DebugInfo;
import dev.omniscope.debuginfo.DebugScope;
import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.DebugVariable;
import dev.omniscope.debuginfo.Dw;
import dev.omniscope.debuginfo.DwarfOp;
import dev.omniscope.debuginfo.VarLocation;

/**
 * An in-memory module and frame for the value code's tests: hand-built types, scopes and
 * variables (as libdw would describe the test programs gcc compiled), byte-array memory,
 * registers, globals and symbols. The expected texts in the tests are gdb 13's output for the
 * equivalent C/C++ programs.
 */
final class Fixture implements DebugInfo, FrameContext {
    final int language;
    private final Map<Long, DebugType> types = new HashMap<>();
    private final Map<String, DebugType> named = new HashMap<>();
    private long nextOffset = 0x100;
    private final TreeMap<Long, byte[]> memory = new TreeMap<>();
    final Map<Integer, Long> registers = new HashMap<>();
    final Map<Integer, Long> entryRegisters = new HashMap<>();
    final Map<Integer, byte[]> vectors = new HashMap<>();
    final Map<Integer, byte[]> entryVectors = new HashMap<>();
    final Map<String, String> aliases = new HashMap<>();
    private final Map<String, Global> globals = new HashMap<>();
    private final Map<String, Global> functions = new HashMap<>();
    private final TreeMap<Long, String[]> symbols = new TreeMap<>(); // address -> {name, size}
    final List<DebugScope> scopes = new ArrayList<>();
    Long cfa;
    Long tls;
    private long stackTop = 0x7fffffffe000L;

    Fixture(int language) {
        this.language = language;
    }

    static Fixture c() {
        return new Fixture(Dw.LANG_C11);
    }

    static Fixture cxx() {
        return new Fixture(Dw.LANG_C_PLUS_PLUS_14);
    }

    // ---------------------------------------------------------------- types

    /** A class template's instance with its template parameters. */
    DebugType template(String name, long size, List<DebugType.TemplateParameter> parameters, DebugType.Member... members) {
        DebugType t = new DebugType(nextOffset, Dw.TAG_STRUCTURE_TYPE, name, name, size, 0, 0, false, false, false, false, List.of(members),
                List.of(), List.of(), List.of(), parameters, language);
        nextOffset += 0x10;
        types.put(t.offset(), t);
        named.putIfAbsent(name, t);
        return t;
    }

    DebugType add(int tag, String name, String qualified, long size, int enc, long target, List<DebugType.Member> members,
                  List<DebugType.Enumerator> enumerators, List<Long> dims, List<Long> params, boolean prototyped, boolean enumClass) {
        DebugType t = new DebugType(nextOffset, tag, name, qualified, size, enc, target, false, enumClass, prototyped, false, members,
                enumerators, dims, params, List.of(), language);
        nextOffset += 0x10;
        types.put(t.offset(), t);
        if (!qualified.isEmpty() && tag != Dw.TAG_POINTER_TYPE) named.putIfAbsent(qualified, t);
        return t;
    }

    DebugType base(String name, long size, int enc) {
        return add(Dw.TAG_BASE_TYPE, name, name, size, enc, 0, List.of(), List.of(), List.of(), List.of(), false, false);
    }

    DebugType intT() {
        return named.containsKey("int") ? named.get("int") : base("int", 4, Dw.ATE_SIGNED);
    }

    DebugType charT() {
        return named.containsKey("char") ? named.get("char") : base("char", 1, Dw.ATE_SIGNED_CHAR);
    }

    DebugType ptr(DebugType target) {
        return add(Dw.TAG_POINTER_TYPE, "", "", 8, 0, target == null ? 0 : target.offset(), List.of(), List.of(), List.of(), List.of(), false, false);
    }

    DebugType ref(DebugType target) {
        return add(Dw.TAG_REFERENCE_TYPE, "", "", 8, 0, target.offset(), List.of(), List.of(), List.of(), List.of(), false, false);
    }

    DebugType qual(int tag, DebugType target) {
        return add(tag, "", "", -1, 0, target.offset(), List.of(), List.of(), List.of(), List.of(), false, false);
    }

    DebugType typedef(String name, DebugType target) {
        return add(Dw.TAG_TYPEDEF, name, name, -1, 0, target.offset(), List.of(), List.of(), List.of(), List.of(), false, false);
    }

    DebugType array(DebugType element, long... dims) {
        List<Long> d = new ArrayList<>();
        for (long x : dims) d.add(x);
        return add(Dw.TAG_ARRAY_TYPE, "", "", -1, 0, element.offset(), List.of(), List.of(), d, List.of(), false, false);
    }

    DebugType function(DebugType returns, DebugType... params) {
        List<Long> p = new ArrayList<>();
        for (DebugType x : params) p.add(x.offset());
        return add(Dw.TAG_SUBROUTINE_TYPE, "", "", -1, 0, returns == null ? 0 : returns.offset(), List.of(), List.of(), List.of(), p, true, false);
    }

    DebugType struct(int tag, String name, long size, DebugType.Member... members) {
        return add(tag, name, name, size, 0, 0, List.of(members), List.of(), List.of(), List.of(), false, false);
    }

    DebugType struct(String name, long size, DebugType.Member... members) {
        return struct(Dw.TAG_STRUCTURE_TYPE, name, size, members);
    }

    DebugType enumeration(String name, String qualified, boolean enumClass, DebugType.Enumerator... values) {
        return add(Dw.TAG_ENUMERATION_TYPE, name, qualified, 4, 0, 0, List.of(), List.of(values), List.of(), List.of(), false, enumClass);
    }

    static DebugType.Member field(String name, DebugType type, long offset) {
        return new DebugType.Member(name, type.offset(), offset, 0, -1, false, false, false, false);
    }

    static DebugType.Member bitfield(String name, DebugType type, long bitOffset, int bitSize) {
        return new DebugType.Member(name, type.offset(), bitOffset / 8, bitSize, bitOffset, false, false, false, false);
    }

    static DebugType.Member base(DebugType type, long offset) {
        return new DebugType.Member(type.name(), type.offset(), offset, 0, -1, true, false, false, false);
    }

    static DebugType.Member staticMember(String name, DebugType type) {
        return new DebugType.Member(name, type.offset(), -1, 0, -1, false, true, false, false);
    }

    static DebugType.Member artificial(String name, DebugType type, long offset) {
        return new DebugType.Member(name, type.offset(), offset, 0, -1, false, false, true, false);
    }

    static DebugType.Enumerator en(String name, long value) {
        return new DebugType.Enumerator(name, value);
    }

    // ---------------------------------------------------------------- memory, registers, symbols

    Fixture map(long address, byte[] bytes) {
        memory.put(address, bytes);
        return this;
    }

    /** Little-endian bytes of integers of the given width. */
    static byte[] le(int width, long... values) {
        ByteBuffer b = ByteBuffer.allocate(width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (width) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.array();
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) b[i] = (byte) values[i];
        return b;
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    Fixture symbol(String name, long address, long size) {
        symbols.put(address, new String[] {name, Long.toString(size)});
        return this;
    }

    Fixture global(String name, DebugType type, long address, byte[] contents) {
        globals.put(name, new Global(this, 0, name, address, type.offset()));
        if (contents != null) map(address, contents);
        symbol(name, address, Math.max(1, contents == null ? 1 : contents.length));
        return this;
    }

    Fixture function(String name, DebugType type, long address) {
        functions.put(name, new Global(this, 0, name, address, type.offset()));
        symbol(name, address, 16);
        return this;
    }

    /** A local in memory at a fresh stack address (DW_OP_fbreg from a DW_OP_call_frame_cfa frame base). */
    DebugVariable stackLocal(String name, DebugType type, byte[] contents) {
        stackTop -= (contents.length + 15) & ~15L;
        map(stackTop, contents);
        return memoryVariable(name, false, type, stackTop);
    }

    DebugVariable memoryVariable(String name, boolean parameter, DebugType type, long address) {
        return new DebugVariable(name, parameter, type.offset(), 1,
                new VarLocation.Expression(List.of(DwarfOp.of(Dw.OP_ADDR, address, 0, 0))), false, false);
    }

    static DebugVariable variable(String name, boolean parameter, DebugType type, DwarfOp... ops) {
        return new DebugVariable(name, parameter, type.offset(), 1, new VarLocation.Expression(List.of(ops)), false, false);
    }

    DebugScope scope(DebugScope.Kind kind, String name, DebugVariable... variables) {
        DebugScope s = new DebugScope(kind, name, "", name, nextOffset++, 0x401000, 0x401000,
                kind == DebugScope.Kind.FUNCTION ? List.of(DwarfOp.of(Dw.OP_CALL_FRAME_CFA, 0, 0, 0)) : List.of(), 0, null, 0, null, 0,
                language, List.of(variables));
        scopes.add(s);
        return s;
    }

    /** The value code's answer for one expression, as {@code print} shows it (or the error message). */
    String print(String expression) {
        try {
            return FrameValues.evaluate(this, expression).value();
        } catch (ExpressionException e) {
            return e.getMessage();
        }
    }

    // ---------------------------------------------------------------- DebugInfo

    @Override
    public List<DebugScope> scopesAt(long pc) {
        return scopes;
    }

    @Override
    public Optional<DebugType> type(long offset) {
        return Optional.ofNullable(types.get(offset));
    }

    @Override
    public Optional<DebugType> typeNamed(String qualifiedName) {
        return Optional.ofNullable(named.get(qualifiedName));
    }

    @Override
    public Map<String, String> namespaceAliases() {
        return aliases;
    }

    @Override
    public Optional<CfiRow> cfiAt(long pc) {
        return Optional.empty();
    }

    @Override
    public List<DebugFunction> functions() {
        return List.of();
    }

    @Override
    public List<StaticVariable> staticVariables() {
        return List.of();
    }

    // ---------------------------------------------------------------- FrameContext

    @Override
    public DebugInfo debugInfo() {
        return this;
    }

    @Override
    public long bias() {
        return 0;
    }

    @Override
    public List<DebugScope> scopes() {
        return scopes;
    }

    @Override
    public OptionalLong register(int dwarfRegister) {
        Long v = registers.get(dwarfRegister);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    @Override
    public Optional<byte[]> vectorRegister(int dwarfRegister) {
        return Optional.ofNullable(vectors.get(dwarfRegister));
    }

    @Override
    public OptionalLong cfa() {
        return cfa == null ? OptionalLong.empty() : OptionalLong.of(cfa);
    }

    @Override
    public Optional<byte[]> entryVectorRegister(int dwarfRegister) {
        return Optional.ofNullable(entryVectors.get(dwarfRegister));
    }

    @Override
    public OptionalLong entryRegister(int dwarfRegister) {
        Long v = entryRegisters.get(dwarfRegister);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    @Override
    public byte[] read(long address, int length) throws UnreadableMemory {
        byte[] out = new byte[length];
        for (int i = 0; i < length; ) {
            long a = address + i;
            Map.Entry<Long, byte[]> e = memory.floorEntry(a);
            if (e == null || a - e.getKey() >= e.getValue().length) throw new UnreadableMemory(a);
            int from = (int) (a - e.getKey());
            int n = Math.min(length - i, e.getValue().length - from);
            System.arraycopy(e.getValue(), from, out, i, n);
            i += n;
        }
        return out;
    }

    @Override
    public OptionalLong threadPointer() {
        return OptionalLong.empty();
    }

    @Override
    public OptionalLong tlsBlock() {
        return tls == null ? OptionalLong.empty() : OptionalLong.of(tls);
    }

    @Override
    public Optional<Global> global(String name) {
        return Optional.ofNullable(globals.get(name));
    }

    @Override
    public Optional<Global> function(String name) {
        return Optional.ofNullable(functions.get(name));
    }

    @Override
    public Optional<String> symbolAt(long address) {
        Map.Entry<Long, String[]> e = symbols.floorEntry(address);
        if (e == null || address - e.getKey() >= Long.parseLong(e.getValue()[1])) return Optional.empty();
        long off = address - e.getKey();
        return Optional.of(off == 0 ? e.getValue()[0] : e.getValue()[0] + "+" + off);
    }
}
