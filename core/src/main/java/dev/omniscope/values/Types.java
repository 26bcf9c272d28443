package dev.omniscope.values;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.omniscope.debuginfo.DebugInfo;
import dev.omniscope.debuginfo.DebugType;
import dev.omniscope.debuginfo.Dw;

/**
 * The types of one module as the value code uses them: DIEs by offset (cached), typedefs and
 * qualifiers stripped, declarations completed, sizes, and types the code makes up itself
 * (pointers for {@code &x}, {@code int} for arithmetic, arrays for {@code p@4}), which get
 * negative offsets. Not thread-safe: one per evaluation.
 */
final class Types {
    final DebugInfo info;
    final int language;
    private final Map<Long, DebugType> cache = new HashMap<>();
    private final Map<String, DebugType> made = new HashMap<>();
    private long next = -2;

    Types(DebugInfo info, int language) {
        this.info = info;
        this.language = language;
    }

    boolean cxx() {
        return Dw.isCxx(language);
    }

    /** Adds a made-up type (negative offset) so that other made-up types can refer to it. */
    void register(DebugType t) {
        cache.put(t.offset(), t);
    }

    /** The type at an offset; null for void (0) or an offset that is not a type. */
    DebugType get(long offset) {
        if (offset == 0) return null;
        DebugType t = cache.get(offset);
        if (t == null && offset > 0) {
            t = info.type(offset).orElse(null);
            if (t != null) cache.put(offset, t);
        }
        return t;
    }

    /** Without typedefs, const, volatile, restrict and _Atomic; a declaration completed when the module has the type. */
    DebugType strip(DebugType t) {
        for (int i = 0; t != null && i < 64; i++) {
            switch (t.tag()) {
                case Dw.TAG_TYPEDEF, Dw.TAG_CONST_TYPE, Dw.TAG_VOLATILE_TYPE, Dw.TAG_RESTRICT_TYPE, Dw.TAG_ATOMIC_TYPE -> t = get(t.target());
                default -> {
                    return complete(t);
                }
            }
        }
        return t;
    }

    DebugType complete(DebugType t) {
        if (t == null || !t.declaration()) return t;
        String name = t.qualifiedName().isEmpty() ? t.name() : t.qualifiedName();
        if (name.isEmpty()) return t;
        DebugType c = info.typeNamed(name).orElse(null);
        if (c == null || c.declaration()) return t;
        cache.put(c.offset(), c);
        return c;
    }

    /** sizeof, in bytes; 0 when unknown. */
    long size(DebugType t) {
        DebugType s = strip(t);
        if (s == null) return 1; // gdb: sizeof(void) is 1
        return switch (s.tag()) {
            case Dw.TAG_POINTER_TYPE, Dw.TAG_REFERENCE_TYPE, Dw.TAG_RVALUE_REFERENCE_TYPE, Dw.TAG_PTR_TO_MEMBER_TYPE -> s.byteSize() > 0 ? s.byteSize() : 8;
            case Dw.TAG_ARRAY_TYPE -> {
                long n = 1;
                for (long d : s.dimensions()) n *= Math.max(0, d);
                if (s.byteSize() > 0) yield s.byteSize();
                yield n * size(get(s.target()));
            }
            case Dw.TAG_SUBROUTINE_TYPE -> 1;
            default -> Math.max(0, s.byteSize());
        };
    }

    /** An array's element type: for a multi-dimensional array, the array of its inner dimensions. */
    DebugType element(DebugType array) {
        if (array.dimensions().size() <= 1) return get(array.target());
        List<Long> inner = array.dimensions().subList(1, array.dimensions().size());
        return make("array" + array.offset() + inner, Dw.TAG_ARRAY_TYPE, "", -1, 0, array.target(), inner);
    }

    /** The number of elements of an array's outermost dimension, -1 when unknown. */
    static long length(DebugType array) {
        return array.dimensions().isEmpty() ? -1 : array.dimensions().get(0);
    }

    DebugType pointerTo(DebugType t) {
        long target = t == null ? 0 : t.offset();
        return make("ptr" + target, Dw.TAG_POINTER_TYPE, "", 8, 0, target, List.of());
    }

    DebugType arrayOf(DebugType element, long count) {
        long target = element == null ? 0 : element.offset();
        return make("arr" + target + "x" + count, Dw.TAG_ARRAY_TYPE, "", -1, 0, target, List.of(count));
    }

    /** A base type by its C name ("int", "unsigned long", "double", "char", "bool"...), the module's own when it has one. */
    DebugType base(String name) {
        DebugType t = made.get("base " + name);
        if (t != null) return t;
        int enc;
        long size;
        switch (name) {
            case "char" -> { enc = Dw.ATE_SIGNED_CHAR; size = 1; }
            case "signed char" -> { enc = Dw.ATE_SIGNED_CHAR; size = 1; }
            case "unsigned char" -> { enc = Dw.ATE_UNSIGNED_CHAR; size = 1; }
            case "short" -> { enc = Dw.ATE_SIGNED; size = 2; }
            case "unsigned short" -> { enc = Dw.ATE_UNSIGNED; size = 2; }
            case "int" -> { enc = Dw.ATE_SIGNED; size = 4; }
            case "unsigned int" -> { enc = Dw.ATE_UNSIGNED; size = 4; }
            case "long", "long long" -> { enc = Dw.ATE_SIGNED; size = 8; }
            case "unsigned long", "unsigned long long" -> { enc = Dw.ATE_UNSIGNED; size = 8; }
            case "__int128" -> { enc = Dw.ATE_SIGNED; size = 16; }
            case "unsigned __int128" -> { enc = Dw.ATE_UNSIGNED; size = 16; }
            case "float" -> { enc = Dw.ATE_FLOAT; size = 4; }
            case "double" -> { enc = Dw.ATE_FLOAT; size = 8; }
            case "long double" -> { enc = Dw.ATE_FLOAT; size = 16; }
            case "bool", "_Bool" -> { enc = Dw.ATE_BOOLEAN; size = 1; }
            case "void" -> {
                return null;
            }
            default -> throw new IllegalArgumentException(name);
        }
        t = new DebugType(next--, Dw.TAG_BASE_TYPE, name, name, size, enc, 0, false, false, false, false, List.of(), List.of(),
                List.of(), List.of(), List.of(), language);
        made.put("base " + name, t);
        cache.put(t.offset(), t);
        return t;
    }

    private DebugType make(String key, int tag, String name, long size, int enc, long target, List<Long> dims) {
        DebugType t = made.get(key);
        if (t != null) return t;
        t = new DebugType(next--, tag, name, name, size, enc, target, false, false, false, false, List.of(), List.of(), dims,
                List.of(), List.of(), language);
        made.put(key, t);
        cache.put(t.offset(), t);
        return t;
    }

    // ---------------------------------------------------------------- classification (of stripped types)

    static boolean isPointer(DebugType s) {
        return s != null && s.tag() == Dw.TAG_POINTER_TYPE;
    }

    static boolean isReference(DebugType s) {
        return s != null && (s.tag() == Dw.TAG_REFERENCE_TYPE || s.tag() == Dw.TAG_RVALUE_REFERENCE_TYPE);
    }

    static boolean isAggregate(DebugType s) {
        return s != null && (s.tag() == Dw.TAG_STRUCTURE_TYPE || s.tag() == Dw.TAG_CLASS_TYPE || s.tag() == Dw.TAG_UNION_TYPE);
    }

    static boolean isFloat(DebugType s) {
        return s != null && s.tag() == Dw.TAG_BASE_TYPE && s.encoding() == Dw.ATE_FLOAT;
    }

    /** Integers, chars, bools, enums and pointers: what arithmetic and conditions accept besides floats. */
    static boolean isIntegral(DebugType s) {
        if (s == null) return false;
        if (s.tag() == Dw.TAG_ENUMERATION_TYPE) return true;
        if (s.tag() != Dw.TAG_BASE_TYPE) return false;
        int e = s.encoding();
        return e == Dw.ATE_SIGNED || e == Dw.ATE_UNSIGNED || e == Dw.ATE_SIGNED_CHAR || e == Dw.ATE_UNSIGNED_CHAR
                || e == Dw.ATE_BOOLEAN || e == Dw.ATE_UTF || e == Dw.ATE_ADDRESS;
    }

    /** Whether an integral type is signed (an enum: whether any enumerator is negative, as gdb decides). */
    boolean isSigned(DebugType s) {
        if (s.tag() == Dw.TAG_ENUMERATION_TYPE) {
            DebugType u = strip(get(s.target()));
            if (u != null) return isSigned(u);
            return s.enumerators().stream().anyMatch(e -> e.value() < 0);
        }
        return s.encoding() == Dw.ATE_SIGNED || s.encoding() == Dw.ATE_SIGNED_CHAR;
    }

    /** A 1-byte character type: arrays of it print as strings, pointers to it with their string. */
    boolean isTextual(DebugType t) {
        DebugType s = strip(t);
        return s != null && s.tag() == Dw.TAG_BASE_TYPE && s.byteSize() == 1
                && (s.encoding() == Dw.ATE_SIGNED_CHAR || s.encoding() == Dw.ATE_UNSIGNED_CHAR
                || s.encoding() == Dw.ATE_SIGNED || s.encoding() == Dw.ATE_UNSIGNED || s.encoding() == Dw.ATE_UTF);
    }
}
